//! Lowering schemas: component names, objects (with `allOf` merged), enums, unions, inline
//! schemas that become named types, constraints and `$ref`s.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::{Draft, Lowerer, MAX_NESTING, REQUEST_DOC, RUST_NAME, Site};
use crate::diag::{Diagnostic, join, unescape_segment};
use crate::model::*;
use crate::naming::{self, Scope};

/// A schema lowered as the body of a named type.
struct TypeBody {
    kind: TypeKind,
    doc: Option<String>,
    /// Some property's presence differs by direction.
    direction_sensitive: bool,
    /// The overlay's note for the request view.
    request_note: Option<String>,
    /// Marked `deprecated: true`.
    deprecated: bool,
}

impl TypeBody {
    fn of(kind: TypeKind, doc: Option<String>) -> Self {
        TypeBody { kind, doc, direction_sensitive: false, request_note: None, deprecated: false }
    }
}

/// The extension listing the deprecated values of a string enum: a list of values, or a map
/// of value to `true` (both are written; see ARCHITECTURE.md, "Deprecations").
pub const ENUM_DEPRECATED: &str = "x-enum-deprecated";

/// The properties of an object schema, with whether some presence differs by direction.
struct Fields {
    fields: Vec<Field>,
    direction_sensitive: bool,
    /// The map of the keys beside the properties.
    extra: Option<ExtraProperties>,
    /// The scope the field names were claimed in.
    scope: Scope,
}

