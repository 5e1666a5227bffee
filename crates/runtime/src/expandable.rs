//! `Expandable<T>`: a field the server sends either as an object's id or, when the caller asked
//! for it to be expanded, as the object itself; and `HasId`, the objects that carry their id.

use std::fmt;

/// An object that carries its own id (a required string `id` property).
///
/// Implemented by every generated type an [`Expandable`] field may hold, so that
/// [`Expandable::id`] reads the id whichever form the server sent.
pub trait HasId {
    /// The object's id.
    fn id(&self) -> &str;
}

/// A reference to an object: its id, or the object itself when the server expanded it.
///
/// The server sends the id as a JSON string and the object as a JSON object; this type
/// decodes either and is sent back the same way, so a request may name an object by its id
/// alone (`Expandable::from("cus_123")`).
#[derive(Debug, Clone, PartialEq)]
pub enum Expandable<T> {
    /// Only the object's id was sent.
    Id(String),
    /// The whole object was sent.
    Object(Box<T>),
}

impl<T> Expandable<T> {
    /// Whether the server sent the whole object.
    pub fn is_expanded(&self) -> bool {
        matches!(self, Expandable::Object(_))
    }

    /// The object, when the server sent it whole.
    pub fn object(&self) -> Option<&T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object),
        }
    }

    /// The object, when the server sent it whole, taken out.
    pub fn into_object(self) -> Option<T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(*object),
        }
    }

    /// The id, when the server sent the id alone (see [`Expandable::id`] for the id in either
    /// form).
    pub fn as_id(&self) -> Option<&str> {
        match self {
            Expandable::Id(id) => Some(id),
            Expandable::Object(_) => None,
        }
    }
}

impl<T: HasId> Expandable<T> {
    /// The object's id, whether the server sent the id alone or the whole object.
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id,
            Expandable::Object(object) => object.id(),
        }
    }
}

impl<T: HasId> HasId for Expandable<T> {
    fn id(&self) -> &str {
        Expandable::id(self)
    }
}

impl<T> From<&str> for Expandable<T> {
    fn from(id: &str) -> Self {
        Expandable::Id(id.to_owned())
    }
}

impl<T> From<String> for Expandable<T> {
    fn from(id: String) -> Self {
        Expandable::Id(id)
    }
}

impl<T> From<Box<T>> for Expandable<T> {
    fn from(object: Box<T>) -> Self {
        Expandable::Object(object)
    }
}

impl<T: serde::Serialize> serde::Serialize for Expandable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Expandable::Id(id) => serializer.serialize_str(id),
            Expandable::Object(object) => object.serialize(serializer),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Expandable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ExpandableVisitor(std::marker::PhantomData))
    }
}

/// Reads a string as an id and an object as `T`; refuses anything else.
struct ExpandableVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for ExpandableVisitor<T> {
    type Value = Expandable<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an id (a string) or an object")
    }

    fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<Self::Value, E> {
        Ok(Expandable::Id(id.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, id: String) -> Result<Self::Value, E> {
        Ok(Expandable::Id(id))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let object = T::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(Expandable::Object(Box::new(object)))
    }
}

#[cfg(test)]
mod tests {
    use super::{Expandable, HasId};

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Customer {
        id: String,
        name: Option<String>,
    }

    impl HasId for Customer {
        fn id(&self) -> &str {
            &self.id
        }
    }

    fn customer() -> Customer {
        Customer { id: "cus_1".to_owned(), name: Some("Ada".to_owned()) }
    }

    #[test]
    fn a_string_decodes_as_the_id() {
        let value: Expandable<Customer> = serde_json::from_str(r#""cus_1""#).unwrap();
        assert_eq!(value, Expandable::Id("cus_1".to_owned()));
        assert!(!value.is_expanded());
        assert_eq!(value.object(), None);
        assert_eq!(value.as_id(), Some("cus_1"));
        assert_eq!(value.id(), "cus_1");
    }

    #[test]
    fn an_object_decodes_as_the_object() {
        let value: Expandable<Customer> = serde_json::from_str(r#"{"id": "cus_1", "name": "Ada"}"#).unwrap();
        assert!(value.is_expanded());
        assert_eq!(value.object(), Some(&customer()));
        assert_eq!(value.as_id(), None);
        assert_eq!(value.id(), "cus_1");
        assert_eq!(value.into_object(), Some(customer()));
    }

    #[test]
    fn a_borrowed_string_decodes_too() {
        let value: Expandable<Customer> = serde_json::from_value(serde_json::json!("cus_2")).unwrap();
        assert_eq!(value.id(), "cus_2");
    }

    #[test]
    fn anything_else_is_refused_with_what_was_expected() {
        for text in ["42", "true", "null", r#"["cus_1"]"#] {
            let error = serde_json::from_str::<Expandable<Customer>>(text).unwrap_err().to_string();
            assert!(error.contains("an id (a string) or an object"), "{text}: {error}");
        }
        let error = serde_json::from_str::<Expandable<Customer>>(r#"{"name": "Ada"}"#).unwrap_err().to_string();
        assert!(error.contains("missing field `id`"), "{error}");
    }

    #[test]
    fn both_forms_are_sent_as_they_came() {
        let id: Expandable<Customer> = "cus_1".into();
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""cus_1""#);
        let object = Expandable::from(Box::new(customer()));
        assert_eq!(serde_json::to_string(&object).unwrap(), r#"{"id":"cus_1","name":"Ada"}"#);
    }

    #[test]
    fn a_list_of_them_gives_every_id() {
        let list: Vec<Expandable<Customer>> = serde_json::from_str(r#"["cus_1", {"id": "cus_2"}]"#).unwrap();
        let ids: Vec<&str> = list.iter().map(HasId::id).collect();
        assert_eq!(ids, ["cus_1", "cus_2"]);
    }

    #[test]
    fn optional_and_null_fields_decode() {
        #[derive(serde::Deserialize)]
        struct Charge {
            customer: Option<Expandable<Customer>>,
        }
        let charge: Charge = serde_json::from_str(r#"{"customer": null}"#).unwrap();
        assert!(charge.customer.is_none());
        let charge: Charge = serde_json::from_str(r#"{"customer": {"id": "cus_3"}}"#).unwrap();
        assert_eq!(charge.customer.map(|c| c.id().to_owned()).as_deref(), Some("cus_3"));
    }
}
