//! Values made up from a schema: bodies for responses the spec gives no example for, and (for the
//! conformance checks) request data. Seeded, so the same seed always yields the same values.
//!
//! A made-up value is meant to be valid; callers that must be sure validate it with
//! [`crate::schema`], since a schema can ask for more than a generator can promise (a `not`, or a
//! pattern the regex engine reads differently).
//!
//! Schemas are read in their OpenAPI 3.0 form (a 3.1 document's [`as_3_0`]), where the JSON Schema
//! 2020-12 keywords that form has no word for still stand beside the others; those that decide
//! what a value must hold are honoured too: `prefixItems` (a tuple's items, each by its schema),
//! `contains` (one item of its schema), `dependentRequired` (what a present property brings
//! along) and `if`/`then` (the value made to meet the condition, and then what follows from it).
//!
//! [`as_3_0`]: codegen::LoadedSpec::as_3_0

use codegen::load::{follow, JsonPointer};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{Map, Value};

use crate::schema::{discriminator_property, discriminator_values, Direction, SchemaValidator};

mod scalar;

/// How far into nested objects and arrays values are made; deeper optional parts are left out,
/// and recursion stops.
const MAX_DEPTH: usize = 6;
/// The most times a pattern's repetition (`*`, `+`, `{n,}`) repeats.
const MAX_REPEAT: u32 = 8;

/// Makes up values for schemas of one spec.
pub struct Synthesizer<'a> {
    spec: &'a Value,
    rng: StdRng,
    direction: Direction,
    prefer_examples: bool,
    include_optional: bool,
}

impl<'a> Synthesizer<'a> {
    /// `direction` decides which of `readOnly`/`writeOnly` properties are left out.
    #[must_use]
    pub fn new(spec: &'a Value, seed: u64, direction: Direction) -> Self {
        Self {
            spec,
            rng: StdRng::seed_from_u64(seed),
            direction,
            prefer_examples: true,
            include_optional: true,
        }
    }

    /// Whether the spec's `example`, `default` and first `enum` value are used as they are
    /// (the default), or values are varied.
    #[must_use]
    pub fn prefer_examples(mut self, prefer: bool) -> Self {
        self.prefer_examples = prefer;
        self
    }

    /// Whether optional properties are filled in (the default) or only required ones.
    #[must_use]
    pub fn include_optional(mut self, include: bool) -> Self {
        self.include_optional = include;
        self
    }

    /// A value for the schema at `at`.
    pub fn value(&mut self, at: &JsonPointer) -> Value {
        self.make(at, 0)
    }

