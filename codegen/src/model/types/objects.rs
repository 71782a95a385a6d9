//! Objects: properties with their presence (required, nullable, defaulted), `allOf` members
//! merged in, additional properties, and the file parts of multipart bodies.

use serde_json::Value;

use super::*;

/// The properties of an object schema, with `allOf` members merged in.
#[derive(Default)]
pub(super) struct ObjectShape<'v> {
    pub(super) properties: Vec<(String, &'v Value, JsonPointer)>,
    pub(super) required: BTreeSet<String>,
    pub(super) additional: Option<(&'v Value, JsonPointer)>,
}

impl<'a> TypeSpace<'a> {
    pub(super) fn object_shape(
        &mut self,
        schema: &'a Value,
        at: &JsonPointer,
        hint: &str,
    ) -> Shape {
        let mut shape = ObjectShape::default();
        let mut visiting = BTreeSet::new();
        self.gather_object(schema, at, &mut shape, &mut visiting);
        if let Some(tag) = self.union_owned_tags.get(&at.to_string()) {
            shape.properties.retain(|(name, _, _)| name != tag);
            shape.required.remove(tag);
        }
        if shape.properties.is_empty() {
            return Shape::Ref(match shape.additional {
                Some((additional, additional_at))
                    if additional.is_object() && !is_empty_schema(additional) =>
                {
                    let converted =
                        self.convert(additional, &additional_at, &format!("{hint}Value"));
                    let value = if converted.nullable {
                        converted.ty.option()
                    } else {
                        converted.ty
                    };
                    TypeRef::Map(Box::new(value))
                }
                _ => TypeRef::Builtin(Builtin::JsonObject),
            });
        }
        let struct_name = pascal_case(hint, "Type");
        let multipart = self.multipart_roots.contains(&at.to_string());
        let mut field_namer = Namer::new();
        let mut fields = Vec::new();
        for (wire_name, property, property_at) in shape.properties {
            let name = field_namer.claim(&snake_case(&wire_name, "field"));
            let file = multipart.then(|| self.file_part_type(property)).flatten();
            let converted = match file {
                Some(converted) => converted,
                None => self.convert(
                    property,
                    &property_at,
                    &format!("{struct_name}{}", pascal_case(&wire_name, "Field")),
                ),
            };
            let resolved = self.resolved(property);
            let read_or_write_only = resolved.is_some_and(|p| {
                p.get("readOnly") == Some(&Value::Bool(true))
                    || p.get("writeOnly") == Some(&Value::Bool(true))
            });
            let required = shape.required.contains(&wire_name) && !read_or_write_only;
            // Read- and write-only properties stay `Option` (one type serves both directions),
            // and a `$ref`'s siblings are ignored in OpenAPI 3.0.
            let spec_default = resolved
                .filter(|_| !required && !read_or_write_only && property.get("$ref").is_none())
                .and_then(|p| p.get("default"))
                .cloned();
            let presence = match (required, converted.nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            let mut doc = resolved.map(doc_of).unwrap_or_default();
            if property.get("$ref").is_some() {
                // A `$ref`'s own description is ignored by OpenAPI 3.0; the target documents itself.
                doc = Doc {
                    deprecated: doc.deprecated,
                    ..Doc::default()
                };
            }
            if let Some(p) = resolved {
                if p.get("readOnly") == Some(&Value::Bool(true)) {
                    doc.notes
                        .push("Read-only: sent by the server, ignored in requests.".into());
                }
                if p.get("writeOnly") == Some(&Value::Bool(true)) {
                    doc.notes
                        .push("Write-only: sent in requests, never in responses.".into());
                }
                if let Some(default) = p.get("default") {
                    if property.get("$ref").is_none() {
                        doc.notes
                            .push(format!("Defaults to `{default}` when absent."));
                    }
                }
            }
            fields.push(Field {
                name,
                wire_name,
                ty: converted.ty,
                presence,
                doc,
                spec_default,
                default: None,
            });
        }
        let deny_unknown = matches!(shape.additional, Some((Value::Bool(false), _)));
        let extra = match shape.additional {
            // `true` or `{}` beside declared properties: any other property is kept, as JSON.
            Some((Value::Bool(true), _)) => Some(TypeRef::Builtin(Builtin::Json)),
            Some((additional, _)) if is_empty_schema(additional) => {
                Some(TypeRef::Builtin(Builtin::Json))
            }
            Some((additional, additional_at)) if additional.is_object() => {
                let converted =
                    self.convert(additional, &additional_at, &format!("{struct_name}Value"));
                Some(if converted.nullable {
                    converted.ty.option()
                } else {
                    converted.ty
                })
            }
            _ => None,
        };
        Shape::Kind(TypeKind::Struct(StructDef {
            fields,
            extra,
            deny_unknown,
        }))
    }

    /// Bytes for a `format: binary` property of a multipart body (a file part), a list of them
    /// for an array of such (several files under one name).
    pub(super) fn file_part_type(&self, property: &'a Value) -> Option<Converted> {
        let resolved = self.resolved(property)?;
        let is_binary = |schema: &Value| {
            schema_type_of(schema) == Some("string")
                && schema.get("format").and_then(Value::as_str) == Some("binary")
        };
        let ty = if is_binary(resolved) {
            TypeRef::Builtin(Builtin::Bytes)
        } else if schema_type_of(resolved) == Some("array")
            && resolved
                .get("items")
                .and_then(|items| self.resolved(items))
                .is_some_and(is_binary)
        {
            TypeRef::Vec(Box::new(TypeRef::Builtin(Builtin::Bytes)))
        } else {
            return None;
        };
        Some(Converted {
            ty,
            nullable: is_nullable(resolved),
        })
    }

    /// Collects properties from `schema` and, recursively, its `allOf` members and their `$ref`s.
    /// A property defined twice keeps its first definition; `required` accumulates.
    pub(super) fn gather_object(
        &mut self,
        schema: &'a Value,
        at: &JsonPointer,
        shape: &mut ObjectShape<'a>,
        visiting: &mut BTreeSet<String>,
    ) {
        let (schema, at) = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let Ok(target) = local_ref_target(reference) else {
                    return;
                };
                if !visiting.insert(target.clone()) {
                    return;
                }
                let (Some(schema), Some(pointer)) =
                    (self.spec.pointer(&target), JsonPointer::parse(&target))
                else {
                    self.warn(
                        at,
                        format!("`{reference}` points to nothing; its properties are left out"),
                    );
                    return;
                };
                (schema, pointer)
            }
            None => (schema, at.clone()),
        };
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            for (index, member) in members.iter().enumerate() {
                let member_at = at.join("allOf").join(index.to_string());
                let resolved = self.resolved(member);
                let objectish = resolved.is_some_and(|m| {
                    m.get("properties").is_some()
                        || m.get("allOf").is_some()
                        || m.get("additionalProperties").is_some()
                        || schema_type_of(m) == Some("object")
                        || is_constraint_only(m)
                });
                if objectish {
                    self.gather_object(member, &member_at, shape, visiting);
                } else {
                    self.warn(&member_at, "allOf member is not an object schema; its constraints are not merged into the type");
                }
            }
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                if shape
                    .properties
                    .iter()
                    .any(|(existing, _, _)| existing == name)
                {
                    continue;
                }
                shape.properties.push((
                    name.clone(),
                    property,
                    at.join("properties").join(name.as_str()),
                ));
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            shape
                .required
                .extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        if shape.additional.is_none() {
            if let Some(additional) = schema.get("additionalProperties") {
                shape.additional = Some((additional, at.join("additionalProperties")));
            }
        }
    }
}
