//! The commands, run through the one interface: `LicenseProvider` for what a key alone may do,
//! `LicenseAdmin` for what needs the admin credential.

use std::io::BufRead;
use std::sync::Arc;

use keyward_core::{
    ActivateRequest, DeactivateRequest, InstancesRequest, LicenseError, LicenseKey,
    LicenseProvider, ListRequest, PageToken, SecretLicenseKey, ValidateRequest,
};
use serde_json::Value;

use crate::cli::{Command, ExportFormat};
use crate::providers::Chosen;
use crate::{admin, listing, output};

/// What a command came to: printed output and whether the answer was a "yes".
pub(crate) struct Outcome {
    /// The text or JSON to print.
    pub text: String,
    /// `false` for an invalid license or a refused activation (exit code 1).
    pub affirmative: bool,
}

impl Outcome {
    pub(crate) fn yes(text: String) -> Self {
        Self {
            text,
            affirmative: true,
        }
    }
}

/// Runs one command against `chosen`, in the role the command needs.
pub(crate) async fn run(
    chosen: &Chosen,
    command: Command,
    json: bool,
) -> Result<Outcome, LicenseError> {
    let render = |value: Value, line: String| {
        if json {
            serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
        } else {
            line
        }
    };
    match command {
        Command::Demo => Err(LicenseError::invalid_input("the demo needs no provider")),
        Command::Capabilities => {
            // With the admin credential set, everything the provider has; else the app side.
            let provider: Arc<dyn LicenseProvider> = match chosen.admin() {
                Ok(admin) => admin,
                Err(_) => chosen.app().clone(),
            };
            let caps = provider.capabilities();
            Ok(Outcome::yes(render(
                output::capabilities_json(&caps),
                format!(
                    "{}: {}",
                    provider.provider().as_str(),
                    output::capabilities_line(&caps)
                ),
            )))
        }
        Command::Validate {
            key,
            instance_id,
            instance_name,
        } => {
            let mut request = ValidateRequest::new(read_key(&key)?);
            if let Some(id) = instance_id {
                request = request.instance_id(id);
            }
            if let Some(name) = instance_name {
                request = request.instance_name(name);
            }
            let outcome = chosen.app().validate(request).await?;
            Ok(Outcome {
                affirmative: outcome.is_valid(),
                text: render(
                    output::validation_json(&outcome),
                    output::validation_line(&outcome),
                ),
            })
        }
        Command::Activate { key, instance_name } => {
            let outcome = chosen
                .app()
                .activate(ActivateRequest::new(read_key(&key)?, instance_name))
                .await?;
            Ok(Outcome {
                affirmative: outcome.instance().is_some(),
                text: render(
                    output::activation_json(&outcome),
                    output::activation_line(&outcome),
                ),
            })
        }
        Command::Deactivate { key, instance_id } => {
            chosen
                .app()
                .deactivate(DeactivateRequest::new(read_key(&key)?, instance_id.clone()))
                .await?;
            Ok(Outcome::yes(render(
                serde_json::json!({ "deactivated": instance_id }),
                format!("deactivated: instance {instance_id}"),
            )))
        }
        Command::Get { id } => {
            let license = chosen.admin()?.get(&read_id(id)?).await?;
            Ok(Outcome::yes(render(
                output::license_json(&license),
                output::license_line(&license),
            )))
        }
        Command::List { all: true, .. } => {
            let items = listing::all(chosen.admin()?.as_ref()).await?;
            let value = serde_json::json!({
                "items": items.iter().map(output::license_json).collect::<Vec<_>>(),
                "total": items.len(),
            });
            let lines: Vec<String> = items.iter().map(output::license_line).collect();
            Ok(Outcome::yes(render(value, lines.join("\n"))))
        }
        Command::List {
            page, page_size, ..
        } => {
            let mut request = ListRequest::new();
            if let Some(page) = page {
                request = request.page(parse_page(&page));
            }
            if let Some(size) = page_size {
                request = request.page_size(size);
            }
            let page = chosen.admin()?.list(request).await?;
            let mut lines: Vec<String> = page.items.iter().map(output::license_line).collect();
            if let Some(next) = &page.next {
                lines.push(format!("next page: --page {}", output::token_text(next)));
            }
            Ok(Outcome::yes(render(
                output::page_json(&page, output::license_json),
                lines.join("\n"),
            )))
        }
        Command::Create(args) => license_outcome(
            admin::create(chosen.admin()?.as_ref(), args, false).await?,
            &render,
        ),
        Command::Import(args) => license_outcome(
            admin::create(chosen.admin()?.as_ref(), args, true).await?,
            &render,
        ),
        Command::Update {
            id,
            limit,
            unlimited,
            expires_at,
            never_expires,
        } => license_outcome(
            admin::update(
                chosen.admin()?.as_ref(),
                read_id(id)?,
                limit,
                unlimited,
                expires_at,
                never_expires,
            )
            .await?,
            &render,
        ),
        Command::Disable { id } => license_outcome(
            admin::set_disabled(chosen.admin()?.as_ref(), read_id(id)?, true).await?,
            &render,
        ),
        Command::Enable { id } => license_outcome(
            admin::set_disabled(chosen.admin()?.as_ref(), read_id(id)?, false).await?,
            &render,
        ),
        Command::Export {
            format,
            include_keys,
        } => {
            let items = listing::all(chosen.admin()?.as_ref()).await?;
            if include_keys {
                crate::err(
                    "licensectl: warning: the export holds full license keys; keep it as secret \
                     as the keys themselves",
                );
            }
            let mut lines = Vec::with_capacity(items.len() + 1);
            match format {
                ExportFormat::Jsonl => lines.extend(
                    items
                        .iter()
                        .map(|l| listing::export_json(l, include_keys).to_string()),
                ),
                ExportFormat::Csv => lines.push(listing::export_csv(&items, include_keys)?),
            }
            Ok(Outcome::yes(lines.join("\n")))
        }
        Command::Migrate(_) => Err(LicenseError::invalid_input(
            "migrate takes --from and --to, not --provider",
        )),
        Command::Emulate(_) => Err(LicenseError::invalid_input(
            "emulate runs every provider's emulator, not --provider",
        )),
        Command::Instances { license_id } => {
            let page = chosen
                .admin()?
                .instances(InstancesRequest::new(read_id(license_id)?))
                .await?;
            let lines: Vec<String> = page
                .items
                .iter()
                .map(|i| format!("{}  {}", i.id, i.name.as_deref().unwrap_or("")))
                .collect();
            Ok(Outcome::yes(render(
                output::page_json(&page, output::instance_json),
                lines.join("\n"),
            )))
        }
    }
}

