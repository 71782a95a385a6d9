//! The `types` module: one item per [`TypeDef`], plus each operation's options, headers and
//! response enums.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::doc_attrs;
use super::ident;
use crate::model::{
    Builtin, Constraints, DefaultValue, EnumDef, NewtypeDef, Presence, StructDef, TaggedDef,
    TaggedPayload, TypeDef, TypeKind, TypeRef, UntaggedDef,
};
use crate::render::Unit;

/// Where a type is named from: inside `types`, or from the crate root.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Types,
    Root,
}

pub(crate) fn type_tokens(ty: &TypeRef, defs: &[TypeDef], scope: Scope) -> TokenStream {
    match ty {
        TypeRef::Named(index) => {
            let name = ident(&defs[*index].name);
            match scope {
                Scope::Types => quote! { #name },
                Scope::Root => quote! { types::#name },
            }
        }
        TypeRef::Builtin(builtin) => builtin_tokens(*builtin),
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, defs, scope);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, defs, scope);
            quote! { std::collections::BTreeMap<String, #inner> }
        }
        TypeRef::Option(inner) => {
            let inner = type_tokens(inner, defs, scope);
            quote! { Option<#inner> }
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner, defs, scope);
            quote! { Box<#inner> }
        }
    }
}

pub(crate) fn builtin_tokens(builtin: Builtin) -> TokenStream {
    match builtin {
        Builtin::String => quote! { String },
        Builtin::Bool => quote! { bool },
        Builtin::I8 => quote! { i8 },
        Builtin::I16 => quote! { i16 },
        Builtin::I32 => quote! { i32 },
        Builtin::I64 => quote! { i64 },
        Builtin::U8 => quote! { u8 },
        Builtin::U16 => quote! { u16 },
        Builtin::U32 => quote! { u32 },
        Builtin::U64 => quote! { u64 },
        Builtin::F32 => quote! { f32 },
        Builtin::F64 => quote! { f64 },
        Builtin::DateTime => quote! { chrono::DateTime<chrono::Utc> },
        Builtin::Date => quote! { chrono::NaiveDate },
        Builtin::Uuid => quote! { uuid::Uuid },
        Builtin::Json => quote! { serde_json::Value },
        Builtin::JsonObject => quote! { serde_json::Map<String, serde_json::Value> },
        Builtin::Bytes => quote! { Vec<u8> },
        Builtin::Base64 => quote! { callspec_runtime::Base64 },
        Builtin::Unit => quote! { () },
    }
}

/// Whether values of `ty` can be compared with `Eq` and hashed (no floats, no JSON values).
pub(crate) fn is_eq(ty: &TypeRef, defs: &[TypeDef], depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    match ty {
        TypeRef::Builtin(b) => !matches!(
            b,
            Builtin::F32 | Builtin::F64 | Builtin::Json | Builtin::JsonObject
        ),
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => is_eq(inner, defs, depth + 1),
        TypeRef::Named(index) => match &defs[*index].kind {
            TypeKind::Enum(_) => true,
            TypeKind::Newtype(def) => is_eq(&def.inner, defs, depth + 1),
            TypeKind::Alias(target) => is_eq(target, defs, depth + 1),
            _ => false,
        },
    }
}

/// One unit (an item and its impls) per type.
pub(crate) fn type_units(defs: &[TypeDef]) -> Vec<Unit<'_>> {
    defs.iter()
        .map(|def| Box::new(move || type_def(def, defs)) as Unit<'_>)
        .collect()
}

fn type_def(def: &TypeDef, defs: &[TypeDef]) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(&def.doc);
    match &def.kind {
        TypeKind::Struct(body) => struct_def(&name, &docs, body, defs),
        TypeKind::Enum(body) => enum_def(&name, &docs, body),
        TypeKind::Tagged(body) => tagged_def(&name, &docs, body, defs),
        TypeKind::Untagged(body) => untagged_def(&name, &docs, body, defs),
        TypeKind::Newtype(body) => newtype_def(&name, &def.name, &docs, body, defs),
        TypeKind::Alias(target) => {
            let target = type_tokens(target, defs, Scope::Types);
            quote! { #docs pub type #name = #target; }
        }
    }
}

fn struct_def(
    name: &proc_macro2::Ident,
    docs: &TokenStream,
    body: &StructDef,
    defs: &[TypeDef],
) -> TokenStream {
    let fields = body.fields.iter().map(|field| {
        let field_name = ident(&field.name);
        let field_docs = doc_attrs(&field.doc);
        let inner = type_tokens(&field.ty, defs, Scope::Types);
        let mut serde = Vec::new();
        if field.name != field.wire_name {
            let wire = &field.wire_name;
            serde.push(quote! { rename = #wire });
        }
        let ty = match field.presence {
            Presence::Required => inner,
            Presence::RequiredNullable => quote! { Option<#inner> },
            Presence::Optional => {
                serde.push(quote! { default, skip_serializing_if = "Option::is_none" });
                quote! { Option<#inner> }
            }
            Presence::OptionalNullable => {
                serde.push(quote! { default, skip_serializing_if = "Option::is_none", with = "callspec_runtime::double_option" });
                quote! { Option<Option<#inner>> }
            }
            Presence::Defaulted => {
                let function = format!("{name}::{}", default_function(&field.name));
                serde.push(quote! { default = #function });
                inner
            }
        };
        let attrs = (!serde.is_empty()).then(|| quote! { #[serde(#(#serde),*)] });
        quote! { #field_docs #attrs pub #field_name: #ty, }
    });
    let extra = body.extra.as_ref().map(|value| {
        let map = match value {
            TypeRef::Builtin(Builtin::Json) => {
                quote! { serde_json::Map<String, serde_json::Value> }
            }
            typed => {
                let value = type_tokens(typed, defs, Scope::Types);
                quote! { std::collections::BTreeMap<String, #value> }
            }
        };
        let extra_name = ident(&extra_field_name(body));
        quote! {
            /// Properties beyond the documented ones.
            #[serde(flatten)]
            pub #extra_name: #map,
        }
    });
    let defaulted: Vec<_> = body
        .fields
        .iter()
        .filter_map(|field| {
            let value = field.default.as_ref()?;
            let function = ident(&default_function(&field.name));
            let ty = type_tokens(&field.ty, defs, Scope::Types);
            let value = default_tokens(value, &field.ty, defs);
            Some(quote! { fn #function() -> #ty { #value } })
        })
        .collect();
    let defaults_impl = (!defaulted.is_empty()).then(|| {
        quote! {
            /// The schema's defaults, filled in when a property is absent.
            impl #name {
                #(#defaulted)*
            }
        }
    });
    let all_optional = body.fields.iter().all(|f| f.presence != Presence::Required);
    // `Default` must agree with decoding `{}`: with schema defaults it is written out.
    let derive_default = (all_optional && defaulted.is_empty()).then(|| quote! { Default, });
    let default_impl = (all_optional && !defaulted.is_empty()).then(|| {
        let values = body.fields.iter().map(|field| {
            let field_name = ident(&field.name);
            match field.presence {
                Presence::Defaulted => {
                    let function = ident(&default_function(&field.name));
                    quote! { #field_name: Self::#function(), }
                }
                _ => quote! { #field_name: None, },
            }
        });
        let extra = body.extra.as_ref().map(|_| {
            let extra_name = ident(&extra_field_name(body));
            quote! { #extra_name: Default::default(), }
        });
        quote! {
            impl Default for #name {
                fn default() -> Self {
                    Self {
                        #(#values)*
                        #extra
                    }
                }
            }
        }
    });
    let deny = body
        .deny_unknown
        .then(|| quote! { #[serde(deny_unknown_fields)] });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default Serialize, Deserialize)]
        #deny
        pub struct #name {
            #(#fields)*
            #extra
        }

        #defaults_impl

        #default_impl
    }
}

/// The function that returns the default of field `field` (`default_count`).
fn default_function(field: &str) -> String {
    format!("default_{}", field.trim_end_matches('_'))
}

fn default_tokens(value: &DefaultValue, ty: &TypeRef, defs: &[TypeDef]) -> TokenStream {
    match value {
        DefaultValue::Text(text) => quote! { #text.to_owned() },
        DefaultValue::Integer(number) => {
            let number = Literal::i128_unsuffixed(*number);
            quote! { #number }
        }
        DefaultValue::Number(number) => {
            let number = Literal::f64_unsuffixed(*number);
            quote! { #number }
        }
        DefaultValue::Bool(flag) => quote! { #flag },
        DefaultValue::Variant(variant) => {
            let enum_name = type_tokens(ty, defs, Scope::Types);
            let variant = ident(variant);
            quote! { #enum_name::#variant }
        }
        DefaultValue::EmptyList => quote! { Vec::new() },
    }
}

pub(crate) fn extra_field_name(body: &StructDef) -> String {
    let mut name = "additional_properties".to_owned();
    while body.fields.iter().any(|f| f.name == name) {
        name.push('_');
    }
    name
}

fn enum_def(name: &proc_macro2::Ident, docs: &TokenStream, body: &EnumDef) -> TokenStream {
    let variants = body.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let mut doc = variant.doc.clone();
        if doc.description.is_none() {
            doc.description = Some(format!("`{}`", variant.wire));
        }
        let variant_docs = doc_attrs(&doc);
        quote! { #variant_docs #variant_name, }
    });
    let to_wire = body.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let wire = &variant.wire;
        quote! { Self::#variant_name => #wire, }
    });
    let from_wire = body.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let wire = &variant.wire;
        quote! { #wire => Self::#variant_name, }
    });
    quote! {
        #docs
        ///
        /// Values this client does not know decode to `Unknown`, so a server that adds a value
        /// does not break it.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value added to the API after this client was generated.
            Unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::Unknown(value) => value,
                }
            }

            fn from_wire(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, std::convert::Infallible> {
                Ok(Self::from_wire(value))
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from_wire(&value))
            }
        }
    }
}

fn tagged_def(
    name: &proc_macro2::Ident,
    docs: &TokenStream,
    body: &TaggedDef,
    defs: &[TypeDef],
) -> TokenStream {
    let tag = &body.tag;
    let variants = body.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let values = variant
            .tags
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let member_doc = doc_attrs(&variant.doc);
        let separator = (!member_doc.is_empty()).then(|| quote! { #[doc = ""] });
        let doc = format!(" `{tag}`: {values}.");
        let payload = variant.payload.ty().map(|ty| {
            let ty = type_tokens(ty, defs, Scope::Types);
            quote! { (#ty) }
        });
        quote! { #member_doc #separator #[doc = #doc] #variant_name #payload, }
    });
    let serialize_arms = body.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let first = &variant.tags[0];
        match variant.payload {
            TaggedPayload::Nothing => quote! {
                Self::#variant_name => callspec_runtime::tagged::serialize_tag(serializer, #tag, #first),
            },
            TaggedPayload::WithTag(_) | TaggedPayload::WithoutTag(_) => quote! {
                Self::#variant_name(value) => callspec_runtime::tagged::serialize(serializer, #tag, #first, value),
            },
        }
    });
    let deserialize_arms = body.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let tags = &variant.tags;
        let decoded = match variant.payload {
            TaggedPayload::Nothing => quote! { Ok(Self::#variant_name) },
            TaggedPayload::WithTag(_) => {
                quote! { callspec_runtime::tagged::payload(value).map(Self::#variant_name) }
            }
            TaggedPayload::WithoutTag(_) => quote! {
                callspec_runtime::tagged::payload_without_tag(value, #tag).map(Self::#variant_name)
            },
        };
        quote! { Some(#(#tags)|*) => #decoded, }
    });
    // `quote!` does not substitute inside doc comments, so this sentence is built here.
    let chosen_by = format!(
        " The variant is chosen by the `{tag}` property; an unknown value decodes to `Unknown`."
    );
    quote! {
        #docs
        ///
        #[doc = #chosen_by]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
            /// A variant added to the API after this client was generated, as received.
            Unknown(serde_json::Value),
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                match callspec_runtime::tagged::tag_of(&value, #tag) {
                    #(#deserialize_arms)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    }
}

fn untagged_def(
    name: &proc_macro2::Ident,
    docs: &TokenStream,
    body: &UntaggedDef,
    defs: &[TypeDef],
) -> TokenStream {
    let variants = body.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let ty = type_tokens(&variant.ty, defs, Scope::Types);
        let doc = match &variant.ty {
            TypeRef::Named(index) => {
                let name = &defs[*index].name;
                format!(" {} [`{name}`].", article(name))
            }
            other => {
                let text = type_text(other, defs);
                format!(" {} `{text}`.", article(&text))
            }
        };
        quote! { #[doc = #doc] #variant_name(#ty), }
    });
    quote! {
        #docs
        ///
        /// Decoded as the first variant, in this order, that the value matches.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}

fn newtype_def(
    name: &proc_macro2::Ident,
    type_name: &str,
    docs: &TokenStream,
    body: &NewtypeDef,
    defs: &[TypeDef],
) -> TokenStream {
    let inner = type_tokens(&body.inner, defs, Scope::Types);
    let eq = is_eq(&body.inner, defs, 0).then(|| quote! { Eq, Hash, });
    if body.constraints.is_empty() {
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, #eq Serialize, Deserialize)]
            #[serde(transparent)]
            pub struct #name(pub #inner);
        };
    }
    let is_string = body.inner == TypeRef::Builtin(Builtin::String);
    let checks = constraint_checks(&body.constraints, type_name, &body.inner);
    let constraint_doc = constraint_doc(&body.constraints);
    if is_string {
        quote! {
            #docs
            ///
            #[doc = #constraint_doc]
            #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
            #[serde(try_from = "String")]
            pub struct #name(String);

            impl #name {
                /// Checks `value` against the schema's constraints.
                ///
                /// # Errors
                /// When `value` breaks one of them.
                pub fn new(value: impl Into<String>) -> Result<Self, callspec_runtime::ConstraintError> {
                    let value = value.into();
                    #checks
                    Ok(Self(value))
                }

                /// The value, as sent on the wire.
                #[must_use]
                pub fn as_str(&self) -> &str {
                    &self.0
                }

                /// The value, as a `String`.
                #[must_use]
                pub fn into_inner(self) -> String {
                    self.0
                }
            }

            impl TryFrom<String> for #name {
                type Error = callspec_runtime::ConstraintError;
                fn try_from(value: String) -> Result<Self, callspec_runtime::ConstraintError> {
                    Self::new(value)
                }
            }

            impl std::str::FromStr for #name {
                type Err = callspec_runtime::ConstraintError;
                fn from_str(value: &str) -> Result<Self, callspec_runtime::ConstraintError> {
                    Self::new(value)
                }
            }

            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(&self.0)
                }
            }

            impl AsRef<str> for #name {
                fn as_ref(&self) -> &str {
                    &self.0
                }
            }
        }
    } else {
        let inner_str = inner_text(&body.inner);
        quote! {
            #docs
            ///
            #[doc = #constraint_doc]
            #[derive(Debug, Clone, Copy, PartialEq, #eq PartialOrd, Serialize, Deserialize)]
            #[serde(try_from = #inner_str)]
            pub struct #name(#inner);

            impl #name {
                /// Checks `value` against the schema's constraints.
                ///
                /// # Errors
                /// When `value` breaks one of them.
                pub fn new(value: #inner) -> Result<Self, callspec_runtime::ConstraintError> {
                    #checks
                    Ok(Self(value))
                }

                /// The value, as a plain number.
                #[must_use]
                pub fn get(self) -> #inner {
                    self.0
                }
            }

            impl TryFrom<#inner> for #name {
                type Error = callspec_runtime::ConstraintError;
                fn try_from(value: #inner) -> Result<Self, callspec_runtime::ConstraintError> {
                    Self::new(value)
                }
            }

            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    self.0.fmt(f)
                }
            }
        }
    }
}

/// `An` before a name that starts with a vowel, `A` before any other.
fn article(name: &str) -> &'static str {
    if name.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "An"
    } else {
        "A"
    }
}

/// A type as written in Rust (`Vec<String>`), for docs.
fn type_text(ty: &TypeRef, defs: &[TypeDef]) -> String {
    type_tokens(ty, defs, Scope::Types)
        .to_string()
        .replace(' ', "")
        .replace(',', ", ")
}

fn inner_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Builtin(builtin) => builtin_tokens(*builtin).to_string(),
        _ => "f64".to_owned(),
    }
}

fn constraint_checks(c: &Constraints, type_name: &str, inner: &TypeRef) -> TokenStream {
    let mut checks = Vec::new();
    // The value as an `f64`, for comparing with the schema's bounds.
    let as_float = match inner {
        TypeRef::Builtin(Builtin::F64) => quote! { value },
        TypeRef::Builtin(
            Builtin::I8
            | Builtin::I16
            | Builtin::I32
            | Builtin::U8
            | Builtin::U16
            | Builtin::U32
            | Builtin::F32,
        ) => {
            quote! { f64::from(value) }
        }
        _ => quote! { (value as f64) },
    };
    if *inner == TypeRef::Builtin(Builtin::String) {
        let length_check = |condition: TokenStream, message: String| {
            quote! {
                if #condition {
                    return Err(callspec_runtime::ConstraintError::new(#type_name, #message));
                }
            }
        };
        let unsuffixed = Literal::usize_unsuffixed;
        match (c.min_length, c.max_length) {
            (Some(min), Some(max)) => {
                let (low, high) = (unsuffixed(min), unsuffixed(max));
                checks.push(length_check(
                    quote! { !(#low..=#high).contains(&value.chars().count()) },
                    format!("must be {min} to {max} characters long"),
                ));
            }
            (Some(min), None) => {
                let low = unsuffixed(min);
                checks.push(length_check(
                    quote! { value.chars().count() < #low },
                    format!("must be at least {min} characters long"),
                ));
            }
            (None, Some(max)) => {
                let high = unsuffixed(max);
                checks.push(length_check(
                    quote! { value.chars().count() > #high },
                    format!("must be at most {max} characters long"),
                ));
            }
            (None, None) => {}
        }
        if let Some(pattern) = &c.pattern {
            let message = format!("must match the pattern `{pattern}`");
            checks.push(quote! {
                static PATTERN: std::sync::LazyLock<regex::Regex> =
                    std::sync::LazyLock::new(|| regex::Regex::new(#pattern).expect("checked when generated"));
                if !PATTERN.is_match(&value) {
                    return Err(callspec_runtime::ConstraintError::new(#type_name, #message));
                }
            });
        }
    } else {
        let bound = |limit: f64| Literal::f64_suffixed(limit);
        if let Some(min) = c.minimum {
            let (op, word) = if c.exclusive_minimum {
                (quote! { <= }, "greater than")
            } else {
                (quote! { < }, "at least")
            };
            let message = format!("must be {word} {min}");
            let min = bound(min);
            checks.push(quote! {
                if #as_float #op #min {
                    return Err(callspec_runtime::ConstraintError::new(#type_name, #message));
                }
            });
        }
        if let Some(max) = c.maximum {
            let (op, word) = if c.exclusive_maximum {
                (quote! { >= }, "less than")
            } else {
                (quote! { > }, "at most")
            };
            let message = format!("must be {word} {max}");
            let max = bound(max);
            checks.push(quote! {
                if #as_float #op #max {
                    return Err(callspec_runtime::ConstraintError::new(#type_name, #message));
                }
            });
        }
    }
    quote! { #(#checks)* }
}

fn constraint_doc(c: &Constraints) -> String {
    let mut parts = Vec::new();
    if let Some(pattern) = &c.pattern {
        parts.push(format!("matches `{pattern}`"));
    }
    match (c.min_length, c.max_length) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} characters")),
        (Some(min), None) => parts.push(format!("at least {min} characters")),
        (None, Some(max)) => parts.push(format!("at most {max} characters")),
        (None, None) => {}
    }
    if let Some(min) = c.minimum {
        parts.push(format!(
            "{} {min}",
            if c.exclusive_minimum { ">" } else { "≥" }
        ));
    }
    if let Some(max) = c.maximum {
        parts.push(format!(
            "{} {max}",
            if c.exclusive_maximum { "<" } else { "≤" }
        ));
    }
    format!(" Checked when built or decoded: {}.", parts.join("; "))
}
