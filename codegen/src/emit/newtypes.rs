//! Newtypes: a schema's checks (pattern, lengths, bounds) made when a value is built or decoded,
//! and said in its docs.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::paragraph_break;
use super::type_ref::{builtin_tokens, is_eq, type_tokens, Scope};
use crate::model::{Builtin, Constraints, NewtypeDef, TypeDef, TypeRef};

pub(super) fn newtype_def(
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
    let paragraph = paragraph_break(docs);
    if is_string {
        quote! {
            #docs
            #paragraph
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
            #paragraph
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

fn inner_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Builtin(builtin) => builtin_tokens(*builtin).to_string(),
        _ => "f64".to_owned(),
    }
}
