//! Generated documentation from the clap definitions: shell completions, help screens and man
//! pages. `tcredis __generate-docs DIR` writes `DIR/help/<path>.txt` (one help screen per
//! command, the command path joined by `-`) and `DIR/man/<path>.1`; `cargo xtask codegen`
//! splices them into `docs/cli.md` and `docs/man/`.

use std::io::{self, Write};
use std::path::Path;

use crate::config::ShellKind;

/// The width help screens are wrapped at, so generated text does not depend on the terminal.
const DOC_WIDTH: usize = 100;

/// Writes a completion script for `shell`.
pub fn completions(shell: ShellKind, out: &mut dyn Write) -> io::Result<()> {
    let mut cmd = crate::args::command();
    let shell = match shell {
        ShellKind::Bash => clap_complete::Shell::Bash,
        ShellKind::Zsh => clap_complete::Shell::Zsh,
        ShellKind::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(shell, &mut cmd, "tcredis", out);
    out.flush()
}

/// Writes every help screen and man page under `dir`.
pub fn generate(dir: &Path) -> io::Result<()> {
    let help_dir = dir.join("help");
    let man_dir = dir.join("man");
    std::fs::create_dir_all(&help_dir)?;
    std::fs::create_dir_all(&man_dir)?;
    let mut root = crate::args::command()
        .term_width(DOC_WIDTH)
        .max_term_width(DOC_WIDTH);
    root.build();
    write_tree(&mut root, "tcredis", &help_dir, &man_dir)
}

fn write_tree(
    cmd: &mut clap::Command,
    path: &str,
    help_dir: &Path,
    man_dir: &Path,
) -> io::Result<()> {
    if cmd.is_hide_set() {
        return Ok(());
    }
    let help = cmd.render_long_help().to_string();
    let help: String = help
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    std::fs::write(help_dir.join(format!("{path}.txt")), help)?;
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .title(path.to_uppercase())
        .render(&mut page)?;
    std::fs::write(man_dir.join(format!("{path}.1")), page)?;
    for sub in cmd.get_subcommands_mut() {
        if sub.get_name() == "help" {
            continue;
        }
        let child = format!("{path}-{}", sub.get_name());
        write_tree(sub, &child, help_dir, man_dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_visible_command_gets_a_help_screen_and_a_man_page() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path()).unwrap();
        for name in [
            "tcredis",
            "tcredis-backups-list",
            "tcredis-backups-latest",
            "tcredis-backups-check",
            "tcredis-config-show",
            "tcredis-completions",
        ] {
            let help =
                std::fs::read_to_string(dir.path().join(format!("help/{name}.txt"))).unwrap();
            assert!(help.contains("Usage: tcredis"), "{name}: {help}");
            let man = std::fs::read_to_string(dir.path().join(format!("man/{name}.1"))).unwrap();
            assert!(man.starts_with(".ie") || man.contains(".TH"), "{name}");
        }
        assert!(
            std::fs::read_dir(dir.path().join("help"))
                .unwrap()
                .all(|e| !e
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains("generate")),
            "the docs hook is no command"
        );
        let list =
            std::fs::read_to_string(dir.path().join("help/tcredis-backups-list.txt")).unwrap();
        assert!(
            list.contains("--instance-id") && list.contains("--region"),
            "global flags shown on subcommands"
        );
    }

    #[test]
    fn completions_name_the_commands() {
        for shell in [ShellKind::Bash, ShellKind::Zsh, ShellKind::Fish] {
            let mut buf = Vec::new();
            completions(shell, &mut buf).unwrap();
            let text = String::from_utf8(buf).unwrap();
            assert!(
                text.contains("backups") && text.contains("max-age"),
                "{shell:?}"
            );
            assert!(!text.contains("generate-docs"), "{shell:?}");
        }
    }
}
