//! Lowering operations: parameters (with the `{Op}Params` struct), request bodies and their
//! client methods per media type, responses and what a successful call returns, and the
//! security schemes.

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema, StatusCode};

use super::{Draft, Lowerer, Site};
use crate::diag::{Diagnostic, join, unescape_segment};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::normalize::{ITEM_SCHEMA, OPERATIONS, QUERYSTRING, is_json_lines};

impl<'a> Lowerer<'a> {
    /// `extra`: the operations of methods other than the fixed eight (OpenAPI 3.2's `query`
    /// and `additionalOperations`), read by [`extra_operations`].
    pub(super) fn lower_operations(&mut self, extra: &'a [ExtraOperation]) -> (Vec<Operation>, Vec<Group>) {
        // One scope for every method of the client: its own first, then each operation's
        // method, `_with_response` twin and media-type variants, in spec order.
        let mut method_names = Scope::with_reserved(naming::CLIENT_METHODS);
        let doc = self.doc;
        // Grouped calls: each group's accessor is the client's; its operations' methods are
        // claimed in the group's own scope, and their crate-wide names (which name their
        // types) in one scope of their own, as if the calls were not grouped.
        let plan = super::groups::plan(doc, extra);
        for e in extra {
            if let Err(message) = &e.operation {
                self.errors.push(Diagnostic::at(&e.pointer, format!("not an operation: {message}")));
            }
        }
        let mut handles = naming::handle_names();
        let groups = super::groups::claim(&plan, &mut method_names, &mut handles);
        let mut group_scopes: Vec<Scope> = groups.iter().map(|_| Scope::with_reserved(naming::GROUP_METHODS)).collect();
        let mut names = Scope::with_reserved(naming::CLIENT_METHODS);
        let mut operations = Vec::new();
        for (path, item) in &doc.paths.paths {
            let item_pointer = join("#/paths", &[path]);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.errors.push(Diagnostic::at(item_pointer, "path item $ref is not supported"));
                    continue;
                }
            };
            let (route, fixed_query) = self.path_query(path, &item_pointer);
            let fixed = item
                .iter()
                .map(|(method, op)| (method, op, join(&item_pointer, &[method]), method.to_ascii_uppercase()));
            let others = extra_of(extra, path).map(|(e, op)| (e.key.as_str(), op, e.pointer.clone(), e.method.clone()));
            for (method, op, pointer, http_method) in fixed.chain(others) {
                let id = op.operation_id.clone().unwrap_or_else(|| format!("{method} {path}"));
                let base_name =
                    self.rust_name_override(&op.extensions, &pointer).unwrap_or_else(|| naming::field_name(&id));
                let placed = plan.placed.get(&(path.clone(), method.to_owned()));
                let (group, methods) = match placed {
                    Some(&(group, _)) => (Some(group), &mut group_scopes[group]),
                    None => (None, &mut method_names),
                };
                let method_name = match placed {
                    Some((_, local)) => methods.claim(&naming::field_name(local)),
                    None => methods.claim(&base_name),
                };
                let name = if plan.groups.is_empty() { method_name.clone() } else { names.claim(&base_name) };
                let with_response = methods.claim(&naming::derived_name(&method_name, "with_response"));
                let type_stem = naming::type_name(&name);
                let mut parameters = Vec::new();
                let mut param_scope = Scope::new();
                let declared = item
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, join(&item_pointer, &["parameters", &i.to_string()])));
                let own =
                    op.parameters.iter().enumerate().map(|(i, p)| (p, join(&pointer, &["parameters", &i.to_string()])));
                let mut by_key: IndexMap<(String, ParamLocation), Parameter> = IndexMap::new();
                for (param, param_pointer) in declared.chain(own) {
                    if let Some(p) = self.lower_parameter(param, &param_pointer, &type_stem, &mut param_scope) {
                        by_key.insert((p.wire_name.clone(), p.location), p);
                    }
                }
                parameters.extend(by_key.into_values());
                let body_pointer = join(&pointer, &["requestBody"]);
                // A body that can only be `{}` says nothing: the method takes none and sends none.
                let request_body = op
                    .request_body
                    .as_ref()
                    .and_then(|b| self.component(b, &body_pointer, "requestBodies", |c| &c.request_bodies))
                    .filter(|b| !self.admits_only_empty_object(b));
                let part_headers =
                    request_body.map(|b| self.declared_part_headers(b, &body_pointer)).unwrap_or_default();
                // Path parameters are the method's arguments: they share its body's scope with
                // the locals emission writes, which are claimed first.
                let mut scope = Scope::new();
                let mut locals = naming::method_locals(&mut scope);
                // The multipart method's argument holding the part headers the caller sets.
                if part_headers.iter().any(|h| h.settable()) {
                    locals.part_headers = Some(scope.claim("part_headers"));
                }
                for p in parameters.iter_mut().filter(|p| p.location == ParamLocation::Path) {
                    p.rust_name = scope.claim(&p.rust_name);
                }
                self.check_path_params(route, &parameters, &pointer);
                let params_type = self.params_struct(&parameters, &pointer, &type_stem);
                let mut body = request_body.map(|b| self.lower_body(b, part_headers, &body_pointer, &type_stem));
                if let Some(body) = &mut body {
                    body.variants = body_variants(&body.content, (&method_name, &with_response), methods);
                    if body.variants.is_empty() {
                        self.warnings.push(Diagnostic::at(
                            join(&pointer, &["requestBody"]),
                            "the request body declares no media type; the operation sends none",
                        ));
                    }
                }
                let responses = self.lower_responses(&op.responses, &pointer, &type_stem);
                let success = self.success(&responses, &type_stem);
                let accept = accept(&responses);
                let sentinel = self.stream_sentinel(op, &pointer);
                let bases: Vec<(&str, Option<&str>)> = match &body {
                    Some(body) if !body.variants.is_empty() => {
                        body.variants.iter().map(|v| (v.method_name.as_str(), Some(v.media_type.as_str()))).collect()
                    }
                    _ => vec![(method_name.as_str(), None)],
                };
                let streams = stream_methods(&responses, &success, sentinel, &bases, accept.as_deref(), methods);
                if let Some(body) = &mut body {
                    self.stream_flags(op, &pointer, body, &responses, &streams);
                }
                let paged = super::pagination::PagedOp {
                    op,
                    pointer: &pointer,
                    parameters: &parameters,
                    requires_body: body.as_ref().is_some_and(|b| b.required),
                    has_body: body.is_some(),
                    success: &success,
                    method_name: &method_name,
                };
                let pages = self.page_method(&paged, methods);
                // An optional body whose every form has no required field is asked for as a
                // plain reference: an empty value says what no body would.
                if let Some(body) = body.as_mut().filter(|b| !b.required) {
                    body.required = body.content.values().all(|ty| self.has_no_required_request_field(ty));
                }
                let security = op
                    .security
                    .as_ref()
                    .or(doc.security.as_ref())
                    .map(|reqs| reqs.iter().map(|r| r.keys().cloned().collect()).collect())
                    .unwrap_or_default();
                operations.push(Operation {
                    id,
                    name,
                    group,
                    method_name,
                    with_response,
                    locals,
                    http_method,
                    path: path.clone(),
                    fixed_query: fixed_query.clone(),
                    accept,
                    summary: op.summary.clone(),
                    description: op.description.clone(),
                    deprecated: op.deprecated,
                    parameters,
                    params_type,
                    body,
                    responses,
                    success,
                    errors: Vec::new(),
                    streams,
                    pages,
                    security,
                    // The spec's tags, until `tags::decide` turns them into features.
                    features: op.tags.clone(),
                    docs: Default::default(),
                    example: String::new(),
                });
            }
        }
        (operations, groups)
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
        let fields: Vec<Field> = parameters
            .iter()
            .filter(|p| p.location != ParamLocation::Path)
            .map(|p| Field {
                wire_name: p.wire_name.clone(),
                rust_name: p.rust_name.clone(),
                doc: p.doc.clone(),
                ty: p.ty.clone(),
                nullable: false,
                request: if p.required { Presence::Required } else { Presence::Optional },
                response: Presence::Absent,
                constraints: p.constraints.clone(),
                deprecated: p.deprecated,
                default: p.default.clone(),
            })
            .collect();
        if fields.is_empty() {
            return None;
        }
        let id = TypeId(join(op_pointer, &["parameters"]));
        let name = self.type_names.claim(&format!("{type_stem}Params"));
        let mut draft = Draft::new(format!("{type_stem}Params"), name);
        draft.def.doc = Some(format!("The query, header and cookie parameters of `{type_stem}`."));
        draft.def.kind = TypeKind::Struct(Struct::of(fields));
        draft.facts.parameters = true;
        self.types.insert(id.clone(), draft);
        Some(id)
    }

    /// The path template of a path key and the `name=value` pairs of the query the key writes
    /// after `?` (`/responses?beta=true`), percent-encoded. A pair holding a `{parameter}` is
    /// not sent: a warning at the path key says to declare the parameter `in: query`.
    fn path_query<'p>(&mut self, path: &'p str, pointer: &str) -> (&'p str, Vec<(String, String)>) {
        let (route, Some(query)) = split_path_key(path) else { return (path, Vec::new()) };
        let mut pairs = Vec::new();
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            if pair.contains(['{', '}']) {
                self.warnings.push(Diagnostic::at(
                    pointer.to_owned(),
                    format!(
                        "the path's query {pair:?} holds a parameter, which a path key cannot send: \
                         the pair is left out; declare the parameter `in: query` instead"
                    ),
                ));
                continue;
            }
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            pairs.push((query_text(name), query_text(value)));
        }
        (route, pairs)
    }

    fn check_path_params(&mut self, path: &str, parameters: &[Parameter], pointer: &str) {
        for name in path_template_names(path) {
            let declared = parameters.iter().any(|p| p.location == ParamLocation::Path && p.wire_name == name);
            if !declared {
                self.errors
                    .push(Diagnostic::at(pointer.to_owned(), format!("path parameter {{{name}}} is not declared")));
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
        let (data, location, style, allow_reserved) = match param {
            // A whole query string is an object's pairs, as a form style query parameter
            // exploded writes them (JSON content aside, which goes as its text).
            openapiv3::Parameter::Query { parameter_data, .. }
                if parameter_data.extensions.contains_key(QUERYSTRING) =>
            {
                (parameter_data, ParamLocation::Query, ParamStyle::Form, false)
            }
            openapiv3::Parameter::Query { parameter_data, style, allow_reserved, .. } => {
                let style = match style {
                    openapiv3::QueryStyle::Form => ParamStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                };
                (parameter_data, ParamLocation::Query, style, *allow_reserved)
            }
            openapiv3::Parameter::Header { parameter_data, .. } => {
                (parameter_data, ParamLocation::Header, ParamStyle::Simple, false)
            }
            openapiv3::Parameter::Path { parameter_data, style } => {
                let style = match style {
                    openapiv3::PathStyle::Matrix => ParamStyle::Matrix,
                    openapiv3::PathStyle::Label => ParamStyle::Label,
                    openapiv3::PathStyle::Simple => ParamStyle::Simple,
                };
                (parameter_data, ParamLocation::Path, style, false)
            }
            openapiv3::Parameter::Cookie { parameter_data, .. } => {
                (parameter_data, ParamLocation::Cookie, ParamStyle::Form, false)
            }
        };
        // Form style explodes by default, the others do not; `deepObject` is defined exploded only.
        let query_string = data.extensions.contains_key(QUERYSTRING);
        let explode =
            query_string || style == ParamStyle::DeepObject || data.explode.unwrap_or(style == ParamStyle::Form);
        let hint = naming::type_name(&format!("{type_stem} {}", data.name));
        let schema_pointer = join(&pointer, &["schema"]);
        let site = Site { pointer: schema_pointer.clone(), name_hint: &hint };
        // A parameter declared by `content` has the schema of its one media type, and goes as
        // JSON text when that type is JSON (else as the value's own text).
        let (schema, schema_pointer, json) = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(schema) => (Some(schema), schema_pointer, false),
            openapiv3::ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                Some((media, m)) => {
                    let json = encoding(media) == Encoding::Json;
                    (m.schema.as_ref(), join(&pointer, &["content", media, "schema"]), json)
                }
                None => (None, schema_pointer, false),
            },
        };
        let site = Site { pointer: schema_pointer.clone(), ..site };
        let default = schema.and_then(|schema| self.default_of(schema, &schema_pointer));
        let (ty, constraints) = match schema {
            Some(ReferenceOr::Reference { reference }) => {
                (self.resolve_ref(reference, &schema_pointer), Constraints::default())
            }
            Some(ReferenceOr::Item(schema)) => {
                let ty = self.lower_inline(schema, &site);
                let constraints = self.constraints(schema, &schema_pointer).applicable_to(&ty);
                (ty, constraints)
            }
            None if json => (TypeRef::Any, Constraints::default()),
            None => (TypeRef::Scalar(Scalar::String), Constraints::default()),
        };
        Some(Parameter {
            wire_name: data.name.clone(),
            rust_name: scope.claim(&naming::field_name(&data.name)),
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            doc: data.description.clone(),
            constraints,
            deprecated: data.deprecated.unwrap_or(false),
            style,
            explode,
            allow_reserved,
            json,
            query_string,
            default,
        })
    }

    /// Whether every media type of `body` has a schema that admits only the empty object: an
    /// object without properties that allows no others (Stripe's GET operations declare such
    /// a form body).
    fn admits_only_empty_object(&self, body: &openapiv3::RequestBody) -> bool {
        !body.content.is_empty()
            && body.content.values().all(|media| {
                let schema = match &media.schema {
                    Some(ReferenceOr::Item(schema)) => Some(schema),
                    Some(ReferenceOr::Reference { reference }) => self.component_schema(reference),
                    None => None,
                };
                // Normalize writes `additionalProperties: false` as the schema `{not: {}}`.
                let allows_none = |extra: &openapiv3::AdditionalProperties| match extra {
                    openapiv3::AdditionalProperties::Any(any) => !any,
                    openapiv3::AdditionalProperties::Schema(schema) => matches!(
                        &**schema,
                        ReferenceOr::Item(Schema { schema_kind: openapiv3::SchemaKind::Not { not }, .. })
                            if matches!(&**not, ReferenceOr::Item(Schema { schema_kind: openapiv3::SchemaKind::Any(any), .. }) if *any == openapiv3::AnySchema::default())
                    ),
                };
                matches!(
                    schema.map(|s| &s.schema_kind),
                    Some(openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)))
                        if object.properties.is_empty() && object.additional_properties.as_ref().is_some_and(allows_none)
                )
            })
    }

    /// Whether `ty` is a struct none of whose fields a request must carry.
    fn has_no_required_request_field(&self, ty: &TypeRef) -> bool {
        let TypeRef::Named(id) = ty else { return false };
        match self.types.get(id).map(|draft| &draft.def.kind) {
            Some(TypeKind::Struct(s)) => s.fields.iter().all(|f| f.request != Presence::Required),
            _ => false,
        }
    }

    /// A request body (resolved from its `$ref`, but reported at `pointer`, the operation's
    /// `requestBody`), with the part headers its multipart `encoding` declares.
    fn lower_body(
        &mut self,
        body: &'a openapiv3::RequestBody,
        part_headers: Vec<super::multipart::DeclaredHeader<'a>>,
        pointer: &str,
        type_stem: &str,
    ) -> RequestBody {
        let hint = format!("{type_stem}Body");
        let content = self.lower_content(&body.content, pointer, &hint);
        let form_styles = body
            .content
            .iter()
            .filter(|(media, _)| encoding(media) == Encoding::Form)
            .flat_map(|(_, media)| &media.encoding)
            .filter_map(|(name, e)| {
                // Normalize wrote out `style` wherever an encoding asks for one.
                let style = match e.style.as_ref()? {
                    openapiv3::QueryStyle::Form => ParamStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                };
                let explode = style == ParamStyle::DeepObject || e.explode;
                Some((name.clone(), FieldStyle { style, explode, allow_reserved: e.allow_reserved }))
            })
            .collect();
        let multipart = self.lower_multipart(body, &content, part_headers, pointer, type_stem);
        RequestBody {
            required: body.required,
            doc: body.description.clone(),
            content,
            variants: Vec::new(),
            form_styles,
            multipart,
        }
    }

    /// Lowers the schema of each media type; identical inline schemas share one type.
    pub(super) fn lower_content(
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
    ) -> IndexMap<Status, Response> {
        let pointer = join(op_pointer, &["responses"]);
        let mut out = IndexMap::new();
        let entries: Vec<(Status, _)> = responses
            .responses
            .iter()
            .map(|(code, r)| (status_of(code), r))
            .chain(responses.default.iter().map(|r| (Status::Default, r)))
            .collect();
        let statuses: Vec<Status> = entries.iter().map(|(status, _)| *status).collect();
        for (status, response) in entries {
            let status_pointer = join(&pointer, &[&status.to_string()]);
            let Some(response) = self.component(response, &status_pointer, "responses", |c| &c.responses) else {
                continue;
            };
            let hint = if status.is_2xx() {
                format!("{type_stem}Response")
            } else {
                format!("{type_stem}Response{}", naming::type_name(&status.to_string()))
            };
            let content = self.lower_content(&response.content, &status_pointer, &hint);
            let doc = Some(response.description.clone()).filter(|d| !d.trim().is_empty());
            let nullable_json = response
                .content
                .iter()
                .find(|(media_type, _)| encoding(media_type) == Encoding::Json)
                .and_then(|(_, media)| media.schema.as_ref())
                .is_some_and(|schema| self.takes_null(schema));
            // OpenAPI 3.2's `itemSchema` of a JSON Lines body: the type of each line.
            let items = response
                .content
                .iter()
                .filter(|(media, m)| is_json_lines(media) && m.extensions.contains_key(ITEM_SCHEMA))
                .map(|(media, _)| media.clone())
                .collect();
            let outcome = Outcome::of(status, &statuses);
            out.insert(status, Response { outcome, doc, content, nullable_json, items });
        }
        out
    }

    /// What a successful call returns: one shape, or an enum when success statuses differ.
    fn success(&mut self, responses: &IndexMap<Status, Response>, type_stem: &str) -> Success {
        let entries: Vec<(&Status, &Response)> =
            responses.iter().filter(|(_, response)| response.outcome == Outcome::Success).collect();
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
                        status: **status,
                        rust_name: scope.claim(&status_variant_name(**status)),
                        body,
                        doc: response.doc.clone(),
                    })
                    .collect();
                Success::ByStatus { name, variants }
            }
        }
    }

    /// The data an operation's event stream ends at: its `x-stream-sentinel`, on the operation
    /// or on a success response's `text/event-stream` media type, else [`DEFAULT_SENTINEL`];
    /// `null` or `false` there for none.
    fn stream_sentinel(&mut self, op: &'a openapiv3::Operation, pointer: &str) -> Option<String> {
        let mut found = op.extensions.get(STREAM_SENTINEL).map(|value| (value, join(pointer, &[STREAM_SENTINEL])));
        for (code, response) in &op.responses.responses {
            let status = status_of(code);
            let status_pointer = join(pointer, &["responses", &status.to_string()]);
            if found.is_some() || !status.is_2xx() {
                continue;
            }
            let Some(response) = self.component(response, &status_pointer, "responses", |c| &c.responses) else {
                continue;
            };
            found = response.content.iter().filter(|(media, _)| is_event_stream(media)).find_map(|(media, m)| {
                m.extensions
                    .get(STREAM_SENTINEL)
                    .map(|v| (v, join(&status_pointer, &["content", media, STREAM_SENTINEL])))
            });
        }
        let Some((value, at)) = found else { return Some(DEFAULT_SENTINEL.to_owned()) };
        match value {
            serde_json::Value::String(text) => Some(text.clone()),
            serde_json::Value::Null | serde_json::Value::Bool(false) => None,
            _ => {
                self.warnings.push(Diagnostic::at(
                    at,
                    format!(
                        "{STREAM_SENTINEL} must be a string, or null or false for none; {DEFAULT_SENTINEL} is kept"
                    ),
                ));
                Some(DEFAULT_SENTINEL.to_owned())
            }
        }
    }

    /// Marks the JSON body variants whose stream method asks for the stream with a boolean
    /// field (`stream_flag`): the field `x-stream-flag` names on the operation, else one named
    /// `stream`, when the operation answers both as events and otherwise. `x-stream-flag: null`
    /// or `false` says there is none; a name that is no boolean field of the body is a warning.
    fn stream_flags(
        &mut self,
        op: &openapiv3::Operation,
        pointer: &str,
        body: &mut RequestBody,
        responses: &IndexMap<Status, Response>,
        streams: &[StreamMethod],
    ) {
        let (flag, named) = match op.extensions.get(STREAM_FLAG) {
            None => (DEFAULT_STREAM_FLAG.to_owned(), false),
            Some(serde_json::Value::String(name)) => (name.clone(), true),
            Some(serde_json::Value::Null | serde_json::Value::Bool(false)) => return,
            Some(other) => {
                self.warnings.push(Diagnostic::at(
                    join(pointer, &[STREAM_FLAG]),
                    format!("{STREAM_FLAG} must name a boolean property of the JSON body, or be null or false; found {other}"),
                ));
                return;
            }
        };
        let successes = || responses.values().filter(|r| r.outcome == Outcome::Success).flat_map(|r| r.content.keys());
        let both = successes().any(|media| is_event_stream(media)) && successes().any(|media| !is_event_stream(media));
        let streamed = |variant: &BodyVariant| {
            streams.iter().any(|s| {
                matches!(s.kind, StreamKind::Events { .. }) && s.body_media_type.as_deref() == Some(&variant.media_type)
            })
        };
        let mut found = false;
        for variant in body.variants.iter_mut().filter(|v| v.encoding == Encoding::Json) {
            if both && streamed(variant) && self.has_bool_field(&variant.ty, &flag) {
                variant.stream_flag = Some(flag.clone());
                found = true;
            }
        }
        if named && !found {
            self.warnings.push(Diagnostic::at(
                join(pointer, &[STREAM_FLAG]),
                format!(
                    "{flag:?} is no boolean property of a JSON body of an operation answering both as an event stream and otherwise; it is not set"
                ),
            ));
        }
    }

    /// Whether `ty` is a struct (or an alias of one) with a boolean field whose JSON name is `name`.
    fn has_bool_field(&self, ty: &TypeRef, name: &str) -> bool {
        let mut ty = ty;
        for _ in 0..MAX_ALIASES {
            let TypeRef::Named(id) = ty else { return false };
            match self.types.get(id).map(|draft| &draft.def.kind) {
                Some(TypeKind::Alias(target) | TypeKind::Newtype(target)) => ty = target,
                Some(TypeKind::Struct(s)) => {
                    return s.fields.iter().any(|f| f.wire_name == name && f.ty == TypeRef::Scalar(Scalar::Bool));
                }
                _ => return false,
            }
        }
        false
    }

    /// The security schemes, each setter claimed in the builder's `scope` and each environment
    /// variable in `env_vars`: first those `x-env-var` names, then the API's key's
    /// (`{prefix}_API_KEY`, see [`api_key_scheme`]), then the others' (`{prefix}_{SETTER}`), each
    /// Basic scheme's password after its user name's.
    pub(super) fn lower_security_schemes(
        &mut self,
        scope: &mut Scope,
        env_prefix: &str,
        env_vars: &mut Scope,
    ) -> IndexMap<String, SecurityScheme> {
        let mut variants = Scope::new();
        let doc = self.doc;
        // Each scheme with its setter and variant claimed, what it carries, and the variable
        // `x-env-var` names for it.
        let mut lowered: Vec<(String, SecurityScheme, bool, Option<String>)> = Vec::new();
        for (name, scheme) in doc.components.iter().flat_map(|c| c.security_schemes.iter()) {
            let pointer = join("#/components/securitySchemes", &[name]);
            let ReferenceOr::Item(scheme) = scheme else {
                self.errors.push(Diagnostic::at(pointer, "security scheme $ref is not supported"));
                continue;
            };
            let snake = naming::field_name(name);
            let stem = snake.strip_prefix("x_").filter(|s| !s.is_empty()).unwrap_or(&snake).to_owned();
            let (kind, doc, single_secret, extensions) = match scheme {
                openapiv3::SecurityScheme::APIKey { location, name: key_name, description, extensions } => {
                    let location = match location {
                        openapiv3::APIKeyLocation::Query => ParamLocation::Query,
                        openapiv3::APIKeyLocation::Header => ParamLocation::Header,
                        openapiv3::APIKeyLocation::Cookie => ParamLocation::Cookie,
                    };
                    (SecurityKind::ApiKey { location, name: key_name.clone() }, description.clone(), true, extensions)
                }
                openapiv3::SecurityScheme::HTTP { scheme, description, extensions, .. } => {
                    match scheme.to_ascii_lowercase().as_str() {
                        "bearer" => (SecurityKind::Bearer, description.clone(), true, extensions),
                        "basic" => (SecurityKind::Basic, description.clone(), false, extensions),
                        other => {
                            self.warnings.push(Diagnostic::at(
                                pointer.clone(),
                                format!("HTTP auth scheme {other:?} is sent as a bearer token"),
                            ));
                            (SecurityKind::Bearer, description.clone(), false, extensions)
                        }
                    }
                }
                openapiv3::SecurityScheme::OAuth2 { description, extensions, .. }
                | openapiv3::SecurityScheme::OpenIDConnect { description, extensions, .. } => {
                    (SecurityKind::Bearer, description.clone(), false, extensions)
                }
            };
            let named = self.env_var_override(extensions, &pointer);
            let rust_name = scope.claim(&stem);
            let variant = variants.claim(&naming::type_name(&rust_name));
            let env = SchemeEnv { value: String::new(), password: None };
            let scheme = SecurityScheme { rust_name, variant, doc, kind, env, missing: String::new() };
            lowered.push((name.clone(), scheme, single_secret, named));
        }
        // A scheme whose variable the spec names is not counted: its variable is decided.
        let single: Vec<&str> = lowered
            .iter()
            .filter(|(_, _, single, named)| *single && named.is_none())
            .map(|(name, ..)| name.as_str())
            .collect();
        let api_key = api_key_scheme(&single, doc.security.as_deref().unwrap_or_default()).map(str::to_owned);
        // The variables: those the spec names first, then the API's key's, then the rest.
        let mut values: Vec<Option<String>> = vec![None; lowered.len()];
        for (i, (name, _, _, named)) in lowered.iter().enumerate() {
            if let Some(named) = named {
                let claimed = env_vars.claim(named);
                if &claimed != named {
                    self.warnings.push(Diagnostic::at(
                        join("#/components/securitySchemes", &[name, ENV_VAR]),
                        format!("the variable {named} is read for another setting; this scheme reads {claimed}"),
                    ));
                }
                values[i] = Some(claimed);
            }
        }
        if let Some(i) = lowered.iter().position(|(name, ..)| Some(name) == api_key.as_ref()) {
            if values[i].is_none() {
                values[i] = Some(env_vars.claim(&naming::env_var(env_prefix, naming::API_KEY_ENV)));
            }
        }
        let mut out = IndexMap::new();
        for ((name, mut scheme, ..), value) in lowered.into_iter().zip(values) {
            let value = value.unwrap_or_else(|| env_vars.claim(&naming::env_var(env_prefix, &scheme.rust_name)));
            let password = (scheme.kind == SecurityKind::Basic)
                .then(|| env_vars.claim(&format!("{value}{}", naming::PASSWORD_ENV)));
            let setter = scheme.rust_name.trim_start_matches("r#");
            scheme.missing = match &password {
                Some(password) => format!("set {value} (and {password}) or call ClientBuilder::{setter}(..)"),
                None => format!("set {value} or call ClientBuilder::{setter}(..)"),
            };
            scheme.env = SchemeEnv { value, password };
            out.insert(name, scheme);
        }
        out
    }

    /// The variable `x-env-var` names for a security scheme, when it names a valid one (letters,
    /// digits and `_`, not starting with a digit); anything else is an error.
    fn env_var_override(&mut self, extensions: &IndexMap<String, serde_json::Value>, pointer: &str) -> Option<String> {
        let value = extensions.get(ENV_VAR)?;
        match value.as_str() {
            Some(name)
                if name.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic())
                    && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()) =>
            {
                Some(name.to_owned())
            }
            _ => {
                self.errors.push(Diagnostic::at(
                    join(pointer, &[ENV_VAR]),
                    format!("{ENV_VAR} must be an environment variable's name (letters, digits and _), found {value}"),
                ));
                None
            }
        }
    }

    pub(super) fn check_security(&mut self, operations: &[Operation], schemes: &IndexMap<String, SecurityScheme>) {
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
}

