//! Decides the views of every type, once: which Rust types a schema becomes, the fields each
//! has and how each is wrapped and boxed, the serde traits each implements, whether it
//! validates or is sent as a form, and the names of every method its impl blocks have.
//! Emission prints these decisions and makes none of its own.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;

use super::Facts;
use super::graph::{self, Child, Usage};
use crate::model::*;
use crate::naming::{self, Scope};

/// Gives every type its views.
pub(super) fn decide(
    types: &mut IndexMap<TypeId, TypeDef>,
    facts: &IndexMap<TypeId, Facts>,
    operations: &[Operation],
    received: &[TypeRef],
    type_names: &mut Scope,
) {
    convertible_unions(types);
    let filled = filled_fields(types);
    let usage = graph::usage(types, operations, received);
    let usage_of = |id: &TypeId| usage.get(id).copied().unwrap_or_default();
    // A type is direction-sensitive when a property differs by direction, or when it holds
    // a sensitive type: a shared view cannot name a type that has two.
    let seeds = facts.iter().filter(|(_, f)| f.direction_sensitive).map(|(id, _)| id.clone());
    let sensitive = graph::spread_to_holders(types, seeds, |_, _| true);
    let sides: IndexMap<TypeId, Vec<(Side, String)>> = types
        .keys()
        .map(|id| {
            let name = facts[id].name.clone();
            let Usage { request, response } = usage_of(id);
            // A sensitive type used both ways, or not at all (a schema no operation uses, which
            // a caller may still send or receive), has a view for each way.
            let sides = match (request, response) {
                (true, true) | (false, false) if sensitive.contains(id) => {
                    let request = type_names.claim(&format!("{name}Request"));
                    vec![(Side::Response, name), (Side::Request, request)]
                }
                (true, false) => vec![(Side::Request, name)],
                (false, true) => vec![(Side::Response, name)],
                _ => vec![(Side::Both, name)],
            };
            (id.clone(), sides)
        })
        .collect();
    let received_only = |id: &TypeId| sides[id].iter().all(|(side, _)| *side == Side::Response);

    // A struct validates when a property it sends has a limit, or holds (in lists and maps at
    // any depth) a struct that validates. A type only ever received is never checked.
    let is_struct = |id: &TypeId| matches!(types[id].kind, TypeKind::Struct(_));
    let constrained = types.iter().filter(|(id, def)| {
        let TypeKind::Struct(s) = &def.kind else { return false };
        !received_only(id) && s.fields.iter().any(|f| f.request != Presence::Absent && !f.constraints.is_empty())
    });
    let seeds: Vec<TypeId> = constrained.map(|(id, _)| id.clone()).collect();
    let validating = graph::spread_to_holders(types, seeds, |holder, child| {
        is_struct(holder) && !received_only(holder) && child.travels(Direction::Request)
    });

    let recursion = graph::recursion(types);
    let always_decoded = always_decoded(types, facts, &sides);

    // The structs some operation sends as a form or multipart body, by the view it sends.
    let mut forms: BTreeSet<(TypeId, Encoding)> = BTreeSet::new();
    // The styles form bodies' encodings ask for, and the parts of multipart bodies, by type and
    // field (the first operation's).
    let mut form_styles: BTreeMap<(TypeId, String), FieldStyle> = BTreeMap::new();
    let mut parts: BTreeMap<(TypeId, String), PartEncoding> = BTreeMap::new();
    let mut extra_parts: BTreeMap<TypeId, PartEncoding> = BTreeMap::new();
    for body in operations.iter().filter_map(|op| op.body.as_ref()) {
        for variant in &body.variants {
            if let (TypeRef::Named(id), Encoding::Form | Encoding::Multipart) = (&variant.ty, variant.encoding) {
                if is_struct(id) {
                    forms.insert((id.clone(), variant.encoding));
                    if variant.encoding == Encoding::Form {
                        for (name, style) in &body.form_styles {
                            form_styles.entry((id.clone(), name.clone())).or_insert(*style);
                        }
                    }
                    if let (Encoding::Multipart, Some(multipart)) = (variant.encoding, &body.multipart) {
                        for (name, part) in &multipart.parts {
                            parts.entry((id.clone(), name.clone())).or_insert_with(|| part.clone());
                        }
                        if let Some(other) = &multipart.other {
                            extra_parts.entry(id.clone()).or_insert_with(|| other.clone());
                        }
                    }
                }
            }
        }
    }

    for (id, def) in types.iter_mut() {
        let fact = &facts[id];
        let counterpart = |side: Side| {
            let others = &sides[id];
            (others.len() > 1).then(|| others.iter().find(|(s, _)| *s != side).map(|(_, n)| n.clone())).flatten()
        };
        let views = sides[id]
            .iter()
            .map(|(side, name)| {
                let side = *side;
                let serde = if fact.parameters {
                    SerdeImpls::None
                } else if side == Side::Request && !always_decoded.contains(id) {
                    SerdeImpls::DeserializeWithFeature
                } else {
                    SerdeImpls::Both
                };
                let mut view = View {
                    name: name.clone(),
                    side,
                    serde,
                    fields: Vec::new(),
                    methods: None,
                    mismatches: (matches!(def.kind, TypeKind::Union(_)) && serde == SerdeImpls::Both)
                        .then(|| Scope::new().claim(naming::MISMATCHES)),
                    note: fact.request_note.clone().filter(|_| side == Side::Request),
                    counterpart: counterpart(side),
                    extra_part: None,
                    has_id: None,
                    docs: Vec::new(),
                };
                if let TypeKind::Struct(s) = &def.kind {
                    let sent = side.sent();
                    let validates = sent && validating.contains(id);
                    let sends_as = |encoding| sent && forms.contains(&(id.clone(), encoding));
                    let mut scope = Scope::with_reserved(naming::STRUCT_METHODS);
                    let method = |name: &str, wanted: bool| wanted.then(|| name.to_owned());
                    view.methods = Some(StructMethods {
                        new: "new".to_owned(),
                        validate: method("validate", validates),
                        form_pairs: method("form_pairs", sends_as(Encoding::Form)),
                        multipart_parts: method("multipart_parts", sends_as(Encoding::Multipart)),
                        extra_setter: None,
                    });
                    view.fields = struct_fields(id, s, side, &recursion, &filled, &mut scope);
                    if sends_as(Encoding::Form) {
                        for field in &mut view.fields {
                            let key = (id.clone(), s.fields[field.index].wire_name.clone());
                            field.form_style = form_styles.get(&key).copied();
                        }
                    }
                    if sends_as(Encoding::Multipart) {
                        for field in &mut view.fields {
                            let key = (id.clone(), s.fields[field.index].wire_name.clone());
                            field.part = parts.get(&key).cloned();
                        }
                        view.extra_part = s.extra.as_ref().and_then(|_| extra_parts.get(id).cloned());
                    }
                    if sends_as(Encoding::Form) || sends_as(Encoding::Multipart) {
                        form_defaults(s, &mut view.fields, sends_as(Encoding::Form));
                    }
                    if let (Some(methods), Some(_)) = (&mut view.methods, &s.extra) {
                        methods.extra_setter = Some(scope.claim(naming::EXTRA_SETTER));
                    }
                    if validates {
                        let mut statics = Scope::new();
                        for field in &mut view.fields {
                            if s.fields[field.index].constraints.pattern.is_some() {
                                field.pattern = Some(
                                    statics.claim(&naming::static_name(&s.fields[field.index].rust_name, "pattern")),
                                );
                            }
                        }
                    }
                }
                view
            })
            .collect();
        def.views = views;
        if let TypeKind::Union(u) = &mut def.kind {
            for (index, variant) in u.variants.iter_mut().enumerate() {
                variant.boxed = recursion.variants.contains(&(id.clone(), index));
            }
        }
    }
    has_ids(types, operations, received);
}

