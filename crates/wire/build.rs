//! Build script for `kognit-wire`.
//!
//! Reads botocore's `cognito-idp` service model (`model/service-2.json`) and
//! generates three Rust files into `OUT_DIR`:
//!
//! * `types.rs` — one serde struct per structure shape (see `build/types.rs`);
//! * `operations.rs` — the `OPERATIONS` table (see `build/ops.rs`);
//! * `error_codes.rs` — the `error_codes!` invocation listing every error code.
//!
//! Generating from the model (rather than hand-writing 460 structs) keeps the
//! wire surface exactly in sync with what the AWS SDKs send and expect.

#[path = "build/names.rs"]
mod names;
#[path = "build/ops.rs"]
mod ops;
#[path = "build/types.rs"]
mod types;

use std::path::PathBuf;

use serde_json::{Map, Value};

fn main() -> Result<(), String> {
    println!("cargo::rerun-if-changed=model/service-2.json");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=build");

    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?;
    let model_path = PathBuf::from(manifest_dir).join("model/service-2.json");
    let text = std::fs::read_to_string(&model_path)
        .map_err(|e| format!("reading {}: {e}", model_path.display()))?;
    let model: Value =
        serde_json::from_str(&text).map_err(|e| format!("parsing service model: {e}"))?;

    let shapes = object(&model, "shapes")?;
    let operations = object(&model, "operations")?;

    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    write(&out_dir, "types.rs", &types::generate(shapes, operations)?)?;
    write(
        &out_dir,
        "operations.rs",
        &ops::operations(operations, shapes)?,
    )?;
    write(&out_dir, "error_codes.rs", &ops::error_codes(shapes)?)?;
    Ok(())
}

/// The JSON object stored under `key` in `value`, or a build error naming it.
fn object<'a>(value: &'a Value, key: &str) -> Result<&'a Map<String, Value>, String> {
    value
        .get(key)
        .and_then(Value::as_object)
        .ok_or_else(|| format!("service model has no `{key}` object"))
}

fn write(dir: &std::path::Path, name: &str, contents: &str) -> Result<(), String> {
    let path = dir.join(name);
    std::fs::write(&path, contents).map_err(|e| format!("writing {}: {e}", path.display()))
}
