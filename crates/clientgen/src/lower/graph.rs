//! Passes over the type graph, each a free function over [`children`]: newtypes for arrays and
//! maps that hold themselves, alias cycles, usage per direction, facts that spread from a
//! type to every type holding it (direction sensitivity, validation), and recursion.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;

use crate::diag::Diagnostic;
use crate::model::*;

/// A type held directly by another: a field's type, the type an alias or newtype names, or
/// an alternative's type.
#[derive(Clone, Copy)]
pub(super) struct Child<'a> {
    /// The property it is held in, with its index, when the holder is a struct.
    pub field: Option<(usize, &'a Field)>,
    /// The type held.
    pub ty: &'a TypeRef,
}

impl Child<'_> {
    /// Whether it is part of the values travelling in `direction`: a property absent there
    /// (readOnly in requests, writeOnly in responses) is not.
    pub fn travels(&self, direction: Direction) -> bool {
        self.field.is_none_or(|(_, f)| f.presence(direction) != Presence::Absent)
    }
}

/// The types a value of `kind` holds directly, in declaration order.
pub(super) fn children(kind: &TypeKind) -> impl Iterator<Item = Child<'_>> {
    // A struct's map of extra properties is held like an alias's target: in every view.
    let (fields, target, variants): (&[Field], Option<&TypeRef>, &[UnionVariant]) = match kind {
        TypeKind::Struct(s) => (&s.fields, s.extra.as_ref().map(|e| &e.ty), &[]),
        TypeKind::Alias(target) | TypeKind::Newtype(target) => (&[], Some(target), &[]),
        TypeKind::Union(u) => (&[], None, &u.variants),
        TypeKind::Enum(_) => (&[], None, &[]),
    };
    let fields = fields.iter().enumerate().map(|(i, f)| Child { field: Some((i, f)), ty: &f.ty });
    let target = target.map(|ty| Child { field: None, ty });
    let variants = variants.iter().map(|v| Child { field: None, ty: &v.ty });
    fields.chain(target).chain(variants)
}

/// The named type `ty` is, or holds in lists and maps at any depth.
pub(super) fn named_within(ty: &TypeRef) -> Option<&TypeId> {
    match ty {
        TypeRef::Named(id) => Some(id),
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Expandable(inner) => named_within(inner),
        TypeRef::Scalar(_) | TypeRef::Any => None,
    }
}

/// The named type held by value (not behind a `Vec` or map), if any.
fn by_value(ty: &TypeRef) -> Option<&TypeId> {
    match ty {
        TypeRef::Named(id) => Some(id),
        _ => None,
    }
}

