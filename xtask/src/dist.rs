//! `cargo xtask dist`: the release archive for the host target, and the check that it works.
//!
//! Packs the shared release build (`release::binaries`) into
//! `target/dist/tcredis-<version>-<host-target>.tar.gz`:
//!
//! ```text
//! tcredis-<version>-<host>/
//!   tcredis  tcredis-mock                     the binaries
//!   README.md  LICENSE-MIT  LICENSE-APACHE
//!   complete/   tcredis.bash _tcredis tcredis.fish, tcredis-mock.bash _tcredis-mock tcredis-mock.fish
//!   doc/        tcredis*.1 tcredis-mock.1 (man pages), cli.md, mock.md
//! ```
//!
//! with `<archive>.sha256` beside it (`sha256sum -c` format). The binaries are copies of the
//! release build with their debug line tables stripped (`strip --strip-debug`; symbols stay for
//! backtraces). Completions and man pages come from
//! the built binaries themselves (`tcredis completions SHELL`, `tcredis __generate-docs`,
//! `tcredis-mock __generate-docs`). The tar is reproducible: sorted names, owner 0, mtime of the
//! last commit (or `SOURCE_DATE_EPOCH`), gzip without a timestamp.
//!
//! Then the check: verify the checksum, unpack into an empty folder, require every file above,
//! and run both binaries from there: `--version`, `tcredis --mock`, and `tcredis` against the
//! unpacked `tcredis-mock` over loopback with the public demo credentials.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::apt;
use crate::outcome::Outcome;
use crate::release::{self, Binaries, exe};
use crate::run::{self, Context};

/// The files every archive must hold (relative to its top folder), besides the man pages of
/// every `tcredis` subcommand.
const REQUIRED: &[&str] = &[
    "tcredis",
    "tcredis-mock",
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
    "complete/tcredis.bash",
    "complete/_tcredis",
    "complete/tcredis.fish",
    "complete/tcredis-mock.bash",
    "complete/_tcredis-mock",
    "complete/tcredis-mock.fish",
    "doc/tcredis.1",
    "doc/tcredis-backups-list.1",
    "doc/tcredis-mock.1",
    "doc/cli.md",
    "doc/mock.md",
];

/// Shell completions of `tcredis`: the shell name and the file it is stored in.
const TCREDIS_COMPLETIONS: &[(&str, &str)] = &[
    ("bash", "tcredis.bash"),
    ("zsh", "_tcredis"),
    ("fish", "tcredis.fish"),
];

/// The public demo pair of the mock (documented, not a secret).
const DEMO_SECRET_ID: &str = "AKIDTCREDISDEMO000000000000000000000";
const DEMO_SECRET_KEY: &str = "tcredis-demo-key-public-not-secret";

/// A built archive.
#[derive(Debug, Clone)]
pub struct Archive {
    /// `target/dist/tcredis-<version>-<host>.tar.gz`.
    pub path: PathBuf,
    /// Its top folder's name (`tcredis-<version>-<host>`).
    pub top: String,
    /// The workspace version.
    pub version: String,
}

/// Builds the archive and checks it.
pub fn run(ctx: &Context) -> Outcome {
    let result = release::binaries(ctx)
        .and_then(|binaries| build(ctx, &binaries))
        .and_then(|archive| check(ctx, &archive).map(|files| (archive, files)));
    match result {
        Ok((archive, files)) => Outcome::pass_with(format!(
            "{} ({files} files) unpacked and run",
            archive
                .path
                .strip_prefix(&ctx.root)
                .unwrap_or(&archive.path)
                .display()
        )),
        Err(e) => Outcome::Fail(e),
    }
}

