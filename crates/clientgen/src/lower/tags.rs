//! Tag features: whether a large API's crate gets a cargo feature per tag, each feature's
//! name, the features of each operation and the one feature (if any) each type is behind.
//!
//! Operations without a tag join the feature named like their path's resource segment (the
//! first that is no version or `api` prefix: `customers` of `/v1/customers`): the tag feature
//! of that name, or one made for the segment. An API without tags gets features so, one per
//! resource, by the same rules as tags. Left always compiled, they would keep
//! everything they reach (openai's untagged `/responses/compact` reaches most of
//! `responses`) out of the features.
//!
//! A type is behind a feature when every operation that reaches it, through any chain of
//! fields, aliases and alternatives, has that one feature. A type reached by operations of
//! several features, by an operation whose path starts with a parameter, by an operation of several tags, by an error
//! body (`types::ErrorBody` is always compiled) or by a webhook is always compiled. A type
//! no operation reaches at all is behind `full`. Reachability is a walk over the type graph in which each type changes
//! state at most twice (unreached, one feature, always; then `full` fills what is left), so the pass is linear.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::OpenAPI;

use super::graph::{children, named_within};
use crate::model::*;
use crate::naming::{self, Scope};

/// Whether the crate gets a cargo feature per tag.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TagFeatures {
    /// On for an API of at least [`AUTO_OPERATIONS`] operations and two tags, unless the spec
    /// says otherwise with [`EXTENSION`].
    #[default]
    Auto,
    /// On whenever the operations have tags.
    On,
    /// Never.
    Off,
}

impl std::str::FromStr for TagFeatures {
    type Err = String;

    /// `auto`, `on` or `off`, as the settings file and the command's flag spell it.
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "auto" => Ok(TagFeatures::Auto),
            "on" => Ok(TagFeatures::On),
            "off" => Ok(TagFeatures::Off),
            other => Err(format!("tag features are `auto`, `on` or `off`, not `{other}`")),
        }
    }
}

/// The number of operations from which [`TagFeatures::Auto`] turns tag features on.
/// ARCHITECTURE.md ("Tag features") gives the measurements behind it.
pub const AUTO_OPERATIONS: usize = 100;

/// The root extension (`true` or `false`) that decides for the spec when the option is
/// [`TagFeatures::Auto`].
pub const EXTENSION: &str = "x-clientgen-tag-features";

/// Where a type stands: reached by nothing yet, by the operations of one feature, or by
/// something that makes it always compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Gate {
    One(String),
    Always,
}

