//! `cargo xtask codegen [--check]`: keeps the CLI's help text in `docs/cli.md` and the man page
//! in `docs/man/` equal to what the binary prints.
//!
//! # The hook the CLI provides
//!
//! `tcredis __generate-docs <DIR>` (an argument `crates/cli` handles before parsing its command
//! line, so it appears in no help, usage error or completion) writes:
//! - `DIR/help/<name>.txt`: one help screen per command, `<name>` being the command path joined
//!   by `-` (`tcredis`, `tcredis-backups-list`, `tcredis-config-show`, ...);
//! - `DIR/man/<page>.1`: man pages (e.g. `tcredis.1`).
//!
//! This task then replaces, in `docs/cli.md`, the text between
//! `<!-- generated:help <name> -->` and `<!-- /generated -->` with a fenced block holding
//! `help/<name>.txt`, and copies each man page to `docs/man/`. With `--check` nothing is written;
//! the task fails naming every file that is out of date. A marker naming a help screen the CLI
//! does not print is an error. A CLI without the hook (the string `__generate-docs` appears
//! nowhere in `crates/cli/src`) fails the stage: the docs could then not be checked at all.

use std::fs;
use std::path::{Path, PathBuf};

use crate::Options;
use crate::outcome::Outcome;
use crate::run::Context;

const HOOK: &str = "__generate-docs";
const BEGIN: &str = "<!-- generated:help ";
const END: &str = "<!-- /generated -->";

/// Regenerates (or with `check`, verifies) the generated documentation.
pub fn run(ctx: &Context, options: Options) -> Outcome {
    if let Err(e) = require_hook(&ctx.root) {
        return Outcome::Fail(e);
    }
    let out = ctx.root.join("target/codegen");
    let _ = fs::remove_dir_all(&out);
    if let Err(e) = fs::create_dir_all(&out) {
        return Outcome::Fail(format!("cannot create {}: {e}", out.display()));
    }
    let mut cmd = ctx.cargo();
    cmd.args([
        "run",
        "--quiet",
        "--locked",
        "-p",
        "tcredis-cli",
        "--",
        HOOK,
    ])
    .arg(&out);
    if let Err(e) = ctx.run("codegen", &mut cmd) {
        return Outcome::Fail(e);
    }
    match apply(&ctx.root, &out, options.check) {
        Ok(stale) if stale.is_empty() => Outcome::pass_with("docs match the CLI"),
        Ok(stale) if options.check => Outcome::Fail(format!(
            "out of date: {} (run `cargo xtask codegen`)",
            stale
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Ok(stale) => Outcome::pass_with(format!("updated {} file(s)", stale.len())),
        Err(e) => Outcome::Fail(e),
    }
}

/// Fails, naming the contract, when the CLI does not define the hook.
fn require_hook(root: &Path) -> Result<(), String> {
    if cli_has_hook(&root.join("crates/cli/src")) {
        Ok(())
    } else {
        Err(format!(
            "tcredis-cli has no `{HOOK}` hook, so docs/cli.md and the man page cannot be checked \
             (see xtask/src/codegen.rs for the contract)"
        ))
    }
}

fn cli_has_hook(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            cli_has_hook(&p)
        } else {
            fs::read_to_string(&p)
                .map(|s| s.contains(HOOK))
                .unwrap_or(false)
        }
    })
}