    fn make(&mut self, at: &JsonPointer, depth: usize) -> Value {
        let Ok((at, schema)) = follow(self.spec, at) else {
            return Value::Null;
        };
        if !schema.is_object() {
            return Value::String("value".into());
        }
        if self.prefer_examples {
            for keyword in ["example", "default"] {
                if let Some(example) = schema.get(keyword) {
                    return example.clone();
                }
            }
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            let usable: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if usable.is_empty() && !values.is_empty() {
                return Value::Null;
            }
            if let Some(first) = usable.first() {
                if self.prefer_examples {
                    return (*first).clone();
                }
                let index = self.rng.random_range(0..usable.len());
                return usable[index].clone();
            }
        }
        if let Some(Value::Array(members)) = schema.get("allOf") {
            let mut merged = Map::new();
            let mut last = None;
            for index in 0..members.len() {
                match self.make(&at.join("allOf").join(index.to_string()), depth) {
                    Value::Object(object) => merged.extend(object),
                    other => last = Some(other),
                }
            }
            if let Some(Value::Object(own)) = self.object(&at, schema, depth) {
                self.extend_with_own(&at, &mut merged, own);
                for index in 0..members.len() {
                    let wanted = self.required_of(&at.join("allOf").join(index.to_string()));
                    self.fill_with(&at, schema, &wanted, &mut merged, depth, true);
                }
            }
            // What the schema requires and only a member describes (`required` beside a `$ref`
            // in 2020-12, beside `allOf: [{$ref}]` in 3.0): the member leaves it out when it
            // makes only its own required properties, so it is made here, to the member's
            // property schema.
            for name in names(schema.get("required")) {
                if merged.contains_key(&name) || self.hidden(&at.join("properties").join(&name)) {
                    continue;
                }
                let described = (0..members.len()).find_map(|index| {
                    self.member_property(&at.join("allOf").join(index.to_string()), &name, 0)
                });
                if let Some(property_at) = described.filter(|at| !self.hidden(at)) {
                    let value = self.make(&property_at, depth + 1);
                    merged.insert(name, value);
                }
            }
            return match last {
                Some(value) if merged.is_empty() => value,
                _ => Value::Object(merged),
            };
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = schema.get(keyword) {
                if !members.is_empty() {
                    let index = if self.prefer_examples {
                        0
                    } else {
                        self.rng.random_range(0..members.len())
                    };
                    let mut chosen = self.make(&at.join(keyword).join(index.to_string()), depth);
                    if let (Some(property), Value::Object(object)) =
                        (discriminator_property(schema), &mut chosen)
                    {
                        // The member's own tag value, where it declares one, keeps it valid.
                        let values = discriminator_values(self.spec, schema, &members[index]);
                        if let Some(tag) = values.last() {
                            object.insert(property.to_owned(), Value::String(tag.clone()));
                        }
                    }
                    // Properties beside the composition apply too; a member that only asks
                    // for some of them (`anyOf: [{required: [a]}, {required: [b]}]`) is met
                    // with them.
                    if let Some(Value::Object(own)) = self.object(&at, schema, depth) {
                        let mut object = match chosen {
                            Value::Object(object) => object,
                            _ => Map::new(),
                        };
                        self.extend_with_own(&at, &mut object, own);
                        let wanted = self.required_of(&at.join(keyword).join(index.to_string()));
                        self.fill_with(&at, schema, &wanted, &mut object, depth, true);
                        return Value::Object(object);
                    }
                    return chosen;
                }
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => Value::String(self.string(schema)),
            Some("integer") => self.integer(schema),
            Some("number") => self.number(schema),
            Some("boolean") => Value::Bool(self.rng.random_bool(0.5)),
            Some("array") => self.array(&at, schema, depth),
            Some("object") => self.object(&at, schema, depth).unwrap_or_default(),
            _ if schema.get("properties").is_some() => {
                self.object(&at, schema, depth).unwrap_or_default()
            }
            _ if schema.get("items").is_some() => self.array(&at, schema, depth),
            _ => Value::String(self.word(4, 10)),
        }
    }

    fn object(&mut self, at: &JsonPointer, schema: &Value, depth: usize) -> Option<Value> {
        let properties = schema.get("properties").and_then(Value::as_object);
        if properties.is_none() && schema.get("type").and_then(Value::as_str) != Some("object") {
            return None;
        }
        let required = names(schema.get("required"));
        let mut object = Map::new();
        for name in properties.into_iter().flat_map(|p| p.keys()) {
            let property_at = at.join("properties").join(name.as_str());
            if self.hidden(&property_at) {
                continue;
            }
            // An optional property no value can meet (a spec's `enum: []`) is left out.
            let wanted = required.contains(name)
                || (self.include_optional
                    && depth < MAX_DEPTH
                    && !self.admits_nothing(&property_at));
            if wanted {
                object.insert(name.clone(), self.make(&property_at, depth + 1));
            }
        }
        // `if`/`then`: the value is made to meet the condition (its tag, say), and then to hold
        // what follows from it.
        if schema.get("then").is_some() {
            for keyword in ["if", "then"] {
                if let Value::Object(made) = self.make(&at.join(keyword), depth + 1) {
                    object.extend(made);
                }
                let wanted = follow(self.spec, &at.join(keyword))
                    .ok()
                    .map(|(_, branch)| names(branch.get("required")))
                    .unwrap_or_default();
                self.fill(at, schema, &wanted, &mut object, depth);
            }
        }
        self.fill(at, schema, &required, &mut object, depth);
        // `dependentRequired`: a property present brings the ones it names along.
        if let Some(Value::Object(dependencies)) = schema.get("dependentRequired") {
            for (name, dependents) in dependencies {
                if object.contains_key(name) {
                    let dependents = names(Some(dependents));
                    self.fill(at, schema, &dependents, &mut object, depth);
                }
            }
        }
        self.count_properties(at, schema, &required, &mut object, depth);
        Some(Value::Object(object))
    }

    /// Where the schema at `at`, or one of its `allOf` members, describes property `name`.
    fn member_property(&self, at: &JsonPointer, name: &str, depth: usize) -> Option<JsonPointer> {
        let (at, schema) = follow(self.spec, at).ok()?;
        if schema.get("properties").and_then(|p| p.get(name)).is_some() {
            return Some(at.join("properties").join(name));
        }
        if depth >= MAX_DEPTH {
            return None;
        }
        let members = schema.get("allOf")?.as_array()?.len();
        (0..members).find_map(|index| {
            self.member_property(&at.join("allOf").join(index.to_string()), name, depth + 1)
        })
    }

    /// Adds the properties the composed schema at `at` made itself to those its members made. A
    /// property the schema only annotates (`{default: true}` beside a `$ref`, the 2020-12 way of
    /// documenting a referenced schema's property, which the 3.0 form keeps beside an `allOf`)
    /// says nothing of its value: a member made that value to its own schema, and it stays, where
    /// the annotation alone would have made up a word.
    fn extend_with_own(
        &self,
        at: &JsonPointer,
        object: &mut Map<String, Value>,
        own: Map<String, Value>,
    ) {
        for (name, value) in own {
            let only_annotated = || {
                follow(self.spec, &at.join("properties").join(name.as_str()))
                    .is_ok_and(|(_, property)| annotates_only(property))
            };
            if !(object.contains_key(&name) && only_annotated()) {
                object.insert(name, value);
            }
        }
    }

    /// `minProperties` and `maxProperties`: optional properties left out are added, then ones
    /// `additionalProperties` allows, up to the least; optional ones are dropped, last first,
    /// down to the most.
    fn count_properties(
        &mut self,
        at: &JsonPointer,
        schema: &Value,
        required: &[String],
        object: &mut Map<String, Value>,
        depth: usize,
    ) {
        let least = count(schema, "minProperties").unwrap_or(0);
        if object.len() < least {
            let optional: Vec<String> = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| {
                    p.keys()
                        .filter(|n| !object.contains_key(*n))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let wanted: Vec<String> = optional.into_iter().take(least - object.len()).collect();
            self.fill(at, schema, &wanted, object, depth);
        }
        let open = schema.get("additionalProperties") != Some(&Value::Bool(false));
        let mut attempts = 0;
        while open && object.len() < least && attempts < least * 4 + 4 {
            attempts += 1;
            let name = self.word(4, 10);
            if !object.contains_key(&name) {
                self.fill_with(at, schema, &[name], object, depth, true);
            }
        }
        if let Some(most) = count(schema, "maxProperties") {
            while object.len() > most {
                let Some(last) = object.keys().rev().find(|n| !required.contains(n)).cloned()
                else {
                    break;
                };
                object.remove(&last);
            }
        }
    }

    /// The names the schema at `at` requires without defining them itself (a composition member
    /// that asks for its parent's properties); those it defines, it made or left out itself.
    fn required_of(&self, at: &JsonPointer) -> Vec<String> {
        let Ok((_, schema)) = follow(self.spec, at) else {
            return Vec::new();
        };
        let defined = schema.get("properties");
        names(schema.get("required"))
            .into_iter()
            .filter(|name| defined.and_then(|p| p.get(name)).is_none())
            .collect()
    }

    /// Whether the schema at `at` admits no value at all (`enum: []`, or `false` as the 3.0
    /// form writes it, `not: {}`).
    fn admits_nothing(&self, at: &JsonPointer) -> bool {
        let Ok((_, schema)) = follow(self.spec, at) else {
            return false;
        };
        schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
            || schema
                .get("not")
                .is_some_and(|not| not.as_object().is_some_and(Map::is_empty))
    }

    /// Whether the property at `at` is left out of messages going this way (`readOnly` ones of
    /// requests, `writeOnly` ones of responses).
    fn hidden(&self, at: &JsonPointer) -> bool {
        let Ok((_, property)) = follow(self.spec, at) else {
            return false;
        };
        let flag = match self.direction {
            Direction::Request => "readOnly",
            Direction::Response => "writeOnly",
        };
        property.get(flag) == Some(&Value::Bool(true))
    }

    /// Adds each of `wanted` that `object` lacks and does not hide: from its property schema,
    /// else from `additionalProperties`. A name neither describes is made up (any word) only
    /// when `object` is whole: a member of an `allOf` may require what another member describes.
    fn fill(
        &mut self,
        at: &JsonPointer,
        schema: &Value,
        wanted: &[String],
        object: &mut Map<String, Value>,
        depth: usize,
    ) {
        self.fill_with(at, schema, wanted, object, depth, false);
    }

    fn fill_with(
        &mut self,
        at: &JsonPointer,
        schema: &Value,
        wanted: &[String],
        object: &mut Map<String, Value>,
        depth: usize,
        whole: bool,
    ) {
        for name in wanted {
            let property_at = at.join("properties").join(name.as_str());
            if object.contains_key(name) || self.hidden(&property_at) {
                continue;
            }
            let value = if schema.get("properties").and_then(|p| p.get(name)).is_some() {
                self.make(&property_at, depth + 1)
            } else if schema
                .get("additionalProperties")
                .is_some_and(Value::is_object)
            {
                self.make(&at.join("additionalProperties"), depth + 1)
            } else if whole {
                Value::String(self.word(4, 10))
            } else {
                continue;
            };
            object.insert(name.clone(), value);
        }
    }

    fn array(&mut self, at: &JsonPointer, schema: &Value, depth: usize) -> Value {
        let min = count(schema, "minItems").unwrap_or(0);
        if let Some(Value::Array(prefix)) = schema.get("prefixItems") {
            // A tuple: each place by its schema, then `items` up to `minItems`.
            let mut items: Vec<Value> = (0..prefix.len())
                .map(|index| self.make(&at.join("prefixItems").join(index.to_string()), depth + 1))
                .collect();
            while items.len() < min {
                items.push(self.make(&at.join("items"), depth + 1));
            }
            return Value::Array(items);
        }
        let max = count(schema, "maxItems").unwrap_or(min + 2).max(min);
        let wanted = if depth >= MAX_DEPTH {
            min
        } else if self.prefer_examples {
            min.max(1).min(max)
        } else {
            self.rng.random_range(min..=max.min(min + 3))
        };
        let unique = schema.get("uniqueItems") == Some(&Value::Bool(true));
        let prefer_examples = self.prefer_examples;
        let mut items: Vec<Value> = Vec::new();
        if schema.get("contains").is_some() && max > 0 {
            items.push(self.make(&at.join("contains"), depth + 1));
        }
        let mut attempts = 0;
        while items.len() < wanted && attempts < wanted * 8 + 8 {
            attempts += 1;
            let item = self.make(&at.join("items"), depth + 1);
            if unique && items.contains(&item) {
                // Examples repeat themselves; vary the next attempts.
                self.prefer_examples = false;
                continue;
            }
            items.push(item);
        }
        self.prefer_examples = prefer_examples;
        Value::Array(items)
    }
}

/// How many made-up values [`valid_value`] tries before giving up.
const ATTEMPTS: u64 = 16;

/// A value for the schema at `at` that `validator` accepts: the spec's own examples first (a
/// spec's example can be wrong), then values made up from seeds `seed`, `seed + 1`, ….
#[must_use]
pub fn valid_value(
    spec: &Value,
    at: &JsonPointer,
    direction: Direction,
    seed: u64,
    validator: &SchemaValidator,
) -> Option<Value> {
    first_valid(spec, at, direction, seed, validator, true)
}

/// Like [`valid_value`], but never the spec's own examples: a value that names no resource the
/// spec's authors had in mind.
#[must_use]
pub fn made_up_value(
    spec: &Value,
    at: &JsonPointer,
    direction: Direction,
    seed: u64,
    validator: &SchemaValidator,
) -> Option<Value> {
    first_valid(spec, at, direction, seed, validator, false)
}

fn first_valid(
    spec: &Value,
    at: &JsonPointer,
    direction: Direction,
    seed: u64,
    validator: &SchemaValidator,
    examples_first: bool,
) -> Option<Value> {
    (0..=ATTEMPTS).find_map(|attempt| {
        let value = Synthesizer::new(spec, seed.wrapping_add(attempt), direction)
            .prefer_examples(examples_first && attempt == 0)
            .value(at);
        validator.is_valid(&value).then_some(value)
    })
}

/// A generator for strings matching `pattern` (ECMA-262 as OpenAPI means it): ASCII classes
/// where the pattern allows (`\d` is ASCII in ECMA-262), outer anchors dropped since generated
/// strings are matched whole anyway.
fn pattern_generator(pattern: &str) -> Option<rand_regex::Regex> {
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = match body.strip_suffix('$') {
        Some(stripped) if !stripped.ends_with('\\') => stripped,
        _ => body,
    };
    let ascii = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .build()
        .parse(body);
    let hir = match ascii {
        Ok(hir) => hir,
        Err(_) => regex_syntax::Parser::new().parse(body).ok()?,
    };
    rand_regex::Regex::with_hir(hir, MAX_REPEAT).ok()
}

/// Whether a schema only describes a value (its title, default, examples, …) without saying what
/// the value may be.
fn annotates_only(schema: &Value) -> bool {
    schema.as_object().is_some_and(|keywords| {
        keywords.keys().all(|keyword| {
            keyword.starts_with("x-")
                || matches!(
                    keyword.as_str(),
                    "title"
                        | "description"
                        | "default"
                        | "example"
                        | "examples"
                        | "deprecated"
                        | "readOnly"
                        | "writeOnly"
                        | "externalDocs"
                        | "xml"
                        | "$comment"
                )
        })
    })
}

/// The names a `required` (or a `dependentRequired` entry) lists.
fn names(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn count(schema: &Value, keyword: &str) -> Option<usize> {
    schema
        .get(keyword)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

fn bound(schema: &Value, keyword: &str) -> Option<f64> {
    schema
        .get(keyword)
        .and_then(Value::as_f64)
        .filter(|b| b.is_finite())
}

#[cfg(test)]
mod tests;
