//! Spec prose as the model keeps it: Markdown. A description written in HTML (Stripe's
//! `<p>…</p>`) is converted; a link relative to the API's documentation site is made absolute
//! where the spec says where that site is, else it becomes its plain text. Emission then only
//! makes the Markdown safe for rustdoc (`rustdoc::sanitize`).

use openapiv3::OpenAPI;
use regex_lite::Regex;
use std::sync::LazyLock;

use crate::model::{Api, Success, TypeKind};

/// The extension naming where the API's documentation lives (`https://docs.example.com`):
/// links written relative to that site (`/docs/guides/text`) are resolved against it.
pub const DOCS_BASE_URL: &str = "x-docs-base-url";

/// How spec prose is turned into the model's Markdown.
pub struct Prose {
    /// What a link starting with `/` is resolved against (scheme and host, no trailing `/`).
    base: Option<String>,
}

impl Prose {
    /// The rules for `doc`: its links resolve against `x-docs-base-url`, else the scheme and
    /// host of its top-level `externalDocs.url`.
    pub fn of(doc: &OpenAPI) -> Self {
        let declared = doc.extensions.get(DOCS_BASE_URL).and_then(|v| v.as_str()).and_then(|url| {
            let url = url.trim().trim_end_matches('/');
            web_origin(url).map(|_| url.to_owned())
        });
        let external = || doc.external_docs.as_ref().and_then(|d| web_origin(d.url.trim())).map(str::to_owned);
        Prose { base: declared.or_else(external) }
    }

    /// `text` as Markdown: converted from HTML when it holds HTML tags, its links resolved.
    pub fn markdown(&self, text: &str) -> String {
        let text = if has_html(text) { html_to_markdown(text) } else { text.to_owned() };
        resolve_links(&text, self.base.as_deref())
    }

    /// Rewrites `text`; prose that converts to nothing (`<details>`) is no doc at all.
    fn rewrite(&self, text: &mut Option<String>) {
        *text = text.as_deref().map(|t| self.markdown(t)).filter(|t| !t.trim().is_empty());
    }
}

/// Rewrites every piece of spec prose the model holds (see [`Prose::markdown`]). Generated
/// sentences hold neither HTML nor relative links, so they come through unchanged.
pub fn rewrite(api: &mut Api, prose: &Prose) {
    prose.rewrite(&mut api.description);
    for server in api.servers.list.iter_mut().chain(api.servers.own.iter_mut()) {
        prose.rewrite(&mut server.description);
    }
    for variable in &mut api.servers.variables {
        prose.rewrite(&mut variable.doc);
    }
    for tag in &mut api.tag_features {
        prose.rewrite(&mut tag.doc);
    }
    for def in api.types.values_mut() {
        prose.rewrite(&mut def.doc);
        match &mut def.kind {
            TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| prose.rewrite(&mut f.doc)),
            TypeKind::Enum(e) => e.variants.iter_mut().for_each(|v| prose.rewrite(&mut v.doc)),
            TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| prose.rewrite(&mut v.doc)),
            TypeKind::Alias(_) | TypeKind::Newtype(_) => {}
        }
    }
    for op in &mut api.operations {
        prose.rewrite(&mut op.summary);
        prose.rewrite(&mut op.description);
        op.parameters.iter_mut().for_each(|p| prose.rewrite(&mut p.doc));
        if let Some(body) = &mut op.body {
            prose.rewrite(&mut body.doc);
        }
        op.responses.values_mut().for_each(|r| prose.rewrite(&mut r.doc));
        if let Success::ByStatus { variants, .. } = &mut op.success {
            variants.iter_mut().for_each(|v| prose.rewrite(&mut v.doc));
        }
    }
    for scheme in api.security_schemes.values_mut() {
        prose.rewrite(&mut scheme.doc);
    }
    for hook in api.webhooks.iter_mut().flat_map(|w| &mut w.items) {
        prose.rewrite(&mut hook.summary);
        prose.rewrite(&mut hook.description);
    }
}

/// The scheme and host of an `http(s)` URL (`https://docs.example.com`), if it is one.
fn web_origin(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let host_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_len];
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    (!host.is_empty() && host.chars().all(plain)).then(|| &url[..url.len() - rest.len() + host_len])
}

