//! A seed file applied to the running emulators: each provider's section, and the test keys it
//! holds, for the printout.

use keyward_emulator::creem::LicenseSeed as CreemSeed;
use keyward_emulator::devpayr::{DomainMode, GLOBAL_KEY, LicenseSeed as DevPayrSeed, SEED_PROJECT};
use keyward_emulator::dodo::LicenseSeed as DodoSeed;
use keyward_emulator::gumroad::{DEFAULT_PRODUCT_ID, LicenseSeed as GumroadSeed};
use keyward_emulator::lemonsqueezy::LicenseSeed as LemonSeed;
use keyward_emulator::polar::LicenseSeed as PolarSeed;
use keyward_emulator::signed_license::LicenseSeed as GkmSeed;
use keyward_emulator::{Emulator, Keyed as HasApiKey};

use super::seed::{Seeded, Targets, TestKey, key, limit_note, mark};
use super::seed_file::{DevPayrProject, GumroadLicense, Keyed, SeedFile};

/// A section of a provider with one admin key: the key set when given, each license added by
/// `add`, which says the test key it leaves.
fn section<P: HasApiKey, L>(
    emulator: &Emulator<P>,
    section: Option<Keyed<L>>,
    keys: &mut Vec<TestKey>,
    add: impl Fn(&Emulator<P>, L) -> TestKey,
) {
    let Some(section) = section else {
        return;
    };
    if let Some(api_key) = section.api_key {
        emulator.set_api_key(api_key);
    }
    for license in section.licenses {
        keys.push(add(emulator, license));
    }
}

/// `seed`, changed by `set` when the seed file gives a value.
fn given<S, T>(seed: S, value: Option<T>, set: impl FnOnce(S, T) -> S) -> S {
    match value {
        Some(value) => set(seed, value),
        None => seed,
    }
}

/// `seed`, changed by `set` when the seed file's flag is on.
fn flag<S>(seed: S, on: bool, set: impl FnOnce(S) -> S) -> S {
    if on { set(seed) } else { seed }
}

/// Seeds the emulators from a seed file. Returns the test keys.
pub(crate) fn apply(t: &Targets<'_>, seed: SeedFile) -> Result<Seeded, String> {
    let mut keys = Vec::new();
    section(t.dodo, seed.dodo, &mut keys, |e, l| {
        let s = given(
            DodoSeed::new(&l.key),
            l.activation_limit,
            DodoSeed::activation_limit,
        );
        let s = flag(
            given(s, l.expires_at, DodoSeed::expires_at),
            l.disabled,
            DodoSeed::disabled,
        );
        e.add_license(given(s, l.product, |s, p| s.product(p, None)));
        key("dodo", &l.key, limit_note(l.activation_limit, false))
    });
    section(t.lemonsqueezy, seed.lemonsqueezy, &mut keys, |e, l| {
        let s = given(
            LemonSeed::new(&l.key),
            l.activation_limit,
            LemonSeed::activation_limit,
        );
        let s = flag(s, l.unlimited, LemonSeed::unlimited);
        let s = flag(
            given(s, l.expires_at, LemonSeed::expires_at),
            l.disabled,
            LemonSeed::disabled,
        );
        let s = given(s, l.store_id, LemonSeed::store);
        let s = given(s, l.product_id, |s, p| {
            s.product(p, l.variant_id.unwrap_or(p))
        });
        e.add_license(flag(s, l.test_mode, LemonSeed::test_mode));
        // Lemon Squeezy's default limit is the seed's (5).
        let note = limit_note(l.activation_limit.or(Some(5)), l.unlimited);
        key("lemonsqueezy", &l.key, note)
    });
    section(t.polar, seed.polar, &mut keys, |e, l| {
        let s = given(
            PolarSeed::new(&l.key),
            l.activation_limit,
            PolarSeed::limit_activations,
        );
        let s = flag(
            given(s, l.expires_at, PolarSeed::expires_at),
            l.disabled,
            PolarSeed::disabled,
        );
        e.add_license(s);
        let note = match l.activation_limit {
            Some(n) => format!("activation limit {n}"),
            None => String::from("validate only (no activation limit)"),
        };
        key("polar", &l.key, note)
    });
    section(t.creem, seed.creem, &mut keys, |e, l| {
        let s = given(
            CreemSeed::new(&l.key),
            l.activation_limit,
            CreemSeed::activation_limit,
        );
        let s = flag(
            given(s, l.expires_at, CreemSeed::expires_at),
            l.disabled,
            CreemSeed::disabled,
        );
        e.add_license(given(s, l.customer, CreemSeed::customer));
        key("creem", &l.key, limit_note(l.activation_limit, false))
    });
    let gumroad_product = seed
        .gumroad
        .as_ref()
        .and_then(|g| g.licenses.first())
        .and_then(|l| l.product_id.clone())
        .unwrap_or_else(|| DEFAULT_PRODUCT_ID.to_owned());
    section(t.gumroad, seed.gumroad, &mut keys, gumroad_license);
    let (devpayr_key, devpayr_project) = devpayr(t, seed.devpayr, &mut keys)?;
    section(t.signed, seed.signed_license, &mut keys, |e, l| {
        let s = given(
            GkmSeed::new(&l.key),
            l.activation_limit,
            GkmSeed::activation_limit,
        );
        let s = flag(s, l.unlimited, GkmSeed::unlimited);
        let s = given(s, l.product, GkmSeed::product);
        let s = flag(
            given(s, l.expires_at, GkmSeed::expires_at),
            l.disabled,
            GkmSeed::disabled,
        );
        e.add_license(flag(s, l.unassigned, GkmSeed::unassigned));
        let note = limit_note(l.activation_limit.or(Some(1)), l.unlimited);
        key("signed-license", &l.key, note)
    });
    if let Some(now) = seed.now {
        t.dodo.set_now(now);
        t.lemonsqueezy.set_now(now);
        t.polar.set_now(now);
        t.creem.set_now(now);
        t.gumroad.set_now(now);
        t.devpayr.set_now(now);
        t.signed.set_now(now);
    }
    mark(t);
    Ok(Seeded {
        keys,
        devpayr_key,
        devpayr_project,
        gumroad_product,
    })
}

