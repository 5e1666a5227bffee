//! Lowering `default` values: read from the schema of a property or parameter (or, when it
//! declares none, from the schema it stands for: the `$ref` it wraps, the one real alternative
//! of a nullable union) and kept, as a [`Literal`], only when it fits the type that schema
//! describes. A default that does not fit is a warning at its JSON pointer and is ignored;
//! one on a type no literal can stand for (an object, a union, a file) is not read.

use std::borrow::Borrow;

use openapiv3::{IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;

use super::Lowerer;
use super::schemas::ref_wrapper_target;
use crate::diag::{Diagnostic, join, unescape_segment};
use crate::model::Literal;

/// How many `$ref`s, wrappers and alternatives are followed looking for a default or a type.
const MAX_HOPS: usize = 32;

/// What checking a default against a schema found.
enum Fit {
    /// It fits: the literal.
    Fits(Literal),
    /// It does not: why, as the end of "default … ".
    Misfit(String),
    /// The type takes no literal the client could document or send (an object, a union, a file).
    Unread,
}

/// A schema and its JSON pointer.
pub(super) type Located<'s> = (&'s Schema, String);

impl<'a> Lowerer<'a> {
    /// The default of a property or parameter whose schema (or `$ref` to one) is `schema` at
    /// `pointer`. (`default: null` is read as no default: the typed document cannot tell them
    /// apart, and a field left unset already means it.)
    pub(super) fn default_of<S: Borrow<Schema>>(&mut self, schema: &ReferenceOr<S>, pointer: &str) -> Option<Literal> {
        let start = match schema {
            ReferenceOr::Item(schema) => (schema.borrow(), pointer.to_owned()),
            ReferenceOr::Reference { reference } => self.schema_component(reference)?,
        };
        let (value, at, shape) = self.declared(start)?;
        match self.fit(value, shape, 0) {
            Fit::Fits(literal) => Some(literal),
            Fit::Unread => None,
            Fit::Misfit(why) => {
                let at = join(&at, &["default"]);
                let warning = Diagnostic::at(at, format!("default {value} {why}; ignored"));
                // A component's default is met once per property naming it; said once.
                if !self.warnings.contains(&warning) {
                    self.warnings.push(warning);
                }
                None
            }
        }
    }