/// An HTML element of the kinds descriptions are written with, opening or closing.
static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)</?(p|a|br|hr|ul|ol|li|code|pre|em|strong|b|i|u|s|del|span|div|h[1-6]|blockquote|table|thead|tbody|tr|td|th|dl|dt|dd|sup|sub|img|details|summary)(\s[^<>]*)?/?>",
    )
    .expect("the tag pattern compiles")
});

/// Whether `text` is written in HTML: it holds an HTML element outside code (a `<` in prose,
/// `Vec<T>` or a tag quoted in a code span does not count).
fn has_html(text: &str) -> bool {
    let mut prose = String::with_capacity(text.len());
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence {
            prose.push_str(&without_code_spans(line));
            prose.push('\n');
        }
    }
    HTML_TAG.is_match(&prose)
}

/// `line` without its closed code spans.
fn without_code_spans(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let ticks = after.len() - after.trim_start_matches('`').len();
        match after[ticks..].find(&after[..ticks]) {
            Some(end) => rest = &after[ticks + end + ticks..],
            None => {
                out.push_str(after);
                return out;
            }
        }
    }
    out.push_str(rest);
    out
}

/// HTML converted to Markdown (`htmd`): paragraphs, lists, code, emphasis and links; the tags
/// Markdown has no form for are dropped, their text kept.
fn html_to_markdown(html: &str) -> String {
    let options = htmd::options::Options {
        bullet_list_marker: htmd::options::BulletListMarker::Dash,
        ul_bullet_spacing: 1,
        ol_number_spacing: 1,
        link_style: htmd::options::LinkStyle::InlinedPreferAutolinks,
        ..Default::default()
    };
    let converter = htmd::HtmlToMarkdown::builder().options(options).skip_tags(vec!["script", "style"]).build();
    match converter.convert(html) {
        Ok(markdown) => markdown.trim().to_owned(),
        // Conversion reads from memory and cannot fail in practice; the text as written is
        // still made safe when it is emitted.
        Err(_) => html.to_owned(),
    }
}

