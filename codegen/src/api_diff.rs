//! What changed in the public API between two generations, each change breaking or additive by the
//! README's semver policy, and which operations reach each changed type (request or response side).
//!
//! The policy: added optional fields, enum values, union variants, operations and types are
//! additive; anything removed or renamed, a field made required (or no longer required), a changed
//! type or signature is breaking. A new required field is breaking only where users build the type
//! (it is reached from a request); in a type only answers use, users only read it.

use std::collections::{BTreeMap, BTreeSet};

use crate::listing::{Api, TypeItem};

/// Whether a change can break code written against the old API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Code written against the old API may not compile against the new one.
    Breaking,
    /// Code written against the old API still compiles.
    Additive,
}

/// One change to one operation or type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Breaking or additive.
    pub kind: Kind,
    /// The operation (`op create_key`) or type (`ResponsesRequest`) that changed.
    pub subject: String,
    /// What changed, in a few words.
    pub what: String,
}

/// The changes from `old` to `new`, sorted: breaking first, then by subject.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut push = |kind, subject: &str, what: String| changes.push(Change { kind, subject: subject.to_owned(), what });
    for (name, op) in &old.operations {
        let subject = format!("op {name}");
        let Some(after) = new.operations.get(name) else {
            push(Kind::Breaking, &subject, format!("removed (was `{}`)", op.route));
            continue;
        };
        if op.arguments != after.arguments {
            push(Kind::Breaking, &subject, format!("arguments `({})` → `({})`", op.arguments, after.arguments));
        }
        if op.answer != after.answer {
            push(Kind::Breaking, &subject, format!("answer `{}` → `{}`", op.answer, after.answer));
        }
        if op.route != after.route {
            push(Kind::Additive, &subject, format!("route `{}` → `{}` (the same call in Rust)", op.route, after.route));
        }
        let setters = |lines: &[String]| -> BTreeMap<String, String> {
            lines.iter().map(|l| (l.split('(').next().unwrap_or(l).to_owned(), l.clone())).collect()
        };
        for (kind, what) in members_diff(&setters(&op.setters), &setters(&after.setters), |_| Kind::Additive) {
            push(kind, &subject, format!("setter {what}"));
        }
    }
    for (name, op) in &new.operations {
        if !old.operations.contains_key(name) {
            push(Kind::Additive, &format!("op {name}"), format!("added (`{}`)", op.route));
        }
    }
    let built_by_users = request_side(new);
    for (name, item) in &old.types {
        let Some(after) = new.types.get(name) else {
            push(Kind::Breaking, name, "removed".into());
            continue;
        };
        if item.head != after.head {
            push(Kind::Breaking, name, format!("`{}` → `{}`", item.head, after.head));
            continue;
        }
        let new_required = |_: &str| if built_by_users.contains(name) { Kind::Breaking } else { Kind::Additive };
        let (before, now) = (members(item), members(after));
        for (kind, what) in members_diff(&before, &now, new_required) {
            push(kind, name, what);
        }
    }
    for (name, item) in &new.types {
        if !old.types.contains_key(name) {
            push(Kind::Additive, name, format!("added (`{}`)", item.head));
        }
    }
    changes.sort();
    changes
}

/// A type's members by name: a field's or variant's name → its whole line.
fn members(item: &TypeItem) -> BTreeMap<String, String> {
    item.members
        .iter()
        .map(|line| {
            let name = line.split(['?', ':', '(', ' ']).next().unwrap_or(line);
            (name.to_owned(), line.clone())
        })
        .collect()
}

/// Members removed, added and changed. `added_required` says what a new required field is.
fn members_diff(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    added_required: impl Fn(&str) -> Kind,
) -> Vec<(Kind, String)> {
    let mut out = Vec::new();
    for (name, line) in old {
        match new.get(name) {
            None => out.push((Kind::Breaking, format!("`{line}` removed"))),
            Some(after) if after != line => {
                let was_optional = line.starts_with(&format!("{name}?:"));
                let is_optional = after.starts_with(&format!("{name}?:"));
                let what = match (was_optional, is_optional) {
                    (true, false) if strip_option(line) == strip_option(after) => "made required",
                    (false, true) if strip_option(line) == strip_option(after) => "no longer required",
                    _ => "changed",
                };
                out.push((Kind::Breaking, format!("`{line}` {what}: `{after}`")));
            }
            Some(_) => {}
        }
    }
    for (name, line) in new {
        if !old.contains_key(name) {
            let required = line.starts_with(&format!("{name}:"));
            let kind = if required { added_required(name) } else { Kind::Additive };
            let what = if required && kind == Kind::Additive { " (read only: answers use this type)" } else { "" };
            out.push((kind, format!("`{line}` added{what}")));
        }
    }
    out
}

fn strip_option(line: &str) -> String {
    line.replacen("?:", ":", 1)
}

/// Type names that appear in `text` (`Vec<Option<ChatMessage>>` → `ChatMessage`).
fn type_names<'a>(text: &'a str, api: &'a Api) -> impl Iterator<Item = &'a str> {
    text.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|word| api.types.contains_key(*word))
}

