//! `licensectl emulate` as a user runs it: a real child process, its printed URLs and
//! environment lines, driven by the CLI itself and by plain HTTP requests to the providers and
//! the control API; a taken port, a malformed seed file, and SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::time::Duration;

use serde_json::{Value, json};
use support::emulate::start;
use support::{args, run, text};
use tempfile::TempDir;

const DEMO_KEY: &str = "DEMO-7F3A-41C2-9B8E-5D60";

#[tokio::test]
async fn the_demo_seed_serves_the_cli_on_every_provider() {
    let emu = start(&[]);
    for var in [
        "DODO_PAYMENTS_BASE_URL",
        "LEMONSQUEEZY_BASE_URL",
        "POLAR_BASE_URL",
        "CREEM_BASE_URL",
        "GUMROAD_BASE_URL",
        "DEVPAYR_BASE_URL",
        "GETKEYMANAGER_BASE_URL",
    ] {
        assert!(emu.var(var).starts_with("http://127.0.0.1:"), "{var}");
    }
    let pem = std::fs::read_to_string(emu.var("GETKEYMANAGER_PUBLIC_KEY_FILE")).unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");

    // Dodo: validate, activate up to the limit of 2, then refused (exit 1).
    let dodo = ["--provider", "dodo"];
    emu.expect(0, &[&dodo[..], &["validate", "-"]].concat(), Some(DEMO_KEY))
        .await;
    for (code, machine) in [(0, "m1"), (0, "m2"), (1, "m3")] {
        emu.expect(
            code,
            &[&dodo[..], &["activate", DEMO_KEY, machine]].concat(),
            None,
        )
        .await;
    }
    // An admin command: import a key from standard input, then it validates.
    let import = [
        "import",
        "--key-file",
        "-",
        "--product",
        "pdt_1",
        "--customer",
        "cus_1",
        "--limit",
        "1",
    ];
    emu.expect(0, &[&dodo[..], &import].concat(), Some("EMU-IMPORTED-0001"))
        .await;
    emu.expect(
        0,
        &[&dodo[..], &["validate", "EMU-IMPORTED-0001"]].concat(),
        None,
    )
    .await;

    // Lemon Squeezy: one license listed, and it validates.
    let ls = ["--provider", "lemonsqueezy"];
    let out = emu
        .expect(0, &[&ls[..], &["--json", "list"]].concat(), None)
        .await;
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    emu.expect(0, &[&ls[..], &["validate", DEMO_KEY]].concat(), None)
        .await;

    // Polar (organization and token from the environment): activate to the limit, list.
    let polar = ["--provider", "polar"];
    for (code, machine) in [(0, "m1"), (0, "m2"), (1, "m3")] {
        let args = [&polar[..], &["activate", DEMO_KEY, machine]].concat();
        emu.expect(code, &args, None).await;
    }
    let out = emu
        .expect(0, &[&polar[..], &["--json", "list"]].concat(), None)
        .await;
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");

    // Creem (the secret key from the environment): activate to the limit of 2.
    let creem = ["--provider", "creem"];
    for (code, machine) in [(0, "m1"), (0, "m2"), (1, "m3")] {
        let args = [&creem[..], &["activate", DEMO_KEY, machine]].concat();
        emu.expect(code, &args, None).await;
    }

    // Gumroad (product and OAuth token from the environment): validate, disable, enable; the
    // key, which is also Gumroad's license id, read from standard input (`-`).
    let gumroad = ["--provider", "gumroad"];
    for (code, command) in [
        (0, "validate"),
        (0, "disable"),
        (1, "validate"),
        (0, "enable"),
        (0, "validate"),
    ] {
        let args = [&gumroad[..], &[command, "-"]].concat();
        emu.expect(code, &args, Some(DEMO_KEY)).await;
    }

    // DevPayr (project and key from the environment) and GetKeyManager (signed answers,
    // checked against the printed public key file).
    let devpayr_key = emu
        .printed
        .lines()
        .find(|l| l.trim_start().starts_with("devpayr") && l.contains("app.example.com"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap()
        .to_owned();
    let devpayr = ["--provider", "devpayr", "validate", &devpayr_key];
    emu.expect(
        0,
        &[&devpayr[..], &["--instance-name", "app.example.com"]].concat(),
        None,
    )
    .await;
    let gkm = ["--provider", "signed-license"];
    emu.expect(
        0,
        &[&gkm[..], &["activate", DEMO_KEY, "laptop"]].concat(),
        None,
    )
    .await;
    emu.expect(
        1,
        &[
            &gkm[..],
            &["validate", "NO-SUCH-KEY-0000", "--instance-name", "laptop"],
        ]
        .concat(),
        None,
    )
    .await;

    // The control API: dump shows what the CLI did; reset undoes it.
    let dump = emu.dump().await;
    for provider in [
        "dodo",
        "lemonsqueezy",
        "devpayr",
        "signed-license",
        "gumroad",
    ] {
        assert!(dump[provider]["state"].is_object(), "{provider}: {dump}");
    }
    // Three validates at Gumroad spent no use.
    let gumroad_license = &dump["gumroad"]["state"]["licenses"][0];
    assert_eq!(gumroad_license["uses"], 0, "{gumroad_license}");
    assert!(dump["dodo"].to_string().contains("EMU-IMPORTED-0001"));
    let reset = emu.control("dodo/reset", json!({})).await;
    assert_eq!(reset["applied_to"], json!(["dodo"]));
    assert!(
        !emu.dump().await["dodo"]
            .to_string()
            .contains("EMU-IMPORTED-0001")
    );
    emu.expect(
        1,
        &[&dodo[..], &["validate", "EMU-IMPORTED-0001"]].concat(),
        None,
    )
    .await;
    // The two activations are undone too: the key activates again.
    emu.expect(
        0,
        &[&dodo[..], &["activate", DEMO_KEY, "m4"]].concat(),
        None,
    )
    .await;
}

#[tokio::test]
async fn a_seed_file_the_clock_and_outages() {
    let dir = TempDir::new().unwrap();
    let seed = support::in_dir(&dir, "seed.json");
    std::fs::write(
        &seed,
        r#"{
  "now": "2026-01-01T00:00:00Z",
  "dodo": {"api_key": "seeded_dodo_key", "licenses": [
    {"key": "SEED-DODO-0001", "activation_limit": 1, "expires_at": "2026-06-01T00:00:00Z"}
  ]},
  "lemonsqueezy": {"licenses": [{"key": "SEED-LS-0001", "unlimited": true}]},
  "gumroad": {"api_key": "seeded_gumroad_token", "licenses": [
    {"key": "SEED-GUM-0001", "product_id": "seeded-product==", "uses": 4},
    {"key": "SEED-GUM-0002", "product_id": "seeded-product==", "refunded": true}
  ]}
}"#,
    )
    .unwrap();
    let emu = start(&["--seed", &seed]);
    assert_eq!(emu.var("DODO_PAYMENTS_API_KEY"), "seeded_dodo_key");
    assert!(emu.printed.contains("SEED-DODO-0001"), "{}", emu.printed);
    let validate = ["--provider", "dodo", "validate", "SEED-DODO-0001"];
    emu.expect(0, &validate, None).await;
    // Gumroad: the seed's token and product are printed; a refunded purchase does not validate.
    assert_eq!(emu.var("GUMROAD_ACCESS_TOKEN"), "seeded_gumroad_token");
    assert_eq!(emu.var("GUMROAD_PRODUCT_ID"), "seeded-product==");
    let gumroad = ["--provider", "gumroad", "validate"];
    emu.expect(0, &[&gumroad[..], &["SEED-GUM-0001"]].concat(), None)
        .await;
    emu.expect(1, &[&gumroad[..], &["SEED-GUM-0002"]].concat(), None)
        .await;

    // Past the expiry, then back before it.
    let moved = emu
        .control("dodo/clock", json!({"advance_seconds": 200 * 86_400}))
        .await;
    assert!(
        moved["now"]["dodo"]
            .as_str()
            .unwrap()
            .starts_with("2026-07-20"),
        "{moved}"
    );
    emu.expect(1, &validate, None).await;
    emu.control("clock", json!({"now": "2026-02-01T00:00:00Z"}))
        .await;
    emu.expect(0, &validate, None).await;
    // A bad body names what is wrong.
    let answer = reqwest::Client::new()
        .post(format!("{}clock", emu.control))
        .json(&json!({"advance_seconds": "soon"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    assert!(answer.text().await.unwrap().contains("advance_seconds"));

    // Outages on Lemon Squeezy only: a status, then refused connections, then back.
    let ls = emu.var("LEMONSQUEEZY_BASE_URL");
    let activate = format!("{ls}/v1/licenses/activate");
    let post = || {
        reqwest::Client::new()
            .post(&activate)
            .form(&[("license_key", "SEED-LS-0001"), ("instance_name", "box")])
            .timeout(Duration::from_secs(5))
            .send()
    };
    assert_eq!(post().await.unwrap().status(), 200);
    emu.control(
        "lemonsqueezy/outage",
        json!({"mode": "status", "status": 503}),
    )
    .await;
    assert_eq!(post().await.unwrap().status(), 503);
    emu.control(
        "lemonsqueezy/outage",
        json!({"mode": "rate-limit", "retry_after": 7}),
    )
    .await;
    let limited = post().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "7");
    emu.control("lemonsqueezy/outage", json!({"mode": "refuse"}))
        .await;
    assert!(post().await.unwrap_err().is_connect());
    // Dodo is untouched, and the CLI sees Lemon Squeezy's outage as an error (exit 2).
    emu.expect(0, &validate, None).await;
    emu.expect(
        2,
        &["--provider", "lemonsqueezy", "validate", "SEED-LS-0001"],
        None,
    )
    .await;
    emu.control("lemonsqueezy/restore", json!({})).await;
    assert_eq!(post().await.unwrap().status(), 200);
    // A fault: every second activation answered 429 with Retry-After, the others served.
    emu.control(
        "lemonsqueezy/fault",
        json!({"method": "POST", "path": "/v1/licenses/activate", "every": 2, "status": 429,
               "retry_after": 3}),
    )
    .await;
    assert_eq!(post().await.unwrap().status(), 200);
    let faulted = post().await.unwrap();
    assert_eq!(faulted.status(), 429);
    assert_eq!(faulted.headers()["retry-after"], "3");
    emu.control("lemonsqueezy/restore", json!({})).await;
    emu.expect(
        0,
        &["--provider", "lemonsqueezy", "validate", "SEED-LS-0001"],
        None,
    )
    .await;
}

/// Runs `licensectl emulate <extra>` expecting it to fail at start; its standard error.
async fn fails(extra: &[&str]) -> String {
    let mut a = vec!["emulate"];
    a.extend_from_slice(extra);
    let out = run(args(&a), vec![], None).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let e = fails(&["--lemonsqueezy-port", &port]).await;
    assert!(
        e.contains(&format!("port {port} (lemonsqueezy) is already in use")),
        "{e}"
    );
    let e = fails(&["--control-port", &port]).await;
    assert!(e.contains(&format!("port {port} (control API)")), "{e}");
}

#[tokio::test]
async fn a_malformed_seed_file_names_the_json_path_and_line() {
    let dir = TempDir::new().unwrap();
    let seed = support::in_dir(&dir, "seed.json");
    std::fs::write(
        &seed,
        "{\"dodo\": {\"licenses\": [\n  {\"key\": \"K-1\"},\n  {\"key\": \"K-2\", \"activation_limit\": \"CANARY-SECRET\"}\n]}}",
    )
    .unwrap();
    let e = fails(&["--seed", &seed]).await;
    assert!(e.contains("dodo.licenses[1].activation_limit"), "{e}");
    assert!(e.contains("line 3"), "{e}");
    assert!(!e.contains("CANARY-SECRET"), "{e}");
    std::fs::write(&seed, "{\"signed-license\": {\"licences\": []}}").unwrap();
    let e = fails(&["--seed", &seed]).await;
    assert!(e.contains("unknown field `licences`"), "{e}");
}

#[tokio::test]
async fn sigterm_and_ctrl_c_stop_it_cleanly() {
    for signal in ["-TERM", "-INT"] {
        stops_cleanly(signal).await;
    }
}

async fn stops_cleanly(signal: &str) {
    let mut emu = start(&[]);
    let pem = emu.var("GETKEYMANAGER_PUBLIC_KEY_FILE");
    let dodo = emu.var("DODO_PAYMENTS_BASE_URL");
    assert!(std::path::Path::new(&pem).exists());
    emu.stop(signal);
    // Its temporary public key file is gone.
    assert!(!std::path::Path::new(&pem).exists());
    assert!(reqwest::get(&dodo).await.unwrap_err().is_connect());
}