    /// The first `default` met from `start` on (its own, then the schema it stands for), where
    /// it was declared, and the schema whose type it must fit.
    fn declared<'s>(&self, start: Located<'s>) -> Option<(&'s Value, String, &'s Schema)>
    where
        'a: 's,
    {
        let mut current = start;
        for _ in 0..MAX_HOPS {
            if let Some(value) = &current.0.schema_data.default {
                let shape = self.shape(current.0)?;
                return Some((value, current.1, shape));
            }
            current = self.stands_for(current)?;
        }
        None
    }

    /// The schema that decides the type of `schema`: itself, or what it stands for.
    fn shape<'s>(&self, schema: &'s Schema) -> Option<&'s Schema>
    where
        'a: 's,
    {
        let mut current = (schema, String::new());
        for _ in 0..MAX_HOPS {
            match self.stands_for((current.0, current.1.clone())) {
                Some(next) => current = next,
                None => return Some(current.0),
            }
        }
        None
    }

    /// What a wrapper schema stands for: the component its `allOf: [$ref]` names, or the one
    /// alternative of a union beside `null` and blank ones. `None` for any other schema.
    fn stands_for<'s>(&self, (schema, pointer): Located<'s>) -> Option<Located<'s>>
    where
        'a: 's,
    {
        if let Some(reference) = ref_wrapper_target(schema) {
            return self.schema_component(reference);
        }
        let alternatives = self.union_alternatives(schema)?;
        let [(index, only)] = alternatives.real.as_slice() else { return None };
        match only {
            ReferenceOr::Reference { reference } => self.schema_component(reference),
            ReferenceOr::Item(item) => {
                let kind = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                Some((item, join(&pointer, &[kind, &index.to_string()])))
            }
        }
    }

    /// The component schema a `$ref` names, following components that are `$ref`s themselves.
    pub(super) fn schema_component(&self, reference: &str) -> Option<Located<'a>> {
        let schemas = &self.doc.components.as_ref()?.schemas;
        let mut reference = reference;
        for _ in 0..MAX_HOPS {
            let name = unescape_segment(reference.strip_prefix("#/components/schemas/")?);
            match schemas.get(&name)? {
                ReferenceOr::Item(schema) => return Some((schema, join("#/components/schemas", &[&name]))),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    /// Whether `value` is a value of the type `shape` describes, as a literal.
    fn fit(&self, value: &Value, shape: &Schema, depth: usize) -> Fit {
        let misfit = |what: &str| Fit::Misfit(format!("is not {what}"));
        match &shape.schema_kind {
            SchemaKind::Type(Type::Boolean(_)) => {
                value.as_bool().map_or_else(|| misfit("a boolean"), |b| Fit::Fits(Literal::Bool(b)))
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                let whole = value
                    .as_i64()
                    .or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64));
                let int32 = matches!(integer.format, VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32));
                match whole {
                    Some(n) if int32 && i32::try_from(n).is_err() => misfit("a 32-bit integer"),
                    Some(n) => Fit::Fits(Literal::Integer(n)),
                    None => misfit("an integer"),
                }
            }
            SchemaKind::Type(Type::Number(_)) => match value.as_f64() {
                Some(n) if value.is_number() && n.is_finite() => Fit::Fits(Literal::Number(n)),
                _ => misfit("a number"),
            },
            SchemaKind::Type(Type::String(string)) => {
                let Some(text) = value.as_str() else { return misfit("a string") };
                if !string.enumeration.is_empty() {
                    return if string.enumeration.iter().flatten().any(|v| v == text) {
                        Fit::Fits(Literal::Text(text.to_owned()))
                    } else {
                        misfit("one of the enum's values")
                    };
                }
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary | StringFormat::Byte) => Fit::Unread,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) if !is_date(text) => misfit("a date"),
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) if !is_date_time(text) => {
                        misfit("a date-time")
                    }
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" && !is_uuid(text) => misfit("a UUID"),
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal" && !is_decimal(text) => misfit("a decimal"),
                    _ => Fit::Fits(Literal::Text(text.to_owned())),
                }
            }
            SchemaKind::Type(Type::Array(array)) if depth < MAX_HOPS => {
                let item = match &array.items {
                    Some(ReferenceOr::Reference { reference }) => self.schema_component(reference).map(|(s, _)| s),
                    Some(ReferenceOr::Item(item)) => Some(&**item),
                    None => None,
                };
                let Some(item) = item.and_then(|item| self.shape(item)) else { return Fit::Unread };
                let Some(values) = value.as_array() else { return misfit("an array") };
                let mut items = Vec::with_capacity(values.len());
                for value in values {
                    match self.fit(value, item, depth + 1) {
                        Fit::Fits(literal) => items.push(literal),
                        Fit::Misfit(why) => return Fit::Misfit(format!("has an item that {why}")),
                        Fit::Unread => return Fit::Unread,
                    }
                }
                Fit::Fits(Literal::List(items))
            }
            _ => Fit::Unread,
        }
    }
}

/// `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

/// A date, `T`, and a time (RFC 3339's `date-time`, checked as far as its date and separator).
fn is_date_time(text: &str) -> bool {
    text.len() > 11 && text.get(..10).is_some_and(is_date) && matches!(text.as_bytes()[10], b'T' | b't')
}

/// Eight, four, four, four and twelve hex digits, joined by `-`.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An optional `-`, digits, and optionally `.` and digits: at least one digit in all.
fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    !(whole.is_empty() && fraction.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_checked_as_far_as_a_default_needs() {
        assert!(is_date("2024-02-29") && !is_date("2024-2-29") && !is_date("yesterday"));
        assert!(is_date_time("2024-02-29T12:00:00Z") && !is_date_time("2024-02-29") && !is_date_time("2024-02-29 12"));
        assert!(is_uuid("5b1f0a5e-3c1d-4e7a-9b2f-8d6c4a2e1f00") && !is_uuid("5b1f0a5e") && !is_uuid(""));
        assert!(is_decimal("-0.4") && is_decimal("0") && is_decimal(".5") && !is_decimal("-") && !is_decimal("1e3"));
    }

    #[test]
    fn literals_are_written_as_json_and_sent_as_form_texts() {
        let list = Literal::List(vec![Literal::Text("a b".into()), Literal::Integer(2)]);
        assert_eq!(list.json(), r#"["a b", 2]"#);
        assert_eq!(list.form_texts(), ["a b", "2"]);
        assert_eq!(Literal::Number(0.5).form_texts(), ["0.5"]);
        assert_eq!(Literal::Bool(true).form_texts(), ["true"]);
        assert_eq!(Literal::Text("standard".into()).json(), r#""standard""#);
    }
}
