//! The `responses` module: one function per operation that reads its response, matching the
//! status as the spec's keys say (codes, then ranges, then `default`) and decoding the body.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::api::StatusKey;
use crate::emit::ident;
use crate::emit::type_ref::{type_tokens, Scope};
use crate::model::{ClientMethod, ResponseBody, ResponseCase, TypeDef};

use super::{error_type, headers_type, success_type};

/// The function of `responses` that reads a response to `operation`, as its method does.
pub(super) fn response_function(operation: &ClientMethod, defs: &[TypeDef]) -> TokenStream {
    let name = ident(&operation.method_name);
    let success = success_type(operation, defs);
    let error = error_type(operation, defs);
    let headers = headers_type(operation.responses.headers.as_ref());
    let error_headers = headers_type(operation.responses.error_headers.as_ref());
    let arms = response_arms(operation, defs);
    let method = &operation.method_name;
    let mut lines = vec![
        format!(
            " Reads a response to `{} {}` as",
            operation.http_method, operation.path
        ),
        format!(" [`Client::{method}`](crate::Client::{method}) does:"),
    ];
    lines.extend(statuses_doc(&operation.responses));
    lines.push(String::new());
    lines.push(format!(
        " [`decode_response`](crate::decode_response) knows the operation as `{:?}`.",
        operation.decode_key
    ));
    let docs = crate::render::doc_comment(lines);
    quote! {
        #docs
        pub fn #name(response: RawResponse) -> Result<ResponseValue<#success #headers>, Error<#error #error_headers>> {
            #arms
        }
    }
}