/// `markdown` with each inline link's target made absolute: kept when it is a web or mail
/// address, resolved against `base` when it starts with `/`, else the link becomes its text.
/// Code spans and fenced blocks are left as written.
fn resolve_links(markdown: &str, base: Option<&str>) -> String {
    if !markdown.contains("](") {
        return markdown.to_owned();
    }
    let mut out = String::with_capacity(markdown.len() + 32);
    // Prose lines are resolved together, so a link's text may run over a line break.
    let mut prose = String::new();
    let mut in_fence = false;
    for line in markdown.split('\n') {
        let trimmed = line.trim_start();
        let fence = trimmed.starts_with("```") || trimmed.starts_with("~~~");
        if in_fence || fence {
            resolve_line(&std::mem::take(&mut prose), base, &mut out);
            out.push_str(line);
            out.push('\n');
            in_fence ^= fence;
        } else {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    resolve_line(&prose, base, &mut out);
    out.pop();
    out
}

fn resolve_line(line: &str, base: Option<&str>, out: &mut String) {
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            let ticks = rest.len() - rest.trim_start_matches('`').len();
            let span = rest[ticks..].find(&rest[..ticks]).map_or(ticks, |end| ticks + end + ticks);
            out.push_str(&rest[..span]);
            rest = &rest[span..];
            continue;
        }
        if c == '\\' {
            let len = rest.chars().nth(1).map_or(1, |next| 1 + next.len_utf8());
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if let Some((text, target, len)) = inline_link(rest) {
            let image = out.ends_with('!');
            match resolved(target, base) {
                Some(url) => {
                    // On one line: rustdoc safety is checked a line at a time when emitted.
                    out.push('[');
                    resolve_line(&text.replace('\n', " "), base, out);
                    out.push_str("](");
                    out.push_str(&url);
                    out.push(')');
                }
                None if image => {
                    out.pop();
                    resolve_line(text, base, out);
                }
                None => resolve_line(text, base, out),
            }
            rest = &rest[len..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
}

/// An inline link at the start of `s` (`[text](target "title")`): its text, its target (title
/// dropped) and its length.
fn inline_link(s: &str) -> Option<(&str, &str, usize)> {
    if !s.starts_with('[') {
        return None;
    }
    let close = matching(s, '[', ']')?;
    let after = &s[close + 1..];
    if !after.starts_with('(') {
        return None;
    }
    let end = matching(after, '(', ')')?;
    let inside = after[1..end].trim();
    if inside.contains('\n') {
        return None;
    }
    let target = match inside.strip_prefix('<') {
        Some(angled) => angled.split_once('>').map_or(angled, |(url, _)| url),
        None => inside.split_whitespace().next().unwrap_or_default(),
    };
    Some((&s[1..close], target, close + 1 + end + 1))
}

/// The index of the bracket closing the one `s` starts with, backslash escapes skipped.
fn matching(s: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == open => depth += 1,
            c if c == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            '\n' if s[i + 1..].starts_with('\n') => return None,
            _ => {}
        }
    }
    None
}

/// A link target as it is kept: absolute as written, resolved against `base`, or none.
fn resolved(target: &str, base: Option<&str>) -> Option<String> {
    let lower = target.to_ascii_lowercase();
    if (lower.starts_with("https://") || lower.starts_with("http://")) && web_origin(target).is_some()
        || lower.starts_with("mailto:")
    {
        return Some(target.to_owned());
    }
    match base {
        Some(base) if target.starts_with('/') && !target.starts_with("//") => Some(format!("{base}{target}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{Prose, has_html, web_origin};

    fn prose(base: Option<&str>) -> Prose {
        Prose { base: base.map(str::to_owned) }
    }

    #[test]
    fn only_text_with_html_elements_is_converted() {
        assert!(has_html("<p>Hello</p>"));
        assert!(has_html("See <a href=\"/x\">this</a>."));
        assert!(has_html("line<br/>break"));
        assert!(!has_html("a < b and b > c"));
        assert!(!has_html("a `Vec<T>` and `<p>`"));
        assert!(!has_html("```\n<p>code</p>\n```"));
        assert!(!has_html("generic Vec<T> or Option<String>"));
    }

    #[test]
    fn html_becomes_markdown() {
        let p = prose(None);
        assert_eq!(p.markdown("<p>One.</p><p>Two <code>x</code>.</p>"), "One.\n\nTwo `x`.");
        assert_eq!(p.markdown("<ul><li>a</li><li>b</li></ul>"), "- a\n- b");
        assert_eq!(p.markdown("<p>A &lt; B</p>"), "A < B");
        assert_eq!(p.markdown("<a href=\"https://x.io/a\">docs</a>"), "[docs](https://x.io/a)");
        assert_eq!(p.markdown("plain *markdown* with a < b"), "plain *markdown* with a < b");
    }

    #[test]
    fn relative_links_resolve_or_become_text() {
        let text = "See [the guide](/docs/guides/text) and [site](https://x.io) and [anchor](#a).";
        assert_eq!(
            prose(Some("https://docs.x.io")).markdown(text),
            "See [the guide](https://docs.x.io/docs/guides/text) and [site](https://x.io) and anchor."
        );
        assert_eq!(prose(None).markdown(text), "See the guide and [site](https://x.io) and anchor.");
        assert_eq!(prose(None).markdown("`[a](/b)` stays"), "`[a](/b)` stays");
        assert_eq!(prose(None).markdown("<a href=\"/docs\">Docs</a>"), "Docs");
        assert_eq!(
            prose(None).markdown("a [two\nlines](/x) b\n```\n[c](/d)\n```"),
            "a two\nlines b\n```\n[c](/d)\n```"
        );
        assert_eq!(prose(None).markdown("[two\nlines](https://x.io)"), "[two lines](https://x.io)");
    }

    #[test]
    fn the_base_comes_from_the_extension_else_external_docs() {
        let doc = |extra: &str| -> openapiv3::OpenAPI {
            let text =
                format!(r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}{extra}}}"#);
            serde_json::from_str(&text).expect("a document")
        };
        let external = r#", "externalDocs": {"url": "https://docs.x.io/ref/index.html"}"#;
        let extension = r#", "x-docs-base-url": "https://platform.x.io/""#;
        assert_eq!(Prose::of(&doc(external)).base.as_deref(), Some("https://docs.x.io"));
        assert_eq!(Prose::of(&doc(&format!("{external}{extension}"))).base.as_deref(), Some("https://platform.x.io"));
        assert_eq!(Prose::of(&doc("")).base, None);
    }

    #[test]
    fn origins() {
        assert_eq!(web_origin("https://stripe.com/docs/api"), Some("https://stripe.com"));
        assert_eq!(web_origin("http://localhost:8080"), Some("http://localhost:8080"));
        assert_eq!(web_origin("ftp://x"), None);
    }
}
