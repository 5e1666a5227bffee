//! The spec's example values: schema, property, parameter and media-type `example` and
//! `examples`, read once the types are final and checked against the type each is for. What
//! does not fit (the wrong kind, a value no enum has, a number out of its type's range) is left
//! out, so emission builds a placeholder there; what is deep or long is cut.

use indexmap::IndexMap;
use openapiv3::OpenAPI;
use serde_json::Value;

use crate::model::*;

/// How deep an example value is followed (objects and lists inside each other).
const MAX_DEPTH: usize = 6;
/// How many items of a list or entries of a map an example keeps.
const MAX_ITEMS: usize = 3;
/// The longest text an example keeps; longer text is left to the placeholder.
const MAX_TEXT: usize = 200;
/// How many properties of an object a free-form or response example keeps.
const MAX_KEYS: usize = 12;
/// How long a string of a response example or free-form value may be before it is cut.
const SHOWN_TEXT: usize = 80;

/// Reads every example of `doc` that fits its type.
/// The security schemes the quick start sets: one alternative of the first operation that asks
/// for credentials (the example calls the first operation), the first made only of single
/// values (API keys and tokens) when there is one, since Basic's user name and password say
/// less about what to put there; none when no operation asks for any.
pub(super) fn credentials(operations: &[Operation], schemes: &IndexMap<String, SecurityScheme>) -> Vec<String> {
    let Some(op) = operations.iter().find(|op| op.security.iter().flatten().next().is_some()) else {
        return Vec::new();
    };
    let single = |alternative: &&Vec<String>| {
        alternative.iter().all(|name| schemes.get(name).is_some_and(|s| s.kind != SecurityKind::Basic))
    };
    let alternatives = op.security.iter().filter(|alternative| !alternative.is_empty());
    let chosen = alternatives.clone().find(single).or_else(|| alternatives.clone().next());
    chosen.cloned().unwrap_or_default()
}

pub(super) fn collect(doc: &OpenAPI, types: &IndexMap<TypeId, TypeDef>, operations: &[Operation]) -> Examples {
    let Ok(root) = serde_json::to_value(doc) else { return Examples::default() };
    let cx = Cx { root: &root, types };
    let mut examples = Examples::default();
    for (id, def) in types {
        let Some(schema) = cx.at(&id.0) else { continue };
        if let Some(found) = schema.get("example").and_then(|v| cx.fit_named(id, v, 0)) {
            examples.types.insert(id.clone(), found);
        }
        if let TypeKind::Struct(s) = &def.kind {
            let mut fields = IndexMap::new();
            for f in &s.fields {
                let Some(value) = cx.property_example(schema, &f.wire_name, 0) else { continue };
                if let Some(found) = cx.fit(&f.ty, value, 0) {
                    fields.insert(f.wire_name.clone(), found);
                }
            }
            if !fields.is_empty() {
                examples.fields.insert(id.clone(), fields);
            }
        }
    }
    for op in operations {
        let found = cx.operation(op);
        if !found.is_empty() {
            examples.operations.insert(op.name.clone(), found);
        }
    }
    examples
}

struct Cx<'a> {
    root: &'a Value,
    types: &'a IndexMap<TypeId, TypeDef>,
}

