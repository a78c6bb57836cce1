//! Short type names: no generated type name over [`MAX_LEN`] characters, none that repeats itself.
//!
//! typify names an inline schema after where it sits: `MessagesRequest` + `ContextManagement` +
//! `Edits` + `Item` + `ClearToolUses20250919` + `ClearToolInputs`. Deep in Anthropic's Messages
//! API that gives 77-character names. [`shorten`] keeps every name that is short and plain, and
//! for the others derives one from the same path: a list's item is the singular
//! (`EditsItem` → `Edit`), a segment that repeats its neighbour goes (`ImageImageUrl` →
//! `ImageUrl`), the operation's verb and `Request`/`Response` go from the root
//! (`CreateEmbeddingsRequest` → `Embeddings`), and then the oldest segments go until it fits.
//! Components that the normalizer lifted out of a union (`<Union><Tag>`) are renamed the same
//! way; inline schemas get a `title`, which typify takes as the type's name. [`SHORT_NAMES`] is
//! for the names no rule finds.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;
use serde_json::{Map, Value, json};

use crate::Error;
use crate::util::{ref_name, schema_ref, schemas, walk_objects};

/// The longest a generated type name may be.
pub const MAX_LEN: usize = 40;

/// A string enum that the response side opens becomes `Known<Name>` and `<Name>`.
const KNOWN_PREFIX: &str = "Known";

/// Chosen names where the rules find none: typify's path name → the name.
pub const SHORT_NAMES: &[(&str, &str)] = &[
    // The `file` object of a file content part: the parent is already `ChatContentFile`.
    ("ChatContentFileFile", "ChatFileData"),
    ("InputAudioInputAudio", "InputAudioData"),
    // A tool call's output, as a string or a list of parts; the list is `…OutputParts`.
    ("OpenAiResponseFunctionToolCallOutputOutput", "FunctionCallOutputContent"),
    ("OpenAiResponseCustomToolCallOutputOutput", "CustomToolCallOutputContent"),
    ("AnthropicDocumentBlockParamSourceContentContent", "DocumentSourceContent"),
    ("McpServerToolRequireApprovalAlwaysAlways", "McpApprovalAlways"),
    ("OpenAiResponsesToolChoiceTypeTypeMode", "ToolChoiceTypeMode"),
    ("ToolChoiceAllowedModeMode", "AllowedToolsMode"),
    // Where cutting words from the front leaves a fragment (`PatchCall…`, `RequestInput…`).
    ("ApplyPatchCallOperationDiffDeltaEventType", "ApplyPatchDiffDeltaEventType"),
    ("CodeInterpreterServerToolContainerAutoType", "CodeInterpreterContainerAutoType"),
    ("CodeInterpreterServerToolContainerAutoMemoryLimit", "CodeInterpreterMemoryLimit"),
    ("ContentBlockDeltaEventDeltaThinkingDeltaType", "ThinkingDeltaType"),
    ("CustomToolCallOutputItemOutputItem", "CustomToolCallOutputPart"),
    ("FunctionCallOutputItemOutputItem", "FunctionCallOutputPart"),
    ("EmbeddingsRequestInputItemContentTextType", "EmbeddingsInputTextType"),
    ("EmbeddingsRequestInputItemImageUrlImageUrl", "EmbeddingsInputImageUrl"),
    ("CreateEmbeddingsRequestInputItemContentItemImageUrl", "EmbeddingsInputImage"),
    ("CreateEmbeddingsRequestInputItemContentItemText", "EmbeddingsInputText"),
    ("CreateEmbeddingsRequestInputItemContentItem", "EmbeddingsInputContentPart"),
    ("MessagesMessageParamContentItemContentWebSearchToolResultError", "MessagesWebSearchToolResultError"),
    ("ParamItemContentWebSearchToolResultErrorErrorCode", "MessagesWebSearchToolResultErrorCode"),
    ("ParamItemContentWebSearchToolResultErrorType", "MessagesWebSearchToolResultErrorType"),
    ("OutputItemWebSearchCallActionFindInPageType", "WebSearchFindInPageType"),
    ("OutputItemWebSearchCallActionOpenPageType", "WebSearchOpenPageType"),
    ("GetAnalyticsMetaResponseDataOperatorValueType", "AnalyticsOperatorValueType"),
    ("GetAnalyticsMetaResponseDataGranularityName", "AnalyticsGranularityName"),
    ("GetAnalyticsMetaResponseDataMetricsItemDisplayFormat", "AnalyticsMetricDisplayFormat"),
    ("ImageGenerationProviderPreferencesIgnoreItem", "ImageProviderIgnoreItem"),
    ("ImageGenerationProviderPreferencesOnlyItem", "ImageProviderOnlyItem"),
    ("ImageGenerationProviderPreferencesOrderItem", "ImageProviderOrderItem"),
    ("ImageGenerationServerToolConfigExtraValue", "ImageGenerationConfigValue"),
    ("ImageGenerationUsageCompletionTokensDetails", "ImageCompletionTokensDetails"),
    ("MessagesRequestToolsItemAdvisor20260301AllowedCallersItem", "MessagesAdvisor20260301AllowedCaller"),
    ("MessagesRequestToolsItemAdvisor20260301Name", "MessagesAdvisor20260301Name"),
    ("MessagesRequestToolsItemAdvisor20260301Type", "MessagesAdvisor20260301Type"),
    ("MessagesRequestToolsItemCustomInputSchema", "MessagesCustomToolInputSchema"),
    ("MessagesRequestToolTextEditor20250124Name", "MessagesTextEditor20250124Name"),
    ("MessagesRequestToolTextEditor20250124Type", "MessagesTextEditor20250124Type"),
    ("MessagesRequestToolWebSearch20260209AllowedCallersItem", "MessagesWebSearch20260209AllowedCaller"),
    ("MessagesRequestContextManagementEditsItemKeepAll", "MessagesEditKeepAll"),
    ("RequestContextManagementEditsItemKeepAllType", "MessagesEditKeepAllType"),
    ("ToolAdditionBlockToolMcpToolReferenceType", "McpToolReferenceType"),
    ("ToolAdditionBlockToolMcpToolsetReferenceType", "McpToolsetReferenceType"),
    ("TextEditorCodeExecutionToolResultErrorErrorCode", "TextEditorToolResultErrorCode"),
    ("TextEditorCodeExecutionToolResultErrorType", "TextEditorToolResultErrorType"),
    ("TextEditorCodeExecutionStrReplaceResultType", "TextEditorStrReplaceResultType"),
    ("TextEditorCodeExecutionViewResultFileType", "TextEditorViewResultFileType"),
];

