//! Webhook signatures: the Standard Webhooks scheme, version 1
//! (<https://www.standardwebhooks.com/>), so any Standard Webhooks library
//! checks what we send.
//!
//! A message carries three headers:
//!
//! - `webhook-id`: [`new_message_id`], the same on every retry of one
//!   message (the receiver's idempotency key);
//! - `webhook-timestamp`: unix seconds of this attempt;
//! - `webhook-signature`: [`signature_header`], `v1,` and the base64 of
//!   HMAC-SHA256 over `{id}.{timestamp}.{body}`, keyed with the endpoint's
//!   secret; several such entries, separated by spaces, while an old and a
//!   new secret both sign (a rotation's overlap).
//!
//! A secret is `whsec_` and the base64 of random bytes ([`new_secret`]: 32;
//! [`secret_key`] takes at least 24). [`verify`] is the receiver's side: our
//! own tests use it, and the receiver guide describes it. It compares in
//! constant time and over the whole signature (a prefix of the right one is
//! refused, unlike some verifiers), and refuses a timestamp outside the
//! tolerance both ways (a replay of an old message, a clock far ahead).

use base64::Engine;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::crypto;
use crate::error::ErrorCode;

type HmacSha256 = Hmac<Sha256>;

/// What a secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";
/// Random bytes in a secret we make.
pub const SECRET_BYTES: usize = 32;
/// The fewest bytes a secret may have (the specification's lower bound).
pub const MIN_SECRET_BYTES: usize = 24;
/// How far a timestamp may be from now, either way, before [`verify`]
/// refuses it: five minutes, as the specification suggests.
pub const DEFAULT_TOLERANCE_SECS: u64 = 5 * 60;
/// The version tag of a signature entry.
const VERSION: &str = "v1,";
/// What a message id starts with.
pub const MESSAGE_ID_PREFIX: &str = "msg_";
/// Random characters after [`MESSAGE_ID_PREFIX`].
pub const MESSAGE_ID_CHARS: usize = 27;

/// Base64 with the standard alphabet, padding optional when decoding: a
/// secret pasted without its trailing `=` still reads.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A new signing secret: `whsec_` and the base64 (standard, padded) of
/// [`SECRET_BYTES`] random bytes.
pub fn new_secret() -> String {
    format!(
        "{SECRET_PREFIX}{}",
        STANDARD.encode(crypto::random_bytes::<SECRET_BYTES>())
    )
}

/// The HMAC key of a secret: the bytes after `whsec_`, base64-decoded. As
/// the reference libraries do, a secret without the prefix is read too.
/// Refused: not base64, or fewer than [`MIN_SECRET_BYTES`] bytes.
pub fn secret_key(secret: &str) -> Result<Vec<u8>, ErrorCode> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    match LENIENT.decode(encoded) {
        Ok(key) if key.len() >= MIN_SECRET_BYTES => Ok(key),
        _ => Err(ErrorCode::WebhookSecretInvalid),
    }
}

