//! The mapping file: which target product each source product becomes, and which target customer
//! each license gets.
//!
//! ```json
//! {
//!   "products": { "<source product id>": "<target product id>" },
//!   "customers": { "<source customer id>": "<target customer id>" },
//!   "default_customer": "<target customer id>"
//! }
//! ```
//!
//! Dodo's `POST /license_keys` needs a customer: a license's customer is looked up in
//! `customers` (by the source's customer id), else `default_customer`. Unknown fields are errors,
//! so a misspelt name is never silently ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use keyward_core::{LicenseError, LicenseKey};
use serde::{Deserialize, Serialize};

/// The parsed mapping file.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Mapping {
    /// Source product id → target product id.
    pub products: BTreeMap<String, String>,
    /// Source customer id → target customer id.
    #[serde(default)]
    pub customers: BTreeMap<String, String>,
    /// The target customer for licenses whose customer is not in `customers`.
    #[serde(default)]
    pub default_customer: Option<String>,
}

impl Mapping {
    /// Reads and parses `path`; an error names the file and the JSON path (and line) at fault.
    pub(crate) fn load(path: &Path) -> Result<Self, LicenseError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            LicenseError::invalid_input(format!("could not read {}", path.display())).with_source(e)
        })?;
        Self::parse(&text)
            .map_err(|m| LicenseError::invalid_input(format!("{}: {m}", path.display())))
    }

    /// Parses the mapping; the error text names the JSON path, line and column.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let mapping: Self = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            format!(
                "at `{path}` (line {}, column {}): {inner}",
                inner.line(),
                inner.column()
            )
        })?;
        for (source, target) in &mapping.products {
            if target.trim().is_empty() {
                return Err(format!(
                    "at `products.{source}`: the target product is empty"
                ));
            }
        }
        Ok(mapping)
    }

    /// A digest of what the mapping says (SHA-256 of its canonical JSON, the first 16 bytes in
    /// hex): the same mapping gives the same digest whatever its layout or key order.
    pub(crate) fn digest(&self) -> String {
        let canonical = serde_json::to_vec(self).unwrap_or_default();
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &canonical);
        hex::encode(digest.as_ref().get(..16).unwrap_or_default())
    }

    /// The target products and customers the mapping names, each once.
    pub(crate) fn references(&self) -> (BTreeSet<&str>, BTreeSet<&str>) {
        let products = self.products.values().map(String::as_str).collect();
        let customers = self
            .customers
            .values()
            .chain(&self.default_customer)
            .map(String::as_str)
            .collect();
        (products, customers)
    }

    /// The target product for `license`, if its product is mapped.
    pub(crate) fn product(&self, license: &LicenseKey) -> Option<&str> {
        let source = license.product.id.as_deref()?;
        self.products.get(source).map(String::as_str)
    }

    /// The target customer for `license`: its own mapping, else the default.
    pub(crate) fn customer(&self, license: &LicenseKey) -> Option<&str> {
        license
            .customer
            .id
            .as_deref()
            .and_then(|id| self.customers.get(id))
            .or(self.default_customer.as_ref())
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyward_core::{LicenseStatus, Provider};

    #[test]
    fn products_and_customers_map() {
        let m = Mapping::parse(
            r#"{"products": {"1": "pdt_a"}, "customers": {"7": "cus_7"},
                "default_customer": "cus_any"}"#,
        )
        .unwrap();
        let mut l = LicenseKey::new(Provider::LemonSqueezy, "9", LicenseStatus::Active);
        assert_eq!(m.product(&l), None);
        l.product.id = Some("1".into());
        assert_eq!(m.product(&l), Some("pdt_a"));
        assert_eq!(m.customer(&l), Some("cus_any"));
        l.customer.id = Some("7".into());
        assert_eq!(m.customer(&l), Some("cus_7"));
        let (products, customers) = m.references();
        assert_eq!(products.into_iter().collect::<Vec<_>>(), ["pdt_a"]);
        assert_eq!(
            customers.into_iter().collect::<Vec<_>>(),
            ["cus_7", "cus_any"]
        );
    }

    #[test]
    fn the_digest_follows_the_meaning_not_the_layout() {
        let a = Mapping::parse(r#"{"products": {"1": "a", "2": "b"}}"#).unwrap();
        let b = Mapping::parse("{\n \"products\": {\"2\": \"b\",\n \"1\": \"a\"}}").unwrap();
        let c = Mapping::parse(r#"{"products": {"1": "a", "2": "c"}}"#).unwrap();
        assert_eq!(a.digest(), b.digest());
        assert_ne!(a.digest(), c.digest());
        assert_eq!(a.digest().len(), 32);
    }

    #[test]
    fn a_malformed_mapping_names_the_path_and_line() {
        let err = Mapping::parse("{\n  \"products\": {\n    \"1\": 5\n  }\n}").unwrap_err();
        assert!(
            err.contains("products.1") && err.contains("line 3"),
            "{err}"
        );
        let err = Mapping::parse("{\"products\": {}, \"default_costumer\": \"c\"}").unwrap_err();
        assert!(err.contains("default_costumer"), "{err}");
        let err = Mapping::parse("{\"products\": {\"1\": \" \"}}").unwrap_err();
        assert!(err.contains("products.1"), "{err}");
        let err = Mapping::parse("{\"products\": {\"1\": \"a\"},}").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
    }
}