/// Renames the components and titles the inline schemas whose names are too long or repeat
/// themselves; returns `(typify's name, new name)` for each, sorted.
pub fn shorten(spec: &mut Value) -> Result<Vec<(String, String)>, Error> {
    let mut taken = Taken::of(spec);
    let mut renamed = Vec::new();

    // Components first: their names root every inline name under them.
    let paths = lifted_paths(spec);
    let mut components: BTreeMap<String, String> = BTreeMap::new();
    for name in schemas(spec).keys() {
        let path = paths.get(name).cloned().unwrap_or_else(|| vec![name.clone()]);
        if fits(name, MAX_LEN) {
            continue;
        }
        let short = taken.short(&path, MAX_LEN)?;
        components.insert(name.clone(), short.clone());
        renamed.push((name.clone(), short));
    }
    rename_components(spec, &components);

    // Then inline schemas, each under its component's (new) name.
    let names: Vec<String> = schemas(spec).keys().cloned().collect();
    for name in names {
        let mut schema = schemas(spec).remove(&name).expect("listed above");
        title_inline(&mut schema, &mut vec![name.clone()], false, &mut taken, &mut renamed)?;
        schemas(spec).insert(name, schema);
    }
    schemas(spec).sort_keys();
    renamed.sort();
    Ok(renamed)
}

/// Whether `name` needs no change: short enough and without a repeated run of words.
pub fn fits(name: &str, limit: usize) -> bool {
    name.len() <= limit && without_repeats(name) == name
}

/// `ToolsItemToolsItem` → `ToolsItem`, `ImageImageUrl` → `ImageUrl`: every run of words that
/// immediately repeats the run before it goes.
pub fn without_repeats(name: &str) -> String {
    let mut words = words(name);
    'again: loop {
        for len in (1..=words.len() / 2).rev() {
            for start in 0..=words.len() - 2 * len {
                if words[start..start + len] == words[start + len..start + 2 * len] {
                    words.drain(start + len..start + 2 * len);
                    continue 'again;
                }
            }
        }
        return words.concat();
    }
}

