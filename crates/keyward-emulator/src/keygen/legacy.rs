//! Keygen's legacy encrypted licenses: a policy with `encrypted: true` has the scheme
//! `LEGACY_ENCRYPT` (`policy.rb`), and a license created under it gets a generated key whose
//! first 32 characters are its id (`license.rb`'s `generate_legacy_encrypted_key!`), stored only
//! as a hash. Such a key is never found as a key (`find_by(key:)` meets the hash): a validation
//! that says the key is encrypted finds the license by the id the key starts with and compares
//! the key (`license_key_lookup_service.rb`). The emulator keeps the key as given and compares
//! it as the hash would.

use super::state::{LicenseRecord, State};

/// The legacy encrypted scheme.
pub(crate) const SCHEME: &str = "LEGACY_ENCRYPT";

/// A new key for license `id`: 128 random hex characters ending in `v1`, the first 32 the id
/// without dashes, in groups of 32 joined by `-` (`Tokenable#generate_hashed_token`, `v1`).
pub(crate) fn generated_key(id: &str) -> String {
    let mut random = [0u8; 64];
    // Without randomness the key is the id and zeros: still unique, as the id is.
    let _ = aws_lc_rs::rand::fill(&mut random);
    let mut raw = hex::encode(random);
    raw.replace_range(126.., "v1");
    let id = id.replace('-', "");
    if id.len() == 32 && id.is_ascii() {
        raw.replace_range(..32, &id);
    }
    let groups: Vec<&str> = (0..raw.len())
        .step_by(32)
        .map(|at| &raw[at..(at + 32).min(raw.len())])
        .collect();
    groups.join("-")
}

/// The license a legacy encrypted `key` belongs to, among those the request sees: the one
/// whose id (without dashes) its first 32 characters are, with its key stored hashed and equal
/// (`LicenseKeyLookupService`, `legacy_encrypted: true`).
pub(crate) fn find<'a>(state: &'a State, key: &str) -> Option<&'a LicenseRecord> {
    let (id, bits) = (key.get(..32)?, key.get(32..)?);
    if !bits.starts_with('-') || bits.len() < 2 {
        return None;
    }
    state.licenses.iter().find(|l| {
        l.key_hashed
            && l.id.replace('-', "").eq_ignore_ascii_case(id)
            && state.seen(l.environment_id.as_deref())
            && l.key == key
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_starts_with_the_id_in_groups_of_32() {
        let id = "0b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9";
        let key = generated_key(id);
        let groups: Vec<&str> = key.split('-').collect();
        assert_eq!(groups.len(), 4, "{key}");
        assert_eq!(groups[0], id.replace('-', ""));
        assert!(groups[1..3].iter().all(|g| g.len() == 32));
        assert!(key.ends_with("v1") && groups[3].len() == 32, "{key}");
        assert_ne!(generated_key(id), key);
    }
}
