//! Unions: a `oneOf`/`anyOf` becomes a tagged enum when a `discriminator` (or a required
//! property with one value per member) tells its members apart, and an untagged one otherwise.
//! A tagged union's inline members leave the tag to the union.

use serde_json::{Map, Value};

use super::*;

impl<'a> TypeSpace<'a> {
    pub(super) fn union_shape(
        &mut self,
        object: &'a Map<String, Value>,
        keyword: &str,
        members: &'a [Value],
        at: &JsonPointer,
        hint: &str,
        named: Option<usize>,
    ) -> Shape {
        let members: Vec<(usize, &'a Value)> = members
            .iter()
            .enumerate()
            .filter(|(_, member)| !self.member_is_null(member))
            .collect();
        if members.is_empty() {
            return Shape::Ref(TypeRef::Builtin(Builtin::Json));
        }
        if members.len() == 1 {
            let (index, member) = members[0];
            let member_at = at.join(keyword).join(index.to_string());
            return Shape::Ref(self.convert(member, &member_at, hint).ty);
        }
        let discriminator = object
            .get("discriminator")
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str);
        let parent_name = match named {
            Some(index) => self.defs[index].name.clone(),
            None => pascal_case(hint, "Type"),
        };
        if let Some(tag) = discriminator {
            if members.iter().all(|(_, m)| m.get("$ref").is_some()) {
                return self.tagged_shape(object, tag, &members, keyword, at, &parent_name);
            }
        }
        if let Some((tag, values)) = self.implicit_tag(&members) {
            return self.implicitly_tagged_shape(
                &tag,
                &values,
                &members,
                keyword,
                at,
                &parent_name,
            );
        }
        let mut namer = Namer::new();
        let mut variants = Vec::new();
        for (index, member) in members {
            let member_at = at.join(keyword).join(index.to_string());
            let base = variant_base_name(member, index);
            let converted = self.convert(member, &member_at, &format!("{parent_name}{base}"));
            let ty = if converted.nullable {
                converted.ty.option()
            } else {
                converted.ty
            };
            let name = match &ty {
                TypeRef::Named(i) if member.get("$ref").is_some() => {
                    namer.claim(&self.defs[*i].name.clone())
                }
                _ => namer.claim(&base),
            };
            variants.push(UntaggedVariant { name, ty });
        }
        Shape::Kind(TypeKind::Untagged(UntaggedDef { variants }))
    }

    /// The property that tells the members apart when the spec names no discriminator: one
    /// that every member requires, each with a single string value of its own (`type: {enum:
    /// [disk]}`). Decoding by it, rather than trying each member in turn, keeps a value from
    /// landing in the first member that happens to fit, and names variants by their tag.
    pub(super) fn implicit_tag(
        &self,
        members: &[(usize, &'a Value)],
    ) -> Option<(String, Vec<String>)> {
        let single_value = |schema: &Value| -> Option<String> {
            let schema = self.resolved(schema)?;
            if schema.get("nullable") == Some(&Value::Bool(true)) {
                return None;
            }
            match schema
                .get("enum")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                Some([Value::String(value)]) => Some(value.clone()),
                _ => None,
            }
        };
        let tagged_properties = |member: &'a Value| -> Option<Vec<(String, String)>> {
            let member = self.resolved(member)?;
            if member.get("nullable") == Some(&Value::Bool(true))
                || member.get("allOf").is_some()
                || member.get("oneOf").is_some()
                || member.get("anyOf").is_some()
            {
                return None;
            }
            let properties = member.get("properties")?.as_object()?;
            let required = member.get("required")?.as_array()?;
            Some(
                required
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(|name| {
                        let value = single_value(properties.get(name)?)?;
                        Some((name.to_owned(), value))
                    })
                    .collect(),
            )
        };
        let per_member: Vec<Vec<(String, String)>> = members
            .iter()
            .map(|(_, member)| tagged_properties(member))
            .collect::<Option<_>>()?;
        let (first, rest) = per_member.split_first()?;
        first.iter().find_map(|(name, _)| {
            let values: Vec<String> = per_member
                .iter()
                .map(|tags| {
                    tags.iter()
                        .find(|(candidate, _)| candidate == name)
                        .map(|(_, value)| value.clone())
                })
                .collect::<Option<_>>()?;
            let distinct: BTreeSet<&String> = values.iter().collect();
            (distinct.len() == values.len() && !rest.is_empty()).then(|| (name.clone(), values))
        })
    }