/// Decides which views implement the runtime's `HasId`: those an `Expandable` holds (and a
/// union's alternatives) that carry their id in that view, a struct by its required `String`
/// field `id`, a union when each of its alternatives has it.
fn has_ids(types: &mut IndexMap<TypeId, TypeDef>, operations: &[Operation], received: &[TypeRef]) {
    let mut held: BTreeSet<TypeId> = BTreeSet::new();
    let mut note = |ty: &TypeRef| {
        let mut ty = ty;
        while let TypeRef::List(inner) | TypeRef::Map(inner) = ty {
            ty = inner;
        }
        if let TypeRef::Expandable(inner) = ty {
            if let TypeRef::Named(id) = inner.as_ref() {
                held.insert(id.clone());
            }
        }
    };
    for def in types.values() {
        graph::children(&def.kind).for_each(|child| note(child.ty));
    }
    for op in operations {
        let bodies = op.body.iter().flat_map(|b| b.content.values());
        let responses = op.responses.values().flat_map(|r| r.content.values());
        op.parameters.iter().map(|p| &p.ty).chain(bodies).chain(responses).for_each(&mut note);
    }
    received.iter().for_each(note);
    let alternatives: Vec<TypeId> = held
        .iter()
        .filter_map(|id| match &types[id].kind {
            TypeKind::Union(u) => Some(u.variants.iter().filter_map(|v| match &v.ty {
                TypeRef::Named(target) => Some(target.clone()),
                _ => None,
            })),
            _ => None,
        })
        .flatten()
        .collect();
    held.extend(alternatives);
    // Structs first: a union has it when every alternative's view of its direction does.
    for id in &held {
        let def = &mut types[id];
        let TypeKind::Struct(s) = &def.kind else { continue };
        for view in &mut def.views {
            let field = view.fields.iter().find(|vf| {
                let f = &s.fields[vf.index];
                f.wire_name == "id"
                    && vf.wrapper == Wrapper::Plain
                    && !vf.boxed
                    && f.ty == TypeRef::Scalar(Scalar::String)
            });
            view.has_id = field.map(|vf| IdSource::Field(s.fields[vf.index].rust_name.clone()));
        }
    }
    for id in &held {
        let TypeKind::Union(u) = &types[id].kind else { continue };
        let sides: Vec<bool> = types[id]
            .views
            .iter()
            .map(|view| {
                u.variants.iter().all(|v| match &v.ty {
                    TypeRef::Named(target) => types[target].view(view.side.names()).has_id.is_some(),
                    _ => false,
                })
            })
            .collect();
        for (view, has) in types[id].views.iter_mut().zip(sides) {
            view.has_id = has.then_some(IdSource::Variants);
        }
    }
}

