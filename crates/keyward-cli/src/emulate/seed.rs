//! What `licensectl emulate` starts with: a seed file (JSON) or the demo's seed, applied to the
//! running emulators, and the test keys it holds, for the printout.

use keyward_emulator::creem::{CreemEmulator, LicenseSeed as CreemSeed};
use keyward_emulator::devpayr::{
    DevPayrEmulator, DomainMode, GLOBAL_KEY, LicenseSeed as DevPayrSeed, SEED_PROJECT,
};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed as KeygenSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use keyward_emulator::polar::{LicenseSeed as PolarSeed, PolarEmulator};
use keyward_emulator::signed_license::{LicenseSeed as GkmSeed, SignedLicenseEmulator};

use super::seed_file::{DevPayrProject, SeedFile};
use crate::demo_setup::DEMO_KEY;

/// The key of the demo seed's DevPayr license (DevPayr keys are UUIDs).
const DEVPAYR_DEMO_KEY: &str = "7f3a41c2-9b8e-4d60-8a1b-2c3d4e5f6071";

/// What the seed left: the test keys, and DevPayr's API key and first project.
pub(crate) struct Seeded {
    /// The test keys.
    pub keys: Vec<TestKey>,
    /// DevPayr's global API key.
    pub devpayr_key: String,
    /// DevPayr's (first) project.
    pub devpayr_project: u64,
}

/// A test key the emulators hold, for the printout.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct TestKey {
    /// The provider (`dodo`, `lemonsqueezy`, `devpayr`, `signed-license`).
    pub provider: &'static str,
    /// The license key (a test key).
    pub key: String,
    /// What it is, in a few words.
    pub note: String,
}

fn key(provider: &'static str, key: &str, note: impl Into<String>) -> TestKey {
    TestKey {
        provider,
        key: key.to_owned(),
        note: note.into(),
    }
}

fn limit_note(limit: Option<u32>, unlimited: bool) -> String {
    match (limit, unlimited) {
        (_, true) | (None, false) => String::from("no activation limit"),
        (Some(n), false) => format!("activation limit {n}"),
    }
}

/// The emulators, started and not yet seeded.
pub(crate) struct Targets<'a> {
    pub dodo: &'a DodoEmulator,
    pub lemonsqueezy: &'a LemonSqueezyEmulator,
    pub polar: &'a PolarEmulator,
    pub creem: &'a CreemEmulator,
    pub devpayr: &'a DevPayrEmulator,
    pub signed: &'a SignedLicenseEmulator,
    pub keygen: &'a KeygenEmulator,
}

/// Seeds the emulators as the demo does: one license with an activation limit of 2 each, and
/// DevPayr's fixtures. Returns the test keys.
pub(crate) fn demo(t: &Targets<'_>) -> Result<Seeded, String> {
    t.dodo
        .add_license(DodoSeed::new(DEMO_KEY).activation_limit(2));
    t.lemonsqueezy
        .add_license(LemonSeed::new(DEMO_KEY).activation_limit(2));
    t.polar
        .add_license(PolarSeed::new(DEMO_KEY).limit_activations(2));
    t.creem
        .add_license(CreemSeed::new(DEMO_KEY).activation_limit(2));
    t.devpayr.seed_fixtures();
    t.devpayr
        .add_license(DevPayrSeed::new(DEVPAYR_DEMO_KEY).title("Demo license"))
        .map_err(|e| format!("the demo seed: {e}"))?;
    t.signed
        .add_license(GkmSeed::new(DEMO_KEY).activation_limit(2));
    t.keygen.add_license(
        KeygenSeed::new(DEMO_KEY)
            .floating(true)
            .strict(true)
            .max_machines(2),
    );
    let mut keys = vec![
        key("dodo", DEMO_KEY, "activation limit 2"),
        key("lemonsqueezy", DEMO_KEY, "activation limit 2"),
        key("polar", DEMO_KEY, "activation limit 2"),
        key(
            "creem",
            DEMO_KEY,
            "activation limit 2, customer cust_emulator",
        ),
        key(
            "devpayr",
            DEVPAYR_DEMO_KEY,
            "project 2, valid for the domain app.example.com",
        ),
        key("signed-license", DEMO_KEY, "activation limit 2, product 1"),
        key("keygen", DEMO_KEY, "floating, strict, 2 machines"),
    ];
    for id in [5, 4] {
        if let Some(k) = t.devpayr.license_key(id) {
            keys.push(key(
                "devpayr",
                &k,
                format!("fixture license {id}, project 2"),
            ));
        }
    }
    mark(t);
    Ok(Seeded {
        keys,
        devpayr_key: GLOBAL_KEY.to_owned(),
        devpayr_project: SEED_PROJECT,
    })
}

