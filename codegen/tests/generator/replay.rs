//! The pipeline on 8 real published versions of the spec (2026-01 to 2026-08, vendored in
//! `tests/fixtures/history/`): each generates, or fails naming the fix, rule or name that stopped
//! it; none panics, and none drops an operation.

#[test]
fn every_published_version_generates_or_says_why_not() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/history");
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    assert_eq!(paths.len(), 8);
    let rows = openrouter_bindings_codegen::replay::replay_files(&paths);
    let table = openrouter_bindings_codegen::replay::table(&rows);
    println!("{table}");
    // The README's history table is this one: no stale figures.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let (begin, end) = ("<!-- replay table: begin -->\n", "<!-- replay table: end -->");
    let start = readme.find(begin).expect("README marks its history table") + begin.len();
    let in_readme = &readme[start..start + readme[start..].find(end).unwrap()];
    assert_eq!(in_readme, table, "the README's history table differs from the replay: paste the one printed above");
    for row in &rows {
        match &row.generated {
            Ok(lines) => assert!(*lines > 10_000, "{}: {lines} lines", row.version),
            Err(why) => {
                assert!(!why.contains("panicked"), "{}: {why}", row.version);
                assert!(
                    why.starts_with("fix `") || why.contains("names table") || why.contains("at `"),
                    "{}: {why}",
                    row.version
                );
            }
        }
    }
    // Since 2026-04 (52 operations and more), every version generates; the three before it fail on
    // fixes written for today's chat schemas (the spot moved or the mistake was not there yet).
    let generated: Vec<&str> = rows.iter().filter(|r| r.generated.is_ok()).map(|r| r.version.as_str()).collect();
    assert_eq!(generated, ["2026-04-30", "2026-05-29", "2026-06-28", "2026-07-31", "2026-08-22"]);
}
