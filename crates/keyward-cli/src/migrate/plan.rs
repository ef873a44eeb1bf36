//! The migration plan: what to do with each source license, decided from the license, the
//! mapping and the journal alone (a pure function: no I/O).

use std::collections::BTreeMap;

use keyward_core::{CreateRequest, LicenseKey, LicenseStatus};

use super::journal::{Done, Record};
use super::mapping::Mapping;

/// What happens to one source license.
#[derive(Debug)]
pub(crate) enum Step {
    /// Create it at the target with this request.
    Create {
        /// The license's id at the source.
        source_id: String,
        /// The request (it holds the key).
        request: Box<CreateRequest>,
    },
    /// Done by an earlier run (the journal says so).
    AlreadyDone(Done),
    /// Left behind, for this reason.
    Skip(String),
    /// Its product (or customer) has no mapping.
    Unmapped(String),
}

/// Whether the target needs a customer id to create a key (Dodo's `POST /license_keys` does).
pub(crate) fn needs_customer(target: &str) -> bool {
    target == "dodo"
}

/// The step for `license`.
pub(crate) fn step(
    license: &LicenseKey,
    mapping: &Mapping,
    journal: &BTreeMap<String, Record>,
    target: &str,
) -> Step {
    if let Some(record) = journal.get(&license.id) {
        return Step::AlreadyDone(record.outcome);
    }
    // A disabled key stays refused during the migration window (the old provider answers for
    // it), so it is not moved: moving it would make a refused key valid at the target.
    if matches!(
        license.status,
        LicenseStatus::Disabled | LicenseStatus::Revoked | LicenseStatus::Suspended
    ) {
        return Step::Skip(format!("{} at the source", license.status.as_str()));
    }
    let Some(key) = license.key.clone().filter(|k| !k.is_empty()) else {
        return Step::Skip(String::from("the source did not give the key text"));
    };
    let Some(product) = mapping.product(license) else {
        let source = license.product.id.as_deref().unwrap_or("(none)");
        return Step::Unmapped(format!("product {source}"));
    };
    let customer = mapping.customer(license);
    if customer.is_none() && needs_customer(target) {
        let source = license.customer.id.as_deref().unwrap_or("(none)");
        return Step::Unmapped(format!("customer {source}"));
    }
    let mut request = CreateRequest::for_product(product);
    request.key = Some(key);
    request.customer_id = customer.map(str::to_owned);
    request.activation_limit = license.activation_limit;
    request.expires_at = license.expires_at;
    Step::Create {
        source_id: license.id.clone(),
        request: Box::new(request),
    }
}

/// The plan's counts, for the dry run and the summary.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    /// To create.
    pub create: usize,
    /// Done by an earlier run, by outcome.
    pub already: BTreeMap<&'static str, usize>,
    /// Left behind, by reason.
    pub skip: BTreeMap<String, usize>,
    /// Unmapped, by what is missing.
    pub unmapped: BTreeMap<String, usize>,
}

impl Counts {
    /// Counts `steps`.
    pub(crate) fn of(steps: &[Step]) -> Self {
        let mut counts = Self::default();
        for step in steps {
            match step {
                Step::Create { .. } => counts.create += 1,
                Step::AlreadyDone(done) => {
                    *counts.already.entry(done_name(*done)).or_default() += 1
                }
                Step::Skip(why) => *counts.skip.entry(why.clone()).or_default() += 1,
                Step::Unmapped(what) => *counts.unmapped.entry(what.clone()).or_default() += 1,
            }
        }
        counts
    }
}

/// A journal outcome's name.
pub(crate) fn done_name(done: Done) -> &'static str {
    match done {
        Done::Created => "created",
        Done::Exists => "already at the target",
        Done::Refused => "refused by the target",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyward_core::{Provider, SecretLicenseKey};

    fn license(id: &str, product: &str) -> LicenseKey {
        let mut l = LicenseKey::new(Provider::LemonSqueezy, id, LicenseStatus::Active);
        l.key = Some(SecretLicenseKey::new(format!("KEY-{id}")));
        l.product.id = Some(product.into());
        l.activation_limit = Some(3);
        l
    }

    fn record(id: &str) -> Record {
        Record {
            from: "lemonsqueezy".into(),
            to: "dodo".into(),
            source_id: id.into(),
            outcome: Done::Exists,
            target_id: None,
            reason: None,
            at: chrono::DateTime::default(),
        }
    }

    #[test]
    fn each_license_gets_its_step() {
        let mapping =
            Mapping::parse(r#"{"products": {"1": "pdt_a"}, "default_customer": "cus_1"}"#).unwrap();
        let no_customer = Mapping::parse(r#"{"products": {"1": "pdt_a"}}"#).unwrap();
        let journal = BTreeMap::from([(String::from("5"), record("5"))]);
        let mut disabled = license("6", "1");
        disabled.status = LicenseStatus::Disabled;
        let mut keyless = license("7", "1");
        keyless.key = None;

        match step(&license("1", "1"), &mapping, &journal, "dodo") {
            Step::Create { source_id, request } => {
                assert_eq!(source_id, "1");
                assert_eq!(request.product_id.as_deref(), Some("pdt_a"));
                assert_eq!(request.customer_id.as_deref(), Some("cus_1"));
                assert_eq!(request.activation_limit, Some(3));
                assert_eq!(request.key.as_ref().map(|k| k.expose()), Some("KEY-1"));
            }
            other => panic!("{other:?}"),
        }
        let steps = [
            step(&license("5", "1"), &mapping, &journal, "dodo"),
            step(&disabled, &mapping, &journal, "dodo"),
            step(&keyless, &mapping, &journal, "dodo"),
            step(&license("8", "2"), &mapping, &journal, "dodo"),
            step(&license("9", "1"), &no_customer, &journal, "dodo"),
            step(&license("9", "1"), &no_customer, &journal, "signed-license"),
        ];
        let counts = Counts::of(&steps);
        assert_eq!(counts.create, 1);
        assert_eq!(counts.already.get("already at the target"), Some(&1));
        assert_eq!(counts.skip.get("disabled at the source"), Some(&1));
        assert_eq!(
            counts.skip.get("the source did not give the key text"),
            Some(&1)
        );
        assert_eq!(counts.unmapped.get("product 2"), Some(&1));
        assert_eq!(counts.unmapped.get("customer (none)"), Some(&1));
    }
}
