//! The pattern limits fixture holds patterns the `regex` crate parses but cannot compile within
//! its size limit: their newtypes check nothing, and never panic.

use fixture_tests::pattern_limits::types::{Code, Letters, Record, Words};
use serde_json::json;

/// `\w{10000}` and `[a-z]{1000}{1000}` parse but exceed the regex crate's compiled size limit:
/// their newtypes check nothing (rather than panic at first use); a small pattern is checked.
#[test]
fn patterns_beyond_the_regex_size_limit_are_not_checked_and_never_panic() {
    // Without a check left, the newtypes are plain wrappers.
    let words: Words = serde_json::from_value(json!("anything at all")).expect("any text");
    assert_eq!(words, Words("anything at all".to_owned()));
    let letters: Letters = serde_json::from_value(json!("")).expect("any text");
    assert_eq!(letters, Letters(String::new()));
    assert!(Code::new("ab").is_ok());
    assert!(Code::new("abc").is_err());
    let record: Result<Record, _> =
        serde_json::from_value(json!({"words": "w", "letters": "l", "code": "zz"}));
    assert!(record.is_ok(), "{record:?}");
    let wrong: Result<Record, _> =
        serde_json::from_value(json!({"words": "w", "letters": "l", "code": "z"}));
    assert!(wrong.is_err());
}
