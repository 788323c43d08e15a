//! Encryption at rest for secrets we must use in plain later (a webhook
//! endpoint's signing secret: HMAC needs the secret itself, so it cannot be
//! stored hashed as passwords and tokens are).
//!
//! AES-256-GCM with a random 96-bit nonce per value. The stored form is
//! `v1:` and the base64 (standard, padded) of nonce ‖ ciphertext ‖ tag, so a
//! later scheme or key can be told apart by its prefix. [`open`] refuses a
//! wrong key and any change to the stored text alike (GCM authenticates),
//! with an error, never a panic.
//!
//! **The key** ([`DataKey::derive`]) is SHA-256 of a fixed context string
//! and the session secret (`PORTAAL_SESSION_KEY`, or the one generated and
//! kept in the `settings` table), so it is independent of the cookie key
//! made from the same secret and needs no second setting. Two consequences
//! for operators:
//!
//! - Changing the session secret makes every sealed value unreadable
//!   (webhook secrets then have to be rotated), not only the sessions.
//! - Encryption at rest protects against a leak of the database only when
//!   the secret is *not* kept in it, that is when `PORTAAL_SESSION_KEY` is
//!   set (as production should): a generated secret lies beside the values
//!   it protects.
//!
//! **Binding**: [`seal_bound`] and [`open_bound`] authenticate a context
//! with the value (GCM's associated data, not stored), e.g. the endpoint's
//! id: a sealed secret copied into another row by someone who can write to
//! the database then no longer opens there (and cannot be revealed
//! through that row).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::crypto;

/// What a sealed value starts with (the scheme's version).
pub const PREFIX: &str = "v1:";
/// Bytes of the nonce (96 bits, GCM's own size).
const NONCE_BYTES: usize = 12;
/// Bytes of the GCM tag at the end of the ciphertext.
const TAG_BYTES: usize = 16;
/// Hashed before the secret, so this key is no other key made from it.
const CONTEXT: &[u8] = b"portaal secret_box v1 AES-256-GCM data key\0";

/// The 256-bit key that seals and opens. Its `Debug` shows no key.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl DataKey {
    /// The key for `secret` (the session secret: see the module's notes).
    pub fn derive(secret: &str) -> Self {
        let mut hash = Sha256::new();
        hash.update(CONTEXT);
        hash.update(secret.as_bytes());
        Self(hash.finalize().into())
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&self.0.into())
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// Why a stored value did not open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Not the stored form at all: no `v1:`, not base64, too short.
    #[error("not a sealed value")]
    Malformed,
    /// The right form, but another key sealed it, or it (or its binding)
    /// was changed: GCM does not tell these apart.
    #[error("sealed value refused: another key, another binding, or altered")]
    Refused,
}

/// Seal `plaintext` under `key`: `v1:` and base64, different every time.
pub fn seal(key: &DataKey, plaintext: &[u8]) -> String {
    seal_bound(key, b"", plaintext)
}

/// Open what [`seal`] made.
pub fn open(key: &DataKey, stored: &str) -> Result<Vec<u8>, OpenError> {
    open_bound(key, b"", stored)
}

/// [`seal`], bound to `bound_to` (e.g. the row's id): it opens only with
/// the same binding.
pub fn seal_bound(key: &DataKey, bound_to: &[u8], plaintext: &[u8]) -> String {
    let nonce = crypto::random_bytes::<NONCE_BYTES>();
    let payload = Payload {
        msg: plaintext,
        aad: bound_to,
    };
    // Fails only past GCM's limit of 64 GiB for one value.
    let ciphertext = key
        .cipher()
        .encrypt(Nonce::from_slice(&nonce), payload)
        .expect("a secret is far below GCM's size limit");
    let mut sealed = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(&ciphertext);
    format!("{PREFIX}{}", STANDARD.encode(sealed))
}

