//! What a run found: for each check and operation, whether it passed, failed (with findings) or
//! was skipped (with the reason).

use std::collections::BTreeMap;

use serde::Serialize;

/// One way the server differs from the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub operation: String,
    pub message: String,
    /// The spec keyword the server broke, as a JSON pointer into the spec.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_path: Option<String>,
    /// Where in the response body, as a JSON pointer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_path: Option<String>,
    /// The exchange that shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange: Option<usize>,
    /// What that exchange's request was for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Further exchanges that showed the same.
    pub repeats: usize,
}

impl Finding {
    #[must_use]
    pub fn new(check: &'static str, operation: &str, message: impl Into<String>) -> Self {
        Self {
            check,
            operation: operation.to_owned(),
            message: message.into(),
            schema_path: None,
            instance_path: None,
            exchange: None,
            purpose: None,
            repeats: 0,
        }
    }

    #[must_use]
    pub fn schema_path(mut self, pointer: impl Into<String>) -> Self {
        self.schema_path = Some(pointer.into());
        self
    }

    #[must_use]
    pub fn instance_path(mut self, pointer: impl Into<String>) -> Self {
        self.instance_path = Some(pointer.into());
        self
    }

    #[must_use]
    pub fn exchange(mut self, id: usize) -> Self {
        self.exchange = Some(id);
        self
    }

    /// Shown by `exchange`: its id and its request's purpose.
    #[must_use]
    pub fn seen_in(mut self, exchange: &crate::suite::exchange::Exchange) -> Self {
        self.exchange = Some(exchange.id);
        self.purpose = Some(exchange.purpose.clone());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Passed,
    Skipped,
    Failed,
}

/// One check on one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    pub check: &'static str,
    pub operation: String,
    pub verdict: Verdict,
    /// Responses or steps the check examined.
    pub examined: usize,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// Collects what the checks report while the run goes on.
#[derive(Debug, Default)]
pub struct Ledger {
    entries: BTreeMap<(&'static str, String), Entry>,
}

#[derive(Debug, Default)]
struct Entry {
    examined: usize,
    findings: Vec<Finding>,
    skipped: Option<String>,
}

impl Ledger {
    /// `check` looked at one more response (or step) of `operation`.
    pub fn examined(&mut self, check: &'static str, operation: &str) {
        self.entry(check, operation).examined += 1;
    }

    /// A finding; the same message at the same spec keyword is kept once per check and
    /// operation, with its first exchange, counting the others.
    pub fn fail(&mut self, finding: Finding) {
        let entry = self.entry(finding.check, &finding.operation);
        entry.examined = entry.examined.max(1);
        let earlier = entry.findings.iter_mut().find(|f| {
            f.message == finding.message
                && f.schema_path == finding.schema_path
                && f.instance_path == finding.instance_path
        });
        match earlier {
            Some(earlier) => earlier.repeats += 1,
            None => entry.findings.push(finding),
        }
    }

    /// `check` could not run on `operation`, for `reason` (an input that is missing).
    pub fn skip(&mut self, check: &'static str, operation: &str, reason: impl Into<String>) {
        let entry = self.entry(check, operation);
        if entry.skipped.is_none() {
            entry.skipped = Some(reason.into());
        }
    }

    fn entry(&mut self, check: &'static str, operation: &str) -> &mut Entry {
        self.entries
            .entry((check, operation.to_owned()))
            .or_default()
    }

    /// Every check and operation, in check order then operation order.
    #[must_use]
    pub fn results(
        self,
        check_order: &[&'static str],
        operation_order: &[String],
    ) -> Vec<CheckResult> {
        let position = |check: &str, operation: &str| {
            (
                check_order
                    .iter()
                    .position(|c| *c == check)
                    .unwrap_or(usize::MAX),
                operation_order
                    .iter()
                    .position(|o| o == operation)
                    .unwrap_or(usize::MAX),
            )
        };
        let mut results: Vec<CheckResult> = self
            .entries
            .into_iter()
            .map(|((check, operation), entry)| {
                let verdict = if !entry.findings.is_empty() {
                    Verdict::Failed
                } else if entry.examined == 0 {
                    Verdict::Skipped
                } else {
                    Verdict::Passed
                };
                CheckResult {
                    check,
                    operation,
                    verdict,
                    examined: entry.examined,
                    findings: entry.findings,
                    skipped: if verdict == Verdict::Skipped {
                        Some(entry.skipped.unwrap_or_else(|| "nothing to examine".into()))
                    } else {
                        None
                    },
                }
            })
            .collect();
        results.sort_by_key(|r| position(r.check, &r.operation));
        results
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_findings_examinations_and_skips() {
        let mut ledger = Ledger::default();
        ledger.examined("a", "op");
        ledger.fail(Finding::new("b", "op", "broken"));
        ledger.fail(Finding::new("b", "op", "broken").exchange(7));
        ledger.skip("c", "op", "no token");
        let results = ledger.results(&["c", "b", "a"], &["op".into()]);
        let verdicts: Vec<_> = results.iter().map(|r| (r.check, r.verdict)).collect();
        assert_eq!(
            verdicts,
            [
                ("c", Verdict::Skipped),
                ("b", Verdict::Failed),
                ("a", Verdict::Passed)
            ]
        );
        assert_eq!(results[1].findings.len(), 1, "duplicates are kept once");
        assert_eq!(results[1].findings[0].repeats, 1);
        assert_eq!(results[0].skipped.as_deref(), Some("no token"));
    }
}
