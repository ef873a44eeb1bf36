//! What to do with each source license, decided from the license, the mapping, the journal and
//! the keys already at the target alone (a pure function: no I/O).

use std::collections::BTreeMap;

use keyward_core::{CreateRequest, LicenseKey};

use super::existing::{Difference, Existing, differences, is_disabled};
use super::journal::{Done, History};
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
    /// The target has the key already; `differs` lists what does not match the source.
    Exists {
        /// Its id at the target.
        target_id: String,
        /// What differs (empty: the same).
        differs: Vec<Difference>,
    },
    /// Done by an earlier run (the journal says so), and whether it differed at the target.
    AlreadyDone(Done, bool),
    /// Left behind, for this reason.
    Skip(String),
    /// Its product (or customer) has no mapping.
    Unmapped(String),
}

/// What the decision reads besides the license.
pub(crate) struct Context<'a> {
    /// The mapping.
    pub mapping: &'a Mapping,
    /// What earlier runs did.
    pub history: &'a History,
    /// The keys at the target.
    pub existing: &'a Existing,
    /// The target's name.
    pub target: &'a str,
    /// Whether keys refused by an earlier run are tried again.
    pub retry_refused: bool,
}

/// A [`Context`]'s parts, owned (for a task of its own).
pub(crate) struct Owned {
    /// The mapping.
    pub mapping: Mapping,
    /// What earlier runs did.
    pub history: History,
    /// The keys at the target.
    pub existing: Existing,
    /// The target's name.
    pub target: String,
    /// Whether keys refused by an earlier run are tried again.
    pub retry_refused: bool,
}

impl Owned {
    /// The context.
    pub(crate) fn borrow(&self) -> Context<'_> {
        Context {
            mapping: &self.mapping,
            history: &self.history,
            existing: &self.existing,
            target: &self.target,
            retry_refused: self.retry_refused,
        }
    }
}

/// Whether the target needs a customer id to create a key (Dodo's `POST /license_keys` does).
pub(crate) fn needs_customer(target: &str) -> bool {
    target == "dodo"
}

