//! Why a union's value fits none of its alternatives. A union kept a value as its `Other`
//! variant after every alternative refused it; its `mismatches` method hands [`mismatches`]
//! the list of its alternatives ([`Alternative`]: the variant's name and how to decode a value
//! as its type), and the kept value is decoded again, once per alternative, only when asked.
//! Decoding itself keeps no error, so a value that fits costs nothing more.

use std::fmt;

use serde::Deserialize;
use serde::de::Error as _;

/// Why a value a union kept as its `Other` variant is not one of its alternatives: the
/// alternative, where in the value decoding it failed, and serde's error there. Its `Display`
/// reads ``Customer: missing field `email` ``, with `at .path` after it when the place is not
/// the value itself.
#[derive(Debug)]
#[non_exhaustive]
pub struct Mismatch {
    /// The alternative's variant name.
    pub variant: &'static str,
    /// Where in the value decoding failed: `.` for the value itself, else the fields and
    /// indexes that lead there (`.sources[0].exp_month`). A missing field is missing from the
    /// object at this place.
    pub path: String,
    /// serde's error at that place (``missing field `email` ``). It has no line or column:
    /// the value was decoded from JSON already, and the path says where.
    pub error: serde_json::Error,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variant, self.error)?;
        if self.path != "." {
            write!(f, " at {}", self.path)?;
        }
        Ok(())
    }
}

impl std::error::Error for Mismatch {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// How decoding a value as one alternative fails: the path and the error there.
type Failure = (String, serde_json::Error);

/// One alternative of a union, as [`mismatches`] tries it.
pub(crate) struct Alternative {
    /// The variant's name.
    name: &'static str,
    /// When the union's tags are exact: the tag property and the values that select this
    /// alternative. A value with another tag is not this alternative, whatever else it holds.
    tag: Option<(&'static str, &'static [&'static str])>,
    /// Decodes a value as the variant's type.
    decode: fn(&serde_json::Value) -> Result<(), Failure>,
}

impl Alternative {
    /// The variant `name`, holding a `T`.
    pub(crate) fn of<T: serde::de::DeserializeOwned>(name: &'static str) -> Self {
        Alternative { name, tag: None, decode: decode::<T> }
    }

    #[cfg(feature = "unions-tagged")]
    /// The variant `name`, holding a `T`, of a union whose tags are exact: only a value whose
    /// `property` is one of `tags` is decoded as it.
    pub(crate) fn tagged<T: serde::de::DeserializeOwned>(
        name: &'static str,
        property: &'static str,
        tags: &'static [&'static str],
    ) -> Self {
        Alternative { tag: Some((property, tags)), ..Self::of::<T>(name) }
    }

    /// Why `value` is not this alternative, or `None` when it is.
    fn mismatch(&self, value: &serde_json::Value) -> Option<Mismatch> {
        let (path, error) = self.tag_failure(value).or_else(|| (self.decode)(value).err())?;
        Some(Mismatch { variant: self.name, path, error })
    }

    /// Why `value`'s tag does not select this alternative. A value that is no object at all is
    /// left to decoding, whose error says what it is.
    fn tag_failure(&self, value: &serde_json::Value) -> Option<Failure> {
        let (property, tags) = self.tag?;
        let object = value.as_object()?;
        let Some(tag) = object.get(property) else {
            return Some((".".to_owned(), serde_json::Error::missing_field(property)));
        };
        let path = format!(".{property}");
        match String::deserialize(tag) {
            Err(error) => Some((path, error)),
            Ok(tag) if tags.contains(&tag.as_str()) => None,
            Ok(tag) => Some((path, serde_json::Error::unknown_variant(&tag, tags))),
        }
    }
}

/// Decodes `value` as a `T`, tracking the path, and says where it fails.
fn decode<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<(), Failure> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(_) => Ok(()),
        Err(error) => {
            let path = error.path().to_string();
            let path = if path == "." { path } else { format!(".{path}") };
            Err((path, error.into_inner()))
        }
    }
}

