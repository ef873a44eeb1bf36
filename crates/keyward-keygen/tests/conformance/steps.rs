//! The setup steps of a feature case applied to a [`World`], as keygen-api's step definitions
//! read them (`resource_steps.rb`: `the current account has 2 "machines" for the last "license"`,
//! `all "policies" have the following attributes:`; `authentication_steps.rb`: `I am an admin of
//! account "test1"`, `I use an authentication token`, read in `bearers.rs`; creations in
//! `creation.rs`). A step outside this vocabulary is an `Err` naming it.

use serde_json::{Map, Value};

use super::world::{Bearer, Credential, Kind, Skip, World, named_index};

/// Webhook endpoints only decide which webhooks are queued, which no case here compares; a
/// group's owners reach none of its licenses or machines on these routes (`License.for_user`
/// and `Machine.for_user` join a user's own, not its groups').
pub(crate) fn ignored(resource: &str) -> bool {
    matches!(
        resource,
        "webhook-endpoint" | "webhook-endpoints" | "group-owner" | "group-owners"
    )
}

pub(crate) fn resource(name: &str) -> Result<Kind, Skip> {
    Kind::parse(name).ok_or_else(|| format!("resource \"{name}\" (not modeled)"))
}

impl World {
    /// The step's docstring, placeholders resolved, as attributes.
    pub(crate) fn attributes(&self, step: &Value) -> Result<Map<String, Value>, Skip> {
        // A docstring that is JSON only once resolved (`"heartbeatDuration": $time.5.minutes`)
        // was kept as text.
        let text = match &step["docstring"] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let resolved = self.resolve(&text)?;
        match serde_json::from_str(&resolved) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err("a docstring that is not a JSON object".to_owned()),
        }
    }

    /// Applies one setup step.
    pub(crate) fn step(&mut self, step: &Value) -> Result<(), Skip> {
        let text = step["step"].as_str().unwrap_or_default();
        let parts: Vec<&str> = text.split('"').collect();
        let quoted: Vec<&str> = parts.iter().skip(1).step_by(2).copied().collect();
        let shape = parts
            .iter()
            .step_by(2)
            .copied()
            .collect::<Vec<_>>()
            .join("\"_\"");
        let words: Vec<&str> = shape.split(' ').collect();
        match words.as_slice() {
            ["the", "current", "account", "is", _] => {
                // `I am an admin of account "ent1"` may come before the account is current.
                if self.bearer == Some(Bearer::Admin(false))
                    && self.foreign_admin.as_deref() == Some(quoted[0])
                {
                    self.bearer = Some(Bearer::Admin(true));
                }
                self.account = quoted[0].to_owned();
                Ok(())
            }
            // `spec/factories/{policy,license}_entitlement.rb`: an entitlement made for and
            // attached to the policy or license.
            [
                "the",
                "current",
                "account",
                "has",
                count,
                "\"_\"",
                "for",
                "the",
                which,
                "\"_\"",
            ] if matches!(
                (quoted[0].trim_end_matches('s'), quoted[1]),
                ("policy-entitlement", "policy") | ("license-entitlement", "license")
            ) =>
            {
                let kind = resource(quoted[1])?;
                let index = named_index(which, self.all(kind).len())?;
                let count: usize = count.parse().map_err(|_| format!("step `{shape}`"))?;
                self.entitle_new(kind, index, count);
                Ok(())
            }
            ["the", "current", "account", "has", count, rest @ ..] => {
                let count: usize = count.parse().map_err(|_| format!("step `{shape}`"))?;
                self.has(count, rest, &quoted, step, &shape)
            }
            ["the", "account", "\"_\"", rest @ ..]
                if quoted[0] == self.account
                    && matches!(
                        rest,
                        ["has", "a", "max", ..]
                            | ["is", "on" | "trialing" | "subscribed" | "active", ..]
                            | ["does", ..]
                    ) =>
            {
                self.billing_step(rest)
            }
            // `the account "test2" has 1 "license"`: the current account's are made as above;
            // another account's are never seen by the emulated one (every lookup is scoped to
            // `current_account`), so they are not made.
            ["the", "account", "\"_\"", "has", count, rest @ ..] => {
                let count: usize = count.parse().map_err(|_| format!("step `{shape}`"))?;
                if quoted[0] == self.account {
                    self.has(count, rest, &quoted[1..], step, &shape)
                } else {
                    Ok(())
                }
            }
            [
                "the",
                _,
                "\"_\"",
                "of",
                "account",
                "\"_\"",
                "has",
                "the",
                "following",
                "attributes:",
            ] if quoted[1] != self.account => Ok(()),
            ["all" | "the", "\"_\"", "have", ..] | ["the", _, "\"_\"", "has", ..]
                if ignored(quoted[0]) && shape.ends_with(" the following attributes:") =>
            {
                Ok(())
            }
            [
                "all" | "the",
                "\"_\"",
                "have",
                "the",
                "following",
                "attributes:",
            ] => {
                let kind = resource(quoted[0])?;
                let attrs = self.attributes(step)?;
                (0..self.all(kind).len()).try_for_each(|i| self.assign(kind, i, &attrs))
            }
            // `resource_steps.rb`: entitlements made with these codes and attached to the
            // license, or to its policy.
            [
                "the",
                which,
                "\"_\"",
                "has",
                "the",
                "following",
                whose @ ("license" | "policy"),
                "entitlements:",
            ] if quoted[0] == "license" => {
                let license = named_index(which, self.all(Kind::License).len())?;
                let codes = step["docstring"]
                    .as_array()
                    .cloned()
                    .ok_or("entitlement codes that are not a list")?;
                let (kind, index) = match *whose {
                    "policy" => (Kind::Policy, self.all(Kind::License)[license].parent),
                    _ => (Kind::License, license),
                };
                self.entitle(kind, index, codes);
                Ok(())
            }
            // `N "resource" have the following attributes:`: the first N (`limit(N)`).
            [
                count,
                "\"_\"",
                "have" | "has",
                "the",
                "following",
                "attributes:",
            ] if count.parse::<usize>().is_ok() => {
                let kind = resource(quoted[0])?;
                let attrs = self.attributes(step)?;
                let count = count
                    .parse::<usize>()
                    .unwrap_or(0)
                    .min(self.all(kind).len());
                (0..count).try_for_each(|i| self.assign(kind, i, &attrs))
            }
            // `"machines" 0...5 have the following attributes:`.
            [
                "\"_\"",
                range,
                "have" | "has",
                "the",
                "following",
                "attributes:",
            ] if range.contains("..") => {
                let kind = resource(quoted[0])?;
                let attrs = self.attributes(step)?;
                self.assign_range(kind, range, &attrs)
            }
            ["the", "account", _, "is", "canceled"] if quoted[0] == self.account => {
                self.canceled = true;
                Ok(())
            }
            // `the first "policy" [of account "test1"] has the following attributes:`
            ["the", which, "\"_\"", rest @ ..]
                if rest.ends_with(&["has", "the", "following", "attributes:"])
                    && (rest.len() == 4
                        || (rest.len() == 7
                            && rest[..2] == ["of", "account"]
                            && quoted[1] == self.account)) =>
            {
                let kind = resource(quoted[0])?;
                let index = named_index(which, self.all(kind).len())?;
                let attrs = self.attributes(step)?;
                self.assign(kind, index, &attrs)
            }
            [
                "I",
                "am",
                "an" | "a" | "the",
                role @ ..,
                "of" | "for",
                "account",
                _,
            ] => self.be(role, quoted[0]),
            ["I", "use" | "authenticate", "an" | "my" | "with", ..] => self.authenticate(&shape),
            ["I", "send", "and", "accept", "JSON"] | ["I", "use", "API", "version", _] => Ok(()),
            ["the", "current", "environment", "is", _] => self.set_current_environment(quoted[0]),
            // `the current token has the following attributes:`: a license's token's counts.
            [
                "the",
                "current",
                "token",
                "has",
                "the",
                "following",
                "attributes:",
            ] => {
                let Some(Credential::Token(Bearer::License(i))) = self.credential else {
                    return Err("attributes of a token that is no license's".to_owned());
                };
                let attrs = Value::Object(self.attributes(step)?);
                self.of[Kind::License as usize][i]
                    .attrs
                    .insert("token".to_owned(), attrs);
                Ok(())
            }
            ["time", "is", "frozen", n, unit, "into", "the", "future"] => {
                self.freeze_ahead(n, unit)
            }
            ["time", "is", "frozen", "at", _] => {
                let at = chrono::DateTime::parse_from_rfc3339(quoted[0])
                    .map_err(|_| format!("frozen time {:?}", quoted[0]))?;
                self.now = at.with_timezone(&chrono::Utc);
                self.frozen = true;
                Ok(())
            }
            ["I", "send", "the", "following", "headers:"] => self.json_headers(step),
            ["I", "send", "the", "following", "raw", "headers:"] => self.raw_headers(step),
            _ => Err(format!("step `{shape}`")),
        }
    }
}
