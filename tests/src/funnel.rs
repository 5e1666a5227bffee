//! The naming-funnel check shared by `funnel.rs` and `properties.rs`: the locals and arguments
//! of every generated operation method, and the methods of every client and struct impl, are
//! names lowering claimed for them.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use clientgen::GeneratedFile;
use clientgen::model::{Api, Operation, ParamLocation};
use clientgen::naming;
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

fn bare(name: &str) -> String {
    name.trim_start_matches("r#").to_owned()
}

/// The names bound in `body`: `let` and `for` patterns and closure parameters.
pub fn bindings(body: TokenStream, out: &mut BTreeSet<String>) {
    let tokens: Vec<TokenTree> = body.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Ident(word) if word == "let" || word == "for" => {
                let end = if word == "let" { "=" } else { "in" };
                let mut pattern = Vec::new();
                i += 1;
                while i < tokens.len() {
                    let stop = match &tokens[i] {
                        TokenTree::Punct(p) => {
                            let c = p.as_char();
                            let after_colon = matches!(pattern.last(), Some(TokenTree::Punct(q)) if q.as_char() == ':');
                            (end == "=" && c == '=') || (c == ':' && p.spacing() == Spacing::Alone && !after_colon)
                        }
                        TokenTree::Ident(w) => end == "in" && w == "in",
                        _ => false,
                    };
                    if stop {
                        break;
                    }
                    pattern.push(tokens[i].clone());
                    i += 1;
                }
                pattern_names(pattern.into_iter().collect(), out);
                continue;
            }
            TokenTree::Punct(p)
                if p.as_char() == '|' && p.spacing() == Spacing::Alone && !after_joint_bar(&tokens, i) =>
            {
                // `|a, b|`: a closure's parameters.
                let mut j = i + 1;
                let mut names = Vec::new();
                while let Some(TokenTree::Ident(name)) = tokens.get(j) {
                    names.push(name.to_string());
                    j += 1;
                    match tokens.get(j) {
                        Some(TokenTree::Punct(p)) if p.as_char() == ',' => j += 1,
                        _ => break,
                    }
                }
                let closes = matches!(tokens.get(j), Some(TokenTree::Punct(p)) if p.as_char() == '|' && p.spacing() == Spacing::Alone);
                if closes && !names.is_empty() {
                    out.extend(names.into_iter().filter(|n| n != "_").map(|n| bare(&n)));
                    i = j + 1;
                    continue;
                }
            }
            TokenTree::Group(group) => bindings(group.stream(), out),
            _ => {}
        }
        i += 1;
    }
}

/// Whether the `|` at `i` is the second half of `||`.
fn after_joint_bar(tokens: &[TokenTree], i: usize) -> bool {
    i > 0 && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '|' && p.spacing() == Spacing::Joint)
}

/// The names a pattern binds: its lower-case identifiers that are not paths or keywords.
fn pattern_names(pattern: TokenStream, out: &mut BTreeSet<String>) {
    let tokens: Vec<TokenTree> = pattern.into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Ident(name) => {
                let name = name.to_string();
                let is_path = matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                let is_call =
                    matches!(tokens.get(i + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
                let lower = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_');
                if lower && !is_path && !is_call && !["mut", "ref", "_"].contains(&name.as_str()) {
                    out.insert(bare(&name));
                }
            }
            TokenTree::Group(group) => pattern_names(group.stream(), out),
            _ => {}
        }
    }
}

fn file(files: &[GeneratedFile], path: &str) -> syn::File {
    let found = files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("{path} is generated"));
    syn::parse_file(&found.contents).unwrap_or_else(|e| panic!("{path} parses: {e}"))
}

/// The inherent impl blocks of `file`, by the name of their type: each fn's name and item.
fn inherent_fns(file: &syn::File) -> BTreeMap<String, Vec<syn::ImplItemFn>> {
    let mut out: BTreeMap<String, Vec<syn::ImplItemFn>> = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(path) = block.self_ty.as_ref() else { continue };
        let Some(last) = path.path.segments.last() else { continue };
        for item in &block.items {
            if let syn::ImplItem::Fn(f) = item {
                out.entry(last.ident.to_string()).or_default().push(f.clone());
            }
        }
    }
    out
}