/// A license as the answer of a command.
fn license_outcome(
    license: LicenseKey,
    render: &impl Fn(Value, String) -> String,
) -> Result<Outcome, LicenseError> {
    Ok(Outcome::yes(render(
        output::license_json(&license),
        output::license_line(&license),
    )))
}

/// A page argument: a number is a page number, anything else a cursor.
fn parse_page(page: &str) -> PageToken {
    page.parse::<u32>()
        .map(PageToken::Number)
        .unwrap_or_else(|_| PageToken::Cursor(page.to_owned()))
}

/// The license key argument, or standard input's first line for `-`.
fn read_key(arg: &str) -> Result<SecretLicenseKey, LicenseError> {
    let key = if arg == "-" {
        SecretLicenseKey::new(stdin_line("the license key")?)
    } else {
        SecretLicenseKey::new(arg)
    };
    if key.is_empty() {
        return Err(LicenseError::invalid_input("the license key is empty"));
    }
    Ok(key)
}

/// A license id argument, or standard input's first line for `-` (Gumroad's id is the license
/// key itself, which must stay out of the process list and the shell history).
fn read_id(arg: String) -> Result<String, LicenseError> {
    let id = if arg == "-" {
        stdin_line("the license id")?.trim().to_owned()
    } else {
        arg
    };
    if id.is_empty() {
        return Err(LicenseError::invalid_input("the license id is empty"));
    }
    Ok(id)
}

/// Standard input's first line (with its line ending).
fn stdin_line(what: &str) -> Result<String, LicenseError> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        LicenseError::invalid_input(format!("could not read {what} from standard input"))
            .with_source(e)
    })?;
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_arguments() {
        assert_eq!(parse_page("3"), PageToken::Number(3));
        assert_eq!(
            parse_page("eyJpZCI6M30"),
            PageToken::Cursor("eyJpZCI6M30".into())
        );
    }

    #[test]
    fn empty_keys_are_refused() {
        assert!(read_key("  ").unwrap_err().is_config());
    }
}