/// The MAC over `{msg_id}.{timestamp}.{body}`, ready to finalize or verify.
fn mac(key: &[u8], msg_id: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length: this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// One signature entry: `v1,` and the base64 of HMAC-SHA256 over
/// `{msg_id}.{timestamp}.{body}` with `key` (from [`secret_key`]).
pub fn sign(key: &[u8], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    let tag = mac(key, msg_id, timestamp, body).finalize().into_bytes();
    format!("{VERSION}{}", STANDARD.encode(tag))
}

/// The `webhook-signature` header: one [`sign`] entry per key, separated
/// by spaces (the new and the old secret during a rotation's overlap).
pub fn signature_header(keys: &[&[u8]], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    keys.iter()
        .map(|key| sign(key, msg_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Does `header` (a `webhook-signature`) hold a valid `v1` signature of
/// this message by `secret`, sent within `tolerance_secs` of `now` (unix
/// seconds; [`DEFAULT_TOLERANCE_SECS`])?
///
/// Every `v1,` entry is tried (entries of other versions are skipped); each
/// comparison is constant-time and over the whole tag, so a truncated
/// signature never passes. A bad secret verifies nothing.
pub fn verify(
    secret: &str,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
    header: &str,
    now: i64,
    tolerance_secs: u64,
) -> bool {
    if now.abs_diff(timestamp) > tolerance_secs {
        return false;
    }
    let Ok(key) = secret_key(secret) else {
        return false;
    };
    let expected = mac(&key, msg_id, timestamp, body);
    header
        .split_ascii_whitespace()
        .filter_map(|entry| entry.strip_prefix(VERSION))
        .filter_map(|tag| STANDARD.decode(tag).ok())
        .any(|tag| expected.clone().verify_slice(&tag).is_ok())
}

/// Characters of a message id that tell its moment (base 36 milliseconds).
const MESSAGE_ID_TIME_CHARS: usize = 9;

/// A new message id made at `now`: `msg_`, the moment in
/// [`MESSAGE_ID_TIME_CHARS`] base-36 digits (`0-9a-z`: later ids sort
/// after earlier ones in every collation, so a new message's key goes at
/// the end of the index instead of a random page of it) and random
/// characters of the URL-safe base64 alphabet (6 random bits each: 108
/// bits), [`MESSAGE_ID_CHARS`] characters after the prefix in all.
pub fn new_message_id(now: chrono::NaiveDateTime) -> String {
    const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut id = String::with_capacity(MESSAGE_ID_PREFIX.len() + MESSAGE_ID_CHARS);
    id.push_str(MESSAGE_ID_PREFIX);
    let mut millis = u64::try_from(now.and_utc().timestamp_millis()).unwrap_or(0);
    let mut time = [b'0'; MESSAGE_ID_TIME_CHARS];
    for digit in time.iter_mut().rev() {
        *digit = BASE36[usize::try_from(millis % 36).unwrap_or(0)];
        millis /= 36;
    }
    id.extend(time.iter().map(|b| char::from(*b)));
    let random = crypto::random_bytes::<{ MESSAGE_ID_CHARS - MESSAGE_ID_TIME_CHARS }>();
    // 64 divides 256: the low six bits of a random byte are uniform.
    id.extend(random.iter().map(|b| URL_SAFE[usize::from(b & 63)] as char));
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The specification's two known vectors: secret, id, timestamp, body,
    /// signature.
    const VECTORS: [(&str, &str, i64, &str, &str); 2] = [
        (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
        (
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1649367553,
            r#"{"email":"test@example.com","username":"test_user"}"#,
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
        ),
    ];

    /// Verify with the default tolerance.
    fn check(secret: &str, id: &str, ts: i64, body: &str, header: &str, now: i64) -> bool {
        verify(
            secret,
            id,
            ts,
            body.as_bytes(),
            header,
            now,
            DEFAULT_TOLERANCE_SECS,
        )
    }

    #[test]
    fn the_known_vectors_sign_and_verify() {
        for (secret, id, ts, body, signature) in VECTORS {
            let key = secret_key(secret).unwrap();
            assert_eq!(sign(&key, id, ts, body.as_bytes()), signature);
            assert_eq!(
                signature_header(&[&key], id, ts, body.as_bytes()),
                signature
            );
            assert!(check(secret, id, ts, body, signature, ts));
        }
    }

    #[test]
    fn verify_refuses_a_changed_message() {
        let (secret, id, ts, body, signature) = VECTORS[0];
        let other_secret = VECTORS[1].0;
        assert!(!check(
            secret,
            id,
            ts,
            r#"{"test": 2432232315}"#,
            signature,
            ts
        ));
        assert!(!check(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJel",
            ts,
            body,
            signature,
            ts
        ));
        assert!(!check(secret, id, ts + 1, body, signature, ts));
        assert!(!check(other_secret, id, ts, body, signature, ts));
        // The other vector's signature: right form, wrong message.
        assert!(!check(secret, id, ts, body, VECTORS[1].4, ts));
    }

    #[test]
    fn verify_holds_the_timestamp_to_the_tolerance_both_ways() {
        let (secret, id, ts, body, signature) = VECTORS[0];
        let tolerance = DEFAULT_TOLERANCE_SECS as i64;
        assert!(check(secret, id, ts, body, signature, ts + tolerance));
        assert!(check(secret, id, ts, body, signature, ts - tolerance));
        assert!(!check(secret, id, ts, body, signature, ts + tolerance + 1));
        assert!(!check(secret, id, ts, body, signature, ts - tolerance - 1));
        assert!(!check(secret, id, ts, body, signature, ts + 86_400));
        assert!(!check(secret, id, ts, body, signature, i64::MAX));
        assert!(!check(secret, id, i64::MIN, body, signature, i64::MAX));
        // A wider tolerance takes the day-old one.
        let day_old = verify(
            secret,
            id,
            ts,
            body.as_bytes(),
            signature,
            ts + 86_400,
            86_400,
        );
        assert!(day_old);
    }

    #[test]
    fn verify_refuses_truncated_and_malformed_signatures() {
        let (secret, id, ts, body, signature) = VECTORS[0];
        // Every prefix of the right signature, down to `v1,` and nothing.
        for end in 0..signature.len() {
            assert!(!check(secret, id, ts, body, &signature[..end], ts), "{end}");
        }
        let tag = signature.strip_prefix("v1,").unwrap();
        for refused in [
            tag.to_string(),
            format!("v2,{tag}"),
            format!("v1a,{tag}"),
            format!("V1,{tag}"),
            format!("v1,{tag}AAAA"),
            format!("v1,{}", tag.trim_end_matches('=')),
            format!("v1,{}", &tag.to_lowercase()),
            "v1,!!!!".to_string(),
        ] {
            assert!(!check(secret, id, ts, body, &refused, ts), "{refused}");
        }
    }

    #[test]
    fn verify_takes_any_of_several_signatures() {
        let (secret, id, ts, body, signature) = VECTORS[0];
        let other = VECTORS[1].4;
        for header in [
            format!("{other} {signature}"),
            format!("{signature} {other}"),
            format!("v1,AAAA v2,xyz {signature}"),
            format!("v1a,abc  {signature}"),
        ] {
            assert!(check(secret, id, ts, body, &header, ts), "{header}");
        }
        assert!(!check(
            secret,
            id,
            ts,
            body,
            &format!("{other} v1,AAAA"),
            ts
        ));
        assert!(!check(secret, id, ts, body, "", ts));
    }

    #[test]
    fn a_rotation_signs_with_both_keys_and_either_secret_verifies() {
        let (old, new) = (new_secret(), new_secret());
        let (old_key, new_key) = (secret_key(&old).unwrap(), secret_key(&new).unwrap());
        let (id, ts, body) = (
            new_message_id(chrono::DateTime::UNIX_EPOCH.naive_utc()),
            1_700_000_000,
            b"{\"type\":\"webhook.test\"}",
        );
        let header = signature_header(&[&new_key, &old_key], &id, ts, body);
        assert_eq!(header.split(' ').count(), 2);
        let third = new_secret();
        for (secret, verifies) in [(&old, true), (&new, true), (&third, false)] {
            let ok = verify(secret, &id, ts, body, &header, ts, DEFAULT_TOLERANCE_SECS);
            assert_eq!(ok, verifies);
        }
        assert_eq!(signature_header(&[], &id, ts, body), "");
    }

    #[test]
    fn new_secrets_are_random_and_read_back() {
        let secret = new_secret();
        assert!(secret.starts_with(SECRET_PREFIX));
        // 32 bytes: 44 base64 characters, one `=` of padding.
        assert_eq!(secret.len(), SECRET_PREFIX.len() + 44);
        assert!(secret.ends_with('='));
        assert_eq!(secret_key(&secret).unwrap().len(), SECRET_BYTES);
        assert_ne!(secret, new_secret());
    }

    #[test]
    fn secret_key_refuses_short_or_garbled_secrets() {
        let key = secret_key(VECTORS[0].0).unwrap();
        assert_eq!(key.len(), 24);
        // Without the prefix, as the reference libraries read it.
        assert_eq!(secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap(), key);
        let padded = new_secret();
        let bare = padded.trim_end_matches('=');
        assert_eq!(secret_key(bare).unwrap(), secret_key(&padded).unwrap());
        // 23 bytes, empty, not base64, spaces.
        let short = format!("whsec_{}", STANDARD.encode([7u8; 23]));
        for refused in [
            short.as_str(),
            "whsec_",
            "",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!",
            "whsec_MfKQ9r8GKYqrTwjU PD8ILPZIo2LaLaSw",
        ] {
            assert_eq!(secret_key(refused), Err(ErrorCode::WebhookSecretInvalid));
        }
        let (_, id, ts, body, _) = VECTORS[0];
        let header = sign(&[7u8; 23], id, ts, body.as_bytes());
        assert!(!check(&short, id, ts, body, &header, ts));
    }

    #[test]
    fn message_ids_are_url_safe_random_and_in_the_order_made() {
        let at =
            |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.3f").unwrap();
        let now = at("2026-12-06 10:00:00.000");
        let id = new_message_id(now);
        let tail = id.strip_prefix(MESSAGE_ID_PREFIX).unwrap();
        assert_eq!(tail.len(), MESSAGE_ID_CHARS);
        assert!(
            tail.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(id, new_message_id(now), "random within a moment");
        // Later ids sort after earlier ones, a millisecond or years apart.
        let mut ids: Vec<String> = [
            "1970-01-01 00:00:00.000",
            "2026-12-06 10:00:00.000",
            "2026-12-06 10:00:00.001",
            "2026-12-06 10:00:00.036",
            "2026-12-07 00:00:00.000",
            "2099-12-31 23:59:59.999",
        ]
        .iter()
        .map(|s| new_message_id(at(s)))
        .collect();
        let made = ids.clone();
        ids.sort();
        assert_eq!(ids, made);
        assert!(new_message_id(at("2026-12-06 10:00:00.000")).starts_with("msg_0"));
    }
}
