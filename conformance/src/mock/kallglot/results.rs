//! What an analysis of a transcript finds, derived deterministically from the transcript: the
//! same utterances always give the same summary, sentiment, topics, action items, compliance and
//! quality figures. Simple word lists stand in for the vendor's models; what matters to clients
//! is that every value is plausible, in range, and stable.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde_json::{json, Map, Value};

use crate::mock::fixtures::{AnalysisRules, Speaker, Utterance};

const POSITIVE: &[&str] = &[
    "appreciate",
    "excellent",
    "glad",
    "good",
    "great",
    "happy",
    "help",
    "love",
    "perfect",
    "pleased",
    "resolved",
    "thank",
    "thanks",
    "welcome",
    "wonderful",
    "works",
];
const NEGATIVE: &[&str] = &[
    "angry",
    "broken",
    "damaged",
    "delay",
    "delayed",
    "forget",
    "frustrated",
    "lost",
    "nobody",
    "problem",
    "sorry",
    "terrible",
    "upset",
    "worried",
    "worst",
    "wrong",
];
const STOPWORDS: &[&str] = &[
    "about", "again", "also", "anyone", "calling", "could", "course", "from", "have", "here",
    "help", "hello", "just", "like", "more", "much", "need", "nobody", "please", "really", "right",
    "same", "still", "thank", "thanks", "that", "their", "them", "then", "there", "these", "they",
    "this", "time", "today", "very", "want", "welcome", "were", "what", "when", "which", "will",
    "with", "would", "your", "yours", "away", "great", "sure", "happy", "perfect", "works", "well",
];

/// The outcome of analyzing a transcript.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Every result field the analysis can yield, by field name of `Analysis`.
    Completed(Map<String, Value>),
    Failed(String),
}

