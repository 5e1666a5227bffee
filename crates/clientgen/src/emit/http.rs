//! What the operations of an API send and read, which decides the parts of the runtime
//! (`runtime.rs`) its crate gets.

use crate::model::{Api, Direction, Encoding, Field, Scalar, Success, SuccessBody, TypeDef, TypeKind, TypeRef};

/// Which request-body encodings some operation of `api` uses.
#[derive(Debug, Default, Clone, Copy)]
pub struct Encodings {
    /// Some body is JSON.
    pub json: bool,
    /// Some body is a form.
    pub form: bool,
    /// Some form body is not a struct (it is encoded through its JSON value).
    pub form_value: bool,
    /// Some form body is a struct with fields (`form_pairs` calls `field_texts`).
    pub form_fields: bool,
    /// Some body is multipart.
    pub multipart: bool,
    /// Some multipart body has a part that is not a file: a text field, an empty (null) field,
    /// or a whole body that is not a struct (`Part::text` and `Part::values` are needed).
    pub multipart_text: bool,
    /// Some multipart body has a file part (`Part::file` is needed).
    pub multipart_files: bool,
    /// Some body is text, sent as given.
    pub text: bool,
    /// Some body is bytes, sent as given.
    pub bytes: bool,
}

impl Encodings {
    /// The encodings the operations of `api` send.
    pub fn of(api: &Api) -> Self {
        let mut used = Encodings::default();
        for variant in api.operations.iter().filter_map(|op| op.body.as_ref()).flat_map(|b| &b.variants) {
            // A struct body goes field by field (`form_pairs`, `multipart_parts`); any other
            // through its JSON value.
            let fields: Option<Vec<&Field>> = match &variant.ty {
                TypeRef::Named(id) => api.types.get(id).filter(|def| matches!(def.kind, TypeKind::Struct(_))).map(|def| {
                    def.fields_of(def.view(Direction::Request)).map(|(field, _)| field).collect()
                }),
                _ => None,
            };
            match variant.encoding {
                Encoding::Json => used.json = true,
                Encoding::Form => {
                    used.form = true;
                    match fields {
                        Some(fields) => used.form_fields |= !fields.is_empty(),
                        None => used.form_value = true,
                    }
                }
                Encoding::Multipart => {
                    used.multipart = true;
                    let file = |ty: &TypeRef| match ty {
                        TypeRef::Scalar(Scalar::Bytes) => true,
                        TypeRef::List(item) => **item == TypeRef::Scalar(Scalar::Bytes),
                        _ => false,
                    };
                    match fields {
                        Some(fields) => {
                            used.multipart_text |= fields.iter().any(|f| !file(&f.ty) || f.nullable);
                            used.multipart_files |= fields.iter().any(|f| file(&f.ty));
                        }
                        // A body that is not a struct goes as text parts (`Part::values`).
                        None => used.multipart_text = true,
                    }
                }
                Encoding::Text => used.text = true,
                Encoding::Bytes => used.bytes = true,
            }
        }
        used
    }

    /// Some operation sends multipart bodies (reqwest's `multipart` feature is needed).
    pub fn multipart(&self) -> bool {
        self.multipart
    }

    /// Some operation sends form bodies (`serde_urlencoded` is needed).
    pub fn form(&self) -> bool {
        self.form
    }
}

/// Which success-body readers the operations call.
#[derive(Debug, Default, Clone, Copy)]
pub struct Readers {
    /// Some operation returns JSON.
    pub json: bool,
    /// Some operation returns text.
    pub text: bool,
    /// Some operation returns bytes.
    pub bytes: bool,
    /// Some operation returns no body.
    pub empty: bool,
    /// Some operation's success statuses are listed one by one, with no range to fall back on.
    pub undeclared: bool,
}

impl Readers {
    /// The readers the operations of `api` call.
    pub fn of(api: &Api) -> Self {
        let mut readers = Readers::default();
        for op in &api.operations {
            match &op.success {
                Success::Single(body) => readers.add(body),
                Success::ByStatus { variants, .. } => {
                    for v in variants {
                        readers.add(&v.body);
                    }
                    readers.undeclared |= variants.iter().all(|v| v.status.parse::<u16>().is_ok());
                }
            }
        }
        readers
    }

    fn add(&mut self, body: &SuccessBody) {
        match body {
            SuccessBody::Json(_) => self.json = true,
            SuccessBody::Text => self.text = true,
            SuccessBody::Bytes => self.bytes = true,
            SuccessBody::Empty => self.empty = true,
        }
    }
}

/// Whether some error response (`4XX`, `5XX` or `default`) is declared with the shape of a
/// Django REST framework error: an object with a string `detail`, or with `non_field_errors`
/// as a list of strings. Such an API gets DRF's messages in `Error::Api`.
pub fn drf_errors(api: &Api) -> bool {
    let string = TypeRef::Scalar(Scalar::String);
    let drf_shaped = |ty: &TypeRef| match ty {
        TypeRef::Named(id) => match api.types.get(id) {
            Some(TypeDef { kind: TypeKind::Struct(s), .. }) => s.fields.iter().any(|f| {
                (f.wire_name == "detail" && f.ty == string)
                    || (f.wire_name == "non_field_errors" && f.ty == TypeRef::List(Box::new(string.clone())))
            }),
            _ => false,
        },
        _ => false,
    };
    api.operations.iter().flat_map(|op| &op.responses).any(|(status, response)| {
        let error = status.starts_with('4') || status.starts_with('5') || status == "default";
        error && response.content.iter().any(|(media, ty)| media.contains("json") && drf_shaped(ty))
    })
}
