//! Reading seed files: the formats, and entries refused with the entry and
//! the problem named, before anything is applied.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::file::{Format, SeedFile};
use super::plan::plan;

/// The refusal of a TOML seed, as `entry: problem`.
fn refusal(toml: &str) -> String {
    let file = SeedFile::parse(toml, Format::Toml).unwrap();
    let (entry, problem) = plan(&file).unwrap_err();
    format!("{entry}: {problem}")
}

const POOL: &str = "[[pools]]\nid = \"us-east-1_Example1\"\nname = \"p\"\n";

#[test]
fn the_committed_example_is_a_valid_seed() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/seed.toml");
    let seed = super::Seed::load(std::path::Path::new(path)).unwrap();
    assert_eq!(seed.pools.len(), 2);
    let p = &seed.pools[0];
    assert_eq!(p.pool.id, "us-east-1_Example1");
    assert_eq!(p.clients.len(), 3);
    assert_eq!((p.resource_servers.len(), p.domains.len()), (1, 1));
    assert_eq!(p.users.len(), 3);
    assert!(p.users[2].1.mfa.is_some(), "erin has MFA");
    assert!(p.pool.signing_keys.is_some());
}

#[test]
fn toml_and_json_read_the_same() {
    let toml = format!(
        "{POOL}[pools.settings]\nAutoVerifiedAttributes = [\"email\"]\n\
         [[pools.users]]\nusername = \"a\"\npassword = \"Passw0rd!\"\n\
         [pools.users.attributes]\nemail_verified = true\n\"custom:n\" = 3\n"
    );
    let a = SeedFile::parse(&toml, Format::Toml).unwrap();
    let json = a.render(Format::Json).unwrap();
    let b = SeedFile::parse(&json, Format::Json).unwrap();
    assert_eq!(
        b.render(Format::Toml).unwrap(),
        a.render(Format::Toml).unwrap()
    );
    let u = &b.pools[0].users[0];
    assert_eq!(u.attributes["email_verified"].text(), "true");
    assert_eq!(u.attributes["custom:n"].text(), "3");
    assert!(u.enabled);
    assert_eq!(plan(&b).unwrap()[0].users.len(), 1);
}

#[test]
fn unknown_keys_and_bad_syntax_say_where() {
    let e = SeedFile::parse(&format!("{POOL}pasword = 1\n"), Format::Toml).unwrap_err();
    assert!(e.contains("pasword") && e.contains("line 4"), "{e}");
    let e = SeedFile::parse("{\"pools\": [", Format::Json).unwrap_err();
    assert!(e.contains("line 1"), "{e}");
    assert!(Format::of(std::path::Path::new("seed.yaml")).is_err());
}

#[test]
fn entries_are_checked_against_the_model() {
    let e = refusal("[[pools]]\nid = \"not a pool id\"\nname = \"p\"\n");
    assert!(e.starts_with("pools[0] (not a pool id): id: "), "{e}");
    let e = refusal(&format!(
        "{POOL}[pools.settings]\nMfaConfiguration = \"SOMETIMES\"\n"
    ));
    assert!(
        e.starts_with("pools[0] (us-east-1_Example1): settings: "),
        "{e}"
    );
    assert!(e.contains("mfaConfiguration"), "{e}");
    let e = refusal(&format!("{POOL}[pools.settings]\nPoolName = \"x\"\n"));
    assert!(e.contains("give PoolName as `name`"), "{e}");
    let e = refusal(&format!(
        "{POOL}[[pools.clients]]\nid = \"web client\"\nname = \"w\"\n"
    ));
    assert!(
        e.starts_with("pools[0] (us-east-1_Example1), clients[0] (web client): id: "),
        "{e}"
    );
    let e = refusal(&format!(
        "{POOL}[[pools.clients]]\nid = \"c1\"\nname = \"w\"\nsecret = \"short\"\n"
    ));
    assert!(
        e.contains("clients[0] (c1): settings: ") && e.contains("clientSecret"),
        "{e}"
    );
    let e = refusal(&format!(
        "{POOL}[[pools.clients]]\nid = \"c1\"\nname = \"w\"\n\
         [pools.clients.settings]\nGenerateSecret = true\n"
    ));
    assert!(e.contains("`secret`"), "{e}");
    let e = refusal(&format!(
        "{POOL}[[pools.groups]]\nname = \"g\"\nprecedence = -1\n"
    ));
    assert!(
        e.contains("groups[0] (g): ") && e.contains("precedence"),
        "{e}"
    );
}