/// Applies the generated files; returns the repository files that differ (written unless `check`).
fn apply(root: &Path, generated: &Path, check: bool) -> Result<Vec<PathBuf>, String> {
    let mut stale = Vec::new();
    let cli_md = root.join("docs/cli.md");
    if cli_md.exists() {
        let current =
            fs::read_to_string(&cli_md).map_err(|e| format!("{}: {e}", cli_md.display()))?;
        let wanted = splice_help(&current, &generated.join("help"))?;
        if wanted != current {
            if !check {
                fs::write(&cli_md, &wanted).map_err(|e| format!("{}: {e}", cli_md.display()))?;
            }
            stale.push(PathBuf::from("docs/cli.md"));
        }
    } else {
        println!("codegen: note: docs/cli.md does not exist yet; only the man pages are checked");
    }
    let man_dir = generated.join("man");
    if let Ok(pages) = fs::read_dir(&man_dir) {
        for page in pages.flatten() {
            let target = root.join("docs/man").join(page.file_name());
            let wanted = fs::read(page.path()).map_err(|e| e.to_string())?;
            if fs::read(&target).ok().as_deref() != Some(&wanted[..]) {
                if !check {
                    fs::create_dir_all(root.join("docs/man")).map_err(|e| e.to_string())?;
                    fs::write(&target, &wanted)
                        .map_err(|e| format!("{}: {e}", target.display()))?;
                }
                stale.push(PathBuf::from("docs/man").join(page.file_name()));
            }
        }
    }
    Ok(stale)
}

/// Replaces every marked block of `doc` with the named help screen from `help_dir`.
fn splice_help(doc: &str, help_dir: &Path) -> Result<String, String> {
    let mut out = String::with_capacity(doc.len());
    let mut rest = doc;
    while let Some(start) = rest.find(BEGIN) {
        let after_begin = &rest[start + BEGIN.len()..];
        let name_end = after_begin
            .find("-->")
            .ok_or("docs/cli.md: unterminated generated:help marker")?;
        let name = after_begin[..name_end].trim();
        let body_start = start + BEGIN.len() + name_end + 3;
        let end = rest[body_start..]
            .find(END)
            .ok_or_else(|| format!("docs/cli.md: marker `{name}` has no `{END}`"))?;
        let help_path = help_dir.join(format!("{name}.txt"));
        let help = fs::read_to_string(&help_path).map_err(|_| {
            format!("docs/cli.md names help screen `{name}`, which the CLI did not generate")
        })?;
        out.push_str(&rest[..body_start]);
        out.push_str("\n```text\n");
        out.push_str(help.trim_end());
        out.push_str("\n```\n");
        out.push_str(END);
        rest = &rest[body_start + end + END.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cli_without_the_hook_fails() {
        let root = std::env::temp_dir().join(format!("xtask-codegen-hook-{}", std::process::id()));
        fs::create_dir_all(root.join("crates/cli/src/sub")).unwrap();
        fs::write(root.join("crates/cli/src/main.rs"), "fn main() {}\n").unwrap();
        let err = require_hook(&root).unwrap_err();
        assert!(err.contains("no `__generate-docs` hook"), "{err}");
        fs::write(
            root.join("crates/cli/src/sub/docs_gen.rs"),
            "const HOOK: &str = \"__generate-docs\";\n",
        )
        .unwrap();
        assert_eq!(require_hook(&root), Ok(()));
        fs::remove_dir_all(&root).unwrap();
        assert_eq!(
            require_hook(&crate::project::root()),
            Ok(()),
            "the real CLI has it"
        );
    }

    #[test]
    fn splices_named_help_between_markers_and_keeps_the_rest() {
        let dir = std::env::temp_dir().join(format!("xtask-codegen-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("tcredis-backups-list.txt"),
            "Usage: tcredis backups list\n",
        )
        .unwrap();
        let doc =
            "# CLI\n<!-- generated:help tcredis-backups-list -->\nold\n<!-- /generated -->\ntail\n";
        let out = splice_help(doc, &dir).unwrap();
        assert_eq!(
            out,
            "# CLI\n<!-- generated:help tcredis-backups-list -->\n```text\nUsage: tcredis backups list\n```\n<!-- /generated -->\ntail\n"
        );
        assert_eq!(
            splice_help(&out, &dir).unwrap(),
            out,
            "splicing is idempotent"
        );
        let missing = splice_help("<!-- generated:help nope -->x<!-- /generated -->", &dir);
        assert!(missing.unwrap_err().contains("`nope`"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