impl<'a> Lowerer<'a> {
    fn schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> + use<'a> {
        self.doc.components.iter().flat_map(|c| c.schemas.iter())
    }

    pub(super) fn claim_component_names(&mut self) {
        for (name, schema) in self.schemas() {
            let id = TypeId(join("#/components/schemas", &[name]));
            let rust_name = match schema {
                ReferenceOr::Item(s) => self.rust_name_override(&s.schema_data.extensions, &id.0),
                ReferenceOr::Reference { .. } => None,
            };
            let rust_name = self.type_names.claim(&rust_name.unwrap_or_else(|| naming::type_name(name)));
            self.component_ids.insert(name.clone(), id.clone());
            self.types.insert(id, Draft::new(name.clone(), rust_name));
        }
    }

    pub(super) fn rust_name_override(
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

    pub(super) fn lower_components(&mut self) {
        for (name, schema) in self.schemas() {
            let id = self.component_ids[name.as_str()].clone();
            let type_name = self.types[&id].facts.name.clone();
            let site = Site { pointer: id.0.clone(), name_hint: &type_name };
            let body = match schema {
                ReferenceOr::Reference { reference } => {
                    TypeBody::of(TypeKind::Alias(self.resolve_ref(reference, &id.0)), None)
                }
                ReferenceOr::Item(schema) => self.lower_type_body(schema, &site),
            };
            self.set_body(&id, body);
        }
    }

    fn set_body(&mut self, id: &TypeId, body: TypeBody) {
        let draft = &mut self.types[id];
        draft.def.kind = body.kind;
        draft.def.doc = body.doc;
        draft.facts.direction_sensitive = body.direction_sensitive;
        draft.facts.request_note = body.request_note;
        draft.def.deprecated = body.deprecated;
    }

    /// Lowers the body of a schema that is (or becomes) a named type.
    fn lower_type_body(&mut self, schema: &Schema, site: &Site<'_>) -> TypeBody {
        let mut body = self.lower_type_shape(schema, site);
        body.deprecated = schema.schema_data.deprecated;
        body
    }

    /// [`Self::lower_type_body`] but for whether the schema is deprecated.
    fn lower_type_shape(&mut self, schema: &Schema, site: &Site<'_>) -> TypeBody {
        let doc = schema_doc(schema);
        if let Some(variants) = self.const_enum(schema, &site.pointer) {
            return TypeBody::of(TypeKind::Enum(StringEnum { variants }), doc);
        }
        if let Some(target) = self.expandable(schema, site) {
            return TypeBody::of(TypeKind::Alias(target), doc);
        }
        if let Some(Alternatives { real, .. }) = self.union_alternatives(schema) {
            // A named `anyOf: [{…}, {type: null}]` is that one schema, taking null wherever it
            // is used (`takes_null`): it gets the shape under its own name, where an alias to
            // an inline copy would take the name and number it (openai's `Prompt` was an alias
            // of `Prompt2`).
            if let [(index, ReferenceOr::Item(only))] = real.as_slice() {
                let kind = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                let at = join(&site.pointer, &[kind, &index.to_string()]);
                let mut body = self.lower_type_shape(only, &Site { pointer: at, name_hint: site.name_hint });
                body.doc = body.doc.or(doc);
                return body;
            }
            if real.len() > 1 {
                let union = self.lower_union(schema, &real, site);
                return TypeBody::of(TypeKind::Union(union), doc);
            }
        }
        if let Some(variants) = self.string_enum(schema, &site.pointer) {
            return TypeBody::of(TypeKind::Enum(StringEnum { variants }), doc.map(strip_choice_list));
        }
        if let Some(object) = self.object_parts(schema, &site.pointer) {
            let Fields { fields, direction_sensitive, extra, .. } = self.lower_fields(&object, site);
            let request_note =
                schema.schema_data.extensions.get(REQUEST_DOC).and_then(|v| v.as_str()).map(str::to_owned);
            let closed = matches!(object.extra, Extra::Closed);
            let kind = TypeKind::Struct(Struct { fields, extra, closed });
            return TypeBody { kind, doc, direction_sensitive, request_note, deprecated: false };
        }
        let target = self.lower_inline(schema, site);
        TypeBody::of(TypeKind::Alias(target), doc)
    }

    /// The variants of a string enum schema, or `None` when it is not one.
    fn string_enum(&mut self, schema: &Schema, pointer: &str) -> Option<Vec<Variant>> {
        let values: Vec<&str> = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                s.enumeration.iter().flatten().map(String::as_str).collect()
            }
            SchemaKind::Any(_) => untyped_strings(schema)?,
            _ => return None,
        };
        let labels = choice_labels(schema.schema_data.description.as_deref().unwrap_or(""));
        let deprecated = self.deprecated_values(schema, pointer);
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut seen = BTreeSet::new();
        let mut variants = Vec::new();
        for value in values {
            if !seen.insert(value) {
                self.warnings
                    .push(Diagnostic::at(join(pointer, &["enum"]), format!("duplicate enum value {value:?} ignored")));
                continue;
            }
            variants.push(Variant {
                wire: value.to_owned(),
                rust_name: scope.claim(&naming::variant_name(value)),
                doc: labels.get(value).cloned(),
                deprecated: deprecated.contains(value),
                docs: Vec::new(),
            });
        }
        Some(variants)
    }

    /// The values a string enum's `x-enum-deprecated` names: a list of values, or a map of
    /// value to `true`. Anything else is a warning.
    fn deprecated_values(&mut self, schema: &Schema, pointer: &str) -> BTreeSet<String> {
        let Some(value) = schema.schema_data.extensions.get(ENUM_DEPRECATED) else { return BTreeSet::new() };
        let listed: Option<BTreeSet<String>> = match value {
            serde_json::Value::Array(items) => items.iter().map(|v| v.as_str().map(str::to_owned)).collect(),
            serde_json::Value::Object(map) => map
                .iter()
                .filter_map(|(k, v)| match v {
                    serde_json::Value::Bool(true) => Some(Some(k.clone())),
                    serde_json::Value::Bool(false) => None,
                    _ => Some(None),
                })
                .collect(),
            _ => None,
        };
        listed.unwrap_or_else(|| {
            self.warnings.push(Diagnostic::at(
                join(pointer, &[ENUM_DEPRECATED]),
                format!("{ENUM_DEPRECATED} must list values, or map values to true; ignored"),
            ));
            BTreeSet::new()
        })
    }

    /// A `oneOf` (or `anyOf`) whose every alternative is one string (OpenAPI 3.1's `const`,
    /// or a one-value `enum`) written in place: a string enum whose values keep each
    /// alternative's description (or title) and `deprecated`. `None` for any other schema.
    fn const_enum(&mut self, schema: &Schema, pointer: &str) -> Option<Vec<Variant>> {
        let (kind, alternatives) = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => ("oneOf", one_of),
            SchemaKind::AnyOf { any_of } => ("anyOf", any_of),
            _ => return None,
        };
        let mut values = Vec::new();
        for alternative in alternatives {
            let item = alternative.as_item()?;
            // `const` becomes a one-value `enum`, typed `string` or not typed at all.
            let value = match &item.schema_kind {
                SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
                    [Some(value)] => value.as_str(),
                    _ => return None,
                },
                SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "string") => {
                    match any.enumeration.as_slice() {
                        [serde_json::Value::String(value)] => value.as_str(),
                        _ => return None,
                    }
                }
                _ => return None,
            };
            values.push((value, item));
        }
        if values.len() < 2 {
            return None;
        }
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut seen = BTreeSet::new();
        let mut variants = Vec::new();
        for (index, (value, item)) in values.into_iter().enumerate() {
            if !seen.insert(value) {
                self.warnings.push(Diagnostic::at(
                    join(pointer, &[kind, &index.to_string()]),
                    format!("duplicate enum value {value:?} ignored"),
                ));
                continue;
            }
            variants.push(Variant {
                wire: value.to_owned(),
                rust_name: scope.claim(&naming::variant_name(value)),
                doc: schema_doc(item),
                deprecated: item.schema_data.deprecated,
                docs: Vec::new(),
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
    fn object_parts_within(
        &mut self,
        schema: &Schema,
        pointer: &str,
        seen: &mut BTreeSet<String>,
    ) -> Option<ObjectParts> {
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
                parts.extra = Extra::of(any.additional_properties.as_ref(), pointer);
                Some(parts)
            }
            SchemaKind::AllOf { all_of } if !is_ref_wrapper(schema) && typed_all_of_part(schema).is_none() => {
                let mut parts = ObjectParts::default();
                for (i, part) in all_of.iter().enumerate() {
                    let part_pointer = join(pointer, &["allOf", &i.to_string()]);
                    if let Some(found) = self.object_parts_of(part, &part_pointer, seen) {
                        parts.merge(found);
                    } else {
                        self.warnings
                            .push(Diagnostic::at(part_pointer, "allOf part is not an object; it adds no fields"));
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

    fn lower_fields(&mut self, object: &ObjectParts, site: &Site<'_>) -> Fields {
        let mut fields = self.lower_properties(object, site);
        // The map is named after the properties, so that none of them is renamed for it.
        fields.extra = match &object.extra {
            Extra::Open(value, pointer) => {
                let hint = naming::type_name(&format!("{} additional property", site.name_hint));
                let value_site = Site { pointer: pointer.clone(), name_hint: &hint };
                let (ty, nullable) = match value {
                    None => (TypeRef::Any, false),
                    Some(ReferenceOr::Reference { reference }) => {
                        let ty = self.resolve_ref(reference, pointer);
                        let nullable = self.is_nullable_target(&ty);
                        (ty, nullable)
                    }
                    Some(ReferenceOr::Item(schema)) => {
                        let ty = self.lower_inline(schema, &value_site);
                        let null_alternative = self.union_alternatives(schema).is_some_and(|a| a.nullish);
                        let nullable = schema.schema_data.nullable || null_alternative || self.is_nullable_target(&ty);
                        let nullable = nullable && ty != TypeRef::Any;
                        (ty, nullable)
                    }
                };
                let rust_name = fields.scope.claim(naming::EXTRA_PROPERTIES);
                Some(ExtraProperties { rust_name, ty, nullable })
            }
            Extra::Unset | Extra::Closed => None,
        };
        fields
    }

    fn lower_properties(&mut self, object: &ObjectParts, site: &Site<'_>) -> Fields {
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
        for name in &object.required {
            if !object.properties.contains_key(name) {
                self.warnings.push(Diagnostic::at(
                    site.pointer.clone(),
                    format!("required property {name:?} is not defined; ignored"),
                ));
            }
        }
        Fields { fields, direction_sensitive: sensitive, extra: None, scope }
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
                let ty = self.resolve_ref(reference, &site.pointer);
                // A component declared `nullable` is null wherever it is referenced (plaid's
                // `Item.error: {$ref: PlaidError}`, with `nullable: true` on `PlaidError`).
                let nullable =
                    self.component_schema(reference).is_some_and(|s| self.admits_null(s)) && ty != TypeRef::Any;
                (ty, None, nullable, false, false, false, Constraints::default())
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
        let default = self.default_of(property, &site.pointer);
        let presence = if required { Presence::Required } else { Presence::Optional };
        let (request, response) = match (read_only, write_only) {
            (true, false) => (Presence::Absent, presence),
            (false, true) => (presence, Presence::Absent),
            _ => (presence, presence),
        };
        Field {
            wire_name: wire_name.to_owned(),
            rust_name: scope.claim(&naming::field_name(wire_name)),
            doc,
            ty,
            nullable,
            request,
            response,
            constraints,
            deprecated,
            default,
        }
    }

    /// The real alternatives of a `oneOf`/`anyOf` (each with its index), leaving out `null` and
    /// blank-string ones (drf-spectacular's `[XEnum, BlankEnum, NullEnum]`), and whether any
    /// such was left out. `None` when the schema is not a union.
    pub(super) fn union_alternatives<'s>(&self, schema: &'s Schema) -> Option<Alternatives<'s>> {
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
    fn lower_union(
        &mut self,
        schema: &Schema,
        alternatives: &[(usize, &ReferenceOr<Schema>)],
        site: &Site<'_>,
    ) -> Union {
        let kind = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
        let discriminator = schema.schema_data.discriminator.as_ref();
        let own_tags = if discriminator.is_none() { self.own_tags(alternatives) } else { None };
        let mut lowered: Vec<Alternative> = Vec::new();
        for (position, (index, alternative)) in alternatives.iter().enumerate() {
            let at = join(&site.pointer, &[kind, &index.to_string()]);
            let doc = alternative.as_item().and_then(|item| item.schema_data.description.clone());
            let (ty, full_name, shape_name, reference) = match alternative {
                ReferenceOr::Reference { reference } => {
                    let ty = self.resolve_ref(reference, &at);
                    let name = match &ty {
                        TypeRef::Named(id) => self.types.get(id).map(|d| d.facts.name.clone()),
                        _ => None,
                    };
                    (ty, name.unwrap_or_else(|| "Value".to_owned()), None, Some(reference.as_str()))
                }
                ReferenceOr::Item(item) => {
                    let own = item.schema_data.title.as_deref().map(naming::type_name);
                    let own = own.or_else(|| own_name(item).map(naming::type_name));
                    let name = own.clone().unwrap_or_else(|| kind_name(item).to_owned());
                    let hint = naming::type_name(&format!("{} {name}", site.name_hint));
                    let ty = self.lower_inline(item, &Site { pointer: at, name_hint: &hint });
                    // A title that only names the JSON type (`title: array`) tells nothing apart.
                    let told = item.schema_data.title.as_deref().filter(|t| !is_type_word(t)).map(naming::type_name);
                    let told = told.or_else(|| own_name(item).map(naming::type_name));
                    let shape = told.unwrap_or_else(|| self.shape_name(item));
                    (ty, name, Some(shape), None)
                }
            };
            let (tags, tag_names, own_value) = match (discriminator, reference) {
                (Some(d), Some(reference)) => {
                    let mapped: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(_, target)| *target == reference)
                        .map(|(tag, _)| tag.clone())
                        .collect();
                    // Without a mapping entry, the value the alternative's own property of the
                    // discriminator's name allows is its tag (openai's messages, `role: system`);
                    // the schema's name only when it allows no single value.
                    let own = self
                        .component_schema(reference)
                        .and_then(|target| tag_value(target, &d.property_name))
                        .filter(|value| !lowered.iter().any(|l| l.tags.iter().any(|t| t == value)));
                    if !mapped.is_empty() {
                        (mapped, true, false)
                    } else if let Some(value) = own {
                        (vec![value.to_owned()], true, true)
                    } else {
                        (reference.rsplit('/').next().map(unescape_segment).into_iter().collect(), false, false)
                    }
                }
                (None, _) => match &own_tags {
                    Some(OwnTags { tags, .. }) => (vec![tags[position].clone()], true, true),
                    None => (Vec::new(), false, false),
                },
                _ => (Vec::new(), false, false),
            };
            lowered.push(Alternative { ty, full_name, shape_name, tags, tag_names, own_value, doc });
        }
        // Tags that every alternative allows as the only value of its own property are exact,
        // as those read without a discriminator are.
        let exact_tags = lowered.iter().all(|a| a.own_value);
        let names = variant_names(&lowered);
        let mut scope = Scope::with_reserved(&["Other"]);
        let variants = lowered
            .into_iter()
            .zip(names)
            .map(|(alternative, name)| UnionVariant {
                rust_name: scope.claim(&name),
                ty: alternative.ty,
                tags: alternative.tags,
                boxed: false,
                doc: alternative.doc,
                from: false,
                docs: Vec::new(),
            })
            .collect();
        match own_tags {
            Some(OwnTags { property, .. }) => {
                Union { discriminator: Some(property), exact_tags: true, variants, from_str: None }
            }
            None => Union {
                discriminator: discriminator.map(|d| d.property_name.clone()),
                exact_tags: exact_tags && discriminator.is_some(),
                variants,
                from_str: None,
            },
        }
    }

    /// An id or the object (ARCHITECTURE.md, "An id or the object is `Expandable<T>`"): a
    /// `oneOf`/`anyOf` without a discriminator whose real alternatives are one plain string and
    /// one or more objects that each require a string `id` (Stripe writes the objects again under
    /// `x-expansionResources`, which is not needed: the shape decides). One object is the
    /// target; several are one union, shared by every field of the same objects.
    fn expandable(&mut self, schema: &Schema, site: &Site<'_>) -> Option<TypeRef> {
        if schema.schema_data.discriminator.is_some() {
            return None;
        }
        let Alternatives { real, .. } = self.union_alternatives(schema)?;
        let mut strings = 0;
        let mut objects = Vec::new();
        for (index, alternative) in &real {
            let target = match alternative {
                ReferenceOr::Reference { reference } => self.component_schema(reference)?,
                ReferenceOr::Item(item) => item,
            };
            if is_plain_string(target) {
                strings += 1;
            } else if carries_id(target) {
                objects.push((*index, *alternative));
            } else {
                return None;
            }
        }
        if strings != 1 || objects.is_empty() {
            return None;
        }
        let kind = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
        let mut types = Vec::new();
        for (index, alternative) in objects {
            let at = join(&site.pointer, &[kind, &index.to_string()]);
            let ty = match alternative {
                ReferenceOr::Reference { reference } => self.resolve_ref(reference, &at),
                ReferenceOr::Item(item) => {
                    let hint = format!("{}Object", site.name_hint);
                    self.lower_inline(item, &Site { pointer: at, name_hint: &hint })
                }
            };
            types.push(ty);
        }
        if types.len() == 1 {
            return types.pop().map(|ty| TypeRef::Expandable(Box::new(ty)));
        }
        let id = match self.expandable_unions.get(&types) {
            Some(id) => id.clone(),
            None => self.objects_union(&types, site),
        };
        Some(TypeRef::Expandable(Box::new(TypeRef::Named(id))))
    }

    /// The union of the objects an expandable field of several objects holds, made once per set
    /// of objects. Its name joins theirs with `Or` (`CustomerOrDeletedCustomer`) for up to three
    /// named objects; past that, or for objects without a name, it is named after the field that
    /// first holds it.
    fn objects_union(&mut self, types: &[TypeRef], site: &Site<'_>) -> TypeId {
        let names: Vec<String> = types
            .iter()
            .filter_map(|ty| match ty {
                TypeRef::Named(id) => self.types.get(id).map(|d| d.facts.name.clone()),
                _ => None,
            })
            .collect();
        let joined = (names.len() == types.len() && names.len() <= 3).then(|| names.join("Or"));
        let hint = joined.unwrap_or_else(|| format!("{}Object", site.name_hint));
        let id = TypeId(site.pointer.clone());
        let name = self.type_names.claim(&naming::type_name(&hint));
        self.types.insert(id.clone(), Draft::new(hint, name));
        let alternatives: Vec<Alternative> = types
            .iter()
            .zip(&names)
            .map(|(ty, name)| Alternative {
                ty: ty.clone(),
                full_name: name.clone(),
                shape_name: None,
                tags: Vec::new(),
                tag_names: false,
                own_value: false,
                doc: None,
            })
            .collect();
        let mut scope = Scope::with_reserved(&["Other"]);
        let variants = variant_names(&alternatives)
            .into_iter()
            .zip(types)
            .map(|(name, ty)| UnionVariant {
                rust_name: scope.claim(&name),
                ty: ty.clone(),
                tags: Vec::new(),
                boxed: false,
                doc: None,
                from: false,
                docs: Vec::new(),
            })
            .collect();
        let union = Union { discriminator: None, exact_tags: false, variants, from_str: None };
        let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let doc =
            format!("The object an `Expandable` field holds when the server expands it: one of {}.", listed.join(", "));
        self.set_body(&id, TypeBody::of(TypeKind::Union(union), Some(doc)));
        self.expandable_unions.insert(types.to_vec(), id.clone());
        id
    }

    /// The name of an inline alternative from its shape: `Text`, `Integer`, `Number`, `Bool`,
    /// `Known` (a string enum), `Object`; an array is named by its items, plural (`Texts`,
    /// `Integers`, `IntegerArrays`, `Pets`).
    fn shape_name(&self, schema: &Schema) -> String {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => "Known".to_owned(),
            SchemaKind::Type(Type::Array(a)) => plural(&self.item_word(a.items.as_ref(), 0)),
            _ => item_kind_word(schema).to_owned(),
        }
    }

    /// One item of an array alternative, as a word: its type's name (`Pet`), a scalar's word,
    /// or an array of such (`IntegerArray`).
    fn item_word(&self, items: Option<&ReferenceOr<Box<Schema>>>, depth: usize) -> String {
        match items {
            Some(ReferenceOr::Reference { reference }) => {
                let name = reference.strip_prefix("#/components/schemas/").map(unescape_segment);
                let id = name.and_then(|n| self.component_ids.get(&n));
                id.and_then(|id| self.types.get(id)).map_or_else(|| "Value".to_owned(), |d| d.facts.name.clone())
            }
            Some(ReferenceOr::Item(item)) => match &item.schema_kind {
                SchemaKind::Type(Type::Array(a)) if depth < MAX_NESTING => {
                    format!("{}Array", self.item_word(a.items.as_ref(), depth + 1))
                }
                _ => match item.schema_data.title.as_deref().filter(|t| !is_type_word(t)) {
                    Some(title) => naming::type_name(title),
                    None => item_kind_word(item).to_owned(),
                },
            },
            None => "Value".to_owned(),
        }
    }

    /// The tag property and values of a union without a `discriminator` whose alternatives tag
    /// themselves: every one is an object whose required property of one shared name allows a
    /// single string, a different one each (as serde's internally tagged enums are described).
    fn own_tags(&self, alternatives: &[(usize, &ReferenceOr<Schema>)]) -> Option<OwnTags> {
        let mut property: Option<&str> = None;
        let mut tags: Vec<String> = Vec::new();
        for (_, alternative) in alternatives {
            let schema = match alternative {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => self.component_schema(reference)?,
            };
            let Tag { property: key, value } = own_tag(schema)?;
            if property.is_some_and(|p| p != key) || tags.iter().any(|t| t == value) {
                return None;
            }
            property = Some(key);
            tags.push(value.to_owned());
        }
        Some(OwnTags { property: property?.to_owned(), tags })
    }

    /// The component schema a `$ref` names, when it names one written out in place.
    pub(super) fn component_schema(&self, reference: &str) -> Option<&'a Schema> {
        let name = unescape_segment(reference.strip_prefix("#/components/schemas/")?);
        self.doc.components.as_ref()?.schemas.get(&name)?.as_item()
    }

    /// Whether a referenced component itself takes `null` ([`Self::admits_null`]).
    fn is_nullable_target(&self, ty: &TypeRef) -> bool {
        let TypeRef::Named(id) = ty else { return false };
        let Some(name) = id.0.strip_prefix("#/components/schemas/") else { return false };
        match self.doc.components.as_ref().and_then(|c| c.schemas.get(&unescape_segment(name))) {
            Some(ReferenceOr::Item(schema)) => self.admits_null(schema),
            _ => false,
        }
    }

    /// Whether a schema, in place or referenced, takes `null` as a whole.
    pub(super) fn takes_null(&self, schema: &ReferenceOr<Schema>) -> bool {
        match schema {
            ReferenceOr::Reference { reference } => {
                self.component_schema(reference).is_some_and(|s| self.admits_null(s))
            }
            ReferenceOr::Item(schema) => self.admits_null(schema),
        }
    }

    /// Whether a schema takes `null`: declared `nullable` (3.0), or a `oneOf`/`anyOf` with a
    /// `null` alternative (3.1's `anyOf: [{…}, {type: 'null'}]`, openai's `Metadata`).
    fn admits_null(&self, schema: &Schema) -> bool {
        schema.schema_data.nullable || self.union_alternatives(schema).is_some_and(|a| a.nullish)
    }

    /// Lowers a schema that appears in place (a property, item, parameter or body).
    pub(super) fn lower_inline(&mut self, schema: &Schema, site: &Site<'_>) -> TypeRef {
        if let Some(target) = ref_wrapper_target(schema) {
            return self.resolve_ref(target, &join(&site.pointer, &["allOf", "0"]));
        }
        if let Some((index, part)) = typed_all_of_part(schema) {
            let pointer = join(&site.pointer, &["allOf", &index.to_string()]);
            return self.lower_inline(part, &Site { pointer, name_hint: site.name_hint });
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => self.new_named(schema, site),
            // An untyped `enum` of strings (3.1's `const: user`) is a string enum too.
            SchemaKind::Any(_) if untyped_strings(schema).is_some() => self.new_named(schema, site),
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
                    let value_site =
                        Site { pointer: join(&site.pointer, &["additionalProperties"]), name_hint: &value_hint };
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
                        ReferenceOr::Item(item) => {
                            self.lower_inline(item, &Site { pointer: at, name_hint: site.name_hint })
                        }
                    }
                }
                Some(Alternatives { real, .. }) if real.is_empty() => TypeRef::Any,
                _ => self.expandable(schema, site).unwrap_or_else(|| self.new_named(schema, site)),
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
        self.types.insert(id.clone(), Draft::new(site.name_hint.to_owned(), name.clone()));
        let inner = Site { pointer: site.pointer.clone(), name_hint: &name };
        let body = self.lower_type_body(schema, &inner);
        self.set_body(&id, body);
        TypeRef::Named(id)
    }

    pub(super) fn constraints(&mut self, schema: &Schema, pointer: &str) -> Constraints {
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
    pub(super) fn resolve_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
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
}

pub(super) struct Alternatives<'s> {
    /// The real ones, each with its index in the list.
    pub(super) real: Vec<(usize, &'s ReferenceOr<Schema>)>,
    /// Whether `null` or blank-string alternatives were left out.
    nullish: bool,
}

/// The properties and required names gathered from an object schema or `allOf` parts.
#[derive(Clone, Default)]
pub(super) struct ObjectParts {
    /// Property name → (schema, its pointer).
    properties: IndexMap<String, (ReferenceOr<Box<Schema>>, String)>,
    required: BTreeSet<String>,
    /// What `additionalProperties` says beside the properties.
    extra: Extra,
}

/// What an object's `additionalProperties` says about the keys beside its properties.
#[derive(Clone, Default)]
enum Extra {
    /// Nothing: the keys are neither kept nor forbidden.
    #[default]
    Unset,
    /// `false`: there are none.
    Closed,
    /// `true`, `{}` (no schema: any value) or a schema, at its pointer.
    Open(Option<ReferenceOr<Box<Schema>>>, String),
}

impl Extra {
    fn of(additional: Option<&AdditionalProperties>, pointer: &str) -> Self {
        let at = join(pointer, &["additionalProperties"]);
        match additional {
            None => Extra::Unset,
            Some(AdditionalProperties::Any(false)) => Extra::Closed,
            Some(AdditionalProperties::Any(true)) => Extra::Open(None, at),
            // `false`, as normalize writes it (`{not: {}}`).
            Some(AdditionalProperties::Schema(schema)) if is_nothing(schema) => Extra::Closed,
            Some(AdditionalProperties::Schema(schema)) => {
                let schema = match schema.as_ref() {
                    ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference: reference.clone() },
                    ReferenceOr::Item(item) => ReferenceOr::Item(Box::new(item.clone())),
                };
                Extra::Open(Some(schema), at)
            }
        }
    }
}

