//! Links the release binary with the code a start runs placed together,
//! and after it the code requests run.
//!
//! `code-order.txt` names the functions a start runs, from exec to the first
//! `/health` answer, then those the load generator's requests run, hottest
//! first (written by `scripts/code-order`). The linker places them first in
//! `.text`, in that order, so a start touches about 2 MiB of contiguous
//! code instead of pages spread over 15 MB: the kernel maps the 64 KiB
//! around each page a process faults in, so scattered code was most of the
//! idle server's resident memory (8 of 15 MiB; BENCHMARKS.md, "Start-up and
//! idle memory"), and a loaded server's too.
//!
//! Only in release builds, and only when the linker takes
//! `--symbol-ordering-file` (LLD, Rust's default linker on x86-64 Linux, and
//! mold do; GNU ld does not): a test link finds out. A name the build no
//! longer has (other dependencies, another compiler) is skipped; the order
//! then helps less, never breaks anything, and the script writes a new one.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn main() {
    let order = Path::new(env!("CARGO_MANIFEST_DIR")).join("code-order.txt");
    println!("cargo::rerun-if-changed={}", order.display());
    let arg = format!(
        "-Wl,--symbol-ordering-file={},--no-warn-symbol-ordering",
        order.display()
    );
    if env("PROFILE").as_deref() == Some("release") && links_with(&arg) {
        println!("cargo::rustc-link-arg-bin=kognit={arg}");
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Whether an empty program links with `link_arg`, compiled as the binary
/// will be: the same compiler, target, linker and flags.
fn links_with(link_arg: &str) -> bool {
    let (Some(rustc), Some(target), Some(out)) = (env("RUSTC"), env("TARGET"), env("OUT_DIR"))
    else {
        return false;
    };
    let out = PathBuf::from(out);
    let source = out.join("link_probe.rs");
    if std::fs::write(&source, "fn main() {}\n").is_err() {
        return false;
    }
    let mut probe = Command::new(rustc);
    probe
        .arg("--target")
        .arg(target)
        .arg("--out-dir")
        .arg(&out)
        .arg("-C")
        .arg(format!("link-arg={link_arg}"));
    if let Some(linker) = env("RUSTC_LINKER") {
        probe.arg("-C").arg(format!("linker={linker}"));
    }
    if let Some(flags) = env("CARGO_ENCODED_RUSTFLAGS") {
        probe.args(flags.split('\x1f').filter(|f| !f.is_empty()));
    }
    probe
        .arg(&source)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
