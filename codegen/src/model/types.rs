//! The type space: schemas → [`TypeDef`]s, with names and `$ref` resolution in one place.
//!
//! Every component schema is registered (named, given an index) before any is converted, so
//! `$ref`s — recursive ones included — resolve to [`TypeRef::Named`] without converting the
//! target again. Inline schemas that need a named Rust type (objects, enums, unions) are named
//! after where they stand (`Pet` + property `owner` → `PetOwner`).

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::{
    Builtin, Constraints, Doc, EnumDef, EnumVariant, Field, NewtypeDef, Presence, StructDef,
    TaggedDef, TaggedPayload, TaggedVariant, TypeDef, TypeKind, TypeRef, UntaggedDef,
    UntaggedVariant,
};
use crate::load::{local_ref_target, JsonPointer, Warning};
use crate::naming::{pascal_case, snake_case, Namer};

/// Names the generated `types` module must not use: they would shadow what its code refers to.
const RESERVED_TYPE_NAMES: [&str; 34] = [
    "Self",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Serialize",
    "Deserialize",
    "Send",
    "Sync",
    "Sized",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Iterator",
    "ToString",
    "ToOwned",
    "Drop",
    "AsRef",
    "PartialOrd",
    "Ord",
    "Display",
];

/// The result of converting one schema: its type, and whether `null` is also allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub ty: TypeRef,
    pub nullable: bool,
}

/// Every generated type of a spec, in the order they were created (components first).
#[derive(Debug)]
pub struct TypeSpace<'a> {
    spec: &'a Value,
    pub defs: Vec<TypeDef>,
    namer: Namer,
    /// Schema pointer → its converted type, for components and other `$ref` targets.
    by_pointer: HashMap<String, Converted>,
    /// Targets being converted, to stop a `$ref` cycle through non-component schemas.
    converting: BTreeSet<String>,
    /// Pointers of the schemas of multipart request bodies: their `format: binary` properties
    /// are file parts (bytes), where elsewhere `binary` inside JSON can only be text.
    multipart_roots: BTreeSet<String>,
    /// Pointers of inline union members → the tag property their union reads and writes for
    /// them, which their own type leaves out.
    union_owned_tags: HashMap<String, String>,
    pub warnings: Vec<Warning>,
}

