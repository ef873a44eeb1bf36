//! Every license of a provider: `list --all`, `export` and the migration's read walk every page,
//! with a progress count on standard error when it is a terminal (nothing when it is not).

use std::io::{IsTerminal, Write};

use keyward_core::{LicenseAdmin, LicenseError, LicenseKey, ListRequest, PageToken};
use serde_json::{Value, json};

use crate::output;

/// Licenses per page asked for (providers cap it themselves; Lemon Squeezy and Dodo take 100).
const PAGE_SIZE: u32 = 100;

/// Every license of `provider`, page after page.
pub(crate) async fn all(provider: &dyn LicenseAdmin) -> Result<Vec<LicenseKey>, LicenseError> {
    let mut progress = Progress::on_stderr();
    let mut items = Vec::new();
    let mut walk = Walk::new(provider);
    while let Some(page) = walk.next_page().await? {
        progress.show(items.len() + page.len(), walk.total());
        items.extend(page);
    }
    progress.finish();
    Ok(items)
}

/// A walk through every page of a provider's licenses, one page held at a time: what reads
/// tens of thousands of licenses in constant memory.
pub(crate) struct Walk<'a> {
    provider: &'a dyn LicenseAdmin,
    page: Option<PageToken>,
    seen: Vec<PageToken>,
    total: Option<u64>,
    done: bool,
}

impl<'a> Walk<'a> {
    /// A walk from the first page.
    pub(crate) fn new(provider: &'a dyn LicenseAdmin) -> Self {
        Self {
            provider,
            page: None,
            seen: Vec::new(),
            total: None,
            done: false,
        }
    }

    /// How many licenses the provider said it holds, when it says.
    pub(crate) fn total(&self) -> Option<u64> {
        self.total
    }

    /// The next page; `None` after the last.
    pub(crate) async fn next_page(&mut self) -> Result<Option<Vec<LicenseKey>>, LicenseError> {
        if self.done {
            return Ok(None);
        }
        let mut request = ListRequest::new().page_size(PAGE_SIZE);
        if let Some(token) = self.page.take() {
            request = request.page(token);
        }
        let answer = self.provider.list(request).await?;
        self.total = answer.total.or(self.total);
        match answer.next {
            None => self.done = true,
            // A provider that offers the same page again (or an empty one and more) would loop.
            Some(next) if answer.items.is_empty() || self.seen.contains(&next) => {
                return Err(LicenseError::decode(format!(
                    "the provider offered page {} again; stopping the walk",
                    output::token_text(&next)
                )));
            }
            Some(next) => {
                self.seen.push(next.clone());
                self.page = Some(next);
            }
        }
        Ok(Some(answer.items))
    }
}

/// One license for export: the `list --json` fields, plus the key with `include_key`.
pub(crate) fn export_json(license: &LicenseKey, include_key: bool) -> Value {
    let mut value = output::license_json(license);
    if include_key && let Some(object) = value.as_object_mut() {
        object.insert(
            "key".into(),
            json!(license.key.as_ref().map(|k| k.expose().to_owned())),
        );
    }
    value
}

/// The CSV columns, in order; `key` last, and only with `include_key`.
fn csv_header(include_key: bool) -> Vec<&'static str> {
    let mut columns = vec![
        "provider",
        "id",
        "key_last4",
        "status",
        "customer_id",
        "customer_email",
        "product_id",
        "variant_id",
        "activation_limit",
        "activations",
        "expires_at",
        "created_at",
    ];
    if include_key {
        columns.push("key");
    }
    columns
}

/// One license as CSV cells, in [`csv_header`]'s order. Every cell but the key goes through
/// [`defused`]; the key is written exactly as it is, so an export reads back byte for byte.
fn csv_row(license: &LicenseKey, include_key: bool) -> Vec<String> {
    let text = |v: Option<String>| defused(v.unwrap_or_default());
    let mut cells = vec![
        defused(license.provider.as_str().to_owned()),
        defused(license.id.clone()),
        text(license.key.as_ref().map(|k| k.last4())),
        defused(license.status.as_str().to_owned()),
        text(license.customer.id.clone()),
        text(license.customer.email.clone()),
        text(license.product.id.clone()),
        text(license.product.variant_id.clone()),
        text(license.activation_limit.map(|n| n.to_string())),
        text(license.activations.map(|n| n.to_string())),
        text(license.expires_at.map(|t| t.to_rfc3339())),
        text(license.created_at.map(|t| t.to_rfc3339())),
    ];
    if include_key {
        cells.push(
            license
                .key
                .as_ref()
                .map(|k| k.expose().to_owned())
                .unwrap_or_default(),
        );
    }
    cells
}