/// The type error bodies are decoded into, and what each operation decodes for which statuses:
/// each response with an error status (`4XX`, `5XX`, one of them, or `default` when the
/// operation declares a success) whose first JSON media type names a schema. An alias is
/// followed to the type it names; one that names no type (a list, a map, a scalar, any value)
/// is not decoded, nor is a body of another media type: its text is kept, as for every error.
/// The API's dominant error schema ([`dominant_error`]) also decodes the error statuses of
/// each operation that declares neither `default` nor a `4XX` or `5XX` range: an implicit
/// `default` case, last. `names` are the names claimed for the types.
pub(super) fn error_bodies(
    types: &IndexMap<TypeId, TypeDef>,
    names: &IndexMap<TypeId, super::Facts>,
    operations: &mut [Operation],
) -> Option<ErrorBody> {
    let mut variants: Vec<ErrorVariant> = Vec::new();
    // How many error responses declare each variant's schema, by index.
    let mut uses: Vec<usize> = Vec::new();
    let mut scope = Scope::new();
    for op in operations.iter_mut() {
        for (status, response) in &op.responses {
            let error = response.outcome == Outcome::Error;
            let json = response.content.iter().find(|(media, _)| encoding(media) == Encoding::Json);
            let Some(id) = json.filter(|_| error).and_then(|(_, ty)| named_target(types, ty)) else { continue };
            let index = match variants.iter().position(|v| v.ty == id) {
                Some(index) => index,
                None => {
                    let name = names.get(&id).map_or("Error", |facts| facts.name.as_str());
                    let rust_name = scope.claim(&naming::variant_name(name));
                    variants.push(ErrorVariant { rust_name, ty: id.clone(), statuses: Vec::new(), undeclared: false });
                    uses.push(0);
                    variants.len() - 1
                }
            };
            uses[index] += 1;
            if !variants[index].statuses.contains(status) {
                variants[index].statuses.push(*status);
            }
            op.errors.push(ErrorCase {
                status: *status,
                ty: id,
                variant: Some(variants[index].rust_name.clone()),
                implicit: false,
            });
        }
    }
    if let Some(index) = dominant_error(&uses) {
        let variant = &mut variants[index];
        variant.undeclared = true;
        for op in operations.iter_mut() {
            let open = |status: &Status| matches!(status, Status::Default | Status::Range(4 | 5));
            if !op.responses.keys().any(open) {
                op.errors.push(ErrorCase {
                    status: Status::Default,
                    ty: variant.ty.clone(),
                    variant: Some(variant.rust_name.clone()),
                    implicit: true,
                });
            }
        }
    }
    if variants.is_empty() {
        return None;
    }
    if variants.len() == 1 {
        for case in operations.iter_mut().flat_map(|op| &mut op.errors) {
            case.variant = None;
        }
    }
    Some(ErrorBody { name: naming::ERROR_BODY.to_owned(), variants })
}

