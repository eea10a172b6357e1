//! Writes the seeds of the structured fuzz targets (`fuzz/seeds/<target>/<name>.bin`): real
//! inputs encoded in each target's own input format (see `tcredis_fuzz::seeds`). Before writing,
//! every seed is decoded with the real `arbitrary` and must give back the value encoded, so the
//! files cannot silently become noise.
//!
//! `cargo +nightly run --manifest-path fuzz/Cargo.toml --example make_seeds [-- --check]`
//! (`--check`: write nothing, fail when a committed seed differs or is missing; run by
//! `cargo xtask fuzz-smoke`).

use std::path::Path;
use std::process::ExitCode;

use arbitrary::{Arbitrary, Unstructured};
use tcredis_fuzz::inputs::{mock_handler, request_roundtrip, verify_tc3, verify_v1};
use tcredis_fuzz::seeds;

fn decoded_debug(target: &str, bytes: &[u8]) -> String {
    let u = Unstructured::new(bytes);
    let decoded = match target {
        "request_roundtrip" => {
            request_roundtrip::Input::arbitrary_take_rest(u).map(|x| format!("{x:?}"))
        }
        "verify_tc3" => verify_tc3::Input::arbitrary_take_rest(u).map(|x| format!("{x:?}")),
        "verify_v1" => verify_v1::Input::arbitrary_take_rest(u).map(|x| format!("{x:?}")),
        "mock_handler" => mock_handler::Input::arbitrary_take_rest(u).map(|x| format!("{x:?}")),
        other => panic!("no decoder for target {other}"),
    };
    decoded.unwrap_or_else(|e| panic!("{target}: the seed does not decode: {e}"))
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut problems = Vec::new();
    let all = seeds::all();
    for seed in &all {
        let decoded = decoded_debug(seed.target, &seed.bytes);
        if decoded != seed.debug {
            problems.push(format!(
                "{}/{}: decodes to\n  {decoded}\ninstead of\n  {}",
                seed.target, seed.name, seed.debug
            ));
            continue;
        }
        let path = root.join(seed.target).join(format!("{}.bin", seed.name));
        if check {
            match std::fs::read(&path) {
                Ok(bytes) if bytes == seed.bytes => {}
                Ok(_) => problems.push(format!("{} is out of date", path.display())),
                Err(e) => problems.push(format!("{}: {e}", path.display())),
            }
        } else {
            let written = std::fs::create_dir_all(path.parent().expect("a folder"))
                .and_then(|()| std::fs::write(&path, &seed.bytes));
            if let Err(e) = written {
                problems.push(format!("cannot write {}: {e}", path.display()));
            }
        }
    }
    if problems.is_empty() {
        println!(
            "make_seeds: {} seeds {} (each decodes to the input it encodes)",
            all.len(),
            if check { "up to date" } else { "written" }
        );
        ExitCode::SUCCESS
    } else {
        eprintln!("make_seeds: {}", problems.join("\n"));
        if check {
            eprintln!(
                "regenerate with `cargo +nightly run --manifest-path fuzz/Cargo.toml --example make_seeds` and commit fuzz/seeds/"
            );
        }
        ExitCode::FAILURE
    }
}
