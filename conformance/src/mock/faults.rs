//! Ways the mock can be told to break the spec, one at a time, so that the conformance suite can
//! prove it notices each.
//!
//! Each fault is one specific, realistic mistake of a server of the analysis API. Some show in a
//! single response (a missing field), some only across calls (credits that are not charged, a
//! status that goes backwards): the suite must catch both kinds.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// One way to violate the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    MissingRequiredField,
    WrongType,
    NullInNonNullable,
    UnknownEnumValue,
    InvalidIdFormat,
    UndocumentedStatus,
    MissingHeader,
    MalformedHeader,
    WrongContentType,
    ServerErrorOnEdgeInput,
    AcceptInvalidBody,
    SkipAuth,
    LeakOtherOrganization,
    LifecycleBackwards,
    NeverCompletes,
    CreditsNotCharged,
    ChargeOnRejection,
    RateLimitRemainingRises,
    RateLimitIgnored,
    WrongAccessRuleStatus,
    MissingRequestedComponent,
    CompletedWithoutTimestamp,
    UnknownIdNot404,
    ErrorBodyMismatch,
    MissingRetryAfter,
    BodyRequired,
}

impl Fault {
    /// Every fault, in the order `--fault list` prints them.
    pub const ALL: [Fault; 26] = [
        Fault::MissingRequiredField,
        Fault::WrongType,
        Fault::NullInNonNullable,
        Fault::UnknownEnumValue,
        Fault::InvalidIdFormat,
        Fault::UndocumentedStatus,
        Fault::MissingHeader,
        Fault::MalformedHeader,
        Fault::WrongContentType,
        Fault::ServerErrorOnEdgeInput,
        Fault::AcceptInvalidBody,
        Fault::SkipAuth,
        Fault::LeakOtherOrganization,
        Fault::LifecycleBackwards,
        Fault::NeverCompletes,
        Fault::CreditsNotCharged,
        Fault::ChargeOnRejection,
        Fault::RateLimitRemainingRises,
        Fault::RateLimitIgnored,
        Fault::WrongAccessRuleStatus,
        Fault::MissingRequestedComponent,
        Fault::CompletedWithoutTimestamp,
        Fault::UnknownIdNot404,
        Fault::ErrorBodyMismatch,
        Fault::MissingRetryAfter,
        Fault::BodyRequired,
    ];

