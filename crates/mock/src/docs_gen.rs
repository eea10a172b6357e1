//! `tcredis-mock __generate-docs DIR` (hidden; `cargo xtask dist` calls it): writes the man page
//! `DIR/man/tcredis-mock.1` and the shell completions `DIR/complete/tcredis-mock.bash`,
//! `DIR/complete/_tcredis-mock` (zsh) and `DIR/complete/tcredis-mock.fish`, generated from the
//! same clap definition that parses the flags, so they cannot drift from it.

use std::ffi::OsString;
use std::io;
use std::path::Path;
use std::process::ExitCode;

/// The hidden first argument that selects this mode.
const HOOK: &str = "__generate-docs";

/// Runs the hook when argv asks for it; `None` means "not asked, start the mock as usual".
pub(crate) fn run_hook(mut argv: impl Iterator<Item = OsString>) -> Option<ExitCode> {
    if argv.next()? != HOOK {
        return None;
    }
    let (Some(dir), None) = (argv.next(), argv.next()) else {
        eprintln!("tcredis-mock: usage: tcredis-mock {HOOK} DIR");
        return Some(ExitCode::from(2));
    };
    Some(match generate(Path::new(&dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcredis-mock: {HOOK} {}: {e}", Path::new(&dir).display());
            ExitCode::from(1)
        }
    })
}

/// Writes the man page and the completions under `dir`.
fn generate(dir: &Path) -> io::Result<()> {
    let man_dir = dir.join("man");
    let complete_dir = dir.join("complete");
    std::fs::create_dir_all(&man_dir)?;
    std::fs::create_dir_all(&complete_dir)?;
    let mut cmd = crate::args::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    std::fs::write(man_dir.join("tcredis-mock.1"), page)?;
    for (shell, file) in [
        (clap_complete::Shell::Bash, "tcredis-mock.bash"),
        (clap_complete::Shell::Zsh, "_tcredis-mock"),
        (clap_complete::Shell::Fish, "tcredis-mock.fish"),
    ] {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut cmd, "tcredis-mock", &mut script);
        std::fs::write(complete_dir.join(file), script)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(items: &[&str]) -> impl Iterator<Item = OsString> {
        items
            .iter()
            .map(OsString::from)
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn writes_the_man_page_and_completions_that_name_the_flags() {
        let dir = std::env::temp_dir().join(format!("tcredis-mock-docs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let code = run_hook(argv(&[HOOK, dir.to_str().unwrap()]));
        assert_eq!(code, Some(ExitCode::SUCCESS));
        let man = std::fs::read_to_string(dir.join("man/tcredis-mock.1")).unwrap();
        assert!(man.contains(".TH tcredis-mock"), "{man}");
        assert!(
            man.contains("credentials\\-file"),
            "every flag is in the page"
        );
        for file in ["tcredis-mock.bash", "_tcredis-mock", "tcredis-mock.fish"] {
            let script = std::fs::read_to_string(dir.join("complete").join(file)).unwrap();
            assert!(script.contains("rate-limit"), "{file}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_the_hook_selects_it_and_a_missing_dir_is_a_usage_error() {
        assert_eq!(run_hook(argv(&[])), None);
        assert_eq!(run_hook(argv(&["--listen", "127.0.0.1:0"])), None);
        assert_eq!(run_hook(argv(&[HOOK])), Some(ExitCode::from(2)));
        assert_eq!(run_hook(argv(&[HOOK, "a", "b"])), Some(ExitCode::from(2)));
    }
}