/// A Gumroad license of the seed file.
fn gumroad_license(e: &Emulator<keyward_emulator::gumroad::State>, l: GumroadLicense) -> TestKey {
    let s = GumroadSeed::new(&l.key)
        .uses(l.uses)
        .requires_product_id(l.requires_product_id);
    let s = given(s, l.product_id.clone(), GumroadSeed::product);
    let s = given(s, l.permalink, GumroadSeed::permalink);
    let s = flag(s, l.disabled, GumroadSeed::disabled);
    let s = flag(s, l.refunded, GumroadSeed::refunded);
    let s = flag(s, l.chargebacked, GumroadSeed::chargebacked);
    let s = given(s, l.recurrence, GumroadSeed::subscription);
    let s = given(
        s,
        l.subscription_ended_at,
        GumroadSeed::subscription_ended_at,
    );
    let s = given(
        s,
        l.subscription_cancelled_at,
        GumroadSeed::subscription_cancelled_at,
    );
    e.add_license(given(
        s,
        l.subscription_failed_at,
        GumroadSeed::subscription_failed_at,
    ));
    let product = l.product_id.as_deref().unwrap_or(DEFAULT_PRODUCT_ID);
    key(
        "gumroad",
        &l.key,
        format!("product {product}, {} uses", l.uses),
    )
}

/// DevPayr's section: its projects (one paid by default), global key and licenses.
fn devpayr(
    t: &Targets<'_>,
    dp: super::seed_file::DevPayrSection,
    keys: &mut Vec<TestKey>,
) -> Result<(String, u64), String> {
    let devpayr_key = dp.api_key.unwrap_or_else(|| GLOBAL_KEY.to_owned());
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
    for (i, l) in dp.licenses.into_iter().enumerate() {
        let project = l.project.unwrap_or(first);
        let s = DevPayrSeed::new(&l.key).project(project);
        let s = given(s, l.title, DevPayrSeed::title);
        let s = flag(
            given(s, l.expires_at, DevPayrSeed::expires_at),
            l.disabled,
            DevPayrSeed::disabled,
        );
        let s = given(
            flag(s, l.test_mode, DevPayrSeed::test_mode),
            l.max_domains,
            DevPayrSeed::max_domains,
        );
        let s = given(s, l.max_usage_per_day, DevPayrSeed::max_usage_per_day);
        t.devpayr
            .add_license(s)
            .map_err(|e| format!("the seed file at `devpayr.licenses[{i}]`: {e}"))?;
        keys.push(key("devpayr", &l.key, format!("project {project}")));
    }
    Ok((devpayr_key, first))
}
