//! The intermediate model: what the generated crate holds, in Rust terms but not yet tokens.
//!
//! It stands on the spec's one reading ([`crate::api`]) and adds Rust names and types:
//! [`TypeSpace`] turns schemas into [`TypeDef`]s and owns their names; `operations` turns the
//! reading's operations into [`ClientMethod`]s that refer to those types. Emission reads only this
//! model.

mod callbacks;
mod defaults;
mod describe;
mod long_running;
mod operations;
mod pagination;
mod recursion;
mod streaming;
mod types;

pub use callbacks::{build_callbacks, Callback, CallbackBody, CallbackBodyKind, CallbackHeader};
pub(crate) use defaults::apply_defaults;
pub(crate) use describe::describe_undocumented;
pub use long_running::{build_long_running, WaitBinding, WaitHelper, WaitSource};
pub use operations::{
    build_operations, Body, BodyKind, ClientMethod, CredentialKind, CredentialSetter, Param,
    ResponseBody, ResponseCase, Responses,
};
pub use operations::{FormEncoding, HeaderField, MultipartPart, PartKind};
pub use pagination::{build_pagination, PageHelper, PageNext, Place};
pub(crate) use recursion::break_cycles;
pub use streaming::{build_streaming, StreamKind, StreamMethod};
pub use types::{Converted, TypeSpace};

/// A reference to a type from a field, a parameter or a body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// A type defined in the generated `types` module, by its index in the [`TypeSpace`].
    Named(usize),
    Builtin(Builtin),
    Vec(Box<TypeRef>),
    /// A string-keyed map (`BTreeMap<String, T>`).
    Map(Box<TypeRef>),
    Option(Box<TypeRef>),
    /// A heap indirection that breaks a recursive type.
    Boxed(Box<TypeRef>),
}

impl TypeRef {
    #[must_use]
    pub fn option(self) -> TypeRef {
        match self {
            TypeRef::Option(_) => self,
            other => TypeRef::Option(Box::new(other)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Builtin {
    String,
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
    /// `chrono::DateTime<chrono::Utc>`
    DateTime,
    /// `chrono::NaiveDate`
    Date,
    Uuid,
    /// `serde_json::Value`: anything.
    Json,
    /// `serde_json::Map<String, serde_json::Value>`: any object.
    JsonObject,
    /// Raw bytes of a body or a multipart part (`Vec<u8>`).
    Bytes,
    /// `format: byte`: base64 text on the wire, bytes in Rust.
    Base64,
    /// No value (a response without body).
    Unit,
}

/// One generated type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    pub doc: Doc,
    /// JSON pointer of the schema it comes from (for messages and docs).
    pub origin: String,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(StructDef),
    /// A string enum; unknown wire values decode to an `Unknown(String)` variant.
    Enum(EnumDef),
    /// `oneOf` with a discriminator property.
    Tagged(TaggedDef),
    /// `oneOf`/`anyOf` without discriminator: the first variant that decodes wins.
    Untagged(UntaggedDef),
    /// A named wrapper, with the checks of its schema made at construction.
    Newtype(NewtypeDef),
    /// `pub type Name = T;`
    Alias(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    pub fields: Vec<Field>,
    /// `additionalProperties` with a schema, `true` or `{}`: the other properties, flattened
    /// into a map (of JSON values for `true` and `{}`).
    pub extra: Option<TypeRef>,
    /// `additionalProperties: false`: unknown properties are an error, which also lets an
    /// untagged union tell such a struct from its siblings.
    pub deny_unknown: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub wire_name: String,
    pub ty: TypeRef,
    pub presence: Presence,
    pub doc: Doc,
    /// The schema's `default` of an optional property, as written.
    pub spec_default: Option<serde_json::Value>,
    /// That default as a value of `ty`, when it is one ([`Presence::Defaulted`]).
    pub default: Option<DefaultValue>,
}

/// A property's default, as a value of its Rust type.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Text(String),
    Integer(i128),
    Number(f64),
    Bool(bool),
    /// A variant of the field's string enum, by its Rust name.
    Variant(String),
    EmptyList,
}

/// How a property may be absent or null on the wire, which decides its Rust type and serde
/// attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always there, never null: `T`.
    Required,
    /// Always there, may be null: `Option<T>`, serialized as `null` when `None`.
    RequiredNullable,
    /// May be absent, never null: `Option<T>`, skipped when `None`.
    Optional,
    /// May be absent or null: `Option<Option<T>>`; `None` absent, `Some(None)` null.
    OptionalNullable,
    /// May be absent, never null, and absent means the schema's `default`: `T`, filled with
    /// the default when absent.
    Defaulted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    pub variants: Vec<EnumVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    pub name: String,
    pub wire: String,
    pub doc: Doc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedDef {
    /// The discriminator property.
    pub tag: String,
    pub variants: Vec<TaggedVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    pub name: String,
    /// Discriminator values that select this variant (the first is written on serialization).
    pub tags: Vec<String>,
    pub payload: TaggedPayload,
    /// The member's own description, for a variant without payload type.
    pub doc: Doc,
}

/// What a tagged variant holds besides its tag.
#[derive(Debug, Clone, PartialEq)]
pub enum TaggedPayload {
    /// A type that has the tag property among its own (a shared schema, usable alone).
    WithTag(TypeRef),
    /// A type made for this variant alone, without the tag property: the union reads and
    /// writes the tag, so no one-value enum type is needed for it.
    WithoutTag(TypeRef),
    /// Nothing: the member has no property but the tag.
    Nothing,
}

impl TaggedPayload {
    #[must_use]
    pub fn ty(&self) -> Option<&TypeRef> {
        match self {
            Self::WithTag(ty) | Self::WithoutTag(ty) => Some(ty),
            Self::Nothing => None,
        }
    }

    pub fn ty_mut(&mut self) -> Option<&mut TypeRef> {
        match self {
            Self::WithTag(ty) | Self::WithoutTag(ty) => Some(ty),
            Self::Nothing => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UntaggedDef {
    pub variants: Vec<UntaggedVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UntaggedVariant {
    pub name: String,
    pub ty: TypeRef,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewtypeDef {
    pub inner: TypeRef,
    pub constraints: Constraints,
}

/// Checks a newtype makes when it is built or decoded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints {
    pub pattern: Option<String>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
}

impl Constraints {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Documentation gathered from a spec object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    pub title: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Facts worth a line of their own: the default, the format, readOnly, the wire name…
    pub notes: Vec<String>,
}

impl Doc {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.description.is_none() && self.notes.is_empty()
    }
}
