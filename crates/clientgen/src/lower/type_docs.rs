//! The docs of every type, decided here so that emission only prints them: each view's (the
//! spec's description, the overlay's note, the link to the other view, a closed struct's
//! sentence), each field's (its description, its default, a one-value property's sentence),
//! each enum value's (its label and wire value) and each union alternative's (its description
//! and tags). Only what the spec states, or a fact of the model: nothing is invented for a type
//! or field the spec says nothing of (ARCHITECTURE.md, "Docs say only what the spec says").

use crate::model::*;
use crate::rustdoc::{code, doc_lines, paragraphs};

/// Fills [`View::docs`], [`ViewField::docs`], [`Variant::docs`] and [`UnionVariant::docs`].
pub fn document(api: &mut Api) {
    for def in api.types.values_mut() {
        let TypeDef { doc, kind, views, .. } = def;
        let closed = matches!(kind, TypeKind::Struct(s) if s.closed);
        for view in views.iter_mut() {
            view.docs = view_doc(doc.as_deref(), view, closed);
            if let TypeKind::Struct(s) = &*kind {
                for view_field in &mut view.fields {
                    view_field.docs =
                        s.fields.get(view_field.index).map(|f| field_doc(f, view_field)).unwrap_or_default();
                }
            }
        }
        match kind {
            TypeKind::Enum(e) => e.variants.iter_mut().for_each(|v| v.docs = value_doc(v)),
            TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| v.docs = alternative_doc(v)),
            _ => {}
        }
    }
}

/// Paragraphs, each from the spec or a fact of the model.
fn view_doc(spec: Option<&str>, view: &View, closed: bool) -> Vec<String> {
    let spec = spec.map(str::trim).filter(|d| !d.is_empty()).map(doc_lines);
    let note = view.note.as_deref().map(doc_lines);
    // The cross-reference is ours, with an intra-doc link that must stay a link.
    let cross = view.counterpart.as_ref().map(|other| match view.side {
        Side::Request => {
            vec![format!(" What the caller sends; the server's view is [`{other}`], which adds the read-only fields.")]
        }
        Side::Response | Side::Both => vec![format!(" What the server returns; what the caller sends is [`{other}`].")],
    });
    let closed = closed
        .then(|| vec![" The API allows no keys besides these fields (`additionalProperties: false`).".to_owned()]);
    paragraphs([spec, note, cross, closed].into_iter().flatten())
}

/// Only what the spec states, its description and its default, and that a one-value property
/// is filled in.
fn field_doc(field: &Field, view_field: &ViewField) -> Vec<String> {
    let spec = field.doc.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(doc_lines);
    let default = field.default.as_ref().map(|default| doc_lines(&format!("Default: {}.", code(&default.json()))));
    let fixed = view_field
        .fixed
        .as_ref()
        .map(|_| vec![" The API allows one value here: `new` fills it in, and it is always sent.".to_owned()]);
    paragraphs([spec, default, fixed].into_iter().flatten())
}

/// An enum value's label, and its wire value: serde goes through `as_str`, so the docs are
/// where a reader sees it.
fn value_doc(v: &Variant) -> Vec<String> {
    let on_wire = if v.wire.is_empty() { "the empty string".to_owned() } else { code(&v.wire) };
    let text = match v.doc.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None if v.wire.is_empty() => "The empty string.".to_owned(),
        None => on_wire,
        Some(doc) if !doc.contains('\n') => format!("{doc} ({on_wire})"),
        Some(doc) => format!("{doc}\n\nOn the wire: {on_wire}."),
    };
    doc_lines(&text)
}

/// A union alternative's description, and the tags that select it.
fn alternative_doc(v: &UnionVariant) -> Vec<String> {
    let doc = v.doc.as_deref().map(str::trim).filter(|d| !d.is_empty());
    match (v.tags.as_slice(), doc) {
        ([], Some(doc)) => doc_lines(doc),
        ([], None) => Vec::new(),
        (tags, doc) => {
            let tags = tags.iter().map(|t| code(t)).collect::<Vec<_>>().join(" or ");
            doc_lines(&match doc {
                None => format!("The `{}` alternative, tagged {tags}.", v.rust_name),
                Some(doc) => format!("{doc}\n\nTagged {tags}."),
            })
        }
    }
}
