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
    let mut page: Option<PageToken> = None;
    let mut seen: Vec<PageToken> = Vec::new();
    loop {
        let mut request = ListRequest::new().page_size(PAGE_SIZE);
        if let Some(token) = page.take() {
            request = request.page(token);
        }
        let answer = provider.list(request).await?;
        progress.show(items.len() + answer.items.len(), answer.total);
        let empty = answer.items.is_empty();
        items.extend(answer.items);
        match answer.next {
            None => break,
            // A provider that offers the same page again (or an empty one and more) would loop.
            Some(next) if empty || seen.contains(&next) => {
                return Err(LicenseError::decode(format!(
                    "the provider offered page {} again; stopping the walk",
                    output::token_text(&next)
                )));
            }
            Some(next) => {
                seen.push(next.clone());
                page = Some(next);
            }
        }
    }
    progress.finish();
    Ok(items)
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

/// The CSV header.
pub(crate) fn csv_header(include_key: bool) -> String {
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
    columns.join(",")
}

/// One license as a CSV row, in [`csv_header`]'s order.
pub(crate) fn csv_row(license: &LicenseKey, include_key: bool) -> String {
    let text = |v: Option<String>| v.unwrap_or_default();
    let mut cells = vec![
        license.provider.as_str().to_owned(),
        license.id.clone(),
        text(license.key.as_ref().map(|k| k.last4())),
        license.status.as_str().to_owned(),
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
        cells.push(text(license.key.as_ref().map(|k| k.expose().to_owned())));
    }
    cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",")
}

/// A CSV cell, quoted when it holds a comma, a quote or a line break (RFC 4180). A cell that a
/// spreadsheet would take for a formula (`=`, `+`, `-`, `@`) is prefixed with `'`.
fn csv_cell(cell: &str) -> String {
    let cell = if cell.starts_with(['=', '+', '@']) || (cell.starts_with('-') && cell.len() > 1) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
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

    /// A writer into a buffer the test keeps.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

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
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text, "\r100/250 licenses\r200/250 licenses\n");
        // Silent when not a terminal.
        let mut silent = Progress {
            sink: None,
            drawn: false,
        };
        silent.show(1, None);
        silent.finish();
    }

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("-"), "-");
    }

    #[test]
    fn rows_match_the_header_and_keys_only_when_asked() {
        let mut l = LicenseKey::new(Provider::Dodo, "lic_1", LicenseStatus::Active);
        l.key = Some(SecretLicenseKey::new("CANARY-KEY-ZZZZ"));
        l.activation_limit = Some(3);
        let header = csv_header(false);
        let row = csv_row(&l, false);
        assert_eq!(header.split(',').count(), row.split(',').count());
        assert!(!row.contains("CANARY") && row.contains("ZZZZ"));
        assert!(csv_row(&l, true).ends_with(",CANARY-KEY-ZZZZ"));
        assert!(!export_json(&l, false).to_string().contains("CANARY"));
        assert_eq!(export_json(&l, true)["key"], "CANARY-KEY-ZZZZ");
    }
}
