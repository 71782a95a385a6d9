//! The type space: schemas → [`TypeDef`]s, with names and `$ref` resolution in one place.
//! Unions (`oneOf`/`anyOf`) are converted in [`unions`], objects (properties, `allOf` merged,
//! additional properties, multipart file parts) in [`objects`]; [`keywords`] reads what single
//! keywords say.
//!
//! Every component schema is registered (named, given an index) before any is converted, so
//! `$ref`s — recursive ones included — resolve to [`TypeRef::Named`] without converting the
//! target again. Inline schemas that need a named Rust type (objects, enums, unions) are named
//! after where they stand (`Pet` + property `owner` → `PetOwner`).

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

mod keywords;
mod objects;
mod unions;

pub(crate) use keywords::doc_of;
use keywords::{
    admits_only_null, integer_type, is_constraint_only, is_empty_schema, is_nullable, number_type,
    schema_type, schema_type_of, string_type,
};

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
        pointer.resolve(self.spec)
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

    /// Whether a union member (or its `$ref` target) stands for `null` alone: `type: "null"`,
    /// a bare `nullable: true`, or an `enum` of `null` only.
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
            || admits_only_null(member)
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

    /// The schema itself, or the target of its `$ref`.
    fn resolved(&self, schema: &'a Value) -> Option<&'a Value> {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.spec.pointer(&local_ref_target(reference).ok()?),
            None => Some(schema),
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
}

enum Shape {
    Ref(TypeRef),
    Kind(TypeKind),
}
