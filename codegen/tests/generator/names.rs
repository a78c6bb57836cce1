//! Generated type names are short and plain, with every feature on (the whole public API).

use openrouter_bindings_codegen::names::{MAX_LEN, fits};

/// `pub struct X` / `pub enum X` in the generated code.
fn type_names(code: &str) -> Vec<&str> {
    let mut names: Vec<&str> = code
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("pub struct ").or_else(|| l.trim_start().strip_prefix("pub enum ")))
        .map(|rest| rest.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').next().unwrap())
        .collect();
    names.sort_by_key(|n| (std::cmp::Reverse(n.len()), *n));
    names.dedup();
    names
}

#[test]
fn no_type_name_is_over_the_limit_or_repeats_itself() {
    let names = type_names(crate::vendored_code());
    println!("the 20 longest of {} generated type names:", names.len());
    for name in names.iter().take(20) {
        println!("{:>3} {name}", name.len());
    }
    let bad: Vec<&&str> = names.iter().filter(|n| !fits(n, MAX_LEN)).collect();
    assert!(bad.is_empty(), "{} names over {MAX_LEN} characters or repeating a run of words: {bad:#?}", bad.len());
}
