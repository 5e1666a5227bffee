//! Request values for a contract run, built from the model: the spec's own examples where it
//! gives them (already checked against their types when lowering), else a value made from the
//! type and its limits (formats, enums, patterns, lengths, ranges, required fields, nested
//! objects, the first alternative of a union). Each value is JSON, which the driver
//! deserializes into the generated type, so what is sent is what the generated code makes of it.

use std::collections::HashSet;

use clientgen::model::{
    Api, Bound, Constraints, Direction, Example, Presence, Scalar, TypeDef, TypeId, TypeKind, TypeRef,
};
use serde_json::{Map, Value, json};

/// Optional fields are filled down to this depth of nested objects (0: the body itself);
/// below it only required ones are.
const OPTIONAL_DEPTH: usize = 1;

/// Objects nested deeper than this are left empty: only a cycle of required fields gets here,
/// which no finite value satisfies anyway.
const MAX_DEPTH: usize = 12;

/// Makes values for the types of one model.
pub struct Values<'a> {
    api: &'a Api,
    /// The spec's tree, read for the fields the model types as any JSON value.
    tree: Option<&'a Value>,
}

impl<'a> Values<'a> {
    /// Values for the types of `api`, without the tree.
    #[cfg(test)]
    pub fn new(api: &'a Api) -> Self {
        Values { api, tree: None }
    }

    /// Values for the types of `api`, lowered from `tree`: a field of any JSON value
    /// (`serde_json::Value`) gets a value of the `type` its schema in the tree names.
    pub fn with_tree(api: &'a Api, tree: &'a Value) -> Self {
        Values { api, tree: Some(tree) }
    }

    /// A value of `ty` that keeps `constraints`: `example` when it is given and fits, else
    /// one built from the type; `hint` is the field or parameter name (an `email` gets an
    /// address, since the model keeps no `format: email`).
    pub fn value(&self, ty: &TypeRef, constraints: &Constraints, hint: &str, example: Option<&Example>) -> Value {
        self.value_at(ty, constraints, hint, example, 0)
    }

    fn value_at(
        &self,
        ty: &TypeRef,
        constraints: &Constraints,
        hint: &str,
        example: Option<&Example>,
        depth: usize,
    ) -> Value {
        if let Some(value) = example.and_then(|example| self.example(ty, example)) {
            // An object example may leave out required fields: they are added.
            if let (Value::Object(given), TypeRef::Named(id)) = (&value, ty)
                && let Value::Object(mut built) = self.named(id, depth, true)
            {
                built.extend(given.clone());
                return Value::Object(built);
            }
            return value;
        }
        match ty {
            TypeRef::Scalar(scalar) => scalar_value(*scalar, constraints, hint),
            TypeRef::Named(id) => {
                if let Some(example) = self.api.examples.types.get(id)
                    && let Some(value) = self.example(ty, example)
                {
                    return value;
                }
                self.named_in(id, depth, false, hint, false)
            }
            TypeRef::List(item) => {
                let count = constraints.min_items.unwrap_or(1).max(1).min(constraints.max_items.unwrap_or(u64::MAX));
                let items: Vec<Value> = (0..count)
                    .map(|i| {
                        let value = self.value_at(item, &Constraints::default(), hint, None, depth + 1);
                        distinct(value, i)
                    })
                    .collect();
                Value::Array(items)
            }
            // An empty map: a key of its own may be refused (stripe's form bodies of GET
            // operations are `additionalProperties: false` objects without properties).
            TypeRef::Map(_) => Value::Object(Map::new()),
            TypeRef::Any => Value::Object(Map::new()),
            // An object named by its id, as a request would name it.
            TypeRef::Expandable(_) => scalar_value(Scalar::String, constraints, hint),
        }
    }

    /// A value of a named type; `required_only` leaves out every optional field.
    fn named(&self, id: &TypeId, depth: usize, required_only: bool) -> Value {
        self.named_in(id, depth, required_only, "", false)
    }