/// Analyzes `transcript` as of `day` (relative due dates such as "tomorrow" count from it).
#[must_use]
pub fn analyze(transcript: &[Utterance], rules: &AnalysisRules, day: NaiveDate) -> Outcome {
    let word_count: usize = transcript.iter().map(|u| words(&u.text).len()).sum();
    if word_count < rules.min_words {
        return Outcome::Failed("The transcript is too short to analyze.".into());
    }
    let scores: Vec<f64> = transcript.iter().map(|u| sentiment(&u.text)).collect();
    let sentiment_result = sentiment_result(transcript, &scores);
    let compliance = compliance(transcript, rules);
    let keywords = keywords(transcript);
    let mut results = Map::new();
    let overall = sentiment_result["score"].as_f64().unwrap_or(0.0);
    results.insert("summary".into(), json!(summary(transcript, &keywords)));
    results.insert("key_points".into(), json!(key_points(transcript)));
    results.insert("outcome".into(), json!(outcome(transcript, &scores)));
    results.insert("sentiment".into(), sentiment_result);
    results.insert(
        "topics".into(),
        json!(keywords.iter().take(3).cloned().collect::<Vec<_>>()),
    );
    results.insert("keywords".into(), json!(keywords));
    results.insert("action_items".into(), json!(action_items(transcript, day)));
    let compliance_score = compliance["score"].as_f64().unwrap_or(0.0);
    results.insert("compliance".into(), compliance);
    results.insert(
        "performance".into(),
        performance(transcript, overall, compliance_score),
    );
    Outcome::Completed(results)
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['.', '?', '!'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// From -1 to 1: positive words minus negative ones, over all of them.
fn sentiment(text: &str) -> f64 {
    let words = words(text);
    let positive = words
        .iter()
        .filter(|w| POSITIVE.contains(&w.as_str()))
        .count() as f64;
    let negative = words
        .iter()
        .filter(|w| NEGATIVE.contains(&w.as_str()))
        .count() as f64;
    if positive + negative == 0.0 {
        return 0.0;
    }
    round2(((positive - negative) / (positive + negative)).clamp(-1.0, 1.0))
}

fn tone(score: f64) -> &'static str {
    if score > 0.2 {
        "positive"
    } else if score < -0.2 {
        "negative"
    } else {
        "neutral"
    }
}

fn party_summary(transcript: &[Utterance], scores: &[f64], speaker: Speaker) -> String {
    let own: Vec<f64> = transcript
        .iter()
        .zip(scores)
        .filter(|(u, _)| u.speaker == speaker)
        .map(|(_, s)| *s)
        .collect();
    match (own.first(), own.last()) {
        (Some(first), Some(last)) if tone(*first) != tone(*last) => {
            let mut early = tone(*first).to_owned();
            early[..1].make_ascii_uppercase();
            format!("{early} early; {} by the end.", tone(*last))
        }
        (Some(first), Some(_)) => {
            let mut throughout = tone(*first).to_owned();
            throughout[..1].make_ascii_uppercase();
            format!("{throughout} throughout.")
        }
        _ => "Did not speak.".into(),
    }
}

fn sentiment_result(transcript: &[Utterance], scores: &[f64]) -> Value {
    let total: f64 = transcript.iter().map(|u| u.end - u.start).sum();
    let overall = if total > 0.0 {
        transcript
            .iter()
            .zip(scores)
            .map(|(u, s)| s * (u.end - u.start))
            .sum::<f64>()
            / total
    } else {
        scores.iter().sum::<f64>() / scores.len().max(1) as f64
    };
    let segments: Vec<Value> = transcript
        .iter()
        .zip(scores)
        .map(|(u, s)| {
            json!({
                "start_seconds": u.start,
                "end_seconds": u.end,
                "speaker": u.speaker.as_str(),
                "score": s,
            })
        })
        .collect();
    // One point per started minute: the mean score of the utterances starting in it.
    let mut trend: Vec<Value> = Vec::new();
    let last_minute = transcript
        .iter()
        .map(|u| (u.start / 60.0) as u64)
        .max()
        .unwrap_or(0);
    for minute in 0..=last_minute {
        let in_minute: Vec<f64> = transcript
            .iter()
            .zip(scores)
            .filter(|(u, _)| (u.start / 60.0) as u64 == minute)
            .map(|(_, s)| *s)
            .collect();
        if !in_minute.is_empty() {
            let mean = in_minute.iter().sum::<f64>() / in_minute.len() as f64;
            trend.push(json!({"offset_seconds": minute as f64 * 60.0, "score": round2(mean)}));
        }
    }
    let mut key_moments = Vec::new();
    let peaks = [
        (
            "negative",
            scores.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)),
        ),
        (
            "positive",
            scores.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)),
        ),
    ];
    for (polarity, peak) in peaks {
        let Some((index, score)) = peak else { continue };
        let qualifies = match polarity {
            "negative" => *score < 0.0,
            _ => *score > 0.0,
        };
        if qualifies {
            key_moments.push(json!({
                "offset_seconds": transcript[index].start,
                "polarity": polarity,
                "score": score,
                "text": transcript[index].text,
            }));
        }
    }
    key_moments.sort_by(|a, b| {
        a["offset_seconds"]
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&b["offset_seconds"].as_f64().unwrap_or(0.0))
    });
    json!({
        "customer": party_summary(transcript, scores, Speaker::Customer),
        "agent": party_summary(transcript, scores, Speaker::Agent),
        "score": round2(overall.clamp(-1.0, 1.0)),
        "segments": segments,
        "trend": trend,
        "key_moments": key_moments,
    })
}

/// Content words by how often they are said, ties in order of first mention.
fn keywords(transcript: &[Utterance]) -> Vec<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for utterance in transcript {
        for word in words(&utterance.text) {
            if word.len() < 4
                || STOPWORDS.contains(&word.as_str())
                || word.contains('\'')
                || word.chars().all(|c| c.is_ascii_digit())
            {
                continue;
            }
            match counts.iter_mut().find(|(w, _)| *w == word) {
                Some((_, count)) => *count += 1,
                None => counts.push((word, 1)),
            }
        }
    }
    // A stable sort keeps first mention among equals.
    counts.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    counts.into_iter().take(6).map(|(w, _)| w).collect()
}

fn summary(transcript: &[Utterance], keywords: &[String]) -> String {
    let duration = transcript
        .iter()
        .map(|u| u.end)
        .fold(0.0_f64, f64::max)
        .round();
    let about = match keywords {
        [] => "an unspecified matter".to_owned(),
        [one] => one.clone(),
        [first, .., last] if keywords.len() >= 3 => {
            format!("{first}, {} and {last}", keywords[1])
        }
        [first, last] => format!("{first} and {last}"),
        _ => keywords.join(", "),
    };
    format!("A {duration:.0}-second call between an agent and a customer about {about}.")
}

