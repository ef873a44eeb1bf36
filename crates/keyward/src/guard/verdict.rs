//! What the guard tells the app: may it run, and what to show the person in front of it.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use keyward_core::{ErrorKind, InvalidReason};

use super::state::LicenseFacts;

/// The guard's answer. `Display` is a sentence an end user can read.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Verdict {
    /// Licensed, not licensed, or grace ended.
    pub standing: Standing,
    /// Where the answer came from.
    pub source: Source,
    /// What is known about the license (from the provider now, or from the stored state).
    pub license: Option<LicenseFacts>,
    /// Things the app may want to know or show.
    pub flags: Flags,
}

/// May the app run?
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Standing {
    /// Yes. `grace` is `None` when the provider just said so, else the offline grace left.
    Licensed {
        /// The offline grace, when the answer came from the stored state.
        grace: Option<Grace>,
    },
    /// No, and why.
    NotLicensed(DenyReason),
    /// No: the license was valid, but it has not been checked online for longer than the grace
    /// period. Going online fixes it.
    GraceEnded {
        /// When the provider last said the license is valid.
        last_online_check: DateTime<Utc>,
        /// When the grace period ended.
        ended_at: DateTime<Utc>,
    },
}

/// The offline grace of a license licensed from the stored state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Grace {
    /// When the provider last said the license is valid.
    pub last_online_check: DateTime<Utc>,
    /// When the grace period ends.
    pub ends_at: DateTime<Utc>,
    /// How much of it is left.
    pub left: TimeDelta,
    /// The end of the provider's signed lease, when one bounds the grace: a restored or
    /// edited state cannot outlast it.
    pub lease_ends_at: Option<DateTime<Utc>>,
}

/// Why the app may not run.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DenyReason {
    /// The provider said so (an authoritative answer; the stored state was wiped).
    Invalid(InvalidReason),
    /// The expiry date last given by the provider has passed (decided offline).
    Expired {
        /// When it expired.
        at: DateTime<Utc>,
    },
    /// The provider could not be reached and this license was never checked on this machine
    /// (or its stored state was unusable).
    NeverChecked,
    /// No usable answer came (credentials refused, an unknown endpoint, an answer not
    /// understood), and the policy's [`GraceOn`](super::GraceOn) grants no grace for it.
    RequestRefused {
        /// What kind of failure.
        kind: ErrorKind,
        /// The HTTP status, when one came.
        status: Option<u16>,
    },
    /// The clock reads earlier than a time already seen and the policy denies on rollback.
    ClockRolledBack,
}

/// Where the verdict's information came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// The provider answered just now.
    Online,
    /// The provider gave no usable answer (unreachable, timeout, an error status, an answer
    /// not understood, a refusal that is not an authoritative "not valid"); decided from the
    /// stored state.
    Unreachable {
        /// What kind of failure (`Rejected` for a refusal the guard has no name for).
        kind: ErrorKind,
        /// The HTTP status, when one came.
        status: Option<u16>,
    },
    /// The provider was not asked (a check was not due); decided from the stored state.
    Stored,
}

/// Things worth knowing beside the standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Flags {
    /// The clock reads earlier than a time the guard had already seen (beyond the tolerance).
    pub clock_rolled_back: bool,
    /// The state file could not be written or removed: the verdict stands, but an offline start
    /// will not know about this answer.
    pub state_not_saved: bool,
}

impl Verdict {
    /// Whether the app may run.
    pub fn is_licensed(&self) -> bool {
        matches!(self.standing, Standing::Licensed { .. })
    }

    /// The offline grace left, when licensed from the stored state.
    pub fn grace_left(&self) -> Option<TimeDelta> {
        match &self.standing {
            Standing::Licensed { grace: Some(g) } => Some(g.left),
            _ => None,
        }
    }

