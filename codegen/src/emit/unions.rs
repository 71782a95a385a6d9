//! Unions (`oneOf`/`anyOf`) as Rust enums: tagged ones read and write their tag through
//! `callspec_runtime::tagged`, untagged ones try their members in order.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, paragraph_break};
use super::ident;
use super::type_ref::{article, type_text, type_tokens, Scope};
use crate::model::{TaggedDef, TaggedPayload, TypeDef, TypeRef, UntaggedDef};

pub(super) fn tagged_def(
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
    let paragraph = paragraph_break(docs);
    let chosen_by = format!(
        " The variant is chosen by the `{tag}` property; an unknown value decodes to `Unknown`."
    );
    quote! {
        #docs
        #paragraph
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

pub(super) fn untagged_def(
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
    let paragraph = paragraph_break(docs);
    quote! {
        #docs
        #paragraph
        /// Decoded as the first variant, in this order, that the value matches.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}