/// The properties of an object schema, with `allOf` members merged in.
#[derive(Default)]
struct ObjectShape<'v> {
    properties: Vec<(String, &'v Value, JsonPointer)>,
    required: BTreeSet<String>,
    additional: Option<(&'v Value, JsonPointer)>,
}

impl<'a> TypeSpace<'a> {
    /// Registers and converts every component schema of `spec` (the document as JSON).
    /// `multipart_roots` are the pointers of the schemas of the multipart bodies clients send
    /// ([`Api::multipart_schemas`](crate::api::Api::multipart_schemas)).
    pub fn new(spec: &'a Value, multipart_roots: BTreeSet<String>) -> Self {
        let mut space = TypeSpace {
            spec,
            defs: Vec::new(),
            namer: Namer::with_reserved(RESERVED_TYPE_NAMES),
            by_pointer: HashMap::new(),
            converting: BTreeSet::new(),
            multipart_roots,
            union_owned_tags: HashMap::new(),
            warnings: Vec::new(),
        };
        let schemas_at = JsonPointer::root().join("components").join("schemas");
        let names: Vec<String> = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default();
        let mut registered = Vec::new();
        for name in &names {
            let pointer = schemas_at.join(name.as_str());
            let rust_name = space.namer.claim(&pascal_case(name, "Schema"));
            let index = space.placeholder(&rust_name, &pointer);
            let nullable = space.schema_at(&pointer).is_some_and(is_nullable);
            space.by_pointer.insert(
                pointer.to_string(),
                Converted {
                    ty: TypeRef::Named(index),
                    nullable,
                },
            );
            registered.push((index, pointer));
        }
        for (index, pointer) in registered {
            let Some(schema) = space.schema_at(&pointer) else {
                continue;
            };
            let (kind, doc) = space.named_kind(schema, &pointer, index);
            space.defs[index].kind = kind;
            space.defs[index].doc = doc;
        }
        space
    }

    fn schema_at(&self, pointer: &JsonPointer) -> Option<&'a Value> {
        self.spec.pointer(&pointer.to_string())
    }

    fn placeholder(&mut self, name: &str, origin: &JsonPointer) -> usize {
        self.defs.push(TypeDef {
            name: name.to_owned(),
            doc: Doc::default(),
            origin: origin.to_string(),
            kind: TypeKind::Alias(TypeRef::Builtin(Builtin::Json)),
        });
        self.defs.len() - 1
    }

    fn warn(&mut self, pointer: &JsonPointer, message: impl Into<String>) {
        self.warnings.push(Warning {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    /// Claims a type name for something the operations add to `types` (options, headers…).
    pub fn claim_name(&mut self, hint: &str) -> String {
        self.namer.claim(&pascal_case(hint, "Type"))
    }

    /// A new named type at `origin`, named after `hint`.
    pub fn add(&mut self, hint: &str, origin: &JsonPointer, kind: TypeKind, doc: Doc) -> TypeRef {
        let name = self.namer.claim(&pascal_case(hint, "Type"));
        self.defs.push(TypeDef {
            name,
            doc,
            origin: origin.to_string(),
            kind,
        });
        TypeRef::Named(self.defs.len() - 1)
    }

    /// The kind and docs of a component schema: like any schema, except that a bare primitive or
    /// array becomes an alias (keeping the spec's name) and a constrained one a newtype.
    fn named_kind(&mut self, schema: &'a Value, at: &JsonPointer, index: usize) -> (TypeKind, Doc) {
        let doc = doc_of(schema);
        let name = self.defs[index].name.clone();
        if let Some(newtype) = self.newtype(schema) {
            return (TypeKind::Newtype(newtype), doc);
        }
        let converted = self.convert_shape(schema, at, &name, Some(index));
        match converted {
            Shape::Kind(kind) => (kind, doc),
            Shape::Ref(ty) => (TypeKind::Alias(ty), doc),
        }
    }

    /// A string or number schema with checks worth making at construction.
    fn newtype(&mut self, schema: &Value) -> Option<NewtypeDef> {
        if schema.get("enum").is_some() || schema.get("$ref").is_some() {
            return None;
        }
        let kind = schema.get("type").and_then(Value::as_str)?;
        let mut constraints = Constraints::default();
        let inner = match kind {
            "string" => {
                let ty = string_type(schema);
                if ty != Builtin::String {
                    return None;
                }
                constraints.pattern = schema
                    .get("pattern")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                constraints.min_length = schema
                    .get("minLength")
                    .and_then(Value::as_u64)
                    .and_then(|n| usize::try_from(n).ok());
                constraints.max_length = schema
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .and_then(|n| usize::try_from(n).ok());
                TypeRef::Builtin(ty)
            }
            "integer" | "number" => {
                constraints.minimum = schema.get("minimum").and_then(Value::as_f64);
                constraints.maximum = schema.get("maximum").and_then(Value::as_f64);
                constraints.exclusive_minimum =
                    schema.get("exclusiveMinimum") == Some(&Value::Bool(true));
                constraints.exclusive_maximum =
                    schema.get("exclusiveMaximum") == Some(&Value::Bool(true));
                TypeRef::Builtin(if kind == "integer" {
                    integer_type(schema)
                } else {
                    number_type(schema)
                })
            }
            _ => return None,
        };
        (!constraints.is_empty()).then_some(NewtypeDef { inner, constraints })
    }

    /// The type of the schema at `at` (possibly a `$ref`), naming new types after `hint`.
    pub fn convert(&mut self, schema: &'a Value, at: &JsonPointer, hint: &str) -> Converted {
        if let Some(reference) = schema.get("$ref") {
            return self.convert_ref(reference, at, hint);
        }
        let nullable = is_nullable(schema);
        match self.convert_shape(schema, at, hint, None) {
            Shape::Ref(ty) => Converted {
                ty,
                nullable: nullable || self.nullable_through(schema),
            },
            Shape::Kind(kind) => {
                let ty = self.add(hint, at, kind, doc_of(schema));
                Converted { ty, nullable }
            }
        }
    }

    /// Whether a schema that converts to another schema's type (a single `allOf`/`oneOf` member)
    /// inherits that member's nullability.
    fn nullable_through(&self, schema: &Value) -> bool {
        ["allOf", "oneOf", "anyOf"].iter().any(|keyword| {
            schema
                .get(*keyword)
                .and_then(Value::as_array)
                .is_some_and(|members| members.iter().any(|m| self.member_is_null(m)))
        })
    }

    fn member_is_null(&self, member: &Value) -> bool {
        let member = match member.get("$ref").and_then(Value::as_str) {
            Some(reference) => match local_ref_target(reference)
                .ok()
                .and_then(|t| self.spec.pointer(&t))
            {
                Some(target) => target,
                None => return false,
            },
            None => member,
        };
        member.get("type").and_then(Value::as_str) == Some("null")
            || (is_nullable(member) && member.as_object().is_some_and(|m| m.len() == 1))
    }

    fn convert_ref(&mut self, reference: &Value, at: &JsonPointer, hint: &str) -> Converted {
        let json = Converted {
            ty: TypeRef::Builtin(Builtin::Json),
            nullable: false,
        };
        let Some(reference) = reference.as_str() else {
            self.warn(at, "`$ref` is not a string; typed as serde_json::Value");
            return json;
        };
        let target = match local_ref_target(reference) {
            Ok(target) => target,
            Err(err) => {
                self.warn(at, format!("{err}; typed as serde_json::Value"));
                return json;
            }
        };
        if let Some(converted) = self.by_pointer.get(&target) {
            return converted.clone();
        }
        let Some(pointer) = JsonPointer::parse(&target) else {
            self.warn(
                at,
                format!("`{reference}` is not a JSON pointer; typed as serde_json::Value"),
            );
            return json;
        };
        let Some(schema) = self.schema_at(&pointer) else {
            self.warn(
                at,
                format!("`{reference}` points to nothing; typed as serde_json::Value"),
            );
            return json;
        };
        if !self.converting.insert(target.clone()) {
            self.warn(at, format!("`{reference}` is part of a reference cycle outside components/schemas; typed as serde_json::Value"));
            return json;
        }
        let target_hint = pointer
            .tokens()
            .last()
            .map_or(hint, String::as_str)
            .to_owned();
        let converted = self.convert(schema, &pointer, &target_hint);
        self.converting.remove(&target);
        self.by_pointer.insert(target, converted.clone());
        converted
    }

    /// What a schema is, before it is given a name: either an existing type (a builtin, a
    /// collection, another named type) or the kind of a type to define.
    fn convert_shape(
        &mut self,
        schema: &'a Value,
        at: &JsonPointer,
        hint: &str,
        named: Option<usize>,
    ) -> Shape {
        let Value::Object(object) = schema else {
            // `true`/`{}`-like schemas: anything.
            return Shape::Ref(TypeRef::Builtin(Builtin::Json));
        };
        if object.contains_key("$ref") {
            return Shape::Ref(self.convert(schema, at, hint).ty);
        }
        if let Some(values) = object.get("enum").and_then(Value::as_array) {
            return self.enum_shape(object, values, at);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(members) = object.get(keyword).and_then(Value::as_array) {
                if !members.iter().all(is_constraint_only) {
                    return self.union_shape(object, keyword, members, at, hint, named);
                }
            }
        }
        if let Some(members) = object.get("allOf").and_then(Value::as_array) {
            let own_structure =
                object.contains_key("properties") || object.contains_key("additionalProperties");
            if members.len() == 1 && !own_structure {
                let member_at = at.join("allOf").join("0");
                return Shape::Ref(self.convert(&members[0], &member_at, hint).ty);
            }
            return self.object_shape(schema, at, hint);
        }
        match schema_type(object) {
            Some("string") => Shape::Ref(TypeRef::Builtin(string_type(schema))),
            Some("integer") => Shape::Ref(TypeRef::Builtin(integer_type(schema))),
            Some("number") => Shape::Ref(TypeRef::Builtin(number_type(schema))),
            Some("boolean") => Shape::Ref(TypeRef::Builtin(Builtin::Bool)),
            Some("array") => {
                let item = match object.get("items") {
                    Some(items) => {
                        let converted =
                            self.convert(items, &at.join("items"), &format!("{hint}Item"));
                        if converted.nullable {
                            converted.ty.option()
                        } else {
                            converted.ty
                        }
                    }
                    None => TypeRef::Builtin(Builtin::Json),
                };
                Shape::Ref(TypeRef::Vec(Box::new(item)))
            }
            Some("object") => self.object_shape(schema, at, hint),
            Some("null") => Shape::Ref(TypeRef::Builtin(Builtin::Json)),
            Some(other) => {
                self.warn(
                    &at.join("type"),
                    format!("unknown type `{other}`; typed as serde_json::Value"),
                );
                Shape::Ref(TypeRef::Builtin(Builtin::Json))
            }
            None => Shape::Ref(TypeRef::Builtin(Builtin::Json)),
        }
    }

    fn enum_shape(
        &mut self,
        object: &Map<String, Value>,
        values: &[Value],
        at: &JsonPointer,
    ) -> Shape {
        let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        let non_null = values.iter().filter(|v| !v.is_null()).count();
        if non_null == 0 {
            return Shape::Ref(TypeRef::Builtin(Builtin::Json));
        }
        if strings.len() != non_null {
            // Integer, number or mixed enums keep their base type; the values are documented.
            return match schema_type(object) {
                Some("integer") => Shape::Ref(TypeRef::Builtin(integer_type(&Value::Object(
                    object.clone(),
                )))),
                Some("number") => Shape::Ref(TypeRef::Builtin(number_type(&Value::Object(
                    object.clone(),
                )))),
                Some("boolean") => Shape::Ref(TypeRef::Builtin(Builtin::Bool)),
                _ => {
                    self.warn(
                        &at.join("enum"),
                        "enum of mixed types; typed as serde_json::Value",
                    );
                    Shape::Ref(TypeRef::Builtin(Builtin::Json))
                }
            };
        }
        let descriptions = object.get("x-enum-descriptions").and_then(Value::as_array);
        let deprecated: Vec<&str> = object
            .get("x-enum-deprecated")
            .and_then(Value::as_array)
            .map(|values| values.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut namer = Namer::with_reserved(["Unknown"]);
        let mut seen = BTreeSet::new();
        let mut variants = Vec::new();
        for (index, wire) in values.iter().enumerate() {
            let Some(wire) = wire.as_str() else { continue };
            if !seen.insert(wire) {
                continue;
            }
            let base = match wire {
                "" => "Empty".to_owned(),
                _ => pascal_case(wire, "Value"),
            };
            let name = namer.claim(&base);
            let description = descriptions
                .and_then(|d| d.get(index))
                .and_then(Value::as_str)
                .map(str::to_owned);
            variants.push(EnumVariant {
                name,
                wire: wire.to_owned(),
                doc: Doc {
                    description,
                    deprecated: deprecated.contains(&wire),
                    ..Doc::default()
                },
            });
        }
        Shape::Kind(TypeKind::Enum(EnumDef { variants }))
    }

    fn union_shape(
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
    fn implicit_tag(&self, members: &[(usize, &'a Value)]) -> Option<(String, Vec<String>)> {
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

    fn implicitly_tagged_shape(
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

    fn tagged_shape(
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

    fn object_shape(&mut self, schema: &'a Value, at: &JsonPointer, hint: &str) -> Shape {
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
    fn file_part_type(&self, property: &'a Value) -> Option<Converted> {
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

    /// The schema itself, or the target of its `$ref`.
    fn resolved(&self, schema: &'a Value) -> Option<&'a Value> {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.spec.pointer(&local_ref_target(reference).ok()?),
            None => Some(schema),
        }
    }

    /// Collects properties from `schema` and, recursively, its `allOf` members and their `$ref`s.
    /// A property defined twice keeps its first definition; `required` accumulates.
    fn gather_object(
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

enum Shape {
    Ref(TypeRef),
    Kind(TypeKind),
}

fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
        || schema
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|types| types.iter().any(|t| t == "null"))
        || schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(Value::is_null))
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

/// The schema's type, inferred from its keywords where `type` is missing.
fn schema_type(object: &Map<String, Value>) -> Option<&str> {
    match object.get("type") {
        Some(Value::String(kind)) => Some(kind.as_str()),
        // A 3.1-style list: the first type that is not "null".
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null"),
        _ if object.contains_key("properties") || object.contains_key("additionalProperties") => {
            Some("object")
        }
        _ if object.contains_key("items") => Some("array"),
        _ => None,
    }
}

fn schema_type_of(schema: &Value) -> Option<&str> {
    schema.as_object().and_then(schema_type)
}

/// A schema that only constrains (`required`, descriptions), as in `oneOf: [{required: [a]},
/// {required: [b]}]` beside `properties`: it adds no shape.
fn is_constraint_only(schema: &Value) -> bool {
    schema.as_object().is_some_and(|object| {
        object.keys().all(|key| {
            matches!(
                key.as_str(),
                "required" | "description" | "title" | "not" | "minProperties" | "maxProperties"
            ) || key.starts_with("x-")
        })
    })
}

fn is_empty_schema(schema: &Value) -> bool {
    schema.as_object().is_some_and(|object| {
        object.keys().all(|key| {
            matches!(
                key.as_str(),
                "description" | "title" | "nullable" | "example"
            ) || key.starts_with("x-")
        })
    })
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

pub(crate) fn string_type(schema: &Value) -> Builtin {
    match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => Builtin::DateTime,
        Some("date") => Builtin::Date,
        Some("uuid") => Builtin::Uuid,
        Some("byte") => Builtin::Base64,
        // Raw bytes have no JSON form: inside JSON a `binary` string is text. Bodies and file
        // parts of multipart bodies, where bytes are what travels, are typed apart.
        _ => Builtin::String,
    }
}

pub(crate) fn integer_type(schema: &Value) -> Builtin {
    match schema.get("format").and_then(Value::as_str) {
        Some("int8") => Builtin::I8,
        Some("int16") => Builtin::I16,
        Some("int32") => Builtin::I32,
        Some("uint8") => Builtin::U8,
        Some("uint16") => Builtin::U16,
        Some("uint32") => Builtin::U32,
        Some("uint64" | "uint") => Builtin::U64,
        _ => Builtin::I64,
    }
}

pub(crate) fn number_type(schema: &Value) -> Builtin {
    match schema.get("format").and_then(Value::as_str) {
        Some("float") => Builtin::F32,
        _ => Builtin::F64,
    }
}

/// Title, description, deprecation and format notes of a schema or any spec object.
pub(crate) fn doc_of(object: &Value) -> Doc {
    let text = |key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut notes = Vec::new();
    if let Some(format) = object.get("format").and_then(Value::as_str) {
        if !matches!(
            format,
            "date-time"
                | "date"
                | "uuid"
                | "int32"
                | "int64"
                | "float"
                | "double"
                | "byte"
                | "binary"
        ) {
            notes.push(format!("Format: `{format}`."));
        }
    }
    if let Some(values) = object.get("enum").and_then(Value::as_array) {
        if !values.iter().all(Value::is_string) {
            let listed: Vec<String> = values.iter().map(Value::to_string).collect();
            notes.push(format!("One of: {}.", listed.join(", ")));
        }
    }
    Doc {
        title: text("title"),
        description: text("description").or_else(|| text("summary")),
        deprecated: object.get("deprecated") == Some(&Value::Bool(true)),
        notes,
    }
}