/// The fields of a struct's view on `side`, each wrapped, boxed and with its setters named
/// in the impl's `scope` (after the methods that are not setters).
fn struct_fields(
    id: &TypeId,
    s: &Struct,
    side: Side,
    recursion: &graph::Recursion,
    filled: &Filled,
    scope: &mut Scope,
) -> Vec<ViewField> {
    let mut fields = Vec::new();
    for (index, f) in s.fields.iter().enumerate() {
        let presence = match side {
            Side::Request => f.request,
            Side::Response => f.response,
            // A shared view has every property; it is built as a request is.
            Side::Both if f.request == Presence::Absent && f.response == Presence::Absent => continue,
            Side::Both => f.request,
        };
        if presence == Presence::Absent && side != Side::Both {
            continue;
        }
        // A required property of one allowed value is filled in by its type. An optional one
        // stays the caller's to send or not: leaving it out may mean something else (Spotify's
        // `include_external=audio` widens a search).
        let only = match &f.ty {
            TypeRef::Named(target) if !f.nullable && presence == Presence::Required => filled.only.get(target),
            _ => None,
        };
        let fixed = only.map(|variant| Fixed {
            variant: variant.clone(),
            may_be_absent: f.request != Presence::Required || f.response != Presence::Required,
        });
        let wrapper = match (presence, f.nullable) {
            _ if fixed.is_some() => Wrapper::Plain,
            (Presence::Required, false) => Wrapper::Plain,
            (Presence::Required, true) => Wrapper::OptionAlwaysWritten,
            (_, true) if side.sent() => Wrapper::OptionNullable,
            _ => Wrapper::Option,
        };
        let setter = (wrapper != Wrapper::Plain).then(|| scope.claim(&f.rust_name));
        let null_setter =
            (wrapper == Wrapper::OptionNullable).then(|| scope.claim(&naming::derived_name(&f.rust_name, "null")));
        fields.push(ViewField {
            index,
            wrapper,
            boxed: recursion.fields.contains(&(id.clone(), index)),
            setter,
            null_setter,
            pattern: None,
            form_default: Vec::new(),
            form_style: None,
            part: None,
            fixed,
            into: filled.converts(&f.ty),
            docs: Vec::new(),
        });
    }
    fields
}

