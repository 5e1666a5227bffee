//! Lower stage: the typed OpenAPI document to the intermediate model.
//!
//! Work happens in passes: claim a name for every component schema, lower each schema and
//! operation (inline objects and enums become named types of their own), then mark which
//! directions each type is used in, decide which types split into request and response views,
//! and box the fields that would make a type infinitely large.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, ReferenceOr, Schema, SchemaKind,
    StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::diag::{Diagnostic, join, unescape_segment};
use crate::model::*;
use crate::naming::{self, Scope};

/// The extension that overrides the Rust name of a schema, operation or security scheme.
pub const RUST_NAME: &str = "x-rust-name";
/// The extension whose text is added to the docs of a schema's request view only.
pub const REQUEST_DOC: &str = "x-rust-request-doc";

/// How many arrays and maps may nest in one type (`Vec<Vec<…>>`).
pub const MAX_NESTING: usize = 16;

/// The result of lowering: the model, or every problem found, plus warnings either way.
pub struct Lowered {
    /// The model, when there were no errors.
    pub api: Option<Api>,
    /// Errors: the input cannot be generated as it stands.
    pub errors: Vec<Diagnostic>,
    /// Warnings: generated, but something was approximated.
    pub warnings: Vec<Diagnostic>,
}

/// Lowers a whole document.
pub fn lower(doc: &OpenAPI) -> Lowered {
    let mut cx = Lowerer {
        doc,
        types: IndexMap::new(),
        type_names: Scope::with_reserved(naming::RESERVED_TYPE_NAMES),
        component_ids: HashMap::new(),
        component_parts: HashMap::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    cx.claim_component_names();
    cx.lower_components();
    let operations = cx.lower_operations();
    let security_schemes = cx.lower_security_schemes();
    cx.check_security(&operations, &security_schemes);
    cx.check_aliases();
    cx.mark_usage(&operations);
    cx.split_views();
    cx.box_recursive_fields();
    cx.mark_validating();
    cx.mark_always_decoded();

    let Lowerer { types, errors, warnings, .. } = cx;
    let api = errors.is_empty().then(|| Api {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        servers: doc.servers.iter().map(|s| s.url.clone()).collect(),
        types: types.into_iter().map(|(id, draft)| (id, draft.def)).collect(),
        operations,
        security_schemes,
    });
    Lowered { api, errors, warnings }
}

/// A type while it is being built: its definition plus what later passes need.
struct Draft {
    def: TypeDef,
    /// Has a field whose presence differs by direction (readOnly or writeOnly).
    direction_sensitive: bool,
}

struct Lowerer<'a> {
    doc: &'a OpenAPI,
    types: IndexMap<TypeId, Draft>,
    type_names: Scope,
    /// Component schema name → its id, for `$ref` resolution.
    component_ids: HashMap<String, TypeId>,
    /// Component schema name → its merged object parts, once worked out: `allOf` parts that
    /// share parts of their own (diamonds) would otherwise be merged once per path, and the
    /// paths multiply with each level.
    component_parts: HashMap<String, Option<ObjectParts>>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

/// Where a schema sits and what to call it if it needs a name of its own.
struct Site<'s> {
    pointer: String,
    name_hint: &'s str,
}

