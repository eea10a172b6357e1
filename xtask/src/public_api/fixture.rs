//! The whole pipeline on real rustdoc output: the fixture crate in
//! `xtask/fixtures/public-api/lib.rs` is documented with the nightly toolchain (as JSON) and its
//! listing compared with `xtask/fixtures/public-api/expected.txt`.
//!
//! A missing nightly toolchain fails this test (the project's image ships it). When the
//! renderer changes on purpose, the failing test writes the new listing next to the expected
//! one as `actual.txt`; review it and move it over `expected.txt`.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use super::rustdoc::TOOLCHAIN;
use super::{build, foreign, unified_diff};

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/public-api")
}

/// Documents the fixture crate as JSON with the nightly rustdoc and returns the parsed JSON.
fn fixture_json() -> serde_json::Value {
    let out_dir = std::env::temp_dir().join(format!("xtask-public-api-{}", std::process::id()));
    fs::create_dir_all(&out_dir).unwrap();
    let output = Command::new("rustup")
        .args([
            "run",
            TOOLCHAIN,
            "rustdoc",
            "--edition",
            "2024",
            "--crate-type",
            "lib",
        ])
        .args([
            "--crate-name",
            "fixture",
            "-Z",
            "unstable-options",
            "--output-format",
            "json",
            // As `rustdoc::generate` runs it: hidden items are in the JSON, and the listing
            // leaves them out itself.
            "--document-hidden-items",
        ])
        .arg(fixture_dir().join("lib.rs"))
        .arg("-o")
        .arg(&out_dir)
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTDOC")
        .env_remove("RUSTDOCFLAGS")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot start rustup (the {TOOLCHAIN} toolchain is needed): {e}")
        });
    assert!(
        output.status.success(),
        "`rustup run {TOOLCHAIN} rustdoc` failed (the image ships the {TOOLCHAIN} toolchain): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = fs::read(out_dir.join("fixture.json")).unwrap();
    fs::remove_dir_all(&out_dir).ok();
    serde_json::from_slice(&json).unwrap()
}

#[test]
fn fixture_crate_listing_matches_the_expected_file_and_is_stable() {
    let doc = fixture_json();
    let listing = build(&doc).expect("the fixture's JSON is in the supported format");
    let text = listing.text();
    assert_eq!(
        build(&doc).unwrap().text(),
        text,
        "listing the same JSON twice gives the same bytes"
    );
    assert_eq!(listing.unrendered(), 0, "every shape renders:\n{text}");
    let expected_path = fixture_dir().join("expected.txt");
    let expected = fs::read_to_string(&expected_path).unwrap_or_default();
    if expected != text {
        let actual_path = fixture_dir().join("actual.txt");
        fs::write(&actual_path, &text).unwrap();
        let (_, _, diff) = unified_diff(&expected, &text, "expected.txt");
        panic!(
            "the fixture's listing differs from {} (new listing in {}):\n{diff}",
            expected_path.display(),
            actual_path.display()
        );
    }
    // The fixture names only std items: no foreign-type finding.
    assert!(foreign::findings(&listing).is_empty());
    // One signature names a type of the hidden module that the root does not re-export.
    let unnameable = foreign::unnameable(&listing);
    assert_eq!(
        unnameable.keys().collect::<Vec<_>>(),
        ["fixture::internal::Unnamed"],
        "{unnameable:?}"
    );
    assert_eq!(
        unnameable["fixture::internal::Unnamed"],
        ["pub fn fixture::make_unnamed() -> fixture::internal::Unnamed"]
    );
}
