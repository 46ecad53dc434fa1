//! Signed, expiring acknowledgement links, so a recipient can say "dealt with" in one
//! click without an account, and nobody can acknowledge a digest they were not sent.
//!
//! A token is `base64url(digest_id "." expiry_unix) "." base64url(HMAC-SHA256)`, with no
//! padding, so it fits in a URL path as it is. The signature covers the encoded payload
//! exactly as it appears in the token, and is checked in constant time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

type HmacSha256 = Hmac<Sha256>;

/// Signs and checks acknowledgement tokens with one server secret.
///
/// Use at least 32 random bytes as the secret and keep it out of logs; changing it
/// invalidates every link already sent.
#[derive(Clone)]
pub struct AckSigner {
    mac: HmacSha256,
}

impl std::fmt::Debug for AckSigner {
    /// Never shows the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AckSigner { .. }")
    }
}

/// Why an acknowledgement token was refused, in words fit to show the person who clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AckError {
    /// The token is not one Beacon made: wrong shape or not base64.
    #[error("this acknowledgement link is not complete or not valid")]
    Malformed,
    /// The token's signature does not match: it was changed or made elsewhere.
    #[error("this acknowledgement link has been changed or was not made by Beacon")]
    BadSignature,
    /// The token was genuine but its time has passed.
    #[error("this acknowledgement link has expired")]
    Expired,
}

impl AckSigner {
    /// A signer using this secret.
    pub fn new(secret: &[u8]) -> Self {
        let mac = match HmacSha256::new_from_slice(secret) {
            Ok(mac) => mac,
            // HMAC hashes or pads keys of any length, so this arm cannot be reached.
            Err(_) => unreachable!("HMAC accepts keys of any length"),
        };
        AckSigner { mac }
    }

    /// A URL-safe token acknowledging `digest_id`, valid until `expires`.
    pub fn sign(&self, digest_id: i64, expires: OffsetDateTime) -> String {
        let payload = URL_SAFE_NO_PAD.encode(format!("{digest_id}.{}", expires.unix_timestamp()));
        let signature = URL_SAFE_NO_PAD.encode(self.mac_of(&payload).finalize().into_bytes());
        format!("{payload}.{signature}")
    }

    /// The digest id a token acknowledges, if the token is genuine and not expired at `now`.
    ///
    /// The signature is checked before anything in the payload is trusted.
    pub fn verify(&self, token: &str, now: OffsetDateTime) -> Result<i64, AckError> {
        let (payload, signature) = token.trim().split_once('.').ok_or(AckError::Malformed)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| AckError::Malformed)?;
        self.mac_of(payload)
            .verify_slice(&signature)
            .map_err(|_| AckError::BadSignature)?;
        let decoded = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| AckError::Malformed)?;
        let decoded = String::from_utf8(decoded).map_err(|_| AckError::Malformed)?;
        let (id, expiry) = decoded.split_once('.').ok_or(AckError::Malformed)?;
        let id: i64 = id.parse().map_err(|_| AckError::Malformed)?;
        let expiry: i64 = expiry.parse().map_err(|_| AckError::Malformed)?;
        if now.unix_timestamp() >= expiry {
            return Err(AckError::Expired);
        }
        Ok(id)
    }

    fn mac_of(&self, payload: &str) -> HmacSha256 {
        let mut mac = self.mac.clone();
        mac.update(payload.as_bytes());
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-29 07:00 UTC);
    const EXPIRES: OffsetDateTime = datetime!(2026-12-29 07:00 UTC);

    fn signer() -> AckSigner {
        AckSigner::new(b"a test secret of thirty-two bytes!")
    }

    #[test]
    fn a_signed_token_verifies_to_its_digest() {
        let token = signer().sign(42, EXPIRES);
        assert_eq!(signer().verify(&token, NOW), Ok(42));
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        );
        assert_eq!(signer().verify(&signer().sign(-7, EXPIRES), NOW), Ok(-7));
    }

    #[test]
    fn a_token_expires_at_its_expiry_time() {
        let token = signer().sign(42, EXPIRES);
        assert_eq!(
            signer().verify(&token, EXPIRES - time::Duration::SECOND),
            Ok(42)
        );
        assert_eq!(signer().verify(&token, EXPIRES), Err(AckError::Expired));
    }

    #[test]
    fn a_changed_payload_or_signature_is_refused() {
        let token = signer().sign(42, EXPIRES);
        let (_, signature) = token.split_once('.').expect("two parts");
        let forged_payload = URL_SAFE_NO_PAD.encode(format!("43.{}", EXPIRES.unix_timestamp()));
        assert_eq!(
            signer().verify(&format!("{forged_payload}.{signature}"), NOW),
            Err(AckError::BadSignature)
        );
        let longer = URL_SAFE_NO_PAD.encode(format!("42.{}", EXPIRES.unix_timestamp() + 86_400));
        assert_eq!(
            signer().verify(&format!("{longer}.{signature}"), NOW),
            Err(AckError::BadSignature)
        );
        let mut flipped = token.clone().into_bytes();
        let last = flipped.len() - 2;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).expect("ascii");
        assert_eq!(signer().verify(&flipped, NOW), Err(AckError::BadSignature));
        assert_eq!(
            AckSigner::new(b"another secret").verify(&token, NOW),
            Err(AckError::BadSignature)
        );
    }

    #[test]
    fn garbage_is_malformed() {
        for token in ["", "nodot", "a.b.c!", "!!!.???"] {
            assert_eq!(
                signer().verify(token, NOW),
                Err(AckError::Malformed),
                "{token:?}"
            );
        }
    }

    #[test]
    fn debug_does_not_show_the_secret() {
        assert_eq!(format!("{:?}", signer()), "AckSigner { .. }");
    }
}