/// The least number of error responses that must declare a schema for it to decode the
/// statuses operations leave undeclared: one response is no habit of the API's.
const DOMINANT_ERROR_USES: usize = 2;

/// The API's dominant error schema, as an index into its error schemas given how many error
/// responses declare each (`uses`, in first-declared order): the one most declare, the first
/// declared on a tie, when at least [`DOMINANT_ERROR_USES`] do.
fn dominant_error(uses: &[usize]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (index, &count) in uses.iter().enumerate() {
        if count >= DOMINANT_ERROR_USES && best.is_none_or(|best| count > uses[best]) {
            best = Some(index);
        }
    }
    best
}

/// The named type `ty` is, with aliases followed (they cannot cycle once checked); `None`
/// when it is no named type or leads to one that is not.
fn named_target(types: &IndexMap<TypeId, TypeDef>, ty: &TypeRef) -> Option<TypeId> {
    let TypeRef::Named(mut id) = ty.clone() else { return None };
    for _ in 0..=types.len() {
        match &types.get(&id)?.kind {
            TypeKind::Alias(TypeRef::Named(next)) => id = next.clone(),
            TypeKind::Alias(_) => return None,
            _ => return Some(id),
        }
    }
    None
}

/// The body a success response carries: JSON first, then text, then bytes.
fn success_body(response: &Response) -> SuccessBody {
    if let Some(ty) = response.content.iter().find(|(m, _)| encoding(m) == Encoding::Json).map(|(_, ty)| ty) {
        // Any JSON value takes `null` already.
        if response.nullable_json && *ty != TypeRef::Any {
            return SuccessBody::JsonOrNull(ty.clone());
        }
        return SuccessBody::Json(ty.clone());
    }
    match response.content.keys().next() {
        None => SuccessBody::Empty,
        Some(media) if media.starts_with("text/") => SuccessBody::Text,
        Some(_) => SuccessBody::Bytes,
    }
}

