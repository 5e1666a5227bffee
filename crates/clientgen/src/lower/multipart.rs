//! Lowering a request body's multipart form part by part (its first `multipart/*` media type):
//! each property's part and its content type (OpenAPI's default for the property's type, or its
//! `encoding`'s `contentType`), and the headers its `encoding` declares for its parts (a fixed
//! value, or one the caller sets in the `{Op}PartHeaders` struct).
//!
//! OpenAPI 3.0 and 3.1 default a part's content type by the property's type: `text/plain` for a
//! primitive, `application/json` for an object, `application/octet-stream` for binary (a file,
//! or a `format: base64` string), and for an array what its items get, each item a part of its
//! own under the property's name.

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};

use super::{Draft, Lowerer, Site};
use crate::diag::{Diagnostic, join};
use crate::model::*;
use crate::naming::{self, Scope};

/// How many aliases and union alternatives are followed to find what a value is.
const MAX_HOPS: usize = 16;

/// A header the `encoding` of a multipart body declares for a property's parts, read before the
/// operation's names are claimed: its fixed value, when it has one, decides whether the caller
/// gets a setter (and the method an argument) for it.
pub(super) struct DeclaredHeader<'a> {
    part: String,
    name: String,
    header: &'a openapiv3::Header,
    pointer: String,
    fixed: Option<String>,
}

impl DeclaredHeader<'_> {
    /// Whether the caller sets it (it has no fixed value).
    pub(super) fn settable(&self) -> bool {
        self.fixed.is_none()
    }
}

/// The first multipart media type of a body, with its key.
fn multipart_media(body: &openapiv3::RequestBody) -> Option<(&String, &openapiv3::MediaType)> {
    body.content.iter().find(|(media, _)| super::operations::encoding(media) == Encoding::Multipart)
}