/// PascalCase words, a run of digits being one: `ClearToolUses20250919` → `Clear Tool Uses 20250919`.
fn words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        let starts = match (words.last().and_then(|w| w.chars().last()), c) {
            // One name, two capitals: `OpenAi` is one word.
            (Some('n'), 'A') if words.last().is_some_and(|w| w == "Open") => false,
            (None, _) => true,
            (Some(prev), c) if c.is_ascii_digit() => !prev.is_ascii_digit(),
            (Some(prev), c) => c.is_ascii_uppercase() || prev.is_ascii_digit(),
        };
        if starts {
            words.push(String::new());
        }
        words.last_mut().expect("pushed above").push(c);
    }
    words
}

/// The known values of an opened string enum `<name>` ([`crate::normalize::open_response_side`]):
/// `Known<Name>`, without the name's first words where that would be too long.
pub fn known_name(name: &str) -> String {
    known_names(name).next().expect("the last word always fits")
}

/// [`known_name`], then shorter ones, for when it is taken.
pub fn known_names(name: &str) -> impl Iterator<Item = String> {
    let words = words(name);
    (0..words.len())
        .map(move |i| format!("{KNOWN_PREFIX}{}", words[i..].concat()))
        .filter(|known| known.len() <= MAX_LEN)
}

/// Every name a type has or will have, so that a new one never collides.
struct Taken {
    names: BTreeSet<String>,
    table: BTreeMap<&'static str, &'static str>,
    /// Records typify's names instead of choosing new ones.
    dry_run: bool,
}

impl Taken {
    fn of(spec: &mut Value) -> Taken {
        // The components, and typify's names for the inline types (a dry run of the titling).
        let mut taken = Taken { names: schemas(spec).keys().cloned().collect(), table: BTreeMap::new(), dry_run: true };
        let mut spec_copy = spec.clone();
        for (name, schema) in schemas(&mut spec_copy).iter_mut() {
            let _ = title_inline(schema, &mut vec![name.clone()], false, &mut taken, &mut Vec::new());
        }
        // And the `Known` enums the response side adds.
        let known: Vec<String> = taken.names.iter().map(|n| known_name(n)).collect();
        taken.names.extend(known);
        Taken { names: taken.names, table: SHORT_NAMES.iter().copied().collect(), dry_run: false }
    }

    /// The short name for the type at `path` (its segments from the component down), taken.
    fn short(&mut self, path: &[String], limit: usize) -> Result<String, Error> {
        let full = path.concat();
        if self.dry_run {
            self.names.insert(full.clone());
            return Ok(full);
        }
        if let Some(chosen) = self.table.get(full.as_str()) {
            return self.take(chosen.to_string(), &full);
        }
        let segments = tidy(&path[1..]);
        let root = &path[0];
        let bare = bare_root(root);
        let mut candidates = vec![format!("{root}{}", segments.concat())];
        for skip in 0..segments.len() {
            candidates.push(format!("{bare}{}", segments[skip..].concat()));
        }
        // Then, word by word: the first (a vendor, `Anthropic…`), then a word said again later
        // (`DeltaEventDeltaCitationsDelta` → `EventDeltaCitationsDelta`), else the first again.
        let mut all = words(&without_repeats(&format!("{bare}{}", segments.concat())));
        if all.len() > 2 {
            candidates.push(all[1..].concat());
        }
        while all.len() > 2 {
            let again = (0..all.len()).find(|&i| all[i + 1..].contains(&all[i]));
            all.remove(again.unwrap_or(0));
            candidates.push(all.concat());
        }
        let found = candidates.into_iter().map(|c| without_repeats(&c)).find(|c| {
            c.len() <= limit
                && words(c).len() >= 2
                && c.starts_with(|first: char| first.is_ascii_uppercase())
                && !self.names.contains(c)
        });
        match found {
            Some(name) => self.take(name, &full),
            None => Err(Error(format!(
                "no short name for `{full}` (longest allowed {limit}): add one to SHORT_NAMES (codegen/src/names.rs)"
            ))),
        }
    }

    fn take(&mut self, name: String, full: &str) -> Result<String, Error> {
        if name.len() > MAX_LEN || !self.names.insert(name.clone()) {
            return Err(Error(format!("SHORT_NAMES: `{name}` for `{full}` is too long or already taken")));
        }
        self.names.insert(known_name(&name));
        Ok(name)
    }
}

