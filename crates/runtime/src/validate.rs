//! Checks of the limits the API declares, run before a request is sent.
//!
//! Every API gets the whole set; the ones its schemas do not call are unused.
#![allow(dead_code)]

use crate::Error;

/// Fails when `value` has more than `max` characters.
pub(crate) fn max_length(field: &str, value: &str, max: u64) -> Result<(), Error> {
    let length = value.chars().count() as u64;
    if length > max {
        return Err(Error::validation(field, format!("must be at most {max} characters long (is {length})")));
    }
    Ok(())
}

/// Fails when `value` has fewer than `min` characters.
pub(crate) fn min_length(field: &str, value: &str, min: u64) -> Result<(), Error> {
    let length = value.chars().count() as u64;
    if length < min {
        return Err(Error::validation(field, format!("must be at least {min} characters long (is {length})")));
    }
    Ok(())
}

/// Fails when `value` is below `limit` (or equal to it, when `exclusive`).
pub(crate) fn minimum(field: &str, value: f64, limit: f64, exclusive: bool) -> Result<(), Error> {
    if value < limit || (exclusive && value == limit) {
        let relation = if exclusive { "greater than" } else { "at least" };
        return Err(Error::validation(field, format!("must be {relation} {limit} (is {value})")));
    }
    Ok(())
}

/// Fails when `value` is above `limit` (or equal to it, when `exclusive`).
pub(crate) fn maximum(field: &str, value: f64, limit: f64, exclusive: bool) -> Result<(), Error> {
    if value > limit || (exclusive && value == limit) {
        let relation = if exclusive { "less than" } else { "at most" };
        return Err(Error::validation(field, format!("must be {relation} {limit} (is {value})")));
    }
    Ok(())
}

/// Fails when a list has fewer than `min` items.
pub(crate) fn min_items(field: &str, length: usize, min: u64) -> Result<(), Error> {
    if (length as u64) < min {
        return Err(Error::validation(field, format!("must have at least {min} items (has {length})")));
    }
    Ok(())
}

/// Fails when a list has more than `max` items.
pub(crate) fn max_items(field: &str, length: usize, max: u64) -> Result<(), Error> {
    if length as u64 > max {
        return Err(Error::validation(field, format!("must have at most {max} items (has {length})")));
    }
    Ok(())
}

#[cfg(feature = "patterns")]
/// Fails unless `value` matches `regex`.
pub(crate) fn pattern(
    field: &str,
    value: &str,
    regex: &std::sync::LazyLock<Option<regex_lite::Regex>>,
) -> Result<(), Error> {
    match regex.as_ref() {
        Some(regex) if !regex.is_match(value) => {
            Err(Error::validation(field, format!("must match the pattern {}", regex.as_str())))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_name_the_field_and_the_value() {
        assert!(max_length("text", "abc", 3).is_ok());
        let error = max_length("text", "abcd", 3).unwrap_err();
        assert_eq!(error.to_string(), "invalid request: text must be at most 3 characters long (is 4)");
        assert!(minimum("n", 1.0, 1.0, false).is_ok());
        assert!(minimum("n", 1.0, 1.0, true).is_err());
        assert!(maximum("n", 2.0, 1.0, false).is_err());
        assert!(min_items("list", 0, 1).is_err());
        assert!(max_items("list", 2, 2).is_ok());
        assert!(min_length("text", "é", 1).is_ok());
    }
}