/// The strongly connected components of the graph `edges`: for each node, the number of its
/// component. Two nodes reach each other exactly when their numbers are equal, so "does this
/// edge lead back to where it starts" is one lookup instead of a search per edge (which made
/// a chain of N types cost N searches of up to N steps). Tarjan's algorithm, with an explicit
/// stack: specs nest deeper than a thread's stack.
fn components<'a>(edges: &HashMap<&'a TypeId, Vec<&'a TypeId>>) -> HashMap<&'a TypeId, usize> {
    let mut index: HashMap<&TypeId, usize> = HashMap::new();
    let mut low: HashMap<&TypeId, usize> = HashMap::new();
    let mut component: HashMap<&TypeId, usize> = HashMap::new();
    let mut open: Vec<&TypeId> = Vec::new();
    let mut on_open: BTreeSet<&TypeId> = BTreeSet::new();
    let no_edges = Vec::new();
    let mut components = 0;
    for &root in edges.keys() {
        if index.contains_key(root) {
            continue;
        }
        // Each frame: a node and how many of its edges have been followed.
        let mut frames: Vec<(&TypeId, usize)> = vec![(root, 0)];
        index.insert(root, index.len());
        low.insert(root, index[root]);
        open.push(root);
        on_open.insert(root);
        while let Some(&mut (node, ref mut next)) = frames.last_mut() {
            let targets = edges.get(node).unwrap_or(&no_edges);
            if let Some(&target) = targets.get(*next) {
                *next += 1;
                if !index.contains_key(target) {
                    index.insert(target, index.len());
                    low.insert(target, index[target]);
                    open.push(target);
                    on_open.insert(target);
                    frames.push((target, 0));
                } else if on_open.contains(target) {
                    let lowest = low[node].min(index[target]);
                    low.insert(node, lowest);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                let lowest = low[parent].min(low[node]);
                low.insert(parent, lowest);
            }
            if low[node] == index[node] {
                while let Some(member) = open.pop() {
                    on_open.remove(member);
                    component.insert(member, components);
                    if member == node {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

/// Whether an edge `from → to` lies on a cycle (`to` leads back to `from`), by the
/// [`components`] of its graph.
fn on_cycle(components: &HashMap<&TypeId, usize>, from: &TypeId, to: &TypeId) -> bool {
    from == to || components.get(from).is_some_and(|c| components.get(to) == Some(c))
}

/// The edges between aliases: each alias to the named type its target is or holds.
fn alias_edges(types: &IndexMap<TypeId, TypeDef>) -> HashMap<&TypeId, Vec<&TypeId>> {
    types
        .iter()
        .filter(|(_, def)| matches!(def.kind, TypeKind::Alias(_)))
        .map(|(id, def)| (id, children(&def.kind).filter_map(|c| named_within(c.ty)).collect()))
        .collect()
}

/// Makes a newtype of each alias of an array or map that leads back to itself (`A: {type:
/// array, items: {$ref: B}}`, `B: {$ref: A}`): `pub struct A(pub Vec<B>)` holds what `type A
/// = Vec<B>` cannot.
pub(super) fn make_newtypes(types: &mut IndexMap<TypeId, TypeDef>) {
    let containers: Vec<TypeId> = {
        let edges = alias_edges(types);
        let components = components(&edges);
        types
            .iter()
            .filter(|(id, def)| {
                matches!(&def.kind, TypeKind::Alias(TypeRef::List(_) | TypeRef::Map(_)))
                    && edges[id].iter().any(|next| on_cycle(&components, id, next))
            })
            .map(|(id, _)| id.clone())
            .collect()
    };
    for id in containers {
        let kind = &mut types[&id].kind;
        if let TypeKind::Alias(target) = kind {
            *kind = TypeKind::Newtype(target.clone());
        }
    }
}

/// Reports each cycle of aliases (`A: {$ref: B}`, `B: {$ref: A}`, or `A` a nullable `A`):
/// with nothing but names on the way, no Rust type can hold it. Once per cycle, at its first
/// member. Also reports aliases of aliases nested more than `MAX_DEPTH` deep, which emission
/// would follow one level at a time.
pub(super) fn check_aliases(types: &IndexMap<TypeId, TypeDef>) -> Vec<Diagnostic> {
    let all = alias_edges(types);
    let edges: IndexMap<&TypeId, Vec<&TypeId>> = types
        .keys()
        .filter_map(|id| all.get_key_value(id))
        .map(|(id, targets)| (*id, targets.iter().copied().filter(|t| all.contains_key(*t)).collect()))
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
    let mut errors = Vec::new();
    for cycle in cycles {
        let names: Vec<&str> = cycle.iter().chain(cycle.first()).map(|id| types[*id].original_name.as_str()).collect();
        errors.push(Diagnostic::at(
            cycle[0].0.clone(),
            format!(
                "the schema is defined only through itself ({}); no Rust type can express that, so make one of \
                 them an object",
                names.join(" → ")
            ),
        ));
    }
    if let Some(id) = too_long {
        errors.push(Diagnostic::at(
            id.0.clone(),
            format!("aliases of aliases nest more than {} deep here", crate::tree::MAX_DEPTH),
        ));
    }
    errors
}

/// Which directions a type travels in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Usage {
    /// Reachable from a request body or parameter.
    pub request: bool,
    /// Reachable from a response body.
    pub response: bool,
}

impl Usage {
    fn set(&mut self, direction: Direction) -> bool {
        let flag = match direction {
            Direction::Request => &mut self.request,
            Direction::Response => &mut self.response,
        };
        !std::mem::replace(flag, true)
    }
}

/// The directions each type travels in: every type reachable from a request (parameters,
/// bodies) or a response, through the properties present in that direction. What the API sends
/// to its users (`received`: webhook payloads) is received, like a response.
pub(super) fn usage(
    types: &IndexMap<TypeId, TypeDef>,
    operations: &[Operation],
    received: &[TypeRef],
) -> HashMap<TypeId, Usage> {
    let mut usage: HashMap<TypeId, Usage> = HashMap::new();
    let mut stack: Vec<(&TypeRef, Direction)> = Vec::new();
    let params: Vec<TypeRef> =
        operations.iter().flat_map(Operation::argument_structs).cloned().map(TypeRef::Named).collect();
    stack.extend(params.iter().map(|ty| (ty, Direction::Request)));
    stack.extend(received.iter().map(|ty| (ty, Direction::Response)));
    for op in operations {
        stack.extend(op.parameters.iter().map(|p| (&p.ty, Direction::Request)));
        stack.extend(op.body.iter().flat_map(|b| b.content.values()).map(|ty| (ty, Direction::Request)));
        stack.extend(op.responses.values().flat_map(|r| r.content.values()).map(|ty| (ty, Direction::Response)));
    }
    while let Some((ty, direction)) = stack.pop() {
        let Some(id) = named_within(ty) else { continue };
        let Some(def) = types.get(id) else { continue };
        if usage.entry(id.clone()).or_default().set(direction) {
            stack.extend(children(&def.kind).filter(|c| c.travels(direction)).map(|c| (c.ty, direction)));
        }
    }
    usage
}

/// The types marked `seeds` and every type that holds one of them, directly or through
/// others, along the children `follow` accepts (holder, child). Linear in the size of the
/// graph: each edge is walked once, backwards.
pub(super) fn spread_to_holders(
    types: &IndexMap<TypeId, TypeDef>,
    seeds: impl IntoIterator<Item = TypeId>,
    follow: impl Fn(&TypeId, &Child<'_>) -> bool,
) -> BTreeSet<TypeId> {
    let mut holders: HashMap<&TypeId, Vec<&TypeId>> = HashMap::new();
    for (id, def) in types {
        for child in children(&def.kind).filter(|c| follow(id, c)) {
            if let Some(target) = named_within(child.ty) {
                holders.entry(target).or_default().push(id);
            }
        }
    }
    let mut marked: BTreeSet<TypeId> = seeds.into_iter().collect();
    let mut stack: Vec<TypeId> = marked.iter().cloned().collect();
    while let Some(id) = stack.pop() {
        for &holder in holders.get(&id).into_iter().flatten() {
            if marked.insert(holder.clone()) {
                stack.push(holder.clone());
            }
        }
    }
    marked
}

/// Where a type would hold itself by value: the struct fields (type, index) and union
/// alternatives (type, index) whose type leads back to the type holding them, which must be
/// boxed for the type to have a size.
#[derive(Debug, Default)]
pub(super) struct Recursion {
    pub fields: BTreeSet<(TypeId, usize)>,
    pub variants: BTreeSet<(TypeId, usize)>,
}

/// Finds every by-value field and alternative whose type leads back to its holder.
pub(super) fn recursion(types: &IndexMap<TypeId, TypeDef>) -> Recursion {
    let edges: HashMap<&TypeId, Vec<&TypeId>> =
        types.iter().map(|(id, def)| (id, children(&def.kind).filter_map(|c| by_value(c.ty)).collect())).collect();
    let components = components(&edges);
    let mut found = Recursion::default();
    for (id, def) in types {
        let held = children(&def.kind).filter(|_| matches!(def.kind, TypeKind::Struct(_) | TypeKind::Union(_)));
        let mut variant = 0;
        for child in held {
            let cyclic = by_value(child.ty).is_some_and(|target| on_cycle(&components, id, target));
            match child.field {
                Some((index, _)) if cyclic => {
                    found.fields.insert((id.clone(), index));
                }
                Some(_) => {}
                None => {
                    if cyclic {
                        found.variants.insert((id.clone(), variant));
                    }
                    variant += 1;
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_join_exactly_the_types_that_reach_each_other() {
        // 0 → 1 → … → 9999, with 9999 → 5000 closing a loop over the second half, and 3 → 3.
        let ids: Vec<TypeId> = (0..10_000).map(|i| TypeId(format!("T{i}"))).collect();
        let mut edges: HashMap<&TypeId, Vec<&TypeId>> = HashMap::new();
        for pair in ids.windows(2) {
            edges.entry(&pair[0]).or_default().push(&pair[1]);
        }
        edges.entry(&ids[9_999]).or_default().push(&ids[5_000]);
        edges.entry(&ids[3]).or_default().push(&ids[3]);
        let components = components(&edges);
        assert!(on_cycle(&components, &ids[9_999], &ids[5_000]));
        assert!(on_cycle(&components, &ids[6_000], &ids[6_001]));
        assert!(on_cycle(&components, &ids[3], &ids[3]));
        assert!(!on_cycle(&components, &ids[4_999], &ids[5_000]));
        assert!(!on_cycle(&components, &ids[0], &ids[1]));
        assert!(!on_cycle(&components, &ids[2], &ids[3]));
    }
}