impl ObjectParts {
    fn from_object(o: &openapiv3::ObjectType, pointer: &str) -> Self {
        let mut parts = ObjectParts::default();
        for (name, prop) in &o.properties {
            parts.properties.insert(name.clone(), (prop.clone(), join(pointer, &["properties", name])));
        }
        parts.required.extend(o.required.iter().cloned());
        if !o.properties.is_empty() {
            parts.extra = Extra::of(o.additional_properties.as_ref(), pointer);
        }
        parts
    }

    /// Adds an `allOf` part: its properties, and its map when it has one and no part before
    /// did (a part's `false` only forbids extra keys when no part keeps them).
    fn merge(&mut self, other: ObjectParts) {
        for (name, prop) in other.properties {
            self.properties.insert(name, prop);
        }
        self.required.extend(other.required);
        self.extra = match (std::mem::take(&mut self.extra), other.extra) {
            (open @ Extra::Open(..), _) | (_, open @ Extra::Open(..)) => open,
            (Extra::Closed, _) | (_, Extra::Closed) => Extra::Closed,
            _ => Extra::Unset,
        };
    }
}

/// Whether a schema admits no value: `{not: {}}`, which normalize makes of `false`.
fn is_nothing(schema: &ReferenceOr<Schema>) -> bool {
    let Some(Schema { schema_kind: SchemaKind::Not { not }, .. }) = schema.as_item() else { return false };
    matches!(not.as_item(), Some(Schema { schema_kind: SchemaKind::Any(any), .. }) if *any == AnySchema::default())
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

/// A string of no particular format or values: an id, as an expandable field sends it.
fn is_plain_string(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s))
        if s.enumeration.is_empty() && string_scalar(&s.format) == Scalar::String)
}