fn arguments(f: &syn::ImplItemFn) -> Vec<String> {
    f.sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(typed) => match typed.pat.as_ref() {
                syn::Pat::Ident(ident) => Some(bare(&ident.ident.to_string())),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// Checks one generated crate against the model it came from; panics naming the first
/// identifier that was not claimed.
pub fn check(label: &str, api: &Api, files: &[GeneratedFile]) {
    // Every method, by its owner (the client, or a group's handle) and name: the operation it
    // belongs to.
    let mut claimed: BTreeMap<String, BTreeMap<String, &Operation>> = BTreeMap::new();
    for op in &api.operations {
        let owner = op.group.map_or("Client".to_owned(), |g| api.groups[g].type_name.clone());
        let claimed = claimed.entry(owner).or_default();
        claimed.insert(bare(&op.method_name), op);
        claimed.insert(bare(&op.with_response), op);
        for v in op.body.iter().flat_map(|b| &b.variants) {
            claimed.insert(bare(&v.method_name), op);
            claimed.insert(bare(&v.with_response), op);
        }
        for stream in &op.streams {
            claimed.insert(bare(&stream.method_name), op);
        }
        if let Some(pages) = &op.pages {
            claimed.insert(bare(&pages.method_name), op);
        }
    }
    // The client's own methods, and the accessors of the groups.
    let mut client_own: Vec<String> = naming::CLIENT_METHODS.iter().map(|name| (*name).to_owned()).collect();
    client_own.extend(api.groups.iter().map(|g| bare(&g.accessor)));
    let handles: Vec<&str> = api.groups.iter().map(|g| g.type_name.as_str()).collect();
    let mut owners: Vec<(&str, &str)> = vec![("src/client.rs", "Client"), ("src/blocking.rs", "Client")];
    for handle in &handles {
        owners.push(("src/resources.rs", handle));
        owners.push(("src/blocking.rs", handle));
    }
    let empty = BTreeMap::new();
    for (path, owner) in owners {
        let fns = inherent_fns(&file(files, path));
        let Some(methods) = fns.get(owner) else { panic!("{label}: {path} has an impl {owner}") };
        let claimed = claimed.get(owner).unwrap_or(&empty);
        let own: &[String] = if owner == "Client" { &client_own } else { &[] };
        let mut seen = BTreeSet::new();
        for f in methods {
            let name = bare(&f.sig.ident.to_string());
            assert!(seen.insert(name.clone()), "{label}: {path}: {owner}::{name} is defined twice");
            let Some(op) = claimed.get(&name) else {
                assert!(own.contains(&name), "{label}: {path}: {owner}::{name} was not claimed");
                continue;
            };
            let l = &op.locals;
            let locals: BTreeSet<String> =
                [&l.body, &l.params, &l.operation, &l.request, &l.response, &l.cookies, &l.value, &l.parts]
                    .into_iter()
                    .chain(&l.part_headers)
                    .map(|name| bare(name))
                    .collect();
            // A page method's reader binds the page and its last item, claimed after the rest.
            let mut locals = locals;
            if let Some(pages) = op.pages.as_ref().filter(|pages| bare(&pages.method_name) == name) {
                for local in [&pages.locals.page, &pages.locals.last] {
                    assert!(locals.insert(bare(local)), "{label}: {name}: `{local}` is claimed twice");
                }
            }
            let path_args: BTreeSet<String> = op
                .parameters
                .iter()
                .filter(|p| p.location == ParamLocation::Path)
                .map(|p| bare(&p.rust_name))
                .collect();
            assert!(path_args.is_disjoint(&locals), "{label}: {name}: a path argument is named like a local");
            for arg in arguments(f) {
                assert!(
                    path_args.contains(&arg)
                        || arg == bare(&l.body)
                        || arg == bare(&l.params)
                        || l.part_headers.as_deref().is_some_and(|part_headers| arg == bare(part_headers)),
                    "{label}: {path}: {name} takes {arg}, which was not claimed"
                );
            }
            let mut bound = BTreeSet::new();
            let block = &f.block;
            let tokens = TokenStream::from_str(&quote::quote!(#block).to_string()).expect("a body");
            bindings(tokens, &mut bound);
            // A path argument is rebound to its text in the path, under its own claimed name.
            for local in bound {
                assert!(
                    locals.contains(&local) || path_args.contains(&local),
                    "{label}: {path}: {name} binds `{local}`, which is not among the locals its operation claimed"
                );
            }
        }
    }
    // Enum variants (`Scheme`, the types) and struct fields: each once.
    for path in ["src/client.rs", "src/types.rs"] {
        for item in file(files, path).items {
            let (owner, names): (String, Vec<String>) = match item {
                syn::Item::Enum(e) => (e.ident.to_string(), e.variants.iter().map(|v| v.ident.to_string()).collect()),
                syn::Item::Struct(s) => (
                    s.ident.to_string(),
                    s.fields.iter().filter_map(|f| f.ident.as_ref().map(|i| bare(&i.to_string()))).collect(),
                ),
                _ => continue,
            };
            let mut seen = BTreeSet::new();
            for name in names {
                assert!(seen.insert(name.clone()), "{label}: {path}: {owner}::{name} is declared twice");
            }
        }
    }
    // Struct impls: exactly the methods the view's model names, each once.
    let fns = inherent_fns(&file(files, "src/types.rs"));
    for def in api.types.values() {
        for view in &def.views {
            let Some(methods) = &view.methods else { continue };
            let mut claimed: BTreeSet<String> =
                [&methods.validate, &methods.form_pairs, &methods.multipart_parts, &methods.extra_setter]
                    .into_iter()
                    .flatten()
                    .chain([&methods.new])
                    .map(|name| bare(name))
                    .collect();
            for field in &view.fields {
                claimed.extend(field.setter.as_deref().map(bare));
                claimed.extend(field.null_setter.as_deref().map(bare));
            }
            let mut seen = BTreeSet::new();
            for f in fns.get(view.name.as_str()).into_iter().flatten() {
                let name = bare(&f.sig.ident.to_string());
                assert!(seen.insert(name.clone()), "{label}: {}::{name} is defined twice", view.name);
                assert!(claimed.remove(&name), "{label}: {}::{name} is not a method its view names", view.name);
            }
            assert!(claimed.is_empty(), "{label}: {} lacks {claimed:?}, which its view names", view.name);
        }
    }
}