    /// [`Self::named`]; `hint` is the name of the field holding it, `alternative` says it is
    /// a union's alternative.
    fn named_in(&self, id: &TypeId, depth: usize, required_only: bool, hint: &str, alternative: bool) -> Value {
        let Some(def) = self.api.types.get(id) else { return Value::Object(Map::new()) };
        match &def.kind {
            TypeKind::Struct(_) => self.object(id, def, depth, required_only, alternative),
            TypeKind::Enum(e) => {
                let variant = e.variants.iter().find(|v| !v.deprecated).or(e.variants.first());
                variant.map_or(Value::Null, |v| Value::String(v.wire.clone()))
            }
            TypeKind::Alias(inner) | TypeKind::Newtype(inner) => {
                // The model keeps a named scalar's limits on its uses, not on the type: its
                // schema in the tree has them (discord's `SnowflakeType` pattern).
                let schema = self.tree.and_then(|t| t.get("components")?.get("schemas")?.get(&def.original_name));
                match schema.and_then(|schema| raw_value(schema, hint)) {
                    Some(value) => value,
                    None => self.value_at(inner, &Constraints::default(), hint, None, depth),
                }
            }
            TypeKind::Union(union) => {
                let Some(variant) = union.variants.first() else { return Value::Null };
                let mut value = match &variant.ty {
                    TypeRef::Named(inner) => self.named_in(inner, depth + 1, false, hint, true),
                    ty => self.value_at(ty, &Constraints::default(), hint, None, depth + 1),
                };
                if let (Some(property), Some(tag), Value::Object(map)) =
                    (&union.discriminator, variant.tags.first(), &mut value)
                {
                    map.insert(property.clone(), Value::String(tag.clone()));
                }
                value
            }
        }
    }

    /// An object's required fields, and its optional ones near the top; an alternative of a
    /// union also gets its optional fields that hold an enum or declare a default (they
    /// usually tell the alternatives apart: `type: ach`).
    fn object(&self, id: &TypeId, def: &TypeDef, depth: usize, required_only: bool, alternative: bool) -> Value {
        let mut map = Map::new();
        if depth > MAX_DEPTH {
            return Value::Object(map);
        }
        let view = def.view(Direction::Request);
        let examples = self.api.examples.fields.get(id);
        for (field, _) in def.fields_of(view) {
            let wanted = match field.request {
                Presence::Absent => false,
                Presence::Required => true,
                Presence::Optional => {
                    (!required_only && !field.deprecated && depth < OPTIONAL_DEPTH)
                        || (alternative && (field.default.is_some() || self.is_enum(&field.ty)))
                }
            };
            if !wanted {
                continue;
            }
            if field.request == Presence::Optional
                && alternative
                && let Some(default) = &field.default
                && let Ok(value) = serde_json::from_str::<Value>(&default.json())
            {
                map.insert(field.wire_name.clone(), value);
                continue;
            }
            let example = examples.and_then(|fields| fields.get(&field.wire_name));
            // A property of plain schema (no reference or composition) is read in the tree,
            // which keeps what the model does not: `format: email`, the limits of an array's
            // items, the type of what the model holds as any JSON value.
            if example.is_none()
                && let Some(value) = self.raw_property(def, &field.wire_name, field.ty == TypeRef::Any)
            {
                map.insert(field.wire_name.clone(), value);
                continue;
            }
            let constraints = field.constraints.clone().applicable_to(&field.ty);
            let value = self.value_at(&field.ty, &constraints, &field.wire_name, example, depth + 1);
            map.insert(field.wire_name.clone(), value);
        }
        Value::Object(map)
    }

    fn is_enum(&self, ty: &TypeRef) -> bool {
        matches!(ty, TypeRef::Named(id) if matches!(self.api.types.get(id).map(|d| &d.kind), Some(TypeKind::Enum(_))))
    }

    /// A value for a component's property from its schema in the tree, when that schema is
    /// plain (see [`raw_value`]); for one the model holds as any JSON value (`any`), at least
    /// an empty value of the `type` it names.
    fn raw_property(&self, def: &TypeDef, wire_name: &str, any: bool) -> Option<Value> {
        let schemas = self.tree?.get("components")?.get("schemas")?;
        let schema = schemas.get(&def.original_name)?.get("properties")?.get(wire_name)?;
        raw_value(schema, wire_name).or_else(|| if any { raw_kind(schema) } else { None })
    }