fn key_points(transcript: &[Utterance]) -> Vec<String> {
    let mut points: Vec<String> = Vec::new();
    if let Some(first) = transcript
        .iter()
        .find(|u| u.speaker == Speaker::Customer)
        .and_then(|u| sentences(&u.text).next())
    {
        points.push(format!("The customer said: \"{first}\""));
    }
    for utterance in transcript.iter().filter(|u| u.speaker == Speaker::Agent) {
        for sentence in sentences(&utterance.text) {
            let lower = sentence.to_lowercase();
            if (lower.contains(" will ") || lower.starts_with("i will")) && points.len() < 3 {
                points.push(format!("The agent committed: \"{sentence}\""));
            }
        }
    }
    points
}

fn outcome(transcript: &[Utterance], scores: &[f64]) -> String {
    let last_customer = transcript
        .iter()
        .zip(scores)
        .rev()
        .find(|(u, _)| u.speaker == Speaker::Customer)
        .map_or(0.0, |(_, s)| *s);
    match tone(last_customer) {
        "positive" => "Resolved; the customer was satisfied.".into(),
        "negative" => "Unresolved; the customer remained dissatisfied.".into(),
        _ => "Open; the call ended without a clear resolution.".into(),
    }
}

fn action_items(transcript: &[Utterance], day: NaiveDate) -> Vec<Value> {
    let mut items = Vec::new();
    for utterance in transcript {
        for sentence in sentences(&utterance.text) {
            let lower = sentence.to_lowercase();
            if !(lower.starts_with("i will")
                || lower.contains(" i will ")
                || lower.contains("i'll"))
            {
                continue;
            }
            let due = due_date(&lower, day);
            let urgent = ["today", "right away", "now", "immediately"]
                .iter()
                .any(|w| lower.contains(w));
            let priority = if urgent {
                "high"
            } else if due.is_some() {
                "medium"
            } else {
                "low"
            };
            items.push(json!({
                "description": sentence,
                "assignee": utterance.speaker.as_str(),
                "due_date": due.map(|d| d.format("%Y-%m-%d").to_string()),
                "priority": priority,
            }));
        }
    }
    items
}

fn due_date(sentence: &str, day: NaiveDate) -> Option<NaiveDate> {
    if sentence.contains("today") || sentence.contains("this afternoon") {
        return Some(day);
    }
    if sentence.contains("tomorrow") {
        return Some(day + Duration::days(1));
    }
    if sentence.contains("next week") {
        return Some(day + Duration::days(7));
    }
    let weekdays = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    let (_, weekday) = weekdays.iter().find(|(name, _)| sentence.contains(name))?;
    let ahead = (i64::from(weekday.num_days_from_monday())
        - i64::from(day.weekday().num_days_from_monday()))
    .rem_euclid(7);
    Some(day + Duration::days(if ahead == 0 { 7 } else { ahead }))
}