#[test]
fn users_need_one_password_a_status_and_declared_groups() {
    let user = |rest: &str| refusal(&format!("{POOL}[[pools.users]]\nusername = \"u\"\n{rest}"));
    let e = user("");
    assert!(
        e.starts_with("pools[0] (us-east-1_Example1), users[0] (u): a password"),
        "{e}"
    );
    let e = user("password = \"a\"\npassword_hash = \"b\"\n");
    assert!(e.contains("either password or password_hash"), "{e}");
    let e = user("password = \"Passw0rd!\"\nstatus = \"ARCHIVED?\"\n");
    assert!(e.contains("status \"ARCHIVED?\""), "{e}");
    let e = user("password = \"Passw0rd!\"\ngroups = [\"nope\"]\n");
    assert!(
        e.contains("group nope is not among this pool's groups"),
        "{e}"
    );
    let e = user("password = \"has space\"\n");
    assert!(e.contains("password: "), "{e}");
    let e = user("password = \"Passw0rd!\"\n[pools.users.attributes]\nsub = \"x\"\n");
    assert!(e.contains("as `sub`"), "{e}");
    // A user who must reset the password needs none.
    let file = SeedFile::parse(
        &format!("{POOL}[[pools.users]]\nusername = \"u\"\nstatus = \"RESET_REQUIRED\"\n"),
        Format::Toml,
    )
    .unwrap();
    assert!(plan(&file).unwrap()[0].users[0].1.password.is_none());
}

#[test]
fn duplicates_and_versions_are_refused() {
    let e = refusal(&format!("{POOL}{POOL}"));
    assert!(
        e.starts_with("pools[1] (us-east-1_Example1): a second pool"),
        "{e}"
    );
    let e = refusal(&format!(
        "{POOL}[[pools.users]]\nusername = \"u\"\npassword = \"Passw0rd!\"\n\
         [[pools.users]]\nusername = \"u\"\npassword = \"Passw0rd!\"\n"
    ));
    assert!(e.contains("users[1] (u): a second user"), "{e}");
    let e = refusal("version = 2\n");
    assert!(e.starts_with("version: "), "{e}");
}

#[test]
fn a_users_mfa_is_checked_before_anything_is_applied() {
    let user = |mfa: &str| {
        refusal(&format!(
            "{POOL}[[pools.users]]\nusername = \"u\"\npassword = \"Passw0rd!\"\nmfa = {{ {mfa} }}\n"
        ))
    };
    let at = "pools[0] (us-east-1_Example1), users[0] (u): mfa: ";
    let e = user("enabled = [\"SMS\"]");
    assert!(e.starts_with(at) && e.contains("is not one of"), "{e}");
    let e = user("enabled = [\"EMAIL_OTP\"], preferred = \"SMS_MFA\"");
    assert!(e.starts_with(at) && e.contains("not among enabled"), "{e}");
    let e = user("enabled = [\"SOFTWARE_TOKEN_MFA\"]");
    assert!(
        e.starts_with(at) && e.contains("needs a totp_secret"),
        "{e}"
    );
    let e = user("totp_secret = \"not base32!\"");
    assert!(e.starts_with(at) && e.contains("not base32"), "{e}");
    let e = user("totp_secret = \"JBSWY3DP\"");
    assert!(e.starts_with(at) && e.contains("at least 10"), "{e}");
    let unknown = format!(
        "{POOL}[[pools.users]]\nusername = \"u\"\npassword = \"Passw0rd!\"\nmfa = {{ totp = \"x\" }}\n"
    );
    let e = SeedFile::parse(&unknown, Format::Toml).unwrap_err();
    assert!(e.contains("unknown field"), "{e}");
}
