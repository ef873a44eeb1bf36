//! The happy paths (and the invalid-license answers, which are `Ok`): every facade operation on
//! each emulator, each client's own calls, and a migration window over two providers.

use std::sync::Arc;

use keyward::{DodoProvider, LemonSqueezyProvider, MigrationWindow};
use keyward_core::{
    ActivateRequest, CreateRequest, DeactivateRequest, InstancesRequest, LicenseProvider,
    ListRequest, Patch, SecretLicenseKey, UpdateRequest, ValidateRequest,
};
use keyward_emulator::devpayr::SEED_PROJECT;
use keyward_http::HttpOptions;

use crate::check::{CREATED_KEY, LICENSE_KEY, Shown};
use crate::rig::{self, Emulators, NAMES};

fn key() -> SecretLicenseKey {
    SecretLicenseKey::new(LICENSE_KEY)
}

/// Every facade operation on provider `index`; returns how many calls were made.
pub(crate) async fn facade(index: usize, emulators: &Emulators, shown: &Shown) -> usize {
    let name = NAMES[index];
    let url = &emulators.urls()[index];
    let id = &emulators.ids[index];
    let p = rig::provider(index, url, HttpOptions::new(), shown);
    let what = |op: &str| format!("{name} {op}");
    shown.debug(&what("capabilities"), &p.capabilities());

    let request = ValidateRequest::new(key()).instance_name("app.example.com");
    shown.debug(&what("validate request"), &request);
    shown.result(&what("validate"), &p.validate(request).await);

    let request = ActivateRequest::new(key(), "app.example.com");
    shown.debug(&what("activate request"), &request);
    let activated = p.activate(request).await;
    shown.result(&what("activate"), &activated);
    let instance = activated
        .as_ref()
        .ok()
        .and_then(|a| a.instance().map(|i| i.id.clone()));
    if let Some(instance) = &instance {
        let request = ValidateRequest::new(key()).instance_id(instance.clone());
        shown.result(&what("validate instance"), &p.validate(request).await);
    }

    let unknown = ValidateRequest::new(SecretLicenseKey::new(CREATED_KEY));
    shown.result(&what("validate unknown key"), &p.validate(unknown).await);
    shown.result(&what("get"), &p.get(id).await);
    let list = p.list(ListRequest::new().page_size(5)).await;
    shown.result(&what("list"), &list);
    let instances = p.instances(InstancesRequest::new(id.clone())).await;
    shown.result(&what("instances"), &instances);

    let mut update = UpdateRequest::new(id.clone());
    update.activation_limit = Patch::Set(5);
    // Gumroad has no license id: its update request holds the key as `id`, a field the caller
    // fills and `Debug` shows as given (the adapter's docs say so). Its answer is still checked.
    if name != "gumroad" {
        shown.debug(&what("update request"), &update);
    }
    shown.result(&what("update"), &p.update(update).await);

    let mut create = CreateRequest::for_product("pdt_canary");
    create.customer_id = Some("cus_canary".into());
    create.title = Some("Canary".into());
    create.key = Some(SecretLicenseKey::new(CREATED_KEY));
    create.activation_limit = Some(2);
    shown.debug(&what("create request"), &create);
    shown.result(&what("create"), &p.create(create).await);

    let deactivate = DeactivateRequest::new(key(), instance.unwrap_or_else(|| "none".into()));
    shown.debug(&what("deactivate request"), &deactivate);
    shown.result(&what("deactivate"), &p.deactivate(deactivate).await);
    11
}

/// A migration window from Lemon Squeezy to Dodo: its `Debug` and a validate through it.
pub(crate) async fn migration(emulators: &Emulators, shown: &Shown) -> usize {
    let urls = emulators.urls();
    let new = rig::dodo(&urls[0], HttpOptions::new()).unwrap_or_else(|e| panic!("{e}"));
    let old = rig::lemon(&urls[1], HttpOptions::new()).unwrap_or_else(|e| panic!("{e}"));
    let window = MigrationWindow::new(
        Arc::new(DodoProvider::new(new)),
        Arc::new(LemonSqueezyProvider::new(old)),
    );
    shown.debug("migration window", &window);
    shown.result(
        "migration validate",
        &window.validate(ValidateRequest::new(key())).await,
    );
    let unknown = ValidateRequest::new(SecretLicenseKey::new(CREATED_KEY));
    shown.result(
        "migration validate unknown",
        &window.validate(unknown).await,
    );
    2
}