/// What the fields of structs need to know of the types they hold.
struct Filled {
    /// The one-value enums, each with the Rust name of its only variant.
    only: BTreeMap<TypeId, String>,
    /// The unions some value converts into ([`Union::converts`]).
    converting: BTreeSet<TypeId>,
    /// The aliases, each with its target.
    aliases: BTreeMap<TypeId, TypeRef>,
}

impl Filled {
    /// Whether values convert into `ty` (a union, an `Expandable`, or an alias of one), so that
    /// setters take `impl Into<T>`.
    fn converts(&self, ty: &TypeRef) -> bool {
        match resolved(&self.aliases, ty, 0) {
            TypeRef::Named(id) => self.converting.contains(&id),
            // An id converts (`From<&str>`, `From<String>`).
            TypeRef::Expandable(_) => true,
            _ => false,
        }
    }
}

fn filled_fields(types: &IndexMap<TypeId, TypeDef>) -> Filled {
    let mut filled = Filled { only: BTreeMap::new(), converting: BTreeSet::new(), aliases: aliases(types) };
    for (id, def) in types {
        match &def.kind {
            TypeKind::Enum(e) => {
                if let Some(only) = e.only() {
                    filled.only.insert(id.clone(), only.rust_name.clone());
                }
            }
            TypeKind::Union(u) if u.converts() => {
                filled.converting.insert(id.clone());
            }
            _ => {}
        }
    }
    filled
}

/// Every alias with its target.
fn aliases(types: &IndexMap<TypeId, TypeDef>) -> BTreeMap<TypeId, TypeRef> {
    types
        .iter()
        .filter_map(|(id, def)| match &def.kind {
            TypeKind::Alias(target) => Some((id.clone(), target.clone())),
            _ => None,
        })
        .collect()
}

/// `ty` as the Rust type it is spelled as names it: aliases followed, at any depth, and a URI
/// as the `String` it is.
fn resolved(aliases: &BTreeMap<TypeId, TypeRef>, ty: &TypeRef, depth: usize) -> TypeRef {
    if depth > crate::tree::MAX_DEPTH {
        return ty.clone();
    }
    match ty {
        TypeRef::Named(id) => match aliases.get(id) {
            Some(target) => resolved(aliases, target, depth + 1),
            None => ty.clone(),
        },
        TypeRef::Scalar(Scalar::Uri) => TypeRef::Scalar(Scalar::String),
        TypeRef::List(item) => TypeRef::List(Box::new(resolved(aliases, item, depth + 1))),
        TypeRef::Map(value) => TypeRef::Map(Box::new(resolved(aliases, value, depth + 1))),
        other => other.clone(),
    }
}