/// The `Accept` header of an operation's buffered methods: the media types its readers decode,
/// the success responses' first (JSON ones for a JSON body, though XML be offered too; text
/// ones for text, `text/event-stream` only when nothing else is; the binary ones for bytes)
/// and then the JSON media types of its error responses, whose bodies are decoded (a `*/*`
/// left out there); `None` when no response has a body.
fn accept(responses: &IndexMap<Status, Response>) -> Option<String> {
    let mut media: Vec<&str> = Vec::new();
    for response in responses.values().filter(|r| r.outcome == Outcome::Success) {
        let keys = response.content.keys().map(String::as_str);
        match success_body(response) {
            SuccessBody::Empty => {}
            SuccessBody::Json(_) | SuccessBody::JsonOrNull(_) => {
                media.extend(keys.filter(|m| encoding(m) == Encoding::Json))
            }
            SuccessBody::Text => {
                let text: Vec<&str> = keys.filter(|m| encoding(m) == Encoding::Text).collect();
                let plain: Vec<&str> = text.iter().copied().filter(|m| !is_event_stream(m)).collect();
                media.extend(if plain.is_empty() { text } else { plain });
            }
            SuccessBody::Bytes => {
                media.extend(keys.filter(|m| !matches!(encoding(m), Encoding::Json | Encoding::Text)))
            }
        }
    }
    let errors = responses
        .values()
        .filter(|response| response.outcome == Outcome::Error)
        .flat_map(|response| response.content.keys().map(String::as_str))
        .filter(|m| encoding(m) == Encoding::Json && m.trim() != "*/*");
    media.extend(errors);
    let mut seen: Vec<&str> = Vec::new();
    for m in media.into_iter().map(str::trim) {
        if !seen.iter().any(|s| s.eq_ignore_ascii_case(m)) {
            seen.push(m);
        }
    }
    (!seen.is_empty()).then(|| seen.join(", "))
}

