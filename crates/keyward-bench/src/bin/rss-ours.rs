//! A validate-only process through the `keyward` facade; prints its peak RSS as it exits.

use std::process::ExitCode;

use keyward_bench::rss;

fn main() -> ExitCode {
    let result = keyward_bench::runtime().and_then(|rt| {
        let (op, base) = rss::child_args()?;
        rt.block_on(rss::ours_child(op, &base))
    });
    match result.and_then(|()| rss::report()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rss-ours: {e}");
            ExitCode::FAILURE
        }
    }
}