/// An object schema that requires a string `id` property (written in place or referenced).
fn carries_id(schema: &Schema) -> bool {
    let (properties, required) = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => (&o.properties, &o.required),
        SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "object") => (&any.properties, &any.required),
        _ => return false,
    };
    let is_string = match properties.get("id") {
        Some(ReferenceOr::Item(id)) => is_plain_string(id),
        _ => false,
    };
    is_string && required.iter().any(|r| r == "id")
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
    own_tag(schema).map(|tag| tag.value).or(only).filter(|name| !name.trim().is_empty())
}

/// The tag property shared by the alternatives of a union that tag themselves, and each
/// alternative's value of it, in order.
struct OwnTags {
    property: String,
    tags: Vec<String>,
}

/// A property of an object schema that allows exactly one string, and that string.
struct Tag<'a> {
    property: &'a str,
    value: &'a str,
}

/// The first required property of an object schema that allows exactly one string, with
/// that string: the tag an internally tagged alternative carries.
fn own_tag(schema: &Schema) -> Option<Tag<'_>> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else { return None };
    object.required.iter().find_map(|key| {
        let value = one_string(object.properties.get(key)?.as_item()?)?;
        Some(Tag { property: key.as_str(), value })
    })
}

/// One alternative of a union, lowered, before its variant is named.
struct Alternative {
    ty: TypeRef,
    /// Its name before union variants were named by what tells them apart: the referenced
    /// type's name, or an inline one's title, own name or JSON type.
    full_name: String,
    /// An inline alternative's name from its title, own name or shape; `None` for a `$ref`.
    shape_name: Option<String>,
    tags: Vec<String>,
    /// The tags are the values the API writes (a mapping key, or the alternative's own
    /// one-value property), not schema names: they name the variant.
    tag_names: bool,
    /// The tag is the one value the alternative's own property allows: exactly what it sends.
    own_value: bool,
    doc: Option<String>,
}

