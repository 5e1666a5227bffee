//! Lowering webhooks and callbacks: the requests the API sends to its users. Normalizing moved
//! them (3.1 `webhooks`, 3.0 operation `callbacks`) to one list under a root extension
//! ([`crate::normalize::WEBHOOKS`]); each entry's path item is read here with openapiv3, and
//! each operation in it with a JSON body becomes a payload type (lowered like a request body,
//! decoded through its response view) and a decode function named in the `webhooks` module's
//! scope. A signature scheme is read from [`SIGNATURE`] on the operation or the document.

use openapiv3::{PathItem, ReferenceOr};
use serde_json::Value;

use super::Lowerer;
use crate::diag::{Diagnostic, join, unescape_segment};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::normalize::WEBHOOKS;

/// The extension declaring how a webhook is signed, on a webhook's or callback's operation or
/// on the document (for all of them): `{scheme: standard-webhooks, tolerance: 300}`.
pub const SIGNATURE: &str = "x-webhook-signature";

/// The default timestamp tolerance of Standard Webhooks, in seconds.
const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// The stack of the thread reading path items (as the typed stage's, for the same reason).
const DESERIALIZE_STACK: usize = 32 << 20;

/// One entry of the normalized list, read.
struct Entry {
    name: String,
    pointer: String,
    callback: Option<CallbackOf>,
    item: Result<PathItem, String>,
}

impl<'a> Lowerer<'a> {
    /// The webhooks and callbacks of the document, when it declares any; `operations` are the
    /// lowered operations, whose method names prefix their callbacks' functions.
    pub(super) fn lower_webhooks(&mut self, operations: &[Operation]) -> Option<Webhooks> {
        let doc = self.doc;
        let entries = read_entries(doc.extensions.get(WEBHOOKS)?);
        let root_signature = self.signature(&doc.extensions, "#");
        let mut functions = Scope::with_reserved(naming::WEBHOOK_ITEMS);
        let mut items = Vec::new();
        for entry in entries {
            let item = match entry.item {
                Ok(item) => item,
                Err(message) => {
                    self.errors.push(Diagnostic::at(&entry.pointer, format!("not a path item: {message}")));
                    continue;
                }
            };
            for (method, op) in item.iter() {
                let pointer = join(&entry.pointer, &[method]);
                let base = match &entry.callback {
                    None => entry.name.clone(),
                    Some(of) => {
                        let method_name = operations.iter().find(|o| o.id == of.operation).map(|o| o.name.as_str());
                        let method_name = method_name.unwrap_or(&of.operation).trim_start_matches("r#");
                        format!("{method_name} {}", entry.name)
                    }
                };
                let base =
                    self.rust_name_override(&op.extensions, &pointer).unwrap_or_else(|| naming::field_name(&base));
                let Some(body) = &op.request_body else {
                    self.warnings.push(Diagnostic::at(&pointer, "the request has no body; nothing to decode"));
                    continue;
                };
                let body_pointer = join(&pointer, &["requestBody"]);
                let body = match body {
                    ReferenceOr::Item(body) => body,
                    ReferenceOr::Reference { reference } => {
                        let found = reference
                            .strip_prefix("#/components/requestBodies/")
                            .and_then(|name| doc.components.as_ref()?.request_bodies.get(&unescape_segment(name)));
                        match found {
                            Some(ReferenceOr::Item(body)) => body,
                            _ => {
                                self.errors.push(Diagnostic::at(
                                    join(&body_pointer, &["$ref"]),
                                    format!("$ref {reference:?} points at no entry of #/components/requestBodies"),
                                ));
                                continue;
                            }
                        }
                    }
                };
                let json = body.content.iter().find(|(media, _)| super::encoding(media) == Encoding::Json);
                let Some((media_type, media)) = json else {
                    self.warnings.push(Diagnostic::at(
                        &body_pointer,
                        "the body is not JSON; no decode function is generated for it",
                    ));
                    continue;
                };
                let function = functions.claim(&base);
                let hint = format!("{}Payload", naming::type_name(function.trim_start_matches("r#")));
                let content = indexmap::IndexMap::from([(media_type.clone(), media.clone())]);
                let payload = self.lower_content(&content, &body_pointer, &hint).shift_remove(media_type);
                let signature = self.signature(&op.extensions, &pointer).or_else(|| root_signature.clone());
                items.push(Webhook {
                    name: entry.name.clone(),
                    callback: entry.callback.clone(),
                    http_method: method.to_ascii_uppercase(),
                    summary: op.summary.clone(),
                    description: op.description.clone().or_else(|| body.description.clone()),
                    media_type: media_type.clone(),
                    payload: payload.unwrap_or(TypeRef::Any),
                    function,
                    signature,
                });
            }
        }
        let args = naming::webhook_args(&mut Scope::new());
        (!items.is_empty()).then_some(Webhooks { args, items })
    }

