//! Hostile credential files through a temporary home (issue 17, item 10): the INI credentials
//! file, tccli's `.credential` and `.configure`, and the TKE token file as a link to
//! `/dev/zero`, a FIFO, a directory or a 2 GiB sparse file. Each is refused at once with the
//! path in the message — never read whole, never waited on.
#![cfg(unix)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tcredis_transport_hyper::credentials::{
    ChainConfig, DefaultChain, FetchSettings, ProvideCredentials as _, WebIdentityProvider,
};

/// Each resolution must end well inside this (a FIFO read would wait for ever; /dev/zero would
/// fill memory).
const BOUND: Duration = Duration::from_secs(10);

struct Home {
    dir: PathBuf,
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn home(name: &str) -> Home {
    let dir = std::env::temp_dir().join(format!(
        "tcredis-hostile-files-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".tencentcloud")).unwrap();
    std::fs::create_dir_all(dir.join(".tccli")).unwrap();
    Home { dir }
}

#[derive(Clone, Copy, Debug)]
enum Hostile {
    DevZero,
    Fifo,
    Directory,
    Sparse2GiB,
}

impl Hostile {
    const ALL: [Hostile; 4] = [
        Hostile::DevZero,
        Hostile::Fifo,
        Hostile::Directory,
        Hostile::Sparse2GiB,
    ];

    fn make(self, path: &Path) {
        match self {
            Hostile::DevZero => std::os::unix::fs::symlink("/dev/zero", path).unwrap(),
            Hostile::Fifo => assert!(
                std::process::Command::new("mkfifo")
                    .arg(path)
                    .status()
                    .unwrap()
                    .success(),
                "mkfifo is needed for this test"
            ),
            Hostile::Directory => std::fs::create_dir(path).unwrap(),
            Hostile::Sparse2GiB => std::fs::File::create(path)
                .unwrap()
                .set_len(2 * 1024 * 1024 * 1024)
                .unwrap(),
        }
    }

    fn reason(self) -> &'static str {
        match self {
            Hostile::DevZero => "is a character device, not a regular file",
            Hostile::Fifo => "is a FIFO (named pipe), not a regular file",
            Hostile::Directory => "is a directory, not a regular file",
            Hostile::Sparse2GiB => "is 2147483648 bytes, over the limit of 1048576 bytes (1 MiB)",
        }
    }
}

/// Resolves the chain on another thread, so a read that blocks fails the test instead of
/// hanging it.
fn resolve_error(home: &Path, env: HashMap<String, String>) -> String {
    let mut config = ChainConfig::new(env, home.to_owned());
    config.system_credentials_file = home.join("no-system-file");
    let (tx, rx) = std::sync::mpsc::channel();
    let started = Instant::now();
    std::thread::spawn(move || {
        let _ = tx.send(
            DefaultChain::resolve(&config)
                .map(|_| ())
                .map_err(|e| e.to_string()),
        );
    });
    let result = rx
        .recv_timeout(BOUND)
        .unwrap_or_else(|_| panic!("resolving blocked for {BOUND:?} (a FIFO read?)"));
    assert!(started.elapsed() < BOUND);
    match result {
        Ok(()) => panic!("a hostile file must not resolve"),
        Err(e) => e,
    }
}

#[test]
fn a_hostile_ini_credentials_file_is_refused_with_its_path() {
    for hostile in Hostile::ALL {
        let home = home(&format!("ini-{hostile:?}"));
        let path = home.dir.join(".tencentcloud/credentials");
        hostile.make(&path);
        let e = resolve_error(&home.dir, HashMap::new());
        assert!(
            e.contains(&path.display().to_string()) && e.contains(hostile.reason()),
            "{hostile:?}: {e}"
        );
    }
}

#[test]
fn hostile_tccli_credential_and_configure_files_are_refused_with_their_path() {
    for file in ["default.credential", "default.configure"] {
        for hostile in Hostile::ALL {
            let home = home(&format!("tccli-{file}-{hostile:?}"));
            if file == "default.configure" {
                std::fs::write(
                    home.dir.join(".tccli/default.credential"),
                    r#"{"secretId":"AKIDtccli","secretKey":"tccli-key"}"#,
                )
                .unwrap();
            }
            let path = home.dir.join(".tccli").join(file);
            hostile.make(&path);
            let e = resolve_error(&home.dir, HashMap::new());
            assert!(
                e.contains(&path.display().to_string()) && e.contains(hostile.reason()),
                "{file} {hostile:?}: {e}"
            );
        }
    }
}

#[test]
fn a_hostile_tke_token_file_is_refused_with_its_path() {
    for hostile in Hostile::ALL {
        let home = home(&format!("tke-{hostile:?}"));
        let path = home.dir.join("token");
        hostile.make(&path);
        let env: HashMap<String, String> = [
            ("TKE_PROVIDER_ID", "tke-provider"),
            ("TKE_WEB_IDENTITY_TOKEN_FILE", path.to_str().unwrap()),
            ("TKE_ROLE_ARN", "qcs::cam::uin/100000000001:roleName/tke"),
            // Never reached: the token is refused before any request.
            ("TENCENTCLOUD_STS_ENDPOINT", "http://127.0.0.1:9"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        // On a thread of its own: a blocking read inside the provider cannot be interrupted by
        // an async timeout, only abandoned.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let provider = WebIdentityProvider::from_env(&env, FetchSettings::default()).unwrap();
            let result = runtime.block_on(provider.provide()).map(|_| ());
            let _ = tx.send(result.map_err(|e| e.to_string()));
        });
        let e = rx
            .recv_timeout(BOUND)
            .unwrap_or_else(|_| panic!("{hostile:?}: reading the token blocked for {BOUND:?}"))
            .unwrap_err();
        assert!(
            e.contains(&format!("TKE_WEB_IDENTITY_TOKEN_FILE={}", path.display()))
                && e.contains(hostile.reason()),
            "{hostile:?}: {e}"
        );
    }
}
