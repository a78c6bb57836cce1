//! Replays versions of the published spec through the pipeline, as an upstream change would
//! arrive: `cargo run -p openrouter-bindings-codegen --release --bin replay -- <spec.yaml>...`.
//!
//! Each version either generates, or fails with the message that names the rule, fix or schema
//! path that stopped it; a panic anywhere in the pipeline is caught and reported as such. Every
//! operation of a version that generates has its method: one missing is a failure too.

use serde_json::Value;

/// One version's outcome.
pub struct Row {
    /// The file's version, e.g. `2026-06-28`.
    pub version: String,
    /// Operations and component schemas in the published document.
    pub operations: usize,
    pub schemas: usize,
    /// Lines of generated code, or why there are none.
    pub generated: Result<usize, String>,
    /// What the hand-written conveniences need and this version lacks, with every feature on
    /// ([`crate::needs::unmet`]): the build stops with these lines.
    pub unmet: Vec<String>,
}

/// Runs the whole pipeline (every area) on `text`, the spec of `version`.
pub fn replay(version: &str, text: &str) -> Row {
    let document = crate::parse_yaml(text).unwrap_or(Value::Null);
    let operations = count_operations(&document);
    let schemas = document.pointer("/components/schemas").and_then(Value::as_object).map_or(0, |s| s.len());
    let mut unmet = Vec::new();
    let generated = match std::panic::catch_unwind(|| crate::build_every_area(text)).as_deref() {
        Ok(Ok(output)) => {
            let features: Vec<&str> = crate::needs::NEEDS.iter().map(|n| n.feature).collect();
            unmet = crate::needs::unmet(&output.code, &features);
            // One builder struct per operation in the generated code.
            let builders = output.code.matches("#[must_use = \"a request does nothing until it is sent\"]").count();
            match builders == operations {
                true => Ok(output.code.lines().count()),
                false => Err(format!("{operations} operations in the spec, but {builders} generated")),
            }
        }
        Ok(Err(e)) => Err(e.0.clone()),
        Err(panic) => Err(format!(
            "the pipeline panicked: {}",
            panic.downcast_ref::<String>().map(String::as_str).or(panic.downcast_ref::<&str>().copied()).unwrap_or("?")
        )),
    };
    Row { version: version.to_owned(), operations, schemas, generated, unmet }
}

/// [`replay`] of each spec file (`openrouter-openapi.<version>.yaml`), one thread per file: the
/// machine's cores share the work (half the time on two), and the rows keep the files' order.
///
/// # Panics
///
/// When a file cannot be read.
pub fn replay_files(paths: &[std::path::PathBuf]) -> Vec<Row> {
    std::thread::scope(|scope| {
        let replays: Vec<_> = paths
            .iter()
            .map(|path| {
                scope.spawn(move || {
                    let text =
                        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                    let version = name.trim_start_matches("openrouter-openapi.").trim_end_matches(".yaml");
                    replay(version, &text)
                })
            })
            .collect();
        replays.into_iter().map(|replay| replay.join().expect("a replay thread panicked")).collect()
    })
}

fn count_operations(document: &Value) -> usize {
    crate::util::operations(document).len()
}

/// The rows as a markdown table: the README's history table, kept equal to it by
/// `codegen/tests/generator/replay.rs`. "compiles" is what the build script will do with every feature on;
/// `.ci/replay` checks it with cargo for each version that generates.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| version | operations | schemas | generates | compiles (`--features full,mock,fuzzing`) | why not |\n\
         |---|---|---|---|---|---|\n",
    );
    for row in rows {
        let (generates, compiles, why) = match &row.generated {
            Err(why) => ("no".to_owned(), "", why.lines().next().unwrap_or_default().to_owned()),
            Ok(lines) if row.unmet.is_empty() => (format!("yes ({} lines)", thousands(*lines)), "yes", String::new()),
            Ok(lines) => (
                format!("yes ({} lines)", thousands(*lines)),
                "no: the build names what is missing",
                row.unmet.join("; "),
            ),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {generates} | {compiles} | {} |\n",
            row.version,
            row.operations,
            row.schemas,
            why.replace('|', "\\|")
        ));
    }
    out
}

/// `79587` → `79,587`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The operations and generated lines of each area built on its own, and of `full`.
pub fn per_area(text: &str) -> String {
    let mut out = String::from("| area | operations | generated lines |\n|---|---|---|\n");
    let areas = crate::areas::AREAS.iter().map(|(area, _)| *area).chain(["full"]);
    for area in areas {
        let row = match crate::build(text, &[area]) {
            Ok(output) => {
                let operations = output.every_operation.matches("results.push(").count();
                format!("| {area} | {operations} | {} |\n", output.code.lines().count())
            }
            Err(e) => format!("| {area} | | does not generate: {} |\n", e.0.lines().next().unwrap_or_default()),
        };
        out.push_str(&row);
    }
    out
}
