//! Format stage: token streams to source text, once, at the edge (syn + prettyplease).

use proc_macro2::TokenStream;

/// Pretty-prints a file's tokens. Fails only when emission produced tokens that are not a
/// Rust file, which is a generator bug: the message carries the parser's reason.
pub fn format_file(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("emitted code does not parse: {e}"))?;
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// Puts a blank line between items, as rustfmt leaves a hand-written file.
///
/// prettyplease prints items back to back. A blank line goes after the inner docs and
/// attributes that open a file, after the last `use` of a group, and after every item or
/// method that ends on a line of its own (`}` or `…;` at the item's indent) when another item
/// follows at the same indent. Generated string literals never span lines (prettyplease writes
/// them with escapes), so looking at whole lines is safe.
fn space_items(source: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    // Inside an inner attribute that prettyplease spread over lines (`#![allow(` … `)]`).
    let mut in_inner_attribute = false;
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let this = if in_inner_attribute && *line == ")]" {
            in_inner_attribute = false;
            "#![]"
        } else if line.starts_with("#![") && !line.ends_with(']') {
            in_inner_attribute = true;
            continue;
        } else if in_inner_attribute {
            continue;
        } else {
            line
        };
        if let Some(next) = lines.get(i + 1) {
            // An item's outer attributes belong to its group: `#[cfg(…)] mod a;` beside `mod b;`.
            let head = lines[i + 1..].iter().find(|l| !l.trim_start().starts_with("#[")).unwrap_or(next);
            if needs_blank(this, next, head) {
                out.push('\n');
            }
        }
    }
    out
}

/// Whether a blank line goes between `line` and `next`; `head` is the first line from `next` on
/// that is not an outer attribute (the item `next` opens, when it is an attribute).
fn needs_blank(line: &str, next: &str, head: &str) -> bool {
    let indent = |s: &str| s.len() - s.trim_start().len();
    let (this, following) = (line.trim_start(), next.trim_start());
    if following.is_empty() || following.starts_with('}') || following.starts_with(')') {
        return false;
    }
    if this.starts_with("//!") || this.starts_with("#![") {
        return !(following.starts_with("//!") || following.starts_with("#!["));
    }
    if indent(line) != indent(next) || !starts_item(following) {
        return false;
    }
    if let Some(group) = declaration_group(this) {
        return declaration_group(head.trim_start()) != Some(group);
    }
    this == "}" || this == "};" || (this.ends_with(';') && starts_item(this) && !this.starts_with("///"))
}

/// One-line declarations that stay together: `mod`s, and `use`s.
fn declaration_group(line: &str) -> Option<&'static str> {
    let bare = line.strip_prefix("pub ").unwrap_or(line);
    let one_line = line.ends_with(';');
    if bare.starts_with("mod ") && one_line {
        Some("mod")
    } else if bare.starts_with("use ") && one_line {
        Some("use")
    } else {
        None
    }
}

/// Whether a line opens an item, a method, or the docs and attributes in front of one.
fn starts_item(line: &str) -> bool {
    const OPENERS: &[&str] = &[
        "///", "#[", "pub ", "pub(", "fn ", "async ", "impl ", "impl<", "struct ", "enum ", "type ", "const ",
        "static ", "mod ", "use ", "trait ",
    ];
    OPENERS.iter().any(|opener| line.starts_with(opener))
}

#[cfg(test)]
mod tests {
    use super::space_items;

    #[test]
    fn items_are_separated_and_bodies_left_alone() {
        let input = "//! Docs.\nmod a;\npub mod b;\nuse a::b;\nuse c::d;\npub use e::F;\n/// S.\npub struct S {\n    pub x: i32,\n    pub y: i32,\n}\nimpl S {\n    fn a() {\n        let x = 1;\n        let y = 2;\n    }\n    fn b() {}\n}\ntype T = S;\nconst C: i32 = 1;\n";
        let want = "//! Docs.\n\nmod a;\npub mod b;\n\nuse a::b;\nuse c::d;\npub use e::F;\n\n/// S.\npub struct S {\n    pub x: i32,\n    pub y: i32,\n}\n\nimpl S {\n    fn a() {\n        let x = 1;\n        let y = 2;\n    }\n\n    fn b() {}\n}\n\ntype T = S;\n\nconst C: i32 = 1;\n";
        assert_eq!(space_items(input), want);
    }

    #[test]
    fn attributes_stay_with_their_item_and_inner_attributes_in_one_piece() {
        let input = "//! Docs.\n#![allow(\n    dead_code,\n    unused\n)]\n#[cfg(x)]\n#[rustfmt::skip]\npub mod a;\n#[rustfmt::skip]\nmod b;\nmod c;\npub use a::X;\n";
        let want = "//! Docs.\n#![allow(\n    dead_code,\n    unused\n)]\n\n#[cfg(x)]\n#[rustfmt::skip]\npub mod a;\n#[rustfmt::skip]\nmod b;\nmod c;\n\npub use a::X;\n";
        assert_eq!(space_items(input), want);
    }
}
