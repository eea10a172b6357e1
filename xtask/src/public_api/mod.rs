//! `cargo xtask public-api [--check] [--crate-dir DIR]`: the public API of tcredis-core as a
//! checked-in text file, so every API change shows in review.
//!
//! The listing (`crates/core/public-api.txt`) is built from the crate's rustdoc JSON (nightly
//! toolchain, see `rustdoc.rs`): the reachability walk (`reach.rs`) finds every public path,
//! the renderer (`render.rs`) writes types and signatures, `listing.rs` makes one sorted line
//! per item, member and trait impl. Without `--check` the file is rewritten; with `--check` it
//! is regenerated in memory and compared, and a difference fails with a unified diff and the
//! command that updates it.
//!
//! Both forms then apply the foreign-type rule (`foreign.rs`): the API may name the crate's own
//! items, `std`/`core`/`alloc` and `http`, nothing else, except the findings listed in
//! `crates/core/public-api-foreign.txt` (absent means empty), which must match exactly.
//!
//! `--crate-dir DIR` points at another package folder (another checkout, a scratch copy); its
//! `public-api.txt` and `public-api-foreign.txt` are the ones read and written.

#[cfg(test)]
mod fixture;
mod foreign;
mod krate;
mod listing;
mod reach;
mod render;
mod rustdoc;
#[cfg(test)]
mod test_doc;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::outcome::Outcome;
use crate::run::Context;

use krate::Krate;
use listing::{Class, Listing};
use reach::Reach;

/// The package whose API is listed, relative to the workspace root.
const DEFAULT_CRATE_DIR: &str = "crates/core";
/// The listing, inside the package folder.
const LISTING_FILE: &str = "public-api.txt";
/// The foreign-type allow-list, inside the package folder.
const FOREIGN_FILE: &str = "public-api-foreign.txt";

const USAGE: &str = "\
usage: cargo xtask public-api [--check] [--crate-dir DIR]

  Writes DIR/public-api.txt (default DIR: crates/core), the package's public API from rustdoc
  JSON (nightly toolchain), and checks the foreign-type rule against DIR/public-api-foreign.txt.
  --check          regenerate in memory and fail with a diff when the file differs
  --crate-dir DIR  list another package folder (another checkout or a scratch copy)
";

/// The task's command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    /// Compare instead of writing.
    pub check: bool,
    /// The package folder; `None` is `crates/core` of this workspace.
    pub crate_dir: Option<PathBuf>,
}

impl Args {
    /// Parses the arguments after `public-api`; `Ok(None)` for `--help`.
    pub fn parse(args: &[String]) -> Result<Option<Args>, String> {
        let mut parsed = Args::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--check" => parsed.check = true,
                "--crate-dir" => {
                    let dir = args
                        .next()
                        .ok_or("`--crate-dir` needs a folder (e.g. --crate-dir crates/core)")?;
                    parsed.crate_dir = Some(PathBuf::from(dir));
                }
                "-h" | "--help" => return Ok(None),
                other => {
                    return Err(format!(
                        "unknown option `{other}` for `public-api` (accepted: --check, --crate-dir DIR)"
                    ));
                }
            }
        }
        Ok(Some(parsed))
    }

    /// The command that rewrites the listing for these arguments.
    fn update_command(&self) -> String {
        match &self.crate_dir {
            Some(dir) => format!("cargo xtask public-api --crate-dir {}", dir.display()),
            None => "cargo xtask public-api".to_owned(),
        }
    }
}

/// `cargo xtask public-api ...`: parses, runs, prints the outcome; exit 2 on bad arguments.
pub fn main(args: &[String]) -> ExitCode {
    let args = match Args::parse(args) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("xtask public-api: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let outcome = match Context::new(false, false) {
        Ok(ctx) => run(&ctx, &args),
        Err(e) => Outcome::Fail(format!("cannot prepare {}: {e}", crate::project::SCAN_DIR)),
    };
    match outcome {
        Outcome::Pass(note) => {
            println!("xtask public-api: ok ({})", note.unwrap_or_default());
            ExitCode::SUCCESS
        }
        Outcome::Fail(reason) => {
            eprintln!("xtask public-api: FAILED: {reason}");
            ExitCode::FAILURE
        }
    }
}

