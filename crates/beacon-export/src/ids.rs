//! Deterministic ids: name-based UUIDs (RFC 9562 version 5, SHA-1) and the feed file's
//! MD5 value hashes.
//!
//! Every id Beacon writes is `uuid5(NAMESPACE, "<object kind>:<name>")`, so exporting the
//! same events twice gives the same ids and consumers update rather than duplicate.

use sha1::Digest;

/// The namespace of Beacon's ids: STIX 2.1's namespace for deterministic identifiers
/// (`00abedb4-aa42-466c-9c01-fed23315a9b7`, section 2.9). Names are prefixed with the
/// object kind (`indicator:`, `misp-event:`, …), so they never collide with the ids STIX
/// gives cyber-observable objects.
pub const NAMESPACE: [u8; 16] = [
    0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c, 0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7,
];

/// The version-5 UUID of `name` in `namespace`, as lower-case `8-4-4-4-12` text.
pub fn uuid_v5(namespace: &[u8; 16], name: &str) -> String {
    let mut hasher = sha1::Sha1::new();
    hasher.update(namespace);
    hasher.update(name.as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Beacon's id for an object of `kind` named `name`.
pub fn id(kind: &str, name: &str) -> String {
    uuid_v5(&NAMESPACE, &format!("{kind}:{name}"))
}

/// The MD5 of a value as lower-case hex, as MISP's `hashes.csv` lists attribute values.
pub fn md5_hex(value: &str) -> String {
    md5::Md5::digest(value.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_5_matches_the_rfc_example() {
        // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
        let dns = [
            0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4,
            0x30, 0xc8,
        ];
        assert_eq!(
            uuid_v5(&dns, "www.example.com"),
            "2ed6657d-e927-568b-95e1-2665a8aea6a2"
        );
    }

    #[test]
    fn md5_matches_known_values() {
        assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
    }
}
