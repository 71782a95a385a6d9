//! One analysis as the mock keeps it, and how it reads at a given moment: its status follows
//! from the time since creation, so no background task moves it along.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};
use tokio::time::Instant;

use super::results::Outcome;
use crate::mock::faults::{Fault, Faults};

/// The components of the current request form, in the spec's order.
pub const COMPONENTS: [&str; 5] = [
    "summary",
    "sentiment",
    "compliance",
    "keywords",
    "performance",
];

/// The two request forms of `createAnalysis`.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestForm {
    Current {
        include: Vec<String>,
    },
    Legacy {
        analyses: Vec<String>,
        language: String,
        webhook_url: Option<String>,
    },
}

impl RequestForm {
    /// The result fields of `Analysis` this request asked for.
    #[must_use]
    pub fn result_fields(&self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        let mut add = |names: &[&'static str]| {
            for name in names {
                if !fields.contains(name) {
                    fields.push(*name);
                }
            }
        };
        match self {
            RequestForm::Current { include } => {
                for component in include {
                    match component.as_str() {
                        "summary" => add(&["summary", "key_points", "outcome"]),
                        "sentiment" => add(&["sentiment"]),
                        "compliance" => add(&["compliance"]),
                        "keywords" => add(&["topics", "keywords"]),
                        "performance" => add(&["performance"]),
                        _ => {}
                    }
                }
            }
            RequestForm::Legacy { analyses, .. } => {
                for kind in analyses {
                    match kind.as_str() {
                        "sentiment" => add(&["sentiment"]),
                        "topics" => add(&["topics", "keywords"]),
                        "summary" => add(&["summary", "key_points", "outcome"]),
                        "action_items" => add(&["action_items"]),
                        "quality" => add(&["performance"]),
                        "compliance" => add(&["compliance"]),
                        _ => {}
                    }
                }
            }
        }
        fields
    }
}

#[derive(Debug, Clone)]
pub struct AnalysisRecord {
    pub id: String,
    pub organization: usize,
    pub session_id: String,
    pub call_id: Option<String>,
    pub profile: String,
    pub form: RequestForm,
    pub created: Instant,
    pub created_at: DateTime<Utc>,
    pub outcome: Outcome,
    /// Retrievals that found it finished (for the `lifecycle-backwards` fault).
    pub terminal_reads: u32,
}

/// Where an analysis is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Queued,
    Processing,
    Finished,
}

impl AnalysisRecord {
    /// The stage at `now`, given that analyses take `delay`. The earlier request form starts
    /// `queued`, as its page shows; the current one starts `processing`.
    #[must_use]
    pub fn stage(&self, now: Instant, delay: Duration, faults: &Faults) -> Stage {
        let elapsed = now.saturating_duration_since(self.created);
        if faults.has(Fault::NeverCompletes) {
            return Stage::Processing;
        }
        if elapsed >= delay {
            Stage::Finished
        } else if matches!(self.form, RequestForm::Legacy { .. }) && elapsed < delay / 3 {
            Stage::Queued
        } else {
            Stage::Processing
        }
    }

    /// The analysis as `GET /v1/analyses/{id}` returns it at `stage`.
    #[must_use]
    pub fn view(&self, stage: Stage, delay: Duration, faults: &Faults) -> Value {
        let mut object = Map::new();
        object.insert("id".into(), json!(self.id));
        object.insert("object".into(), json!("analysis"));
        object.insert("session_id".into(), json!(self.session_id));
        object.insert("call_id".into(), json!(self.call_id));
        object.insert("profile".into(), json!(self.profile));
        let finished_at = self.created_at + chrono::Duration::from_std(delay).unwrap_or_default();
        let status = match (stage, &self.outcome) {
            (Stage::Queued, _) => "queued",
            (Stage::Processing, _) => "processing",
            (Stage::Finished, Outcome::Completed(_)) => "completed",
            (Stage::Finished, Outcome::Failed(_)) => "failed",
        };
        object.insert("status".into(), json!(status));
        match (stage, &self.outcome) {
            (Stage::Finished, Outcome::Completed(results)) => {
                for field in self.form.result_fields() {
                    if let Some(value) = results.get(field) {
                        object.insert(field.into(), value.clone());
                    }
                }
                object.entry("summary").or_insert(Value::Null);
                object.insert("error".into(), Value::Null);
            }
            (Stage::Finished, Outcome::Failed(reason)) => {
                object.insert("summary".into(), Value::Null);
                object.insert("error".into(), json!(reason));
            }
            _ => {
                object.insert("summary".into(), Value::Null);
                object.insert("error".into(), Value::Null);
            }
        }
        object.insert("created_at".into(), json!(timestamp(self.created_at)));
        object.insert(
            "completed_at".into(),
            if stage == Stage::Finished {
                json!(timestamp(finished_at))
            } else {
                Value::Null
            },
        );
        if let RequestForm::Legacy {
            analyses, language, ..
        } = &self.form
        {
            object.insert("analyses".into(), json!(analyses));
            object.insert("language".into(), json!(language));
            object.insert("estimated_completion".into(), json!(timestamp(finished_at)));
        }
        let mut view = Value::Object(object);
        apply_view_faults(&mut view, status, faults);
        view
    }
}

fn apply_view_faults(view: &mut Value, status: &str, faults: &Faults) {
    let Value::Object(object) = view else { return };
    if faults.has(Fault::MissingRequiredField) {
        object.remove("session_id");
    }
    if faults.has(Fault::WrongType) {
        let seconds = object
            .get("created_at")
            .and_then(Value::as_str)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map_or(0, |t| t.timestamp());
        object.insert("created_at".into(), json!(seconds));
    }
    if faults.has(Fault::NullInNonNullable) {
        object.insert("profile".into(), Value::Null);
    }
    if status == "completed" {
        if faults.has(Fault::UnknownEnumValue) {
            object.insert("status".into(), json!("done"));
        }
        if faults.has(Fault::MissingRequestedComponent) {
            object.remove("sentiment");
        }
        if faults.has(Fault::CompletedWithoutTimestamp) {
            object.insert("completed_at".into(), Value::Null);
        }
    }
}

/// RFC 3339 in UTC with a `Z`, to the second, as the spec's examples write timestamps.
#[must_use]
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}
