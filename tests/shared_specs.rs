//! Real specs from ../shared/specs: what the generator writes for them keeps its promises.

use clientgen::model::{Presence, TypeKind};
use clientgen::{Config, Input, Source};

fn shared(name: &str) -> String {
    let path = xtask::project_root().join("../shared/specs").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of `pub struct NAME { … }` in a generated `types.rs`.
fn struct_body<'a>(types: &'a str, name: &str) -> &'a str {
    let start = types.find(&format!("pub struct {name} {{")).unwrap_or_else(|| panic!("no struct {name}"));
    let end = types[start..].find("\n}\n").map_or(types.len(), |end| start + end);
    &types[start..end]
}

#[test]
#[cfg_attr(
    not(feature = "external"),
    ignore = "needs ../shared/specs: the `external` feature, as in `cargo xtask test`"
)]
fn drf_request_types_carry_no_read_only_field() {
    for spec in ["drfs-test-rest-auth-token.yaml", "maykin-sharing-configs.yaml", "open-notificaties.yaml"] {
        let text = shared(spec);
        let input = Input::spec(Source::new(spec, &text));
        let config = Config::new("drf");
        let lowered = clientgen::lower(&input).unwrap_or_else(|e| panic!("{e}"));
        let files = clientgen::emit_files(&lowered.api, &config, spec).expect("emits");
        let types = &files.iter().find(|f| f.path == "src/types.rs").expect("types.rs").contents;
        let mut split = 0;
        for def in lowered.api.types.values() {
            let ([response, request], TypeKind::Struct(s)) = (def.views.as_slice(), &def.kind) else { continue };
            let (request, response) = (&request.name, &response.name);
            split += 1;
            let (request_body, response_body) = (struct_body(types, request), struct_body(types, response));
            for field in &s.fields {
                let declared = format!("pub {}:", field.rust_name);
                if field.request == Presence::Absent {
                    assert!(!request_body.contains(&declared), "{spec}: {request} has read-only {}", field.wire_name);
                }
                if field.response == Presence::Absent {
                    assert!(
                        !response_body.contains(&declared),
                        "{spec}: {response} has write-only {}",
                        field.wire_name
                    );
                }
            }
        }
        assert!(split > 0, "{spec}: some schema has readOnly or writeOnly fields used both ways");
    }
}
