//! The admin commands (create, import, update, disable, enable, list --all, export), run as a user
//! runs them, against every provider's emulator; "not supported by <provider>" (exit 2) where the
//! provider lacks the operation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use keyward_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_PROJECT};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use keyward_emulator::signed_license::{LicenseSeed as GkmSeed, SignedLicenseEmulator};
use support::admin::{Cli, csv_column, not_supported};
use support::text;
use tempfile::TempDir;

#[tokio::test(flavor = "multi_thread")]
async fn a_csv_export_gives_back_keys_that_look_like_formulas_exactly() {
    let keys = [
        "-ABC-FORMULA-KEY",
        "=1+1",
        "+SUM(A1)",
        "@KEY,WITH\"QUOTES\"",
    ];
    let dodo = DodoEmulator::start().await;
    for key in keys {
        dodo.add_license(DodoSeed::new(key).customer("=cus_formula", "a@example.com", "A"));
    }
    let mut cli = Cli::new(
        &["--provider", "dodo", "--base-url", &dodo.uri()],
        &[("DODO_PAYMENTS_API_KEY", dodo.api_key())],
    );
    let out = cli
        .expect(0, &["export", "--format", "csv", "--include-keys"], None)
        .await;
    // The key cells are the keys, byte for byte, ready to import again.
    let mut exported = csv_column(&out.stdout, "key");
    exported.sort();
    let mut seeded = keys.map(str::to_owned).to_vec();
    seeded.sort();
    assert_eq!(exported, seeded);
    // Any other cell a spreadsheet would run as a formula is defused.
    assert_eq!(
        csv_column(&out.stdout, "customer_id"),
        vec!["'=cus_formula"; keys.len()]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dodo_imports_updates_disables_enables_lists_and_exports() {
    const KEY: &str = "DODO-IMPORTED-SECRET-0001";
    let dodo = DodoEmulator::start().await;
    for i in 0..150 {
        dodo.add_license(DodoSeed::new(format!("DODO-SEEDED-SECRET-{i:04}")));
    }
    let mut cli = Cli::new(
        &["--provider", "dodo", "--base-url", &dodo.uri()],
        &[("DODO_PAYMENTS_API_KEY", dodo.api_key())],
    );

    // The key comes from standard input, never the command line.
    let import = [
        "import",
        "--key-file",
        "-",
        "--product",
        "pdt_1",
        "--customer",
        "cus_1",
        "--limit",
        "2",
        "--expires-at",
        "2030-01-31T00:00:00Z",
    ];
    let created = cli.json(&import, Some(&format!("{KEY}\n"))).await;
    assert_eq!(created["key_last4"], "0001");
    assert_eq!(created["activation_limit"], 2);
    let id = created["id"].as_str().unwrap().to_owned();
    // The same key again: Dodo's 409.
    let out = cli.expect(2, &import, Some(KEY)).await;
    assert!(text(&out).contains("409"), "{}", text(&out));
    // No key, or no customer: refused before anything is sent.
    cli.expect(
        2,
        &["import", "--product", "pdt_1", "--customer", "c"],
        None,
    )
    .await;
    // Dodo generates no keys: `create` without one is not supported, and says what to use.
    let out = cli.run(&["create", "--product", "pdt_1"], None).await;
    not_supported(&out, "dodo");
    assert!(text(&out).contains("use import"), "{}", text(&out));

    cli.limit_then_unlimited(&id).await;
    let updated = cli
        .json(
            &["update", &id, "--expires-at", "2031-02-01T00:00:00Z"],
            None,
        )
        .await;
    assert!(
        updated["expires_at"]
            .as_str()
            .unwrap()
            .starts_with("2031-02-01")
    );
    cli.expect(2, &["update", &id], None).await;
    cli.expect(2, &["update", &id, "--expires-at", "tomorrow"], None)
        .await;

    cli.json(&["disable", &id], None).await;
    cli.expect(1, &["validate", "-"], Some(KEY)).await;
    cli.json(&["enable", &id], None).await;
    cli.expect(0, &["validate", "-"], Some(KEY)).await;
    cli.disable_enable(&id).await;

    assert_eq!(cli.all().await.len(), 151);
    cli.exports(151, KEY).await;
    cli.assert_no_secret(&[&dodo.api_key()]);
    assert!(!cli.printed.contains("SEEDED-SECRET"));
}

#[tokio::test(flavor = "multi_thread")]
async fn lemon_squeezy_updates_disables_enables_lists_and_exports_but_cannot_create() {
    const KEY: &str = "LS-SECRET-KEY-0042";
    let ls = LemonSqueezyEmulator::start().await;
    let id = ls.add_license(LemonSeed::new(KEY)).to_string();
    for i in 0..120 {
        ls.add_license(LemonSeed::new(format!("LS-SEEDED-SECRET-{i:04}")));
    }
    let mut cli = Cli::new(
        &["--provider", "lemonsqueezy", "--base-url", &ls.uri()],
        &[("LEMONSQUEEZY_API_KEY", ls.api_key())],
    );
    let out = cli.run(&["import", "--key-file", "-"], Some(KEY)).await;
    not_supported(&out, "lemonsqueezy");
    let out = cli.run(&["create"], None).await;
    not_supported(&out, "lemonsqueezy");

    let updated = cli.json(&["update", &id, "--limit", "7"], None).await;
    assert_eq!(updated["activation_limit"], 7);
    let updated = cli
        .json(
            &[
                "update",
                &id,
                "--unlimited",
                "--expires-at",
                "2030-01-01T00:00:00Z",
            ],
            None,
        )
        .await;
    assert!(updated["activation_limit"].is_null());
    assert!(
        updated["expires_at"]
            .as_str()
            .unwrap()
            .starts_with("2030-01-01")
    );
    cli.disable_enable(&id).await;

    assert_eq!(cli.all().await.len(), 121);
    cli.exports(121, KEY).await;
    cli.assert_no_secret(&[&ls.api_key()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn devpayr_creates_disables_enables_lists_and_exports_but_cannot_import_or_change_limits() {
    let devpayr = DevPayrEmulator::start_seeded().await;
    let project = SEED_PROJECT.to_string();
    let mut cli = Cli::new(
        &[
            "--provider",
            "devpayr",
            "--base-url",
            &devpayr.uri(),
            "--project",
            &project,
        ],
        &[("DEVPAYR_API_KEY", GLOBAL_KEY.to_owned())],
    );
    let before = cli.all().await.len();
    let created = cli
        .json(&["create", "--title", "Pro plan", "--limit", "3"], None)
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let secret = devpayr.license_key(id.parse().unwrap()).unwrap();
    assert_eq!(created["key_last4"], secret[secret.len() - 4..]);

    let out = cli
        .run(
            &["import", "--key-file", "-", "--title", "x"],
            Some("K-1234"),
        )
        .await;
    not_supported(&out, "devpayr");
    assert!(text(&out).contains("cannot import"), "{}", text(&out));
    let out = cli.run(&["update", &id, "--limit", "5"], None).await;
    not_supported(&out, "devpayr");
    let out = cli.run(&["instances", &id], None).await;
    not_supported(&out, "devpayr");

    cli.disable_enable(&id).await;
    assert_eq!(cli.all().await.len(), before + 1);
    cli.exports(before + 1, &secret).await;
    cli.assert_no_secret(&[&secret, GLOBAL_KEY]);
}

#[tokio::test(flavor = "multi_thread")]
async fn getkeymanager_imports_updates_disables_enables_lists_and_exports() {
    const KEY: &str = "GKM-IMPORTED-SECRET-7777";
    let gkm = SignedLicenseEmulator::start().await;
    gkm.add_license(
        GkmSeed::new("GKM-SEEDED-SECRET-0001")
            .unassigned()
            .product(1),
    );
    let dir = TempDir::new().unwrap();
    std::fs::write(support::in_dir(&dir, "public.pem"), gkm.public_key_pem()).unwrap();
    std::fs::write(support::in_dir(&dir, "key.txt"), format!("{KEY}\n")).unwrap();
    let mut cli = Cli::new(
        &["--provider", "signed-license", "--base-url", &gkm.uri()],
        &[
            ("GETKEYMANAGER_API_KEY", gkm.api_key()),
            (
                "GETKEYMANAGER_PUBLIC_KEY_FILE",
                support::in_dir(&dir, "public.pem"),
            ),
            ("GETKEYMANAGER_PRODUCT_ID", String::from("1")),
        ],
    );
    let created = cli
        .json(
            &[
                "import",
                "--key-file",
                &support::in_dir(&dir, "key.txt"),
                "--limit",
                "2",
            ],
            None,
        )
        .await;
    assert_eq!(created["key_last4"], "7777");
    let id = created["id"].as_str().unwrap().to_owned();
    let out = cli.run(&["create"], None).await;
    not_supported(&out, "signed-license");

    // An expiry date is not something GetKeyManager takes (a validity in days from assignment).
    let out = cli
        .run(
            &["update", &id, "--expires-at", "2030-01-01T00:00:00Z"],
            None,
        )
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("validity"), "{}", text(&out));
    // The limit and "never expires" (validity 0) go through `update-license-key`, which
    // replaces the whole key: what was not asked to change stays.
    let updated = cli.limit_then_unlimited(&id).await;
    assert_eq!(updated["key_last4"], "7777");
    cli.disable_enable(&id).await;

    assert_eq!(cli.all().await.len(), 2);
    cli.exports(2, KEY).await;
    cli.assert_no_secret(&[&gkm.api_key()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_with_no_licenses_exports_nothing_not_a_blank_line() {
    let ls = LemonSqueezyEmulator::start().await;
    let mut cli = Cli::new(
        &["--provider", "lemonsqueezy", "--base-url", &ls.uri()],
        &[("LEMONSQUEEZY_API_KEY", ls.api_key())],
    );
    // JSON Lines: zero lines (a blank line is not a JSON value a reader can parse).
    let out = cli.expect(0, &["export"], None).await;
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    let out = cli.expect(0, &["export", "--format", "csv"], None).await;
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        1,
        "the header only"
    );
    assert!(cli.all().await.is_empty());
}

/// Without the API key variable the admin role is out of reach: every admin command stops with
/// exit 2 naming the variable, before any request; the app-side commands still work.
#[tokio::test(flavor = "multi_thread")]
async fn admin_commands_without_the_api_key_stop_before_any_request() {
    let dodo = DodoEmulator::start().await;
    let id = dodo.add_license(DodoSeed::new("DODO-NO-ADMIN-KEY-0001"));
    let mut cli = Cli::new(&["--provider", "dodo", "--base-url", &dodo.uri()], &[]);
    let commands: [&[&str]; 7] = [
        &["get", &id],
        &["list"],
        &["list", "--all"],
        &["disable", &id],
        &["update", &id, "--limit", "3"],
        &["instances", &id],
        &["export"],
    ];
    for command in commands {
        let out = cli.expect(2, command, None).await;
        assert!(
            text(&out).contains("DODO_PAYMENTS_API_KEY"),
            "{command:?}: {}",
            text(&out)
        );
    }
    assert!(dodo.received_requests().await.is_empty());
    // The app side needs no admin key: an activation is sent and answered.
    let out = cli
        .expect(0, &["activate", "-", "box"], Some("DODO-NO-ADMIN-KEY-0001"))
        .await;
    assert!(text(&out).contains("activated"), "{}", text(&out));
}