    /// `example` as JSON for a value of `ty`, or `None` when it does not match the type's shape.
    pub fn example(&self, ty: &TypeRef, example: &Example) -> Option<Value> {
        self.example_at(ty, example, &mut HashSet::new())
    }

    fn example_at(&self, ty: &TypeRef, example: &Example, seen: &mut HashSet<TypeId>) -> Option<Value> {
        // Aliases and newtypes are their inner type.
        if let TypeRef::Named(id) = ty
            && let Some(def) = self.api.types.get(id)
            && let TypeKind::Alias(inner) | TypeKind::Newtype(inner) = &def.kind
        {
            if !seen.insert(id.clone()) {
                return None;
            }
            return self.example_at(inner, example, seen);
        }
        let kind = match ty {
            TypeRef::Named(id) => self.api.types.get(id).map(|def| &def.kind),
            _ => None,
        };
        Some(match example {
            Example::Text(text) => Value::String(text.clone()),
            Example::Bool(b) => Value::Bool(*b),
            Example::Int(i) => match ty {
                TypeRef::Scalar(Scalar::Decimal) => Value::String(i.to_string()),
                _ => Value::from(*i),
            },
            Example::Float(f) => match ty {
                TypeRef::Scalar(Scalar::Decimal) => Value::String(f.to_string()),
                _ => serde_json::Number::from_f64(*f).map(Value::Number)?,
            },
            Example::Variant(index) => match kind {
                Some(TypeKind::Enum(e)) => Value::String(e.variants.get(*index)?.wire.clone()),
                _ => return None,
            },
            Example::List(items) => {
                let TypeRef::List(item) = ty else { return None };
                Value::Array(items.iter().map(|i| self.example_at(item, i, seen)).collect::<Option<_>>()?)
            }
            Example::Map(entries) => {
                let TypeRef::Map(item) = ty else { return None };
                let mut map = Map::new();
                for (key, value) in entries {
                    map.insert(key.clone(), self.example_at(item, value, seen)?);
                }
                Value::Object(map)
            }
            Example::Object(properties) => {
                let TypeRef::Named(id) = ty else { return None };
                let def = self.api.types.get(id)?;
                let view = def.view(Direction::Request);
                let mut map = Map::new();
                for (name, value) in properties {
                    let Some((field, _)) = def.fields_of(view).find(|(f, _)| &f.wire_name == name) else { continue };
                    if field.request == Presence::Absent {
                        continue;
                    }
                    if let Some(value) = self.example_at(&field.ty, value, seen) {
                        map.insert(name.clone(), value);
                    }
                }
                Value::Object(map)
            }
            Example::Union(index, inner) => match kind {
                Some(TypeKind::Union(union)) => {
                    let variant = union.variants.get(*index)?;
                    let mut value = self.example_at(&variant.ty, inner, seen)?;
                    if let (Some(property), Some(tag), Value::Object(map)) =
                        (&union.discriminator, variant.tags.first(), &mut value)
                    {
                        map.entry(property.clone()).or_insert_with(|| Value::String(tag.clone()));
                    }
                    value
                }
                _ => return None,
            },
            Example::Json(value) => value.clone(),
        })
    }
}

