//! The commands that change licenses: create, import, update, disable, enable. Keys come from a
//! file or standard input, never the command line.

use std::io::{BufRead, Read};

use chrono::{DateTime, Utc};
use keyward_core::{
    CreateRequest, ErrorKind, LicenseAdmin, LicenseError, LicenseKey, Patch, Provider,
    SecretLicenseKey, UpdateRequest,
};

use crate::cli::CreateArgs;

/// Creates a license (`import`: the key is required).
pub(crate) async fn create(
    provider: &dyn LicenseAdmin,
    args: CreateArgs,
    import: bool,
) -> Result<LicenseKey, LicenseError> {
    if let Some(e) = lacking(provider.provider(), import || args.key_file.is_some()) {
        return Err(e);
    }
    let key = match args.key_file.as_deref() {
        Some(path) => Some(read_key_file(path)?),
        None if import => {
            return Err(LicenseError::invalid_input(
                "import needs the key: --key-file <path>, or --key-file - to read standard input",
            ));
        }
        None => None,
    };
    let mut request = CreateRequest::default();
    request.key = key;
    request.product_id = args.product;
    request.customer_id = args.customer;
    request.title = args.title;
    request.activation_limit = args.limit;
    request.expires_at = args.expires_at.as_deref().map(parse_time).transpose()?;
    provider.create(request).await
}

/// The command a provider lacks although it can create licenses: DevPayr generates every key and
/// cannot import one; Dodo and GetKeyManager take only keys given to them and generate none.
/// Said as "not supported" (exit code 2, in words a script can look for), with what to use instead.
fn lacking(provider: Provider, with_key: bool) -> Option<LicenseError> {
    let (operation, message) = match (provider, with_key) {
        (provider, true) if !imports_keys(provider) => (
            "import",
            "devpayr generates its license keys and cannot import one: use create without \
             --key-file",
        ),
        (Provider::Dodo | Provider::SignedLicense, false) => (
            "create",
            "it creates a license only from a key given to it: use import --key-file",
        ),
        _ => return None,
    };
    Some(
        LicenseError::new(ErrorKind::Unsupported, message)
            .with_provider(provider.as_str())
            .with_operation(operation),
    )
}

/// Whether a provider that creates licenses can take the key text from us: DevPayr generates
/// every key itself.
pub(crate) fn imports_keys(provider: Provider) -> bool {
    provider != Provider::DevPayr
}

/// Changes the limit and expiry of license `id`.
pub(crate) async fn update(
    provider: &dyn LicenseAdmin,
    id: String,
    limit: Option<u32>,
    unlimited: bool,
    expires_at: Option<String>,
    never_expires: bool,
) -> Result<LicenseKey, LicenseError> {
    let mut request = UpdateRequest::new(id);
    request.activation_limit = match (limit, unlimited) {
        (Some(n), _) => Patch::Set(n),
        (None, true) => Patch::Clear,
        (None, false) => Patch::Keep,
    };
    request.expires_at = match (expires_at, never_expires) {
        (Some(at), _) => Patch::Set(parse_time(&at)?),
        (None, true) => Patch::Clear,
        (None, false) => Patch::Keep,
    };
    if request.activation_limit.is_keep() && request.expires_at.is_keep() {
        return Err(LicenseError::invalid_input(
            "nothing to change: give --limit, --unlimited, --expires-at or --never-expires",
        ));
    }
    provider.update(request).await
}

/// Disables (`true`) or enables (`false`) license `id`.
pub(crate) async fn set_disabled(
    provider: &dyn LicenseAdmin,
    id: String,
    disabled: bool,
) -> Result<LicenseKey, LicenseError> {
    let mut request = UpdateRequest::new(id);
    request.disabled = Some(disabled);
    provider.update(request).await
}

/// An RFC 3339 time.
fn parse_time(text: &str) -> Result<DateTime<Utc>, LicenseError> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            LicenseError::invalid_input(format!(
                "`{text}` is not an RFC 3339 time (like 2027-01-31T00:00:00Z)"
            ))
            .with_source(e)
        })
}

/// The first line of `path` (`-`: standard input) as a key.
fn read_key_file(path: &str) -> Result<SecretLicenseKey, LicenseError> {
    let mut line = String::new();
    let read = if path == "-" {
        std::io::stdin().lock().read_line(&mut line).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|file| {
            // A key is short: read at most 4 KiB, so a wrong path to a huge file costs nothing.
            std::io::BufReader::new(file.take(4096))
                .read_line(&mut line)
                .map(|_| ())
        })
    };
    read.map_err(|e| {
        LicenseError::invalid_input(format!("could not read the license key from {path}"))
            .with_source(e)
    })?;
    let key = SecretLicenseKey::new(line);
    if key.is_empty() {
        return Err(LicenseError::invalid_input(format!(
            "no license key in {path}"
        )));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_a_provider_lacks_are_unsupported() {
        let e = lacking(Provider::DevPayr, true).unwrap();
        assert!(
            e.is_unsupported() && e.to_string().contains("cannot import"),
            "{e}"
        );
        assert!(lacking(Provider::DevPayr, false).is_none());
        for p in [Provider::Dodo, Provider::SignedLicense] {
            assert!(lacking(p, false).unwrap().is_unsupported());
            assert!(lacking(p, true).is_none());
        }
        // Lemon Squeezy's facade says itself that it cannot create.
        assert!(lacking(Provider::LemonSqueezy, false).is_none());
    }

    #[test]
    fn times_are_rfc3339() {
        assert!(parse_time("2027-01-31T00:00:00Z").is_ok());
        assert!(parse_time("2027-01-31").unwrap_err().is_invalid_input());
    }

    #[test]
    fn a_key_file_gives_its_first_line_and_an_empty_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.txt");
        std::fs::write(&path, "KEY-AAAA-BBBB\nsecond line\n").unwrap();
        let key = read_key_file(path.to_str().unwrap()).unwrap();
        assert_eq!(key.last4(), "BBBB");
        std::fs::write(&path, "\n").unwrap();
        assert!(
            read_key_file(path.to_str().unwrap())
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(
            read_key_file("/no/such/file")
                .unwrap_err()
                .is_invalid_input()
        );
    }
}