/// Each client's own calls, their answers' models.
pub(crate) async fn clients(emulators: &Emulators, shown: &Shown) -> usize {
    let urls = emulators.urls();
    let options = HttpOptions::new();
    shown.debug("http options", &options);
    let k = key();
    shown.debug("license key", &k);

    let dodo = rig::dodo(&urls[0], options.clone()).unwrap_or_else(|e| panic!("{e}"));
    let activated = dodo.licenses().activate(&k, "box").await;
    shown.result("dodo client activate", &activated);
    shown.result(
        "dodo client validate",
        &dodo.licenses().validate(&k, None).await,
    );
    if let Ok(instance) = &activated {
        let deactivated = dodo.licenses().deactivate(&k, &instance.id).await;
        shown.result("dodo client deactivate", &deactivated);
    }
    let id = &emulators.ids[0];
    shown.result("dodo license key", &dodo.license_keys().retrieve(id).await);

    let lemon = rig::lemon(&urls[1], options.clone()).unwrap_or_else(|e| panic!("{e}"));
    let activated = lemon.licenses().activate(&k, "box").await;
    shown.result("lemonsqueezy client activate", &activated);
    shown.result(
        "lemonsqueezy client validate",
        &lemon.licenses().validate(&k, None).await,
    );
    shown.result(
        "lemonsqueezy license keys",
        &lemon.license_keys().list().send().await,
    );

    let devpayr = rig::devpayr(&urls[2], options.clone()).unwrap_or_else(|e| panic!("{e}"));
    let check = devpayr.has_paid(&k).domain("app.example.com");
    shown.debug("devpayr has-paid check", &check);
    shown.result("devpayr has-paid", &check.send().await);
    let licenses = devpayr.licenses(SEED_PROJECT);
    shown.result("devpayr licenses", &licenses.list().send().await);

    let gkm = rig::gkm(&urls[3], options).unwrap_or_else(|e| panic!("{e}"));
    shown.debug("getkeymanager verifier", gkm.verifier());
    let verified = gkm.verify(&k, "box").await;
    shown.result("getkeymanager verify", &verified);
    let reply = verified.as_ref().unwrap_or_else(|e| panic!("verify: {e}"));
    offline(&gkm, reply.verified().envelope(), shown);
    shown.result("getkeymanager activate", &gkm.activate(&k, "box").await);
    let details = gkm.license_key_details(&k, "box").await;
    shown.result("getkeymanager details", &details);
    shown.result("getkeymanager keys", &gkm.license_keys().await);
    12
}

/// A verified answer saved for offline use, read back, and a stale one refused.
fn offline(
    gkm: &keyward_signed_license::Client,
    envelope: &keyward_signed_license::SignedEnvelope,
    shown: &Shown,
) {
    let path = std::env::temp_dir().join(format!("canary-envelope-{}.json", std::process::id()));
    keyward_signed_license::offline::save(&path, envelope).unwrap_or_else(|e| panic!("{e}"));
    let saved = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    shown.text("getkeymanager saved envelope", saved);
    let day = chrono::Duration::days(1);
    shown.result(
        "getkeymanager offline",
        &gkm.verifier().check_saved(&path, day),
    );
    let stale = gkm
        .verifier()
        .check_saved(&path, chrono::Duration::seconds(-1));
    shown.result("getkeymanager offline stale", &stale);
    let _ = std::fs::remove_file(&path);
    let missing = gkm.verifier().check_saved(&path, day);
    shown.result("getkeymanager offline missing", &missing);
}

/// The blocking API over Dodo's and GetKeyManager's adapters, from a thread of its own (it runs
/// its own runtime): its `Debug`, a validate and an activation.
#[cfg(feature = "blocking")]
pub(crate) async fn blocking(emulators: &Emulators, shown: &std::sync::Arc<Shown>) -> usize {
    let urls = emulators.urls();
    let dodo = rig::dodo(&urls[0], HttpOptions::new()).unwrap_or_else(|e| panic!("{e}"));
    let gkm = rig::gkm(&urls[3], HttpOptions::new()).unwrap_or_else(|e| panic!("{e}"));
    let shown = shown.clone();
    let run = move || {
        let providers: [Arc<dyn LicenseProvider>; 2] = [
            Arc::new(DodoProvider::new(dodo)),
            Arc::new(keyward::SignedLicenseProvider::new(gkm)),
        ];
        for provider in providers {
            let p = keyward::blocking::BlockingProvider::new(provider)
                .unwrap_or_else(|e| panic!("{e}"));
            shown.debug("blocking provider", &p);
            let request = ValidateRequest::new(key()).instance_name("box");
            shown.result("blocking validate", &p.validate(request));
            let request = ActivateRequest::new(key(), "box");
            shown.result("blocking activate", &p.activate(request));
        }
    };
    let joined = tokio::task::spawn_blocking(move || std::thread::spawn(run).join()).await;
    joined
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|_| panic!("the blocking calls panicked"));
    4
}