/// Stages the files and packs them into the archive with its checksum file.
pub fn build(ctx: &Context, binaries: &Binaries) -> Result<Archive, String> {
    apt::ensure(ctx, "dist", &[apt::STRIP])?;
    let version = release::workspace_version(ctx)?;
    let top = format!("tcredis-{version}-{}", release::host_target()?);
    let dist = ctx.root.join("target/dist");
    let stage = Scratch::create(dist.join("stage"))?;
    let dir = stage.0.join(&top);
    for sub in ["complete", "doc"] {
        create_dir(&dir.join(sub))?;
    }
    for (binary, name) in [
        (&binaries.tcredis, "tcredis"),
        (&binaries.mock, "tcredis-mock"),
    ] {
        let staged = dir.join(exe(name));
        copy(binary, &staged)?;
        // The release profile keeps line tables (for profiles and backtraces): five times the
        // size of the code. The archive ships the symbols without them.
        let mut strip = ctx.command("strip");
        strip.arg("--strip-debug").arg(&staged);
        ctx.run("dist-strip", &mut strip)?;
    }
    for file in ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
        copy(&ctx.root.join(file), &dir.join(file))?;
    }
    for (guide, name) in [("docs/cli.md", "cli.md"), ("docs/mock.md", "mock.md")] {
        copy(&ctx.root.join(guide), &dir.join("doc").join(name))?;
    }
    for (shell, file) in TCREDIS_COMPLETIONS {
        let mut cmd = ctx.command(&binaries.tcredis);
        cmd.args(["completions", shell]);
        let script = output_of(ctx, "dist-completions", &mut cmd)?;
        write(&dir.join("complete").join(file), &script)?;
    }
    let generated = stage.0.join("generated");
    for (binary, sub) in [
        (&binaries.tcredis, "tcredis"),
        (&binaries.mock, "tcredis-mock"),
    ] {
        let out = generated.join(sub);
        let mut cmd = ctx.command(binary);
        cmd.arg("__generate-docs").arg(&out);
        ctx.run("dist-generate-docs", &mut cmd)?;
        copy_all(&out.join("man"), &dir.join("doc"))?;
        // `tcredis` writes help screens and man pages; `tcredis-mock` also its completions.
        if out.join("complete").is_dir() {
            copy_all(&out.join("complete"), &dir.join("complete"))?;
        }
    }

    let archive = dist.join(format!("{top}.tar.gz"));
    let mut tar = ctx.command("tar");
    tar.arg("--sort=name")
        .args(["--owner=0", "--group=0", "--numeric-owner"])
        .arg(format!("--mtime=@{}", source_date_epoch(ctx)))
        .arg("--use-compress-program=gzip -9n")
        .arg("-cf")
        .arg(&archive)
        .arg("-C")
        .arg(&stage.0)
        .arg(&top);
    ctx.run("dist-tar", &mut tar)?;
    let mut sum = ctx.command("sha256sum");
    sum.arg(archive.file_name().unwrap_or_default())
        .current_dir(&dist);
    let line = output_of(ctx, "dist-sha256", &mut sum)?;
    write(&dist.join(format!("{top}.tar.gz.sha256")), &line)?;
    println!("dist: wrote {} and its .sha256", archive.display());
    Ok(Archive {
        path: archive,
        top,
        version,
    })
}