/// Seeds the emulators from a seed file. Returns the test keys.
pub(crate) fn apply(t: &Targets<'_>, seed: SeedFile) -> Result<Seeded, String> {
    let mut keys = Vec::new();
    if let Some(dodo) = seed.dodo {
        if let Some(api_key) = dodo.api_key {
            t.dodo.set_api_key(api_key);
        }
        for l in dodo.licenses {
            let mut s = DodoSeed::new(&l.key);
            if let Some(n) = l.activation_limit {
                s = s.activation_limit(n);
            }
            if let Some(at) = l.expires_at {
                s = s.expires_at(at);
            }
            if l.disabled {
                s = s.disabled();
            }
            if let Some(product) = l.product {
                s = s.product(product, None);
            }
            t.dodo.add_license(s);
            keys.push(key("dodo", &l.key, limit_note(l.activation_limit, false)));
        }
    }
    if let Some(ls) = seed.lemonsqueezy {
        if let Some(api_key) = ls.api_key {
            t.lemonsqueezy.set_api_key(api_key);
        }
        for l in ls.licenses {
            let mut s = LemonSeed::new(&l.key);
            s = match (l.unlimited, l.activation_limit) {
                (true, _) => s.unlimited(),
                (false, Some(n)) => s.activation_limit(n),
                (false, None) => s,
            };
            if let Some(at) = l.expires_at {
                s = s.expires_at(at);
            }
            if l.disabled {
                s = s.disabled();
            }
            if let Some(store) = l.store_id {
                s = s.store(store);
            }
            if let Some(product) = l.product_id {
                s = s.product(product, l.variant_id.unwrap_or(product));
            }
            if l.test_mode {
                s = s.test_mode();
            }
            t.lemonsqueezy.add_license(s);
            // Lemon Squeezy's default limit is the seed's (5).
            let note = limit_note(l.activation_limit.or(Some(5)), l.unlimited);
            keys.push(key("lemonsqueezy", &l.key, note));
        }
    }
    if let Some(polar) = seed.polar {
        if let Some(token) = polar.api_key {
            t.polar.set_api_key(token);
        }
        for l in polar.licenses {
            let mut s = PolarSeed::new(&l.key);
            if let Some(n) = l.activation_limit {
                s = s.limit_activations(n);
            }
            if let Some(at) = l.expires_at {
                s = s.expires_at(at);
            }
            if l.disabled {
                s = s.disabled();
            }
            t.polar.add_license(s);
            let note = match l.activation_limit {
                Some(n) => format!("activation limit {n}"),
                None => String::from("validate only (no activation limit)"),
            };
            keys.push(key("polar", &l.key, note));
        }
    }
    if let Some(creem) = seed.creem {
        if let Some(api_key) = creem.api_key {
            t.creem.set_api_key(api_key);
        }
        for l in creem.licenses {
            let mut s = CreemSeed::new(&l.key);
            if let Some(n) = l.activation_limit {
                s = s.activation_limit(n);
            }
            if let Some(at) = l.expires_at {
                s = s.expires_at(at);
            }
            if l.disabled {
                s = s.disabled();
            }
            if let Some(customer) = l.customer {
                s = s.customer(customer);
            }
            t.creem.add_license(s);
            keys.push(key("creem", &l.key, limit_note(l.activation_limit, false)));
        }
    }
    let dp = seed.devpayr;
    let devpayr_key = dp.api_key.unwrap_or_else(|| GLOBAL_KEY.to_owned());
    let devpayr_project;
    {
        let projects = dp.projects.unwrap_or_else(|| {
            vec![DevPayrProject {
                id: SEED_PROJECT,
                paid: true,
            }]
        });
        for p in &projects {
            t.devpayr.add_project(p.id, 1, p.paid);
            // Without registered domains, each license registers the domains it is used on.
            t.devpayr.set_domain_mode(p.id, DomainMode::LicenseDomains);
        }
        t.devpayr.add_global_key(&devpayr_key, 1);
        let first = projects.first().map_or(SEED_PROJECT, |p| p.id);
        devpayr_project = first;
        for (i, l) in dp.licenses.into_iter().enumerate() {
            let project = l.project.unwrap_or(first);
            let mut s = DevPayrSeed::new(&l.key).project(project);
            if let Some(title) = l.title {
                s = s.title(title);
            }
            if let Some(at) = l.expires_at {
                s = s.expires_at(at);
            }
            if l.disabled {
                s = s.disabled();
            }
            if l.test_mode {
                s = s.test_mode();
            }
            if let Some(n) = l.max_domains {
                s = s.max_domains(n);
            }
            if let Some(n) = l.max_usage_per_day {
                s = s.max_usage_per_day(n);
            }
            t.devpayr
                .add_license(s)
                .map_err(|e| format!("the seed file at `devpayr.licenses[{i}]`: {e}"))?;
            keys.push(key("devpayr", &l.key, format!("project {project}")));
        }
    }
    if let Some(gkm) = seed.signed_license {
        if let Some(api_key) = gkm.api_key {
            t.signed.set_api_key(api_key);
        }
        for l in gkm.licenses {
            let mut s = GkmSeed::new(&l.key);
            s = match (l.unlimited, l.activation_limit) {
                (true, _) => s.unlimited(),
                (false, Some(n)) => s.activation_limit(n),
                (false, None) => s,
            };
            if let Some(product) = l.product {
                s = s.product(product);
            }
            if let Some(at) = l.expires_at {
                s = s.expires_at(at);
            }
            if l.disabled {
                s = s.disabled();
            }
            if l.unassigned {
                s = s.unassigned();
            }
            t.signed.add_license(s);
            let note = limit_note(l.activation_limit.or(Some(1)), l.unlimited);
            keys.push(key("signed-license", &l.key, note));
        }
    }
    if let Some(now) = seed.now {
        t.dodo.set_now(now);
        t.lemonsqueezy.set_now(now);
        t.polar.set_now(now);
        t.creem.set_now(now);
        t.devpayr.set_now(now);
        t.signed.set_now(now);
    }
    mark(t);
    Ok(Seeded {
        keys,
        devpayr_key,
        devpayr_project,
    })
}

/// Makes the seeded state the one `reset` returns to.
fn mark(t: &Targets<'_>) {
    t.dodo.mark_seed();
    t.lemonsqueezy.mark_seed();
    t.polar.mark_seed();
    t.creem.mark_seed();
    t.devpayr.mark_seed();
    t.signed.mark_seed();
    t.keygen.mark_seed();
}