/// Query text as a path key writes it, with what a query cannot hold percent-encoded (a
/// space, `#`, non-ASCII) and the rest, escapes included, kept.
fn query_text(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$'()*,;:@/?%+".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The extension naming the data that ends an event stream (OpenAI's `[DONE]`).
const STREAM_SENTINEL: &str = "x-stream-sentinel";

/// The data that ends an event stream unless the spec says otherwise: OpenAI's `data: [DONE]`,
/// which the APIs that stream completions copy, and which no JSON event can be.
const DEFAULT_SENTINEL: &str = "[DONE]";

/// Whether a media type is `text/event-stream`.
fn is_event_stream(media_type: &str) -> bool {
    media_type.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("text/event-stream")
}

/// The stream methods of an operation: for each of its body methods (`bases`, each with the
/// media type it sends), `{method}_byte_stream` when its success body is binary,
/// `{method}_stream` when a success response may be a `text/event-stream`, and for JSON Lines
/// with an item schema `{method}_stream` too (`{method}_lines` beside events).
fn stream_methods(
    responses: &IndexMap<Status, Response>,
    success: &Success,
    sentinel: Option<String>,
    bases: &[(&str, Option<&str>)],
    accept: Option<&str>,
    methods: &mut Scope,
) -> Vec<StreamMethod> {
    let events = responses
        .values()
        .filter(|response| response.outcome == Outcome::Success)
        .flat_map(|response| &response.content)
        .find(|(media, _)| is_event_stream(media))
        .map(|(_, ty)| StreamKind::Events {
            data: match ty {
                TypeRef::Scalar(Scalar::String) => EventData::Text,
                ty => EventData::Json(ty.clone()),
            },
            sentinel,
        });
    // OpenAPI 3.2's `itemSchema` of a JSON Lines body: its items, one a line.
    let lines = responses
        .values()
        .filter(|response| response.outcome == Outcome::Success)
        .flat_map(|response| response.items.iter().filter_map(|media| Some((media, response.content.get(media)?))))
        .next()
        .map(|(media, item)| StreamKind::JsonLines { item: item.clone(), media_type: media.clone() });
    let bytes = (*success == Success::Single(SuccessBody::Bytes)).then_some(StreamKind::Bytes);
    let both = events.is_some() && lines.is_some();
    let mut out = Vec::new();
    for kind in bytes.into_iter().chain(events).chain(lines) {
        let suffix = match kind {
            StreamKind::Bytes => "byte_stream",
            StreamKind::JsonLines { .. } if both => "lines",
            _ => "stream",
        };
        // Bytes are read as the buffered method reads them; events and lines are asked for
        // alone, or a server offering JSON too could answer JSON.
        let accept = match &kind {
            StreamKind::Bytes => accept.unwrap_or("*/*").to_owned(),
            StreamKind::Events { .. } => "text/event-stream".to_owned(),
            StreamKind::JsonLines { media_type, .. } => media_type.clone(),
        };
        for (base, media) in bases {
            out.push(StreamMethod {
                method_name: methods.claim(&naming::derived_name(base, suffix)),
                mirrors: (*base).to_owned(),
                body_media_type: media.map(str::to_owned),
                kind: kind.clone(),
                accept: accept.clone(),
            });
        }
    }
    out
}