/// The gate's stage: `public-api --check` on this workspace's core crate.
pub fn check_stage(ctx: &Context) -> Outcome {
    run(
        ctx,
        &Args {
            check: true,
            crate_dir: None,
        },
    )
}

/// Generates the listing, then writes or compares it and applies the foreign-type rule.
pub fn run(ctx: &Context, args: &Args) -> Outcome {
    let crate_dir = args
        .crate_dir
        .clone()
        .unwrap_or_else(|| ctx.root.join(DEFAULT_CRATE_DIR));
    let doc = match rustdoc::generate(ctx, &crate_dir) {
        Ok(doc) => doc,
        Err(e) => return Outcome::Fail(e),
    };
    let listing = match build(&doc) {
        Ok(listing) => listing,
        Err(e) => return Outcome::Fail(e),
    };
    let counts = format!(
        "{} lines: {} items, {} members, {} impls",
        listing.lines.len(),
        listing.count(Class::Item),
        listing.count(Class::Member),
        listing.count(Class::Impl)
    );
    println!("public-api: {counts}");
    if listing.unrendered() > 0 {
        println!(
            "public-api: warning: {} shape(s) could not be rendered; search the listing for \
             <<UNRENDERED and teach xtask/src/public_api/render.rs",
            listing.unrendered()
        );
    }

    let mut failures = Vec::new();
    let listing_path = crate_dir.join(LISTING_FILE);
    match listing_file(&listing_path, &listing.text(), args) {
        Ok(()) => {}
        Err(e) => failures.push(e),
    }
    match foreign_rule(&crate_dir.join(FOREIGN_FILE), &listing) {
        Ok(()) => {}
        Err(e) => failures.push(e),
    }
    let unnameable = foreign::unnameable(&listing);
    if !unnameable.is_empty() {
        println!(
            "public-api: public lines name {} item(s) of the crate that no public path reaches \
             (re-export them at the crate root, or keep these signatures out of the API):",
            unnameable.len()
        );
        for (path, lines) in &unnameable {
            println!("  {path}");
            for line in lines {
                println!("      in: {line}");
            }
        }
        failures.push(format!(
            "{} unnameable item(s) in public signatures (listed above)",
            unnameable.len()
        ));
    }
    if failures.is_empty() {
        Outcome::pass_with(counts)
    } else {
        Outcome::Fail(failures.join("; "))
    }
}

/// Parses, walks and lists one crate's rustdoc JSON.
fn build(doc: &serde_json::Value) -> Result<Listing, String> {
    let krate = Krate::new(doc)?;
    let reach = Reach::walk(&krate)?;
    Ok(Listing::build(&krate, &reach))
}

/// Writes the listing, or with `--check` compares it and prints a diff when stale.
fn listing_file(path: &Path, generated: &str, args: &Args) -> Result<(), String> {
    let current = fs::read_to_string(path);
    if !args.check {
        if current.as_deref().ok() != Some(generated) {
            fs::write(path, generated)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("public-api: wrote {}", path.display());
        } else {
            println!("public-api: {} is up to date", path.display());
        }
        return Ok(());
    }
    let current = current.map_err(|e| {
        format!(
            "cannot read {} ({e}); create it with `{}`",
            path.display(),
            args.update_command()
        )
    })?;
    if current == generated {
        return Ok(());
    }
    let (added, removed, diff) = unified_diff(&current, generated, &path.display().to_string());
    println!("{diff}");
    Err(format!(
        "the public API changed: {added} line(s) added, {removed} removed (diff above); if that \
         is intended, run `{}` and commit {}",
        args.update_command(),
        path.display()
    ))
}

/// A unified diff of the checked-in listing against the generated one, with its line counts.
fn unified_diff(current: &str, generated: &str, name: &str) -> (usize, usize, String) {
    let diff = similar::TextDiff::from_lines(current, generated);
    let (mut added, mut removed) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    let text = diff
        .unified_diff()
        .context_radius(1)
        .header(
            &format!("{name} (checked in)"),
            &format!("{name} (generated from the code)"),
        )
        .to_string();
    (added, removed, text)
}