/// The step for `license`.
pub(crate) fn step(license: &LicenseKey, cx: &Context<'_>) -> Step {
    if let Some((done, differs)) = cx.history.get(&license.id)
        && !(*done == Done::Refused && cx.retry_refused)
    {
        return Step::AlreadyDone(*done, *differs);
    }
    let Some(key) = license.key.clone().filter(|k| !k.is_empty()) else {
        return Step::Skip(String::from("the source did not give the key text"));
    };
    let product = cx.mapping.product(license);
    let customer = cx.mapping.customer(license);
    // Compared before anything else: a key already at the target is reported as it is there,
    // even one disabled at the source (enabled at the target it would be a drift).
    if let Some(held) = cx.existing.get(key.expose()) {
        return Step::Exists {
            target_id: held.id.clone(),
            differs: differences(license, product, customer, held),
        };
    }
    // A disabled key stays refused during the migration window (the old provider answers for
    // it), so it is not moved: moving it would make a refused key valid at the target.
    if is_disabled(&license.status) {
        return Step::Skip(format!("{} at the source", license.status.as_str()));
    }
    let Some(product) = product else {
        let source = license.product.id.as_deref().unwrap_or("(none)");
        return Step::Unmapped(format!("product {source}"));
    };
    if customer.is_none() && needs_customer(cx.target) {
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
    /// At the target already, the same.
    pub exists_same: usize,
    /// At the target already, differing.
    pub exists_differs: usize,
    /// Done by an earlier run, by outcome.
    pub already: BTreeMap<&'static str, usize>,
    /// Left behind, by reason.
    pub skip: BTreeMap<String, usize>,
    /// Unmapped, by what is missing.
    pub unmapped: BTreeMap<String, usize>,
}

impl Counts {
    /// Counts `step`.
    pub(crate) fn add(&mut self, step: &Step) {
        match step {
            Step::Create { .. } => self.create += 1,
            Step::Exists { differs, .. } if differs.is_empty() => self.exists_same += 1,
            Step::Exists { .. } => self.exists_differs += 1,
            Step::AlreadyDone(done, differs) => {
                *self.already.entry(done_name(*done, *differs)).or_default() += 1;
            }
            Step::Skip(why) => *self.skip.entry(why.clone()).or_default() += 1,
            Step::Unmapped(what) => *self.unmapped.entry(what.clone()).or_default() += 1,
        }
    }
}

/// A journal outcome's name.
pub(crate) fn done_name(done: Done, differs: bool) -> &'static str {
    match (done, differs) {
        (Done::Created, _) => "created",
        (Done::Exists, false) => "already at the target",
        (Done::Exists, true) => "already at the target, differing",
        (Done::Refused, _) => "refused by the target",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyward_core::{LicenseStatus, Provider, SecretLicenseKey};

    fn license(id: &str, product: &str) -> LicenseKey {
        let mut l = LicenseKey::new(Provider::LemonSqueezy, id, LicenseStatus::Active);
        l.key = Some(SecretLicenseKey::new(format!("KEY-{id}")));
        l.product.id = Some(product.into());
        l.activation_limit = Some(3);
        l
    }

    #[test]
    fn each_license_gets_its_step() {
        let mapping =
            Mapping::parse(r#"{"products": {"1": "pdt_a"}, "default_customer": "cus_1"}"#).unwrap();
        let no_customer = Mapping::parse(r#"{"products": {"1": "pdt_a"}}"#).unwrap();
        let history = History::from([
            (String::from("5"), (Done::Exists, false)),
            (String::from("4"), (Done::Refused, false)),
        ]);
        let mut existing = Existing::default();
        let mut held = license("x", "pdt_a");
        held.key = Some(SecretLicenseKey::new("KEY-10"));
        held.customer.id = Some("cus_1".into());
        existing.add(&held);
        held.key = Some(SecretLicenseKey::new("KEY-11"));
        held.activation_limit = Some(5);
        existing.add(&held);
        let cx = |mapping, retry_refused, target| Context {
            mapping,
            history: &history,
            existing: &existing,
            target,
            retry_refused,
        };
        let mut disabled = license("6", "1");
        disabled.status = LicenseStatus::Disabled;
        let mut keyless = license("7", "1");
        keyless.key = None;

        match step(&license("1", "1"), &cx(&mapping, false, "dodo")) {
            Step::Create { source_id, request } => {
                assert_eq!(source_id, "1");
                assert_eq!(request.product_id.as_deref(), Some("pdt_a"));
                assert_eq!(request.customer_id.as_deref(), Some("cus_1"));
                assert_eq!(request.activation_limit, Some(3));
                assert_eq!(request.key.as_ref().map(|k| k.expose()), Some("KEY-1"));
            }
            other => panic!("{other:?}"),
        }
        match step(&license("11", "1"), &cx(&mapping, false, "dodo")) {
            Step::Exists { differs, .. } => {
                assert_eq!(differs.len(), 1);
                assert_eq!(differs[0].field, "activation_limit");
            }
            other => panic!("{other:?}"),
        }
        // A refused key is tried again only with --retry-refused.
        assert!(matches!(
            step(&license("4", "1"), &cx(&mapping, true, "dodo")),
            Step::Create { .. }
        ));
        let mut counts = Counts::default();
        for s in [
            step(&license("5", "1"), &cx(&mapping, false, "dodo")),
            step(&license("4", "1"), &cx(&mapping, false, "dodo")),
            step(&license("10", "1"), &cx(&mapping, false, "dodo")),
            step(&disabled, &cx(&mapping, false, "dodo")),
            step(&keyless, &cx(&mapping, false, "dodo")),
            step(&license("8", "2"), &cx(&mapping, false, "dodo")),
            step(&license("9", "1"), &cx(&no_customer, false, "dodo")),
            step(
                &license("9", "1"),
                &cx(&no_customer, false, "signed-license"),
            ),
        ] {
            counts.add(&s);
        }
        assert_eq!(counts.create, 1);
        assert_eq!(counts.exists_same, 1);
        assert_eq!(counts.already.get("already at the target"), Some(&1));
        assert_eq!(counts.already.get("refused by the target"), Some(&1));
        assert_eq!(counts.skip.get("disabled at the source"), Some(&1));
        assert_eq!(
            counts.skip.get("the source did not give the key text"),
            Some(&1)
        );
        assert_eq!(counts.unmapped.get("product 2"), Some(&1));
        assert_eq!(counts.unmapped.get("customer (none)"), Some(&1));
    }
}
