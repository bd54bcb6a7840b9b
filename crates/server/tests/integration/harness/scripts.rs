//! Client scripts run as child processes: the Node scripts in
//! `crates/server/tests/js` (skipped with a note when Node or their packages
//! are missing, except in CI) and any `<program> <script>` printing one JSON
//! object, with the developer's AWS profile variables removed.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

/// How long one script may run (it makes a handful of requests).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(60);

/// The Node scripts' folder, `crates/server/tests/js`.
fn js_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("js")
}

/// Whether Node and the installed packages are there. When they are not, the
/// test is skipped with a note, or fails in CI.
pub fn node_available() -> bool {
    let missing = match std::process::Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(st) if st.success() => None,
        Ok(st) => Some(format!("`node --version` failed ({st})")),
        Err(e) => Some(format!("node is not on PATH ({e})")),
    };
    let missing = missing.or_else(|| {
        (!js_dir().join("node_modules").is_dir()).then(|| {
            "crates/server/tests/js/node_modules is missing (run `npm ci --prefix crates/server/tests/js`, as scripts/test does)"
                .to_owned()
        })
    });
    match missing {
        None => true,
        Some(why) if std::env::var_os("CI").is_some() => {
            panic!("the JavaScript client tests must run in CI: {why}")
        }
        Some(why) => {
            eprintln!("skipped: {why}");
            false
        }
    }
}

/// What one script run printed: whether it exited 0, and its JSON.
pub struct Run {
    pub ok: bool,
    pub json: Value,
}

/// Runs `node <script> <args…>` in the scripts' folder; its stdout must be one
/// JSON object.
pub async fn node(script: &str, args: &[&str]) -> Run {
    run_script("node".as_ref(), &js_dir(), script, args).await
}

/// The environment variables that point AWS clients at a profile or a
/// configuration file: a developer's own would leak into the client tests
/// (a profile missing from the file makes boto3 and the aws CLI fail).
pub const AWS_PROFILE_VARS: [&str; 4] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
];

/// Runs `<program> <script> <args…>` in `dir`; its stdout must be one JSON
/// object.
pub async fn run_script(
    program: &std::path::Path,
    dir: &std::path::Path,
    script: &str,
    args: &[&str],
) -> Run {
    let mut command = tokio::process::Command::new(program);
    for var in AWS_PROFILE_VARS {
        command.env_remove(var);
    }
    let run = command
        .arg(script)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let shown = program.display();
    let out = tokio::time::timeout(SCRIPT_TIMEOUT, run)
        .await
        .unwrap_or_else(|_| panic!("{shown} {script} did not finish within {SCRIPT_TIMEOUT:?}"))
        .unwrap_or_else(|e| panic!("{shown} does not start: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "{shown} {script} printed no JSON ({e}); exit {}\nstdout: {stdout}\nstderr: {stderr}",
            out.status
        )
    });
    Run {
        ok: out.status.success(),
        json,
    }
}
