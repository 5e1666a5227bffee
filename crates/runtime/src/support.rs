//! Types the generated types are made of, beside the standard ones: re-exported by `types`.

#[cfg(feature = "nullable")]
/// A request value that may be sent as an explicit `null`.
///
/// Optional nullable fields are `Option<Nullable<T>>`: `None` leaves the field out of the
/// body, `Some(Nullable::Null)` sends `null`, and `Some(Nullable::Value(v))` sends `v`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nullable<T> {
    /// Sent as `null`.
    Null,
    /// Sent as the value.
    Value(T),
}

#[cfg(feature = "nullable")]
impl<T> Nullable<T> {
    /// The value, unless it is `Null`.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }
}

#[cfg(feature = "nullable")]
impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

#[cfg(feature = "nullable")]
impl<T: serde::Serialize> serde::Serialize for Nullable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_option().serialize(serializer)
    }
}

#[cfg(feature = "nullable")]
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Nullable::Null, Nullable::Value))
    }
}

#[cfg(feature = "file")]
/// A file: the value of a binary (`format: binary`) field.
///
/// In a `multipart/form-data` body it is a file part with its name and content type. In
/// a JSON body only its bytes are sent, as an array of numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The file name sent with the part.
    pub file_name: String,
    /// The content type sent with the part, e.g. `audio/mpeg`.
    pub content_type: String,
    /// The contents.
    pub bytes: Vec<u8>,
}

#[cfg(feature = "file")]
impl File {
    /// A file with its name, content type and contents.
    pub fn new(file_name: impl Into<String>, content_type: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        File { file_name: file_name.into(), content_type: content_type.into(), bytes: bytes.into() }
    }
}

#[cfg(feature = "file")]
impl serde::Serialize for File {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.bytes.serialize(serializer)
    }
}

#[cfg(feature = "file")]
impl<'de> serde::Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes = Vec::<u8>::deserialize(deserializer)?;
        Ok(File { file_name: String::new(), content_type: "application/octet-stream".to_owned(), bytes })
    }
}

#[cfg(feature = "decimal")]
/// A decimal number (`format: decimal`), kept exactly as it goes on the wire, e.g. `"-0.40"`.
///
/// Build one from an integer (`Decimal::from(2)`), a float ([`Decimal::from_f64`]) or text
/// (`"0.25".parse()`, which checks it is a decimal number). It is sent as text. A value
/// received from the server is kept as sent, number or not, so that decoding a response
/// never fails on it; [`Decimal::to_f64`] reads it as a number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

#[cfg(feature = "decimal")]
impl Decimal {
    /// The decimal for a finite float, in its shortest exact text (`0.1` is `"0.1"`).
    pub fn from_f64(value: f64) -> Option<Decimal> {
        value.is_finite().then(|| Decimal(value.to_string()))
    }

    /// The text sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as a float, when the text is a number.
    pub fn to_f64(&self) -> Option<f64> {
        self.0.parse().ok()
    }
}

#[cfg(feature = "decimal")]
impl From<i64> for Decimal {
    fn from(value: i64) -> Self {
        Decimal(value.to_string())
    }
}

#[cfg(feature = "decimal")]
/// Why a text is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDecimalError {
    text: String,
}

#[cfg(feature = "decimal")]
impl std::fmt::Display for ParseDecimalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not a decimal number (digits, with an optional sign and decimal point)", self.text)
    }
}

#[cfg(feature = "decimal")]
impl std::error::Error for ParseDecimalError {}

#[cfg(feature = "decimal")]
impl std::str::FromStr for Decimal {
    type Err = ParseDecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.len() + fraction.len() > 0 && digits(whole) && digits(fraction) {
            Ok(Decimal(text.to_owned()))
        } else {
            Err(ParseDecimalError { text: text.to_owned() })
        }
    }
}

#[cfg(feature = "decimal")]
impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "decimal")]
impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(feature = "decimal")]
impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Ok(Decimal(text)),
            serde_json::Value::Number(number) => Ok(Decimal(number.to_string())),
            other => Err(serde::de::Error::custom(format!("expected a decimal, found {other}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "decimal")]
    #[test]
    fn decimals_keep_their_text() {
        use super::Decimal;
        assert_eq!("-0.40".parse::<Decimal>().unwrap().as_str(), "-0.40");
        assert!("-".parse::<Decimal>().is_err());
        assert!("1e3".parse::<Decimal>().is_err());
        let received: Decimal = serde_json::from_str("0.25").unwrap();
        assert_eq!(received.to_f64(), Some(0.25));
    }

    #[cfg(feature = "nullable")]
    #[test]
    fn null_is_sent_as_null() {
        use super::Nullable;
        assert_eq!(serde_json::to_string(&Nullable::<i32>::Null).unwrap(), "null");
        assert_eq!(serde_json::to_string(&Nullable::from(3)).unwrap(), "3");
    }
}
