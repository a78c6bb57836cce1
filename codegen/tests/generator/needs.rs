//! `codegen/src/needs.rs` lists exactly what the hand-written files of `src/` use from the
//! generated code (every area on): every `types::…` name outside comments and every generated
//! operation called as `.name(`. When they drift, this test prints the rows to paste.

use std::{collections::BTreeSet, path::Path};

use openrouter_bindings_codegen::{listing::Api, needs::NEEDS};

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The names after each `types::` in `code`: `types::Name` or `types::{A, B}`. Not another
/// module whose name ends so (`rustls::pki_types::…`).
fn type_names(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices("types::") {
        if code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + "types::".len()..];
        let group = match rest.strip_prefix('{') {
            Some(inner) => &inner[..inner.find('}').unwrap()],
            None => &rest[..rest.find(|c: char| !c.is_alphanumeric() && c != '_').unwrap_or(rest.len())],
        };
        names.extend(
            group.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|w| !w.is_empty()).map(String::from),
        );
    }
    names
}

#[test]
fn the_needs_table_is_what_src_uses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let api = Api::of(crate::vendored_code()).unwrap();
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut found = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let code: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        let types: Vec<String> = type_names(&code).into_iter().collect();
        let operations: Vec<String> =
            api.operations.keys().filter(|op| code.contains(&format!(".{op}("))).cloned().collect();
        if types.is_empty() && operations.is_empty() {
            continue;
        }
        let file = path.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
        found.push((file, operations, types));
    }
    // A file's rows (one per feature gating some of its uses) together.
    let mut by_file: std::collections::BTreeMap<&str, (BTreeSet<String>, BTreeSet<String>)> = Default::default();
    for need in NEEDS {
        let (operations, types) = by_file.entry(need.file).or_default();
        operations.extend(need.operations.iter().map(|s| s.to_string()));
        types.extend(need.types.iter().map(|s| s.to_string()));
    }
    let table: Vec<(String, Vec<String>, Vec<String>)> = by_file
        .into_iter()
        .map(|(file, (operations, types))| {
            (file.to_owned(), operations.into_iter().collect(), types.into_iter().collect())
        })
        .collect();
    if table != found {
        for (file, operations, types) in &found {
            println!("    Need {{\n        feature: \"?\",\n        file: \"{file}\",");
            println!("        operations: &{operations:?},\n        types: &{types:?},\n    }},");
        }
        panic!("codegen/src/needs.rs differs from what src/ uses; the rows above are what it uses");
    }
    // Every name in the table exists in the vendored spec's code.
    let areas: Vec<&str> = NEEDS.iter().map(|n| n.feature).collect();
    assert_eq!(openrouter_bindings_codegen::needs::unmet(crate::vendored_code(), &areas), Vec::<String>::new());
}

/// The real 2026-05-29 spec had no image operations yet: with every feature on, the build stops
/// with a message naming the feature, what it lacks and the spec.
#[test]
fn an_older_spec_is_told_apart_by_feature() {
    let spec = include_str!("../fixtures/history/openrouter-openapi.2026-05-29.yaml");
    let run = openrouter_bindings_codegen::build_every_area(spec);
    let output = run.as_ref().as_ref().unwrap();
    let features: Vec<&str> = NEEDS.iter().map(|n| n.feature).collect();
    let unmet = openrouter_bindings_codegen::needs::unmet(&output.code, &features);
    let message = openrouter_bindings_codegen::needs::message(&unmet, "old.yaml", spec, &output.spec_version);
    println!("{message}");
    assert!(message.starts_with("the spec old.yaml (info.version 1.0.0, sha256 0d6c57d1f97d) lacks"), "{message}");
    assert!(unmet.iter().any(|l| l == "`images` (src/api/images.rs): operation `create_images`, type `CreateImagesEvent`, type `ImageGenerationRequest`, type `ImageGenerationResponse`"), "{unmet:#?}");
    // Only the images feature: only its row.
    let images_only = openrouter_bindings_codegen::needs::unmet(&output.code, &["images"]);
    assert_eq!(images_only.len(), 1, "{images_only:#?}");
    assert!(openrouter_bindings_codegen::needs::unmet(&output.code, &["chat"]).is_empty());
}