impl<'a> Lowerer<'a> {
    /// The headers the `encoding` of the body's first multipart media type declares for its
    /// parts, in spec order. `Content-Type` is left out (OpenAPI says `contentType` gives it), and
    /// so are `Content-Disposition` (the client writes it: the part's name and file name) and
    /// names that are not valid header names, each with a warning.
    pub(super) fn declared_part_headers(
        &mut self,
        body: &'a openapiv3::RequestBody,
        body_pointer: &str,
    ) -> Vec<DeclaredHeader<'a>> {
        let Some((media_type, media)) = multipart_media(body) else { return Vec::new() };
        let mut declared = Vec::new();
        for (part, encoding) in &media.encoding {
            for (name, header) in &encoding.headers {
                let pointer = join(body_pointer, &["content", media_type, "encoding", part, "headers", name]);
                if name.eq_ignore_ascii_case("content-type") {
                    continue;
                }
                if name.eq_ignore_ascii_case("content-disposition") || !is_header_name(name) {
                    let why = if is_header_name(name) {
                        "the client writes a part's Content-Disposition itself (its name and file name)"
                    } else {
                        "it is not a valid header name"
                    };
                    self.warnings.push(Diagnostic::at(pointer, format!("part header {name:?} is not sent: {why}")));
                    continue;
                }
                let Some(header) = self.quiet_header(header) else {
                    self.errors.push(Diagnostic::at(
                        join(&pointer, &["$ref"]),
                        "the part header's $ref points at no entry of #/components/headers",
                    ));
                    continue;
                };
                let fixed = self.fixed_header_value(header, &pointer);
                declared.push(DeclaredHeader { part: part.clone(), name: name.clone(), header, pointer, fixed });
            }
        }
        declared
    }

    /// A header, or the component its `$ref` names.
    fn quiet_header(&self, header: &'a ReferenceOr<openapiv3::Header>) -> Option<&'a openapiv3::Header> {
        match header {
            ReferenceOr::Item(header) => Some(header),
            ReferenceOr::Reference { reference } => {
                let name = crate::diag::unescape_segment(reference.strip_prefix("#/components/headers/")?);
                match self.doc.components.as_ref()?.headers.get(&name)? {
                    ReferenceOr::Item(header) => Some(header),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        }
    }

    /// The text a header is always sent with: its schema's `default`, or the value of an `enum`
    /// of one (a 3.1 `const` is one, once normalized).
    fn fixed_header_value(&mut self, header: &openapiv3::Header, pointer: &str) -> Option<String> {
        let openapiv3::ParameterSchemaOrContent::Schema(schema) = &header.format else { return None };
        let schema_pointer = join(pointer, &["schema"]);
        if let Some(default) = self.default_of(schema, &schema_pointer) {
            return Some(default.form_texts().join(","));
        }
        let schema = match schema {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => self.schema_component(reference)?.0,
        };
        let one = |values: Vec<String>| <[String; 1]>::try_from(values).ok().map(|[value]| value);
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => one(s.enumeration.iter().flatten().cloned().collect()),
            SchemaKind::Type(Type::Integer(i)) => one(i.enumeration.iter().flatten().map(i64::to_string).collect()),
            SchemaKind::Type(Type::Number(n)) => {
                one(n.enumeration.iter().flatten().map(|f| serde_json::Value::from(*f).to_string()).collect())
            }
            SchemaKind::Type(Type::Boolean(b)) => one(b.enumeration.iter().flatten().map(bool::to_string).collect()),
            // A `const` without a `type`.
            SchemaKind::Any(any) => one(any
                .enumeration
                .iter()
                .filter(|value| value.is_string() || value.is_number() || value.is_boolean())
                .map(|value| value.as_str().map_or_else(|| value.to_string(), str::to_owned))
                .collect()),
            _ => None,
        }
    }

    /// How the body's first multipart media type goes part by part, with the `{Op}PartHeaders`
    /// struct (named from `type_stem`) of the headers the caller sets.
    pub(super) fn lower_multipart(
        &mut self,
        body: &'a openapiv3::RequestBody,
        content: &IndexMap<String, TypeRef>,
        headers: Vec<DeclaredHeader<'a>>,
        body_pointer: &str,
        type_stem: &str,
    ) -> Option<Multipart> {
        let (media_type, media) = multipart_media(body)?;
        let ty = content.get(media_type)?.clone();
        let media_pointer = join(body_pointer, &["content", media_type]);
        let declared = |name: &str| {
            let encoding = media.encoding.get(name)?;
            let text = encoding.content_type.as_deref()?;
            Some((text, join(&media_pointer, &["encoding", name, "contentType"])))
        };
        let mut multipart = Multipart { parts: IndexMap::new(), other: None, headers: Vec::new(), headers_type: None };
        let fields = match &ty {
            TypeRef::Named(id) => match self.types.get(id).map(|draft| &draft.def.kind) {
                Some(TypeKind::Struct(s)) => Some((s.fields.clone(), s.extra.clone())),
                _ => None,
            },
            _ => None,
        };
        match fields {
            Some((fields, extra)) => {
                let base64 = self.base64_properties(media.schema.as_ref());
                for field in &fields {
                    let wire = &field.wire_name;
                    let part = self.part(&field.ty, base64.contains(wire), declared(wire));
                    multipart.parts.insert(wire.clone(), part);
                }
                multipart.other = extra.as_ref().map(|extra| self.part(&extra.ty, false, None));
                for name in media.encoding.keys().filter(|name| !fields.iter().any(|f| &f.wire_name == *name)) {
                    if extra.is_none() {
                        self.warnings.push(Diagnostic::at(
                            join(&media_pointer, &["encoding", name]),
                            format!("the encoding names {name:?}, which is no property of the body; ignored"),
                        ));
                    }
                }
            }
            None => multipart.other = Some(self.part(&ty, false, None)),
        }
        let mut scope = Scope::new();
        let mut settable = Vec::new();
        for header in headers {
            if !multipart.parts.contains_key(&header.part) {
                self.warnings.push(Diagnostic::at(
                    header.pointer,
                    format!(
                        "the encoding gives a header to {:?}, which is no property of the body; not sent",
                        header.part
                    ),
                ));
                continue;
            }
            let value = match header.fixed {
                Some(text) => PartHeaderValue::Fixed(text),
                None => {
                    let field = scope.claim(&naming::field_name(&format!("{} {}", header.part, header.name)));
                    let required = header.header.required;
                    settable.push((
                        field.clone(),
                        header.part.clone(),
                        header.name.clone(),
                        header.header,
                        header.pointer,
                    ));
                    PartHeaderValue::Set { field, required }
                }
            };
            multipart.headers.push(PartHeader { part: header.part, name: header.name, value });
        }
        if !settable.is_empty() {
            multipart.headers_type = Some(self.part_headers_struct(settable, &media_pointer, type_stem));
        }
        Some(multipart)
    }

    /// The `{Op}PartHeaders` struct: a field per header the caller sets, of its schema's type.
    fn part_headers_struct(
        &mut self,
        settable: Vec<(String, String, String, &'a openapiv3::Header, String)>,
        media_pointer: &str,
        type_stem: &str,
    ) -> TypeId {
        let mut fields = Vec::new();
        for (rust_name, part, name, header, pointer) in settable {
            let schema_pointer = join(&pointer, &["schema"]);
            let hint = naming::type_name(&format!("{type_stem} {part} {name}"));
            let ty = match &header.format {
                openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Reference { reference }) => {
                    self.resolve_ref(reference, &schema_pointer)
                }
                openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => {
                    self.lower_inline(schema, &Site { pointer: schema_pointer, name_hint: &hint })
                }
                openapiv3::ParameterSchemaOrContent::Content(_) => TypeRef::Scalar(Scalar::String),
            };
            let what = format!("The `{name}` header of the `{part}` part.");
            let doc = match header.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                Some(description) => format!("{what}\n\n{description}"),
                None => what,
            };
            fields.push(Field {
                wire_name: name,
                rust_name,
                doc: Some(doc),
                ty,
                nullable: false,
                request: if header.required { Presence::Required } else { Presence::Optional },
                response: Presence::Absent,
                constraints: Constraints::default(),
                deprecated: header.deprecated.unwrap_or(false),
                default: None,
            });
        }
        let id = TypeId(join(media_pointer, &["encoding"]));
        let name = self.type_names.claim(&format!("{type_stem}PartHeaders"));
        let mut draft = Draft::new(format!("{type_stem}PartHeaders"), name);
        draft.def.doc =
            Some(format!("The headers of the parts of `{type_stem}`'s multipart body that the caller sets."));
        draft.def.kind = TypeKind::Struct(Struct::of(fields));
        draft.facts.parameters = true;
        self.types.insert(id.clone(), draft);
        id
    }

    /// The properties of a body schema (or of the component it names) that are strings of
    /// `format: base64`: binary content written as text, sent as `application/octet-stream`.
    fn base64_properties(&self, schema: Option<&'a ReferenceOr<Schema>>) -> Vec<String> {
        let schema = match schema {
            Some(ReferenceOr::Item(schema)) => schema,
            Some(ReferenceOr::Reference { reference }) => match self.schema_component(reference) {
                Some((schema, _)) => schema,
                None => return Vec::new(),
            },
            None => return Vec::new(),
        };
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else { return Vec::new() };
        let base64 = |property: &ReferenceOr<Box<Schema>>| {
            let schema: &Schema = match property {
                ReferenceOr::Item(schema) => schema,
                ReferenceOr::Reference { reference } => match self.schema_component(reference) {
                    Some((schema, _)) => schema,
                    None => return false,
                },
            };
            matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s))
                if matches!(&s.format, VariantOrUnknownOrEmpty::Unknown(f) if f == "base64"))
        };
        object.properties.iter().filter(|(_, property)| base64(property)).map(|(name, _)| name.clone()).collect()
    }

    /// How a value of `ty` goes as a part: OpenAPI's default for its type (`text/plain`,
    /// `application/json`, `application/octet-stream`), or the first concrete media type of
    /// the `contentType` its `encoding` declares (at the pointer given), a JSON one sending the
    /// value's JSON text. An object cannot go as anything but JSON: another type is a warning.
    fn part(&mut self, ty: &TypeRef, base64: bool, declared: Option<(&str, String)>) -> PartEncoding {
        let kind = self.part_kind(ty);
        let default = match kind {
            PartKind::Text if base64 => "application/octet-stream",
            PartKind::Text => "text/plain",
            PartKind::Json => "application/json",
            PartKind::File => "application/octet-stream",
        };
        let fallback = PartEncoding { content_type: default.to_owned(), kind };
        let Some((text, pointer)) = declared else { return fallback };
        let listed: Vec<&str> = text.split(',').map(str::trim).filter(|t| !t.is_empty()).collect();
        if let Some(bad) = listed.iter().find(|t| !is_media_type(t)) {
            self.warnings
                .push(Diagnostic::at(pointer, format!("{bad:?} is not a media type; the part goes as {default}")));
            return fallback;
        }
        // A wildcard (`image/*`) names no type to send: the default (or a file's own) stays.
        let Some(concrete) = listed.iter().find(|t| !t.contains('*')) else { return fallback };
        let json = is_json(concrete);
        match kind {
            PartKind::File => PartEncoding { content_type: (*concrete).to_owned(), kind },
            PartKind::Text => {
                PartEncoding { content_type: (*concrete).to_owned(), kind: if json { PartKind::Json } else { kind } }
            }
            PartKind::Json if json => PartEncoding { content_type: (*concrete).to_owned(), kind },
            PartKind::Json => {
                self.warnings.push(Diagnostic::at(
                    pointer,
                    format!("the client writes this value as JSON only, not as {concrete}; the part goes as {default}"),
                ));
                fallback
            }
        }
    }

    /// What a part of a value of `ty` holds; a list is one part per item, each what its item
    /// type gets (an item that is itself a list is JSON).
    fn part_kind(&self, ty: &TypeRef) -> PartKind {
        if ty.is_file_part() {
            return PartKind::File;
        }
        match self.through_aliases(ty) {
            TypeRef::List(item) => match self.through_aliases(item) {
                TypeRef::List(_) => PartKind::Json,
                item => self.value_kind(item, 0),
            },
            other => self.value_kind(other, 0),
        }
    }

    /// What one value of `ty` is as a part: text for a scalar, a string enum or a union of
    /// those; JSON for anything else. Binary reached through a name goes as JSON too, as it
    /// would in a JSON body (only a property declared binary is a file part).
    fn value_kind(&self, ty: &TypeRef, depth: usize) -> PartKind {
        match self.through_aliases(ty) {
            TypeRef::Scalar(Scalar::Bytes) => PartKind::Json,
            TypeRef::Scalar(_) => PartKind::Text,
            TypeRef::Named(id) if depth < MAX_HOPS => match self.types.get(id).map(|draft| &draft.def.kind) {
                Some(TypeKind::Enum(_)) => PartKind::Text,
                Some(TypeKind::Union(u))
                    if u.variants.iter().all(|v| self.value_kind(&v.ty, depth + 1) == PartKind::Text) =>
                {
                    PartKind::Text
                }
                _ => PartKind::Json,
            },
            _ => PartKind::Json,
        }
    }

    /// The type an alias (or a chain of them) stands for.
    fn through_aliases<'t>(&'t self, mut ty: &'t TypeRef) -> &'t TypeRef {
        for _ in 0..MAX_HOPS {
            match ty {
                TypeRef::Named(id) => match self.types.get(id).map(|draft| &draft.def.kind) {
                    Some(TypeKind::Alias(target)) => ty = target,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }
}

/// A JSON media type: `application/json` or a `+json` one (`application/merge-patch+json`).
fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// `type/subtype` (or a wildcard of one), with optional `; parameters`.
fn is_media_type(text: &str) -> bool {
    let essence = text.split(';').next().unwrap_or_default().trim();
    let Some((kind, subtype)) = essence.split_once('/') else { return false };
    let token = |t: &str| !t.is_empty() && t.bytes().all(is_token_byte);
    token(kind) && token(subtype) && text.is_ascii() && !text.contains(['\r', '\n', '"'])
}

/// A header name (RFC 9110 `token`).
fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(is_token_byte)
}

/// A byte of an RFC 9110 `token`.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_and_header_names() {
        assert!(is_json("application/json") && is_json("application/merge-patch+json; charset=utf-8"));
        assert!(!is_json("text/plain") && !is_json("application/jsonl"));
        assert!(is_media_type("image/png") && is_media_type("image/*") && is_media_type("text/plain; charset=utf-8"));
        assert!(!is_media_type("png") && !is_media_type("image/") && !is_media_type("a b/c"));
        assert!(is_header_name("X-Rate-Limit") && !is_header_name("X Rate") && !is_header_name(""));
    }
}
