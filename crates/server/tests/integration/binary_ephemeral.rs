//! The `kognit` binary with `--ephemeral` and seed files, as a developer or
//! a CI job runs it: nothing left on disk, seeds refused with the file, the
//! entry and the problem named, and `--dump-seed` output that, fed back,
//! makes the same pools.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::harness::auth::{claims, password_login, srp_login};
use crate::harness::everyday::everyday_operations;
use crate::harness::sdk_client;
use crate::harness::seed::{ALICE, ALICE_PASSWORD, POOL, WEB_CLIENT, example_seed, write_seed};
use crate::harness::users::PASSWORD;

const BIN: &str = env!("CARGO_BIN_EXE_kognit");

/// A running `kognit` process, stopped with SIGTERM when dropped.
struct Kognit {
    child: Child,
    url: String,
}

impl Kognit {
    /// Starts `kognit <args>` in `cwd` with `env`, and waits for the line
    /// saying where it listens.
    fn start(args: &[&str], cwd: &Path, env: &[(&str, &OsStr)]) -> Self {
        let mut child = Command::new(BIN)
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .current_dir(cwd)
            .env_remove("KOGNIT_EPHEMERAL")
            .env_remove("KOGNIT_SEED")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_owned();
        Self { child, url }
    }

    /// Stops it with SIGTERM; true when it exited cleanly.
    fn stop(mut self) -> bool {
        self.terminate()
    }

    fn terminate(&mut self) -> bool {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().is_ok_and(|s| s.success())
    }
}

impl Drop for Kognit {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.terminate();
        }
    }
}