/// The extension naming the boolean body property that asks for a streamed answer
/// (`x-stream-flag: stream`), on the operation.
pub const STREAM_FLAG: &str = "x-stream-flag";

/// The property that asks for a streamed answer when no `x-stream-flag` names one (OpenAI's).
const DEFAULT_STREAM_FLAG: &str = "stream";

/// How many aliases are followed to find a body's struct.
const MAX_ALIASES: usize = 16;

/// The extension naming the environment variable a security scheme is read from
/// (`x-env-var: MY_TOKEN`), on the scheme's object.
pub const ENV_VAR: &str = "x-env-var";

/// The security scheme that is the API's key, read from `{PREFIX}_API_KEY` as its users
/// already have it (`OPENAI_API_KEY`, `STRIPE_API_KEY`), among the schemes carrying a single
/// secret (`single`: an API key or an HTTP bearer token, whose variable `x-env-var` does not
/// name; Basic's user name and password are two, and OAuth2's tokens are no key): the only one, or else the only one the document's
/// own `security` (`root`) names. Otherwise none: each keeps its own variable.
pub fn api_key_scheme<'a>(single: &[&'a str], root: &[openapiv3::SecurityRequirement]) -> Option<&'a str> {
    if let [only] = single {
        return Some(only);
    }
    let named: Vec<&str> =
        single.iter().copied().filter(|name| root.iter().any(|requirement| requirement.contains_key(*name))).collect();
    match named[..] {
        [only] => Some(only),
        _ => None,
    }
}

