//! `licensectl emulate`: the providers' emulators as one long-lived process on loopback,
//! seeded from a file or with the demo's keys, a control API beside them, stopped by Ctrl-C or
//! SIGTERM.

mod control;
mod ports;
mod seed;
mod seed_apply;
mod seed_file;
mod webhooks;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyward_emulator::creem::CreemEmulator;
use keyward_emulator::devpayr::DevPayrEmulator;
use keyward_emulator::dodo::DodoEmulator;
use keyward_emulator::gumroad::GumroadEmulator;
use keyward_emulator::keygen::KeygenEmulator;
use keyward_emulator::lemonsqueezy::LemonSqueezyEmulator;
use keyward_emulator::polar::PolarEmulator;
use keyward_emulator::signed_license::SignedLicenseEmulator;
use keyward_emulator::{Emulator, Provider};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use self::ports::{Ports, port_error};
use crate::cli::EmulateArgs;

/// Runs until Ctrl-C or SIGTERM; `Err` is the message for an error that stops it (exit code 2).
pub(crate) async fn run(args: EmulateArgs, as_json: bool) -> Result<(), String> {
    let ports = Ports::from(&args);
    // Read the seed before binding anything: a bad file costs no port.
    let seed = match &args.seed {
        Some(path) => Some(seed_file::read(path)?),
        None => None,
    };
    let dodo: DodoEmulator = start(ports.dodo, "dodo", "--dodo-port").await?;
    let lemonsqueezy: LemonSqueezyEmulator =
        start(ports.lemonsqueezy, "lemonsqueezy", "--lemonsqueezy-port").await?;
    let polar: PolarEmulator = start(ports.polar, "polar", "--polar-port").await?;
    let creem: CreemEmulator = start(ports.creem, "creem", "--creem-port").await?;
    let gumroad: GumroadEmulator = start(ports.gumroad, "gumroad", "--gumroad-port").await?;
    let devpayr: DevPayrEmulator = start(ports.devpayr, "devpayr", "--devpayr-port").await?;
    let signed: SignedLicenseEmulator =
        start(ports.signed, "signed-license", "--signed-license-port").await?;
    let keygen: KeygenEmulator = start(ports.keygen, "keygen", "--keygen-port").await?;
    let targets = seed::Targets {
        dodo: &dodo,
        lemonsqueezy: &lemonsqueezy,
        polar: &polar,
        creem: &creem,
        gumroad: &gumroad,
        devpayr: &devpayr,
        signed: &signed,
        keygen: &keygen,
    };
    let seeded = match seed {
        Some(seed) => seed_apply::apply(&targets, seed)?,
        None => seed::demo(&targets)?,
    };
    let (pem_path, pem_dir) = match &args.public_key_file {
        Some(path) => (path.clone(), None),
        None => {
            let dir =
                std::env::temp_dir().join(format!("licensectl-emulate-{}", std::process::id()));
            (dir.join("getkeymanager-public-key.pem"), Some(dir))
        }
    };
    write_atomically(&pem_path, signed.public_key_pem())?;
    // After seeding: the seed's keys are the starting state, not events.
    let hooks = webhooks::apply(&args, &dodo, &lemonsqueezy)?;

    let dodo = Arc::new(dodo);
    let lemonsqueezy = Arc::new(lemonsqueezy);
    let polar = Arc::new(polar);
    let creem = Arc::new(creem);
    let gumroad = Arc::new(gumroad);
    let devpayr = Arc::new(devpayr);
    let signed = Arc::new(signed);
    let keygen = Arc::new(keygen);
    let named: control::Named = vec![
        ("dodo", dodo.clone()),
        ("lemonsqueezy", lemonsqueezy.clone()),
        ("polar", polar.clone()),
        ("creem", creem.clone()),
        ("gumroad", gumroad.clone()),
        ("devpayr", devpayr.clone()),
        ("signed-license", signed.clone()),
        ("keygen", keygen.clone()),
    ];
    let control = start_control(ports.control, control::Control { emulators: named }).await?;

    let env = [
        ("DODO_PAYMENTS_BASE_URL", dodo.uri()),
        ("DODO_PAYMENTS_API_KEY", dodo.api_key()),
        ("LEMONSQUEEZY_BASE_URL", lemonsqueezy.uri()),
        ("LEMONSQUEEZY_API_KEY", lemonsqueezy.api_key()),
        ("POLAR_BASE_URL", polar.uri()),
        ("POLAR_ACCESS_TOKEN", polar.api_key()),
        ("POLAR_ORGANIZATION_ID", polar.organization_id()),
        ("CREEM_BASE_URL", creem.uri()),
        ("CREEM_API_KEY", creem.api_key()),
        ("GUMROAD_BASE_URL", gumroad.uri()),
        ("GUMROAD_ACCESS_TOKEN", gumroad.api_key()),
        ("GUMROAD_PRODUCT_ID", seeded.gumroad_product.clone()),
        ("DEVPAYR_BASE_URL", devpayr.uri()),
        ("DEVPAYR_API_KEY", seeded.devpayr_key.clone()),
        ("DEVPAYR_PROJECT_ID", seeded.devpayr_project.to_string()),
        ("GETKEYMANAGER_BASE_URL", signed.uri()),
        ("GETKEYMANAGER_API_KEY", signed.api_key()),
        (
            "GETKEYMANAGER_PUBLIC_KEY_FILE",
            pem_path.display().to_string(),
        ),
        ("GETKEYMANAGER_PRODUCT_ID", String::from("1")),
        ("KEYGEN_BASE_URL", keygen.uri()),
        ("KEYGEN_ACCOUNT", keygen.account_id()),
        ("KEYGEN_PUBLIC_KEY", keygen.public_key_hex()),
        ("KEYGEN_TOKEN", keygen.api_key()),
    ];
    let control_url = format!("{}/_emulator/", control.uri());
    // Listen for the signals before saying "ready": a SIGTERM right after must stop us cleanly.
    let stop = stop_signal().map_err(|e| format!("cannot listen for signals: {e}"))?;
    let printout = if as_json {
        json!({
            "providers": {
                "dodo": dodo.uri(),
                "lemonsqueezy": lemonsqueezy.uri(),
                "polar": polar.uri(),
                "creem": creem.uri(),
                "gumroad": gumroad.uri(),
                "devpayr": devpayr.uri(),
                "signed-license": signed.uri(),
                "keygen": keygen.uri(),
            },
            "control": control_url,
            "keys": seeded.keys,
            "webhooks": hooks.iter().map(|(p, u)| (p.to_string(), json!(u))).collect::<serde_json::Map<_, _>>(),
            "env": env.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        })
        .to_string()
    } else {
        text(&env, &seeded.keys, &control_url, &hooks)
    };
    crate::out(&printout);
    stop.await;
    drop(control);
    if let Some(dir) = pem_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    crate::err("licensectl emulate: stopped");
    Ok(())
}