fn compliance(transcript: &[Utterance], rules: &AnalysisRules) -> Value {
    let agent_text: String = transcript
        .iter()
        .filter(|u| u.speaker == Speaker::Agent)
        .map(|u| u.text.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let used: Vec<&String> = rules
        .required_phrases
        .iter()
        .filter(|p| agent_text.contains(&p.to_lowercase()))
        .collect();
    let prohibited: Vec<&String> = rules
        .prohibited_phrases
        .iter()
        .filter(|p| agent_text.contains(&p.to_lowercase()))
        .collect();
    let mut flags: Vec<String> = rules
        .required_phrases
        .iter()
        .filter(|p| !used.contains(p))
        .map(|p| format!("Required phrase not said: \"{p}\""))
        .collect();
    flags.extend(
        prohibited
            .iter()
            .map(|p| format!("Prohibited phrase said: \"{p}\"")),
    );
    let missing = rules.required_phrases.len() - used.len();
    let missing_share = if rules.required_phrases.is_empty() {
        0.0
    } else {
        missing as f64 / rules.required_phrases.len() as f64
    };
    let score =
        round2((1.0 - 0.5 * missing_share - 0.25 * prohibited.len() as f64).clamp(0.0, 1.0));
    json!({
        "status": if flags.is_empty() { "ok" } else { "flagged" },
        "flags": flags,
        "score": score,
        "required_phrases_used": used,
        "prohibited_phrases_detected": prohibited,
        "disclosures_completed": missing == 0,
    })
}

fn performance(transcript: &[Utterance], sentiment: f64, compliance: f64) -> Value {
    let talk = |speaker: Speaker| -> f64 {
        transcript
            .iter()
            .filter(|u| u.speaker == speaker)
            .map(|u| u.end - u.start)
            .sum()
    };
    let (agent, customer) = (talk(Speaker::Agent), talk(Speaker::Customer));
    let ratio = if agent + customer > 0.0 {
        round2(agent / (agent + customer))
    } else {
        0.0
    };
    let mut interruptions = 0_u32;
    let mut hold = 0.0;
    let mut latencies = Vec::new();
    for pair in transcript.windows(2) {
        let [before, after] = pair else { continue };
        let gap = after.start - before.end;
        if before.speaker != after.speaker && gap < 0.0 {
            interruptions += 1;
        }
        if gap > 10.0 {
            hold += gap;
        } else if before.speaker == Speaker::Customer
            && after.speaker == Speaker::Agent
            && gap >= 0.0
        {
            latencies.push(gap);
        }
    }
    let latency = if latencies.is_empty() {
        0.0
    } else {
        round2(latencies.iter().sum::<f64>() / latencies.len() as f64)
    };
    let score = round2(
        (0.55 + 0.25 * sentiment + 0.25 * compliance
            - 0.05 * f64::from(interruptions)
            - hold / 1200.0)
            .clamp(0.0, 1.0),
    );
    json!({
        "score": score,
        "talk_time_ratio": ratio,
        "interruption_count": interruptions,
        "hold_time_seconds": round2(hold),
        "response_latency_seconds": latency,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::fixtures::Fixtures;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 26).unwrap()
    }

    #[test]
    fn the_default_order_call_reads_as_a_resolved_delay() {
        let fixtures = Fixtures::default();
        let transcript = fixtures.organizations[0].sessions[0]
            .transcript
            .clone()
            .unwrap();
        let Outcome::Completed(results) = analyze(&transcript, &fixtures.analysis, day()) else {
            panic!("the order call analyzes");
        };
        assert_eq!(
            results["outcome"],
            json!("Resolved; the customer was satisfied.")
        );
        assert_eq!(results["compliance"]["status"], json!("ok"));
        assert_eq!(results["compliance"]["disclosures_completed"], json!(true));
        let score = results["sentiment"]["score"].as_f64().unwrap();
        assert!((-1.0..=1.0).contains(&score));
        assert!(results["keywords"]
            .as_array()
            .unwrap()
            .contains(&json!("order")));
        let items = results["action_items"].as_array().unwrap();
        // "I will email you the new tracking number by Friday." (26 March 2026 is a Thursday.)
        assert_eq!(items[0]["assignee"], json!("agent"));
        assert_eq!(items[0]["due_date"], json!("2026-03-27"));
        assert_eq!(results["performance"]["interruption_count"], json!(1));
        assert_eq!(results["performance"]["hold_time_seconds"], json!(30.0));
    }

    #[test]
    fn the_complaint_is_flagged_and_negative() {
        let fixtures = Fixtures::default();
        let transcript = fixtures.organizations[0].sessions[3]
            .transcript
            .clone()
            .unwrap();
        let Outcome::Completed(results) = analyze(&transcript, &fixtures.analysis, day()) else {
            panic!("the complaint analyzes");
        };
        assert_eq!(results["compliance"]["status"], json!("flagged"));
        assert_eq!(
            results["compliance"]["prohibited_phrases_detected"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert!(results["sentiment"]["score"].as_f64().unwrap() < 0.0);
        assert_eq!(results["action_items"][0]["due_date"], json!("2026-03-26"));
        assert_eq!(results["action_items"][0]["priority"], json!("high"));
    }

    #[test]
    fn a_short_transcript_fails_and_the_same_transcript_gives_the_same_result() {
        let fixtures = Fixtures::default();
        let short = fixtures.organizations[0].sessions[1]
            .transcript
            .clone()
            .unwrap();
        assert_eq!(
            analyze(&short, &fixtures.analysis, day()),
            Outcome::Failed("The transcript is too short to analyze.".into())
        );
        let long = fixtures.organizations[0].sessions[0]
            .transcript
            .clone()
            .unwrap();
        assert_eq!(
            analyze(&long, &fixtures.analysis, day()),
            analyze(&long, &fixtures.analysis, day())
        );
    }
}
