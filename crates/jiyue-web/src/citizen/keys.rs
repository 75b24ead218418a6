//! The provider's ID-token signing keys: kept in the database sealed with the personal-data
//! key, so every node signs with the same key and a copy of the database alone signs nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use jiyue_auth::personal::{Field, Sealed};
use jiyue_auth::{Jwks, SigningKey};
use jiyue_db::Db;
use parking_lot::RwLock;

use super::CitizenServices;

/// How long a node keeps the loaded keys before reading them again, so a key another node
/// added is published here too.
const RELOAD_AFTER: Duration = Duration::from_secs(300);

/// The keys as loaded: the newest active one signs; all of them verify.
pub(crate) struct LoadedKeys {
    pub signer: SigningKey,
    pub jwks: Jwks,
    loaded_at: Instant,
}

/// The keys loaded on this node, read from the database on first use.
#[derive(Default)]
pub(crate) struct KeyRing {
    loaded: RwLock<Option<Arc<LoadedKeys>>>,
}

impl CitizenServices {
    /// Returns the signing keys, loading them (and making the first one) when needed.
    pub(crate) async fn signing_keys(&self, db: &Db) -> Result<Arc<LoadedKeys>, String> {
        if let Some(keys) = self.keys.loaded.read().as_ref() {
            if keys.loaded_at.elapsed() < RELOAD_AFTER {
                return Ok(keys.clone());
            }
        }
        let keys = Arc::new(self.load_keys(db).await?);
        *self.keys.loaded.write() = Some(keys.clone());
        Ok(keys)
    }

    async fn load_keys(&self, db: &Db) -> Result<LoadedKeys, String> {
        let mut stored = db.oidc_keys().await.map_err(|e| e.to_string())?;
        if stored.iter().all(|key| key.retired_at.is_some()) {
            let key = SigningKey::generate();
            let der = key.to_pkcs8_der().map_err(|e| e.to_string())?;
            let text = base64::engine::general_purpose::STANDARD.encode(der.as_slice());
            let sealed = self
                .cipher
                .seal(Field::SigningKey, &text)
                .map_err(|e| e.to_string())?;
            db.add_oidc_key(key.kid(), &sealed.to_string(), false)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(kid = key.kid(), "made a new ID-token signing key");
            stored = db.oidc_keys().await.map_err(|e| e.to_string())?;
        }
        let mut keys = Vec::new();
        for stored_key in &stored {
            let sealed = Sealed::parse(&stored_key.sealed_key).map_err(|e| e.to_string())?;
            let text = self
                .cipher
                .open(Field::SigningKey, &sealed)
                .map_err(|e| format!("signing key {}: {e}", stored_key.kid))?;
            let der = zeroize::Zeroizing::new(
                base64::engine::general_purpose::STANDARD
                    .decode(text.as_bytes())
                    .map_err(|e| format!("signing key {}: {e}", stored_key.kid))?,
            );
            let key = SigningKey::from_pkcs8_der(&der).map_err(|e| e.to_string())?;
            keys.push((stored_key.retired_at.is_none(), key));
        }
        let jwks = Jwks::from_signing_keys(keys.iter().map(|(_, key)| key));
        let signer = keys
            .into_iter()
            .find(|(active, _)| *active)
            .map(|(_, key)| key)
            .ok_or_else(|| "no active signing key".to_string())?;
        Ok(LoadedKeys {
            signer,
            jwks,
            loaded_at: Instant::now(),
        })
    }
}