/// The text printout: URLs, test keys, environment lines, and a last line saying it is ready.
fn text(
    env: &[(&str, String)],
    keys: &[seed::TestKey],
    control: &str,
    hooks: &[(&str, String)],
) -> String {
    let mut s = String::from(
        "licensectl emulate: the license-provider emulators on loopback (test keys only)\n\n",
    );
    for (title, var) in [
        ("Dodo Payments", "DODO_PAYMENTS_BASE_URL"),
        ("Lemon Squeezy", "LEMONSQUEEZY_BASE_URL"),
        ("Polar", "POLAR_BASE_URL"),
        ("Creem", "CREEM_BASE_URL"),
        ("Gumroad", "GUMROAD_BASE_URL"),
        ("DevPayr", "DEVPAYR_BASE_URL"),
        ("GetKeyManager", "GETKEYMANAGER_BASE_URL"),
        ("Keygen", "KEYGEN_BASE_URL"),
    ] {
        let url = env.iter().find(|(k, _)| *k == var).map_or("", |(_, v)| v);
        let _ = writeln!(s, "  {title:<15} {url}");
    }
    let _ = writeln!(s, "  {:<15} {control}", "control API");
    for (provider, url) in hooks {
        let _ = writeln!(s, "  {:<15} {provider} webhooks to {url}", "webhooks");
    }
    s.push_str("\nTest license keys:\n");
    for k in keys {
        let _ = writeln!(s, "  {:<15} {}  ({})", k.provider, k.key, k.note);
    }
    s.push_str("\n# Paste into a shell (drop `export` for a .env file):\n");
    for (k, v) in env {
        let _ = writeln!(s, "export {k}={v}");
    }
    let example = keys.first().map_or("KEY", |k| k.key.as_str());
    let provider = keys.first().map_or("dodo", |k| k.provider);
    let _ = writeln!(
        s,
        "# then: licensectl --provider {provider} validate {example}"
    );
    s.push_str("# Ready. Ctrl-C or SIGTERM stops the emulators.");
    s
}

async fn start<P: Provider>(port: u16, what: &str, flag: &str) -> Result<Emulator<P>, String> {
    Emulator::<P>::start_on(port)
        .await
        .map_err(|e| port_error(port, what, flag, &e))
}

async fn start_control(port: u16, control: control::Control) -> Result<MockServer, String> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| port_error(port, "control API", "--control-port", &e))?;
    let server = MockServer::builder()
        .listener(listener)
        .disable_request_recording()
        .start()
        .await;
    Mock::given(any())
        .respond_with(control)
        .mount(&server)
        .await;
    Ok(server)
}

/// Writes `text` to `path` through a temporary file and a rename.
fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut tmp = PathBuf::from(path);
    tmp.as_mut_os_string().push(".tmp");
    std::fs::write(&tmp, text).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM; the handlers are installed when this returns.
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
