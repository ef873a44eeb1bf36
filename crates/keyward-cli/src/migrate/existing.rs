//! The keys already at the target, read (list only) before anything is created: a key found
//! there is compared with the source instead of created again, and what differs is reported.
//! Held by a digest of the key text, never the key.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use keyward_core::{LicenseAdmin, LicenseError, LicenseKey, LicenseStatus};
use serde::{Deserialize, Serialize};

use crate::listing::Walk;

/// One key at the target, as far as a comparison needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Held {
    /// Its id at the target.
    pub id: String,
    product: Option<String>,
    customer: Option<String>,
    limit: Option<u32>,
    expires_at: Option<DateTime<Utc>>,
    disabled: bool,
}

/// A field of a key that differs between the source (as mapped) and the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Difference {
    /// `product`, `customer`, `activation_limit`, `expires_at` or `status`.
    pub field: String,
    /// What the source says (mapped to the target's ids).
    pub source: String,
    /// What the target holds.
    pub target: String,
}

/// The target's keys by digest.
#[derive(Debug, Default)]
pub(crate) struct Existing {
    by_key: HashMap<[u8; 16], Held>,
}

impl Existing {
    /// Reads every key of `target`, page by page.
    pub(crate) async fn read(target: &dyn LicenseAdmin) -> Result<Self, LicenseError> {
        let mut existing = Self::default();
        let mut walk = Walk::new(target);
        while let Some(page) = walk.next_page().await? {
            for license in page {
                existing.add(&license);
            }
        }
        Ok(existing)
    }

    /// Holds `license` (a license without its key text cannot be matched and is left out).
    pub(crate) fn add(&mut self, license: &LicenseKey) {
        let Some(key) = license.key.as_ref().filter(|k| !k.is_empty()) else {
            return;
        };
        let held = Held {
            id: license.id.clone(),
            product: license.product.id.clone(),
            customer: license.customer.id.clone(),
            limit: license.activation_limit,
            expires_at: license.expires_at,
            disabled: is_disabled(&license.status),
        };
        self.by_key.insert(digest(key.expose()), held);
    }

    /// The key `key` at the target, if there.
    pub(crate) fn get(&self, key: &str) -> Option<&Held> {
        self.by_key.get(&digest(key))
    }

    /// How many keys the target holds.
    pub(crate) fn len(&self) -> usize {
        self.by_key.len()
    }
}

/// Whether a status refuses the key.
pub(crate) fn is_disabled(status: &LicenseStatus) -> bool {
    matches!(
        status,
        LicenseStatus::Disabled | LicenseStatus::Revoked | LicenseStatus::Suspended
    )
}

/// What differs between `license` (its product and customer mapped to `product` and
/// `customer`) and `held`. A customer is compared only where the mapping names one; expiries to
/// the second.
pub(crate) fn differences(
    license: &LicenseKey,
    product: Option<&str>,
    customer: Option<&str>,
    held: &Held,
) -> Vec<Difference> {
    let text = |v: Option<&str>| v.unwrap_or("(none)").to_owned();
    let mut out = Vec::new();
    let mut differ = |field: &str, source: String, target: String| {
        if source != target {
            out.push(Difference {
                field: field.to_owned(),
                source,
                target,
            });
        }
    };
    differ(
        "product",
        text(product.or(license.product.id.as_deref())),
        text(held.product.as_deref()),
    );
    if let Some(customer) = customer {
        differ(
            "customer",
            customer.to_owned(),
            text(held.customer.as_deref()),
        );
    }
    let limit = |l: Option<u32>| l.map_or_else(|| String::from("unlimited"), |n| n.to_string());
    differ(
        "activation_limit",
        limit(license.activation_limit),
        limit(held.limit),
    );
    let expiry = |t: Option<DateTime<Utc>>| {
        t.map_or_else(|| String::from("never"), |t| t.timestamp().to_string())
    };
    differ(
        "expires_at",
        expiry(license.expires_at),
        expiry(held.expires_at),
    );
    let status = |disabled: bool| if disabled { "disabled" } else { "enabled" }.to_owned();
    differ(
        "status",
        status(is_disabled(&license.status)),
        status(held.disabled),
    );
    out
}

/// The first 16 bytes of SHA-256 of a key: enough to find it, and the key is not kept.
fn digest(key: &str) -> [u8; 16] {
    let full = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, key.as_bytes());
    let mut out = [0; 16];
    out.copy_from_slice(full.as_ref().get(..16).unwrap_or(&[0; 16]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyward_core::{Provider, SecretLicenseKey};

    fn license(id: &str, status: LicenseStatus) -> LicenseKey {
        let mut l = LicenseKey::new(Provider::Dodo, id, status);
        l.key = Some(SecretLicenseKey::new("KEY-1"));
        l.product.id = Some("pdt_a".into());
        l.customer.id = Some("cus_1".into());
        l.activation_limit = Some(3);
        l.expires_at = DateTime::from_timestamp(1_900_000_000, 0);
        l
    }

    #[test]
    fn a_held_key_is_found_by_its_text_and_compared_field_by_field() {
        let mut existing = Existing::default();
        let mut at_target = license("lic_1", LicenseStatus::Active);
        at_target.expires_at = DateTime::from_timestamp(1_900_000_000, 123_000);
        existing.add(&at_target);
        existing.add(&LicenseKey::new(
            Provider::Dodo,
            "lic_2",
            LicenseStatus::Active,
        ));
        assert_eq!(existing.len(), 1);
        let held = existing.get("KEY-1").unwrap();
        assert_eq!(held.id, "lic_1");
        assert!(existing.get("KEY-2").is_none());

        // The same (expiry to the second): nothing differs.
        let source = license("7", LicenseStatus::Active);
        assert!(differences(&source, Some("pdt_a"), Some("cus_1"), held).is_empty());
        // Each field that differs is named with both values.
        let mut changed = license("7", LicenseStatus::Disabled);
        changed.activation_limit = None;
        changed.expires_at = None;
        let fields: Vec<(String, String, String)> =
            differences(&changed, Some("pdt_b"), None, held)
                .into_iter()
                .map(|d| (d.field, d.source, d.target))
                .collect();
        assert_eq!(
            fields,
            [
                ("product".into(), "pdt_b".into(), "pdt_a".into()),
                ("activation_limit".into(), "unlimited".into(), "3".into()),
                ("expires_at".into(), "never".into(), "1900000000".into()),
                ("status".into(), "disabled".into(), "enabled".into()),
            ]
        );
    }
}
