//! The examples in `docs/cli.md` and the crate's `README.md` are real: every ```console block's
//! `$ tcredis ...` command is run (against `--mock`, with `TCREDIS_NOW` fixed as the guide says)
//! and its stdout must equal the text under it; a last line `[exit N]` gives a non-zero exit
//! code. `UPDATE_DOCS=1` rewrites the outputs instead of comparing them.

mod common;

use std::path::PathBuf;

fn guide_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/cli.md")
}

/// Splits a command line the way a POSIX shell would for the simple forms the guide uses:
/// words, '...' and "..." quoting, and leading VAR=value assignments.
fn split(line: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    let mut env = Vec::new();
    while let Some((k, v)) = words
        .first()
        .and_then(|w| w.split_once('='))
        .filter(|(k, _)| k.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
    {
        env.push((k.to_owned(), v.to_owned()));
        words.remove(0);
    }
    (env, words)
}

struct Example {
    /// Line index of the `$ ` line.
    command_line: usize,
    /// Line index one past the output's last line.
    end: usize,
    command: String,
    expected: String,
}

fn examples(lines: &[&str]) -> Vec<Example> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "```console" {
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim() != "```" {
                if let Some(cmd) = lines[j].strip_prefix("$ ") {
                    let start = j;
                    let mut k = j + 1;
                    while k < lines.len() && lines[k].trim() != "```" && !lines[k].starts_with("$ ")
                    {
                        k += 1;
                    }
                    let expected = lines[start + 1..k]
                        .iter()
                        .map(|l| format!("{l}\n"))
                        .collect();
                    out.push(Example {
                        command_line: start,
                        end: k,
                        command: cmd.to_owned(),
                        expected,
                    });
                    j = k;
                } else {
                    j += 1;
                }
            }
            i = j;
        }
        i += 1;
    }
    out
}

#[test]
fn the_guide_examples_print_what_the_guide_shows() {
    check_examples(&guide_path(), 8);
}

#[test]
fn the_readme_examples_print_what_the_readme_shows() {
    check_examples(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"),
        1,
    );
}

/// Runs every example of the Markdown file at `path` (at least `at_least` of them).
fn check_examples(path: &std::path::Path, at_least: usize) {
    let text = std::fs::read_to_string(path).expect("the file exists");
    let lines: Vec<&str> = text.lines().collect();
    let found = examples(&lines);
    assert!(
        found.len() >= at_least,
        "{} has its examples",
        path.display()
    );
    let home = common::home();
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut rewritten: Vec<String> = Vec::new();
    let mut cursor = 0;
    let mut failures = Vec::new();
    for ex in &found {
        let (env, words) = split(&ex.command);
        assert_eq!(
            words.first().map(String::as_str),
            Some("tcredis"),
            "{}",
            ex.command
        );
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let mut env: Vec<(&str, &str)> =
            env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        env.push(("TCREDIS_NOW", common::NOW));
        let out = common::run(home.path(), &args, &env);
        // csv and tsv end records with CRLF (RFC 4180); the guide shows plain lines.
        let mut actual = out.stdout.replace("\r\n", "\n");
        if out.code != 0 {
            actual.push_str(&format!("[exit {}]\n", out.code));
        }
        if update {
            rewritten.extend(
                lines[cursor..=ex.command_line]
                    .iter()
                    .map(|l| (*l).to_owned()),
            );
            rewritten.extend(actual.lines().map(str::to_owned));
            cursor = ex.end;
        } else if actual != ex.expected {
            failures.push(format!(
                "$ {}\n--- guide ---\n{}--- actual ---\n{}--- stderr ---\n{}",
                ex.command, ex.expected, actual, out.stderr
            ));
        }
    }
    if update {
        rewritten.extend(lines[cursor..].iter().map(|l| (*l).to_owned()));
        std::fs::write(path, rewritten.join("\n") + "\n").unwrap();
        return;
    }
    assert!(
        failures.is_empty(),
        "{} is out of date (UPDATE_DOCS=1 cargo test -p tcredis-cli --test docs):\n{}",
        path.display(),
        failures.join("\n")
    );
}

#[test]
fn the_splitter_handles_quotes_and_assignments() {
    let (env, words) = split(r#"A_B=1 tcredis --query 'BackupSet[?Status==`2`]' --x "a b""#);
    assert_eq!(env, [("A_B".to_owned(), "1".to_owned())]);
    assert_eq!(
        words,
        [
            "tcredis",
            "--query",
            "BackupSet[?Status==`2`]",
            "--x",
            "a b"
        ]
    );
}