/// A value for a plain schema (no `$ref`, composition or properties): a `const`, an enum's
/// first value (or the first of a `oneOf` of `const`s),
/// a string of its format, length and pattern, a number in its range, an array of such
/// items; `None` for anything else.
pub fn raw_value(schema: &Value, hint: &str) -> Option<Value> {
    let object = schema.as_object()?;
    // `anyOf: [{…}, {type: 'null'}]` (3.1's nullable) is its other alternative.
    for key in ["anyOf", "oneOf"] {
        if let Some(alternatives) = object.get(key).and_then(Value::as_array) {
            // Discord's integer enums: `oneOf: [{title: ROLE, const: 1}, …]`, the first value.
            if let Some(first) = alternatives.iter().map(|a| a.get("const")).collect::<Option<Vec<_>>>() {
                return first.first().map(|value| (*value).clone());
            }
            let not_null: Vec<&Value> = alternatives.iter().filter(|a| a.get("type") != Some(&json!("null"))).collect();
            return match not_null.as_slice() {
                [only] if alternatives.len() == 2 => raw_value(only, hint),
                _ => None,
            };
        }
    }
    if let Some(value) = object.get("const") {
        return Some(value.clone());
    }
    if ["$ref", "allOf", "properties", "not"].iter().any(|k| object.contains_key(*k)) {
        return None;
    }
    if let Some(first) = object.get("enum").and_then(Value::as_array).and_then(|v| v.iter().find(|v| !v.is_null())) {
        return Some(first.clone());
    }
    let kind = match object.get("type")? {
        Value::Array(kinds) => kinds.iter().find(|k| *k != "null")?.as_str()?,
        kind => kind.as_str()?,
    };
    let number = |key: &str| object.get(key).and_then(Value::as_f64);
    // 3.0 spells an exclusive bound as a flag beside it, 3.1 as a number of its own.
    let bound = |key: &str, exclusive_key: &str| match (number(key), object.get(exclusive_key)) {
        (_, Some(Value::Number(n))) => n.as_f64().map(|value| Bound { value, exclusive: true }),
        (Some(value), Some(Value::Bool(true))) => Some(Bound { value, exclusive: true }),
        (Some(value), _) => Some(Bound { value, exclusive: false }),
        (None, _) => None,
    };
    let constraints = Constraints {
        min_length: number("minLength").map(|n| n as u64),
        max_length: number("maxLength").map(|n| n as u64),
        pattern: object.get("pattern").and_then(Value::as_str).map(str::to_owned),
        minimum: bound("minimum", "exclusiveMinimum"),
        maximum: bound("maximum", "exclusiveMaximum"),
        min_items: number("minItems").map(|n| n as u64),
        max_items: number("maxItems").map(|n| n as u64),
    };
    let format = object.get("format").and_then(Value::as_str).unwrap_or_default();
    Some(match kind {
        "string" => match format {
            "date-time" => scalar_value(Scalar::DateTime, &constraints, hint),
            "date" => scalar_value(Scalar::Date, &constraints, hint),
            "uuid" => scalar_value(Scalar::Uuid, &constraints, hint),
            "uri" | "url" => scalar_value(Scalar::Uri, &constraints, hint),
            "email" | "idn-email" => Value::String("user@example.com".to_owned()),
            "hostname" | "idn-hostname" => Value::String("example.com".to_owned()),
            "ipv4" => Value::String("192.0.2.1".to_owned()),
            "ipv6" => Value::String("2001:db8::1".to_owned()),
            "uri-reference" | "iri-reference" => Value::String("/example".to_owned()),
            "time" => Value::String("03:04:05Z".to_owned()),
            "byte" => Value::String("ZXhhbXBsZQ==".to_owned()),
            "binary" => return None,
            _ => Value::String(string_value(&constraints, hint)),
        },
        "integer" => scalar_value(if format == "int32" { Scalar::I32 } else { Scalar::I64 }, &constraints, hint),
        "number" => scalar_value(Scalar::F64, &constraints, hint),
        "boolean" => Value::Bool(true),
        "array" => {
            let count = constraints.min_items.unwrap_or(1).max(1).min(constraints.max_items.unwrap_or(u64::MAX));
            let item = match object.get("items") {
                Some(items) => raw_value(items, hint)?,
                None => Value::String("example".to_owned()),
            };
            Value::Array((0..count).map(|i| distinct(item.clone(), i)).collect())
        }
        "object" if !object.contains_key("additionalProperties") => Value::Object(Map::new()),
        _ => return None,
    })
}

/// An empty value of the `type` a schema names (an array, an object, a string, a number).
fn raw_kind(schema: &Value) -> Option<Value> {
    let kind = match schema.get("type")? {
        Value::Array(kinds) => kinds.iter().find(|k| *k != "null")?.as_str()?,
        kind => kind.as_str()?,
    };
    Some(match kind {
        "array" => Value::Array(Vec::new()),
        "object" => Value::Object(Map::new()),
        "string" => Value::String("example".to_owned()),
        "integer" | "number" => Value::from(1),
        "boolean" => Value::Bool(true),
        _ => return None,
    })
}

/// The `i`-th item of a list whose items must perhaps differ (`uniqueItems`): strings and
/// numbers after the first are made distinct.
fn distinct(value: Value, i: u64) -> Value {
    if i == 0 {
        return value;
    }
    match value {
        Value::Number(n) if n.is_i64() => Value::from(n.as_i64().unwrap_or(0).saturating_add(i as i64)),
        other => other,
    }
}

