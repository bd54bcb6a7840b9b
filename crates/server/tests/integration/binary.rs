//! The `kognit` binary as a user runs it: `kognit dev` prints one line saying
//! where it listens and stops cleanly on SIGTERM; bad configuration is one
//! line on stderr and a non-zero exit, never a panic.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_kognit");

/// `kognit dev` on the data folder `dir`, started, and the line it printed.
fn dev_on(dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["dev", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

/// Sends SIGTERM to `child` and asserts that it exits successfully.
fn stops_on_sigterm(mut child: Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn dev_starts_prints_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (child, line) = dev_on(dir.path());
    assert!(
        line.starts_with("kognit dev listening on http://127.0.0.1:"),
        "{line}"
    );
    assert!(dir.path().join("kognit.db").exists());
    stops_on_sigterm(child);
}

/// `kognit dev` keeps its data folder's SQLite file to itself (SQLite's
/// `unix-excl`): its WAL index is in memory, not a `-shm` file, and another
/// process opening the folder is refused with a message saying so, instead
/// of both writing one file; once the server is gone, the folder opens.
#[test]
fn dev_keeps_its_sqlite_file_to_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (child, line) = dev_on(dir.path());
    assert!(line.contains("vfs=unix-excl"), "{line}");
    assert!(dir.path().join("kognit.db-wal").exists());
    assert!(!dir.path().join("kognit.db-shm").exists());
    let data_dir = dir.path().to_str().unwrap();
    let seed = dir.path().join("seed.toml");
    let seed = seed.to_str().unwrap();
    for args in [
        &["dev", "--listen", "127.0.0.1:0", "--data-dir", data_dir][..],
        &["dev", "--data-dir", data_dir, "--dump-seed", seed],
    ] {
        let err = fails_cleanly(args, &[]);
        assert!(
            err.contains("another process has the file open")
                && err.contains("is a kognit already running on this data folder?"),
            "{err}"
        );
    }
    stops_on_sigterm(child);
    let out = Command::new(BIN)
        .args(["dev", "--data-dir", data_dir, "--dump-seed", seed])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

fn fails_cleanly(args: &[&str], env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.lines().any(|l| l.starts_with("kognit: ")), "{err}");
    err
}

#[test]
fn bad_configuration_is_one_clear_line() {
    fails_cleanly(&["dev", "--listen", "not-an-address"], &[]);
    fails_cleanly(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "mysql://x",
        ],
        &[],
    );
    fails_cleanly(&["serve", "--config", "/nonexistent/kognit.toml"], &[]);
    fails_cleanly(
        &["serve", "--listen", "127.0.0.1:0"],
        &[("KOGNIT_REGION", "Not A Region")],
    );
    let err = fails_cleanly(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "postgres://kognit@127.0.0.1:1/x",
        ],
        &[],
    );
    assert!(err.contains("database"), "{err}");
}

#[test]
fn config_file_env_and_flags_layer() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kognit.toml");
    std::fs::write(&file, "region = \"eu-west-1\"\nlisten = \"127.0.0.1:1\"\n").unwrap();
    // The flag wins over the file's listen address; the env var over the file's region
    // (checked through the error for an invalid region from the environment).
    let out = Command::new(BIN)
        .args(["serve", "--config"])
        .arg(&file)
        .args(["--listen", "bad"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"bad\""), "{err}");
    let out = Command::new(BIN)
        .args(["serve", "--config"])
        .arg(&file)
        .env("KOGNIT_REGION", "BAD REGION")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("BAD REGION"), "{err}");
}
