//! What the generated structs of the objects and recursion fixtures do: absent, null and
//! present stay apart, defaults fill what is absent, and recursive types nest.

use fixture_tests::objects::types::Widget;
use fixture_tests::recursion::types::{ListNode, TreeNode};
use serde_json::{json, Value};

fn widget(value: Value) -> Widget {
    serde_json::from_value(value).expect("a valid widget")
}

#[test]
fn an_optional_nullable_property_keeps_absent_null_and_present_apart() {
    let absent = widget(json!({"name": "w", "label": null}));
    let null = widget(json!({"name": "w", "label": null, "nickname": null}));
    let present = widget(json!({"name": "w", "label": null, "nickname": "n"}));
    assert_eq!(absent.nickname, None);
    assert_eq!(null.nickname, Some(None));
    assert_eq!(present.nickname, Some(Some("n".to_owned())));
    let nickname = |w: &Widget| {
        serde_json::to_value(w)
            .ok()
            .map(|v| v.get("nickname").cloned())
    };
    assert_eq!(nickname(&absent), Some(None));
    assert_eq!(nickname(&null), Some(Some(Value::Null)));
    assert_eq!(nickname(&present), Some(Some(json!("n"))));
}

#[test]
fn a_required_nullable_property_is_written_as_null_and_read_leniently() {
    let written = serde_json::to_value(widget(json!({"name": "w", "label": null}))).ok();
    assert_eq!(
        written.and_then(|v| v.get("label").cloned()),
        Some(Value::Null)
    );
    // A server that leaves it out is not refused: an `Option` field reads absent as `None`.
    // (Checking that the server sends it is the conformance suite's job, not the client's.)
    assert_eq!(widget(json!({"name": "w"})).label, None);
    let missing = serde_json::from_value::<Widget>(json!({"label": null}));
    assert!(
        missing
            .as_ref()
            .is_err_and(|e| e.to_string() == "missing field `name`"),
        "{missing:?}"
    );
}

#[test]
fn an_absent_property_with_a_default_reads_as_the_default() {
    let w = widget(json!({"name": "w", "label": null}));
    assert_eq!(w.color, "blue");
    assert_eq!(w.quantity, 1);
    assert!(w.enabled);
    assert!(w.tags.is_empty());
    let given = widget(json!({"name": "w", "label": null, "color": "red", "quantity": 4}));
    assert_eq!((given.color.as_str(), given.quantity), ("red", 4));
}

#[test]
fn recursive_types_nest_and_round_trip() {
    let tree = json!({
        "value": "root",
        "children": [{"value": "leaf", "children": [], "parent": {"value": "root", "children": []}}]
    });
    let decoded: TreeNode = serde_json::from_value(tree.clone()).expect("a tree");
    assert_eq!(
        decoded.children[0]
            .parent
            .as_ref()
            .map(|p| p.value.as_str()),
        Some("root")
    );
    assert_eq!(serde_json::to_value(&decoded).ok(), Some(tree));
    let list = json!({"value": 1, "next": {"value": 2, "next": null}});
    let decoded: ListNode = serde_json::from_value(list.clone()).expect("a list");
    assert_eq!(decoded.next.as_ref().map(|n| n.value), Some(2));
    assert_eq!(serde_json::to_value(&decoded).ok(), Some(list));
}
