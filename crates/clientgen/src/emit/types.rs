//! Emits `types.rs`: one struct, enum or alias per view of each named type, with builders and
//! request-side validation.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs::{code, doc_attrs, printed};
use super::rust::{RustType, ident, rust_type};
use crate::model::*;

/// How many parts `types.rs` is emitted and formatted in. Fixed, so that the output never
/// depends on the machine; many, so that each part's tokens and syntax tree are small.
pub const TYPE_PARTS: usize = 32;

/// The contents of `types.rs`, all parts in order.
pub fn emit_types(api: &Api) -> TokenStream {
    let parts = (0..TYPE_PARTS).map(|part| emit_types_part(api, part));
    quote! { #(#parts)* }
}

/// One part of `types.rs`: the types are shared out in order; the first part also opens the
/// file (docs, imports, helper types), the last one ends it with the form and multipart methods and
/// the per-status response enums.
pub fn emit_types_part(api: &Api, part: usize) -> TokenStream {
    let count = api.types.len();
    let per_part = count.div_ceil(TYPE_PARTS).max(1);
    let (start, end) = ((part * per_part).min(count), ((part + 1) * per_part).min(count));
    let mut items = Vec::new();
    for def in api.types.values().skip(start).take(end - start) {
        let cfg = super::rust::feature_cfg(def.feature.as_slice());
        for view in &def.views {
            let view = ViewPrinter { api, def, view, name: ident(&view.name) };
            let emitted = match &def.kind {
                TypeKind::Struct(_) => view.emit_struct(),
                TypeKind::Enum(e) => view.emit_enum(e),
                TypeKind::Alias(target) => view.emit_alias(target),
                TypeKind::Newtype(target) => view.emit_newtype(target),
                TypeKind::Union(u) => view.emit_union(u),
            };
            let has_id = view.has_id();
            let emitted = quote! { #emitted #has_id };
            // Every item of a type behind a tag feature (its impls and builder too) is behind it.
            items.push(super::rust::gate_items(&cfg, emitted));
        }
    }
    if part + 1 == TYPE_PARTS {
        items.extend(api.operations.iter().filter_map(|op| {
            status_enum(api, op).map(|items| super::rust::gate_items(&super::rust::feature_cfg(&op.features), items))
        }));
        items.extend(api.error_body.as_ref().map(|errors| error_body(api, errors)));
    }
    if part > 0 {
        return quote! { #(#items)* };
    }
    let support = support_exports(&api.features);
    quote! {
        //! Request and response types.
        //!
        //! A schema whose fields differ by direction (readOnly or writeOnly fields) becomes two
        //! types: `Name` for what the server returns and `NameRequest` for what the caller sends.
        #![allow(clippy::large_enum_variant)]

        #support
        #(#items)*
    }
}

/// Prints one view of a type.
struct ViewPrinter<'a> {
    api: &'a Api,
    def: &'a TypeDef,
    view: &'a View,
    name: Ident,
}

impl ViewPrinter<'_> {
    fn doc(&self) -> TokenStream {
        let doc = printed(&self.view.docs);
        // The API's word to its callers; the crate's own uses are allowed in `lib.rs`.
        let deprecated = self.def.deprecated.then(|| quote! { #[deprecated] });
        quote! { #doc #deprecated }
    }

    /// The struct's map of extra properties, with the Rust type of its values in this view.
    fn extra(&self) -> Option<(&ExtraProperties, TokenStream)> {
        let TypeKind::Struct(s) = &self.def.kind else { return None };
        let extra = s.extra.as_ref()?;
        let ty = rust_type(self.api, &extra.ty, self.view.side.names(), &quote! {}).owned;
        let ty = if extra.nullable {
            quote! { Option<#ty> }
        } else {
            ty
        };
        Some((extra, ty))
    }

    /// The `cfg` predicate of this view's `Deserialize`, when it is behind a feature.
    fn deserialize_gate(&self) -> Option<TokenStream> {
        (self.view.serde == SerdeImpls::DeserializeWithFeature).then(|| quote! { feature = "deserialize-requests" })
    }

    /// `#[derive(…)]` of `base` and the serde traits the view implements.
    fn derives(&self, base: TokenStream) -> TokenStream {
        match self.view.serde {
            SerdeImpls::None => quote! { #[derive(#base)] },
            SerdeImpls::Both => quote! { #[derive(#base, serde::Serialize, serde::Deserialize)] },
            SerdeImpls::DeserializeWithFeature => quote! {
                #[derive(#base, serde::Serialize)]
                #[cfg_attr(feature = "deserialize-requests", derive(serde::Deserialize))]
            },
        }
    }

    /// `#[cfg(…)]` on a hand-written `Deserialize` impl of this view, when it is gated.
    fn deserialize_cfg(&self) -> Option<TokenStream> {
        self.deserialize_gate().map(|gate| quote! { #[cfg(#gate)] })
    }

    /// This view's fields, each with the property it shows.
    fn shapes(&self) -> Vec<FieldShape<'_>> {
        let names = self.view.side.names();
        self.def
            .fields_of(self.view)
            .map(|(field, view_field)| FieldShape::new(self.api, field, view_field, names))
            .collect()
    }

    fn emit_struct(&self) -> TokenStream {
        let name = &self.name;
        let shapes = self.shapes();
        let field_tokens = shapes.iter().map(|shape| shape.declaration(self.view.serde != SerdeImpls::None));
        let extra_field = self.extra().map(|(extra, ty)| {
            let name = ident(&extra.rust_name);
            let serde = (self.view.serde != SerdeImpls::None).then(|| quote! { #[serde(flatten)] });
            quote! {
                /// The keys the API does not declare as fields (`additionalProperties`), with their values.
                ///
                /// Decoded from what the server sends beside the fields, and sent after them; a key
                /// named like a field would be sent twice, so leave those to the fields.
                #serde
                pub #name: std::collections::BTreeMap<String, #ty>,
            }
        });
        // The crate's own code may touch the fields the API deprecates.
        let allow = shapes.iter().any(|s| s.field.deprecated).then(|| quote! { #[allow(deprecated)] });
        let builder = self.emit_builder(&shapes);
        let validate = self.emit_validate(&shapes).map(|validate| quote! { #allow #validate });
        let forms = self.emit_form_methods(&shapes).map(|forms| quote! { #allow #forms });
        let doc = self.doc();
        // With nothing required, `Default` is the empty value `new()` also returns.
        let default = shapes.iter().all(|s| !s.view_field.is_argument()).then(|| quote! { Default, });
        let derives = self.derives(quote! { Debug, Clone, #default PartialEq });
        let tokens = quote! {
            #doc
            #derives
            pub struct #name {
                #(#field_tokens)*
                #extra_field
            }
            #allow
            #builder
            #validate
            #forms
        };
        tokens
    }

    fn emit_builder(&self, shapes: &[FieldShape<'_>]) -> TokenStream {
        let name = &self.name;
        let required: Vec<&FieldShape> = shapes.iter().filter(|s| s.view_field.is_argument()).collect();
        let params = required.iter().map(|s| {
            let field = &s.ident;
            let param = s.param();
            quote! { #field: #param }
        });
        let inits = shapes.iter().map(|s| {
            let field = &s.ident;
            let into = s.inner.into_string || s.view_field.into;
            if let Some(fixed) = &s.view_field.fixed {
                let ty = &s.inner.owned;
                let variant = ident(&fixed.variant);
                return quote! { #field: #ty::#variant };
            }
            match (s.wrapper, into, s.view_field.boxed) {
                (Wrapper::Plain, true, true) => quote! { #field: Box::new(#field.into()) },
                (Wrapper::Plain, true, false) => quote! { #field: #field.into() },
                (Wrapper::Plain, false, true) => quote! { #field: Box::new(#field) },
                (Wrapper::Plain, false, false) => quote! { #field },
                _ => quote! { #field: None },
            }
        });
        let extra = self.extra();
        let extra_init = extra.as_ref().map(|(extra, _)| {
            let name = ident(&extra.rust_name);
            quote! { , #name: std::collections::BTreeMap::new() }
        });
        let extra_setter = extra.as_ref().and_then(|(extra, ty)| {
            let setter = ident(self.methods().extra_setter.as_deref()?);
            let name = ident(&extra.rust_name);
            let into_string =
                !extra.nullable && rust_type(self.api, &extra.ty, Direction::Request, &quote! {}).into_string;
            let (param, value) = if into_string {
                (quote! { impl Into<String> }, quote! { value.into() })
            } else {
                (ty.clone(), quote! { value })
            };
            Some(quote! {
                /// Adds a key the API does not declare as a field, replacing a value of the same key.
                pub fn #setter(mut self, key: impl Into<String>, value: #param) -> Self {
                    self.#name.insert(key.into(), #value);
                    self
                }
            })
        });
        let too_many = super::rust::too_many_arguments(required.len());
        let new = ident(&self.methods().new);
        let setters = shapes.iter().filter_map(FieldShape::setters);
        let fills = shapes.iter().any(|s| s.view_field.fixed.is_some());
        let new_doc = match (required.is_empty(), fills) {
            (true, false) => " Creates a value with every field unset.",
            (true, true) => " Creates a value with its one-value fields filled in and every other field unset.",
            (false, false) => " Creates a value from its required fields; the optional ones start unset.",
            (false, true) => {
                " Creates a value from its required fields, with its one-value fields filled in; the optional ones \
                 start unset."
            }
        };
        quote! {
            impl #name {
                #[doc = #new_doc]
                #too_many
                pub fn #new(#(#params),*) -> Self {
                    Self { #(#inits),* #extra_init }
                }
                #(#setters)*
                #extra_setter
            }
        }
    }

    /// The names of the struct view's methods that are not setters.
    fn methods(&self) -> &StructMethods {
        const NONE: &StructMethods = &StructMethods {
            new: String::new(),
            validate: None,
            form_pairs: None,
            multipart_parts: None,
            extra_setter: None,
        };
        self.view.methods.as_ref().unwrap_or(NONE)
    }

    fn emit_validate(&self, shapes: &[FieldShape<'_>]) -> Option<TokenStream> {
        let method = ident(self.methods().validate.as_deref()?);
        let names = self.view.side.names();
        let mut checks: Vec<TokenStream> = shapes.iter().filter_map(|s| s.validation(self.api, names)).collect();
        checks.extend(self.extra_validation());
        let patterns = shapes.iter().filter_map(|s| {
            let pattern = s.field.constraints.pattern.as_ref()?;
            let name = ident(s.view_field.pattern.as_deref()?);
            Some(quote! {
                static #name: std::sync::LazyLock<Option<regex_lite::Regex>> =
                    std::sync::LazyLock::new(|| regex_lite::Regex::new(#pattern).ok());
            })
        });
        let name = &self.name;
        Some(quote! {
            impl #name {
                /// Checks the limits the API declares for these fields, before anything is sent.
                ///
                /// # Errors
                ///
                /// [`crate::Error::Validation`], naming the first field that breaks a rule.
                pub fn #method(&self) -> Result<(), crate::Error> {
                    #(#patterns)*
                    #(#checks)*
                    Ok(())
                }
            }
        })
    }

    /// The checks of the extra properties' values, when their type validates: each error names
    /// the key.
    fn extra_validation(&self) -> Option<TokenStream> {
        let TypeKind::Struct(s) = &self.def.kind else { return None };
        let extra = s.extra.as_ref()?;
        let names = self.view.side.names();
        let name = ident(&extra.rust_name);
        if let TypeRef::Named(id) = &extra.ty {
            let validate = super::validate::validate_method(self.api, id, names)?;
            let item = if extra.nullable {
                quote! { for (key, value) in &self.#name { if let Some(value) = value { value.#validate().map_err(|e| e.within(key))?; } } }
            } else {
                quote! { for (key, value) in &self.#name { value.#validate().map_err(|e| e.within(key))?; } }
            };
            return Some(item);
        }
        if extra.nullable {
            return None;
        }
        super::validate::nested(self.api, &TypeRef::Map(Box::new(extra.ty.clone())), names, "", quote! { &self.#name })
    }

    /// A string enum. Serde goes through `as_str` and `FromStr` rather than derives: a value
    /// the spec never listed decodes as `Unknown`, and each impl is one line where serde's
    /// derive with an untagged variant was the costliest code of a generated crate to compile.
    fn emit_enum(&self, e: &StringEnum) -> TokenStream {
        let name = &self.name;
        let doc = self.doc();
        // A one-value enum is its value by default: a field of it is filled in.
        let only = e.only().map(|v| v.rust_name.as_str());
        let variants = e.variants.iter().map(|v| {
            let variant = ident(&v.rust_name);
            let default = (only == Some(v.rust_name.as_str())).then(|| quote! { #[default] });
            let doc = printed(&v.docs);
            let deprecated = v.deprecated.then(|| quote! { #[deprecated] });
            quote! { #doc #default #deprecated #variant, }
        });
        let to_wire = e.variants.iter().map(|v| {
            let variant = ident(&v.rust_name);
            let wire = &v.wire;
            quote! { Self::#variant => #wire, }
        });
        let from_wire = e.variants.iter().map(|v| {
            let variant = ident(&v.rust_name);
            let wire = &v.wire;
            quote! { #wire => Self::#variant, }
        });
        let gate = self.deserialize_cfg();
        let default = only.map(|_| quote! { Default, });
        quote! {
            #doc
            #[derive(Debug, Clone, #default PartialEq, Eq, Hash)]
            pub enum #name {
                #(#variants)*
                /// A value this client does not know yet, kept as the server sent it.
                Unknown(String),
            }

            impl #name {
                /// The value as it goes on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#to_wire)*
                        Self::Unknown(other) => other,
                    }
                }
            }

            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl std::str::FromStr for #name {
                type Err = std::convert::Infallible;

                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    Ok(match value {
                        #(#from_wire)*
                        other => Self::Unknown(other.to_owned()),
                    })
                }
            }

            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            #gate
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let text = String::deserialize(deserializer)?;
                    Ok(text.parse().unwrap_or_else(|never: std::convert::Infallible| match never {}))
                }
            }
        }
    }

    /// The view's `HasId` impl, when lowering gave it one: a struct's `id` field, or a union's
    /// alternatives' (`Other` gives its `id` member, or nothing when it has no text there).
    fn has_id(&self) -> Option<TokenStream> {
        let name = &self.name;
        let body = match self.view.has_id.as_ref()? {
            IdSource::Field(field) => {
                let field = ident(field);
                quote! { &self.#field }
            }
            IdSource::Variants => {
                let TypeKind::Union(u) = &self.def.kind else { return None };
                let arms = u.variants.iter().map(|v| {
                    let variant = ident(&v.rust_name);
                    quote! { Self::#variant(value) => value.id(), }
                });
                quote! {
                    match self {
                        #(#arms)*
                        Self::Other(value) => value.get("id").and_then(serde_json::Value::as_str).unwrap_or_default(),
                    }
                }
            }
        };
        Some(quote! {
            impl HasId for #name {
                fn id(&self) -> &str {
                    #body
                }
            }
        })
    }

    /// An enum with one variant per alternative, plus `Other` for values that fit none.
    ///
    /// Each variant's doc is the alternative's description and the tags that select it; an
    /// alternative the spec does not describe gets no sentence made up for it.
    ///
    /// With a discriminator, decoding reads the tag and decodes the whole value as the variant
    /// it names (an unclaimed tag falls back to the first variant that fits); without one, the
    /// first alternative that fits wins (serde's untagged enums).
    fn emit_union(&self, u: &Union) -> TokenStream {
        let name = &self.name;
        let doc = self.doc();
        let variants = u.variants.iter().map(|v| {
            let variant = ident(&v.rust_name);
            let ty = rust_type(self.api, &v.ty, self.view.side.names(), &quote! {}).owned;
            let ty = if v.boxed {
                quote! { Box<#ty> }
            } else {
                ty
            };
            let text = printed(&v.docs);
            quote! { #text #variant(#ty), }
        });
        let other = match &self.view.mismatches {
            Some(method) => {
                let line = format!(" [`{name}::{method}`] says why each alternative refused it.");
                quote! {
                    /// A value that fits none of the alternatives this client knows, kept as sent.
                    #[doc = #line]
                    Other(serde_json::Value),
                }
            }
            None => quote! {
                /// A value that fits none of the alternatives this client knows, kept as sent.
                Other(serde_json::Value),
            },
        };
        let conversions = self.union_conversions(u);
        let mismatches = self.union_mismatches(u);
        let conversions = quote! { #conversions #mismatches };
        let Some(property) = &u.discriminator else {
            let derives = self.derives(quote! { Debug, Clone, PartialEq });
            return quote! {
                #doc
                #derives
                #[serde(untagged)]
                pub enum #name {
                    #(#variants)*
                    #other
                }
                #conversions
            };
        };
        let wrap = |v: &UnionVariant| {
            let variant = ident(&v.rust_name);
            if v.boxed {
                quote! { |v| Self::#variant(Box::new(v)) }
            } else {
                quote! { Self::#variant }
            }
        };
        let arms = u.variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
            let tags = &v.tags;
            let wrap = wrap(v);
            quote! { #(#tags)|* => serde_json::from_value(value).map(#wrap).map_err(serde::de::Error::custom), }
        });
        let gate = self.deserialize_cfg();
        // Real specs name tags the server does not send (an implicit mapping uses schema names):
        // a tag no variant claims falls back to the first variant that fits. Tags read from the
        // alternatives themselves are exact: another tag is a value this client does not know.
        let fallbacks = u.variants.iter().filter(|_| !u.exact_tags).map(|v| {
            let wrap = wrap(v);
            quote! {
                if let Ok(variant) = serde_json::from_value(value.clone()).map(#wrap) {
                    return Ok(variant);
                }
            }
        });
        // With no variant claiming a tag, the tag decides nothing: only the fallbacks are left.
        let choose = if u.variants.iter().any(|v| !v.tags.is_empty()) {
            quote! {
                let tag = value.get(#property).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
                match tag.as_str() {
                    #(#arms)*
                    _ => {
                        #(#fallbacks)*
                        Ok(Self::Other(value))
                    }
                }
            }
        } else {
            quote! {
                #(#fallbacks)*
                Ok(Self::Other(value))
            }
        };
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, serde::Serialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
                #other
            }

            #gate
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = serde_json::Value::deserialize(deserializer)?;
                    #choose
                }
            }

            #conversions
        }
    }

    /// The union's method saying why a value kept as `Other` fits none of the alternatives,
    /// when the view has one: the runtime's `unions::mismatches` over a table of the
    /// alternatives, each its variant's name and type (and its tags, when they are exact).
    fn union_mismatches(&self, u: &Union) -> Option<TokenStream> {
        let method = ident(self.view.mismatches.as_deref()?);
        let name = &self.name;
        let alternatives = u.variants.iter().map(|v| {
            let ty = rust_type(self.api, &v.ty, self.view.side.names(), &quote! {}).owned;
            let variant = &v.rust_name;
            match (u.exact_tag(), v.tags.is_empty()) {
                (Some(property), false) => {
                    let tags = &v.tags;
                    quote! { crate::unions::Alternative::tagged::<#ty>(#variant, #property, &[#(#tags),*]) }
                }
                _ => quote! { crate::unions::Alternative::of::<#ty>(#variant) },
            }
        });
        let summary = format!(
            " Why a value kept as [`{name}::Other`] fits none of the alternatives: for each, in order, where \
             and why decoding it as that alternative fails."
        );
        Some(quote! {
            impl #name {
                #[doc = #summary]
                ///
                /// Empty for the other variants. The value is decoded again on each call, so decoding
                /// keeps nothing.
                pub fn #method(&self) -> Vec<crate::Mismatch> {
                    let Self::Other(value) = self else {
                        return Vec::new();
                    };
                    crate::unions::mismatches(value, &[#(#alternatives),*])
                }
            }
        })
    }

    /// The `From` impls lowering decided for a union: from each variant's type no other
    /// variant shares, and from `&str` into the variant holding a `String`.
    fn union_conversions(&self, u: &Union) -> TokenStream {
        let name = &self.name;
        let from_variants = u.variants.iter().filter(|v| v.from).map(|v| {
            let variant = ident(&v.rust_name);
            let ty = rust_type(self.api, &v.ty, self.view.side.names(), &quote! {}).owned;
            let value = if v.boxed {
                quote! { Box::new(value) }
            } else {
                quote! { value }
            };
            quote! {
                impl From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#variant(#value)
                    }
                }
            }
        });
        let from_str = u.from_str.and_then(|index| u.variants.get(index)).map(|v| {
            let variant = ident(&v.rust_name);
            let value = if v.boxed {
                quote! { Box::new(value.to_owned()) }
            } else {
                quote! { value.to_owned() }
            };
            quote! {
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        Self::#variant(#value)
                    }
                }
            }
        });
        quote! { #(#from_variants)* #from_str }
    }

    fn emit_alias(&self, target: &TypeRef) -> TokenStream {
        let name = &self.name;
        let doc = self.doc();
        let ty = rust_type(self.api, target, self.view.side.names(), &quote! {}).owned;
        quote! {
            #doc
            pub type #name = #ty;
        }
    }

    /// A tuple struct around an array or map that holds itself; serde sees only the inside.
    fn emit_newtype(&self, target: &TypeRef) -> TokenStream {
        let name = &self.name;
        let doc = self.doc();
        let ty = rust_type(self.api, target, self.view.side.names(), &quote! {}).owned;
        let derives = self.derives(quote! { Debug, Clone, Default, PartialEq });
        quote! {
            #doc
            #derives
            #[serde(transparent)]
            pub struct #name(pub #ty);
        }
    }
}

/// A field as one view declares it.
pub(super) struct FieldShape<'a> {
    pub field: &'a Field,
    pub view_field: &'a ViewField,
    pub ident: Ident,
    pub wrapper: Wrapper,
    pub inner: RustType,
}

impl<'a> FieldShape<'a> {
    /// `field` as `view_field` shows it, in a view naming the views of `names`.
    pub(super) fn new(api: &Api, field: &'a Field, view_field: &'a ViewField, names: Direction) -> Self {
        FieldShape {
            field,
            view_field,
            ident: ident(&field.rust_name),
            wrapper: view_field.wrapper,
            inner: rust_type(api, &field.ty, names, &quote! {}),
        }
    }

    /// The type `new` and the setter take its value as: `impl Into<String>` for a string,
    /// `impl Into<T>` for a union values convert into, else the type itself.
    fn param(&self) -> TokenStream {
        let ty = &self.inner.owned;
        if self.inner.into_string {
            quote! { impl Into<String> }
        } else if self.view_field.into {
            quote! { impl Into<#ty> }
        } else {
            quote! { #ty }
        }
    }

    fn full_type(&self) -> TokenStream {
        let inner = &self.inner.owned;
        let inner = if self.view_field.boxed {
            quote! { Box<#inner> }
        } else {
            inner.clone()
        };
        match self.wrapper {
            Wrapper::Plain => inner,
            Wrapper::OptionAlwaysWritten | Wrapper::Option => quote! { Option<#inner> },
            Wrapper::OptionNullable => quote! { Option<Nullable<#inner>> },
        }
    }

    /// The field's declaration; with `serde`, the attributes that keep its wire name and
    /// leave it out when unset.
    fn declaration(&self, serde: bool) -> TokenStream {
        let f = self.field;
        let name = &self.ident;
        let ty = self.full_type();
        let doc = printed(&self.view_field.docs);
        let wire = &f.wire_name;
        let bare = f.rust_name.strip_prefix("r#").unwrap_or(&f.rust_name);
        let rename = (bare != wire).then(|| quote! { rename = #wire, });
        let serde = match self.wrapper {
            _ if !serde => None,
            // A value without it still decodes, as the one value.
            Wrapper::Plain if self.view_field.fixed.as_ref().is_some_and(|f| f.may_be_absent) => {
                Some(quote! { #[serde(#rename default)] })
            }
            Wrapper::Plain => rename.map(|r| quote! { #[serde(#r)] }),
            Wrapper::OptionAlwaysWritten => Some(quote! { #[serde(#rename default)] }),
            Wrapper::Option | Wrapper::OptionNullable => {
                Some(quote! { #[serde(#rename default, skip_serializing_if = "Option::is_none")] })
            }
        };
        let deprecated = f.deprecated.then(|| quote! { #[deprecated] });
        quote! { #doc #deprecated #serde pub #name: #ty, }
    }

    /// `Default: `true`.`, when the field declares a default (for its setter).
    fn default_doc(&self) -> Option<TokenStream> {
        let default = self.field.default.as_ref()?;
        Some(doc_attrs(&format!("Default: {}.", code(&default.json()))))
    }

    /// Setter methods for an optional field: `name(value)`, plus `name_null()` when it may be
    /// sent as an explicit `null`, under the names lowering claimed for them.
    fn setters(&self) -> Option<TokenStream> {
        let field = &self.ident;
        let wire = &self.field.wire_name;
        let setter = ident(self.view_field.setter.as_deref()?);
        let param = self.param();
        let value = if self.inner.into_string || self.view_field.into {
            quote! { value.into() }
        } else {
            quote! { value }
        };
        let value = if self.view_field.boxed {
            quote! { Box::new(#value) }
        } else {
            value
        };
        let set_doc = format!(" Sets `{wire}`.");
        let set_doc = match self.default_doc() {
            Some(default) => quote! { #[doc = #set_doc] #[doc = ""] #default },
            None => quote! { #[doc = #set_doc] },
        };
        let deprecated = self.field.deprecated.then(|| quote! { #[deprecated] });
        let set = match self.wrapper {
            Wrapper::OptionNullable => quote! {
                #set_doc
                #deprecated
                pub fn #setter(mut self, value: #param) -> Self {
                    self.#field = Some(Nullable::Value(#value));
                    self
                }
            },
            _ => quote! {
                #set_doc
                #deprecated
                pub fn #setter(mut self, value: #param) -> Self {
                    self.#field = Some(#value);
                    self
                }
            },
        };
        let null = self.view_field.null_setter.as_deref().map(|name| {
            let null_setter = ident(name);
            let doc = format!(" Sends `{wire}` as an explicit `null`.");
            quote! {
                #[doc = #doc]
                #deprecated
                pub fn #null_setter(mut self) -> Self {
                    self.#field = Some(Nullable::Null);
                    self
                }
            }
        });
        Some(quote! { #set #null })
    }

    /// The checks for this field's value, if it has any.
    fn validation(&self, api: &Api, names: Direction) -> Option<TokenStream> {
        let f = self.field;
        let wire = &f.wire_name;
        let mut checks =
            super::validate::checks(&f.constraints, &f.ty, wire, self.view_field.pattern.as_deref(), quote! { value });
        if let Some(nested) = super::validate::nested(api, &f.ty, names, wire, quote! { value }) {
            checks.push(nested);
        }
        if checks.is_empty() {
            return None;
        }
        let field = &self.ident;
        Some(match self.wrapper {
            Wrapper::Plain => quote! { { let value = &self.#field; #(#checks)* } },
            Wrapper::Option | Wrapper::OptionAlwaysWritten => {
                quote! { if let Some(value) = &self.#field { #(#checks)* } }
            }
            Wrapper::OptionNullable => {
                quote! { if let Some(Nullable::Value(value)) = &self.#field { #(#checks)* } }
            }
        })
    }
}

impl ViewPrinter<'_> {
    /// `multipart_parts` when some operation sends the view as `multipart/form-data` (one
    /// part per field or list item, each with the content type lowering decided: text, JSON
    /// or a file) and `form_pairs` when one sends it as `application/x-www-form-urlencoded`
    /// (one pair per field or list item). Both send an explicit `null`, or a required nullable
    /// field left `None`, as an empty field (a JSON part as `null`), as JSON sends `null`.
    fn emit_form_methods(&self, shapes: &[FieldShape<'_>]) -> Option<TokenStream> {
        let methods = self.methods();
        let extra = self.extra().map(|(extra, _)| extra);
        let form = methods.form_pairs.as_deref().map(|name| {
            let name = ident(name);
            let reserved = allows_reserved(shapes);
            let build = form_body(shapes, extra, None);
            // The extra properties' keys are the value's own, not the API's names; a styled
            // field's are made from its name (`metadata[plan]`).
            let key = if shapes.iter().any(|shape| shape.view_field.form_style.is_some()) {
                quote! { String }
            } else if extra.is_some() {
                quote! { &str }
            } else {
                quote! { &'static str }
            };
            // A field that allows reserved characters goes encoded already.
            let value = if reserved {
                quote! { crate::param::FormText }
            } else {
                quote! { String }
            };
            quote! {
                /// The `key=value` pairs of this value as an `application/x-www-form-urlencoded` body.
                pub(crate) fn #name(&self) -> Vec<(#key, #value)> {
                    #build
                }
            }
        });
        let multipart = methods.multipart_parts.as_deref().map(|name| {
            let name = ident(name);
            let extra_part = self.view.extra_part.clone().unwrap_or_else(text_part);
            let build = form_body(shapes, extra, Some(&extra_part));
            quote! {
                /// The parts of this value as a `multipart/form-data` body.
                pub(crate) fn #name(&self) -> Vec<crate::request::Part> {
                    #build
                }
            }
        });
        if form.is_none() && multipart.is_none() {
            return None;
        }
        let name = &self.name;
        Some(quote! {
            impl #name {
                #form
                #multipart
            }
        })
    }
}

/// Whether some field of a form allows reserved characters (`form_pairs` then gives
/// `crate::param::FormText` values).
fn allows_reserved(shapes: &[FieldShape<'_>]) -> bool {
    shapes.iter().any(|shape| shape.view_field.form_style.is_some_and(|style| style.allow_reserved))
}

/// A text part: what a field of a view sent as multipart without a decided part would be
/// (lowering decides every field's, so none is).
fn text_part() -> PartEncoding {
    PartEncoding { content_type: "text/plain".to_owned(), kind: PartKind::Text }
}

/// What pushes the parts of `value` (a field's value, or an extra property's) named `key`.
fn part_push(part: &PartEncoding, ty: &TypeRef, key: &TokenStream) -> TokenStream {
    let content_type = &part.content_type;
    match (part.kind, ty) {
        (PartKind::File, TypeRef::Scalar(Scalar::Bytes)) => {
            quote! { parts.push(crate::request::Part::file(#key, value, #content_type)); }
        }
        (PartKind::File, _) => quote! {
            for file in value {
                parts.push(crate::request::Part::file(#key, file, #content_type));
            }
        },
        (PartKind::Text, _) => quote! { crate::request::Part::values(#key, value, #content_type, &mut parts); },
        (PartKind::Json, _) => quote! { crate::request::Part::json(#key, value, #content_type, &mut parts); },
    }
}

/// What pushes the part of an explicit `null` named `key`: an empty field, or JSON's `null`.
fn part_null(part: &PartEncoding, key: &TokenStream) -> TokenStream {
    let content_type = &part.content_type;
    match part.kind {
        PartKind::Json => quote! { parts.push(crate::request::Part::text(#key, "null".to_owned(), #content_type)) },
        PartKind::Text | PartKind::File => {
            quote! { parts.push(crate::request::Part::text(#key, String::new(), #content_type)) }
        }
    }
}

/// The body of `multipart_parts` (given the extra properties' part) or `form_pairs`: the
/// fields, then the extra properties, each as a field of its key would go.
fn form_body(
    shapes: &[FieldShape<'_>],
    extra: Option<&ExtraProperties>,
    extra_part: Option<&PartEncoding>,
) -> TokenStream {
    let multipart = extra_part.is_some();
    let form = FormShape {
        // Keys are `String`s when some field is styled (see `emit_form_methods`).
        owned_keys: !multipart && shapes.iter().any(|shape| shape.view_field.form_style.is_some()),
        // Values are `FormText`s when some field allows reserved characters.
        reserved: !multipart && allows_reserved(shapes),
    };
    let extra = extra.map(|extra| extra_pushes(extra, extra_part, form));
    let pushes: Vec<TokenStream> = shapes.iter().map(|shape| field_push(shape, multipart, form)).collect();
    let list = if multipart {
        quote! { parts }
    } else {
        quote! { pairs }
    };
    if pushes.is_empty() && extra.is_none() {
        return quote! { Vec::new() };
    }
    quote! {
        let mut #list = Vec::new();
        #(#pushes)*
        #extra
        #list
    }
}

/// How a form's pairs are typed: `String` keys or `&str`, `FormText` values or `String`.
#[derive(Clone, Copy)]
struct FormShape {
    owned_keys: bool,
    reserved: bool,
}

impl FormShape {
    fn key(self, key: TokenStream) -> TokenStream {
        if self.owned_keys {
            quote! { #key.to_owned() }
        } else {
            key
        }
    }

    fn value(self, value: TokenStream) -> TokenStream {
        if self.reserved {
            quote! { #value.into() }
        } else {
            value
        }
    }
}

/// What a form or multipart body (`extra_part`) writes for the extra properties beside the
/// fields, each as a field of its key would go.
fn extra_pushes(extra: &ExtraProperties, extra_part: Option<&PartEncoding>, form: FormShape) -> TokenStream {
    let extra_key = form.key(quote! { key.as_str() });
    let name = ident(&extra.rust_name);
    let (push, empty) = match extra_part {
        Some(part) => (part_push(part, &extra.ty, &quote! { key }), part_null(part, &quote! { key })),
        None => {
            let (text, empty) = (form.value(quote! { text }), form.value(quote! { String::new() }));
            (
                quote! {
                    for text in crate::request::field_texts(value) {
                        pairs.push((#extra_key, #text));
                    }
                },
                quote! { pairs.push((#extra_key, #empty)) },
            )
        }
    };
    match extra.nullable {
        false => quote! { for (key, value) in &self.#name { #push } },
        true => quote! {
            for (key, value) in &self.#name {
                match value {
                    Some(value) => { #push }
                    None => #empty,
                }
            }
        },
    }
}

/// What a form or multipart body writes for one field, set, null or unset.
fn field_push(shape: &FieldShape<'_>, multipart: bool, form: FormShape) -> TokenStream {
    let f = shape.field;
    let field = &shape.ident;
    let wire = &f.wire_name;
    let part = shape.view_field.part.clone().unwrap_or_else(text_part);
    // The texts sent while it is unset: its default's, or none (a JSON part's: it is
    // read as JSON, where a missing value means the server's default).
    let texts: &[String] = match multipart && part.kind == PartKind::Json {
        true => &[],
        false => &shape.view_field.form_default,
    };
    let (push, empty, unset) = if multipart {
        let key = quote! { #wire };
        let content_type = &part.content_type;
        let unset = quote! { #(parts.push(crate::request::Part::text(#wire, #texts.to_owned(), #content_type));)* };
        (part_push(&part, &f.ty, &key), part_null(&part, &key), unset)
    } else {
        let key = form.key(quote! { #wire });
        let push = match shape.view_field.form_style {
            Some(FieldStyle { style, explode, allow_reserved }) => {
                let style = quote::format_ident!("{}", super::rust::param_style(style));
                let new = quote! { crate::param::Param::new(#wire, crate::param::Style::#style, #explode) };
                match (form.reserved, allow_reserved) {
                    (false, _) => quote! { pairs.extend(#new.form_field(value)); },
                    (true, false) => quote! { pairs.extend(#new.form_texts(value)); },
                    (true, true) => quote! {
                        pairs.extend(crate::param::Param { allow_reserved: true, ..#new }.form_texts(value));
                    },
                }
            }
            None => {
                let text = form.value(quote! { text });
                quote! {
                    for text in crate::request::field_texts(value) {
                        pairs.push((#key, #text));
                    }
                }
            }
        };
        let unset_texts = texts.iter().map(|text| form.value(quote! { #text.to_owned() }));
        let unset = quote! { #(pairs.push((#key, #unset_texts));)* };
        let empty = form.value(quote! { String::new() });
        (push, quote! { pairs.push((#key, #empty)) }, unset)
    };
    match shape.wrapper {
        Wrapper::Plain => quote! { { let value = &self.#field; #push } },
        Wrapper::Option if texts.is_empty() => quote! { if let Some(value) = &self.#field { #push } },
        // Unset, a field with a default goes with it: a server reading forms could
        // take its absence otherwise (a missing boolean as `false`).
        Wrapper::Option => quote! {
            match &self.#field {
                Some(value) => { #push }
                None => { #unset }
            }
        },
        // A null has no form of its own: the field goes empty.
        Wrapper::OptionAlwaysWritten => quote! {
            match &self.#field {
                Some(value) => { #push }
                None => #empty,
            }
        },
        Wrapper::OptionNullable => quote! {
            match &self.#field {
                Some(Nullable::Value(value)) => { #push }
                Some(Nullable::Null) => #empty,
                None => { #unset }
            }
        },
    }
}

/// The enum an operation returns when its success statuses carry different bodies.
fn status_enum(api: &Api, op: &Operation) -> Option<TokenStream> {
    let Success::ByStatus { name, variants } = &op.success else { return None };
    let name = ident(name);
    let doc = format!(" What `{} {}` returns, by status.", op.http_method, op.path);
    let variants = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let status_line = format!(" `{}`: {}", v.status, v.doc.as_deref().unwrap_or("a success").trim());
        let doc = super::docs::doc_attrs(&status_line);
        let payload = match &v.body {
            SuccessBody::Json(ty) => {
                let ty = rust_type(api, ty, Direction::Response, &quote! {}).owned;
                quote! { (#ty) }
            }
            SuccessBody::JsonOrNull(ty) => {
                let ty = rust_type(api, ty, Direction::Response, &quote! {}).owned;
                quote! { (Option<#ty>) }
            }
            SuccessBody::Text => quote! { (String) },
            SuccessBody::Bytes => quote! { (Vec<u8>) },
            SuccessBody::Empty => quote! {},
        };
        quote! { #doc #variant #payload, }
    });
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    })
}

/// What the docs of the dominant error schema's type add (`ErrorVariant::undeclared`).
const UNDECLARED: &str = " As the schema most of the API's error responses declare, it also decodes the error \
                          statuses of each operation that declares neither `default` nor a `4XX` or `5XX` range.";

/// The type of the error bodies the API declares: an alias of the one schema when every
/// operation declares the same, else an enum with a variant and a `From` impl per schema.
fn error_body(api: &Api, errors: &ErrorBody) -> TokenStream {
    let name = ident(&errors.name);
    let view_name =
        |id: &TypeId| api.types.get(id).map_or(String::new(), |def| def.view(Direction::Response).name.clone());
    let statuses = |v: &ErrorVariant| v.statuses.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
    let reached = " [`crate::Error::Api`] holds it in its `decoded` field, and [`crate::Error::decoded`] returns it; a body \
                   that does not fit leaves it `None` and says why in `decode_failure`.";
    if !errors.is_enum() {
        let variant = &errors.variants[0];
        let target = ident(&view_name(&variant.ty));
        let mut doc = format!(
            " The body of an error response: every operation that declares an error schema declares [`{target}`] \
             (for {}).",
            statuses(variant)
        );
        if variant.undeclared {
            doc.push_str(UNDECLARED);
        }
        return quote! {
            #[doc = #doc]
            #[doc = ""]
            #[doc = #reached]
            pub type #name = #target;
        };
    }
    let doc = " The body of an error response, decoded into the schema the operation declares for its status (an \
               exact status over a range such as `4XX`, over `default`): one variant per schema.";
    let variants = errors.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let target = ident(&view_name(&v.ty));
        let mut doc = format!(" [`{target}`], declared for {}.", statuses(v));
        if v.undeclared {
            doc.push_str(UNDECLARED);
        }
        quote! { #[doc = #doc] #variant(#target), }
    });
    let conversions = errors.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let target = ident(&view_name(&v.ty));
        quote! {
            impl From<#target> for #name {
                fn from(value: #target) -> Self {
                    #name::#variant(value)
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[doc = ""]
        #[doc = #reached]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
        #(#conversions)*
    }
}

/// The runtime's support types the crate needs (`Decimal`, `File`, `Nullable`, `ByteSource`,
/// `Expandable` and `HasId`), re-exported
/// here, where the types that hold them are.
fn support_exports(features: &Features) -> Option<TokenStream> {
    let mut names = Vec::new();
    let expandable = features.expandable.then(|| quote! { pub use crate::expandable::{Expandable, HasId}; });
    if features.nullable {
        names.push(quote! { Nullable });
    }
    if features.files {
        names.push(quote! { File });
    }
    if features.uploads() {
        names.push(quote! { ByteSource });
    }
    if features.decimal {
        names.push(quote! { Decimal, ParseDecimalError });
    }
    let support = (!names.is_empty()).then(|| quote! { pub use crate::support::{#(#names),*}; });
    (support.is_some() || expandable.is_some()).then(|| quote! { #expandable #support })
}
