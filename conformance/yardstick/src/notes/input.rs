//! The bodies of the notes API, checked against `NewNote` and `NotePatch` by hand, as the
//! service's own validation would: every constraint of the schemas, nothing more.

use serde_json::{Map, Value};

pub(crate) const STATUSES: [&str; 3] = ["draft", "published", "archived"];

/// The properties a body sets.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    pub title: Option<String>,
    pub body: Option<String>,
    pub tags: Option<Vec<String>>,
    pub status: Option<String>,
}

/// A `NewNote`: an object with a `title`, and no property the schema does not list.
pub(crate) fn new_note(value: &Value) -> Result<Fields, String> {
    let object = value.as_object().ok_or("the body must be an object")?;
    let fields = fields(object)?;
    if fields.title.is_none() {
        return Err("title is required".into());
    }
    Ok(fields)
}

/// A `NotePatch`: an object with at least one property, none the schema does not list.
pub(crate) fn note_patch(value: &Value) -> Result<Fields, String> {
    let object = value.as_object().ok_or("the body must be an object")?;
    if object.is_empty() {
        return Err("a change sets at least one property".into());
    }
    fields(object)
}

fn fields(object: &Map<String, Value>) -> Result<Fields, String> {
    let mut fields = Fields::default();
    for (name, value) in object {
        match name.as_str() {
            "title" => fields.title = Some(text(name, value, 1, 200)?),
            "body" => fields.body = Some(text(name, value, 0, 10_000)?),
            "tags" => fields.tags = Some(tags(value)?),
            "status" => {
                let status = value.as_str().ok_or("status must be a string")?;
                if !STATUSES.contains(&status) {
                    return Err(format!("status must be one of {}", STATUSES.join(", ")));
                }
                fields.status = Some(status.to_owned());
            }
            other => return Err(format!("unknown property `{other}`")),
        }
    }
    Ok(fields)
}

/// A string of `min` to `max` characters.
fn text(name: &str, value: &Value, min: usize, max: usize) -> Result<String, String> {
    let text = value
        .as_str()
        .ok_or_else(|| format!("{name} must be a string"))?;
    let length = text.chars().count();
    if length < min || length > max {
        return Err(format!("{name} must be {min} to {max} characters"));
    }
    Ok(text.to_owned())
}

/// At most ten distinct tags of 1 to 30 characters.
fn tags(value: &Value) -> Result<Vec<String>, String> {
    let items = value.as_array().ok_or("tags must be an array")?;
    if items.len() > 10 {
        return Err("at most 10 tags".into());
    }
    let mut tags: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let tag = text("a tag", item, 1, 30)?;
        if tags.contains(&tag) {
            return Err(format!("tag `{tag}` is repeated"));
        }
        tags.push(tag);
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_are_held_to_their_schemas() {
        assert!(new_note(&json!({"title": "a"})).is_ok());
        assert!(new_note(&json!({"body": "a"})).is_err());
        assert!(new_note(&json!({"title": ""})).is_err());
        assert!(new_note(&json!({"title": "a", "extra": 1})).is_err());
        assert!(new_note(&json!({"title": "a", "tags": ["x", "x"]})).is_err());
        assert!(new_note(&json!({"title": "a", "status": "new"})).is_err());
        assert!(new_note(&json!(["title"])).is_err());
        assert!(note_patch(&json!({})).is_err());
        assert!(note_patch(&json!({"title": null})).is_err());
        assert!(note_patch(&json!({"status": "archived"})).is_ok());
    }
}