/// A value of a scalar type within `constraints`.
pub fn scalar_value(scalar: Scalar, constraints: &Constraints, hint: &str) -> Value {
    match scalar {
        Scalar::String => Value::String(string_value(constraints, hint)),
        Scalar::Uri => Value::String("https://example.com/".to_owned()),
        Scalar::Uuid => Value::String("3fa85f64-5717-4562-b3fc-2c963f66afa6".to_owned()),
        Scalar::DateTime => Value::String("2024-01-02T03:04:05Z".to_owned()),
        Scalar::Date => Value::String("2024-01-02".to_owned()),
        Scalar::Bool => Value::Bool(true),
        Scalar::I32 | Scalar::I64 => {
            let (low, high) = integer_range(constraints, scalar == Scalar::I32);
            Value::from(if (low..=high).contains(&1) { 1 } else { low })
        }
        Scalar::F32 | Scalar::F64 => Value::from(number_value(constraints)),
        Scalar::Decimal => Value::String(match &constraints.pattern {
            Some(pattern) => pattern_value(pattern, 0, u64::MAX).unwrap_or_else(|| "1.5".to_owned()),
            None => "1.5".to_owned(),
        }),
        Scalar::Bytes => Value::String("example".to_owned()),
    }
}

/// The integers `constraints` allow (an `int32` stays within 32 bits).
fn integer_range(constraints: &Constraints, int32: bool) -> (i64, i64) {
    let (mut low, mut high) = if int32 { (i64::from(i32::MIN), i64::from(i32::MAX)) } else { (i64::MIN, i64::MAX) };
    if let Some(Bound { value, exclusive }) = constraints.minimum {
        let bound = value.ceil() as i64;
        low = low.max(if exclusive && value.ceil() == value { bound.saturating_add(1) } else { bound });
    }
    if let Some(Bound { value, exclusive }) = constraints.maximum {
        let bound = value.floor() as i64;
        high = high.min(if exclusive && value.floor() == value { bound.saturating_sub(1) } else { bound });
    }
    (low, high)
}

/// A number within `constraints`: 1 when allowed (it fits the usual ranges, 0 to 1, 0 to 2,
/// -2 to 2), else a point inside the range.
fn number_value(constraints: &Constraints) -> f64 {
    let low = constraints.minimum.map(|b| b.value);
    let high = constraints.maximum.map(|b| b.value);
    let fits = |x: f64| {
        constraints.minimum.is_none_or(|b| if b.exclusive { x > b.value } else { x >= b.value })
            && constraints.maximum.is_none_or(|b| if b.exclusive { x < b.value } else { x <= b.value })
    };
    if fits(1.0) {
        return 1.0;
    }
    match (low, high) {
        (Some(low), Some(high)) => (low + high) / 2.0,
        (Some(low), None) => low + 1.0,
        (None, Some(high)) => high - 1.0,
        (None, None) => 1.0,
    }
}

/// A string within the length limits and pattern of `constraints`.
fn string_value(constraints: &Constraints, hint: &str) -> String {
    let min = constraints.min_length.unwrap_or(0);
    let max = constraints.max_length.unwrap_or(u64::MAX);
    if let Some(text) = constraints.pattern.as_deref().and_then(|p| pattern_value(p, min, max)) {
        return text;
    }
    let lower = hint.to_ascii_lowercase();
    let mut text = if lower.contains("email") {
        "user@example.com".to_owned()
    } else if lower.ends_with("url") || lower.ends_with("uri") {
        "https://example.com/".to_owned()
    } else {
        "example".to_owned()
    };
    while (text.chars().count() as u64) < min {
        text.push('x');
    }
    if (text.chars().count() as u64) > max {
        text = text.chars().take(max as usize).collect();
    }
    text
}

