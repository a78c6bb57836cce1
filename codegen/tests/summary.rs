//! The refresh summary on two real published versions of the spec (2026-07-31 → 2026-08-22),
//! vendored in `tests/fixtures/history/` from OpenRouter's published history.

const OLD: &str = include_str!("fixtures/history/openrouter-openapi.2026-07-31.yaml");
const NEW: &str = include_str!("fixtures/history/openrouter-openapi.2026-08-22.yaml");

#[test]
fn the_summary_of_a_real_update_names_what_changed() {
    let summary = openrouter_bindings_codegen::summary::summarize(OLD, NEW).unwrap();
    println!("{summary}");
    for line in [
        "| operations | 95 | 97 |",
        "| schemas | 735 | 769 |",
        "### Operations: 2 added, 0 removed, 10 changed",
        "- `GET /datasets/session-cost` (getSessionCost)",
        "- `GET /workspaces/{id}/budgets/{interval}` (getWorkspaceBudget)",
        "- `GET /models` (getModels): parameters",
        "- `POST /analytics/query` (queryAnalytics): requestBody",
        "### Schemas: 37 added, 3 removed, 77 changed",
        "- `SessionCostResponse`",
        "- `MessagesErrorResponse`",
        "### Fixes: 0 retired, 20 still needed, 0 apply to neither version",
    ] {
        assert!(summary.lines().any(|l| l == line), "missing `{line}`");
    }
    // The reverse direction swaps added and removed.
    let back = openrouter_bindings_codegen::summary::summarize(NEW, OLD).unwrap();
    assert!(back.lines().any(|l| l == "### Operations: 0 added, 2 removed, 10 changed"), "{back}");
    assert!(back.lines().any(|l| l == "### Schemas: 3 added, 37 removed, 77 changed"), "{back}");
}

#[test]
fn a_spec_compared_with_itself_has_no_changes() {
    let summary = openrouter_bindings_codegen::summary::summarize(NEW, NEW).unwrap();
    assert!(summary.contains("### Operations: 0 added, 0 removed, 0 changed"), "{summary}");
    assert!(summary.contains("### Schemas: 0 added, 0 removed, 0 changed"), "{summary}");
}