impl Cx<'_> {
    /// The node a `#/…` pointer names.
    fn at(&self, pointer: &str) -> Option<&Value> {
        self.root.pointer(pointer.strip_prefix('#')?)
    }

    /// `value`, or what its `$ref` points at (a few steps at most).
    fn resolve<'v>(&'v self, mut value: &'v Value) -> &'v Value {
        for _ in 0..8 {
            match value.get("$ref").and_then(Value::as_str).and_then(|r| self.at(r)) {
                Some(target) => value = target,
                None => break,
            }
        }
        value
    }

    /// The `example` of property `name` in `schema` or in its `allOf` parts.
    fn property_example<'v>(&'v self, schema: &'v Value, name: &str, depth: usize) -> Option<&'v Value> {
        let schema = self.resolve(schema);
        if let Some(example) = schema.get("properties").and_then(|p| p.get(name)).and_then(|p| p.get("example")) {
            return Some(example);
        }
        if depth >= 4 {
            return None;
        }
        let parts = schema.get("allOf").and_then(Value::as_array)?;
        parts.iter().find_map(|part| self.property_example(part, name, depth + 1))
    }

    /// The example of a parameter or media type object: its `example`, else the first of its
    /// `examples` (each an Example object, maybe a `$ref`), else its schema's own `example`.
    fn holder_example<'v>(&'v self, holder: &'v Value) -> Option<&'v Value> {
        if let Some(example) = holder.get("example") {
            return Some(example);
        }
        let from_examples = holder
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|all| all.values().find_map(|e| self.resolve(e).get("value")));
        from_examples.or_else(|| holder.get("schema").and_then(|s| self.resolve(s).get("example")))
    }

    fn operation(&self, op: &Operation) -> OperationExamples {
        let mut found = OperationExamples::default();
        let Some(item) = self.root.get("paths").and_then(|p| p.get(&op.path)).map(|i| self.resolve(i)) else {
            return found;
        };
        let Some(operation) = item.get(op.http_method.to_ascii_lowercase()) else { return found };
        let declared = [item.get("parameters"), operation.get("parameters")];
        let declared: Vec<&Value> =
            declared.into_iter().flatten().filter_map(Value::as_array).flatten().map(|p| self.resolve(p)).collect();
        for p in &op.parameters {
            let location = match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
                ParamLocation::Header => "header",
                ParamLocation::Cookie => "cookie",
            };
            // The operation's own declaration wins over the path item's: the last one found.
            let holder = declared.iter().rev().find(|d| {
                d.get("name").and_then(Value::as_str) == Some(p.wire_name.as_str())
                    && d.get("in").and_then(Value::as_str) == Some(location)
            });
            let value = holder.and_then(|h| {
                self.holder_example(h).or_else(|| {
                    let content = h.get("content").and_then(Value::as_object)?;
                    content.values().find_map(|media| self.holder_example(media))
                })
            });
            if let Some(example) = value.and_then(|v| self.fit(&p.ty, v, 0)) {
                found.parameters.insert(p.wire_name.clone(), example);
            }
        }
        if let (Some(body), Some(declared)) = (&op.body, operation.get("requestBody")) {
            let content = self.resolve(declared).get("content");
            for variant in &body.variants {
                let Some(media) = content.and_then(|c| c.get(&variant.media_type)) else { continue };
                let Some(value) = self.holder_example(media) else { continue };
                let example = match variant.encoding {
                    Encoding::Text => {
                        value.as_str().filter(|s| s.chars().count() <= MAX_TEXT).map(|s| Example::Text(s.to_owned()))
                    }
                    Encoding::Bytes => None,
                    _ => self.fit(&variant.ty, value, 0),
                };
                if let Some(example) = example {
                    found.bodies.insert(variant.media_type.clone(), example);
                }
            }
        }
        found.response = self.response(op, operation);
        found
    }

    /// The first example of a success response with a body, JSON preferred.
    fn response(&self, op: &Operation, operation: &Value) -> Option<ResponseExample> {
        let responses = operation.get("responses")?;
        for (status, response) in &op.responses {
            if response.outcome != Outcome::Success || response.content.is_empty() {
                continue;
            }
            let key = status.to_string();
            let Some(content) = responses.get(&key).map(|r| self.resolve(r)).and_then(|r| r.get("content")) else {
                continue;
            };
            let mut media_types: Vec<&String> = response.content.keys().collect();
            media_types.sort_by_key(|m| !crate::lower::encoding(m).eq(&Encoding::Json));
            for media_type in media_types {
                let Some(value) = content.get(media_type).and_then(|m| self.holder_example(m)) else { continue };
                return Some(ResponseExample {
                    status: *status,
                    media_type: media_type.clone(),
                    value: shown(value, 0),
                });
            }
        }
        None
    }

    fn fit_named(&self, id: &TypeId, value: &Value, depth: usize) -> Option<Example> {
        self.fit(&TypeRef::Named(id.clone()), value, depth)
    }

    /// `value` as an example of `ty`, or `None` when it does not fit.
    fn fit(&self, ty: &TypeRef, value: &Value, depth: usize) -> Option<Example> {
        if depth > MAX_DEPTH {
            return None;
        }
        match ty {
            TypeRef::Scalar(scalar) => fit_scalar(*scalar, value),
            // An example is shown as the id it names; an object would be a whole example of its own.
            TypeRef::Expandable(_) => fit_scalar(Scalar::String, value),
            TypeRef::Any => (!value.is_null()).then(|| Example::Json(shown(value, 0))),
            TypeRef::List(item) => {
                let items = value.as_array()?;
                let fitted: Vec<Example> =
                    items.iter().filter_map(|v| self.fit(item, v, depth + 1)).take(MAX_ITEMS).collect();
                (fitted.len() == items.len().min(MAX_ITEMS)).then_some(Example::List(fitted))
            }
            TypeRef::Map(item) => {
                let entries = value.as_object()?;
                let fitted: Vec<(String, Example)> = entries
                    .iter()
                    .filter(|(k, _)| k.chars().count() <= MAX_TEXT)
                    .filter_map(|(k, v)| Some((k.clone(), self.fit(item, v, depth + 1)?)))
                    .take(MAX_ITEMS)
                    .collect();
                (!fitted.is_empty() || entries.is_empty()).then_some(Example::Map(fitted))
            }
            TypeRef::Named(id) => {
                let def = self.types.get(id)?;
                match &def.kind {
                    TypeKind::Enum(e) => {
                        let text = value.as_str()?;
                        e.variants.iter().position(|v| v.wire == text).map(Example::Variant)
                    }
                    TypeKind::Alias(target) => self.fit(target, value, depth + 1),
                    TypeKind::Newtype(_) => None,
                    TypeKind::Struct(s) => {
                        let object = value.as_object()?;
                        let fields: Vec<(String, Example)> = s
                            .fields
                            .iter()
                            .filter(|f| f.request != Presence::Absent)
                            .filter_map(|f| {
                                let v = object.get(&f.wire_name)?;
                                Some((f.wire_name.clone(), self.fit(&f.ty, v, depth + 1)?))
                            })
                            .collect();
                        Some(Example::Object(fields))
                    }
                    TypeKind::Union(u) => {
                        // The alternative the discriminator names, else the first that fits whole.
                        let tag = u.discriminator.as_ref().and_then(|d| value.get(d)).and_then(Value::as_str);
                        if let Some(tag) = tag {
                            let index = u.variants.iter().position(|v| v.tags.iter().any(|t| t == tag))?;
                            let inner = self.fit(&u.variants[index].ty, value, depth + 1)?;
                            return Some(Example::Union(index, Box::new(inner)));
                        }
                        u.variants.iter().enumerate().find_map(|(index, v)| {
                            let inner = self.fit(&v.ty, value, depth + 1)?;
                            self.whole(&v.ty, value, &inner).then(|| Example::Union(index, Box::new(inner)))
                        })
                    }
                }
            }
        }
    }

    /// Whether `example` (fitted from `value` as a `ty`) says all `value` says, and gives every
    /// required property: how a union's alternative is chosen when no discriminator names it.
    fn whole(&self, ty: &TypeRef, value: &Value, example: &Example) -> bool {
        let TypeRef::Named(id) = ty else { return true };
        let Some(def) = self.types.get(id) else { return false };
        match (&def.kind, example, value.as_object()) {
            (TypeKind::Alias(target), ..) => self.whole(target, value, example),
            (TypeKind::Struct(s), Example::Object(fields), Some(object)) => {
                let required = s.fields.iter().filter(|f| f.request == Presence::Required);
                let has = |name: &str| fields.iter().any(|(n, _)| n == name);
                required.clone().all(|f| has(&f.wire_name)) && object.keys().all(|k| has(k))
            }
            _ => true,
        }
    }
}

