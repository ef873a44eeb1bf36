//! The breaker: the same failure for `limit` licenses in a row stops the run. One wrong product
//! id in the mapping then costs `limit` refusals, not one per license; an unreachable target
//! stops the run the same way. A pure counter, fed each license's outcome in the order they end.

/// Counts the same failure in a row.
#[derive(Debug)]
pub(crate) struct Breaker {
    limit: u32,
    last: Option<String>,
    in_a_row: u32,
}

impl Breaker {
    /// A breaker that trips at `limit` (0 or 1: at the first failure).
    pub(crate) fn new(limit: u32) -> Self {
        Self {
            limit: limit.max(1),
            last: None,
            in_a_row: 0,
        }
    }

    /// A license went through: the count starts again.
    pub(crate) fn success(&mut self) {
        self.last = None;
        self.in_a_row = 0;
    }

    /// A license failed with `failure` (its kind, not its text: two keys refused for the same
    /// reason are the same failure); `true` when that makes `limit` in a row.
    pub(crate) fn failure(&mut self, failure: &str) -> bool {
        if self.last.as_deref() == Some(failure) {
            self.in_a_row += 1;
        } else {
            self.last = Some(failure.to_owned());
            self.in_a_row = 1;
        }
        self.in_a_row >= self.limit
    }

    /// How many in a row trip it.
    pub(crate) fn limit(&self) -> u32 {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_failure_in_a_row_trips_it() {
        // (outcome, tripped after it) with a limit of 3; `None` is a success.
        let table: &[(Option<&str>, bool)] = &[
            (Some("404"), false),
            (Some("404"), false),
            (None, false),
            (Some("404"), false),
            (Some("422"), false),
            (Some("404"), false),
            (Some("404"), false),
            (Some("404"), true),
        ];
        let mut breaker = Breaker::new(3);
        for (n, (outcome, tripped)) in table.iter().enumerate() {
            let got = match outcome {
                Some(failure) => breaker.failure(failure),
                None => {
                    breaker.success();
                    false
                }
            };
            assert_eq!(got, *tripped, "row {n}");
        }
        assert!(Breaker::new(0).failure("x"));
        assert_eq!(Breaker::new(0).limit(), 1);
    }
}