/// Every type reachable from `roots` through fields and variants.
fn closure<'a>(roots: impl IntoIterator<Item = &'a str>, api: &'a Api) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name) {
            continue;
        }
        let Some(item) = api.types.get(name) else { continue };
        let head_rest = item.head.split_once(['(', '=']).map(|(_, rest)| rest).unwrap_or("");
        for line in std::iter::once(head_rest).chain(item.members.iter().map(String::as_str)) {
            let types = line.split_once([':', '(']).map(|(_, ty)| ty).unwrap_or("");
            todo.extend(type_names(types, api));
        }
    }
    seen
}

/// What an operation's user writes (arguments, setters' arguments) and what it reads (the answer,
/// and what a builder method such as `.stream()` returns).
fn sides(op: &crate::listing::Operation) -> (Vec<&str>, Vec<&str>) {
    let (mut request, mut answer) = (vec![op.arguments.as_str()], vec![op.answer.as_str()]);
    for setter in &op.setters {
        let (arguments, returns) = setter.split_once(" -> ").unwrap_or((setter, ""));
        request.push(arguments);
        answer.push(returns);
    }
    (request, answer)
}

/// The types users build: reachable from an operation's arguments or setters.
fn request_side(api: &Api) -> BTreeSet<String> {
    let roots: Vec<&str> =
        api.operations.values().flat_map(|op| sides(op).0).flat_map(|text| type_names(text, api)).collect();
    closure(roots, api).into_iter().map(str::to_owned).collect()
}

/// For each type: the operations that reach it, as `create_key (request)` or `get_key (answer)`.
pub fn users_of_types(api: &Api) -> BTreeMap<String, Vec<String>> {
    let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, op) in &api.operations {
        let (request, answer) = sides(op);
        for (side, texts) in [("request", request), ("answer", answer)] {
            let roots: Vec<&str> = texts.into_iter().flat_map(|t| type_names(t, api)).collect();
            for ty in closure(roots, api) {
                users.entry(ty.to_owned()).or_default().push(format!("{name} ({side})"));
            }
        }
    }
    users
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::Operation;

    fn api(ops: &[(&str, &str, &str)], types: &[(&str, &str, &[&str])]) -> Api {
        Api {
            operations: ops
                .iter()
                .map(|(name, args, answer)| {
                    let op = Operation {
                        arguments: (*args).into(),
                        answer: (*answer).into(),
                        route: format!("POST /{name}"),
                        setters: Vec::new(),
                    };
                    ((*name).to_owned(), op)
                })
                .collect(),
            types: types
                .iter()
                .map(|(name, head, members)| {
                    let item =
                        TypeItem { head: (*head).into(), members: members.iter().map(|m| (*m).into()).collect() };
                    ((*name).to_owned(), item)
                })
                .collect(),
        }
    }

    #[test]
    fn each_kind_of_change_is_classified_by_the_policy() {
        let old = api(
            &[("create", "body: Req", "Resp"), ("gone", "", "Resp")],
            &[
                ("Req", "struct Req", &["name: String", "limit?: f64", "old?: bool"]),
                ("Resp", "struct Resp", &["id: String", "note?: String"]),
                ("Color", "enum Color", &["Red", "Blue"]),
                ("Wrap", "struct Wrap", &["a: String"]),
            ],
        );
        let new = api(
            &[("create", "body: Req", "Resp"), ("fresh", "", "Resp")],
            &[
                ("Req", "struct Req", &["name: String", "limit: f64", "extra?: Color", "must: String"]),
                ("Resp", "struct Resp", &["id: String", "note?: String", "seen: bool"]),
                ("Color", "enum Color", &["Red", "Green"]),
                ("Wrap", "struct Wrap(String)", &[]),
            ],
        );
        let changes: Vec<(Kind, String, String)> =
            diff(&old, &new).into_iter().map(|c| (c.kind, c.subject, c.what)).collect();
        let expect = |kind, subject: &str, what: &str| {
            assert!(
                changes.contains(&(kind, subject.to_owned(), what.to_owned())),
                "missing {kind:?} {subject}: {what} in {changes:#?}"
            )
        };
        expect(Kind::Breaking, "op gone", "removed (was `POST /gone`)");
        expect(Kind::Additive, "op fresh", "added (`POST /fresh`)");
        expect(Kind::Breaking, "Req", "`limit?: f64` made required: `limit: f64`");
        expect(Kind::Breaking, "Req", "`old?: bool` removed");
        expect(Kind::Breaking, "Req", "`must: String` added");
        expect(Kind::Additive, "Req", "`extra?: Color` added");
        expect(Kind::Additive, "Resp", "`seen: bool` added (read only: answers use this type)");
        expect(Kind::Breaking, "Color", "`Blue` removed");
        expect(Kind::Additive, "Color", "`Green` added");
        expect(Kind::Breaking, "Wrap", "`struct Wrap` → `struct Wrap(String)`");
        assert_eq!(changes.len(), 10, "{changes:#?}");
        assert_eq!(changes[0].0, Kind::Breaking, "breaking changes come first");
        assert!(diff(&new, &new).is_empty());
    }

    #[test]
    fn a_type_is_traced_to_the_operations_that_reach_it() {
        let new = api(
            &[("create", "body: Req", "Resp"), ("list", "", "Vec<Resp>")],
            &[
                ("Req", "struct Req", &["color?: Color"]),
                ("Resp", "struct Resp", &["color: Color"]),
                ("Color", "enum Color", &["Red"]),
            ],
        );
        let users = users_of_types(&new);
        assert_eq!(users["Color"], ["create (request)", "create (answer)", "list (answer)"]);
        assert_eq!(users["Req"], ["create (request)"]);
    }
}
