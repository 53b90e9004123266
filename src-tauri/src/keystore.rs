//! Choosing where the app keeps its keys: the platform's keystore where there is one (the Secret
//! Service on Linux), and otherwise a file in the app's data that the owner is told about
//! (`key_storage` command). On Android and iOS the app's keys sit in its private data folder
//! until the Android Keystore and Keychain adapters land (docs/MOBILE.md, "Keys").

use std::path::Path;
use std::sync::Arc;

use steward_keystore::{FileKeystore, Keystore};

/// The folder (inside the data folder) the file fallback keeps its keys in.
const KEY_FOLDER: &str = "keys";

/// The keystore for the household in `data_dir`.
pub fn open(data_dir: &Path) -> Arc<dyn Keystore> {
    #[cfg(target_os = "linux")]
    match steward_keystore::secret_service::SecretService::open(&data_dir.display().to_string()) {
        Ok(service) => return Arc::new(service),
        Err(error) => tracing::warn!(
            %error,
            "no Secret Service: the keys are kept in a file in the data folder, and the owner is told"
        ),
    }
    Arc::new(FileKeystore::new(&data_dir.join(KEY_FOLDER)))
}
