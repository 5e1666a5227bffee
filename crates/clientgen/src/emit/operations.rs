//! Emits the client's methods: one per operation and body media type, each with a
//! `_with_response` twin, described once and used by the async and blocking clients alike.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::rust::{Read, ident, rust_type};
use crate::model::*;

/// One client method, as both clients declare it.
pub struct Method {
    /// The method's name.
    pub name: Ident,
    /// Its `_with_response` twin; none for a stream method, whose stream has the status and
    /// headers.
    pub with_response: Option<Ident>,
    /// Doc attributes.
    pub doc: TokenStream,
    /// `#[deprecated]`, when the operation is.
    pub deprecated: TokenStream,
    /// Parameter declarations (`body: &types::PetRequest`).
    pub params: Vec<TokenStream>,
    /// The same parameters, as arguments.
    pub args: Vec<Ident>,
    /// The body type of a success (`types::Pet`), or for a stream method the stream.
    pub ret: TokenStream,
    /// `#[cfg]` of the operation's tag features, when the crate has them.
    pub cfg: TokenStream,
    /// The group whose handle has the method (an index into [`Api::groups`]); none: the
    /// client has it.
    pub group: Option<usize>,
    /// The `_with_response` body: builds the request, sends it, decodes the answer; for a
    /// stream method, the method's body.
    pub body: TokenStream,
}

/// The methods of the client itself (`grouped` false) or of the groups' handles (true).
pub fn methods_of(api: &Api, grouped: bool) -> Vec<Method> {
    methods_with(api, Detail::Full, |op| op.group.is_some() == grouped)
}

/// The methods' signatures only: [`Method::doc`] and [`Method::body`] are left empty (what the
/// blocking client, which wraps each method, needs; the docs and bodies are most of the work).
pub fn signatures(api: &Api) -> Vec<Method> {
    methods_with(api, Detail::Signature, |_| true)
}

/// How much of a method to emit.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    /// Everything.
    Full,
    /// Name, parameters, return type and deprecation.
    Signature,
}

fn methods_with(api: &Api, detail: Detail, keep: impl Fn(&Operation) -> bool) -> Vec<Method> {
    let mut out = Vec::new();
    for op in api.operations.iter().filter(|op| keep(op)) {
        let variants: Vec<Option<&BodyVariant>> = match &op.body {
            Some(body) if !body.variants.is_empty() => body.variants.iter().map(Some).collect(),
            _ => vec![None],
        };
        for variant in &variants {
            let (name, twin) =
                variant.map_or((&op.method_name, &op.with_response), |v| (&v.method_name, &v.with_response));
            out.push(method(api, detail, op, *variant, ident(name), Some(ident(twin)), Streamed::No));
        }
        for stream in &op.streams {
            let variant =
                variants.iter().copied().find(|v| v.map(|v| &v.media_type) == stream.body_media_type.as_ref());
            let variant = variant.unwrap_or(variants[0]);
            out.push(method(api, detail, op, variant, ident(&stream.method_name), None, Streamed::Body(stream)));
        }
        if let Some(pages) = &op.pages {
            // A page method sends no body: only operations whose body is optional are paged.
            let bodiless = Operation { body: None, ..op.clone() };
            out.push(method(api, detail, &bodiless, None, ident(&pages.method_name), None, Streamed::Pages(pages)));
        }
    }
    out
}

/// The methods `reqwest::Method` names by a constant; others are made from their names.
const STANDARD_METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "CONNECT"];

