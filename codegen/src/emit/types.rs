//! The `types` module: one item per [`TypeDef`], structs and string enums here, unions in
//! `unions.rs`, newtypes in `newtypes.rs`. (What operations add to it, options, headers and
//! response enums, comes from `client/operation_types.rs`.)

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, paragraph_break};
use super::ident;
use super::newtypes::newtype_def;
use super::type_ref::{type_tokens, Scope};
use super::unions::{tagged_def, untagged_def};
use crate::model::{
    Builtin, DefaultValue, EnumDef, Presence, StructDef, TypeDef, TypeKind, TypeRef,
};
use crate::render::Unit;

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
    let paragraph = paragraph_break(docs);
    quote! {
        #docs
        #paragraph
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
