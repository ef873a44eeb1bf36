//! Ours against bare, per call: several rounds, each timing a batch of sequential calls of every
//! (operation, variant) pair, the order of the variants rotating from round to round so that
//! none always runs first. Each call is timed alone and a batch counts its median call, so that
//! the scheduler taking the CPU away now and then (other builds on a shared machine) moves a few
//! calls, not the batch; per pair the result is the median over rounds of those medians.

use std::time::{Duration, Instant};

use crate::ops::{Clients, Op, Variant};

/// How much to measure.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Calls of each pair before measuring (connections, caches, allocator).
    pub warmup: usize,
    /// Rounds.
    pub rounds: usize,
    /// Calls per pair per round.
    pub calls: usize,
}

impl Plan {
    /// `BENCH_ROUNDS` and `BENCH_CALLS` from the environment, else 15 rounds of 100 calls.
    pub fn from_env() -> Self {
        let read = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .filter(|&n| n > 0)
                .unwrap_or(default)
        };
        Self {
            warmup: 50,
            rounds: read("BENCH_ROUNDS", 15),
            calls: read("BENCH_CALLS", 100),
        }
    }
}

/// The medians of one operation, per variant (bare, crate, facade).
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// The operation.
    pub op: Op,
    /// Median per-call time of each variant, in [`Variant::ALL`] order.
    pub per_call: [Duration; 3],
}

impl Row {
    /// The variant's time over the bare client's.
    pub fn ratio(&self, variant: Variant) -> f64 {
        let bare = self.per_call[0].as_secs_f64();
        if bare == 0.0 {
            return f64::NAN;
        }
        self.per_call[index(variant)].as_secs_f64() / bare
    }
}

fn index(variant: Variant) -> usize {
    match variant {
        Variant::Bare => 0,
        Variant::Crate => 1,
        Variant::Facade => 2,
    }
}

/// Runs the plan over every operation.
pub async fn compare(clients: &Clients, plan: Plan) -> Result<Vec<Row>, String> {
    for op in Op::ALL {
        for variant in Variant::ALL {
            for _ in 0..plan.warmup {
                clients.call(op, variant).await?;
            }
        }
    }
    // samples[op][variant] = mean call time of each round
    let mut samples = vec![[Vec::new(), Vec::new(), Vec::new()]; Op::ALL.len()];
    let mut batch = Vec::with_capacity(plan.calls);
    for round in 0..plan.rounds {
        for (o, op) in Op::ALL.into_iter().enumerate() {
            for k in 0..Variant::ALL.len() {
                let variant = Variant::ALL[(round + k) % Variant::ALL.len()];
                batch.clear();
                for _ in 0..plan.calls {
                    let started = Instant::now();
                    clients.call(op, variant).await?;
                    batch.push(started.elapsed());
                }
                samples[o][index(variant)].push(median(&mut batch));
            }
        }
    }
    Ok(Op::ALL
        .into_iter()
        .zip(samples)
        .map(|(op, mut per_variant)| Row {
            op,
            per_call: per_variant.each_mut().map(|s| median(s)),
        })
        .collect())
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// Prints the table: per-call medians and the ratios to bare.
pub fn print(rows: &[Row], plan: Plan) {
    println!(
        "\nours / bare reqwest+serde, per call (median over {} rounds of the median of {} sequential calls, one keep-alive connection)",
        plan.rounds, plan.calls
    );
    println!(
        "{:<24} {:>10} {:>10} {:>7} {:>10} {:>7}",
        "operation", "bare", "crate", "ratio", "facade", "ratio"
    );
    for row in rows {
        println!(
            "{:<24} {:>10} {:>10} {:>6.3}x {:>10} {:>6.3}x",
            row.op.name(),
            micros(row.per_call[0]),
            micros(row.per_call[1]),
            row.ratio(Variant::Crate),
            micros(row.per_call[2]),
            row.ratio(Variant::Facade),
        );
    }
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}