/// A readable variant name for a success status.
fn status_variant_name(status: Status) -> String {
    match status {
        Status::Code(200) => "Ok".to_owned(),
        Status::Code(201) => "Created".to_owned(),
        Status::Code(202) => "Accepted".to_owned(),
        Status::Code(203) => "NonAuthoritative".to_owned(),
        Status::Code(204) => "NoContent".to_owned(),
        Status::Code(205) => "ResetContent".to_owned(),
        Status::Code(206) => "PartialContent".to_owned(),
        Status::Range(2) => "Success".to_owned(),
        Status::Default => "Default".to_owned(),
        other => format!("Status{other}"),
    }
}

/// The model's [`Status`] of a status key openapiv3 read (`200`, `4XX`).
fn status_of(code: &StatusCode) -> Status {
    match code {
        StatusCode::Code(n) => Status::Code(*n),
        StatusCode::Range(n) => Status::Range(*n),
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
            BodyVariant {
                media_type: media.clone(),
                encoding,
                ty: ty.clone(),
                method_name,
                with_response,
                stream_flag: None,
            }
        })
        .collect()
}

/// The parameter names a path template holds (`/pets/{petId}` holds `petId`).
fn path_template_names(path: &str) -> Vec<&str> {
    path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect()
}

/// An operation of a method other than the fixed eight (OpenAPI 3.2's `query` and
/// `additionalOperations`), which normalizing moved to the path item's [`OPERATIONS`].
pub(super) struct ExtraOperation {
    /// Its path key.
    path: String,
    /// The method as it is sent (`QUERY`, `COPY`).
    method: String,
    /// The method in lower case, as the fixed ones are keyed.
    key: String,
    /// Where it was written.
    pointer: String,
    /// The operation, or why openapiv3 could not read it.
    operation: Result<openapiv3::Operation, String>,
}

impl ExtraOperation {
    /// The method in lower case, as the fixed ones are keyed.
    pub(super) fn key(&self) -> &str {
        &self.key
    }
}

/// The stack of the thread reading operations (as the typed stage's, for the same reason).
const DESERIALIZE_STACK: usize = 32 << 20;

/// The operations of other methods in every path item of `doc`, read with openapiv3.
pub(super) fn extra_operations(doc: &openapiv3::OpenAPI) -> Vec<ExtraOperation> {
    let read = || {
        let mut out = Vec::new();
        for (path, item) in &doc.paths.paths {
            let ReferenceOr::Item(item) = item else { continue };
            let Some(serde_json::Value::Array(entries)) = item.extensions.get(OPERATIONS) else { continue };
            for entry in entries {
                let text =
                    |key: &str| entry.get(key).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
                let value = entry.get("operation").cloned().unwrap_or_default();
                out.push(ExtraOperation {
                    path: path.clone(),
                    method: text("method"),
                    key: text("method").to_ascii_lowercase(),
                    pointer: text("pointer"),
                    operation: serde_json::from_value(value).map_err(|e| e.to_string()),
                });
            }
        }
        out
    };
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new().stack_size(DESERIALIZE_STACK).spawn_scoped(scope, read);
        worker.ok().and_then(|worker| worker.join().ok()).unwrap_or_default()
    })
}

