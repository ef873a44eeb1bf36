//! The features' placeholders resolved against a [`World`], as `placeholder_steps.rb` does:
//! `$licenses[0]` (an id), `$licenses[0].key`, `$machines[1].fingerprint`, `$time.1.day.ago`
//! in docstrings and bodies; `/licenses/$0` in paths.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::world::{Kind, Skip, World};

/// The names `placeholder_steps.rb` treats as placeholders (`PLACEHOLDERS`); any other `$word`
/// is literal text.
const PLACEHOLDERS: &[&str] = &[
    "account",
    "billing",
    "key",
    "license",
    "machine",
    "machine_component",
    "component",
    "machine_process",
    "process",
    "plan",
    "policy",
    "product",
    "receipt",
    "request_log",
    "role",
    "token",
    "user",
    "webhook_endpoint",
    "webhook_event",
    "entitlement",
    "environment",
    "policy_entitlement",
    "license_entitlement",
    "release",
    "release_platform",
    "platform",
    "release_arch",
    "arch",
    "release_filetype",
    "filetype",
    "release_channel",
    "channel",
    "release_entitlement_constraint",
    "release_download_link",
    "release_upgrade_link",
    "release_upload_link",
    "release_artifact",
    "artifact",
    "release_package",
    "package",
    "release_engine",
    "engine",
    "constraint",
    "current",
    "crypt",
    "date",
    "time",
    "null_byte",
    "event_type",
    "event_log",
    "otp",
    "group",
    "group_owner",
    "owner",
    "session",
];

/// Whether `name` (singular or plural, `-` or `_`) is one of [`PLACEHOLDERS`].
fn is_placeholder(name: &str) -> bool {
    let name = name.replace('-', "_");
    let candidates = [
        Some(name.clone()),
        name.strip_suffix('s').map(str::to_owned),
        name.strip_suffix("es").map(str::to_owned),
        name.strip_suffix("ies").map(|stem| format!("{stem}y")),
    ];
    candidates
        .into_iter()
        .flatten()
        .any(|c| PLACEHOLDERS.contains(&c.as_str()))
}

/// `$time.<n>.<unit>[.ago|.from_now]` and `$time.now` (ISO 8601, milliseconds), or a bare
/// duration in seconds.
fn time(attr: &str, now: DateTime<Utc>) -> Result<String, Skip> {
    let iso = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let parts: Vec<&str> = attr.split('.').collect();
    if matches!(parts.as_slice(), ["now" | "current"]) {
        return Ok(iso(now));
    }
    let (n, unit, rest) = match parts.as_slice() {
        [n, unit, rest @ ..] => (
            n.parse::<i64>().map_err(|_| format!("$time.{attr}"))?,
            *unit,
            rest,
        ),
        _ => return Err(format!("placeholder $time.{attr}")),
    };
    let span = match unit.trim_end_matches('s') {
        "second" => Duration::seconds(n),
        "minute" => Duration::minutes(n),
        "hour" => Duration::hours(n),
        "day" => Duration::days(n),
        "week" => Duration::weeks(n),
        "month" => Duration::days(30 * n),
        "year" => Duration::days(365 * n),
        _ => return Err(format!("placeholder $time.{attr}")),
    };
    match rest {
        [] | ["to_i"] => Ok(span.num_seconds().to_string()),
        ["ago"] => Ok(iso(now - span)),
        ["from_now"] => Ok(iso(now + span)),
        _ => Err(format!("placeholder $time.{attr}")),
    }
}

impl World {
    /// `time is frozen 2 months into the future` (`request_steps.rb`: `travel_to(2.months
    /// .from_now)`), read as `$time.2.months.from_now`.
    pub(crate) fn freeze_ahead(&mut self, n: &str, unit: &str) -> Result<(), Skip> {
        let at = self.resolve(&format!("$time.{n}.{unit}.from_now"))?;
        let at =
            chrono::DateTime::parse_from_rfc3339(&at).map_err(|_| format!("frozen time {at}"))?;
        self.now = at.with_timezone(&Utc);
        self.frozen = true;
        Ok(())
    }