/// Verifies the checksum, unpacks into an empty folder and runs both binaries from there;
/// returns how many files the archive holds.
pub fn check(ctx: &Context, archive: &Archive) -> Result<usize, String> {
    let dist = archive.path.parent().unwrap_or(&ctx.root).to_path_buf();
    let mut verify = ctx.command("sha256sum");
    verify
        .arg("--check")
        .arg("--strict")
        .arg(format!("{}.tar.gz.sha256", archive.top))
        .current_dir(&dist);
    ctx.run("dist-check", &mut verify)?;

    let scratch = Scratch::create(dist.join(format!("check-{}", std::process::id())))?;
    let unpacked = scratch.0.join("unpacked");
    create_dir(&unpacked)?;
    let mut untar = ctx.command("tar");
    untar
        .arg("-xzf")
        .arg(&archive.path)
        .arg("-C")
        .arg(&unpacked);
    ctx.run("dist-check", &mut untar)?;
    let files = list_files(&unpacked)?;
    missing_files(&files, &archive.top)?;
    let top = unpacked.join(&archive.top);

    let tcredis = top.join(exe("tcredis"));
    let mock = top.join(exe("tcredis-mock"));
    for (binary, name) in [(&tcredis, "tcredis"), (&mock, "tcredis-mock")] {
        let mut cmd = isolated(ctx, binary, &scratch.0);
        cmd.arg("--version");
        let text = output_of(ctx, "dist-check", &mut cmd)?;
        let wanted = format!("{name} {}", archive.version);
        if !text.starts_with(&wanted) {
            return Err(format!(
                "{name} --version printed {:?}, expected it to start with {wanted:?}",
                text.trim()
            ));
        }
    }
    for page in files.iter().filter(|f| f.ends_with(".1")) {
        let text = fs::read_to_string(unpacked.join(page)).map_err(|e| format!("{page}: {e}"))?;
        if !text.contains(".TH ") {
            return Err(format!("{page} is not a man page (no .TH line)"));
        }
    }

    // The CLI alone, against its in-process mock.
    let mut embedded = isolated(ctx, &tcredis, &scratch.0);
    embedded.args([
        "--mock",
        "backups",
        "list",
        "--instance-id",
        "crs-demo0001",
        "--output",
        "json",
    ]);
    expect_listing(
        &output_of(ctx, "dist-check", &mut embedded)?,
        "tcredis --mock",
    )?;

    // Both unpacked binaries together over loopback.
    let server = Listening::start(ctx, &mock, &scratch.0)?;
    let mut remote = isolated(ctx, &tcredis, &scratch.0);
    remote
        .args(["--endpoint", &server.url, "--region", "ap-guangzhou"])
        .args(["backups", "list", "--instance-id", "crs-demo0001"])
        .args(["--all", "--output", "json"])
        .env("TENCENTCLOUD_SECRET_ID", DEMO_SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", DEMO_SECRET_KEY);
    let listed = output_of(ctx, "dist-check", &mut remote);
    let stopped = server.stop();
    expect_listing(&listed?, "tcredis against the unpacked tcredis-mock")?;
    stopped?;
    Ok(files.len())
}

/// A command for an unpacked binary: run from the scratch folder, with an empty HOME and none
/// of the caller's Tencent Cloud settings or proxies.
fn isolated(ctx: &Context, binary: &Path, scratch: &Path) -> Command {
    let home = scratch.join("home");
    let _ = fs::create_dir_all(&home);
    let mut cmd = ctx.command(binary);
    cmd.current_dir(scratch).env("HOME", &home);
    for (key, _) in std::env::vars_os() {
        let key_text = key.to_string_lossy();
        if key_text.starts_with("TENCENTCLOUD_")
            || key_text.starts_with("TCCLI_")
            || key_text.to_ascii_lowercase().ends_with("_proxy")
            || key_text == "TCREDIS_NOW"
        {
            cmd.env_remove(&key);
        }
    }
    cmd
}

/// A listing printed as JSON must hold demo backups of `crs-demo0001`.
fn expect_listing(stdout: &str, what: &str) -> Result<(), String> {
    let total = stdout.split("\"TotalCount\":").nth(1).and_then(|rest| {
        rest.trim_start()
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse::<u64>().ok())
    });
    match total {
        Some(n) if n > 0 && stdout.contains("\"BackupId\"") && stdout.contains("crs-demo0001") => {
            Ok(())
        }
        _ => Err(format!(
            "{what}: expected a JSON listing of crs-demo0001's demo backups, got {:?}",
            stdout.chars().take(300).collect::<String>()
        )),
    }
}

/// Which of the required files are missing from `files` (paths relative to the unpack folder).
fn missing_files(files: &[String], top: &str) -> Result<(), String> {
    let stray: Vec<&String> = files
        .iter()
        .filter(|f| !f.starts_with(&format!("{top}/")))
        .collect();
    if !stray.is_empty() {
        return Err(format!("files outside {top}/ in the archive: {stray:?}"));
    }
    let missing: Vec<String> = REQUIRED
        .iter()
        .map(|f| format!("{top}/{f}"))
        .filter(|f| !files.contains(f))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("the archive lacks {}", missing.join(", ")))
    }
}

/// Every file under `dir`, as `/`-separated paths relative to it, sorted.
fn list_files(dir: &Path) -> Result<Vec<String>, String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(base, &path, out)?;
            } else if let Ok(rel) = path.strip_prefix(base) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files).map_err(|e| format!("{}: {e}", dir.display()))?;
    files.sort();
    Ok(files)
}

/// The archive's timestamps: `SOURCE_DATE_EPOCH`, else the last commit's time, else 0.
fn source_date_epoch(ctx: &Context) -> u64 {
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return epoch;
    }
    Command::new("git")
        .args(["log", "-1", "--format=%ct"])
        .current_dir(&ctx.root)
        .stderr(Stdio::null())
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(0)
}