/// The operations of other methods on the path `path`, each with the one it could be read as.
pub(super) fn extra_of<'a>(
    extra: &'a [ExtraOperation],
    path: &'a str,
) -> impl Iterator<Item = (&'a ExtraOperation, &'a openapiv3::Operation)> {
    extra.iter().filter(move |e| e.path == path).filter_map(|e| Some((e, e.operation.as_ref().ok()?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Input, Source};

    #[test]
    fn the_api_key_is_the_only_single_secret_or_the_one_the_document_names() {
        let requirement = |names: &[&str]| -> openapiv3::SecurityRequirement {
            names.iter().map(|name| ((*name).to_owned(), Vec::new())).collect()
        };
        assert_eq!(api_key_scheme(&["bearerAuth"], &[]), Some("bearerAuth"));
        assert_eq!(api_key_scheme(&[], &[requirement(&["basicAuth"])]), None);
        let openai = ["ApiKeyAuth", "AdminApiKeyAuth"];
        assert_eq!(api_key_scheme(&openai, &[requirement(&["ApiKeyAuth"])]), Some("ApiKeyAuth"));
        assert_eq!(api_key_scheme(&openai, &[]), None);
        // A root requirement naming both (AND), or alternatives naming both, decides nothing.
        assert_eq!(api_key_scheme(&openai, &[requirement(&openai)]), None);
        assert_eq!(api_key_scheme(&openai, &[requirement(&["ApiKeyAuth"]), requirement(&["AdminApiKeyAuth"])]), None);
    }

    /// The operations of a spec whose paths are `paths` (YAML, indented as under `paths:`), and
    /// the warnings.
    fn lowered(paths: &str) -> (Vec<Operation>, Vec<String>) {
        let spec = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}");
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", &spec)), &crate::Config::new("x")).unwrap();
        (lowered.api.operations, lowered.warnings.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn the_dominant_error_schema_is_the_most_declared_the_first_on_a_tie_and_never_a_lone_one() {
        assert_eq!(dominant_error(&[1, 3, 2]), Some(1));
        assert_eq!(dominant_error(&[2, 3, 3]), Some(1));
        assert_eq!(dominant_error(&[2, 1]), Some(0));
        assert_eq!(dominant_error(&[1, 1, 1]), None);
        assert_eq!(dominant_error(&[]), None);
    }

    fn response(content: &[&str]) -> Response {
        let content = content.iter().map(|m| ((*m).to_owned(), TypeRef::Scalar(Scalar::String))).collect();
        Response { outcome: Outcome::Other, doc: None, content, nullable_json: false, items: Vec::new() }
    }

    /// A status as the spec writes it (`200`, `4XX`, `default`).
    fn status(text: &str) -> Status {
        match (text, text.strip_suffix("XX")) {
            ("default", _) => Status::Default,
            (_, Some(class)) => Status::Range(class.parse().unwrap()),
            _ => Status::Code(text.parse().unwrap()),
        }
    }

    fn accept_of(entries: &[(&str, &[&str])]) -> Option<String> {
        let statuses: Vec<Status> = entries.iter().map(|(text, _)| status(text)).collect();
        let outcome = |text: &str| Outcome::of(status(text), &statuses);
        accept(
            &entries
                .iter()
                .map(|(text, content)| (status(text), Response { outcome: outcome(text), ..response(content) }))
                .collect(),
        )
    }

    #[test]
    fn accept_names_what_the_reader_decodes() {
        // JSON offered after XML: the JSON reader asks for JSON alone.
        assert_eq!(
            accept_of(&[("200", &["application/xml", "application/json"])]).as_deref(),
            Some("application/json")
        );
        // Declared error bodies follow; a `*/*` error is left out, the same type is not repeated.
        assert_eq!(
            accept_of(&[
                ("200", &["application/json"]),
                ("404", &["application/problem+json"]),
                ("4XX", &["application/json"]),
                ("default", &["*/*"]),
            ])
            .as_deref(),
            Some("application/json, application/problem+json")
        );
        assert_eq!(accept_of(&[("200", &["image/png", "image/jpeg"])]).as_deref(), Some("image/png, image/jpeg"));
        assert_eq!(accept_of(&[("200", &["application/pdf", "text/plain"])]).as_deref(), Some("application/pdf"));
        assert_eq!(accept_of(&[("200", &["text/plain", "text/event-stream"])]).as_deref(), Some("text/plain"));
        assert_eq!(accept_of(&[("200", &["text/event-stream"])]).as_deref(), Some("text/event-stream"));
        assert_eq!(accept_of(&[("200", &["*/*"])]).as_deref(), Some("*/*"));
        // Statuses that differ: each one's types, in order.
        assert_eq!(
            accept_of(&[("200", &["application/json"]), ("202", &["text/csv"])]).as_deref(),
            Some("application/json, text/csv")
        );
        // No body anywhere: no Accept.
        assert_eq!(accept_of(&[("204", &[]), ("404", &[])]), None);
        // No success status: `default` is the success.
        assert_eq!(accept_of(&[("default", &["application/json"])]).as_deref(), Some("application/json"));
    }

    #[test]
    fn stream_methods_ask_for_what_they_stream() {
        let (ops, _) = lowered(
            "  /e:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json: {schema: {type: object}}\n            text/event-stream: {schema: {type: string}}\n  /b:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/pdf: {schema: {type: string, format: binary}}\n",
        );
        assert_eq!(ops[0].accept.as_deref(), Some("application/json"));
        assert_eq!(ops[0].streams.iter().map(|s| s.accept.as_str()).collect::<Vec<_>>(), ["text/event-stream"]);
        assert_eq!(ops[1].accept.as_deref(), Some("application/pdf"));
        assert_eq!(ops[1].streams.iter().map(|s| s.accept.as_str()).collect::<Vec<_>>(), ["application/pdf"]);
    }

    #[test]
    fn a_query_in_the_path_key_becomes_fixed_pairs() {
        let (ops, warnings) = lowered(
            "  /r/{id}?beta=true&flag&view=a b:\n    get:\n      parameters:\n      - {name: id, in: path, required: true, schema: {type: string}}\n      responses: {'204': {description: x}}\n  /r/{id}:\n    get:\n      parameters:\n      - {name: id, in: path, required: true, schema: {type: string}}\n      responses: {'204': {description: x}}\n  /s?id={id}&beta=true:\n    get:\n      parameters:\n      - {name: id, in: query, schema: {type: string}}\n      responses: {'204': {description: x}}\n",
        );
        assert_eq!(ops.len(), 3, "keys differing by their query are different operations");
        assert_eq!(ops[0].route(), "/r/{id}");
        assert_eq!(ops[0].path, "/r/{id}?beta=true&flag&view=a b");
        let pairs = |op: &Operation| op.fixed_query.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>();
        assert_eq!(pairs(&ops[0]), ["beta=true", "flag=", "view=a%20b"]);
        assert!(ops[1].fixed_query.is_empty());
        assert_ne!(ops[0].method_name, ops[1].method_name);
        assert_eq!(pairs(&ops[2]), ["beta=true"]);
        assert_eq!(ops[2].route(), "/s");
        assert!(
            warnings.iter().any(|w| w.contains("#/paths/~1s?id={id}&beta=true") && w.contains("\"id={id}\"")),
            "{warnings:?}"
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn a_question_mark_inside_a_parameter_name_is_no_query() {
        assert_eq!(split_path_key("/a/{b?}/c?d=e"), ("/a/{b?}/c", Some("d=e")));
        assert_eq!(split_path_key("/a/{b?}"), ("/a/{b?}", None));
        assert_eq!(split_path_key("/a?"), ("/a", Some("")));
    }
}