    /// The name `--fault` takes.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Fault::MissingRequiredField => "missing-required-field",
            Fault::WrongType => "wrong-type",
            Fault::NullInNonNullable => "null-in-non-nullable",
            Fault::UnknownEnumValue => "unknown-enum-value",
            Fault::InvalidIdFormat => "invalid-id-format",
            Fault::UndocumentedStatus => "undocumented-status",
            Fault::MissingHeader => "missing-header",
            Fault::MalformedHeader => "malformed-header",
            Fault::WrongContentType => "wrong-content-type",
            Fault::ServerErrorOnEdgeInput => "server-error-on-edge-input",
            Fault::AcceptInvalidBody => "accept-invalid-body",
            Fault::SkipAuth => "skip-auth",
            Fault::LeakOtherOrganization => "leak-other-organization",
            Fault::LifecycleBackwards => "lifecycle-backwards",
            Fault::NeverCompletes => "never-completes",
            Fault::CreditsNotCharged => "credits-not-charged",
            Fault::ChargeOnRejection => "charge-on-rejection",
            Fault::RateLimitRemainingRises => "rate-limit-remaining-rises",
            Fault::RateLimitIgnored => "rate-limit-ignored",
            Fault::WrongAccessRuleStatus => "wrong-access-rule-status",
            Fault::MissingRequestedComponent => "missing-requested-component",
            Fault::CompletedWithoutTimestamp => "completed-without-timestamp",
            Fault::UnknownIdNot404 => "unknown-id-not-404",
            Fault::ErrorBodyMismatch => "error-body-mismatch",
            Fault::MissingRetryAfter => "missing-retry-after",
            Fault::BodyRequired => "body-required",
        }
    }

    /// One line: what the mock does wrong.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Fault::MissingRequiredField => "analysis bodies leave out the required `session_id`",
            Fault::WrongType => {
                "`created_at` is sent as a Unix timestamp (a number), not a date-time string"
            }
            Fault::NullInNonNullable => "`profile`, which is not nullable, is sent as null",
            Fault::UnknownEnumValue => {
                "a finished analysis has status `done`, which the enum does not list"
            }
            Fault::InvalidIdFormat => {
                "new analyses get ids like `analysis-1`, outside the documented pattern"
            }
            Fault::UndocumentedStatus => {
                "a successful create answers 201 Created instead of the documented 202"
            }
            Fault::MissingHeader => "`X-RateLimit-Remaining` is left out of successful responses",
            Fault::MalformedHeader => {
                "`X-RateLimit-Reset` is an HTTP date instead of a Unix timestamp"
            }
            Fault::WrongContentType => "JSON bodies are labelled `text/plain`",
            Fault::ServerErrorOnEdgeInput => {
                "an analysis id of the maximum length (64 characters) gets a 500"
            }
            Fault::AcceptInvalidBody => {
                "create bodies are not validated: an invalid body is accepted (202)"
            }
            Fault::SkipAuth => {
                "requests without a valid token are served as the first organization"
            }
            Fault::LeakOtherOrganization => "any organization can read any organization's analysis",
            Fault::LifecycleBackwards => {
                "a finished analysis reads as `processing` again on the next retrieval"
            }
            Fault::NeverCompletes => "analyses stay `processing` forever",
            Fault::CreditsNotCharged => "accepted creates do not consume a credit",
            Fault::ChargeOnRejection => {
                "a create rejected by an access rule still consumes a credit"
            }
            Fault::RateLimitRemainingRises => "`X-RateLimit-Remaining` goes up within a window",
            Fault::RateLimitIgnored => "the rate limit is never enforced (no 429)",
            Fault::WrongAccessRuleStatus => {
                "an organization without credits gets 403 subscription_inactive instead of 402"
            }
            Fault::MissingRequestedComponent => {
                "a completed analysis leaves out the requested `sentiment`"
            }
            Fault::CompletedWithoutTimestamp => "a completed analysis has `completed_at: null`",
            Fault::UnknownIdNot404 => "an unknown analysis id is answered 400 instead of 404",
            Fault::ErrorBodyMismatch => {
                "404 bodies are `{\"message\": …}` instead of the documented error object"
            }
            Fault::MissingRetryAfter => "429 responses carry no `Retry-After`",
            Fault::BodyRequired => {
                "a create without a body is refused with 400, though the spec makes the body optional"
            }
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name `--fault` does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fault `{0}`; `--fault list` prints the faults")]
pub struct UnknownFault(pub String);

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(name: &str) -> Result<Self, UnknownFault> {
        Fault::ALL
            .into_iter()
            .find(|fault| fault.name() == name)
            .ok_or_else(|| UnknownFault(name.to_owned()))
    }
}

/// The faults a mock runs with; empty for a mock that follows the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults(BTreeSet<Fault>);

impl Faults {
    #[must_use]
    pub fn none() -> Self {
        Self::default()
    }

    #[must_use]
    pub fn only(fault: Fault) -> Self {
        Self(BTreeSet::from([fault]))
    }

    #[must_use]
    pub fn has(&self, fault: Fault) -> bool {
        self.0.contains(&fault)
    }

    pub fn insert(&mut self, fault: Fault) {
        self.0.insert(fault);
    }

    pub fn iter(&self) -> impl Iterator<Item = Fault> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<Fault> for Faults {
    fn from_iter<I: IntoIterator<Item = Fault>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let names: BTreeSet<&str> = Fault::ALL.iter().map(|fault| fault.name()).collect();
        assert_eq!(names.len(), Fault::ALL.len());
        for fault in Fault::ALL {
            assert_eq!(fault.name().parse::<Fault>(), Ok(fault));
            assert!(!fault.description().is_empty());
        }
        assert_eq!(
            "no-such-fault".parse::<Fault>(),
            Err(UnknownFault("no-such-fault".into()))
        );
    }
}