    /// The signature scheme `extensions` declare; an unknown one is an error (a webhook the
    /// spec says is signed is never decoded unchecked).
    fn signature(&mut self, extensions: &indexmap::IndexMap<String, Value>, owner_pointer: &str) -> Option<Signature> {
        let value = extensions.get(SIGNATURE)?;
        let pointer = join(owner_pointer, &[SIGNATURE]);
        let scheme = value.get("scheme").and_then(Value::as_str);
        let tolerance = match value.get("tolerance") {
            None => Some(DEFAULT_TOLERANCE_SECS),
            Some(t) => t.as_u64(),
        };
        match (scheme, tolerance) {
            (Some("standard-webhooks"), Some(tolerance_secs)) => Some(Signature::StandardWebhooks { tolerance_secs }),
            (Some("standard-webhooks"), None) => {
                self.errors
                    .push(Diagnostic::at(join(&pointer, &["tolerance"]), "the tolerance is a whole number of seconds"));
                None
            }
            _ => {
                self.errors.push(Diagnostic::at(
                    pointer,
                    format!("unknown signature scheme {value}; the one known is {{scheme: standard-webhooks}}"),
                ));
                None
            }
        }
    }
}

/// The entries of the normalized list, their path items read by openapiv3 on a thread with a
/// large stack (a deeply nested schema takes more than a test thread's).
fn read_entries(list: &Value) -> Vec<Entry> {
    let Some(list) = list.as_array() else { return Vec::new() };
    let read = || {
        list.iter()
            .map(|entry| {
                let text = |key: &str| entry.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
                let callback = entry
                    .get("operation")
                    .map(|_| CallbackOf { operation: text("operation"), expression: text("expression") });
                let item = entry.get("item").cloned().unwrap_or(Value::Null);
                let item = match serde_json::from_value::<ReferenceOr<PathItem>>(item) {
                    Ok(ReferenceOr::Item(item)) => Ok(item),
                    Ok(ReferenceOr::Reference { reference }) => Err(format!("$ref {reference:?} was not followed")),
                    Err(e) => Err(e.to_string()),
                };
                Entry { name: text("name"), pointer: text("pointer"), callback, item }
            })
            .collect::<Vec<_>>()
    };
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new().stack_size(DESERIALIZE_STACK).spawn_scoped(scope, read);
        match worker {
            Ok(worker) => worker.join().unwrap_or_default(),
            Err(_) => Vec::new(),
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::model::Signature;
    use crate::{Input, Source};

    const HEAD: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n";

    fn webhook(name: &str, extra: &str) -> String {
        format!(
            "  {name}:\n    post:\n{extra}      requestBody:\n        content:\n          application/json:\n            \
             schema: {{type: object, properties: {{id: {{type: string}}}}}}\n      responses:\n        '200': {{description: ok}}\n"
        )
    }

    #[test]
    fn a_signature_at_the_root_signs_every_webhook_and_an_operation_s_own_wins() {
        let spec = format!(
            "{HEAD}x-webhook-signature: {{scheme: standard-webhooks}}\nwebhooks:\n{}{}",
            webhook("a", ""),
            webhook("b", "      x-webhook-signature: {scheme: standard-webhooks, tolerance: 60}\n"),
        );
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", &spec)), &crate::Config::new("x")).unwrap();
        let webhooks = lowered.api.webhooks.unwrap();
        let signatures: Vec<_> = webhooks.items.iter().map(|w| (w.function.as_str(), w.signature.clone())).collect();
        assert_eq!(
            signatures,
            [
                ("a", Some(Signature::StandardWebhooks { tolerance_secs: 300 })),
                ("b", Some(Signature::StandardWebhooks { tolerance_secs: 60 })),
            ]
        );
    }

    #[test]
    fn an_unknown_signature_scheme_is_an_error() {
        let spec = format!(
            "{HEAD}webhooks:\n{}",
            webhook("a", "      x-webhook-signature: {scheme: github, tolerance: 60}\n")
        );
        let error = crate::lower(&Input::spec(Source::new("x.yaml", &spec)), &crate::Config::new("x")).err().unwrap();
        let problems: Vec<String> = error.problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("#/webhooks/a/post/x-webhook-signature: unknown signature scheme"),
            "{problems:?}"
        );
    }

    #[test]
    fn webhooks_with_the_same_name_get_numbered_functions() {
        let spec = format!("{HEAD}webhooks:\n{}{}", webhook("new pet", ""), webhook("new_pet", ""));
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", &spec)), &crate::Config::new("x")).unwrap();
        let functions: Vec<String> = lowered.api.webhooks.unwrap().items.into_iter().map(|w| w.function).collect();
        assert_eq!(functions, ["new_pet", "new_pet2"]);
    }
}
