//! The refresh command on a modified copy of the docs page (still a supported input): the new spec
//! still generates, and the diff of the generated code shows exactly the upstream changes.

use std::path::PathBuf;

const PAGE: &str = include_str!("../fixtures/send-chat-completion-request.md");

/// The page's YAML block, as the crate vendored it before it moved to the published spec.
fn vendored() -> String {
    openrouter_bindings_codegen::page::extract_spec(PAGE).unwrap()
}

/// The vendored spec wrapped back into the docs page's markdown form.
fn page(spec: &str) -> String {
    format!(
        "---\ntitle: Create a chat completion\nurl: https://example.test/page.mdx\nfetched_at: 2026-01-01\n---\n\n# Create\n\n```yaml\n{spec}```\n\n```python\nprint()\n```\n"
    )
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "the modification anchor `{from}` must be unique");
    text.replacen(from, to, 1)
}

/// A directory of its own under the system's temporary directory, removed when the test ends
/// (passed or failed).
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("openrouter-refresh-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

#[test]
fn refresh_of_a_modified_page_shows_exactly_the_changes() {
    // Upstream adds a provider name (in the page's odd enum form), an optional request field and
    // a response field.
    let vendored_page = vendored();
    let modified = replace_once(
        &vendored_page,
        "        - value: FakeProvider\n",
        "        - value: FakeProvider\n        - value: NewProvider\n",
    );
    let modified = replace_once(
        &modified,
        "        modalities:\n          type: array\n",
        "        new_request_field:\n          type: boolean\n        modalities:\n          type: array\n",
    );
    let modified = replace_once(
        &modified,
        "        system_fingerprint:\n          type:\n            - string\n            - 'null'\n        usage:\n          $ref: '#/components/schemas/ChatGenerationTokenUsage'\n",
        "        system_fingerprint:\n          type:\n            - string\n            - 'null'\n        new_response_field:\n          type: string\n        usage:\n          $ref: '#/components/schemas/ChatGenerationTokenUsage'\n",
    );

    let dir = temp_dir("modified");
    let sha = openrouter_bindings_codegen::refresh::refresh(&page(&modified), "page.md", "2026-11-24", &dir).unwrap();
    let vendored = std::fs::read_to_string(dir.join("openrouter.yaml")).unwrap();
    assert_eq!(vendored, modified, "the YAML block is vendored byte for byte");
    let source = std::fs::read_to_string(dir.join("SOURCE.md")).unwrap();
    assert!(
        source.contains(&sha) && source.contains("https://example.test/page.mdx") && source.contains("2026-01-01"),
        "{source}"
    );

    let before = openrouter_bindings_codegen::build(&vendored_page, &["full"]).unwrap();
    let after = openrouter_bindings_codegen::build(&vendored, &["full"]).unwrap();
    let diff = similar::TextDiff::from_lines(&before.code, &after.code);
    let mut added = Vec::new();
    let mut removed = Vec::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added.push(change.value().trim().to_owned()),
            similar::ChangeTag::Delete => removed.push(change.value().trim().to_owned()),
            similar::ChangeTag::Equal => {}
        }
    }
    println!("{}", diff.unified_diff().context_radius(2));

    // Only the header (it carries the spec's sha256) goes away.
    assert_eq!(removed.len(), 1, "{removed:#?}");
    assert!(removed[0].starts_with("// @generated"));
    let expected = [
        "NewProvider,",
        "Self::NewProvider => f.write_str(\"NewProvider\"),",
        "\"NewProvider\" => Ok(Self::NewProvider),",
        "pub new_request_field: ::std::option::Option<bool>,",
        "pub new_response_field: ::std::option::Option<::std::string::String>,",
    ];
    for line in expected {
        assert!(added.iter().any(|a| a == line), "missing `{line}` in the diff: {added:#?}");
    }
    let explained = |line: &String| {
        line.starts_with("// @generated")
            || line.starts_with("#[serde(")
            // The lines of a serde attribute prettyplease splits (the new response field's).
            || ["default,", ")]"].contains(&line.as_str())
            || line.starts_with("skip_serializing_if =")
            || line.starts_with("deserialize_with = \"crate::lenient::")
            || ["NewProvider", "new_request_field", "new_response_field"].iter().any(|n| line.contains(n))
    };
    let mut unexplained: Vec<&String> = added.iter().filter(|l| !explained(l)).collect();
    // The new request field's `with_` setter (the request derives `Default`): its other lines,
    // once each.
    assert!(added.iter().any(|l| l == "pub fn with_new_request_field("), "{added:#?}");
    for setter_line in
        ["#[must_use]", "mut self,", "value: impl ::std::convert::Into<bool>,", ") -> Self {", "self", "}"]
    {
        let at = unexplained.iter().position(|l| *l == setter_line);
        assert!(at.is_some(), "the setter's `{setter_line}` is missing: {added:#?}");
        unexplained.remove(at.unwrap());
    }
    assert!(unexplained.is_empty(), "the diff has changes nobody made upstream: {unexplained:#?}");
}

#[test]
fn refresh_refuses_a_page_that_does_not_generate() {
    // Upstream renames the schema a fix targets: the fix fails by name, and nothing is written.
    let broken = replace_once(
        &vendored(),
        "    ChatGenerationTokenUsageCompletionTokensDetails:\n",
        "    CompletionTokensDetailsRenamedUpstream:\n",
    );
    let dir = temp_dir("broken");
    let err = openrouter_bindings_codegen::refresh::refresh(&page(&broken), "page.md", "2026-11-24", &dir).unwrap_err();
    assert!(err.0.contains("fix `image-tokens` no longer applies") && err.0.contains("nothing was written"), "{err}");
    assert!(!dir.join("openrouter.yaml").exists());
}

#[test]
fn a_refresh_from_a_local_file_keeps_the_url_the_weekly_run_reads() {
    // The page without its front matter: a plain local YAML file.
    let dir = temp_dir("local");
    std::fs::write(dir.join("SOURCE.md"), "# Source\n\n- URL: https://example.test/openapi.yaml\n").unwrap();
    openrouter_bindings_codegen::refresh::refresh(&vendored(), "/tmp/spec.yaml", "2026-11-24", &dir).unwrap();
    let source = std::fs::read_to_string(dir.join("SOURCE.md")).unwrap();
    assert!(source.contains("- URL: https://example.test/openapi.yaml\n"), "{source}");
    assert!(source.contains("- Fetched from: /tmp/spec.yaml\n"), "{source}");

    // With no SOURCE.md yet, the canonical URL; a URL given on the command line is recorded as is.
    let fresh = temp_dir("local-fresh");
    openrouter_bindings_codegen::refresh::refresh(&vendored(), "spec.yaml", "2026-11-24", &fresh).unwrap();
    let source = std::fs::read_to_string(fresh.join("SOURCE.md")).unwrap();
    assert!(source.contains("- URL: https://openrouter.ai/openapi.yaml\n"), "{source}");
    openrouter_bindings_codegen::refresh::refresh(&vendored(), "https://mirror.test/o.yaml", "2026-11-24", &fresh)
        .unwrap();
    let source = std::fs::read_to_string(fresh.join("SOURCE.md")).unwrap();
    assert!(source.contains("- URL: https://mirror.test/o.yaml\n"), "{source}");
}