    /// Whether `other` tells the app something new: another standing, reason, source kind or
    /// flag (a shorter grace alone is not a change).
    pub fn differs_from(&self, other: &Verdict) -> bool {
        fn kind(v: &Verdict) -> (u8, Option<&DenyReason>) {
            match &v.standing {
                Standing::Licensed { grace: None } => (0, None),
                Standing::Licensed { grace: Some(_) } => (1, None),
                Standing::NotLicensed(reason) => (2, Some(reason)),
                Standing::GraceEnded { .. } => (3, None),
            }
        }
        kind(self) != kind(other)
            || std::mem::discriminant(&self.source) != std::mem::discriminant(&other.source)
            || self.flags != other.flags
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.standing {
            Standing::Licensed { grace: None } => match self.expires_at() {
                Some(at) => write!(f, "Licensed until {}.", day(at))?,
                None => f.write_str("Licensed.")?,
            },
            Standing::Licensed { grace: Some(grace) } => {
                match self.source {
                    Source::Unreachable { .. } => {
                        f.write_str("Licensed, offline: the license server could not be reached or gave no usable answer.")?
                    }
                    _ => write!(
                        f,
                        "Licensed (last checked online on {}).",
                        minute(grace.last_online_check)
                    )?,
                }
                write!(
                    f,
                    " It keeps working offline for {} more (until {}).",
                    span(grace.left),
                    minute(grace.ends_at)
                )?;
                if let Some(end) = grace.lease_ends_at {
                    write!(
                        f,
                        " The provider's signed lease runs until {}.",
                        minute(end)
                    )?;
                }
            }
            Standing::GraceEnded { ended_at, .. } => write!(
                f,
                "Not licensed: the offline period ended on {}. Connect to the internet so the \
                 license can be checked again.",
                minute(*ended_at)
            )?,
            Standing::NotLicensed(reason) => deny(f, reason)?,
        }
        if self.flags.clock_rolled_back {
            f.write_str(" The system clock appears to have been set back; please correct it.")?;
        }
        if self.flags.state_not_saved {
            f.write_str(" This result could not be saved for offline use.")?;
        }
        Ok(())
    }
}

impl Verdict {
    fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.license.as_ref().and_then(|l| l.expires_at)
    }
}

fn deny(f: &mut fmt::Formatter<'_>, reason: &DenyReason) -> fmt::Result {
    match reason {
        DenyReason::Invalid(reason) => write!(f, "Not licensed: {reason}."),
        DenyReason::Expired { at } => {
            write!(f, "Not licensed: the license expired on {}.", minute(*at))
        }
        DenyReason::NeverChecked => f.write_str(
            "Not licensed: the license server could not be reached and this license has not \
             been checked on this computer before. Connect to the internet and try again.",
        ),
        DenyReason::RequestRefused { status, .. } => {
            f.write_str("Not licensed: the license server refused the request")?;
            if let Some(status) = status {
                write!(f, " (HTTP {status})")?;
            }
            f.write_str(". The app may need an update; contact the vendor if this persists.")
        }
        DenyReason::ClockRolledBack => f.write_str(
            "Not licensed: the system clock is set earlier than a time already seen. Correct \
             the clock, or connect to the internet, and try again.",
        ),
    }
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

fn minute(at: DateTime<Utc>) -> String {
    format!("{} UTC", at.format("%Y-%m-%d %H:%M"))
}

/// "6 days 23 hours", "5 hours 3 minutes", "12 minutes", "less than a minute".
pub(crate) fn span(delta: TimeDelta) -> String {
    let minutes = delta.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let unit = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match (days, hours, mins) {
        (0, 0, 0) => "less than a minute".to_owned(),
        (0, 0, m) => unit(m, "minute"),
        (0, h, 0) => unit(h, "hour"),
        (0, h, m) => format!("{} {}", unit(h, "hour"), unit(m, "minute")),
        (d, 0, _) => unit(d, "day"),
        (d, h, _) => format!("{} {}", unit(d, "day"), unit(h, "hour")),
    }
}
