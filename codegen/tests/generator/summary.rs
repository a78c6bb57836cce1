//! The refresh summary on real published versions of the spec, vendored in
//! `tests/fixtures/history/` from OpenRouter's published history.

use openrouter_bindings_codegen::summary::{Verdict, summarize};

const OLD: &str = include_str!("../fixtures/history/openrouter-openapi.2026-07-31.yaml");
const NEW: &str = include_str!("../fixtures/history/openrouter-openapi.2026-08-22.yaml");

#[test]
fn the_summary_of_a_real_update_names_what_changed() {
    let summary = summarize(OLD, NEW).unwrap();
    println!("{summary}");
    assert_eq!(Verdict::of_summary(&summary), Verdict::Breaking(28));
    assert!(summary.contains("\n\n**Breaking**: 28 changes can break code"), "the verdict comes first");
    for line in [
        "### Public API (every area): 28 breaking, 229 additive",
        "- `AdvisorNestedTool`, used by create_chat_completion (request), create_preset_chat_completion (request), \
         create_preset_response (request), create_response (request): removed",
        "- `ByokKey`, used by create_byok_key (answer), get_byok_key (answer), list_byok_keys (answer), \
         update_byok_key (answer): `workspace_id: String` no longer required: `workspace_id?: String`",
        "- `SpeechRequest`, used by create_speech (request): `input_references?: Vec<SpeechInputReference>` added",
        "### Operations: 2 added, 0 removed, 35 changed (1 in tags only)",
        "- `GET /datasets/session-cost` (getSessionCost)",
        "- `GET /analytics/meta` (getAnalyticsMeta): tags only (no change to the API)",
        "- `GET /guardrails` (listGuardrails): through `Guardrail`",
        "- `GET /models` (getModels): parameters",
        "### Schemas: 37 added, 3 removed, 77 changed",
        "| operations | 95 | 97 |",
        "| schemas | 735 | 769 |",
        "### Fixes: 0 retired, 20 still needed, 0 apply to neither version",
    ] {
        assert!(summary.lines().any(|l| l == line), "missing `{line}`");
    }
}

/// The API side of both is one listing (`Api::of_spec` lists a text once per process): that the
/// generator gives the same code for the same spec each time is the snapshots' to show.
#[test]
fn a_spec_compared_with_itself_has_no_changes() {
    let summary = summarize(NEW, NEW).unwrap();
    assert_eq!(Verdict::of_summary(&summary), Verdict::Unchanged, "{summary}");
    assert!(summary.contains("### Operations: 0 added, 0 removed, 0 changed (0 in tags only)"), "{summary}");
    assert!(summary.contains("### Schemas: 0 added, 0 removed, 0 changed"), "{summary}");
    assert!(summary.contains("### Public API (every area): 0 breaking, 0 additive"), "{summary}");
}

/// Each consecutive pair of the real history that generates gets a verdict, and the verdict a
/// reviewer would give: every one of these monthly updates removed or changed something.
#[test]
fn each_consecutive_pair_of_the_real_history_gets_a_verdict() {
    use openrouter_bindings_codegen::{api_diff, listing::Api, summary::verdict};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/history");
    let mut versions: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    versions.sort();
    // One thread per version: the machine's cores share the work.
    let apis: Vec<(String, Option<Api>)> = std::thread::scope(|scope| {
        let builds: Vec<_> = versions
            .iter()
            .map(|path| {
                scope.spawn(move || {
                    let date = path.file_name().unwrap().to_str().unwrap()[19..29].to_owned();
                    (date, Api::of_spec(&std::fs::read_to_string(path).unwrap()).ok())
                })
            })
            .collect();
        builds.into_iter().map(|build| build.join().unwrap()).collect()
    });
    let mut verdicts = Vec::new();
    for pair in apis.windows(2) {
        let [(old_date, Some(old)), (new_date, Some(new))] = pair else { continue };
        verdicts.push(format!("{old_date} → {new_date}: {:?}", verdict(&api_diff::diff(old, new))));
    }
    println!("{}", verdicts.join("\n"));
    assert_eq!(
        verdicts,
        [
            "2026-04-30 → 2026-05-29: Breaking(19)",
            "2026-05-29 → 2026-06-28: Breaking(25)",
            "2026-06-28 → 2026-07-31: Breaking(60)",
            "2026-07-31 → 2026-08-22: Breaking(28)",
        ]
    );
}
