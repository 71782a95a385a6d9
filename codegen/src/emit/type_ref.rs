//! A [`TypeRef`] in Rust: its tokens from the crate root or from inside `types`, whether it is
//! `Eq`, and how docs name it. Everything that emits a type reference reads it here.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::model::{Builtin, TypeDef, TypeKind, TypeRef};

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

/// `An` before a name that starts with a vowel, `A` before any other.
pub(crate) fn article(name: &str) -> &'static str {
    if name.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "An"
    } else {
        "A"
    }
}

/// A type as written in Rust (`Vec<String>`), for docs.
pub(crate) fn type_text(ty: &TypeRef, defs: &[TypeDef]) -> String {
    type_tokens(ty, defs, Scope::Types)
        .to_string()
        .replace(' ', "")
        .replace(',', ", ")
}