impl<'a> Lowerer<'a> {
    fn schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> + use<'a> {
        self.doc.components.iter().flat_map(|c| c.schemas.iter())
    }

    fn claim_component_names(&mut self) {
        for (name, schema) in self.schemas() {
            let id = TypeId(join("#/components/schemas", &[name]));
            let rust_name = match schema {
                ReferenceOr::Item(s) => self.rust_name_override(&s.schema_data.extensions, &id.0),
                ReferenceOr::Reference { .. } => None,
            };
            let rust_name = self.type_names.claim(&rust_name.unwrap_or_else(|| naming::type_name(name)));
            self.component_ids.insert(name.clone(), id.clone());
            let draft = Draft {
                def: TypeDef {
                    original_name: name.clone(),
                    views: Views::Shared { name: rust_name },
                    usage: Usage::default(),
                    doc: None,
                    kind: TypeKind::Alias(TypeRef::Any),
                    validates: false,
                    always_decoded: false,
                },
                direction_sensitive: false,
            };
            self.types.insert(id, draft);
        }
    }

    fn rust_name_override(
        &mut self,
        extensions: &IndexMap<String, serde_json::Value>,
        pointer: &str,
    ) -> Option<String> {
        let value = extensions.get(RUST_NAME)?;
        match value.as_str() {
            Some(name) if naming::is_identifier(name) && !name.starts_with("r#") => Some(name.to_owned()),
            _ => {
                self.errors.push(Diagnostic::at(
                    join(pointer, &[RUST_NAME]),
                    format!("{RUST_NAME} must be a plain Rust identifier, found {value}"),
                ));
                None
            }
        }
    }

    fn lower_components(&mut self) {
        for (name, schema) in self.schemas() {
            let id = self.component_ids[name.as_str()].clone();
            let type_name = self.types[&id].def.views.name(Direction::Response).to_owned();
            let site = Site { pointer: id.0.clone(), name_hint: &type_name };
            let (kind, doc, sensitive) = match schema {
                ReferenceOr::Reference { reference } => {
                    (TypeKind::Alias(self.resolve_ref(reference, &id.0)), None, false)
                }
                ReferenceOr::Item(schema) => self.lower_type_body(schema, &site),
            };
            let draft = &mut self.types[&id];
            draft.def.kind = kind;
            draft.def.doc = doc;
            draft.direction_sensitive = sensitive;
        }
    }

    /// Lowers the body of a schema that is (or becomes) a named type.
    fn lower_type_body(&mut self, schema: &Schema, site: &Site<'_>) -> (TypeKind, Option<String>, bool) {
        let doc = schema_doc(schema);
        if let Some(Alternatives { real, .. }) = self.union_alternatives(schema) {
            if real.len() > 1 {
                let union = self.lower_union(schema, &real, site);
                return (TypeKind::Union(union), doc, false);
            }
        }
        if let Some(variants) = self.string_enum(schema, &site.pointer) {
            return (TypeKind::Enum(StringEnum { variants }), doc.map(strip_choice_list), false);
        }
        if let Some(object) = self.object_parts(schema, &site.pointer) {
            let (fields, sensitive) = self.lower_fields(&object, site);
            let request_note = schema
                .schema_data
                .extensions
                .get(REQUEST_DOC)
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            return (TypeKind::Struct(Struct { fields, request_note, parameters: false }), doc, sensitive);
        }
        let target = self.lower_inline(schema, site);
        (TypeKind::Alias(target), doc, false)
    }

    /// The variants of a string enum schema, or `None` when it is not one.
    fn string_enum(&mut self, schema: &Schema, pointer: &str) -> Option<Vec<Variant>> {
        let values: Vec<&str> = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                s.enumeration.iter().flatten().map(String::as_str).collect()
            }
            _ => return None,
        };
        let labels = choice_labels(schema.schema_data.description.as_deref().unwrap_or(""));
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut seen = BTreeSet::new();
        let mut variants = Vec::new();
        for value in values {
            if !seen.insert(value) {
                self.warnings.push(Diagnostic::at(
                    join(pointer, &["enum"]),
                    format!("duplicate enum value {value:?} ignored"),
                ));
                continue;
            }
            variants.push(Variant {
                wire: value.to_owned(),
                rust_name: scope.claim(&naming::variant_name(value)),
                doc: labels.get(value).cloned(),
            });
        }
        Some(variants)
    }

    /// The properties of an object schema, merging `allOf` parts; `None` when not an object.
    fn object_parts(&mut self, schema: &Schema, pointer: &str) -> Option<ObjectParts> {
        self.object_parts_within(schema, pointer, &mut BTreeSet::new())
    }

    /// [`Self::object_parts`] inside the `allOf` parts of the components in `seen`, whose
    /// parts are being merged: a part that leads back to one of them adds nothing.
    fn object_parts_within(&mut self, schema: &Schema, pointer: &str, seen: &mut BTreeSet<String>) -> Option<ObjectParts> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() || o.additional_properties.is_none() => {
                Some(ObjectParts::from_object(o, pointer))
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                let mut parts = ObjectParts::default();
                for (name, prop) in &any.properties {
                    parts.properties.insert(name.clone(), (prop.clone(), join(pointer, &["properties", name])));
                }
                parts.required.extend(any.required.iter().cloned());
                Some(parts)
            }
            SchemaKind::AllOf { all_of } if !is_ref_wrapper(schema) => {
                let mut parts = ObjectParts::default();
                for (i, part) in all_of.iter().enumerate() {
                    let part_pointer = join(pointer, &["allOf", &i.to_string()]);
                    if let Some(found) = self.object_parts_of(part, &part_pointer, seen) {
                        parts.merge(found);
                    } else {
                        self.warnings.push(Diagnostic::at(
                            part_pointer,
                            "allOf part is not an object; it adds no fields",
                        ));
                    }
                }
                Some(parts)
            }
            _ => None,
        }
    }

    fn object_parts_of(
        &mut self,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
        seen: &mut BTreeSet<String>,
    ) -> Option<ObjectParts> {
        match schema {
            ReferenceOr::Reference { reference } => {
                let name = unescape_segment(reference.strip_prefix("#/components/schemas/")?);
                if let Some(parts) = self.component_parts.get(&name) {
                    return parts.clone();
                }
                // A part that leads back to one being merged adds nothing more.
                if seen.contains(&name) {
                    return Some(ObjectParts::default());
                }
                if seen.len() == crate::tree::MAX_DEPTH {
                    self.errors.push(Diagnostic::at(
                        join(pointer, &["$ref"]),
                        format!("allOf parts refer to allOf parts more than {} deep", crate::tree::MAX_DEPTH),
                    ));
                    return Some(ObjectParts::default());
                }
                let doc = self.doc;
                let target = doc.components.as_ref()?.schemas.get(&name)?;
                let target_pointer = join("#/components/schemas", &[&name]);
                seen.insert(name.clone());
                let found = self.object_parts_of(target, &target_pointer, seen);
                // Only the parts on the way down are cut: a component met twice side by side
                // (A: allOf [B, C], both allOf [D]) is merged both times, from the cache.
                seen.remove(&name);
                self.component_parts.insert(name, found.clone());
                found
            }
            ReferenceOr::Item(schema) => self.object_parts_within(schema, pointer, seen),
        }
    }

    fn lower_fields(&mut self, object: &ObjectParts, site: &Site<'_>) -> (Vec<Field>, bool) {
        let mut scope = Scope::new();
        let mut fields = Vec::new();
        let mut sensitive = false;
        for (wire_name, (property, pointer)) in &object.properties {
            let required = object.required.contains(wire_name);
            let hint = naming::type_name(&format!("{} {}", site.name_hint, wire_name));
            let field_site = Site { pointer: pointer.clone(), name_hint: &hint };
            let field = self.lower_field(wire_name, property, required, &field_site, &mut scope);
            sensitive |= field.request != field.response;
            fields.push(field);
        }
        claim_methods(&mut fields);
        for name in &object.required {
            if !object.properties.contains_key(name) {
                self.warnings.push(Diagnostic::at(
                    site.pointer.clone(),
                    format!("required property {name:?} is not defined; ignored"),
                ));
            }
        }
        (fields, sensitive)
    }

    fn lower_field(
        &mut self,
        wire_name: &str,
        property: &ReferenceOr<Box<Schema>>,
        required: bool,
        site: &Site<'_>,
        scope: &mut Scope,
    ) -> Field {
        let (ty, doc, nullable, read_only, write_only, deprecated, constraints) = match property {
            ReferenceOr::Reference { reference } => {
                (self.resolve_ref(reference, &site.pointer), None, false, false, false, false, Constraints::default())
            }
            ReferenceOr::Item(schema) => {
                let data = &schema.schema_data;
                let ty = self.lower_inline(schema, site);
                let constraints = self.constraints(schema, &site.pointer).applicable_to(&ty);
                let null_alternative = self.union_alternatives(schema).is_some_and(|a| a.nullish);
                let nullable = data.nullable || null_alternative || self.is_nullable_target(&ty);
                (ty, schema_doc(schema), nullable, data.read_only, data.write_only, data.deprecated, constraints)
            }
        };
        if read_only && write_only {
            self.warnings.push(Diagnostic::at(
                site.pointer.clone(),
                "property is both readOnly and writeOnly; treated as neither",
            ));
        }
        let presence = if required { Presence::Required } else { Presence::Optional };
        let (request, response) = match (read_only, write_only) {
            (true, false) => (Presence::Absent, presence),
            (false, true) => (presence, Presence::Absent),
            _ => (presence, presence),
        };
        Field {
            wire_name: wire_name.to_owned(),
            rust_name: scope.claim(&naming::field_name(wire_name)),
            setter: String::new(),
            null_setter: None,
            doc,
            ty,
            nullable,
            request,
            response,
            constraints,
            deprecated,
            boxed: false,
        }
    }

    /// The real alternatives of a `oneOf`/`anyOf` (each with its index), leaving out `null` and
    /// blank-string ones (drf-spectacular's `[XEnum, BlankEnum, NullEnum]`), and whether any
    /// such was left out. `None` when the schema is not a union.
    fn union_alternatives<'s>(&self, schema: &'s Schema) -> Option<Alternatives<'s>> {
        let alternatives = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => one_of,
            SchemaKind::AnyOf { any_of } => any_of,
            _ => return None,
        };
        let mut real = Vec::new();
        let mut nullish = false;
        for (i, alternative) in alternatives.iter().enumerate() {
            let target = match alternative {
                ReferenceOr::Reference { reference } => self.component_schema(reference),
                ReferenceOr::Item(item) => Some(item),
            };
            if target.is_some_and(is_null_or_blank) {
                nullish = true;
            } else {
                real.push((i, alternative));
            }
        }
        Some(Alternatives { real, nullish })
    }

    /// Lowers a `oneOf`/`anyOf` with several real alternatives into a union.
    fn lower_union(&mut self, schema: &Schema, alternatives: &[(usize, &ReferenceOr<Schema>)], site: &Site<'_>) -> Union {
        let kind = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut scope = Scope::with_reserved(&["Other"]);
        let mut variants = Vec::new();
        for (index, alternative) in alternatives {
            let at = join(&site.pointer, &[kind, &index.to_string()]);
            let doc = alternative.as_item().and_then(|item| item.schema_data.description.clone());
            let (ty, name, reference) = match alternative {
                ReferenceOr::Reference { reference } => {
                    let ty = self.resolve_ref(reference, &at);
                    let name = match &ty {
                        TypeRef::Named(id) => self.types.get(id).map(|d| d.def.views.name(Direction::Response).to_owned()),
                        _ => None,
                    };
                    (ty, name.unwrap_or_else(|| "Value".to_owned()), Some(reference.as_str()))
                }
                ReferenceOr::Item(item) => {
                    let name = item
                        .schema_data
                        .title
                        .as_deref()
                        .map(naming::type_name)
                        .or_else(|| own_name(item).map(naming::type_name))
                        .unwrap_or_else(|| kind_name(item).to_owned());
                    let hint = naming::type_name(&format!("{} {name}", site.name_hint));
                    let ty = self.lower_inline(item, &Site { pointer: at, name_hint: &hint });
                    (ty, name, None)
                }
            };
            let tags = match (discriminator, reference) {
                (Some(d), Some(reference)) => {
                    let mapped: Vec<String> =
                        d.mapping.iter().filter(|(_, target)| *target == reference).map(|(tag, _)| tag.clone()).collect();
                    if mapped.is_empty() {
                        reference.rsplit('/').next().map(unescape_segment).into_iter().collect()
                    } else {
                        mapped
                    }
                }
                _ => Vec::new(),
            };
            let rust_name = scope.claim(&naming::variant_name(&name));
            variants.push(UnionVariant { rust_name, ty, tags, boxed: false, doc });
        }
        if discriminator.is_none() {
            if let Some((property, tags)) = self.own_tags(alternatives) {
                for (variant, tag) in variants.iter_mut().zip(tags) {
                    variant.tags = vec![tag];
                }
                return Union { discriminator: Some(property), exact_tags: true, variants };
            }
        }
        Union { discriminator: discriminator.map(|d| d.property_name.clone()), exact_tags: false, variants }
    }

    /// The tag property and values of a union without a `discriminator` whose alternatives tag
    /// themselves: every one is an object whose required property of one shared name allows a
    /// single string, a different one each (as serde's internally tagged enums are described).
    fn own_tags(&self, alternatives: &[(usize, &ReferenceOr<Schema>)]) -> Option<(String, Vec<String>)> {
        let mut property: Option<&str> = None;
        let mut tags: Vec<String> = Vec::new();
        for (_, alternative) in alternatives {
            let schema = match alternative {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => self.component_schema(reference)?,
            };
            let (key, value) = own_tag(schema)?;
            if property.is_some_and(|p| p != key) || tags.iter().any(|t| t == value) {
                return None;
            }
            property = Some(key);
            tags.push(value.to_owned());
        }
        Some((property?.to_owned(), tags))
    }

    /// The component schema a `$ref` names, when it names one written out in place.
    fn component_schema(&self, reference: &str) -> Option<&'a Schema> {
        let name = unescape_segment(reference.strip_prefix("#/components/schemas/")?);
        self.doc.components.as_ref()?.schemas.get(&name)?.as_item()
    }

    /// Whether a referenced component is itself declared `nullable`.
    fn is_nullable_target(&self, ty: &TypeRef) -> bool {
        let TypeRef::Named(id) = ty else { return false };
        let Some(name) = id.0.strip_prefix("#/components/schemas/") else { return false };
        matches!(
            self.doc.components.as_ref().and_then(|c| c.schemas.get(&unescape_segment(name))),
            Some(ReferenceOr::Item(s)) if s.schema_data.nullable
        )
    }

    /// Lowers a schema that appears in place (a property, item, parameter or body).
    fn lower_inline(&mut self, schema: &Schema, site: &Site<'_>) -> TypeRef {
        if let Some(target) = ref_wrapper_target(schema) {
            return self.resolve_ref(target, &join(&site.pointer, &["allOf", "0"]));
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => self.new_named(schema, site),
            SchemaKind::Type(Type::String(s)) => TypeRef::Scalar(string_scalar(&s.format)),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Scalar(Scalar::Bool),
            SchemaKind::Type(Type::Integer(i)) => TypeRef::Scalar(match i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Scalar::I32,
                _ => Scalar::I64,
            }),
            SchemaKind::Type(Type::Number(n)) => TypeRef::Scalar(match n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Scalar::F32,
                _ => Scalar::F64,
            }),
            SchemaKind::Type(Type::Array(a)) => {
                let item_hint = format!("{}Item", site.name_hint);
                let item_site = Site { pointer: join(&site.pointer, &["items"]), name_hint: &item_hint };
                let item = match &a.items {
                    Some(ReferenceOr::Reference { reference }) => self.resolve_ref(reference, &item_site.pointer),
                    Some(ReferenceOr::Item(item)) => self.lower_inline(item, &item_site),
                    None => TypeRef::Any,
                };
                self.container(TypeRef::List(Box::new(item)), &site.pointer)
            }
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => match &o.additional_properties {
                Some(AdditionalProperties::Schema(value)) => {
                    let value_hint = format!("{}Value", site.name_hint);
                    let value_site = Site {
                        pointer: join(&site.pointer, &["additionalProperties"]),
                        name_hint: &value_hint,
                    };
                    let value = match value.as_ref() {
                        ReferenceOr::Reference { reference } => self.resolve_ref(reference, &value_site.pointer),
                        ReferenceOr::Item(s) => self.lower_inline(s, &value_site),
                    };
                    self.container(TypeRef::Map(Box::new(value)), &site.pointer)
                }
                _ => TypeRef::Any,
            },
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => self.new_named(schema, site),
            SchemaKind::Any(any) if !any.properties.is_empty() => self.new_named(schema, site),
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => match self.union_alternatives(schema) {
                // Only one real alternative beside `null`/blank ones: that type, made nullable.
                Some(Alternatives { real: alternatives, .. }) if alternatives.len() == 1 => {
                    let kind = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                    let (index, only) = alternatives[0];
                    let at = join(&site.pointer, &[kind, &index.to_string()]);
                    match only {
                        ReferenceOr::Reference { reference } => self.resolve_ref(reference, &at),
                        ReferenceOr::Item(item) => self.lower_inline(item, &Site { pointer: at, name_hint: site.name_hint }),
                    }
                }
                Some(Alternatives { real, .. }) if real.is_empty() => TypeRef::Any,
                _ => self.new_named(schema, site),
            },
            SchemaKind::Not { .. } | SchemaKind::Any(_) => TypeRef::Any,
        }
    }

    /// A list or map type, unless lists and maps nest deeper than [`MAX_NESTING`] there: then
    /// an error, since such a type is no real API's and would exhaust the stack of the tools
    /// that parse it (`syn` recurses per level).
    fn container(&mut self, ty: TypeRef, pointer: &str) -> TypeRef {
        let mut depth = 0;
        let mut inner = &ty;
        while let TypeRef::List(next) | TypeRef::Map(next) = inner {
            depth += 1;
            inner = next;
        }
        if depth <= MAX_NESTING {
            return ty;
        }
        self.errors.push(Diagnostic::at(
            pointer,
            format!("arrays and maps nest more than {MAX_NESTING} deep here; give an inner schema a name of its own"),
        ));
        TypeRef::Any
    }

    /// Makes a named type of an inline schema, named from where it sits.
    fn new_named(&mut self, schema: &Schema, site: &Site<'_>) -> TypeRef {
        let id = TypeId(site.pointer.clone());
        let name = match self.rust_name_override(&schema.schema_data.extensions, &site.pointer) {
            Some(name) => self.type_names.claim(&name),
            None => self.type_names.claim(&naming::type_name(site.name_hint)),
        };
        let draft = Draft {
            def: TypeDef {
                original_name: site.name_hint.to_owned(),
                views: Views::Shared { name: name.clone() },
                usage: Usage::default(),
                doc: None,
                kind: TypeKind::Alias(TypeRef::Any),
                    validates: false,
                    always_decoded: false,
            },
            direction_sensitive: false,
        };
        self.types.insert(id.clone(), draft);
        let inner = Site { pointer: site.pointer.clone(), name_hint: &name };
        let (kind, doc, sensitive) = self.lower_type_body(schema, &inner);
        let draft = &mut self.types[&id];
        draft.def.kind = kind;
        draft.def.doc = doc;
        draft.direction_sensitive = sensitive;
        TypeRef::Named(id)
    }

    fn constraints(&mut self, schema: &Schema, pointer: &str) -> Constraints {
        let mut c = Constraints::default();
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                c.max_length = s.max_length.map(|n| n as u64);
                c.min_length = s.min_length.map(|n| n as u64);
                if let Some(pattern) = &s.pattern {
                    match regex_lite::Regex::new(pattern) {
                        Ok(_) => c.pattern = Some(pattern.clone()),
                        Err(e) => self.warnings.push(Diagnostic::at(
                            join(pointer, &["pattern"]),
                            format!("pattern is not checked: it does not compile ({e})"),
                        )),
                    }
                }
            }
            SchemaKind::Type(Type::Integer(i)) => {
                c.minimum = i.minimum.map(|v| Bound { value: v as f64, exclusive: i.exclusive_minimum });
                c.maximum = i.maximum.map(|v| Bound { value: v as f64, exclusive: i.exclusive_maximum });
            }
            SchemaKind::Type(Type::Number(n)) => {
                let finite = |v: &f64| v.is_finite();
                c.minimum = n.minimum.filter(finite).map(|v| Bound { value: v, exclusive: n.exclusive_minimum });
                c.maximum = n.maximum.filter(finite).map(|v| Bound { value: v, exclusive: n.exclusive_maximum });
            }
            SchemaKind::Type(Type::Array(a)) => {
                c.min_items = a.min_items.map(|n| n as u64);
                c.max_items = a.max_items.map(|n| n as u64);
            }
            _ => {}
        }
        c
    }

    /// Resolves a schema `$ref` to the named type it points at.
    fn resolve_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        let at = join(pointer, &["$ref"]);
        match reference.strip_prefix("#/components/schemas/") {
            Some(name) if !name.contains('/') => match self.component_ids.get(&unescape_segment(name)) {
                Some(id) => TypeRef::Named(id.clone()),
                None => {
                    self.errors.push(Diagnostic::at(at, format!("$ref {reference:?} points at no schema")));
                    TypeRef::Any
                }
            },
            _ => {
                self.errors.push(Diagnostic::at(
                    at,
                    format!("$ref {reference:?} is not supported; only #/components/schemas/NAME is"),
                ));
                TypeRef::Any
            }
        }
    }

    fn lower_operations(&mut self) -> Vec<Operation> {
        // One scope for every method of the client: its own first, then each operation's
        // method, `_with_response` twin and media-type variants, in spec order.
        let mut method_names = Scope::with_reserved(naming::CLIENT_METHODS);
        let mut operations = Vec::new();
        let doc = self.doc;
        for (path, item) in &doc.paths.paths {
            let item_pointer = join("#/paths", &[path]);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.errors.push(Diagnostic::at(item_pointer, "path item $ref is not supported"));
                    continue;
                }
            };
            for (method, op) in item.iter() {
                let pointer = join(&item_pointer, &[method]);
                let id = op.operation_id.clone().unwrap_or_else(|| format!("{method} {path}"));
                let base_name = self
                    .rust_name_override(&op.extensions, &pointer)
                    .unwrap_or_else(|| naming::field_name(&id));
                let method_name = method_names.claim(&base_name);
                let with_response = method_names.claim(&naming::derived_name(&method_name, "with_response"));
                let type_stem = naming::type_name(&method_name);
                let mut parameters = Vec::new();
                let mut param_scope = Scope::new();
                let declared = item.parameters.iter().enumerate().map(|(i, p)| (p, join(&item_pointer, &["parameters", &i.to_string()])));
                let own = op.parameters.iter().enumerate().map(|(i, p)| (p, join(&pointer, &["parameters", &i.to_string()])));
                let mut by_key: IndexMap<(String, ParamLocation), Parameter> = IndexMap::new();
                for (param, param_pointer) in declared.chain(own) {
                    if let Some(p) = self.lower_parameter(param, &param_pointer, &type_stem, &mut param_scope) {
                        by_key.insert((p.wire_name.clone(), p.location), p);
                    }
                }
                parameters.extend(by_key.into_values());
                // Path parameters are the method's arguments: they share its body's scope with
                // the locals emission writes, which are claimed first.
                let mut locals = Scope::with_reserved(naming::METHOD_LOCALS);
                for p in parameters.iter_mut().filter(|p| p.location == ParamLocation::Path) {
                    p.rust_name = locals.claim(&p.rust_name);
                }
                self.check_path_params(path, &parameters, &pointer);
                let params_type = self.params_struct(&parameters, &pointer, &type_stem);
                let mut body = op.request_body.as_ref().and_then(|b| self.lower_body(b, &pointer, &type_stem));
                if let Some(body) = &mut body {
                    body.variants = body_variants(&body.content, (&method_name, &with_response), &mut method_names);
                    if body.variants.is_empty() {
                        self.warnings.push(Diagnostic::at(
                            join(&pointer, &["requestBody"]),
                            "the request body declares no media type; the operation sends none",
                        ));
                    }
                }
                let responses = self.lower_responses(&op.responses, &pointer, &type_stem);
                let success = self.success(&responses, &type_stem);
                let security = op
                    .security
                    .as_ref()
                    .or(doc.security.as_ref())
                    .map(|reqs| reqs.iter().map(|r| r.keys().cloned().collect()).collect())
                    .unwrap_or_default();
                operations.push(Operation {
                    id,
                    method_name,
                    with_response,
                    http_method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    summary: op.summary.clone(),
                    description: op.description.clone(),
                    deprecated: op.deprecated,
                    parameters,
                    params_type,
                    body,
                    responses,
                    success,
                    security,
                });
            }
        }
        operations
    }

    /// The item itself, or the component its `$ref` names (`#/components/{section}/NAME`);
    /// a reference to anything else is an error at `pointer`.
    fn component<T>(
        &mut self,
        item: &'a ReferenceOr<T>,
        pointer: &str,
        section: &str,
        table: fn(&'a openapiv3::Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    ) -> Option<&'a T> {
        let reference = match item {
            ReferenceOr::Item(item) => return Some(item),
            ReferenceOr::Reference { reference } => reference,
        };
        let doc = self.doc;
        let found = reference
            .strip_prefix("#/components/")
            .and_then(|rest| rest.strip_prefix(section))
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|name| table(doc.components.as_ref()?).get(&unescape_segment(name)));
        match found {
            Some(ReferenceOr::Item(item)) => Some(item),
            _ => {
                self.errors.push(Diagnostic::at(
                    join(pointer, &["$ref"]),
                    format!("$ref {reference:?} points at no entry of #/components/{section}"),
                ));
                None
            }
        }
    }

    /// Makes a `{Op}Params` struct of the query, header and cookie parameters.
    fn params_struct(&mut self, parameters: &[Parameter], op_pointer: &str, type_stem: &str) -> Option<TypeId> {
        let mut fields: Vec<Field> = parameters
            .iter()
            .filter(|p| p.location != ParamLocation::Path)
            .map(|p| Field {
                wire_name: p.wire_name.clone(),
                rust_name: p.rust_name.clone(),
                setter: String::new(),
                null_setter: None,
                doc: p.doc.clone(),
                ty: p.ty.clone(),
                nullable: false,
                request: if p.required { Presence::Required } else { Presence::Optional },
                response: Presence::Absent,
                constraints: p.constraints.clone(),
                deprecated: false,
                boxed: false,
            })
            .collect();
        if fields.is_empty() {
            return None;
        }
        claim_methods(&mut fields);
        let id = TypeId(join(op_pointer, &["parameters"]));
        let name = self.type_names.claim(&format!("{type_stem}Params"));
        let def = TypeDef {
            original_name: format!("{type_stem}Params"),
            views: Views::Shared { name },
            usage: Usage::default(),
            doc: Some(format!("The query, header and cookie parameters of `{type_stem}`.")),
            kind: TypeKind::Struct(Struct { fields, request_note: None, parameters: true }),
            validates: false,
            always_decoded: false,
        };
        self.types.insert(id.clone(), Draft { def, direction_sensitive: false });
        Some(id)
    }

    fn check_path_params(&mut self, path: &str, parameters: &[Parameter], pointer: &str) {
        for name in path_template_names(path) {
            let declared = parameters.iter().any(|p| p.location == ParamLocation::Path && p.wire_name == name);
            if !declared {
                self.errors.push(Diagnostic::at(
                    pointer.to_owned(),
                    format!("path parameter {{{name}}} is not declared"),
                ));
            }
        }
    }

    fn lower_parameter(
        &mut self,
        param: &'a ReferenceOr<openapiv3::Parameter>,
        pointer: &str,
        type_stem: &str,
        scope: &mut Scope,
    ) -> Option<Parameter> {
        let shared = self.component(param, pointer, "parameters", |c| &c.parameters)?;
        // Problems inside a shared parameter are reported at the component.
        let pointer = match param {
            ReferenceOr::Reference { reference } => reference.clone(),
            ReferenceOr::Item(_) => pointer.to_owned(),
        };
        let param = shared;
        let (data, location) = match param {
            openapiv3::Parameter::Query { parameter_data, .. } => (parameter_data, ParamLocation::Query),
            openapiv3::Parameter::Header { parameter_data, .. } => (parameter_data, ParamLocation::Header),
            openapiv3::Parameter::Path { parameter_data, .. } => (parameter_data, ParamLocation::Path),
            openapiv3::Parameter::Cookie { parameter_data, .. } => (parameter_data, ParamLocation::Cookie),
        };
        // Form style (query, cookie) explodes arrays by default; simple style (path, header) does not.
        let explode = data.explode.unwrap_or(matches!(location, ParamLocation::Query | ParamLocation::Cookie));
        let hint = naming::type_name(&format!("{type_stem} {}", data.name));
        let schema_pointer = join(&pointer, &["schema"]);
        let site = Site { pointer: schema_pointer.clone(), name_hint: &hint };
        let (ty, constraints) = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Reference { reference }) => {
                (self.resolve_ref(reference, &schema_pointer), Constraints::default())
            }
            openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => {
                let ty = self.lower_inline(schema, &site);
                let constraints = self.constraints(schema, &schema_pointer).applicable_to(&ty);
                (ty, constraints)
            }
            openapiv3::ParameterSchemaOrContent::Content(_) => {
                self.warnings.push(Diagnostic::at(pointer.clone(), "parameter `content` is sent as a string"));
                (TypeRef::Scalar(Scalar::String), Constraints::default())
            }
        };
        Some(Parameter {
            wire_name: data.name.clone(),
            rust_name: scope.claim(&naming::field_name(&data.name)),
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            doc: data.description.clone(),
            constraints,
            explode,
        })
    }

    fn lower_body(
        &mut self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        op_pointer: &str,
        type_stem: &str,
    ) -> Option<RequestBody> {
        let pointer = join(op_pointer, &["requestBody"]);
        let body = self.component(body, &pointer, "requestBodies", |c| &c.request_bodies)?;
        let hint = format!("{type_stem}Body");
        let content = self.lower_content(&body.content, &pointer, &hint);
        Some(RequestBody { required: body.required, doc: body.description.clone(), content, variants: Vec::new() })
    }

    /// Lowers the schema of each media type; identical inline schemas share one type.
    fn lower_content(
        &mut self,
        content: &IndexMap<String, openapiv3::MediaType>,
        pointer: &str,
        hint: &str,
    ) -> IndexMap<String, TypeRef> {
        let mut out = IndexMap::new();
        let mut lowered: Vec<(&Schema, TypeRef)> = Vec::new();
        for (media_type, media) in content {
            let media_pointer = join(pointer, &["content", media_type, "schema"]);
            let ty = match &media.schema {
                None => TypeRef::Any,
                Some(ReferenceOr::Reference { reference }) => self.resolve_ref(reference, &media_pointer),
                Some(ReferenceOr::Item(schema)) => match lowered.iter().find(|(s, _)| *s == schema) {
                    Some((_, ty)) => ty.clone(),
                    None => {
                        let site = Site { pointer: media_pointer, name_hint: hint };
                        let ty = self.lower_inline(schema, &site);
                        lowered.push((schema, ty.clone()));
                        ty
                    }
                },
            };
            out.insert(media_type.clone(), ty);
        }
        out
    }

    fn lower_responses(
        &mut self,
        responses: &'a openapiv3::Responses,
        op_pointer: &str,
        type_stem: &str,
    ) -> IndexMap<String, Response> {
        let pointer = join(op_pointer, &["responses"]);
        let mut out = IndexMap::new();
        let entries = responses
            .responses
            .iter()
            .map(|(code, r)| {
                let key = match code {
                    StatusCode::Code(n) => n.to_string(),
                    StatusCode::Range(n) => format!("{n}XX"),
                };
                (key, r)
            })
            .chain(responses.default.iter().map(|r| ("default".to_owned(), r)));
        for (status, response) in entries {
            let status_pointer = join(&pointer, &[&status]);
            let Some(response) = self.component(response, &status_pointer, "responses", |c| &c.responses) else {
                continue;
            };
            let hint = if status.starts_with('2') {
                format!("{type_stem}Response")
            } else {
                format!("{type_stem}Response{}", naming::type_name(&status))
            };
            let content = self.lower_content(&response.content, &status_pointer, &hint);
            let doc = Some(response.description.clone()).filter(|d| !d.trim().is_empty());
            out.insert(status, Response { doc, content });
        }
        out
    }

    /// What a successful call returns: one shape, or an enum when success statuses differ.
    fn success(&mut self, responses: &IndexMap<String, Response>, type_stem: &str) -> Success {
        let has_two_xx = responses.keys().any(|status| status.starts_with('2'));
        let entries: Vec<(&String, &Response)> = responses
            .iter()
            .filter(|(status, _)| if has_two_xx { status.starts_with('2') } else { status.as_str() == "default" })
            .collect();
        let bodies: Vec<SuccessBody> = entries.iter().map(|(_, r)| success_body(r)).collect();
        match bodies.first() {
            None => Success::Single(SuccessBody::Empty),
            Some(first) if bodies.iter().all(|b| b == first) => Success::Single(first.clone()),
            Some(_) => {
                let name = self.type_names.claim(&format!("{type_stem}Response"));
                let mut scope = Scope::new();
                let variants = entries
                    .iter()
                    .zip(bodies)
                    .map(|((status, response), body)| StatusVariant {
                        status: (*status).clone(),
                        rust_name: scope.claim(&status_variant_name(status)),
                        body,
                        doc: response.doc.clone(),
                    })
                    .collect();
                Success::ByStatus { name, variants }
            }
        }
    }

    fn lower_security_schemes(&mut self) -> IndexMap<String, SecurityScheme> {
        let mut scope = Scope::with_reserved(naming::BUILDER_METHODS);
        let mut variants = Scope::new();
        let mut out = IndexMap::new();
        let doc = self.doc;
        for (name, scheme) in doc.components.iter().flat_map(|c| c.security_schemes.iter()) {
            let pointer = join("#/components/securitySchemes", &[name]);
            let ReferenceOr::Item(scheme) = scheme else {
                self.errors.push(Diagnostic::at(pointer, "security scheme $ref is not supported"));
                continue;
            };
            let snake = naming::field_name(name);
            let stem = snake.strip_prefix("x_").filter(|s| !s.is_empty()).unwrap_or(&snake).to_owned();
            let (kind, doc) = match scheme {
                openapiv3::SecurityScheme::APIKey { location, name: key_name, description, .. } => {
                    let location = match location {
                        openapiv3::APIKeyLocation::Query => ParamLocation::Query,
                        openapiv3::APIKeyLocation::Header => ParamLocation::Header,
                        openapiv3::APIKeyLocation::Cookie => ParamLocation::Cookie,
                    };
                    (SecurityKind::ApiKey { location, name: key_name.clone() }, description.clone())
                }
                openapiv3::SecurityScheme::HTTP { scheme, description, .. } => {
                    match scheme.to_ascii_lowercase().as_str() {
                        "bearer" => (SecurityKind::Bearer, description.clone()),
                        "basic" => (SecurityKind::Basic, description.clone()),
                        other => {
                            self.warnings.push(Diagnostic::at(
                                pointer.clone(),
                                format!("HTTP auth scheme {other:?} is sent as a bearer token"),
                            ));
                            (SecurityKind::Bearer, description.clone())
                        }
                    }
                }
                openapiv3::SecurityScheme::OAuth2 { description, .. }
                | openapiv3::SecurityScheme::OpenIDConnect { description, .. } => {
                    (SecurityKind::Bearer, description.clone())
                }
            };
            let rust_name = scope.claim(&stem);
            let variant = variants.claim(&naming::type_name(&rust_name));
            out.insert(name.clone(), SecurityScheme { rust_name, variant, doc, kind });
        }
        out
    }

    fn check_security(&mut self, operations: &[Operation], schemes: &IndexMap<String, SecurityScheme>) {
        for op in operations {
            for name in op.security.iter().flatten() {
                if !schemes.contains_key(name) {
                    self.errors.push(Diagnostic::at(
                        join("#/paths", &[&op.path, &op.http_method.to_ascii_lowercase(), "security"]),
                        format!("security scheme {name:?} is not defined in #/components/securitySchemes"),
                    ));
                }
            }
        }
    }

    /// Makes a newtype of each alias of an array or map that leads back to itself
    /// (`A: {type: array, items: {$ref: B}}`, `B: {$ref: A}`): `pub struct A(pub Vec<B>)`
    /// holds what `type A = Vec<B>` cannot. Then reports each cycle of aliases left (`A: {$ref:
    /// B}`, `B: {$ref: A}`, or `A` a nullable `A`): with nothing but names on the way, no Rust
    /// type can hold it. Once per cycle, at its first member. Also reports aliases of aliases
    /// nested more than `MAX_DEPTH` deep, which emission would follow one level at a time.
    fn check_aliases(&mut self) {
        let mut edges: IndexMap<TypeId, Vec<TypeId>> = self
            .types
            .iter()
            .filter_map(|(id, d)| match &d.def.kind {
                TypeKind::Alias(target) => Some((id.clone(), named_within(target))),
                _ => None,
            })
            .collect();
        let containers: Vec<TypeId> = self
            .types
            .iter()
            .filter(|(id, d)| {
                matches!(&d.def.kind, TypeKind::Alias(TypeRef::List(_) | TypeRef::Map(_)))
                    && edges[*id].iter().any(|next| reaches(&edges, next, id))
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in containers {
            edges.shift_remove(&id);
            let kind = &mut self.types[&id].def.kind;
            if let TypeKind::Alias(target) = kind {
                *kind = TypeKind::Newtype(target.clone());
            }
        }
        let edges: IndexMap<&TypeId, Vec<&TypeId>> = edges
            .iter()
            .map(|(id, targets)| (id, targets.iter().filter(|t| edges.contains_key(*t)).collect()))
            .collect();
        // Depth-first without recursion; `chain` is the length of the longest alias chain below
        // a finished alias, `path` the aliases being visited and how many targets each has had.
        let mut chain: HashMap<&TypeId, usize> = HashMap::new();
        let mut on_path: BTreeSet<&TypeId> = BTreeSet::new();
        let mut cycles: Vec<Vec<&TypeId>> = Vec::new();
        let mut too_long: Option<&TypeId> = None;
        for &start in edges.keys() {
            if chain.contains_key(start) {
                continue;
            }
            let mut path: Vec<(&TypeId, usize)> = vec![(start, 0)];
            on_path.insert(start);
            while let Some((id, visited)) = path.last_mut() {
                let id: &TypeId = id;
                match edges[id].get(*visited) {
                    Some(&next) => {
                        *visited += 1;
                        if on_path.contains(next) {
                            let from = path.iter().position(|(p, _)| *p == next).unwrap_or(0);
                            cycles.push(path[from..].iter().map(|(p, _)| *p).collect());
                        } else if !chain.contains_key(next) {
                            on_path.insert(next);
                            path.push((next, 0));
                        }
                    }
                    None => {
                        let length = 1 + edges[id].iter().filter_map(|t| chain.get(t)).max().copied().unwrap_or(0);
                        if length > crate::tree::MAX_DEPTH && too_long.is_none() {
                            too_long = Some(id);
                        }
                        chain.insert(id, length);
                        on_path.remove(id);
                        path.pop();
                    }
                }
            }
        }
        for cycle in cycles {
            let names: Vec<&str> =
                cycle.iter().chain(cycle.first()).map(|id| self.types[*id].def.original_name.as_str()).collect();
            self.errors.push(Diagnostic::at(
                cycle[0].0.clone(),
                format!(
                    "the schema is defined only through itself ({}); no Rust type can express that, \
                     so make one of them an object",
                    names.join(" → ")
                ),
            ));
        }
        if let Some(id) = too_long {
            self.errors.push(Diagnostic::at(
                id.0.clone(),
                format!("aliases of aliases nest more than {} deep here", crate::tree::MAX_DEPTH),
            ));
        }
    }

    /// Marks every type reachable from a request (parameters, bodies) or a response.
    fn mark_usage(&mut self, operations: &[Operation]) {
        for op in operations {
            for param in &op.parameters {
                self.mark(&param.ty, Direction::Request);
            }
            if let Some(id) = &op.params_type {
                self.mark(&TypeRef::Named(id.clone()), Direction::Request);
            }
            for ty in op.body.iter().flat_map(|b| b.content.values()) {
                self.mark(ty, Direction::Request);
            }
            for ty in op.responses.values().flat_map(|r| r.content.values()) {
                self.mark(ty, Direction::Response);
            }
        }
    }

    fn mark(&mut self, ty: &TypeRef, direction: Direction) {
        let mut stack = vec![ty.clone()];
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Named(id) => {
                    let Some(draft) = self.types.get_mut(&id) else { continue };
                    let usage = &mut draft.def.usage;
                    if usage.has(direction) {
                        continue;
                    }
                    match direction {
                        Direction::Request => usage.request = true,
                        Direction::Response => usage.response = true,
                    }
                    match &draft.def.kind {
                        TypeKind::Struct(s) => stack.extend(
                            s.fields
                                .iter()
                                .filter(|f| f.presence(direction) != Presence::Absent)
                                .map(|f| f.ty.clone()),
                        ),
                        TypeKind::Alias(target) | TypeKind::Newtype(target) => stack.push(target.clone()),
                        TypeKind::Union(u) => stack.extend(u.variants.iter().map(|v| v.ty.clone())),
                        TypeKind::Enum(_) => {}
                    }
                }
                TypeRef::List(inner) | TypeRef::Map(inner) => stack.push(*inner),
                TypeRef::Scalar(_) | TypeRef::Any => {}
            }
        }
    }

    /// Splits each direction-sensitive type used both ways (or not at all) into two views.
    ///
    /// A type is direction-sensitive when a field differs by direction, or when it refers to a
    /// sensitive type: a shared type cannot name a field type that has two views.
    fn split_views(&mut self) {
        loop {
            let mut changed = false;
            let sensitive: BTreeSet<TypeId> =
                self.types.iter().filter(|(_, d)| d.direction_sensitive).map(|(id, _)| id.clone()).collect();
            for draft in self.types.values_mut() {
                if draft.direction_sensitive {
                    continue;
                }
                let refs_sensitive = match &draft.def.kind {
                    TypeKind::Struct(s) => s.fields.iter().any(|f| refers_to_any(&f.ty, &sensitive)),
                    TypeKind::Alias(target) | TypeKind::Newtype(target) => refers_to_any(target, &sensitive),
                    TypeKind::Union(u) => u.variants.iter().any(|v| refers_to_any(&v.ty, &sensitive)),
                    TypeKind::Enum(_) => false,
                };
                if refs_sensitive {
                    draft.direction_sensitive = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let ids: Vec<TypeId> = self.types.keys().cloned().collect();
        for id in ids {
            let draft = &self.types[&id];
            let one_way = draft.def.usage.request != draft.def.usage.response;
            if !draft.direction_sensitive || one_way {
                continue;
            }
            let response = draft.def.views.name(Direction::Response).to_owned();
            let request = self.type_names.claim(&format!("{response}Request"));
            self.types[&id].def.views = Views::Split { request, response };
        }
    }

    /// Marks the types whose request-side view gets a `validate` method: a struct with a
    /// request field that has a constraint or holds (directly, or in lists and maps at any
    /// depth) a type marked so. A type seen only in responses gets no request-side view, so no
    /// method.
    fn mark_validating(&mut self) {
        loop {
            let marked: BTreeSet<TypeId> =
                self.types.iter().filter(|(_, d)| d.def.validates).map(|(id, _)| id.clone()).collect();
            let mut changed = false;
            for draft in self.types.values_mut() {
                let def = &mut draft.def;
                let response_only = matches!(def.views, Views::Shared { .. }) && def.usage.response && !def.usage.request;
                let TypeKind::Struct(s) = &def.kind else { continue };
                if def.validates || response_only {
                    continue;
                }
                let validates = s
                    .fields
                    .iter()
                    .filter(|f| f.request != Presence::Absent)
                    .any(|f| !f.constraints.is_empty() || refers_to_any(&f.ty, &marked));
                if validates {
                    def.validates = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Marks the types whose request-only view must derive `Deserialize` whatever the crate's
    /// features, because a type that always derives it holds the view.
    ///
    /// A view only ever sent derives `Deserialize` only with the `deserialize-requests` feature.
    /// Every other view (a response view, a type used both ways, a schema no operation uses)
    /// always derives it, and so must every view it holds: the policy is closed over the type
    /// graph, so no crate can ask for a `Deserialize` that is not there.
    fn mark_always_decoded(&mut self) {
        let mut stack: Vec<(TypeId, Option<Direction>)> = Vec::new();
        for (id, draft) in &self.types {
            for (direction, _) in draft.def.emitted_views() {
                if direction != Some(Direction::Request) {
                    stack.push((id.clone(), direction));
                }
            }
        }
        while let Some((id, direction)) = stack.pop() {
            let mut held = Vec::new();
            match &self.types[&id].def.kind {
                TypeKind::Struct(s) if !s.parameters => {
                    let shown = s.fields.iter().filter(|f| match direction {
                        Some(d) => f.presence(d) != Presence::Absent,
                        None => f.request != Presence::Absent || f.response != Presence::Absent,
                    });
                    held.extend(shown.flat_map(|f| named_within(&f.ty)));
                }
                TypeKind::Struct(_) | TypeKind::Enum(_) => {}
                TypeKind::Alias(target) | TypeKind::Newtype(target) => held.extend(named_within(target)),
                TypeKind::Union(u) => held.extend(u.variants.iter().flat_map(|v| named_within(&v.ty))),
            }
            // A view names the views of its own direction; a shared one names response views.
            let seen_as = direction.unwrap_or(Direction::Response);
            for target in held {
                let Some(draft) = self.types.get_mut(&target) else { continue };
                let name = draft.def.views.name(seen_as);
                let request_only =
                    draft.def.emitted_views().iter().any(|(d, view)| *d == Some(Direction::Request) && *view == name);
                if request_only && !draft.def.always_decoded {
                    draft.def.always_decoded = true;
                    stack.push((target, Some(Direction::Request)));
                }
            }
        }
    }

    /// Boxes every by-value field whose type leads back to the struct holding it.
    fn box_recursive_fields(&mut self) {
        let edges: IndexMap<TypeId, Vec<TypeId>> = self
            .types
            .iter()
            .map(|(id, d)| {
                let targets = match &d.def.kind {
                    TypeKind::Struct(s) => s.fields.iter().filter_map(|f| by_value_target(&f.ty)).collect(),
                    TypeKind::Alias(t) | TypeKind::Newtype(t) => by_value_target(t).into_iter().collect(),
                    TypeKind::Union(u) => u.variants.iter().filter_map(|v| by_value_target(&v.ty)).collect(),
                    TypeKind::Enum(_) => Vec::new(),
                };
                (id.clone(), targets)
            })
            .collect();
        let ids: Vec<TypeId> = self.types.keys().cloned().collect();
        for id in ids {
            match &mut self.types[&id].def.kind {
                TypeKind::Struct(s) => {
                    for field in &mut s.fields {
                        if let Some(target) = by_value_target(&field.ty) {
                            field.boxed = reaches(&edges, &target, &id);
                        }
                    }
                }
                TypeKind::Union(u) => {
                    for variant in &mut u.variants {
                        if let Some(target) = by_value_target(&variant.ty) {
                            variant.boxed = reaches(&edges, &target, &id);
                        }
                    }
                }
                TypeKind::Alias(_) | TypeKind::Newtype(_) | TypeKind::Enum(_) => {}
            }
        }
    }
}

/// The body a success response carries: JSON first, then text, then bytes.
fn success_body(response: &Response) -> SuccessBody {
    if let Some(ty) = response.content.iter().find(|(m, _)| encoding(m) == Encoding::Json).map(|(_, ty)| ty) {
        return SuccessBody::Json(ty.clone());
    }
    match response.content.keys().next() {
        None => SuccessBody::Empty,
        Some(media) if media.starts_with("text/") => SuccessBody::Text,
        Some(_) => SuccessBody::Bytes,
    }
}

/// A readable variant name for a success status.
fn status_variant_name(status: &str) -> String {
    match status {
        "200" => "Ok".to_owned(),
        "201" => "Created".to_owned(),
        "202" => "Accepted".to_owned(),
        "203" => "NonAuthoritative".to_owned(),
        "204" => "NoContent".to_owned(),
        "205" => "ResetContent".to_owned(),
        "206" => "PartialContent".to_owned(),
        "2XX" | "2xx" => "Success".to_owned(),
        "default" => "Default".to_owned(),
        other => format!("Status{other}"),
    }
}

/// How a media type is encoded. `*/*` counts as JSON: a client must pick something.
pub fn encoding(media_type: &str) -> Encoding {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" | "*/*" => Encoding::Json,
        e if e.ends_with("+json") => Encoding::Json,
        "application/x-www-form-urlencoded" => Encoding::Form,
        e if e.starts_with("multipart/") => Encoding::Multipart,
        e if e.starts_with("text/") => Encoding::Text,
        _ => Encoding::Bytes,
    }
}

/// One client method per way the body can be sent: the default (JSON when declared, else the
/// first in rank order) keeps the operation's name; the others get a suffix.
fn body_variants(content: &IndexMap<String, TypeRef>, names: (&str, &str), methods: &mut Scope) -> Vec<BodyVariant> {
    let (method_name, with_response) = names;
    let rank = |e: Encoding| match e {
        Encoding::Json => 0,
        Encoding::Form => 1,
        Encoding::Multipart => 2,
        Encoding::Text => 3,
        Encoding::Bytes => 4,
    };
    let mut seen: Vec<(Encoding, String)> = Vec::new();
    let mut candidates: Vec<(&String, Encoding, &TypeRef)> = Vec::new();
    for (media, ty) in content {
        let encoding = encoding(media);
        // One method per encoding; raw-bytes media types each keep their own.
        let key = (encoding, if encoding == Encoding::Bytes { media.clone() } else { String::new() });
        if !seen.contains(&key) {
            seen.push(key);
            candidates.push((media, encoding, ty));
        }
    }
    let Some(default) = candidates.iter().enumerate().min_by_key(|(_, (_, e, _))| rank(*e)).map(|(i, _)| i) else {
        return Vec::new();
    };
    let first = candidates.remove(default);
    std::iter::once(first)
        .chain(candidates)
        .enumerate()
        .map(|(i, (media, encoding, ty))| {
            let (method_name, with_response) = if i == 0 {
                (method_name.to_owned(), with_response.to_owned())
            } else {
                let suffix = match encoding {
                    Encoding::Json => "json".to_owned(),
                    Encoding::Form => "form".to_owned(),
                    Encoding::Multipart => "multipart".to_owned(),
                    Encoding::Text => "text".to_owned(),
                    Encoding::Bytes if media == "application/octet-stream" => "bytes".to_owned(),
                    Encoding::Bytes => naming::field_name(media),
                };
                let name = methods.claim(&naming::derived_name(method_name, &suffix));
                let twin = methods.claim(&naming::derived_name(&name, "with_response"));
                (name, twin)
            };
            BodyVariant { media_type: media.clone(), encoding, ty: ty.clone(), method_name, with_response }
        })
        .collect()
}

/// Claims the methods of a struct's impl blocks in one scope: `naming::STRUCT_METHODS` first,
/// then each field's setter and, for a nullable field, its `_null` setter. Every field gets
/// names, so each view (which has some of the fields) agrees on them.
fn claim_methods(fields: &mut [Field]) {
    let mut scope = Scope::with_reserved(naming::STRUCT_METHODS);
    for field in fields {
        field.setter = scope.claim(&field.rust_name);
        field.null_setter =
            field.nullable.then(|| scope.claim(&naming::derived_name(&field.rust_name, "null")));
    }
}

/// The alternatives of a `oneOf`/`anyOf`.
struct Alternatives<'s> {
    /// The real ones, each with its index in the list.
    real: Vec<(usize, &'s ReferenceOr<Schema>)>,
    /// Whether `null` or blank-string alternatives were left out.
    nullish: bool,
}

/// The properties and required names gathered from an object schema or `allOf` parts.
#[derive(Clone, Default)]
struct ObjectParts {
    /// Property name → (schema, its pointer).
    properties: IndexMap<String, (ReferenceOr<Box<Schema>>, String)>,
    required: BTreeSet<String>,
}

impl ObjectParts {
    fn from_object(o: &openapiv3::ObjectType, pointer: &str) -> Self {
        let mut parts = ObjectParts::default();
        for (name, prop) in &o.properties {
            parts.properties.insert(name.clone(), (prop.clone(), join(pointer, &["properties", name])));
        }
        parts.required.extend(o.required.iter().cloned());
        parts
    }

    fn merge(&mut self, other: ObjectParts) {
        for (name, prop) in other.properties {
            self.properties.insert(name, prop);
        }
        self.required.extend(other.required);
    }
}

/// Whether a union alternative only admits `null` or the empty string (drf-spectacular's
/// `NullEnum` and `BlankEnum`, or a 3.1 `type: 'null'`).
fn is_null_or_blank(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            !s.enumeration.is_empty() && s.enumeration.iter().all(|v| v.as_deref().is_none_or(str::is_empty))
        }
        SchemaKind::Any(any) => {
            let only_nulls = !any.enumeration.is_empty() && any.enumeration.iter().all(|v| v.is_null() || v == "");
            let bare_null = any.enumeration.is_empty()
                && any.typ.is_none()
                && any.properties.is_empty()
                && any.items.is_none()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.all_of.is_empty()
                && schema.schema_data.nullable;
            only_nulls || bare_null
        }
        _ => false,
    }
}

/// The name an inline object alternative carries in itself: the one value a required string
/// property allows (a tag, as internally tagged enums write it: `{"state": "creating", …}`),
/// or else its only property when that is required (`{"ip": …}`, externally tagged).
fn own_name(schema: &Schema) -> Option<&str> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else { return None };
    let only = match (object.properties.len(), object.properties.keys().next()) {
        (1, Some(key)) if object.required.contains(key) => Some(key.as_str()),
        _ => None,
    };
    own_tag(schema).map(|(_, value)| value).or(only).filter(|name| !name.trim().is_empty())
}

/// The first required property of an object schema that allows exactly one string, with
/// that string: the tag an internally tagged alternative carries.
fn own_tag(schema: &Schema) -> Option<(&str, &str)> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else { return None };
    object.required.iter().find_map(|key| {
        let property = object.properties.get(key)?.as_item()?;
        match &property.schema_kind {
            SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
                [Some(value)] => Some((key.as_str(), value.as_str())),
                _ => None,
            },
            _ => None,
        }
    })
}

/// A variant name for an inline alternative, from its type.
fn kind_name(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Boolean",
        SchemaKind::Type(Type::Array(_)) => "Array",
        SchemaKind::Type(Type::Object(_)) => "Object",
        _ => "Value",
    }
}

/// Whether the schema is drf-spectacular's `allOf: [$ref]` wrapper carrying siblings.
fn is_ref_wrapper(schema: &Schema) -> bool {
    ref_wrapper_target(schema).is_some()
}

fn ref_wrapper_target(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
            ReferenceOr::Reference { reference } => Some(reference),
            ReferenceOr::Item(_) => None,
        },
        _ => None,
    }
}

fn string_scalar(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Scalar {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Scalar::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Scalar::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Scalar::Bytes,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Scalar::Uuid,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal" => Scalar::Decimal,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uri" || f == "url" => Scalar::Uri,
        _ => Scalar::String,
    }
}

/// The description of a schema, or its title when it has none.
fn schema_doc(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    data.description.clone().or_else(|| data.title.clone()).filter(|d| !d.trim().is_empty())
}

/// drf-spectacular's choice list (``* `16x9` - Ratio 16 9``): value → label.
fn choice_labels(description: &str) -> HashMap<&str, String> {
    description
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("* `")?;
            let (value, label) = rest.split_once("` - ")?;
            Some((value, label.trim().to_owned()))
        })
        .collect()
}

/// Drops a drf-spectacular choice list from a description: the variants carry it.
fn strip_choice_list(description: String) -> String {
    let kept: Vec<&str> = description
        .lines()
        .filter(|line| !(line.trim().starts_with("* `") && line.contains("` - ")))
        .collect();
    kept.join("\n").trim().to_owned()
}

fn path_template_names(path: &str) -> Vec<&str> {
    path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect()
}

/// Whether a value of type `ty` holds a type in `ids`: it is one, or a list or map of one (at
/// any depth). Emission walks the same shapes to validate (`emit::validate::nested`).
fn refers_to_any(ty: &TypeRef, ids: &BTreeSet<TypeId>) -> bool {
    match ty {
        TypeRef::Named(id) => ids.contains(id),
        TypeRef::List(inner) | TypeRef::Map(inner) => refers_to_any(inner, ids),
        TypeRef::Scalar(_) | TypeRef::Any => false,
    }
}

/// The named types `ty` mentions, inside lists and maps too.
fn named_within(ty: &TypeRef) -> Vec<TypeId> {
    match ty {
        TypeRef::Named(id) => vec![id.clone()],
        TypeRef::List(inner) | TypeRef::Map(inner) => named_within(inner),
        TypeRef::Scalar(_) | TypeRef::Any => Vec::new(),
    }
}

/// The named type a field holds by value (not behind a `Vec` or map), if any.
fn by_value_target(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(id.clone()),
        _ => None,
    }
}

fn reaches(edges: &IndexMap<TypeId, Vec<TypeId>>, from: &TypeId, to: &TypeId) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.clone()];
    while let Some(id) = stack.pop() {
        if &id == to {
            return true;
        }
        if seen.insert(id.clone()) {
            stack.extend(edges.get(&id).into_iter().flatten().cloned());
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::{Input, Source};

    fn errors(spec: &str) -> Vec<String> {
        match crate::lower(&Input::spec(Source::new("x.yaml", spec))) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn all_of_cycles_end() {
        // Each level of `allOf` merging started a new set of the components seen, so
        // A: allOf [B, …] with B: allOf [A, …] recursed until the stack overflowed.
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    A: {allOf: [{$ref: '#/components/schemas/B'}, {type: object, properties: {a: {type: string}}}]}\n    \
                    B: {allOf: [{$ref: '#/components/schemas/A'}, {type: object, properties: {b: {type: string}}}]}\n";
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", spec))).unwrap();
        let field_names = |name: &str| -> Vec<String> {
            let def = lowered.api.types.values().find(|t| t.original_name == name).unwrap();
            let crate::model::TypeKind::Struct(s) = &def.kind else { panic!("{name} is not a struct") };
            s.fields.iter().map(|f| f.wire_name.clone()).collect()
        };
        assert_eq!(field_names("A"), ["a", "b"]);
        assert_eq!(field_names("B"), ["a", "b"]);
    }

    #[test]
    fn all_of_diamonds_are_merged_in_linear_time() {
        // Every level holds the next three times: merged once per path, this took 3^40 steps.
        let mut spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n".to_owned();
        for level in 0..40 {
            let part = format!("{{$ref: '#/components/schemas/A{}'}}", level + 1);
            let own = format!("{{type: object, properties: {{p{level}: {{type: string}}}}}}");
            spec.push_str(&format!("    A{level}: {{allOf: [{part}, {part}, {own}, {part}]}}\n"));
        }
        spec.push_str("    A40: {type: object, properties: {x: {type: string}}}\n");
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", &spec))).unwrap();
        let top = lowered.api.types.values().find(|t| t.original_name == "A0").unwrap();
        let crate::model::TypeKind::Struct(s) = &top.kind else { panic!("A0 is not a struct") };
        assert_eq!(s.fields.len(), 41);
    }

    #[test]
    fn aliases_of_themselves_are_errors() {
        // `type A = B; type B = A;` was emitted, and does not compile.
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n    \
                    S: {allOf: [{$ref: '#/components/schemas/S'}]}\n    \
                    N: {nullable: true, allOf: [{$ref: '#/components/schemas/N'}]}\n    \
                    L: {type: array, items: {$ref: '#/components/schemas/M'}}\n    \
                    M: {type: object, additionalProperties: {$ref: '#/components/schemas/L'}}\n";
        let cycle = |names: &str| {
            format!("the schema is defined only through itself ({names}); no Rust type can express that, so make one of them an object")
        };
        assert_eq!(errors(spec), [
            format!("#/components/schemas/A: {}", cycle("A → B → A")),
            format!("#/components/schemas/S: {}", cycle("S → S")),
            format!("#/components/schemas/N: {}", cycle("N → N")),
        ]);
    }

    #[test]
    fn arrays_and_maps_that_hold_themselves_are_newtypes() {
        // `type L = Vec<L>;` does not compile; `struct L(Vec<L>);` does.
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    L: {type: array, items: {$ref: '#/components/schemas/M'}}\n    \
                    M: {type: object, additionalProperties: {$ref: '#/components/schemas/L'}}\n    \
                    A: {$ref: '#/components/schemas/Self'}\n    \
                    Self: {type: array, items: {$ref: '#/components/schemas/A'}}\n    \
                    Fine: {type: array, items: {$ref: '#/components/schemas/Node'}}\n    \
                    Node: {type: object, properties: {children: {$ref: '#/components/schemas/Fine'}}}\n";
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", spec))).unwrap();
        let kinds: Vec<(&str, &str)> = lowered
            .api
            .types
            .values()
            .map(|t| {
                let kind = match &t.kind {
                    crate::model::TypeKind::Newtype(_) => "newtype",
                    crate::model::TypeKind::Alias(_) => "alias",
                    crate::model::TypeKind::Struct(_) => "struct",
                    _ => "other",
                };
                (t.original_name.as_str(), kind)
            })
            .collect();
        assert_eq!(kinds, [
            ("L", "newtype"), ("M", "newtype"), ("A", "alias"), ("Self", "newtype"), ("Fine", "alias"), ("Node", "struct"),
        ]);
    }
}