/// Decides the `From` conversions of every union (ARCHITECTURE.md, "Union conversions"):
/// from the type of each variant that no other variant shares (as Rust spells it, aliases
/// followed), but for the union itself and any JSON value; and from `&str` into the one
/// variant that holds a `String`.
fn convertible_unions(types: &mut IndexMap<TypeId, TypeDef>) {
    let aliases = aliases(types);
    for (id, def) in types.iter_mut() {
        let TypeKind::Union(u) = &mut def.kind else { continue };
        let keys: Vec<TypeRef> = u.variants.iter().map(|v| resolved(&aliases, &v.ty, 0)).collect();
        let unique = |key: &TypeRef| keys.iter().filter(|k| *k == key).count() == 1;
        for (variant, key) in u.variants.iter_mut().zip(&keys) {
            variant.from = unique(key) && *key != TypeRef::Any && *key != TypeRef::Named(id.clone());
        }
        u.from_str = keys.iter().position(|k| *k == TypeRef::Scalar(Scalar::String)).filter(|&i| u.variants[i].from);
    }
}

/// What a form or multipart body sends for each optional field left unset: its default, when
/// it declares one. A server applies its own default to a field missing from JSON, but one that
/// reads forms as HTML does (Django REST framework among them) takes a missing boolean as
/// `false`; sent, the default means the same in every encoding. A multipart part whose content
/// is JSON is read as JSON, so it gets none (unless the view is sent as a form too).
fn form_defaults(s: &Struct, fields: &mut [ViewField], form: bool) {
    for field in fields {
        let f = &s.fields[field.index];
        let json_part = field.part.as_ref().is_some_and(|part| part.kind == PartKind::Json);
        if matches!(field.wrapper, Wrapper::Option | Wrapper::OptionNullable)
            && !f.ty.is_file_part()
            && (form || !json_part)
        {
            field.form_default = f.default.as_ref().map(Literal::form_texts).unwrap_or_default();
        }
    }
}

/// The types whose request view derives `Deserialize` whatever the crate's features, because
/// a view that always derives it holds the view.
///
/// A view only ever sent derives `Deserialize` only with the `deserialize-requests` feature.
/// Every other view (a response view, a type used both ways, a schema no operation uses)
/// always derives it, and so must every view it holds: the policy is closed over the type
/// graph, so no crate can ask for a `Deserialize` that is not there.
fn always_decoded(
    types: &IndexMap<TypeId, TypeDef>,
    facts: &IndexMap<TypeId, Facts>,
    sides: &IndexMap<TypeId, Vec<(Side, String)>>,
) -> BTreeSet<TypeId> {
    let mut marked = BTreeSet::new();
    let mut stack: Vec<(&TypeId, Side)> = sides
        .iter()
        .flat_map(|(id, views)| {
            views.iter().filter(|(side, _)| *side != Side::Request).map(move |(side, _)| (id, *side))
        })
        .collect();
    while let Some((id, side)) = stack.pop() {
        if facts[id].parameters {
            continue;
        }
        let shown = |c: &Child<'_>| match side {
            Side::Request => c.travels(Direction::Request),
            Side::Response => c.travels(Direction::Response),
            Side::Both => c.travels(Direction::Request) || c.travels(Direction::Response),
        };
        for child in graph::children(&types[id].kind).filter(shown) {
            let Some(target) = graph::named_within(child.ty) else { continue };
            let Some(views) = sides.get(target) else { continue };
            // A view names the views of its own direction; a shared one names response views.
            let named = match side.names() {
                Direction::Request => views.iter().find(|(s, _)| *s == Side::Request),
                Direction::Response => views.iter().find(|(s, _)| *s == Side::Response),
            }
            .unwrap_or(&views[0]);
            if named.0 == Side::Request && marked.insert(target.clone()) {
                stack.push((target, Side::Request));
            }
        }
    }
    marked
}