/// Why `value`, which a union kept as its `Other` variant, is none of its `alternatives`: one
/// [`Mismatch`] per alternative, in order. An alternative the value does fit (only a value
/// built as `Other` by hand can) is left out.
pub(crate) fn mismatches(value: &serde_json::Value, alternatives: &[Alternative]) -> Vec<Mismatch> {
    alternatives.iter().filter_map(|alternative| alternative.mismatch(value)).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Customer {
        id: String,
        email: String,
        #[serde(default)]
        sources: Vec<Card>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Card {
        exp_month: u8,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Deleted {
        id: String,
        deleted: bool,
    }

    /// A one-value tag enum as the generator writes it: any other string is `Unknown`.
    #[cfg(feature = "unions-tagged")]
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    enum Role {
        #[serde(rename = "user")]
        User,
        #[serde(untagged)]
        Unknown(String),
    }

    #[cfg(feature = "unions-tagged")]
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct UserMessage {
        role: Role,
        content: String,
    }

    fn customer_or_deleted() -> [Alternative; 2] {
        [Alternative::of::<Customer>("Customer"), Alternative::of::<Deleted>("Deleted")]
    }

    fn described(mismatches: &[Mismatch]) -> Vec<String> {
        mismatches.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn each_alternative_says_why_it_refused_the_value() {
        let value = json!({"id": "cus_1", "name": "Ada"});
        let found = mismatches(&value, &customer_or_deleted());
        assert_eq!(described(&found), ["Customer: missing field `email`", "Deleted: missing field `deleted`"]);
        assert_eq!((found[0].variant, found[0].path.as_str()), ("Customer", "."));
        assert!(found[0].error.is_data(), "{:?}", found[0].error);
    }

    #[test]
    fn a_failure_inside_the_value_has_its_path() {
        let value = json!({"id": "cus_1", "email": "a@b.c", "sources": [{"exp_month": 1}, {"exp_month": "May"}]});
        let found = mismatches(&value, &customer_or_deleted());
        assert_eq!(found[0].path, ".sources[1].exp_month");
        assert_eq!(
            found[0].to_string(),
            "Customer: invalid type: string \"May\", expected u8 at .sources[1].exp_month"
        );
    }

    #[test]
    fn a_value_of_another_json_type_says_what_it_is() {
        let found = mismatches(&json!("cus_1"), &customer_or_deleted());
        assert_eq!(found[0].to_string(), "Customer: invalid type: string \"cus_1\", expected struct Customer");
    }

    #[test]
    fn an_alternative_the_value_fits_is_left_out() {
        let value = json!({"id": "cus_1", "deleted": true});
        assert_eq!(described(&mismatches(&value, &customer_or_deleted())), ["Customer: missing field `email`"]);
    }

    #[cfg(feature = "unions-tagged")]
    #[test]
    fn with_exact_tags_the_tag_is_the_reason_even_when_the_rest_would_decode() {
        let user = || [Alternative::tagged::<UserMessage>("User", "role", &["user"])];
        let tool = json!({"role": "tool", "content": "42"});
        let found = mismatches(&tool, &user());
        assert_eq!(described(&found), ["User: unknown variant `tool`, expected `user` at .role"]);
        let untagged = json!({"content": "42"});
        assert_eq!(described(&mismatches(&untagged, &user())), ["User: missing field `role`"]);
        let number = json!({"role": 7, "content": "42"});
        assert_eq!(
            described(&mismatches(&number, &user())),
            ["User: invalid type: integer `7`, expected a string at .role"]
        );
        // Its own tag: the decoding decides.
        let short = json!({"role": "user"});
        assert_eq!(described(&mismatches(&short, &user())), ["User: missing field `content`"]);
        assert!(mismatches(&json!({"role": "user", "content": "hi"}), &user()).is_empty());
        // Not an object: decoding says what it is.
        let text = json!("hi");
        assert_eq!(
            described(&mismatches(&text, &user())),
            ["User: invalid type: string \"hi\", expected struct UserMessage"]
        );
    }

    #[test]
    fn the_error_is_the_source() {
        let found = mismatches(&json!({}), &customer_or_deleted());
        let source = std::error::Error::source(&found[0]).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("missing field `id`"));
    }
}
