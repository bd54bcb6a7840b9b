//! Client compatibility in Python: pycognito (on boto3) takes a user through
//! sign-up, confirmation, its own SRP sign-in with token checks against the
//! pool's JWKS, refresh, profile and password changes, a password reset and
//! sign-out on `kognit dev`; boto3 administers users on `kognit serve`,
//! signing with botocore's SigV4, which kognit checks. And the aws CLI runs
//! the README's first minute.
//!
//! The scripts and their pinned requirements live in `crates/server/tests/py`;
//! `scripts/test` installs the requirements into `.venv` there. Without that
//! interpreter these tests are skipped with a note — except in CI (`CI` set),
//! where they fail.

use std::path::PathBuf;

use serde_json::Value;

use crate::harness::on_both_backends;
use crate::harness::scripts::{Run, run_script};
use crate::harness::{Backend, KEY_ID, KEY_SECRET, TestServer};

on_both_backends!(py_pycognito_user_lifecycle, readme_aws_cli);
on_both_backends!(by_backend: py_boto3_administration_signed);

fn py_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("py")
}

/// The virtual environment's interpreter, when `scripts/test` made it. When
/// it is missing the test is skipped with a note, or fails in CI.
fn python() -> Option<PathBuf> {
    let bin = py_dir().join(".venv").join("bin").join("python");
    if bin.is_file() {
        return Some(bin);
    }
    let why = format!(
        "{} is missing (scripts/test makes it: python3 -m venv, then pip install -r requirements.txt)",
        bin.display()
    );
    if std::env::var_os("CI").is_some() {
        panic!("the Python client tests must run in CI: {why}");
    }
    eprintln!("skipped: {why}");
    None
}

async fn py(python: &std::path::Path, script: &str, args: &[&str]) -> Run {
    run_script(python, &py_dir(), script, args).await
}

async fn py_pycognito_user_lifecycle(s: TestServer) {
    let Some(python) = python() else {
        return;
    };
    let c = s.client();
    let (pool, client) = crate::harness::email_srp_pool(&c, "pycognito").await;
    let r = py(&python, "pycognito_user.py", &[&s.url, &pool, &client]).await;
    assert!(r.ok, "pycognito failed: {}", r.json);
    let v = &r.json;
    assert_eq!(v["user_confirmed"], false);
    assert_eq!(v["delivery"], "EMAIL");
    assert_eq!(v["token_type"], "Bearer");
    // pycognito verified both tokens against kognit's JWKS and issuer.
    let issuer = format!("{}/{}", s.url, pool);
    let (id, access) = (&v["id_claims"], &v["access_claims"]);
    assert_eq!(id["iss"], issuer.as_str());
    assert_eq!(id["aud"], client.as_str());
    assert_eq!(id["cognito:username"], "quinn");
    assert_eq!(id["email"], "quinn@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(access["client_id"], client.as_str());
    assert_eq!(access["username"], "quinn");
    assert_eq!(access["sub"], id["sub"]);
    let attrs = &v["attributes"];
    assert_eq!(attrs["sub"], id["sub"]);
    assert_eq!(attrs["email"], "quinn@example.com");
    assert_eq!(attrs["email_verified"], true);
    assert_eq!(attrs["name"], "Quinn");
    assert_eq!(v["renewed"], true);
    assert_eq!(v["check_token"], false, "a fresh token is not expired");
    assert_eq!(v["name_after_update"], "Quinn Q");
    // ChangePassword then ForgotPassword: only the newest password signs in.
    assert_eq!(v["old_password"], "NotAuthorizedException");
    assert_eq!(v["after_logout"], "NotAuthorizedException");
    assert_eq!(v["unknown_user"], "UserNotFoundException");
    // Every step reached the store.
    let name = crate::harness::users::attr_of(&c, &pool, "quinn", "name").await;
    assert_eq!(name.as_deref(), Some("Quinn Q"));
}

async fn py_boto3_administration_signed(backend: Backend) {
    let Some(python) = python() else {
        return;
    };
    let Some(s) = TestServer::serve(backend).await else {
        return;
    };
    let r = py(&python, "boto3_admin.py", &[&s.url, KEY_ID, KEY_SECRET]).await;
    assert!(r.ok, "boto3 failed: {}", r.json);
    let v = &r.json;
    let expect: Value = serde_json::json!({
        "creation_date_type": "datetime",
        "create_status": "FORCE_CHANGE_PASSWORD",
        "username_is_sub": true,
        "duplicate": "UsernameExistsException",
        "get_enabled": true,
        "get_status": "FORCE_CHANGE_PASSWORD",
        "get_modified_type": "datetime",
        "listed": 5,
        "listed_distinct": 5,
        "pages": 3,
        "exact": [["email"]],
        "paginated": 5,
        "renamed": "Renamed",
        "bad_filter": "InvalidParameterException",
        "deleted": "UserNotFoundException",
        "wrong_secret": "InvalidSignatureException",
        "wrong_secret_status": 400,
    });
    for (key, want) in expect.as_object().unwrap() {
        assert_eq!(&v[key], want, "{key} in {v}");
    }
    // The pool boto3 made is there for the Rust SDK too, with 4 users left.
    let pool = v["pool_id"].as_str().unwrap();
    let p = crate::harness::describe_pool(&s.client(), pool).await;
    assert_eq!(p.estimated_number_of_users, 4);
}

/// The `sh` blocks of README.md's "One minute with the aws CLI", as one
/// script.
fn readme_cli_script() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let section = readme
        .split("## One minute with the aws CLI")
        .nth(1)
        .expect("the README's aws CLI section");
    let section = section.split("\n## ").next().unwrap_or_default();
    let mut script = String::new();
    let mut inside = false;
    for line in section.lines() {
        if line.starts_with("```") {
            inside = line == "```sh";
        } else if inside {
            script.push_str(line);
            script.push('\n');
        }
    }
    script
}

async fn readme_aws_cli(s: TestServer) {
    let Some(python) = python() else {
        return;
    };
    let script = readme_cli_script().replace("http://localhost:9229", &s.url);
    assert!(script.contains("sign-up"), "{script}");
    let venv_bin = python.parent().expect("the venv's bin folder");
    let path = format!(
        "{}:{}",
        venv_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = tokio::process::Command::new("bash");
    for var in crate::harness::scripts::AWS_PROFILE_VARS {
        command.env_remove(var);
    }
    let run = command
        .args(["-e", "-u", "-o", "pipefail", "-c", &script])
        .env("PATH", path)
        .env("HOME", s.cfg.data_dir.as_os_str())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(120), run)
        .await
        .expect("the README's commands finish within 2 minutes")
        .expect("bash starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the README's aws CLI commands failed ({})\nstdout: {stdout}\nstderr: {stderr}",
        out.status
    );
    assert!(stdout.contains("\"Bearer\""), "{stdout}");
    assert!(stdout.contains("bob\tCONFIRMED\tFalse"), "{stdout}");
    assert!(stdout.contains("\"CONFIRMED\""), "alice's status: {stdout}");
    // What the commands left: the first pool deleted, "people" with alice.
    let c = s.client();
    let pools = c.list_user_pools().max_results(60).send().await.unwrap();
    let pools = pools.user_pools.unwrap_or_default();
    assert_eq!(pools.len(), 1);
    let pool = pools[0].id.clone().unwrap();
    assert_eq!(pools[0].name.as_deref(), Some("people"));
    let users = c.list_users().user_pool_id(&pool).send().await.unwrap();
    let names: Vec<_> = users
        .users
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| u.username)
        .collect();
    assert_eq!(names, ["alice"]);
}
