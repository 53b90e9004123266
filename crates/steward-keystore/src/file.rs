//! [`FileKeystore`]: the fallback where the platform has no keystore (a Linux desktop without a
//! Secret Service). Secrets sit in files readable only by the owner's account, in a folder of
//! the app's data; the app says so on screen (docs/SECURITY.md, "Keys at rest"). It must never
//! be chosen silently, and never where a platform keystore answers.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Backing, Keystore, KeystoreError, Secret};

/// Secrets in `<dir>/<name>.key`, mode 0600 in a 0700 folder.
#[derive(Debug)]
pub struct FileKeystore {
    dir: PathBuf,
}

impl FileKeystore {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
        }
    }

    fn path(&self, name: &str) -> Result<PathBuf, KeystoreError> {
        // Names are the app's own constants; anything that could leave the folder is refused.
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(KeystoreError::Failed(format!(
                "{name:?} is not a keystore name"
            )));
        }
        Ok(self.dir.join(format!("{name}.key")))
    }
}

fn failed(what: &str, error: std::io::Error) -> KeystoreError {
    KeystoreError::Failed(format!("{what}: {error}"))
}

impl Keystore for FileKeystore {
    fn backing(&self) -> Backing {
        Backing::File(self.dir.clone())
    }

    fn read(&self, name: &str) -> Result<Option<Secret>, KeystoreError> {
        let path = self.path(name)?;
        match std::fs::read(&path) {
            Ok(bytes) => Secret::from_slice(&bytes)
                .map(Some)
                .ok_or_else(|| KeystoreError::Corrupt(name.to_owned())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(failed("reading a key file", error)),
        }
    }

    fn write(&self, name: &str, secret: &Secret) -> Result<(), KeystoreError> {
        let path = self.path(name)?;
        let mut dir = std::fs::DirBuilder::new();
        dir.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut dir, 0o700);
        dir.create(&self.dir)
            .map_err(|e| failed("making the key folder", e))?;
        // Written beside, then renamed: a crash never leaves half a key.
        let partial = path.with_extension("partial");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(&partial)
            .map_err(|e| failed("writing a key file", e))?;
        file.write_all(secret.expose())
            .and_then(|()| file.sync_all())
            .map_err(|e| failed("writing a key file", e))?;
        std::fs::rename(&partial, &path).map_err(|e| failed("writing a key file", e))
    }

    fn delete(&self, name: &str) -> Result<(), KeystoreError> {
        match std::fs::remove_file(self.path(name)?) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(failed("deleting a key file", error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_survive_in_owner_only_files() {
        let dir = tempfile::tempdir().expect("dir");
        let keys = dir.path().join("keys");
        let store = FileKeystore::new(&keys);
        let (secret, made) = crate::get_or_create(&store, "phone-key").expect("made");
        assert!(made);
        let again = FileKeystore::new(&keys);
        assert_eq!(again.read("phone-key"), Ok(Some(secret)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(&keys.join("phone-key.key")), 0o600);
            assert_eq!(mode(&keys), 0o700);
        }
        std::fs::write(keys.join("database-key.key"), b"short").expect("write");
        assert_eq!(
            again.read("database-key"),
            Err(KeystoreError::Corrupt("database-key".into()))
        );
        assert!(again.read("../escape").is_err());
        again.delete("phone-key").expect("delete");
        assert_eq!(again.read("phone-key"), Ok(None));
    }
}
