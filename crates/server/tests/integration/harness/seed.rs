//! Seed files: the committed example and what it declares, writing a seed,
//! exporting one (`Kognit.ExportSeed`), and verifying a token against a
//! server's JWKS (the fixed keys' point: tokens outlive a restart).

use std::path::{Path, PathBuf};

/// `examples/seed.toml`.
pub fn example_seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seed.toml")
}

/// The example's first pool (fixed signing keys, email usernames).
pub const POOL: &str = "us-east-1_Example1";
/// Its public client (SRP, password, refresh).
pub const WEB_CLIENT: &str = "examplewebclient0000000001";
/// Its client with a secret.
pub const BACKEND_CLIENT: &str = "examplebackendclient000001";
/// That client's secret.
pub const BACKEND_SECRET: &str = "exampleexampleexampleexampleexampleexampleexample1";
/// Its client-credentials client, with its secret.
pub const MACHINE_CLIENT: (&str, &str) = (
    "examplemachineclient000001",
    "machinemachinemachinemachinemachinemachinemachine1",
);
/// The first pool's domain.
pub const DOMAIN: &str = "example";
/// A confirmed user of the first pool, in groups admins and readers.
pub const ALICE: &str = "alice@example.com";
/// Her password.
pub const ALICE_PASSWORD: &str = "Correct-Horse-1";
/// A user of the first pool with a temporary password and a fixed sub.
pub const BOB: &str = "bob@example.com";
/// His temporary password.
pub const BOB_PASSWORD: &str = "Temporary-Pass-1";
/// His sub.
pub const BOB_SUB: &str = "0b0b0b0b-5eed-4b0b-8b0b-0b0b0b0b0b0b";
/// A user of the first pool with TOTP MFA preferred, her password and her
/// authenticator's secret.
pub const ERIN: (&str, &str, &str) = (
    "erin@example.com",
    "Correct-Horse-2",
    "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
);
/// The example's second pool (defaults, no fixed keys).
pub const POOL2: &str = "us-east-1_Example2";
/// Its client (password sign-in).
pub const CLI_CLIENT: &str = "exampleplainclient00000001";
/// Its user declared by a password hash, and the password.
pub const CAROL: (&str, &str) = ("carol", "Carol-Pass-1!");

/// Writes `text` to `dir/name`; its path.
pub fn write_seed(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `Kognit.ExportSeed` of the server at `url` in this format (`toml` or
/// `json`): the seed's text.
pub async fn export_seed(url: &str, format: &str) -> String {
    let resp = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "Kognit.ExportSeed")
        .body(serde_json::json!({ "Format": format }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let answer: serde_json::Value = resp.json().await.unwrap();
    answer["Seed"].as_str().expect("a seed").to_owned()
}

/// The claims of `token` after checking its signature against the JWKS the
/// server at `url` serves for `pool` and its issuer against `issuer`;
/// Err with the reason when it does not verify.
pub async fn verify_with_jwks(
    url: &str,
    pool: &str,
    issuer: &str,
    token: &str,
) -> Result<serde_json::Value, String> {
    let jwks: jsonwebtoken::jwk::JwkSet =
        reqwest::get(format!("{url}/{pool}/.well-known/jwks.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .ok_or("the token's kid is not in the JWKS")?;
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    v.set_issuer(&[issuer]);
    v.validate_aud = false;
    jsonwebtoken::decode::<serde_json::Value>(token, &key, &v)
        .map(|t| t.claims)
        .map_err(|e| e.to_string())
}

/// The code of a base32 TOTP secret `steps_ahead` steps (30 s) from now.
pub fn totp_code(secret: &str, steps_ahead: i64) -> String {
    let secret = kognit_core::totp::base32_decode(secret).expect("base32");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    kognit_core::totp::code_at(&secret, kognit_core::totp::step_of(now) + steps_ahead)
}

/// Signs `user` in by password on `s`'s client and answers the
/// SOFTWARE_TOKEN_MFA challenge with the authenticator's code; when the
/// code of this step was spent by an earlier sign-in, with the next one's
/// (within the accepted drift). The access token.
pub async fn totp_sign_in(
    c: &aws_sdk_cognitoidentityprovider::Client,
    s: &crate::harness::auth::Setup,
    (user, password, secret): (&str, &str, &str),
) -> String {
    use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
    const TOTP: ChallengeNameType = ChallengeNameType::SoftwareTokenMfa;
    for steps_ahead in 0..2 {
        let (name, session, _) =
            crate::harness::mfa::password_challenge_with(c, s, user, password).await;
        assert_eq!(name, TOTP);
        let code = totp_code(secret, steps_ahead);
        match crate::harness::mfa::answer(
            c,
            s,
            user,
            TOTP,
            &session,
            "SOFTWARE_TOKEN_MFA_CODE",
            &code,
        )
        .await
        {
            Ok(a) => return a.authentication_result.unwrap().access_token.unwrap(),
            Err(e) if e.starts_with("ExpiredCodeException") => continue,
            Err(e) => panic!("{e}"),
        }
    }
    panic!("no code of {user}'s authenticator was taken")
}