    /// One `$name[index].attr`.
    fn placeholder(
        &self,
        name: &str,
        index: Option<&str>,
        attr: Option<&str>,
    ) -> Result<String, Skip> {
        if name == "time" {
            return time(attr.unwrap_or_default(), self.now);
        }
        // `placeholder_steps.rb`: the text `foo-\u0000-bar`, a null byte once read as JSON.
        if name == "null_byte" {
            return Ok("foo-\\u0000-bar".to_owned());
        }
        if name == "crypt" {
            return self.crypt(index, attr);
        }
        let Some(kind) = Kind::parse(name) else {
            return Err(format!("placeholder ${name} (not modeled)"));
        };
        let all = self.all(kind);
        let index = match index {
            // Ruby's `all[-5]`: the fifth from the end.
            Some(i) => match i.strip_prefix('-') {
                Some(back) => back
                    .parse::<usize>()
                    .ok()
                    .and_then(|back| all.len().checked_sub(back))
                    .ok_or_else(|| format!("placeholder ${name}[{i}] of {}", all.len()))?,
                None => i
                    .parse::<usize>()
                    .map_err(|_| format!("placeholder ${name}[{i}]"))?,
            },
            // `sample`: only one answer when there is one.
            None if all.len() == 1 => 0,
            None => {
                return Err(format!(
                    "placeholder ${name} (a random one of {})",
                    all.len()
                ));
            }
        };
        let entity = all
            .get(index)
            .ok_or_else(|| format!("${name}[{index}] of {}", all.len()))?;
        match (kind, attr) {
            (_, None | Some("id")) => Ok(entity.id.clone()),
            (Kind::License, Some("key"))
            | (Kind::Machine | Kind::Component, Some("fingerprint"))
            | (Kind::User, Some("email")) => Ok(entity.secret.clone()),
            (_, Some(other)) => match entity.attrs.get(other) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(value) => Ok(value.to_string()),
                None => Err(format!("placeholder ${name}.{other}")),
            },
        }
    }

    /// Text with its placeholders resolved.
    pub(crate) fn resolve(&self, text: &str) -> Result<String, Skip> {
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            rest = &rest[at + 1..];
            let end = rest.find(|c: char| !word(c)).unwrap_or(rest.len());
            let name = &rest[..end];
            if name.is_empty() || out.ends_with('\\') || !is_placeholder(name) {
                out.push('$');
                continue;
            }
            rest = &rest[end..];
            let mut index = None;
            if let (Some(body), Some(close)) = (rest.strip_prefix('['), rest.find(']')) {
                index = Some(&body[..close - 1]);
                rest = &rest[close + 1..];
            }
            let mut attr = None;
            if let Some(body) = rest.strip_prefix('.') {
                let end = body
                    .find(|c: char| !(word(c) || c == '.'))
                    .unwrap_or(body.len());
                let end = body[..end].trim_end_matches('.').len();
                attr = Some(&body[..end]);
                rest = &body[end..];
            }
            out.push_str(&self.placeholder(name, index, attr)?);
        }
        out.push_str(rest);
        Ok(out)
    }

    /// A request path: `/accounts/test1/licenses/$0` with the resource's id at that index
    /// (`parse_path_placeholders`), then the text placeholders of its query.
    pub(crate) fn resolve_path(&self, path: &str) -> Result<String, Skip> {
        let mut segments: Vec<String> = Vec::new();
        for segment in path.split('/') {
            match (segment.strip_prefix('$'), segments.last()) {
                (Some(index), Some(resource))
                    if index.chars().all(|c| c.is_ascii_digit()) && !index.is_empty() =>
                {
                    let kind = Kind::parse(resource).ok_or_else(|| {
                        format!("path placeholder {resource}/${index} (not modeled)")
                    })?;
                    let i: usize = index.parse().map_err(|_| format!("path ${index}"))?;
                    let entity = self
                        .all(kind)
                        .get(i)
                        .ok_or_else(|| format!("{resource}/${i} of {}", self.all(kind).len()))?;
                    segments.push(entity.id.clone());
                }
                (Some(other), _) if !other.contains('.') && !other.contains('[') => {
                    return Err(format!("path placeholder ${other}"));
                }
                _ => segments.push(segment.to_owned()),
            }
        }
        self.resolve(&segments.join("/"))
    }
}