/// A list's item is the singular of the list (`Edits` `Item` → `Edit`); other `Item`s go, but
/// for a last one after a word that is no plural.
fn tidy(segments: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if segment == "Item" {
            match out.last_mut() {
                Some(previous) if singular(previous) != *previous => *previous = singular(previous),
                _ if last => out.push(segment.clone()),
                _ => {}
            }
            continue;
        }
        out.push(segment.clone());
    }
    out
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

/// `CreateEmbeddingsRequest` → `Embeddings`: the root without the operation's verb and role.
fn bare_root(root: &str) -> String {
    const VERBS: &[&str] = &["Create", "Get", "List", "Query", "Exchange", "Send", "Update", "Delete"];
    const ROLES: &[&str] = &["Request", "Response"];
    let mut words = words(root);
    if words.len() > 1 && VERBS.contains(&words[0].as_str()) {
        words.remove(0);
    }
    if words.len() > 1 && words.last().is_some_and(|w| ROLES.contains(&w.as_str())) {
        words.pop();
    }
    words.concat()
}

/// For each component the normalizer lifted out of a union (`<Union><Tag>`), its path: the
/// union's path, then the tag.
fn lifted_paths(spec: &mut Value) -> BTreeMap<String, Vec<String>> {
    let mut paths: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // A lifted component may hold unions of its own: a few rounds reach the deepest.
    for _ in 0..4 {
        let mut found = BTreeMap::new();
        for (name, schema) in schemas(spec).iter() {
            let root = paths.get(name).cloned().unwrap_or_else(|| vec![name.clone()]);
            find_lifted(schema, &mut root.clone(), &mut found);
        }
        if found == paths {
            break;
        }
        paths = found;
    }
    paths
}

fn find_lifted(schema: &Value, path: &mut Vec<String>, found: &mut BTreeMap<String, Vec<String>>) {
    let Value::Object(map) = schema else { return };
    let here = path.concat();
    for key in ["oneOf", "anyOf"] {
        for branch in map.get(key).and_then(Value::as_array).into_iter().flatten() {
            let Some(target) = branch.as_object().and_then(ref_name) else { continue };
            if let Some(tag) = target.strip_prefix(here.as_str()).filter(|t| !t.is_empty()) {
                let mut lifted = path.clone();
                lifted.push(tag.to_owned());
                found.insert(target.to_owned(), lifted);
            }
        }
    }
    for (which, segment) in children(map) {
        let names_a_type = segment.is_some();
        path.extend(segment);
        find_lifted(child_ref(map, &which), path, found);
        if names_a_type {
            path.pop();
        }
    }
}

/// One child schema of a schema.
enum Child {
    Property(String),
    Single(&'static str),
    Branch(&'static str, usize),
}

/// Each child schema with the segment typify appends to the name there (`Property`, `Item`,
/// `Value`), or none for union branches and `allOf` parts, which keep their parent's name (a
/// branch's own name is its variant's).
fn children(map: &Map<String, Value>) -> Vec<(Child, Option<String>)> {
    let mut children = Vec::new();
    if let Some(Value::Object(properties)) = map.get("properties") {
        for property in properties.keys() {
            children.push((Child::Property(property.clone()), Some(property.to_pascal_case())));
        }
    }
    // Next to fields, a map is flattened into the struct as its `extra` field.
    let value = if map.contains_key("properties") { "ExtraValue" } else { "Value" };
    for (key, segment) in [("items", "Item"), ("additionalProperties", value)] {
        if map.get(key).is_some_and(Value::is_object) {
            children.push((Child::Single(key), Some(segment.to_owned())));
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        let count = map.get(key).and_then(Value::as_array).map_or(0, Vec::len);
        children.extend((0..count).map(|i| (Child::Branch(key, i), None)));
    }
    children
}

fn child<'a>(map: &'a mut Map<String, Value>, child: &Child) -> &'a mut Value {
    match child {
        Child::Property(name) => &mut map["properties"][name],
        Child::Single(key) => &mut map[*key],
        Child::Branch(key, i) => &mut map[*key][*i],
    }
}

fn child_ref<'a>(map: &'a Map<String, Value>, child: &Child) -> &'a Value {
    match child {
        Child::Property(name) => &map["properties"][name],
        Child::Single(key) => &map[*key],
        Child::Branch(key, i) => &map[*key][*i],
    }
}