/// The variant names of a union's alternatives, by what tells them apart (ARCHITECTURE.md,
/// "Union variant names"): a tag the API writes; for a `$ref`, its type's name without the
/// words every referenced type's name starts or ends with; for an inline alternative, its
/// title, own name or shape. When two would be the same, every variant keeps its full name.
fn variant_names(alternatives: &[Alternative]) -> Vec<String> {
    let referenced: Vec<Vec<String>> =
        alternatives.iter().filter(|a| a.shape_name.is_none()).map(|a| words(&a.full_name)).collect();
    let (prefix, suffix) = shared_words(&referenced);
    let mut stripped = referenced.iter().map(|w| w[prefix..w.len() - suffix].concat());
    let candidates: Vec<String> = alternatives
        .iter()
        .map(|a| {
            let from_shape = match &a.shape_name {
                Some(shape) => shape.clone(),
                None => stripped.next().unwrap_or_default(),
            };
            match a.tags.as_slice() {
                [tag] if a.tag_names && !naming::variant_name(tag).is_empty() => naming::variant_name(tag),
                _ => naming::variant_name(&from_shape),
            }
        })
        .collect();
    let distinct: BTreeSet<&str> = candidates.iter().map(String::as_str).collect();
    let clash = distinct.len() < candidates.len() || candidates.iter().any(|c| c.is_empty() || c == "Other");
    if clash {
        return alternatives.iter().map(|a| naming::variant_name(&a.full_name)).collect();
    }
    candidates
}