/// A string the regular expression `pattern` matches, `min..=max` characters long, when the
/// pattern uses what this small generator knows (literals, classes, escapes, groups with
/// alternatives, quantifiers); `None` otherwise. Repeats grow until the length fits.
pub fn pattern_value(pattern: &str, min: u64, max: u64) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut fallback = None;
    for repeat in [1usize, 0, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 128, 256] {
        let mut parser = Pattern { chars: &chars, at: 0, repeat };
        let text = parser.alternatives()?;
        if parser.at != chars.len() {
            return None;
        }
        let length = text.chars().count() as u64;
        if (min..=max).contains(&length) {
            return Some(text);
        }
        fallback.get_or_insert(text);
    }
    fallback
}

/// A recursive-descent walk over a pattern that writes one matching string as it goes.
struct Pattern<'p> {
    chars: &'p [char],
    at: usize,
    /// How many times an open-ended quantifier (`*`, `+`, `{n,}`) repeats, at least its minimum.
    repeat: usize,
}

impl Pattern<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    /// `a|b|c` up to the end or a `)`: the first alternative's text.
    fn alternatives(&mut self) -> Option<String> {
        let first = self.sequence()?;
        while self.peek() == Some('|') {
            self.at += 1;
            self.sequence()?;
        }
        Some(first)
    }

    fn sequence(&mut self) -> Option<String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let (low, high) = self.quantifier()?;
            let count = self.repeat.clamp(low, high.max(low));
            for _ in 0..count {
                out.push_str(&atom);
            }
        }
        Some(out)
    }

    /// One atom's text (empty for anchors).
    fn atom(&mut self) -> Option<String> {
        let c = self.peek()?;
        self.at += 1;
        Some(match c {
            '^' | '$' => String::new(),
            '.' => "a".to_owned(),
            '\\' => {
                let e = self.peek()?;
                self.at += 1;
                match e {
                    'd' => "1".to_owned(),
                    'w' => "a".to_owned(),
                    's' => " ".to_owned(),
                    'D' | 'S' | 'W' => if e == 'W' { "-" } else { "a" }.to_owned(),
                    'b' | 'B' | 'A' | 'z' | 'Z' => String::new(),
                    'u' => {
                        let hex: String = self.chars.get(self.at..self.at + 4)?.iter().collect();
                        self.at += 4;
                        char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?.to_string()
                    }
                    'n' => "\n".to_owned(),
                    't' => "\t".to_owned(),
                    other if other.is_ascii_alphanumeric() => return None,
                    other => other.to_string(),
                }
            }
            '[' => self.class()?.to_string(),
            '(' => {
                if self.peek() == Some('?') {
                    self.at += 1;
                    match self.peek()? {
                        ':' => self.at += 1,
                        'P' | '<' => {
                            if self.peek() == Some('P') {
                                self.at += 1;
                            }
                            if self.peek() != Some('<') || matches!(self.chars.get(self.at + 1), Some('=' | '!')) {
                                return None;
                            }
                            while self.peek()? != '>' {
                                self.at += 1;
                            }
                            self.at += 1;
                        }
                        _ => return None,
                    }
                }
                let text = self.alternatives()?;
                if self.peek()? != ')' {
                    return None;
                }
                self.at += 1;
                text
            }
            '*' | '+' | '?' | '{' | ')' | '|' => return None,
            other => other.to_string(),
        })
    }

    /// `[...]`, the `[` read: a character it allows.
    fn class(&mut self) -> Option<char> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut members: Vec<(char, char)> = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek()?;
            self.at += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let start = match c {
                '\\' => {
                    let e = self.peek()?;
                    self.at += 1;
                    match e {
                        'd' => {
                            members.push(('0', '9'));
                            continue;
                        }
                        'w' => {
                            members.push(('a', 'z'));
                            members.push(('A', 'Z'));
                            members.push(('0', '9'));
                            members.push(('_', '_'));
                            continue;
                        }
                        's' => {
                            members.push((' ', ' '));
                            continue;
                        }
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    }
                }
                other => other,
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&c| c != ']') {
                self.at += 1;
                let mut end = self.peek()?;
                self.at += 1;
                if end == '\\' {
                    end = self.peek()?;
                    self.at += 1;
                }
                members.push((start, end));
            } else {
                members.push((start, start));
            }
        }
        if negated {
            ['a', 'x', 'A', '0', '_', '-', ' ', '.']
                .into_iter()
                .find(|c| !members.iter().any(|(l, h)| (l..=h).contains(&c)))
        } else {
            // A letter or digit when the class has one, for readable values.
            let good = ['a', 'A', '1', '0'];
            good.into_iter()
                .find(|c| members.iter().any(|(l, h)| (l..=h).contains(&c)))
                .or(members.first().map(|m| m.0))
        }
    }

    /// The quantifier after an atom, as a range of counts (`(1, 1)` when there is none).
    fn quantifier(&mut self) -> Option<(usize, usize)> {
        let range = match self.peek() {
            Some('*') => (0, usize::MAX),
            Some('+') => (1, usize::MAX),
            Some('?') => (0, 1),
            Some('{') => {
                let close = self.chars[self.at..].iter().position(|&c| c == '}')? + self.at;
                let inside: String = self.chars[self.at + 1..close].iter().collect();
                let range = match inside.split_once(',') {
                    None => {
                        let n = inside.trim().parse().ok()?;
                        (n, n)
                    }
                    Some((low, high)) => {
                        let low = low.trim().parse().ok()?;
                        let high = if high.trim().is_empty() { usize::MAX } else { high.trim().parse().ok()? };
                        (low, high)
                    }
                };
                self.at = close;
                range
            }
            _ => return Some((1, 1)),
        };
        self.at += 1;
        // Lazy and possessive markers change nothing about what matches.
        if matches!(self.peek(), Some('?' | '+')) {
            self.at += 1;
        }
        Some(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clientgen::{Input, Source};
    use serde_json::json;

    #[test]
    fn a_one_of_of_consts_takes_its_first_value() {
        // Discord's integer enums, which the model holds as any JSON value.
        let schema =
            json!({"type": "integer", "oneOf": [{"title": "ROLE", "const": 1}, {"title": "USER", "const": 2}]});
        assert_eq!(raw_value(&schema, "type"), Some(json!(1)));
        assert_eq!(raw_value(&json!({"const": "thing"}), "kind"), Some(json!("thing")));
        assert_eq!(raw_value(&json!({"oneOf": [{"const": 1}, {"type": "object"}]}), "x"), None);
    }

    /// The model of a spec whose one operation takes a body of schema `Body` (YAML, indented
    /// to sit under `components.schemas`).
    fn api(schemas: &str) -> (Api, Value) {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /x:\n    post:\n      operationId: send\n      \
             requestBody:\n        required: true\n        content:\n          application/json:\n            \
             schema: {{$ref: '#/components/schemas/Body'}}\n      responses:\n        '204': {{description: ok}}\n\
             components:\n  schemas:\n{schemas}"
        );
        let text: &'static str = Box::leak(text.into_boxed_str());
        let input = Input::spec(Source { name: "t.yaml", text });
        let tree = clientgen::apply_overlays(&input).expect("the spec parses").tree;
        (clientgen::lower(&input, &clientgen::Config::new("t")).expect("the spec lowers").api, tree)
    }

    fn body(schemas: &str) -> Value {
        let (api, tree) = api(schemas);
        let ty = api.operations[0].body.as_ref().expect("a body").variants[0].ty.clone();
        let with_tree = Values::with_tree(&api, &tree).value(&ty, &Constraints::default(), "", None);
        let without = Values::new(&api).value(&ty, &Constraints::default(), "", None);
        assert_eq!(with_tree.as_object().map(|o| o.len()), without.as_object().map(|o| o.len()), "the same fields");
        with_tree
    }

    #[test]
    fn formats_ranges_and_lengths() {
        let value = body(
            "    Body:
      type: object
      required: [at, id, mail, link, small, big, code, day, ratio]
      properties:
        at: {type: string, format: date-time}
        id: {type: string, format: uuid}
        mail: {type: string, format: email}
        link: {type: string, format: uri}
        small: {type: integer, format: int32, minimum: 5, maximum: 9}
        big: {type: integer, minimum: 10, exclusiveMinimum: true}
        code: {type: string, minLength: 10, maxLength: 12}
        day: {type: string, format: date}
        ratio: {type: number, maximum: 1, minimum: 0.2}
        share: {type: number, maximum: 1, exclusiveMaximum: true, minimum: 0.5}
        top: {anyOf: [{type: number, maximum: 1, minimum: 0.5, exclusiveMaximum: true}, {type: 'null'}]}
",
        );
        assert_eq!(value["at"], "2024-01-02T03:04:05Z");
        assert_eq!(value["id"], "3fa85f64-5717-4562-b3fc-2c963f66afa6");
        assert_eq!(value["mail"], "user@example.com");
        assert_eq!(value["link"], "https://example.com/");
        assert_eq!(value["small"], 5);
        assert_eq!(value["big"], 11);
        let code = value["code"].as_str().expect("a string");
        assert!((10..=12).contains(&code.len()), "{code}");
        assert_eq!(value["day"], "2024-01-02");
        assert_eq!(value["ratio"], 1.0);
        assert_eq!(value["share"], 0.75);
        assert_eq!(value["top"], 0.75, "a 3.1 nullable keeps its limits");
    }

    #[test]
    fn patterns() {
        for (pattern, min, max) in [
            (r"^[A-Z]{3}$", 0, u64::MAX),
            (r"^\d{4}-\d{2}$", 0, u64::MAX),
            (r"^(?:foo|bar)_[a-z0-9]+$", 0, u64::MAX),
            (r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", 0, u64::MAX),
            (r"^[a-z]*$", 5, 8),
            (r"^\+?[1-9]\d{1,14}$", 0, u64::MAX),
            (r"^(?P<year>\d{4})$", 0, u64::MAX),
        ] {
            let text = pattern_value(pattern, min, max).unwrap_or_else(|| panic!("a value for {pattern}"));
            let regex = regex_lite::Regex::new(pattern.replace("(?P<", "(?<").as_str()).expect("the pattern compiles");
            assert!(regex.is_match(&text), "{text:?} does not match {pattern}");
            let length = text.chars().count() as u64;
            assert!((min..=max).contains(&length), "{text:?} for {pattern}");
        }
        assert_eq!(pattern_value(r"(?=x)", 0, 10), None, "lookahead is beyond the generator");
    }

    #[test]
    fn enums_nested_arrays_and_read_only() {
        let value = body(
            "    Body:
      type: object
      required: [kind, grid, inner, id]
      properties:
        id: {type: integer, readOnly: true}
        kind: {type: string, enum: [first, second]}
        grid:
          type: array
          minItems: 2
          items: {type: array, items: {type: integer, minimum: 3}}
        inner:
          type: object
          required: [name]
          properties:
            name: {type: string, maxLength: 3}
            note: {type: string}
        extra: {type: object, additionalProperties: {type: integer}}
        maybe: {type: string, nullable: true}
",
        );
        assert!(value.get("id").is_none(), "readOnly fields are not sent: {value}");
        assert_eq!(value["kind"], "first");
        assert_eq!(value["grid"], json!([[3], [3]]));
        assert_eq!(value["inner"], json!({"name": "exa"}), "below the top only required fields");
        assert_eq!(value["extra"], json!({}));
        assert_eq!(value["maybe"], "example");
    }

    #[test]
    fn unions_take_their_first_variant_with_its_tag() {
        let value = body(
            "    Cat:
      type: object
      required: [type, lives]
      properties:
        type: {type: string}
        lives: {type: integer}
    Dog:
      type: object
      required: [type]
      properties:
        type: {type: string}
    Body:
      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
      discriminator: {propertyName: type, mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}}
",
        );
        assert_eq!(value["type"], "cat");
        assert_eq!(value["lives"], 1);
    }

    #[test]
    fn a_named_scalar_keeps_its_pattern() {
        let value = body(
            "    Snowflake: {type: string, pattern: '^(0|[1-9][0-9]*)$', format: snowflake}
    Body:
      type: object
      required: [id, ids]
      properties:
        id: {$ref: '#/components/schemas/Snowflake'}
        ids: {type: array, items: {$ref: '#/components/schemas/Snowflake'}}
",
        );
        assert_eq!(value, json!({"id": "0", "ids": ["0"]}));
    }

    #[test]
    fn all_of_merges_and_examples_come_first() {
        let value = body(
            "    Base:
      type: object
      required: [name]
      properties:
        name: {type: string, example: Rex}
    Body:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [age]
          properties:
            age: {type: integer, example: 7}
",
        );
        assert_eq!(value, json!({"name": "Rex", "age": 7}));
    }
}