/// Runs `cmd` and returns its stdout as text (an error when it exits non-zero). The command line
/// is echoed; what it prints goes only to the scan log (completion scripts are long).
fn output_of(ctx: &Context, log: &str, cmd: &mut Command) -> Result<String, String> {
    println!("$ {}", run::describe(cmd));
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start `{}`: {e}", run::describe(cmd)))?;
    let sink = run::open_log(&ctx.log_path(log))?;
    {
        let mut file = sink.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(file, "$ {}", run::describe(cmd));
        let _ = file.write_all(&output.stdout);
        let _ = file.write_all(&output.stderr);
    }
    if !output.status.success() {
        return Err(format!(
            "`{}` exited with {}: {}",
            run::describe(cmd),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| format!("`{}` printed non-UTF-8", run::describe(cmd)))
}

fn create_dir(path: &Path) -> Result<(), String> {
    fs::create_dir_all(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Copies every file of `from` into `to`.
fn copy_all(from: &Path, to: &Path) -> Result<(), String> {
    let entries = fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries.flatten() {
        copy(&entry.path(), &to.join(entry.file_name()))?;
    }
    Ok(())
}

/// A folder created empty and removed on every exit path.
struct Scratch(PathBuf);

impl Scratch {
    fn create(path: PathBuf) -> Result<Scratch, String> {
        let _ = fs::remove_dir_all(&path);
        create_dir(&path)?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// How long the unpacked mock may take to print its `listening on` line.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// The unpacked `tcredis-mock`, started on a free port and stopped by closing its stdin.
struct Listening {
    child: Child,
    url: String,
}

impl Listening {
    fn start(ctx: &Context, binary: &Path, scratch: &Path) -> Result<Listening, String> {
        let mut cmd = isolated(ctx, binary, scratch);
        cmd.args(["--listen", "127.0.0.1:0", "--exit-on-stdin-eof"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        println!("$ {}", run::describe(&cmd));
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            let _ = tx.send(first);
            // Keep draining so the mock never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let first = rx.recv_timeout(STARTUP_TIMEOUT).unwrap_or_default();
        match first.trim().strip_prefix("listening on ") {
            Some(url) => Ok(Listening {
                child,
                url: url.to_owned(),
            }),
            None => {
                run::kill_and_reap(&mut child);
                Err(format!(
                    "the unpacked tcredis-mock did not print `listening on URL` within {}s (got {:?})",
                    STARTUP_TIMEOUT.as_secs(),
                    first.trim()
                ))
            }
        }
    }

    /// Closes stdin and waits (10 s at most) for a clean exit.
    fn stop(mut self) -> Result<(), String> {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => {
                    return Err(format!("the unpacked tcredis-mock exited with {status}"));
                }
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(50)),
                Ok(None) => {
                    run::kill_and_reap(&mut self.child);
                    return Err("the unpacked tcredis-mock ignored stdin EOF for 10 s".to_owned());
                }
                Err(e) => return Err(format!("waiting for the unpacked tcredis-mock: {e}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_needs_backups_of_the_demo_instance() {
        let good = "{\n  \"TotalCount\": 12,\n  \"BackupSet\": [{\"BackupId\": \"b\", \"InstanceId\": \"crs-demo0001\"}]\n}";
        assert!(expect_listing(good, "x").is_ok());
        let empty = "{\"TotalCount\": 0, \"BackupSet\": []}";
        assert!(
            expect_listing(empty, "x")
                .unwrap_err()
                .contains("x: expected")
        );
        assert!(expect_listing("", "x").is_err());
    }

    #[test]
    fn every_required_file_is_named_when_missing() {
        let top = "tcredis-0.1.0-x86_64-unknown-linux-gnu";
        let mut files: Vec<String> = REQUIRED.iter().map(|f| format!("{top}/{f}")).collect();
        assert!(missing_files(&files, top).is_ok());
        files.retain(|f| !f.ends_with("/tcredis-mock"));
        let err = missing_files(&files, top).unwrap_err();
        assert!(err.ends_with(&format!("{top}/tcredis-mock")), "{err}");
        files.push("elsewhere/file".to_owned());
        assert!(missing_files(&files, top).unwrap_err().contains("outside"));
    }
}
