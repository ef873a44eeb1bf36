//! A resource's relationships: their links, linkage (`{type, id}` identifiers) and `meta`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// A relationship of a resource: its links, its linkage and its `meta`, as sent. `L` is the
/// shape its `links` are read in: the spec's [`RelationshipLinks`] by default.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Relationship<L = RelationshipLinks> {
    /// The related and relationship URLs.
    #[serde(default)]
    pub links: Option<L>,
    /// The linkage: one identifier, a list, or `null`, kept as sent (see
    /// [`id`](Self::id) and [`identifiers`](Self::identifiers)).
    #[serde(default)]
    pub data: Option<Value>,
    /// Extra information (counts such as Keygen's `machines.meta {cores, count}`), as sent.
    #[serde(default)]
    pub meta: Option<Value>,
}

impl<L> Default for Relationship<L> {
    fn default() -> Self {
        Self {
            links: None,
            data: None,
            meta: None,
        }
    }
}

impl<L> Relationship<L> {
    /// The id of a to-one linkage (sent as a string, as the spec requires).
    pub fn id(&self) -> Option<&str> {
        self.data.as_ref()?.get("id")?.as_str()
    }

    /// The linked resources, whether `data` was a single identifier or a list; identifiers that
    /// do not decode are skipped.
    pub fn identifiers(&self) -> Vec<ResourceIdentifier> {
        match &self.data {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| serde_json::from_value(v.clone()).ok())
                .collect(),
            Some(v @ Value::Object(_)) => serde_json::from_value(v.clone()).into_iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// Relationships by name (`policy`, `product`, `license-key`, …).
pub type Relationships<L = RelationshipLinks> = BTreeMap<String, Relationship<L>>;

/// The id of the to-one relationship `name`, when there is one.
pub fn related_id<'a, L>(relationships: &'a Relationships<L>, name: &str) -> Option<&'a str> {
    relationships.get(name).and_then(Relationship::id)
}

/// `{type, id}` of a linked resource.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ResourceIdentifier {
    /// The resource type (`license-keys`).
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The resource id, as sent (a number is read as its digits).
    #[serde(deserialize_with = "crate::de::string")]
    pub id: String,
}

/// The `related` and `self` URLs of a relationship.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct RelationshipLinks {
    /// The related resource.
    #[serde(default)]
    pub related: Option<String>,
    /// The relationship itself.
    #[serde(default, rename = "self")]
    pub self_link: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linkage_reads_as_one_id_or_a_list_of_identifiers() {
        let rels: Relationships = serde_json::from_str(
            r#"{"policy":{"data":{"type":"policies","id":"p1"},"links":{"related":"/p/p1"}},
                "machines":{"data":[{"type":"machines","id":1},{"bad":true}],"meta":{"count":1}},
                "owner":{"data":null},"store":{"links":{"self":"/s","x":1}}}"#,
        )
        .unwrap();
        assert_eq!(related_id(&rels, "policy"), Some("p1"));
        assert_eq!(related_id(&rels, "owner"), None);
        assert_eq!(related_id(&rels, "missing"), None);
        let machines = rels["machines"].identifiers();
        assert_eq!(machines.len(), 1);
        assert_eq!(
            (machines[0].resource_type.as_str(), machines[0].id.as_str()),
            ("machines", "1")
        );
        assert_eq!(
            rels["store"]
                .links
                .as_ref()
                .and_then(|l| l.self_link.as_deref()),
            Some("/s")
        );
        assert_eq!(rels["policy"].identifiers()[0].id, "p1");
    }

    #[test]
    fn links_can_be_kept_as_sent() {
        let rel: Relationship<Value> =
            serde_json::from_str(r#"{"links":{"related":"/r","odd":[1]}}"#).unwrap();
        assert_eq!(rel.links.unwrap()["odd"][0], 1);
    }
}