/// Gives each inline type whose name would not fit a `title`; below a titled schema, names
/// start again from the title, as typify's do.
fn title_inline(
    schema: &mut Value,
    path: &mut Vec<String>,
    names_a_type: bool,
    taken: &mut Taken,
    renamed: &mut Vec<(String, String)>,
) -> Result<(), Error> {
    let Value::Object(map) = schema else { return Ok(()) };
    let mut rooted;
    let path = if let Some(Value::String(title)) = map.get("title").filter(|_| names_a_type) {
        if taken.dry_run && makes_a_type(map) {
            taken.names.insert(title.clone());
        }
        rooted = vec![title.clone()];
        &mut rooted
    } else if names_a_type && makes_a_type(map) && !fits(&path.concat(), MAX_LEN) {
        let full = path.concat();
        let short = taken.short(path, MAX_LEN)?;
        if short != full {
            renamed.push((full, short.clone()));
        }
        map.insert("title".into(), json!(short));
        rooted = vec![short];
        &mut rooted
    } else {
        if taken.dry_run && names_a_type && makes_a_type(map) {
            taken.names.insert(path.concat());
        }
        path
    };
    for (which, segment) in children(map) {
        let names_a_type = segment.is_some();
        path.extend(segment);
        title_inline(child(map, &which), path, names_a_type, taken, renamed)?;
        if names_a_type {
            path.pop();
        }
    }
    Ok(())
}

/// Where an inline schema sits, which decides what typify names it.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// A component: its own name.
    Component,
    /// A property, a list's item or a map's value: its title, else its path.
    Named,
    /// A union's inline branch: the union's name and the variant's.
    Branch,
}

/// Codegen side, after the response side is opened: the inline types whose names [`shorten`]'s
/// titles do not reach become components. typify ignores a title on a nullable union (it names
/// the non-null part by its path), and names an inline union branch after the union and the
/// variant, whatever its title. The branch keeps its variant name as the `$ref`'s title.
pub fn lift_long_inline(spec: &mut Value) -> Result<(), Error> {
    let mut taken = Taken::of(spec);
    let mut todo: Vec<String> = schemas(spec).keys().cloned().collect();
    while let Some(name) = todo.pop() {
        let mut schema = schemas(spec).remove(&name).expect("listed or lifted");
        let mut lifted = Vec::new();
        lift_in(&mut schema, &mut vec![name.clone()], Role::Component, &mut taken, &mut lifted)?;
        schemas(spec).insert(name, schema);
        for (name, schema) in lifted {
            todo.push(name.clone());
            schemas(spec).insert(name, schema);
        }
    }
    schemas(spec).sort_keys();
    Ok(())
}

fn lift_in(
    schema: &mut Value,
    path: &mut Vec<String>,
    role: Role,
    taken: &mut Taken,
    lifted: &mut Vec<(String, Value)>,
) -> Result<(), Error> {
    let Value::Object(map) = schema else { return Ok(()) };
    let mut rooted;
    let mut path = path;
    if role != Role::Component && makes_a_type(map) {
        let union = map.contains_key("oneOf") || map.contains_key("anyOf") || map.contains_key("allOf");
        let title = map.get("title").and_then(Value::as_str).map(str::to_owned);
        let title_names_it = role == Role::Named && !(union && map.get("nullable") == Some(&json!(true)));
        let typify_name = match (&title, title_names_it) {
            (Some(title), true) => title.clone(),
            _ => path.concat(),
        };
        if fits(&typify_name, MAX_LEN) {
            if title_names_it && let Some(title) = title {
                rooted = vec![title];
                path = &mut rooted;
            }
        } else {
            let name = match title.filter(|t| role == Role::Named && fits(t, MAX_LEN)) {
                Some(title) => title,
                None => taken.short(path, MAX_LEN)?,
            };
            let mut component = std::mem::take(map);
            let mut wrapper = Map::new();
            wrapper.insert("allOf".into(), json!([schema_ref(&name)]));
            for key in ["nullable", "description"] {
                if let Some(value) = component.get(key).cloned() {
                    wrapper.insert(key.into(), value);
                }
            }
            component.remove("nullable");
            if role == Role::Branch {
                let variant = path.last().cloned().unwrap_or_default();
                component.remove("title");
                wrapper.insert("title".into(), json!(variant));
            }
            *map = wrapper;
            lifted.push((name, Value::Object(component)));
            return Ok(());
        }
    }
    for (which, segment) in children(map) {
        let (segment, role) = match (&which, segment) {
            (_, Some(segment)) => (Some(segment), Role::Named),
            (Child::Branch("allOf", _), None) => (None, role),
            (_, None) => (variant_name(child_ref(map, &which)), Role::Branch),
        };
        if let Child::Branch(_, _) = which
            && child_ref(map, &which).as_object().is_some_and(|b| b.contains_key("$ref"))
        {
            continue;
        }
        let pushed = segment.is_some();
        path.extend(segment);
        lift_in(child(map, &which), path, role, taken, lifted)?;
        if pushed {
            path.pop();
        }
    }
    Ok(())
}