/// A scalar example, checked: the right JSON kind, within the Rust type's range, and for
/// text with a format, in that format.
fn fit_scalar(scalar: Scalar, value: &Value) -> Option<Example> {
    let text = || value.as_str().filter(|s| s.chars().count() <= MAX_TEXT).map(str::to_owned);
    match scalar {
        Scalar::String | Scalar::Uri => text().map(Example::Text),
        Scalar::Uuid => text().filter(|s| is_uuid(s)).map(Example::Text),
        Scalar::DateTime => text().filter(|s| is_date_time(s)).map(Example::Text),
        Scalar::Date => text().filter(|s| s.len() == 10 && is_date(s)).map(Example::Text),
        Scalar::Bool => value.as_bool().map(Example::Bool),
        Scalar::I32 => value.as_i64().filter(|n| i32::try_from(*n).is_ok()).map(Example::Int),
        Scalar::I64 | Scalar::Decimal => value.as_i64().map(Example::Int),
        Scalar::F32 => {
            let n = value.as_f64().filter(|n| n.is_finite() && n.abs() <= f64::from(f32::MAX))?;
            #[allow(clippy::cast_possible_truncation)]
            let literal = format!("{:?}", n as f32);
            (!near_constant(&literal)).then_some(Example::Float(n))
        }
        Scalar::F64 => {
            let n = value.as_f64().filter(|n| n.is_finite())?;
            (!near_constant(&format!("{n:?}"))).then_some(Example::Float(n))
        }
        Scalar::Bytes => None,
    }
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `YYYY-MM-DD` with a month and day that can exist.
fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let number = |p: &str| p.chars().all(|c| c.is_ascii_digit()).then(|| p.parse::<u32>().ok()).flatten();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            let (Some(y), Some(m), Some(d)) = (number(y), number(m), number(d)) else { return false };
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
            let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
            (1..=12).contains(&m) && d >= 1 && d <= days[m as usize - 1]
        }
        _ => false,
    }
}

