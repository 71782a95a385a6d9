//! What the clients of the OpenAPI 3.1 fixtures do with JSON: `type` lists with `null` (null
//! against absent), unions of several types, `const` as a value and as a tag, the keywords that
//! fall back, and top-level webhooks.

use callspec_runtime::reqwest;
use fixture_tests::json_schema_keywords::types::{Document, Language};
use fixture_tests::json_schema_types::types::{
    Account, AccountExtra, AccountId, AccountKind, Card, CardMethod, Payment, Score,
};
use fixture_tests::webhooks_only::types::CancellationReason;
use fixture_tests::webhooks_only::webhooks;
use serde_json::{json, Value};

fn decode<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|error| error.to_string())
}

fn encode<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|error| json!(format!("does not encode: {error}")))
}

fn account() -> Value {
    json!({
        "id": 7,
        "nickname": null,
        "kind": "personal",
        "payment": {"method": "card", "last4": "4242"},
    })
}

#[test]
fn a_required_type_list_with_null_takes_null_and_writes_it_back() {
    let decoded: Account = decode(account()).expect("the account decodes");
    assert_eq!(decoded.nickname, None);
    assert_eq!(decoded.kind, AccountKind::Personal);
    let written = encode(&decoded);
    assert_eq!(written["nickname"], Value::Null);
    // A client reads leniently what a server may leave out: an absent required nullable
    // property reads as null, as in 3.0 clients; the conformance suite is the strict reader.
    let mut absent = account();
    absent.as_object_mut().map(|a| a.remove("nickname"));
    assert_eq!(decode::<Account>(absent).map(|a| a.nickname), Ok(None));
    // Anything else than a string or null is refused.
    let mut number = account();
    number["nickname"] = json!(5);
    assert!(decode::<Account>(number).is_err());
}

#[test]
fn an_optional_type_list_with_null_tells_null_from_absent() {
    let mut with_null = account();
    with_null["tags"] = Value::Null;
    with_null["owner"] = Value::Null;
    let decoded: Account = decode(with_null).expect("null tags decode");
    assert_eq!(decoded.tags, Some(None));
    assert_eq!(decoded.owner, Some(None));
    let written = encode(&decoded);
    assert_eq!(written["tags"], Value::Null);
    assert_eq!(written["owner"], Value::Null);

    let decoded: Account = decode(account()).expect("absent tags decode");
    assert_eq!(decoded.tags, None);
    let written = encode(&decoded);
    assert!(written.get("tags").is_none(), "{written}");
    assert!(written.get("owner").is_none(), "{written}");

    let mut with_owner = account();
    with_owner["owner"] = json!({"name": "Ada"});
    with_owner["tags"] = json!(["a"]);
    let decoded: Account = decode(with_owner).expect("an owner decodes");
    assert_eq!(
        decoded.owner.flatten().map(|owner| owner.name),
        Some("Ada".to_owned())
    );
    assert_eq!(decoded.tags, Some(Some(vec!["a".to_owned()])));
}

#[test]
fn a_list_of_several_types_is_a_union_that_round_trips_each() {
    assert_eq!(decode(json!(7)), Ok(AccountId::Integer(7)));
    assert_eq!(
        decode(json!("acc_7")),
        Ok(AccountId::String("acc_7".into()))
    );
    assert!(decode::<AccountId>(json!(true)).is_err());
    assert_eq!(encode(&AccountId::String("acc_7".into())), json!("acc_7"));
    for value in [json!(1), json!("x"), json!(false)] {
        let extra: AccountExtra = decode(value.clone()).expect("each listed type decodes");
        assert_eq!(encode(&extra), value);
    }
    let mut with_null = account();
    with_null["extra"] = Value::Null;
    let decoded: Account = decode(with_null).expect("null extra decodes");
    assert_eq!(decoded.extra, Some(None));
}

#[test]
fn const_tags_choose_the_member_and_are_written_back() {
    let payment: Payment = decode(json!({"method": "transfer", "iban": "DE00"})).expect("decodes");
    assert!(
        matches!(&payment, Payment::Transfer(t) if t.iban == "DE00"),
        "{payment:?}"
    );
    assert_eq!(
        encode(&payment),
        json!({"method": "transfer", "iban": "DE00"})
    );
    let card = Payment::Card(Card {
        method: CardMethod::Card,
        last4: "4242".into(),
    });
    assert_eq!(encode(&card), json!({"method": "card", "last4": "4242"}));
    // A tag the spec does not list is kept, as received.
    let unknown: Payment = decode(json!({"method": "cash"})).expect("decodes");
    assert_eq!(unknown, Payment::Unknown(json!({"method": "cash"})));
}

#[test]
fn a_nullable_named_number_keeps_its_bounds() {
    assert_eq!(decode::<Score>(json!(0.5)).map(Score::get), Ok(0.5));
    assert!(decode::<Score>(json!(1.5)).is_err());
    let mut with_null = account();
    with_null["score"] = Value::Null;
    let decoded: Account = decode(with_null).expect("a null score decodes");
    assert_eq!(decoded.score, Some(None));
}

#[test]
fn keywords_that_fall_back_still_decode_what_the_spec_allows() {
    let document = json!({
        "id": "doc_1",
        "checksum": "aGVsbG8=",
        "owner": {"userId": "u1"},
        "pages": 3,
        "position": [1.5, 2],
        "labels": {"draft": "yes"},
        "retention": {"days": 30, "until": "2027-01-01"},
    });
    let decoded: Document = decode(document.clone()).expect("the document decodes");
    assert_eq!(decoded.checksum.0, b"hello".to_vec());
    assert_eq!(decoded.owner.user_id, "u1");
    // `$ref` beside `default`: the default is the field's.
    assert_eq!(decoded.language, Language::En);
    assert_eq!(decoded.position, Some(vec![json!(1.5), json!(2)]));
    assert_eq!(
        decoded
            .labels
            .as_ref()
            .and_then(|labels| labels.get("draft")),
        Some(&"yes".to_owned())
    );
    let written = encode(&decoded);
    assert_eq!(written["retention"], document["retention"]);
    assert_eq!(written["position"], document["position"]);
}

#[test]
fn a_top_level_webhook_and_one_from_components_path_items_parse_their_deliveries() {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "content-type",
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    let shipped = json!({"orderId": "o1", "carrier": null}).to_string();
    match webhooks::parse_order_shipped(&headers, shipped.as_bytes()) {
        Ok(delivery) => {
            let shipment = delivery.payload.expect("a body");
            assert_eq!(shipment.order_id, "o1");
            assert_eq!(shipment.carrier, None);
        }
        Err(error) => panic!("a documented delivery parses: {error}"),
    }
    let cancelled = json!({"orderId": "o1", "reason": "stock"}).to_string();
    assert!(webhooks::parse_order_cancelled(&headers, cancelled.as_bytes()).is_err());
    headers.insert(
        "x-signature",
        reqwest::header::HeaderValue::from_static("sig"),
    );
    match webhooks::parse_order_cancelled(&headers, cancelled.as_bytes()) {
        Ok(delivery) => {
            assert_eq!(delivery.headers.signature, "sig");
            assert_eq!(delivery.payload.reason, CancellationReason::Stock);
        }
        Err(error) => panic!("a documented delivery parses: {error}"),
    }
}