/// The variant name typify gives an inline union branch: its title, else what it is.
fn variant_name(branch: &Value) -> Option<String> {
    if let Some(title) = branch.get("title").and_then(Value::as_str) {
        return Some(title.to_pascal_case());
    }
    let format = branch.get("format").and_then(Value::as_str);
    let kind = branch.get("type").and_then(Value::as_str);
    format.or(kind).map(|k| k.to_pascal_case())
}

/// Whether typify makes a named type of an inline schema: an object with fields, an enum, a
/// union, or several parts merged.
fn makes_a_type(map: &Map<String, Value>) -> bool {
    map.get("$ref").is_none()
        && (map.contains_key("properties")
            || map.contains_key("enum")
            || map.contains_key("oneOf")
            || map.contains_key("anyOf")
            || map.get("allOf").and_then(Value::as_array).is_some_and(|p| p.len() > 1))
}

/// Renames component schemas and every `$ref` to them.
fn rename_components(spec: &mut Value, names: &BTreeMap<String, String>) {
    let schemas = schemas(spec);
    for (old, new) in names {
        let schema = schemas.remove(old).expect("a component listed above");
        schemas.insert(new.clone(), schema);
    }
    schemas.sort_keys();
    walk_objects(spec, &mut |schema| {
        if let Some(new) = ref_name(schema).and_then(|n| names.get(n)) {
            schema.insert("$ref".into(), schema_ref(new)["$ref"].clone());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_runs_of_words_go() {
        assert_eq!(without_repeats("AdditionalToolsItemToolsItemFunctionTool"), "AdditionalToolsItemFunctionTool");
        assert_eq!(without_repeats("ChatContentImageImageUrl"), "ChatContentImageUrl");
        assert_eq!(without_repeats("WebSearchToolResultErrorErrorCode"), "WebSearchToolResultErrorCode");
        assert_eq!(without_repeats("ClearToolUses20250919"), "ClearToolUses20250919");
        assert!(fits("ChatRequest", MAX_LEN));
        assert!(!fits("McpListToolsItemToolsItem", MAX_LEN));
    }

    #[test]
    fn long_paths_lose_verbs_items_and_then_their_oldest_segments() {
        let mut taken = Taken {
            names: ["MessagesEditClearToolUses20250919".to_owned()].into(),
            table: BTreeMap::new(),
            dry_run: false,
        };
        let path = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let edits = path(&["MessagesRequest", "ContextManagement", "Edits", "Item", "ClearToolUses20250919"]);
        // Taken already: the next candidate drops one more segment.
        assert_eq!(taken.short(&edits, MAX_LEN).unwrap(), "MessagesClearToolUses20250919");
        let inputs = path(&["MessagesClearToolUses20250919", "ClearToolInputs"]);
        assert_eq!(taken.short(&inputs, MAX_LEN).unwrap(), "ClearToolUses20250919ClearToolInputs");
        let item = path(&["CreateEmbeddingsRequest", "Input", "Item", "Content", "Item", "ImageUrl", "ImageUrl"]);
        assert_eq!(taken.short(&item, MAX_LEN).unwrap(), "EmbeddingsInputContentImageUrl");
        let granularity = path(&["GetAnalyticsMetaResponse", "Data", "Granularities", "Item", "Name"]);
        assert_eq!(taken.short(&granularity, 35).unwrap(), "AnalyticsMetaDataGranularityName");
        assert_eq!(known_name("ChatFinishReason"), "KnownChatFinishReason");
        assert_eq!(known_name("UnifiedBenchmarksSearchItemBenchmarkType"), "KnownBenchmarksSearchItemBenchmarkType");
    }
}
