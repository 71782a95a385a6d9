//! Defaults a client can fill in: an optional, non-nullable property whose schema's `default`
//! is a value of its Rust type becomes that type (not `Option`), filled with the default when
//! absent, so a client reads what the server means by leaving it out.

use serde_json::Value;

use super::{Builtin, DefaultValue, Presence, TypeDef, TypeKind, TypeRef};

/// Runs once every type exists, since a default may name a variant of an enum defined later.
pub(crate) fn apply_defaults(defs: &mut [TypeDef]) {
    let mut found = Vec::new();
    for (index, def) in defs.iter().enumerate() {
        let TypeKind::Struct(body) = &def.kind else {
            continue;
        };
        for (field_index, field) in body.fields.iter().enumerate() {
            if field.presence != Presence::Optional {
                continue;
            }
            let Some(spec_default) = &field.spec_default else {
                continue;
            };
            if let Some(default) = typed_default(&field.ty, spec_default, defs) {
                found.push((index, field_index, default));
            }
        }
    }
    for (index, field_index, default) in found {
        if let TypeKind::Struct(body) = &mut defs[index].kind {
            let field = &mut body.fields[field_index];
            field.presence = Presence::Defaulted;
            field.default = Some(default);
        }
    }
}

/// `value` as a value of `ty`, for the kinds of default worth a non-optional field: scalars, a
/// value of a string enum, an empty list.
fn typed_default(ty: &TypeRef, value: &Value, defs: &[TypeDef]) -> Option<DefaultValue> {
    let integer = |fits: fn(i128) -> bool| {
        let number = value
            .as_i64()
            .map(i128::from)
            .or_else(|| value.as_u64().map(i128::from))?;
        fits(number).then_some(DefaultValue::Integer(number))
    };
    match (ty, value) {
        (TypeRef::Builtin(Builtin::String), Value::String(text)) => {
            Some(DefaultValue::Text(text.clone()))
        }
        (TypeRef::Builtin(Builtin::Bool), Value::Bool(flag)) => Some(DefaultValue::Bool(*flag)),
        (TypeRef::Builtin(Builtin::F64), Value::Number(number)) => {
            number.as_f64().map(DefaultValue::Number)
        }
        // A literal beyond `f32` would not compile.
        (TypeRef::Builtin(Builtin::F32), Value::Number(number)) => number
            .as_f64()
            .filter(|n| n.abs() <= f64::from(f32::MAX))
            .map(DefaultValue::Number),
        (TypeRef::Builtin(builtin), Value::Number(_)) => match builtin {
            Builtin::I8 => integer(|n| i8::try_from(n).is_ok()),
            Builtin::I16 => integer(|n| i16::try_from(n).is_ok()),
            Builtin::I32 => integer(|n| i32::try_from(n).is_ok()),
            Builtin::I64 => integer(|n| i64::try_from(n).is_ok()),
            Builtin::U8 => integer(|n| u8::try_from(n).is_ok()),
            Builtin::U16 => integer(|n| u16::try_from(n).is_ok()),
            Builtin::U32 => integer(|n| u32::try_from(n).is_ok()),
            Builtin::U64 => integer(|n| u64::try_from(n).is_ok()),
            _ => None,
        },
        (TypeRef::Vec(_), Value::Array(items)) if items.is_empty() => Some(DefaultValue::EmptyList),
        (TypeRef::Named(index), Value::String(wire)) => match &defs.get(*index)?.kind {
            TypeKind::Enum(body) => body
                .variants
                .iter()
                .find(|variant| variant.wire == *wire)
                .map(|variant| DefaultValue::Variant(variant.name.clone())),
            _ => None,
        },
        _ => None,
    }
}