/// Every file and folder under `root`, relative to it.
fn tree(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(root).unwrap().to_path_buf());
            if p.is_dir() {
                todo.push(p);
            }
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ephemeral_binary_leaves_nothing_on_disk() {
    let root = tempfile::tempdir().unwrap();
    let (home, tmp, work) = (
        root.path().join("home"),
        root.path().join("tmp"),
        root.path().join("work"),
    );
    for d in [&home, &tmp, &work] {
        std::fs::create_dir(d).unwrap();
    }
    let data = root.path().join("data");
    let before = tree(root.path());
    let k = Kognit::start(
        &["dev", "--ephemeral", "--data-dir", data.to_str().unwrap()],
        &work,
        &[("HOME", home.as_os_str()), ("TMPDIR", tmp.as_os_str())],
    );
    everyday_operations(&sdk_client(&k.url), &k.url).await;
    // Some state again, to be dropped at exit rather than by a reset.
    let c = sdk_client(&k.url);
    let st = crate::harness::auth::setup(&c).await;
    password_login(&c, &st, "pat", PASSWORD).await;
    assert!(k.stop(), "kognit exits cleanly");
    // No data folder, no master key, no database, WAL or journal: the
    // folders are as they were before the start.
    assert_eq!(tree(root.path()), before);
    assert!(!data.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ephemeral_from_the_environment_with_a_seed() {
    let root = tempfile::tempdir().unwrap();
    let seed = example_seed();
    let k = Kognit::start(
        &["dev"],
        root.path(),
        &[
            ("KOGNIT_EPHEMERAL", OsStr::new("true")),
            ("KOGNIT_SEED", seed.as_os_str()),
        ],
    );
    let c = sdk_client(&k.url);
    srp_login(&c, POOL, WEB_CLIENT, ALICE, ALICE_PASSWORD)
        .await
        .unwrap();
    assert!(k.stop());
    assert_eq!(tree(root.path()), Vec::<PathBuf>::new());
}

/// Runs `kognit dev --ephemeral --seed <seed>`, which must refuse it; its
/// stderr.
fn refused(seed: &Path) -> String {
    let out = Command::new(BIN)
        .args(["dev", "--ephemeral", "--listen", "127.0.0.1:0", "--seed"])
        .arg(seed)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!err.contains("panicked"), "{err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("kognit: seed file "))
        .unwrap_or_else(|| panic!("no seed error line in {err}"))
        .to_owned();
    assert!(line.contains(&seed.display().to_string()), "{line}");
    line
}

#[test]
fn bad_seed_files_say_which_file_entry_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pool = "[[pools]]\nid = \"us-east-1_Example1\"\nname = \"p\"\n";
    let client = "[[pools.clients]]\nid = \"web\"\nname = \"web\"\n";

    let e = refused(&write_seed(d, "syntax.toml", "[[pools]\nid = 1\n"));
    assert!(e.contains("line 1"), "{e}");
    let e = refused(&write_seed(
        d,
        "typo.toml",
        &format!("{pool}nmae = \"x\"\n"),
    ));
    assert!(e.contains("unknown field `nmae`"), "{e}");
    let e = refused(&write_seed(d, "seed.yaml", ""));
    assert!(e.contains(".toml or .json"), "{e}");
    let e = refused(&d.join("missing.toml"));
    assert!(e.contains("No such file"), "{e}");
    let e = refused(&write_seed(
        d,
        "json.json",
        r#"{"pools": [{"id": "us-east-1_X", "name": "p", "settings": {"MfaConfiguration": "SOMETIMES"}}]}"#,
    ));
    assert!(
        e.contains("pools[0] (us-east-1_X): settings: ") && e.contains("SOMETIMES"),
        "{e}"
    );
    // Rules beyond the model, applied by core as the API applies them.
    let e = refused(&write_seed(
        d,
        "region.toml",
        "[[pools]]\nid = \"eu-west-1_Example1\"\nname = \"p\"\n",
    ));
    assert!(
        e.contains("pools[0] (eu-west-1_Example1): InvalidParameterException: ")
            && e.contains("KOGNIT_REGION"),
        "{e}"
    );
    let e = refused(&write_seed(
        d,
        "policy.toml",
        &format!("{pool}[[pools.users]]\nusername = \"u\"\npassword = \"short\"\n"),
    ));
    assert!(
        e.contains("pools[0] (us-east-1_Example1), users[0] (u): InvalidPasswordException: "),
        "{e}"
    );
    // A factor the user cannot have, as AdminSetUserMFAPreference says.
    let e = refused(&write_seed(
        d,
        "mfa.toml",
        &format!(
            "{pool}[[pools.users]]\nusername = \"u\"\npassword = \"Passw0rd!\"\n\
             mfa = {{ enabled = [\"SMS_MFA\"] }}\n"
        ),
    ));
    assert!(
        e.contains("users[0] (u): InvalidParameterException: mfa: ") && e.contains("SMS_MFA"),
        "{e}"
    );
    let e = refused(&write_seed(
        d,
        "schema.toml",
        &format!(
            "{pool}[[pools.users]]\nusername = \"u\"\npassword = \"Passw0rd!\"\n\
             [pools.users.attributes]\n\"custom:nope\" = \"x\"\n"
        ),
    ));
    assert!(
        e.contains("users[0] (u): InvalidParameterException: ") && e.contains("custom:nope"),
        "{e}"
    );
    let e = refused(&write_seed(
        d,
        "client.toml",
        &format!(
            "{pool}{client}[pools.clients.settings]\nExplicitAuthFlows = [\"USER_PASSWORD_AUTH\", \"ALLOW_USER_SRP_AUTH\"]\n"
        ),
    ));
    assert!(
        e.contains("clients[0] (web): InvalidParameterException: "),
        "{e}"
    );
    let e = refused(&write_seed(
        d,
        "keys.toml",
        &format!("{pool}[pools.signing_keys]\nid = \"nope\"\naccess = \"nope\"\n"),
    ));
    assert!(e.contains("signing_keys.id: not an RSA private key"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_seed_of_a_data_folder_fed_back_makes_the_same_pool() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.to_str().unwrap();
    // A pool clicked together by hand, on a data folder.
    let k = Kognit::start(&["dev", "--data-dir", data_arg], dir.path(), &[]);
    let c = sdk_client(&k.url);
    let st = crate::harness::auth::setup(&c).await;
    let before = password_login(&c, &st, "pat", PASSWORD).await;
    let (_, before_claims) = claims(&before.id_token.unwrap());
    assert!(k.stop());

    let out = dir.path().join("frozen.toml");
    let done = Command::new(BIN)
        .args(["dev", "--data-dir", data_arg, "--dump-seed"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(String::from_utf8_lossy(&done.stdout).contains("wrote 1 user pool(s)"));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(&st.pool) && text.contains(&st.client),
        "{text}"
    );

    // Fed back to an ephemeral server: the same ids, the same user.
    let k = Kognit::start(
        &["dev", "--ephemeral", "--seed", out.to_str().unwrap()],
        dir.path(),
        &[],
    );
    let c = sdk_client(&k.url);
    let again = password_login(&c, &st, "pat", PASSWORD).await;
    let (_, again_claims) = claims(&again.id_token.unwrap());
    assert_eq!(again_claims["sub"], before_claims["sub"]);
    assert!(k.stop());

    // Nothing to dump from an ephemeral server's command line, nor from a
    // folder with no store.
    for args in [
        vec!["dev", "--ephemeral", "--dump-seed", "x.toml"],
        vec![
            "dev",
            "--data-dir",
            "/nonexistent/kognit",
            "--dump-seed",
            "x.toml",
        ],
    ] {
        let done = Command::new(BIN)
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(!done.status.success());
        let err = String::from_utf8_lossy(&done.stderr);
        assert!(err.starts_with("kognit: "), "{err}");
    }
    assert!(!Path::new("/nonexistent/kognit").exists());
}