/// `licenses` as CSV with a header (RFC 4180 quoting, by the `csv` crate), without the last
/// line's terminator.
pub(crate) fn export_csv(
    licenses: &[LicenseKey],
    include_key: bool,
) -> Result<String, LicenseError> {
    let failed = |e: &dyn std::fmt::Display| LicenseError::decode(format!("writing CSV: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(csv_header(include_key))
        .map_err(|e| failed(&e))?;
    for license in licenses {
        writer
            .write_record(csv_row(license, include_key))
            .map_err(|e| failed(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| failed(&e))?;
    let text = String::from_utf8(bytes).map_err(|e| failed(&e))?;
    Ok(text.strip_suffix('\n').unwrap_or(&text).to_owned())
}

/// A cell a spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`, tab or
/// carriage return) with a `'` in front (OWASP's CSV-injection advice); any other unchanged.
fn defused(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// A count on standard error, redrawn in place; silent when standard error is not a terminal.
/// Its line is ended when it is dropped, so an error that stops a walk is printed on a line of
/// its own, not glued to the count.
pub(crate) struct Progress {
    sink: Option<Box<dyn Write + Send>>,
    drawn: bool,
}

impl Progress {
    /// Progress on standard error if it is a terminal.
    pub(crate) fn on_stderr() -> Self {
        let sink: Option<Box<dyn Write + Send>> = if std::io::stderr().is_terminal() {
            Some(Box::new(std::io::stderr()))
        } else {
            None
        };
        Self { sink, drawn: false }
    }

    /// Shows `done` (of `total`, when known).
    pub(crate) fn show(&mut self, done: usize, total: Option<u64>) {
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        let line = match total {
            Some(total) => format!("\r{done}/{total} licenses"),
            None => format!("\r{done} licenses"),
        };
        let _ = sink.write_all(line.as_bytes());
        let _ = sink.flush();
        self.drawn = true;
    }

    /// Ends the line.
    pub(crate) fn finish(&mut self) {
        if self.drawn
            && let Some(sink) = self.sink.as_mut()
        {
            let _ = writeln!(sink);
            let _ = sink.flush();
            self.drawn = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyward_core::{LicenseStatus, Provider, SecretLicenseKey};

    use crate::testing::Shared;

    #[test]
    fn a_walk_stopped_by_an_error_still_ends_the_progress_line() {
        let buffer = Shared::default();
        let mut progress = Progress {
            sink: Some(Box::new(buffer.clone())),
            drawn: false,
        };
        progress.show(100, Some(250));
        progress.show(200, Some(250));
        // An error returns early (`?`): the progress is dropped without `finish`.
        drop(progress);
        let text = buffer.text();
        assert_eq!(text, "\r100/250 licenses\r200/250 licenses\n");
        // Silent when not a terminal.
        let mut silent = Progress {
            sink: None,
            drawn: false,
        };
        silent.show(1, None);
        silent.finish();
    }

    /// The export parsed back with the `csv` crate's reader: header, then rows.
    fn read_back(text: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn cells_that_start_a_formula_are_defused_and_others_kept() {
        for (cell, written) in [
            ("plain", "plain"),
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(defused(cell.to_owned()), written, "{cell:?}");
        }
    }

    #[test]
    fn keys_round_trip_exactly_while_other_cells_are_quoted_and_defused() {
        let mut rows = Vec::new();
        for (i, key) in ["-ABC", "=1+1", "+CMD", "@SUM-KEY", "a,b\"c\"\nd"]
            .into_iter()
            .enumerate()
        {
            let mut l = LicenseKey::new(Provider::Dodo, format!("lic_{i}"), LicenseStatus::Active);
            l.key = Some(SecretLicenseKey::new(key));
            l.customer.email = Some("=HYPERLINK(\"http://x\",\"a,b\")".into());
            rows.push((key, l));
        }
        let licenses: Vec<LicenseKey> = rows.iter().map(|(_, l)| l.clone()).collect();
        let text = export_csv(&licenses, true).unwrap();
        assert!(!text.ends_with('\n'));
        let read = read_back(&text);
        assert_eq!(read[0], csv_header(true));
        assert_eq!(read.len(), rows.len() + 1);
        let key_column = read[0].iter().position(|c| c == "key").unwrap();
        let email_column = read[0].iter().position(|c| c == "customer_email").unwrap();
        for ((key, _), row) in rows.iter().zip(&read[1..]) {
            assert_eq!(row.len(), read[0].len());
            assert_eq!(row[key_column], *key, "the key, byte for byte");
            assert_eq!(row[email_column], "'=HYPERLINK(\"http://x\",\"a,b\")");
        }
    }

    #[test]
    fn rows_match_the_header_and_keys_only_when_asked() {
        let mut l = LicenseKey::new(Provider::Dodo, "lic_1", LicenseStatus::Active);
        l.key = Some(SecretLicenseKey::new("CANARY-KEY-ZZZZ"));
        l.activation_limit = Some(3);
        let without = export_csv(std::slice::from_ref(&l), false).unwrap();
        let rows = read_back(&without);
        assert_eq!(rows[0].len(), rows[1].len());
        assert!(!without.contains("CANARY") && without.contains("ZZZZ"));
        let with = read_back(&export_csv(std::slice::from_ref(&l), true).unwrap());
        assert_eq!(with[0].last().unwrap(), "key");
        assert_eq!(with[1].last().unwrap(), "CANARY-KEY-ZZZZ");
        assert!(!export_json(&l, false).to_string().contains("CANARY"));
        assert_eq!(export_json(&l, true)["key"], "CANARY-KEY-ZZZZ");
    }
}
