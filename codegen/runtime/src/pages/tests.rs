use serde_json::json;

use super::parameter_value;

#[test]
fn a_position_fits_its_parameter_through_json_or_text() {
    assert_eq!(
        parameter_value::<String>(json!("c2")).ok(),
        Some("c2".to_owned())
    );
    assert_eq!(parameter_value::<i64>(json!(40)).ok(), Some(40));
    assert_eq!(parameter_value::<u32>(json!(3)).ok(), Some(3));
    // A numeric cursor for a string parameter goes as its text.
    assert_eq!(
        parameter_value::<String>(json!(123)).ok(),
        Some("123".to_owned())
    );
    assert!(parameter_value::<u32>(json!("next")).is_err());
    assert!(parameter_value::<u8>(json!(300)).is_err());
    assert!(parameter_value::<String>(json!({"a": 1})).is_err());
}
