//! `keyward-bench profile …`: one operation through one client, many times, for callgrind. The
//! set-up and warm-up run first; only [`measured`] (or [`measured_verify`]) is meant to be
//! collected:
//!
//! ```text
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*profile::measured*' \
//!     target/release/keyward-bench profile dodo-validate crate 2000
//! ```
//!
//! Instructions per call are then the collected total over the calls; callgrind counts are the
//! same from run to run, where wall-clock times on a busy machine are not.

use crate::ops::{Clients, Op, Variant};
use crate::signed;

/// Calls before measuring (connections, caches, the allocator's pools).
const WARMUP: usize = 200;

/// Runs `profile <operation|signed-verify> <variant|ours|raw> <calls>`.
pub fn run(args: &[String]) -> Result<(), String> {
    let [what, who, calls] = args else {
        return Err(String::from(
            "usage: keyward-bench profile <operation> <bare|crate|facade> <calls>\n       keyward-bench profile signed-verify <ours|raw> <passes>",
        ));
    };
    let calls: usize = calls.parse().map_err(|_| format!("not a count: {calls}"))?;
    if what == "signed-verify" {
        return profile_verify(who, calls);
    }
    let (op, variant) = (Op::parse(what)?, Variant::parse(who)?);
    let rt = crate::runtime()?;
    let clients = rt.block_on(Clients::start())?;
    rt.block_on(async {
        for _ in 0..WARMUP {
            clients.call(op, variant).await?;
        }
        Ok::<_, String>(())
    })?;
    measured(&rt, &clients, op, variant, calls)?;
    println!("{} through {}: {calls} calls", op.name(), variant.name());
    Ok(())
}

/// The collected part: `calls` sequential calls (the canned server's share included, as it
/// runs on the same thread).
#[inline(never)]
pub fn measured(
    rt: &tokio::runtime::Runtime,
    clients: &Clients,
    op: Op,
    variant: Variant,
    calls: usize,
) -> Result<(), String> {
    rt.block_on(async {
        for _ in 0..calls {
            clients.call(op, variant).await?;
        }
        Ok(())
    })
}

fn profile_verify(who: &str, passes: usize) -> Result<(), String> {
    let examples = signed::examples()?;
    let keys = signed::demo_keys()?;
    let raw_key = signed::demo_raw_key()?;
    let policy = keyward_signed_license::Policy::new()
        .key_scope(keyward_signed_license::KeyScope::ProductOrGlobal);
    let ours = match who {
        "ours" => true,
        "raw" => false,
        other => return Err(format!("unknown verifier `{other}` (ours, raw)")),
    };
    let pass = || {
        if ours {
            signed::ours_pass(&examples, &keys, &policy)
        } else {
            signed::raw_pass(&examples, &raw_key)
        }
    };
    pass()?;
    measured_verify(passes, pass)?;
    println!(
        "signed verify ({who}): {passes} passes over {} envelopes",
        examples.len()
    );
    Ok(())
}

/// The collected part of `profile signed-verify`.
#[inline(never)]
pub fn measured_verify(passes: usize, pass: impl Fn() -> Result<(), String>) -> Result<(), String> {
    for _ in 0..passes {
        pass()?;
    }
    Ok(())
}