/// One line per outcome: which statuses are a success, which a documented error, and what the
/// rest are.
fn statuses_doc(responses: &crate::model::Responses) -> Vec<String> {
    let list = |cases: &[ResponseCase], success: bool| {
        let mut cases: Vec<&ResponseCase> = cases.iter().collect();
        // As the match reads them: codes, then ranges, then `default`.
        cases.sort_by_key(|case| case.status.precedence());
        cases
            .iter()
            .map(|case| match case.status {
                StatusKey::Default if success => "any 2XX status (`default`)".to_owned(),
                StatusKey::Default => "any other status (`default`)".to_owned(),
                status => format!("`{status}`"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut lines = Vec::new();
    if !responses.success.is_empty() {
        lines.push(format!(
            " - {}: the success value;",
            list(&responses.success, true)
        ));
    }
    if !responses.errors.is_empty() {
        lines.push(format!(
            " - {}: [`Error::ErrorResponse`];",
            list(&responses.errors, false)
        ));
    }
    if !responses
        .errors
        .iter()
        .any(|case| case.status == StatusKey::Default)
    {
        let rest = if lines.is_empty() {
            "every status (the operation documents none)"
        } else {
            "any other status"
        };
        lines.push(format!(" - {rest}: [`Error::UnexpectedResponse`];"));
    }
    if let Some(last) = lines.last_mut() {
        last.pop();
        last.push('.');
    }
    lines
}

fn status_pattern(status: StatusKey) -> TokenStream {
    match status {
        StatusKey::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote! { #code }
        }
        StatusKey::Range(hundreds) => {
            let low = Literal::u16_unsuffixed(hundreds * 100);
            let high = Literal::u16_unsuffixed(hundreds * 100 + 99);
            quote! { #low..=#high }
        }
        StatusKey::Default => quote! { _ },
    }
}

/// The expression that reads a response as `case` documents it, and whether it is a `Result`.
/// `typed` names the body type, for when the context cannot infer it (a response enum).
fn decode(case: &ResponseCase, typed: Option<&[TypeDef]>) -> (TokenStream, bool) {
    match &case.body {
        ResponseBody::Empty => (quote! { ResponseValue::empty(response) }, false),
        ResponseBody::Json(ty) => match typed {
            Some(defs) => {
                let ty = type_tokens(ty, defs, Scope::Root);
                (
                    quote! { ResponseValue::<#ty, _>::from_json(response) },
                    true,
                )
            }
            None => (quote! { ResponseValue::from_json(response) }, true),
        },
        ResponseBody::Text => (quote! { ResponseValue::from_text(response) }, false),
        ResponseBody::Bytes => (quote! { ResponseValue::from_bytes(response) }, false),
    }
}

fn response_arms(operation: &ClientMethod, defs: &[TypeDef]) -> TokenStream {
    let responses = &operation.responses;
    let mut arms = Vec::new();
    // Exact codes first, then ranges, then `default`, as OpenAPI orders their precedence.
    let order = |case: &&ResponseCase| case.status.precedence();
    let mut successes: Vec<&ResponseCase> = responses.success.iter().collect();
    successes.sort_by_key(order);
    let mut errors: Vec<&ResponseCase> = responses.errors.iter().collect();
    errors.sort_by_key(order);
    for group in group_cases(&successes, responses.success_enum.is_none()) {
        let pattern = patterns(&group, true);
        let case = group[0];
        let (decode, is_result) = decode(case, responses.success_enum.as_ref().map(|_| defs));
        let mapping = responses.success_enum.as_ref().map(|name| {
            let name = ident(name);
            let variant = ident(&case.variant);
            if case.body == ResponseBody::Empty {
                quote! { |()| types::#name::#variant }
            } else {
                quote! { types::#name::#variant }
            }
        });
        let value = match (mapping, is_result) {
            (Some(mapping), true) => quote! { #decode.map(|value| value.map(#mapping)) },
            (Some(mapping), false) => quote! { Ok(#decode.map(#mapping)) },
            (None, true) => decode,
            (None, false) => quote! { Ok(#decode) },
        };
        arms.push((pattern, value));
    }
    let has_default = errors.iter().any(|case| case.status == StatusKey::Default);
    for group in group_cases(&errors, responses.error_enum.is_none()) {
        let pattern = patterns(&group, false);
        let case = group[0];
        let (decode, is_result) = decode(case, responses.error_enum.as_ref().map(|_| defs));
        let decoded = if is_result {
            quote! { #decode? }
        } else {
            decode
        };
        let value = match &responses.error_enum {
            Some(name) => {
                let name = ident(name);
                let variant = ident(&case.variant);
                if case.body == ResponseBody::Empty {
                    quote! { #decoded.map(|()| types::#name::#variant) }
                } else {
                    quote! { #decoded.map(types::#name::#variant) }
                }
            }
            None => decoded,
        };
        arms.push((pattern, quote! { Err(Error::ErrorResponse(#value)) }));
    }
    if !has_default {
        arms.push((quote! { _ }, quote! { Err(Error::unexpected(response)) }));
    }
    // An operation that documents nothing but `default` (or nothing at all) has one outcome.
    if let [(pattern, value)] = arms.as_slice() {
        if pattern.to_string() == "_" {
            return value.clone();
        }
    }
    let arms = arms
        .iter()
        .map(|(pattern, value)| quote! { #pattern => #value, });
    quote! {
        match response.status().as_u16() {
            #(#arms)*
        }
    }
}

/// Cases decoded the same way share one match arm (`400 | 404 => …`) when no enum tells them
/// apart. `default` comes last; it absorbs the group before it when they decode alike, since
/// two arms with one body read as a mistake.
fn group_cases<'c>(cases: &[&'c ResponseCase], merge: bool) -> Vec<Vec<&'c ResponseCase>> {
    let mut groups: Vec<Vec<&'c ResponseCase>> = Vec::new();
    for case in cases {
        // A code may join any earlier group of codes; a range or `default` only the last group,
        // so that it stays after every code it covers.
        let target = match case.status {
            StatusKey::Code(_) => groups.iter_mut().find(|group| {
                merge && matches!(group[0].status, StatusKey::Code(_)) && group[0].body == case.body
            }),
            _ => groups.last_mut().filter(|group| {
                merge
                    && group.iter().all(|c| c.status != StatusKey::Default)
                    && group[0].body == case.body
            }),
        };
        match target {
            Some(group) => group.push(case),
            None => groups.push(vec![case]),
        }
    }
    groups
}

/// The pattern of one arm. Among errors `default` is `_`; among successes (an operation that
/// lists no 2xx status) it stands for `200..=299`.
fn patterns(group: &[&ResponseCase], success: bool) -> TokenStream {
    let has_default = group.iter().any(|case| case.status == StatusKey::Default);
    if has_default && !success {
        return quote! { _ };
    }
    let status_of = |case: &ResponseCase| match case.status {
        StatusKey::Default => StatusKey::Range(2),
        status => status,
    };
    // A code that a range of the same arm covers adds nothing (and clippy says so).
    let covered = |code: u16| {
        group.iter().any(|case| {
            let status = status_of(case);
            matches!(status, StatusKey::Range(_)) && status.covers(code)
        })
    };
    let mut codes: Vec<u16> = group
        .iter()
        .filter_map(|case| match status_of(case) {
            StatusKey::Code(code) if !covered(code) => Some(code),
            _ => None,
        })
        .collect();
    codes.sort_unstable();
    codes.dedup();
    // Three or more consecutive codes read (and lint) better as a range.
    let mut patterns: Vec<TokenStream> = Vec::new();
    let mut index = 0;
    while index < codes.len() {
        let mut end = index;
        while codes.get(end + 1) == Some(&(codes[end] + 1)) {
            end += 1;
        }
        if end - index >= 2 {
            let (low, high) = (
                Literal::u16_unsuffixed(codes[index]),
                Literal::u16_unsuffixed(codes[end]),
            );
            patterns.push(quote! { #low..=#high });
        } else {
            patterns.extend(
                codes[index..=end]
                    .iter()
                    .map(|code| status_pattern(StatusKey::Code(*code))),
            );
        }
        index = end + 1;
    }
    // Adjacent ranges (`4XX` and `5XX`) become one (`400..=599`).
    let mut hundreds: Vec<u16> = group
        .iter()
        .filter_map(|case| match status_of(case) {
            StatusKey::Range(h) => Some(h),
            _ => None,
        })
        .collect();
    hundreds.sort_unstable();
    hundreds.dedup();
    let mut index = 0;
    while index < hundreds.len() {
        let low = hundreds[index];
        let mut high = low;
        while hundreds.get(index + 1) == Some(&(high + 1)) {
            high += 1;
            index += 1;
        }
        let (low, high) = (
            Literal::u16_unsuffixed(low * 100),
            Literal::u16_unsuffixed(high * 100 + 99),
        );
        patterns.push(quote! { #low..=#high });
        index += 1;
    }
    quote! { #(#patterns)|* }
}