/// The `reqwest::Method` of `name`: a constant, or made from the name. Normalizing checked it
/// is a token, which `from_bytes` takes; were it refused all the same, the call would be a
/// configuration error, never another method sent.
fn http_method(name: &str) -> TokenStream {
    if STANDARD_METHODS.contains(&name) {
        let name = format_ident!("{name}");
        return quote! { reqwest::Method::#name };
    }
    let bytes = proc_macro2::Literal::byte_string(name.as_bytes());
    let message = format!("the HTTP method {name} is not a valid token");
    quote! { reqwest::Method::from_bytes(#bytes).map_err(|_| Error::config(#message))? }
}

/// What a method without a `_with_response` twin returns in place of the success body.
#[derive(Clone, Copy)]
enum Streamed<'a> {
    /// The success body (the method has a twin).
    No,
    /// The body as a stream of bytes or events.
    Body(&'a StreamMethod),
    /// The items of every page.
    Pages(&'a PageMethod),
}

/// The identifiers of an operation method's arguments and locals, as lowering claimed them.
struct Names {
    body: Ident,
    params: Ident,
    operation: Ident,
    request: Ident,
    response: Ident,
    cookies: Ident,
    value: Ident,
    parts: Ident,
    part_headers: Option<Ident>,
}

impl Names {
    fn of(l: &Locals) -> Self {
        Names {
            body: ident(&l.body),
            params: ident(&l.params),
            operation: ident(&l.operation),
            request: ident(&l.request),
            response: ident(&l.response),
            cookies: ident(&l.cookies),
            value: ident(&l.value),
            parts: ident(&l.parts),
            part_headers: l.part_headers.as_deref().map(ident),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn method(
    api: &Api,
    detail: Detail,
    op: &Operation,
    variant: Option<&BodyVariant>,
    name: Ident,
    with_response: Option<Ident>,
    streamed: Streamed<'_>,
) -> Method {
    let (stream, pages) = match streamed {
        Streamed::No => (None, None),
        Streamed::Body(stream) => (Some(stream), None),
        Streamed::Pages(pages) => (None, Some(pages)),
    };
    let types = quote! { types:: };
    let label = format!("{} {}", op.http_method, op.path);
    let operation_id = &op.id;
    let names = Names::of(&op.locals);
    let Names { params: params_arg, operation, request, response, .. } = &names;
    let client = receiver(op);
    let mut params = Vec::new();
    let mut args = Vec::new();
    let mut checks = Vec::new();
    let mut steps = Vec::new();

    for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Path) {
        let arg = ident(&p.rust_name);
        let ty = rust_type(api, &p.ty, Direction::Request, &types).borrowed;
        params.push(quote! { #arg: #ty });
        args.push(arg);
    }
    if let (Some(variant), Some(body)) = (variant, &op.body) {
        let events = stream.is_some_and(|s| matches!(s.kind, StreamKind::Events { .. }));
        let (check, step) = body_param(api, &names, (variant, events), body, &mut params, &mut args);
        checks.extend(check);
        steps.push(step);
    }
    if let Some(id) = &op.params_type {
        let ty = rust_type(api, &TypeRef::Named(id.clone()), Direction::Request, &types).borrowed;
        params.push(quote! { #params_arg: #ty });
        args.push(params_arg.clone());
        if let Some(validate) = sent_methods(api, id).and_then(|m| m.validate.as_deref()).map(ident) {
            checks.push(quote! { #params_arg.#validate()?; });
        }
    }
    steps.extend(parameter_steps(op, &names));
    let accept = match stream {
        Some(stream) => Some(stream.accept.as_str()),
        None => op.accept.as_deref(),
    };
    if let Some(accept) = accept {
        steps.push(quote! { #request.accept = #accept; });
    }
    let security = super::security::alternatives(api, op);
    if !security.is_empty() {
        steps.insert(0, quote! { #request.security = #security; });
    }
    if !op.errors.is_empty() {
        let entries = error_entries(api, op);
        steps.push(quote! { #request.errors = &[#(#entries),*]; });
    }

    // An operation with a server of its own joins its path to that server's URL, whose origin
    // gets credentials as the base URL's does.
    let own_server = api.servers.of_operation(&op.name).map(|(index, _)| {
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        steps.push(quote! { #request.server = Some(#client.own_servers[#index].clone()); });
        index
    });
    let segments = op.route().split('/').skip(1).map(|segment| path_segment(op, segment));
    let path_values = path_values(op);
    let http_method = http_method(&op.http_method);
    let Read { ty: ret, code: decode } = match (stream, pages) {
        (Some(stream), _) => stream_read(api, stream, &names, &client),
        (None, Some(pages)) => super::pagination::pages_read(api, pages, request, &client),
        (None, None) => decode(api, op, &names),
    };
    let deprecated = if op.deprecated {
        quote! { #[deprecated] }
    } else {
        TokenStream::new()
    };
    let cfg = super::rust::feature_cfg(&op.features);
    if detail == Detail::Signature {
        let (doc, body) = (TokenStream::new(), TokenStream::new());
        return Method { name, with_response, doc, deprecated, params, args, ret, cfg, group: op.group, body };
    }
    let mutable = (!steps.is_empty()).then(|| quote! { mut });
    let send = if stream.is_some() || pages.is_some() {
        quote! { #decode }
    } else {
        quote! {
            let #response = crate::send::execute(#client, #request).await?;
            #decode
        }
    };
    let url = match own_server {
        Some(index) => quote! { crate::address::join_path(&#client.own_servers[#index], &[#(#segments),*]) },
        None => quote! { #client.url(&[#(#segments),*]) },
    };
    let body = quote! {
        #(#checks)*
        #(#path_values)*
        let #operation = #label;
        let #mutable #request = Request::new(#operation_id, #operation, #http_method, #url);
        #(#steps)*
        #send
    };
    let lines = op.docs.get(name.to_string().as_str()).map_or(&[][..], Vec::as_slice);
    let doc = quote! { #(#[doc = #lines])* };
    Method { name, with_response, doc, deprecated, params, args, ret, cfg, group: op.group, body }
}

/// The client inside a method's body: `self`, or the client a group's handle holds.
fn receiver(op: &Operation) -> TokenStream {
    match op.group {
        Some(_) => quote! { self.client },
        None => quote! { self },
    }
}

/// The statements adding the headers a multipart body's `encoding` declares to its parts: the
/// fixed ones, and those the caller sets in the `{Op}PartHeaders` argument, which this adds to
/// the method's parameters.
fn part_headers(
    api: &Api,
    names: &Names,
    multipart: Option<&Multipart>,
    params: &mut Vec<TokenStream>,
    args: &mut Vec<Ident>,
) -> Vec<TokenStream> {
    let Some(multipart) = multipart else { return Vec::new() };
    let Names { parts, value, part_headers: argument, .. } = names;
    if let (Some(id), Some(argument)) = (&multipart.headers_type, argument) {
        let ty = rust_type(api, &TypeRef::Named(id.clone()), Direction::Request, &quote! { types:: }).borrowed;
        params.push(quote! { #argument: #ty });
        args.push(argument.clone());
    }
    multipart
        .headers
        .iter()
        .map(|header| {
            let (part, name) = (&header.part, &header.name);
            let param = quote! { crate::param::Param::new(#name, crate::param::Style::Simple, false) };
            match (&header.value, argument) {
                (PartHeaderValue::Fixed(text), _) => {
                    quote! { crate::request::Part::header(&mut #parts, #part, #param, #text)?; }
                }
                (PartHeaderValue::Set { field, required: true }, Some(argument)) => {
                    let field = ident(field);
                    quote! { crate::request::Part::header(&mut #parts, #part, #param, &#argument.#field)?; }
                }
                (PartHeaderValue::Set { field, required: false }, Some(argument)) => {
                    let field = ident(field);
                    quote! {
                        if let Some(#value) = &#argument.#field {
                            crate::request::Part::header(&mut #parts, #part, #param, #value)?;
                        }
                    }
                }
                // Lowering claims the argument whenever a header is set by the caller.
                (PartHeaderValue::Set { .. }, None) => quote! {},
            }
        })
        .collect()
}

/// The steps writing the operation's query, header and cookie parameters into the request.
fn parameter_steps(op: &Operation, names: &Names) -> Vec<TokenStream> {
    let Names { request, cookies, .. } = names;
    let mut steps = Vec::new();
    // The query the path key writes goes first, as the spec wrote it.
    for (name, value) in &op.fixed_query {
        steps.push(quote! { #request.query.push((#name.to_owned(), #value.to_owned())); });
    }
    for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Query) {
        steps.push(match p.query_string {
            true => param_push(names, p, |param, v| quote! { #param.query_string(#v, &mut #request.query)?; }),
            false => param_push(names, p, |param, v| quote! { #param.query(#v, &mut #request.query)?; }),
        });
    }
    for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Header) {
        steps.push(param_push(names, p, |param, v| quote! { #param.header(#v, &mut #request.headers)?; }));
    }
    let cookie_params: Vec<&Parameter> = op.parameters.iter().filter(|p| p.location == ParamLocation::Cookie).collect();
    if !cookie_params.is_empty() {
        let pushes = cookie_params
            .iter()
            .map(|p| param_push(names, p, |param, v| quote! { #param.cookie(#v, &mut #cookies)?; }));
        steps.push(quote! {
            let mut #cookies: Vec<String> = Vec::new();
            #(#pushes)*
            if !#cookies.is_empty() {
                #request.headers.push(("cookie", #cookies.join("; ")));
            }
        });
    }
    steps
}

/// A request body's check (when its type validates) and the step encoding it, for an events
/// stream method when `events` (which sends the variant's stream flag `true`, the others
/// `false`). It adds the body's parameter (and the part headers' argument a multipart body
/// may have) to `params` and `args`.
fn body_param(
    api: &Api,
    names: &Names,
    (variant, events): (&BodyVariant, bool),
    body: &RequestBody,
    params: &mut Vec<TokenStream>,
    args: &mut Vec<Ident>,
) -> (Option<TokenStream>, TokenStream) {
    let Names { body: body_arg, request, parts, .. } = names;
    let types = quote! { types:: };
    let ty = match variant.encoding {
        Encoding::Text => quote! { &str },
        Encoding::Bytes => quote! { types::ByteSource },
        _ => rust_type(api, &variant.ty, Direction::Request, &types).borrowed,
    };
    let param = match (body.required, variant.encoding) {
        // Bytes, a file or a stream: whatever becomes a `ByteSource`.
        (true, Encoding::Bytes) => quote! { #body_arg: impl Into<#ty> },
        (true, _) => quote! { #body_arg: #ty },
        (false, _) => quote! { #body_arg: Option<#ty> },
    };
    params.push(param);
    args.push(body_arg.clone());
    let structured = !matches!(variant.encoding, Encoding::Text | Encoding::Bytes);
    let methods = match &variant.ty {
        TypeRef::Named(id) if structured => sent_methods(api, id),
        _ => None,
    };
    let check = methods.and_then(|m| m.validate.as_deref()).map(ident).map(|validate| {
        if body.required {
            quote! { #body_arg.#validate()?; }
        } else {
            quote! { if let Some(#body_arg) = #body_arg { #body_arg.#validate()?; } }
        }
    });
    let media = &variant.media_type;
    let encode = match variant.encoding {
        Encoding::Json => match &variant.stream_flag {
            Some(flag) => quote! { crate::request::Body::json_with_flag(#body_arg, #flag, #events)? },
            None => quote! { crate::request::Body::json(#body_arg)? },
        },
        Encoding::Form => match methods.and_then(|m| m.form_pairs.as_deref()).map(ident) {
            Some(form_pairs) => quote! { crate::request::Body::form(&#body_arg.#form_pairs())? },
            None => quote! { crate::request::Body::form_of(#body_arg)? },
        },
        Encoding::Multipart => {
            let multipart = body.multipart.as_ref();
            let headers = part_headers(api, names, multipart, params, args);
            match methods.and_then(|m| m.multipart_parts.as_deref()).map(ident) {
                Some(multipart_parts) if headers.is_empty() => {
                    quote! { crate::request::Body::Multipart(#body_arg.#multipart_parts()) }
                }
                Some(multipart_parts) => quote! {{
                    let mut #parts = #body_arg.#multipart_parts();
                    #(#headers)*
                    crate::request::Body::Multipart(#parts)
                }},
                None => {
                    let part = multipart.and_then(|m| m.other.as_ref());
                    let content_type = part.map_or("text/plain", |part| part.content_type.as_str());
                    let push = match part.map(|part| part.kind) {
                        Some(PartKind::Json) => quote! { json },
                        _ => quote! { values },
                    };
                    quote! {{
                        let mut #parts = Vec::new();
                        crate::request::Part::#push("body", #body_arg, #content_type, &mut #parts);
                        crate::request::Body::Multipart(#parts)
                    }}
                }
            }
        }
        Encoding::Text => quote! { crate::request::Body::raw(#media, #body_arg.as_bytes()) },
        Encoding::Bytes => quote! { crate::request::Body::upload(#media, #body_arg) },
    };
    let step = if body.required {
        quote! { #request.body = #encode; }
    } else {
        quote! { if let Some(#body_arg) = #body_arg { #request.body = #encode; } }
    };
    (check, step)
}

/// The error schemas an operation declares, each with the statuses it is read for.
fn error_entries(api: &Api, op: &Operation) -> Vec<TokenStream> {
    let types = quote! { types:: };
    op.errors
        .iter()
        .map(|case| {
            let declared = match case.status {
                Status::Code(code) => {
                    let code = proc_macro2::Literal::u16_unsuffixed(code);
                    quote! { crate::error::Declared::Code(#code) }
                }
                Status::Default => quote! { crate::error::Declared::Default },
                Status::Range(hundreds) => {
                    let hundreds = proc_macro2::Literal::u16_unsuffixed(hundreds);
                    quote! { crate::error::Declared::Range(#hundreds) }
                }
            };
            let ty = rust_type(api, &TypeRef::Named(case.ty.clone()), Direction::Response, &types).owned;
            quote! { (#declared, crate::error::error_body::<#ty>) }
        })
        .collect()
}

/// The methods of the view a struct `id` is sent as (`validate`, `form_pairs`, …).
pub fn sent_methods<'a>(api: &'a Api, id: &TypeId) -> Option<&'a StructMethods> {
    api.types.get(id)?.view(Direction::Request).methods.as_ref()
}

/// How an operation reads its success: the type returned and the code reading it.
fn decode(api: &Api, op: &Operation, names: &Names) -> Read {
    let types = quote! { types:: };
    let Names { operation, response, .. } = names;
    match &op.success {
        Success::Single(body) => read_body(api, body, names),
        Success::ByStatus { name, variants } => {
            let enum_name = ident(name);
            let mut arms = Vec::new();
            let mut fallback = None;
            for v in variants {
                let variant = ident(&v.rust_name);
                let read = read_body(api, &v.body, names).code;
                let wrap = match v.body {
                    SuccessBody::Empty => {
                        quote! { #read.map(|#response| #response.map(|()| types::#enum_name::#variant)) }
                    }
                    _ => quote! { #read.map(|#response| #response.map(types::#enum_name::#variant)) },
                };
                match v.status {
                    Status::Code(code) => arms.push(quote! { #code => #wrap, }),
                    Status::Range(_) | Status::Default => fallback = Some(quote! { _ => #wrap, }),
                }
            }
            let fallback = fallback.unwrap_or_else(
                || quote! { _ => Err(crate::decode::undeclared_status(#operation, #response.status)), },
            );
            let ty = quote! { #types #enum_name };
            Read { ty, code: quote! { match #response.status.as_u16() { #(#arms)* #fallback } } }
        }
    }
}

/// What a stream method returns, and the code that sends its request and returns the stream.
fn stream_read(api: &Api, stream: &StreamMethod, names: &Names, client: &TokenStream) -> Read {
    let Names { request, .. } = names;
    match &stream.kind {
        StreamKind::Bytes => {
            Read { ty: quote! { crate::ByteStream }, code: quote! { crate::stream::bytes(#client, #request).await } }
        }
        StreamKind::Events { data, sentinel } => {
            let (ty, decode) = match data {
                EventData::Json(ty) => (
                    rust_type(api, ty, Direction::Response, &quote! { types:: }).owned,
                    quote! { crate::stream::json_data },
                ),
                EventData::Text => (quote! { String }, quote! { crate::stream::text_data }),
            };
            let sentinel = match sentinel {
                Some(text) => quote! { Some(#text) },
                None => quote! { None },
            };
            Read {
                ty: quote! { crate::EventStream<#ty> },
                code: quote! { crate::stream::events(#client, #request, #decode, #sentinel).await },
            }
        }
        StreamKind::JsonLines { item, .. } => {
            let ty = rust_type(api, item, Direction::Response, &quote! { types:: }).owned;
            Read {
                ty: quote! { crate::JsonLines<#ty> },
                code: quote! { crate::stream::json_lines(#client, #request).await },
            }
        }
    }
}

fn read_body(api: &Api, body: &SuccessBody, names: &Names) -> Read {
    let Names { operation, response, .. } = names;
    let (ty, code) = match body {
        SuccessBody::Json(ty) => {
            let ty = rust_type(api, ty, Direction::Response, &quote! { types:: }).owned;
            (ty, quote! { crate::decode::json(#operation, #response) })
        }
        SuccessBody::JsonOrNull(ty) => {
            let ty = rust_type(api, ty, Direction::Response, &quote! { types:: }).owned;
            (quote! { Option<#ty> }, quote! { crate::decode::json(#operation, #response) })
        }
        SuccessBody::Text => (quote! { String }, quote! { crate::decode::text(#operation, #response) }),
        SuccessBody::Bytes => (quote! { Vec<u8> }, quote! { Ok(crate::decode::bytes(#response)) }),
        SuccessBody::Empty => (quote! { () }, quote! { Ok(crate::decode::empty(#response)) }),
    };
    Read { ty, code }
}

/// Whether any method's signature names a generated type, or with `bodies`, its body (which
/// does when it decodes a declared error schema; the blocking client's bodies call the async one).
pub fn mentions_types<'a>(methods: impl IntoIterator<Item = &'a Method>, bodies: bool) -> bool {
    methods.into_iter().any(|m| {
        let (params, ret) = (&m.params, &m.ret);
        let body = bodies.then_some(&m.body);
        quote! { #(#params)* #ret #body }.to_string().contains("types ::")
    })
}

/// One path segment: a literal, or parameter values (each written by its style and
/// percent-encoded already, see [`path_values`]) with any literal text around them.
fn path_segment(op: &Operation, segment: &str) -> TokenStream {
    if !segment.contains('{') {
        return quote! { #segment };
    }
    let mut format = String::new();
    let mut args: Vec<TokenStream> = Vec::new();
    let mut rest = segment;
    while let Some(start) = rest.find('{') {
        format.push_str(&escape_braces(&rest[..start]));
        let Some(len) = rest[start..].find('}') else { break };
        let name = &rest[start + 1..start + len];
        if let Some(p) = op.parameters.iter().find(|p| p.location == ParamLocation::Path && p.wire_name == name) {
            let arg = ident(&p.rust_name);
            format.push_str("{}");
            args.push(quote! { #arg });
        }
        rest = &rest[start + len + 1..];
    }
    format.push_str(&escape_braces(rest));
    match args.as_slice() {
        [arg] if format == "{}" => quote! { &#arg },
        _ => quote! { &format!(#format #(, #args)*) },
    }
}

/// The runtime's description of a parameter: `crate::param::Param`, with its name, style,
/// explosion, and the flags the model set.
fn param(p: &Parameter) -> TokenStream {
    let wire = &p.wire_name;
    let style = format_ident!("{}", super::rust::param_style(p.style));
    let explode = p.explode;
    let new = quote! { Param::new(#wire, Style::#style, #explode) };
    let json = p.json.then(|| quote! { json: true, });
    let reserved = p.allow_reserved.then(|| quote! { allow_reserved: true, });
    if p.json || p.allow_reserved {
        quote! { Param { #json #reserved ..#new } }
    } else {
        new
    }
}

/// Each path parameter's argument, rebound to its text in the path: written by its style
/// and percent-encoded.
fn path_values(op: &Operation) -> Vec<TokenStream> {
    op.parameters
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .map(|p| {
            let arg = ident(&p.rust_name);
            let param = param(p);
            quote! { let #arg = #param.path(&#arg)?; }
        })
        .collect()
}

fn escape_braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// Writes one parameter's value through `write` (the `Param` method that adds it to the
/// query, the headers or the cookies), when it is set.
fn param_push(names: &Names, p: &Parameter, write: impl Fn(TokenStream, TokenStream) -> TokenStream) -> TokenStream {
    let Names { params, value, .. } = names;
    let field = ident(&p.rust_name);
    let param = param(p);
    if p.required {
        write(param, quote! { &#params.#field })
    } else {
        let write = write(param, quote! { #value });
        quote! { if let Some(#value) = &#params.#field { #write } }
    }
}