/// How many words all of `names` (two or more) start with, and then end with, leaving each at
/// least one word.
fn shared_words(names: &[Vec<String>]) -> (usize, usize) {
    if names.len() < 2 {
        return (0, 0);
    }
    let shortest = names.iter().map(Vec::len).min().unwrap_or(0);
    let mut prefix = 0;
    while prefix + 1 < shortest && names.iter().all(|w| w[prefix] == names[0][prefix]) {
        prefix += 1;
    }
    let mut suffix = 0;
    while prefix + suffix + 1 < shortest
        && names.iter().all(|w| w[w.len() - 1 - suffix] == names[0][names[0].len() - 1 - suffix])
    {
        suffix += 1;
    }
    (prefix, suffix)
}

/// The words of an UpperCamelCase name: `ChatCompletionRequestSystemMessage` → `Chat`,
/// `Completion`, `Request`, `System`, `Message`; `HTTPError` → `HTTP`, `Error`. Digits stay with
/// the word before them.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out: Vec<String> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let starts = i == 0
            || c == '_'
            || (c.is_uppercase()
                && (chars[i - 1].is_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || chars.get(i + 1).is_some_and(|n| n.is_lowercase()) && chars[i - 1].is_uppercase()));
        if starts || out.is_empty() {
            out.push(String::new());
        }
        if c != '_' {
            out.last_mut().expect("a word was started").push(c);
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

/// The plural of a word naming an array's items: `Texts`, `Matches`, `Entries`.
fn plural(word: &str) -> String {
    let consonant_y =
        word.strip_suffix('y').is_some_and(|rest| rest.chars().last().is_some_and(|c| !"aeiouAEIOU".contains(c)));
    if consonant_y {
        format!("{}ies", &word[..word.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"].iter().any(|end| word.ends_with(end)) {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// Whether a title only names a JSON type (`string`, `array`), telling no alternative apart.
fn is_type_word(title: &str) -> bool {
    ["string", "array", "integer", "number", "boolean", "object", "null"]
        .iter()
        .any(|word| title.trim().eq_ignore_ascii_case(word))
}

/// The word for a value of a scalar or object schema: `Text`, `Integer`, `Number`, `Bool`,
/// `Object`, or `Value`.
fn item_kind_word(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "Text",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Bool",
        SchemaKind::Type(Type::Object(_)) => "Object",
        _ => "Value",
    }
}

/// The one string a property named `property` of an object schema allows, when it allows one.
fn tag_value<'s>(schema: &'s Schema, property: &str) -> Option<&'s str> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else { return None };
    one_string(object.properties.get(property)?.as_item()?)
}

/// The one string a schema allows: a one-value string `enum`, typed `string` or not typed at
/// all (3.1's `const`).
fn one_string(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
            [Some(value)] => Some(value.as_str()),
            _ => None,
        },
        SchemaKind::Any(_) => match untyped_strings(schema)?.as_slice() {
            [value] => Some(value),
            _ => None,
        },
        _ => None,
    }
}