/// Applies the foreign-type rule against the allow-list file.
fn foreign_rule(allow_path: &Path, listing: &Listing) -> Result<(), String> {
    let findings = foreign::findings(listing);
    let allowed = match fs::read_to_string(allow_path) {
        Ok(text) => foreign::parse_allow_list(&text)
            .map_err(|e| format!("{}: {e}", allow_path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
        Err(e) => return Err(format!("cannot read {}: {e}", allow_path.display())),
    };
    println!(
        "public-api: {} foreign type finding(s), {} allowed by {}",
        findings.len(),
        allowed.len(),
        allow_path.display()
    );
    let verdict = foreign::Verdict::new(&findings, &allowed);
    if verdict.is_clean() {
        return Ok(());
    }
    if !verdict.unexpected.is_empty() {
        println!(
            "\npublic-api: foreign types in the public API (allowed crates: {}); fix them, or \
             list the `SUBJECT -> FOREIGN PATH` lines in {}:",
            foreign::ALLOWED_CRATES.join(", "),
            allow_path.display()
        );
        for finding in &verdict.unexpected {
            println!("  {finding}");
            for line in findings.get(finding).into_iter().flatten() {
                println!("      in: {line}");
            }
        }
    }
    if !verdict.stale.is_empty() {
        println!(
            "\npublic-api: allowed in {} but no longer found (remove these lines):",
            allow_path.display()
        );
        for entry in &verdict.stale {
            println!("  {entry}");
        }
    }
    Err(format!(
        "foreign-type rule: {} new finding(s), {} stale allow-list line(s) (listed above; {} \
         must match the findings exactly)",
        verdict.unexpected.len(),
        verdict.stale.len(),
        allow_path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_parse_and_name_the_update_command() {
        let args = Args::parse(&strings(&["--check"])).unwrap().unwrap();
        assert!(args.check);
        assert_eq!(args.update_command(), "cargo xtask public-api");
        let args = Args::parse(&strings(&["--crate-dir", "/tmp/x/crates/core", "--check"]))
            .unwrap()
            .unwrap();
        assert_eq!(args.crate_dir, Some(PathBuf::from("/tmp/x/crates/core")));
        assert_eq!(
            args.update_command(),
            "cargo xtask public-api --crate-dir /tmp/x/crates/core"
        );
        assert_eq!(Args::parse(&strings(&["--help"])).unwrap(), None);
        let err = Args::parse(&strings(&["--crate-dir"])).unwrap_err();
        assert!(err.contains("needs a folder"), "{err}");
        let err = Args::parse(&strings(&["--bless"])).unwrap_err();
        assert!(err.contains("unknown option `--bless`"), "{err}");
    }

    #[test]
    fn a_stale_listing_fails_with_a_unified_diff_and_the_update_command() {
        let dir =
            std::env::temp_dir().join(format!("xtask-public-api-check-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(LISTING_FILE);
        fs::write(&path, "pub fn a()\npub fn b()\npub fn c()\n").unwrap();
        let args = Args {
            check: true,
            crate_dir: Some(dir.clone()),
        };
        let err = listing_file(&path, "pub fn a()\npub fn c()\npub fn d()\n", &args).unwrap_err();
        assert!(err.contains("1 line(s) added, 1 removed"), "{err}");
        assert!(
            err.contains(&format!(
                "cargo xtask public-api --crate-dir {}",
                dir.display()
            )),
            "{err}"
        );
        assert!(listing_file(&path, "pub fn a()\npub fn b()\npub fn c()\n", &args).is_ok());
        let (added, removed, diff) = unified_diff("a\nb\nc\n", "a\nc\nd\n", "f");
        assert_eq!((added, removed), (1, 1));
        assert!(diff.contains("\n-b\n") && diff.contains("\n+d\n"), "{diff}");
        assert!(diff.starts_with("--- f (checked in)\n+++ f (generated from the code)\n"));
        // Without --check the file is rewritten.
        let write = Args {
            check: false,
            ..args
        };
        listing_file(&path, "pub fn z()\n", &write).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "pub fn z()\n");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_package_name_is_read_from_the_package_table() {
        let manifest = "[workspace]\nname = \"not-this\"\n\n[package]\nversion = \"1\"\nname = \"tcredis-core\"\n[dependencies]\nname = \"no\"\n";
        assert_eq!(
            rustdoc::package_name(manifest).as_deref(),
            Some("tcredis-core")
        );
        assert_eq!(
            rustdoc::package_name("[dependencies]\nname = \"x\"\n"),
            None
        );
    }
}
