//! A validate-only process through the bare reqwest + serde client; prints its peak RSS as it
//! exits.

use std::process::ExitCode;

use keyward_bench::rss;

fn main() -> ExitCode {
    let result = keyward_bench::runtime().and_then(|rt| {
        let (op, base) = rss::child_args()?;
        rt.block_on(rss::bare_child(op, &base))
    });
    match result.and_then(|()| rss::report()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rss-bare: {e}");
            ExitCode::FAILURE
        }
    }
}