/// The values of an `enum` of strings with no type, or typed `string` in 3.1's way, and
/// nothing else (no properties, items or alternatives): 3.1's `const: user` after normalize.
fn untyped_strings(schema: &Schema) -> Option<Vec<&str>> {
    let SchemaKind::Any(any) = &schema.schema_kind else { return None };
    let bare = any.typ.as_deref().is_none_or(|t| t == "string")
        && any.properties.is_empty()
        && any.items.is_none()
        && any.one_of.is_empty()
        && any.any_of.is_empty()
        && any.all_of.is_empty()
        && !any.enumeration.is_empty();
    if !bare {
        return None;
    }
    any.enumeration.iter().map(serde_json::Value::as_str).collect()
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

pub(super) fn ref_wrapper_target(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
            ReferenceOr::Reference { reference } => Some(reference),
            ReferenceOr::Item(_) => None,
        },
        _ => None,
    }
}

/// The one part that gives an `allOf` of no object its type: nexus's `NameOrId` alternative
/// `{title: id, allOf: [{type: string, format: uuid}]}` is a UUID, not an empty struct. The
/// other parts, if any, may only add constraints (no type, no properties, no nesting).
fn typed_all_of_part(schema: &Schema) -> Option<(usize, &Schema)> {
    let SchemaKind::AllOf { all_of } = &schema.schema_kind else { return None };
    let mut typed = None;
    for (index, part) in all_of.iter().enumerate() {
        let part = part.as_item()?;
        match &part.schema_kind {
            SchemaKind::Type(Type::Object(_)) => return None,
            SchemaKind::Type(_) if typed.is_none() => typed = Some((index, part)),
            SchemaKind::Any(any)
                if any.typ.is_none()
                    && any.properties.is_empty()
                    && any.additional_properties.is_none()
                    && any.items.is_none()
                    && any.all_of.is_empty()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty() => {}
            _ => return None,
        }
    }
    typed
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
    let kept: Vec<&str> =
        description.lines().filter(|line| !(line.trim().starts_with("* `") && line.contains("` - "))).collect();
    kept.join("\n").trim().to_owned()
}
