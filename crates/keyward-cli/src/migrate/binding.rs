//! What a journal (and a plan) is bound to: the two providers, where each points (base URL,
//! environment, account) and the mapping. A run against anything else is refused, naming what
//! differs, so a journal written against a test account never vouches for a live one.

use serde::{Deserialize, Serialize};

use crate::providers::Identity;

/// One end of the migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct End {
    /// The provider's name.
    pub provider: String,
    /// The base URL.
    pub base_url: String,
    /// The environment, where the provider's configuration names one.
    #[serde(default)]
    pub environment: Option<String>,
    /// A fingerprint of the credential and base URL (never the credential).
    pub account: String,
}

impl End {
    /// `provider` as `identity` says it points.
    pub(crate) fn new(provider: &str, identity: &Identity) -> Self {
        Self {
            provider: provider.to_owned(),
            base_url: identity.base_url.clone(),
            environment: identity.environment.map(str::to_owned),
            account: identity.account.clone(),
        }
    }
}

/// The header of a journal or plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Binding {
    /// Where the licenses are read.
    pub source: End,
    /// Where they are created.
    pub target: End,
    /// The mapping file's digest ([`Mapping::digest`](super::mapping::Mapping::digest)).
    pub mapping: String,
}

impl Binding {
    /// What differs between `self` (the file's) and `now` (this run's), in words; empty when
    /// they are the same migration.
    pub(crate) fn differences(&self, now: &Self) -> Vec<String> {
        let mut out = Vec::new();
        for (side, then, now) in [
            ("source", &self.source, &now.source),
            ("target", &self.target, &now.target),
        ] {
            let fields = [
                ("provider", Some(&then.provider), Some(&now.provider)),
                ("base URL", Some(&then.base_url), Some(&now.base_url)),
                (
                    "environment",
                    then.environment.as_ref(),
                    now.environment.as_ref(),
                ),
                ("account", Some(&then.account), Some(&now.account)),
            ];
            for (name, a, b) in fields {
                if a != b {
                    let show = |v: Option<&String>| v.map_or("(none)", String::as_str).to_owned();
                    out.push(format!(
                        "{side} {name}: {} in the file, {} now",
                        show(a),
                        show(b)
                    ));
                }
            }
        }
        if self.mapping != now.mapping {
            out.push(format!(
                "mapping: digest {} in the file, {} now",
                self.mapping, now.mapping
            ));
        }
        out
    }

    /// Whether only the mapping differs.
    pub(crate) fn only_mapping_differs(&self, now: &Self) -> bool {
        self.source == now.source && self.target == now.target && self.mapping != now.mapping
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(provider: &str, environment: Option<&str>, account: &str) -> End {
        End {
            provider: provider.into(),
            base_url: format!("https://{provider}.example"),
            environment: environment.map(str::to_owned),
            account: account.into(),
        }
    }

    #[test]
    fn each_difference_is_named_by_side_and_field() {
        let then = Binding {
            source: end("lemonsqueezy", None, "a1"),
            target: end("dodo", Some("test_mode"), "b1"),
            mapping: "m1".into(),
        };
        assert!(then.differences(&then.clone()).is_empty());
        let mut now = then.clone();
        now.target.environment = Some("live_mode".into());
        now.target.account = "b2".into();
        assert_eq!(
            then.differences(&now),
            [
                "target environment: test_mode in the file, live_mode now",
                "target account: b1 in the file, b2 now",
            ]
        );
        assert!(!then.only_mapping_differs(&now));
        let mut remapped = then.clone();
        remapped.mapping = "m2".into();
        assert_eq!(
            then.differences(&remapped),
            ["mapping: digest m1 in the file, m2 now"]
        );
        assert!(then.only_mapping_differs(&remapped));
    }
}