/// Open what [`seal_bound`] made with the same `bound_to`.
pub fn open_bound(key: &DataKey, bound_to: &[u8], stored: &str) -> Result<Vec<u8>, OpenError> {
    let sealed = stored
        .strip_prefix(PREFIX)
        .and_then(|b64| STANDARD.decode(b64).ok())
        .filter(|bytes| bytes.len() >= NONCE_BYTES + TAG_BYTES)
        .ok_or(OpenError::Malformed)?;
    let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
    let payload = Payload {
        msg: ciphertext,
        aad: bound_to,
    };
    key.cipher()
        .decrypt(Nonce::from_slice(nonce), payload)
        .map_err(|_| OpenError::Refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::derive("a session secret of at least thirty-two characters")
    }

    #[test]
    fn round_trip_including_empty_and_binary_values() {
        let key = key();
        let long = vec![0xA5; 10_000];
        for plain in [
            &b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"[..],
            b"",
            &[0, 255, 10],
            &long,
        ] {
            let stored = seal(&key, plain);
            assert!(stored.starts_with(PREFIX));
            assert!(stored.is_ascii());
            assert_eq!(open(&key, &stored).unwrap(), plain);
        }
    }

    #[test]
    fn two_seals_of_one_value_differ_and_show_nothing_of_it() {
        let key = key();
        let (a, b) = (seal(&key, b"same secret"), seal(&key, b"same secret"));
        assert_ne!(a, b);
        assert_ne!(a[..PREFIX.len() + 16], b[..PREFIX.len() + 16]);
        assert!(!a.contains("same"));
        assert_eq!(open(&key, &a), open(&key, &b));
    }

    #[test]
    fn any_change_to_the_stored_value_is_refused() {
        let key = key();
        let stored = seal(&key, b"whsec_secret");
        let bytes = STANDARD.decode(&stored[PREFIX.len()..]).unwrap();
        // Flip one bit anywhere: nonce, ciphertext or tag.
        for i in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[i] ^= 1;
            let changed = format!("{PREFIX}{}", STANDARD.encode(changed));
            assert_eq!(open(&key, &changed), Err(OpenError::Refused), "byte {i}");
        }
        // Cut short or lengthened.
        let cut = format!("{PREFIX}{}", STANDARD.encode(&bytes[..bytes.len() - 1]));
        let longer = format!("{PREFIX}{}", STANDARD.encode([&bytes[..], &[0]].concat()));
        assert_eq!(open(&key, &cut), Err(OpenError::Refused));
        assert_eq!(open(&key, &longer), Err(OpenError::Refused));
    }

    #[test]
    fn another_key_is_refused() {
        let stored = seal(&key(), b"whsec_secret");
        let other = DataKey::derive("another session secret of thirty-two characters");
        assert_eq!(open(&other, &stored), Err(OpenError::Refused));
        // The same secret gives the same key.
        assert_eq!(open(&key(), &stored).unwrap(), b"whsec_secret");
    }

    #[test]
    fn malformed_values_are_an_error_not_a_panic() {
        let key = key();
        let short = format!(
            "{PREFIX}{}",
            STANDARD.encode([0u8; NONCE_BYTES + TAG_BYTES - 1])
        );
        let plain_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        for stored in ["", "v1:", "v1:***", "v2:AAAA", plain_secret, &short] {
            assert_eq!(open(&key, stored), Err(OpenError::Malformed), "{stored}");
        }
        // Long enough but never sealed: refused by the tag.
        let zeros = format!(
            "{PREFIX}{}",
            STANDARD.encode([0u8; NONCE_BYTES + TAG_BYTES])
        );
        assert_eq!(open(&key, &zeros), Err(OpenError::Refused));
    }

    #[test]
    fn a_bound_value_opens_only_with_its_binding() {
        let key = key();
        let stored = seal_bound(&key, b"webhook_endpoints:7", b"whsec_secret");
        assert_eq!(
            open_bound(&key, b"webhook_endpoints:7", &stored).unwrap(),
            b"whsec_secret"
        );
        assert_eq!(
            open_bound(&key, b"webhook_endpoints:8", &stored),
            Err(OpenError::Refused)
        );
        assert_eq!(open(&key, &stored), Err(OpenError::Refused));
        assert_eq!(
            open_bound(&key, b"webhook_endpoints:7", &seal(&key, b"x")),
            Err(OpenError::Refused)
        );
    }

    #[test]
    fn the_key_is_not_shown_in_debug() {
        assert_eq!(format!("{:?}", key()), "DataKey(..)");
    }
}