/// An RFC 3339 date-time, as chrono parses it into a `DateTime<Utc>`.
fn is_date_time(s: &str) -> bool {
    let Some((date, time)) = s.split_once(['T', 't']) else { return false };
    if !is_date(date) {
        return false;
    }
    let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, None)
    } else {
        match time.rfind(['+', '-']) {
            Some(at) => (&time[..at], Some(&time[at + 1..])),
            None => return false,
        }
    };
    let two = |p: &str, max: u32| {
        p.len() == 2 && p.chars().all(|c| c.is_ascii_digit()) && p.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let (whole, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let hms: Vec<&str> = whole.split(':').collect();
    let clock_ok = matches!(hms.as_slice(), [h, m, s] if two(h, 23) && two(m, 59) && two(s, 59))
        && !fraction.is_empty()
        && fraction.len() <= 9
        && fraction.chars().all(|c| c.is_ascii_digit());
    let offset_ok = offset.is_none_or(|o| matches!(o.split_once(':'), Some((h, m)) if two(h, 23) && two(m, 59)));
    clock_ok && offset_ok
}

/// Whether clippy's `approx_constant` (denied by default) would take the float literal for a
/// constant of `std::f64::consts` written by hand.
fn near_constant(literal: &str) -> bool {
    use std::f64::consts::*;
    let digits = literal.trim_start_matches('-');
    if digits.contains('e') || digits.len() < 4 {
        return false;
    }
    let constants = [
        E,
        FRAC_1_PI,
        FRAC_1_SQRT_2,
        FRAC_2_PI,
        FRAC_2_SQRT_PI,
        FRAC_PI_2,
        FRAC_PI_3,
        FRAC_PI_4,
        FRAC_PI_6,
        FRAC_PI_8,
        LN_10,
        LN_2,
        LOG10_E,
        LOG2_E,
        LOG2_10,
        LOG10_2,
        PI,
        SQRT_2,
        TAU,
    ];
    constants.iter().any(|c| {
        let precision = digits.split_once('.').map_or(0, |(_, f)| f.len());
        c.to_string().starts_with(digits) || format!("{c:.precision$}") == digits
    })
}

/// `value` cut to what docs can show: long strings shortened, the first items of long arrays
/// and objects, and nothing below a few levels.
fn shown(value: &Value, depth: usize) -> Value {
    match value {
        Value::String(s) if s.chars().count() > SHOWN_TEXT => {
            Value::String(format!("{}…", s.chars().take(SHOWN_TEXT).collect::<String>()))
        }
        Value::Array(items) if depth >= 4 => {
            Value::Array(if items.is_empty() { vec![] } else { vec![Value::from("…")] })
        }
        Value::Object(map) if depth >= 4 => Value::Object(if map.is_empty() {
            Default::default()
        } else {
            [("…".to_owned(), Value::from("…"))].into_iter().collect()
        }),
        Value::Array(items) => Value::Array(items.iter().take(MAX_ITEMS).map(|v| shown(v, depth + 1)).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().take(MAX_KEYS).map(|(k, v)| (k.clone(), shown(v, depth + 1))).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatted_text_is_checked() {
        assert!(is_uuid("3fa85f64-5717-4562-b3fc-2c963f66afa6"));
        assert!(!is_uuid("3fa85f64-5717-4562-b3fc-2c963f66afa"));
        assert!(!is_uuid("not-a-uuid"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2024-13-01"));
        assert!(is_date_time("2021-06-01T12:00:00Z"));
        assert!(is_date_time("2021-06-01T12:00:00.123+02:00"));
        assert!(!is_date_time("2021-06-01"));
        assert!(!is_date_time("2021-06-01T25:00:00Z"));
        assert!(!is_date_time("2021-06-01T12:00:00"));
    }

    #[test]
    fn floats_clippy_takes_for_constants_are_left_out() {
        assert!(near_constant("3.14"));
        assert!(near_constant("2.718"));
        assert!(near_constant("-1.4142"));
        assert!(!near_constant("3.5"));
        assert!(!near_constant("12.5"));
        let pi_by_hand: serde_json::Value = serde_json::from_str("3.14159").unwrap();
        assert_eq!(fit_scalar(Scalar::F64, &pi_by_hand), None);
        assert_eq!(fit_scalar(Scalar::F32, &serde_json::json!(1e40)), None);
        assert_eq!(fit_scalar(Scalar::I32, &serde_json::json!(3_000_000_000_i64)), None);
        assert_eq!(fit_scalar(Scalar::I64, &serde_json::json!("12")), None);
        assert_eq!(fit_scalar(Scalar::F32, &serde_json::json!(0.5)), Some(Example::Float(0.5)));
    }

    #[test]
    fn shown_values_are_cut() {
        let long = "x".repeat(200);
        let value = serde_json::json!({"list": [1, 2, 3, 4, 5], "text": long, "a": {"b": {"c": {"d": {"e": 1}}}}});
        let shown = shown(&value, 0);
        assert_eq!(shown["list"], serde_json::json!([1, 2, 3]));
        assert_eq!(shown["text"].as_str().map(|s| s.chars().count()), Some(SHOWN_TEXT + 1));
        assert_eq!(shown["a"]["b"]["c"]["d"], serde_json::json!({"…": "…"}));
    }
}