    pub(super) fn implicitly_tagged_shape(
        &mut self,
        tag: &str,
        values: &[String],
        members: &[(usize, &'a Value)],
        keyword: &str,
        at: &JsonPointer,
        parent_name: &str,
    ) -> Shape {
        let mut namer = Namer::with_reserved(["Unknown"]);
        let mut variants = Vec::new();
        for ((index, member), value) in members.iter().zip(values) {
            let member_at = at.join(keyword).join(index.to_string());
            let base = pascal_case(value, "Variant");
            let mut doc = Doc::default();
            // A shared (`$ref`) member keeps its tag, since it is also used alone. An inline one
            // is this variant's own: its tag is the union's to write, and without it the member
            // needs no one-value enum, nor any type at all when the tag was all it had.
            let hint = format!("{parent_name}{base}");
            let payload = if member.get("$ref").is_some() {
                TaggedPayload::WithTag(self.convert(member, &member_at, &hint).ty)
            } else if only_property_is(member, tag) {
                doc = doc_of(member);
                TaggedPayload::Nothing
            } else {
                self.union_owned_tags
                    .insert(member_at.to_string(), tag.to_owned());
                TaggedPayload::WithoutTag(self.convert(member, &member_at, &hint).ty)
            };
            variants.push(TaggedVariant {
                name: namer.claim(&base),
                tags: vec![value.clone()],
                payload,
                doc,
            });
        }
        Shape::Kind(TypeKind::Tagged(TaggedDef {
            tag: tag.to_owned(),
            variants,
        }))
    }

    pub(super) fn tagged_shape(
        &mut self,
        object: &Map<String, Value>,
        tag: &str,
        members: &[(usize, &'a Value)],
        keyword: &str,
        at: &JsonPointer,
        parent_name: &str,
    ) -> Shape {
        let mapping: Vec<(String, String)> = object
            .get("discriminator")
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object)
            .map(|mapping| {
                mapping
                    .iter()
                    .filter_map(|(value, target)| {
                        Some((value.clone(), target.as_str()?.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut namer = Namer::with_reserved(["Unknown"]);
        let mut variants = Vec::new();
        for (index, member) in members {
            let member_at = at.join(keyword).join(index.to_string());
            let reference = member
                .get("$ref")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let target = local_ref_target(reference).unwrap_or_default();
            let schema_name = target.rsplit('/').next().unwrap_or_default().to_owned();
            // Mapping values name their target by `$ref` or by bare schema name.
            let mut tags: Vec<String> = mapping
                .iter()
                .filter(|(_, to)| {
                    *to == reference
                        || local_ref_target(to).ok().as_deref() == Some(target.as_str())
                        || *to == schema_name
                })
                .map(|(value, _)| value.clone())
                .collect();
            if tags.is_empty() {
                tags.push(schema_name.clone());
            }
            let converted = self.convert(
                member,
                &member_at,
                &format!("{parent_name}{}", pascal_case(&schema_name, "Variant")),
            );
            let name = match &converted.ty {
                TypeRef::Named(i) => namer.claim(&self.defs[*i].name.clone()),
                _ => namer.claim(&pascal_case(&tags[0], "Variant")),
            };
            variants.push(TaggedVariant {
                name,
                tags,
                payload: TaggedPayload::WithTag(converted.ty),
                doc: Doc::default(),
            });
        }
        Shape::Kind(TypeKind::Tagged(TaggedDef {
            tag: tag.to_owned(),
            variants,
        }))
    }
}

fn variant_base_name(member: &Value, index: usize) -> String {
    if let Some(title) = member.get("title").and_then(Value::as_str) {
        return pascal_case(title, "Variant");
    }
    if let Some(reference) = member.get("$ref").and_then(Value::as_str) {
        return pascal_case(reference.rsplit('/').next().unwrap_or_default(), "Variant");
    }
    // An inline object is best named by what sets it apart: its one required property.
    if let Some([only]) = member
        .get("required")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        if let Some(name) = only.as_str() {
            return pascal_case(name, "Variant");
        }
    }
    match member.as_object().and_then(schema_type) {
        Some("string") => match member.get("format").and_then(Value::as_str) {
            Some("date-time") => "DateTime".into(),
            Some("date") => "Date".into(),
            Some("uuid") => "Uuid".into(),
            _ => "String".into(),
        },
        Some("integer") => "Integer".into(),
        Some("number") => "Number".into(),
        Some("boolean") => "Boolean".into(),
        Some("array") => "Array".into(),
        Some("object") => "Object".into(),
        _ => format!("Variant{index}"),
    }
}

/// Whether an inline object schema declares `property` and nothing else: no other property,
/// no `additionalProperties` that would keep more.
fn only_property_is(schema: &Value, property: &str) -> bool {
    let only_it = schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|properties| properties.len() == 1 && properties.contains_key(property));
    let keeps_more = schema
        .get("additionalProperties")
        .is_some_and(|additional| additional != &Value::Bool(false));
    only_it && !keeps_more
}