/// Decides the tag features: `operations[i].features` holds the spec's tags on entry, and
/// the features' names (or nothing) on return.
pub(super) fn decide(
    doc: &OpenAPI,
    option: TagFeatures,
    types: &mut IndexMap<TypeId, TypeDef>,
    operations: &mut [Operation],
    error_body: Option<&ErrorBody>,
    received: &[TypeRef],
) -> Vec<TagFeature> {
    let mut used: IndexMap<&str, usize> = IndexMap::new();
    // The spec's own order of tags first, then the order operations name the others.
    for tag in &doc.tags {
        used.insert(tag.name.as_str(), 0);
    }
    for op in operations.iter() {
        let mut seen: Vec<&str> = Vec::new();
        for tag in &op.features {
            if !seen.contains(&tag.as_str()) {
                seen.push(tag);
                *used.entry(tag.as_str()).or_default() += 1;
            }
        }
    }
    used.retain(|_, count| *count > 0);
    // The features there would be: one per tag, and one per resource segment of the
    // operations without a tag that no tag feature takes in.
    let mut kinds: Vec<String> = used.keys().map(|tag| naming::feature_name(tag)).collect();
    for op in operations.iter().filter(|op| op.features.is_empty()) {
        if let Some(segment) = super::groups::resource_segment(&op.path).map(naming::feature_name) {
            if !kinds.contains(&segment) {
                kinds.push(segment);
            }
        }
    }
    let wanted = match option {
        TagFeatures::Off => false,
        TagFeatures::On => !kinds.is_empty(),
        TagFeatures::Auto => match doc.extensions.get(EXTENSION).and_then(serde_json::Value::as_bool) {
            Some(on) => on && !kinds.is_empty(),
            None => operations.len() >= AUTO_OPERATIONS && kinds.len() >= 2,
        },
    };
    if !wanted {
        for op in operations.iter_mut() {
            op.features.clear();
        }
        return Vec::new();
    }
    let mut scope = Scope::with_reserved(naming::CRATE_FEATURES);
    let mut features: Vec<TagFeature> = used
        .iter()
        .map(|(&tag, &count)| TagFeature {
            tag: Some(tag.to_owned()),
            paths: Vec::new(),
            feature: scope.claim(&naming::feature_name(tag)),
            doc: doc.tags.iter().find(|t| t.name == tag).and_then(|t| t.description.clone()),
            operations: count,
        })
        .collect();
    let by_tag: HashMap<String, String> =
        features.iter().filter_map(|f| Some((f.tag.clone()?, f.feature.clone()))).collect();
    // An operation without a tag joins the feature named like its path's first segment: the
    // tag feature of that name (`/responses/compact` joins `responses`), or one of its own.
    let mut by_segment: HashMap<String, usize> =
        used.keys().enumerate().map(|(index, tag)| (naming::feature_name(tag), index)).collect();
    for op in operations.iter_mut() {
        if !op.features.is_empty() {
            let mut names: Vec<String> = Vec::new();
            for tag in &op.features {
                let name = by_tag[tag.as_str()].clone();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            op.features = names;
            continue;
        }
        // A path that starts with a parameter names no group: the operation stays always
        // compiled.
        let Some(segment) = super::groups::resource_segment(&op.path) else { continue };
        let base = naming::feature_name(segment);
        let index = *by_segment.entry(base.clone()).or_insert_with(|| {
            features.push(TagFeature {
                tag: None,
                paths: Vec::new(),
                feature: scope.claim(&base),
                doc: None,
                operations: 0,
            });
            features.len() - 1
        });
        let feature = &mut features[index];
        feature.operations += 1;
        let path = format!("/{segment}");
        if !feature.paths.contains(&path) {
            feature.paths.push(path);
        }
        op.features = vec![feature.feature.clone()];
    }
    let gates = gates(types, operations, error_body, received);
    for (id, def) in types.iter_mut() {
        def.feature = match gates.get(id) {
            Some(Gate::One(feature)) => Some(feature.clone()),
            _ => None,
        };
    }
    features
}

/// Each reached type's gate.
fn gates(
    types: &IndexMap<TypeId, TypeDef>,
    operations: &[Operation],
    error_body: Option<&ErrorBody>,
    received: &[TypeRef],
) -> HashMap<TypeId, Gate> {
    let mut stack: Vec<(TypeRef, Gate)> = Vec::new();
    for op in operations {
        let gate = match op.features.as_slice() {
            [one] => Gate::One(one.clone()),
            _ => Gate::Always,
        };
        let mut roots: Vec<TypeRef> = op.argument_structs().cloned().map(TypeRef::Named).collect();
        roots.extend(op.parameters.iter().map(|p| p.ty.clone()));
        roots.extend(op.body.iter().flat_map(|b| b.content.values()).cloned());
        roots.extend(op.responses.values().flat_map(|r| r.content.values()).cloned());
        stack.extend(roots.into_iter().map(|ty| (ty, gate.clone())));
    }
    for variant in error_body.iter().flat_map(|e| &e.variants) {
        stack.push((TypeRef::Named(variant.ty.clone()), Gate::Always));
    }
    stack.extend(received.iter().map(|ty| (ty.clone(), Gate::Always)));
    let mut gates: HashMap<TypeId, Gate> = HashMap::new();
    walk(types, &mut gates, stack, false);
    // A type no operation reaches is compiled with `full`, and so is everything it holds
    // that nothing else reaches; `full` turns every tag on, so what such a type holds may
    // stay behind its own feature.
    let unreached: Vec<(TypeRef, Gate)> = types
        .keys()
        .filter(|id| !gates.contains_key(*id))
        .map(|id| (TypeRef::Named(id.clone()), Gate::One(naming::FULL_FEATURE.to_owned())))
        .collect();
    walk(types, &mut gates, unreached, true);
    gates
}

/// Spreads each gate of `stack` to the types it reaches; a type whose gate changes passes
/// the new one on, and a gate only ever widens (one feature, then always), so each type is
/// passed on at most twice. With `fill`, only types without a gate take one.
fn walk(
    types: &IndexMap<TypeId, TypeDef>,
    gates: &mut HashMap<TypeId, Gate>,
    mut stack: Vec<(TypeRef, Gate)>,
    fill: bool,
) {
    while let Some((ty, gate)) = stack.pop() {
        let Some(id) = named_within(&ty) else { continue };
        let Some(def) = types.get(id) else { continue };
        let next = match (gates.get(id), &gate) {
            (None, _) => gate,
            (Some(_), _) if fill => continue,
            (Some(Gate::Always), _) => continue,
            (Some(Gate::One(have)), Gate::One(new)) if have == new => continue,
            (Some(Gate::One(_)), _) => Gate::Always,
        };
        gates.insert(id.clone(), next.clone());
        stack.extend(children(&def.kind).map(|c| (c.ty.clone(), next.clone())));
    }
}
