//! The Secret Service for real: a private session bus with GNOME Keyring on it (unlocked, its
//! files in a throwaway folder), started by the test. Secrets round-trip, survive a new
//! connection, are kept apart per household, and never appear in the keyring's files in the
//! clear. libdbus reads the session bus address once per process: one test per file.
#![cfg(target_os = "linux")]

mod common;

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use steward_keystore::secret_service::SecretService;
use steward_keystore::{get_or_create, Backing, Keystore};

/// A session bus and an unlocked GNOME Keyring on it, stopped on drop.
struct Keyring {
    daemon: Child,
    dir: tempfile::TempDir,
    _bus: common::SessionBus,
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn start_keyring() -> Keyring {
    let dir = tempfile::tempdir().expect("dir");
    let run = dir.path().join("run");
    std::fs::create_dir(&run).expect("run dir");
    std::fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .expect("mode");
    // No service activation on this bus: only the daemon started below can own the name.
    let bus = common::session_bus();
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--unlock", "--components=secrets"])
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_RUNTIME_DIR", &run)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon (apt: gnome-keyring)");
    {
        let mut stdin = daemon.stdin.take().expect("stdin");
        stdin.write_all(b"test password").expect("password");
    }
    let keyring = Keyring {
        daemon,
        dir,
        _bus: bus,
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match SecretService::open("/probe") {
            Ok(_) => break,
            Err(error) if Instant::now() > deadline => panic!("no Secret Service: {error}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    keyring
}

#[test]
fn secrets_live_in_the_secret_service_and_nowhere_in_the_clear() {
    let keyring = start_keyring();
    let home = SecretService::open("/home/owner/steward").expect("the Secret Service answers");
    assert!(matches!(home.backing(), Backing::Platform(_)));
    let (secret, made) = get_or_create(&home, "database-key").expect("made and stored");
    assert!(made);

    // A new connection (the app restarted) finds the same secret.
    let again = SecretService::open("/home/owner/steward").expect("again");
    assert_eq!(again.read("database-key"), Ok(Some(secret.clone())));
    let (same, made) = get_or_create(&again, "database-key").expect("read");
    assert!(!made);
    assert_eq!(same, secret);

    // Another household on the same account has its own.
    let other = SecretService::open("/home/owner/other").expect("other");
    assert_eq!(other.read("database-key"), Ok(None));

    // GNOME Keyring encrypts its files under the login password: the secret's bytes are in none
    // of them, raw or hex.
    let hex = secret.to_hex();
    for entry in walk(keyring.dir.path()) {
        let bytes = std::fs::read(&entry).expect("read");
        assert!(
            !bytes.windows(32).any(|w| w == secret.expose()),
            "{} holds the raw secret",
            entry.display()
        );
        assert!(
            !String::from_utf8_lossy(&bytes).contains(hex.as_str()),
            "{} holds the secret in hex",
            entry.display()
        );
    }

    again.delete("database-key").expect("deleted");
    assert_eq!(home.read("database-key"), Ok(None));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.is_file() {
            files.push(path);
        }
    }
    files
}
