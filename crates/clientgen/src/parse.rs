//! Parse stage: YAML or JSON text (a spec or an overlay) to a JSON tree, with syntax errors
//! at a line and column.

use serde_json::Value;

use crate::diag::{Diagnostic, Error, Location};

/// Parses a spec, YAML or JSON, into a JSON tree. Syntax errors carry a line and column.
pub fn spec(text: &str, source_name: &str) -> Result<Value, Error> {
    let value = yaml_or_json(text, source_name)?;
    if !value.is_object() {
        return Err(Error::single(
            source_name,
            Diagnostic::document("the document is not an object; an OpenAPI description starts with `openapi:`"),
        ));
    }
    Ok(value)
}

/// Parses YAML or JSON text into a JSON tree, whatever its shape.
pub fn yaml_or_json(text: &str, source_name: &str) -> Result<Value, Error> {
    let looks_like_json = text.trim_start().starts_with('{');
    let parsed = if looks_like_json {
        serde_json::from_str::<Value>(text).map_err(|e| {
            let location = Location::Text { line: e.line(), column: e.column() };
            Diagnostic { location, message: format!("invalid JSON: {}", strip_position(&e.to_string())) }
        })
    } else {
        serde_yaml::from_str::<YamlTree>(text).map(|tree| tree.0).map_err(|e| match e.location() {
            Some(at) => Diagnostic {
                location: Location::Text { line: at.line(), column: at.column() },
                message: format!("invalid YAML: {}", strip_position(&e.to_string())),
            },
            None => Diagnostic::document(format!("invalid YAML: {e}")),
        })
    };
    parsed.map_err(|problem| Error::single(source_name, problem))
}

/// A JSON tree read from YAML. Unlike `serde_json::Value`'s own reader, it accepts integers
/// beyond 64 bits (kept as floats, which normalize then brings into range with a warning) and
/// map keys written as numbers or booleans (kept as their text, as `200:` in `responses`).
struct YamlTree(Value);

impl<'de> serde::Deserialize<'de> for YamlTree {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor).map(YamlTree)
    }
}

struct YamlVisitor;

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map(Value::from).unwrap_or_else(|_| float(v as f64)))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map(Value::from).unwrap_or_else(|_| float(v as f64)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(YamlVisitor)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(YamlTree(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(YamlTree(key)) = map.next_key()? {
            let key = match key {
                Value::String(text) => text,
                Value::Null => "null".to_owned(),
                other => other.to_string(),
            };
            let YamlTree(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// A float as JSON; the non-finite ones YAML allows (`.inf`, `.nan`) have no JSON form.
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// Drops the " at line X column Y" tail both parsers add, since the location is reported apart.
fn strip_position(message: &str) -> &str {
    message.find(" at line ").map_or(message, |at| &message[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_syntax_errors_have_line_and_column() {
        let err = spec("openapi: 3.0.3\ninfo: [unclosed\n", "bad.yaml").unwrap_err();
        assert!(matches!(err.problems[0].location, Location::Text { line: 3, .. }), "{err}");
    }

    #[test]
    fn json_syntax_errors_have_line_and_column() {
        let err = spec("{\n  \"openapi\": 3,,\n}", "bad.json").unwrap_err();
        assert_eq!(err.problems[0].location, Location::Text { line: 2, column: 16 }, "{err}");
    }

    #[test]
    fn unquoted_status_codes_become_string_keys() {
        let value = spec("responses:\n  200:\n    description: ok\n", "x.yaml").unwrap();
        assert!(value["responses"]["200"].is_object());
    }

    #[test]
    fn integers_beyond_64_bits_are_read_as_floats() {
        let value = spec("a: -9223372036854776000\nb: 18446744073709551616\nc: 7\n", "x.yaml").unwrap();
        assert_eq!(value["a"].as_f64(), Some(-9223372036854776000.0));
        assert_eq!(value["b"].as_f64(), Some(18446744073709551616.0));
        assert_eq!(value["c"].as_i64(), Some(7));
    }
}
