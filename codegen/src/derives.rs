//! Edits to the derives progenitor wrote, on the parsed code before it is formatted.
//!
//! [`specialize`]: direct `Deserialize` impls for the two untagged union shapes on the response
//! path. serde's `#[serde(untagged)]` first copies the value into a buffer, then tries each variant
//! against it. For a message `content` of megabytes that doubles the decode time (measured in
//! `bench/`), and every `finish_reason` pays for a buffer. Two shapes can be decided from the JSON
//! itself, so they get a plain impl instead; serialization stays derived:
//!
//! - `Known(K) | Unknown(String)`: read a string, then `K::from_str` (typify's `FromStr` takes
//!   exactly the serde names) or keep the string;
//! - `String(String) | Array(Vec<T>)`: a visitor that takes a string or a sequence.

use syn::{Attribute, Fields, Item, ItemEnum, parse::Parser};

use crate::Error;

/// Adds `Default` to every struct whose fields can all start empty (`Option`, `Vec`, maps), which
/// typify leaves out when a field is required but empty all the same: the chat request (its
/// `messages` start empty), so that the builder starts from `ChatRequest::default()` instead of
/// decoding a template (decoding instantiates the whole request's decoder: measured in bench/, a
/// tenth of the crate's compile time), and `TraceConfig` (its `extra` map).
pub fn add_defaults(file: &mut syn::File) -> Result<(), Error> {
    const EMPTY_ABLE: &[&str] =
        &["::std::option::Option<", "::std::vec::Vec<", "::serde_json::Map<", "::std::collections::HashMap<"];
    for_each_item_list(&mut file.items, &mut |items| {
        for item in items.iter_mut() {
            let Item::Struct(item) = item else { continue };
            let Fields::Named(fields) = &item.fields else { continue };
            let empty_able = fields.named.iter().all(|f| EMPTY_ABLE.iter().any(|e| tokens(&f.ty).starts_with(e)));
            if empty_able && !fields.named.is_empty() && !has_derive(&item.attrs, "Default") {
                let name = item.ident.to_string();
                edit_derives(&mut item.attrs, &name, |derives| derives.push("Default".into()))?;
            }
        }
        Ok(())
    })
}

/// Rewrites every enum of a specialized shape in `file` (at any module depth).
pub fn specialize(file: &mut syn::File) -> Result<(), Error> {
    for_each_item_list(&mut file.items, &mut |items| {
        let mut added = Vec::new();
        for item in items.iter_mut() {
            if let Item::Enum(item) = item
                && let Some(code) = impl_for(item)
            {
                drop_derived_deserialize(item)?;
                let parsed: Item = syn::parse_str(&code)
                    .map_err(|e| Error(format!("the Deserialize impl for {} does not parse: {e}", item.ident)))?;
                added.push(parsed);
            }
        }
        items.extend(added);
        Ok(())
    })
}

/// Drops the `TryFrom<&str>`, `TryFrom<&String>` and `TryFrom<String>` impls typify writes for
/// every string enum and constrained string: each only calls the type's `FromStr`, which stays
/// (`"low".parse::<Effort>()`). They are plain functions, so every build compiled and optimized all
/// of them, used or not: 264 impls with the default features, 1,272 with `full`, and 4% and 7% of
/// the crate's release compile (BENCHMARKS.md).
pub fn drop_redundant_conversions(file: &mut syn::File) -> Result<(), Error> {
    for_each_item_list(&mut file.items, &mut |items| {
        items.retain(|item| !is_redundant_conversion(item));
        Ok(())
    })
}

/// Marks the functions of typify's `Display` and `FromStr` impls `#[inline]`: as plain functions
/// every build compiled and optimized all of them (a `match` over each enum's values; 1,400 impls
/// and an eighth of the crate's machine code with `full`), where now a build compiles those it
/// calls. Nothing else changes: `inline` is a hint, not part of the API.
pub fn inline_string_conversions(file: &mut syn::File) -> Result<(), Error> {
    for_each_item_list(&mut file.items, &mut |items| {
        for item in items.iter_mut() {
            let Item::Impl(item) = item else { continue };
            let Some((path, _)) = &item.trait_ else { continue };
            let Some(last) = path.segments.last() else { continue };
            if last.ident != "Display" && last.ident != "FromStr" {
                continue;
            }
            for member in item.items.iter_mut() {
                if let syn::ImplItem::Fn(function) = member
                    && !function.attrs.iter().any(|a| a.path().is_ident("inline"))
                {
                    function.attrs.push(syn::parse_quote!(#[inline]));
                }
            }
        }
        Ok(())
    })
}

fn is_redundant_conversion(item: &Item) -> bool {
    let Item::Impl(item) = item else { return false };
    let Some((path, _)) = &item.trait_ else { return false };
    let Some(last) = path.segments.last() else { return false };
    last.ident == "TryFrom"
        && ["<&str>", "<::std::string::String>", "<&::std::string::String>"].contains(&tokens(&last.arguments).as_str())
}

/// Replaces serde's derived `Deserialize` of every plain struct of `types` with a direct decoder
/// that reads a JSON object and nothing else: a `crate::lenient::struct_decoder!` call, returned as
/// text, one line per field, for a module of its own (prettyplease would reflow the lines). Enums
/// of known string values get a `crate::lenient::enum_decoder!` call the same way, one line per
/// value. Same result as the derive for an object (renames, aliases, defaults, `null` and missing
/// fields, duplicate and unknown keys), at about a fifth of the code: the derive also writes a
/// decoder from a sequence, which no JSON object needs, and two wrapper types per
/// `deserialize_with` field. Every build type-checks all of it (BENCHMARKS.md). A struct with a
/// serde option this does not know (`flatten`, `transparent`, `deny_unknown_fields`, ...) keeps
/// the derive.
///
/// The derived `Serialize` of the same structs becomes a `crate::lenient::struct_encoder!` call,
/// for the same reason: the same output in less code.
pub fn direct_serde_impls(file: &mut syn::File) -> Result<String, Error> {
    let mut impls = String::new();
    for item in file.items.iter_mut() {
        let Item::Mod(module) = item else { continue };
        let Some((_, items)) = &mut module.content else { continue };
        if module.ident != "types" {
            continue;
        }
        let from_str = from_str_values(items);
        let text_types = read_from_text(items, &from_str);
        for item in items.iter_mut() {
            let (code, name, attrs) = match item {
                Item::Struct(item) => (struct_decoder(item, &text_types), item.ident.to_string(), &mut item.attrs),
                Item::Enum(item) => (enum_decoder(item, &from_str), item.ident.to_string(), &mut item.attrs),
                _ => continue,
            };
            if let Some(code) = code.filter(|_| has_derive(attrs, "::serde::Deserialize")) {
                syn::parse_str::<Item>(&code)
                    .map_err(|e| Error(format!("the decoder of {name} does not parse: {e}\n{code}")))?;
                edit_derives(attrs, &name, |derives| derives.retain(|d| d != "::serde::Deserialize"))?;
                impls.push_str(&code);
            }
            let Item::Struct(item) = item else { continue };
            if let Some(code) = struct_encoder(item).filter(|_| has_derive(&item.attrs, "::serde::Serialize")) {
                syn::parse_str::<Item>(&code)
                    .map_err(|e| Error(format!("the encoder of {name} does not parse: {e}\n{code}")))?;
                edit_derives(&mut item.attrs, &name, |derives| derives.retain(|d| d != "::serde::Serialize"))?;
                impls.push_str(&code);
            }
            // Without serde's derives, nothing reads the `#[serde]` attributes (the macro calls
            // carry the keys), and the compiler rejects them.
            if !has_derive(&item.attrs, "::serde::Deserialize") && !has_derive(&item.attrs, "::serde::Serialize") {
                let not_serde = |a: &Attribute| !a.path().is_ident("serde");
                item.attrs.retain(not_serde);
                item.fields.iter_mut().for_each(|field| field.attrs.retain(not_serde));
            }
        }
    }
    Ok(impls)
}

/// The direct encoder of `item` (a `crate::lenient::struct_encoder!` call), or `None` where the
/// derive must stay: one line per field, its JSON key and when it is left out.
fn struct_encoder(item: &syn::ItemStruct) -> Option<String> {
    let name = &item.ident;
    let mut lines = String::new();
    for field in &plain_fields(item)?.named {
        let ident = field.ident.as_ref()?;
        let mut key = ident.to_string().trim_start_matches("r#").to_owned();
        let mut unless = String::new();
        for (option, value) in field_options(field) {
            match (option.as_str(), value) {
                ("rename", Some(value)) => key = value,
                ("skip_serializing_if", Some(path)) => unless = format!(" unless {path}"),
                // Read by the decoder alone.
                ("alias" | "default" | "deserialize_with", _) => {}
                _ => return None,
            }
        }
        lines.push_str(&format!("        {ident} [{key:?}]{unless},\n"));
    }
    Some(format!("crate::lenient::struct_encoder! {{\n    {name} {{\n{lines}    }}\n}}\n"))
}

/// The types that decode from a string alone: enums of known values (given an
/// `enum_decoder!`), and the open enums over them (`Known(..)` or `Unknown(String)`). An
/// optional field of one decodes with `TextOrNone`, straight from the string, rather than
/// `OrNone`, which reads the value's text first and decodes it in a second pass.
fn read_from_text(items: &[Item], from_str: &FromStrValues) -> std::collections::BTreeSet<String> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Enum(item) if enum_decoder(item, from_str).is_some() => Some(item.ident.to_string()),
            Item::Enum(item) => match variants(item)?.as_slice() {
                [(known, _), (unknown, ty)]
                    if known == "Known" && unknown == "Unknown" && ty == "::std::string::String" =>
                {
                    Some(item.ident.to_string())
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The direct decoder of `item` (a `crate::lenient::struct_decoder!` call), or `None` where the
/// derive must stay. `text_types`: [`read_from_text`].
fn struct_decoder(item: &syn::ItemStruct, text_types: &std::collections::BTreeSet<String>) -> Option<String> {
    let name = &item.ident;
    let mut lines = String::new();
    for field in &plain_fields(item)?.named {
        let ident = field.ident.as_ref()?;
        let mut keys = vec![ident.to_string().trim_start_matches("r#").to_owned()];
        let (mut default, mut with) = (None, None);
        for (key, value) in field_options(field) {
            match (key.as_str(), value) {
                ("rename", Some(value)) => keys[0] = value,
                ("alias", Some(value)) => keys.push(value),
                ("default", None) => default = Some("default".to_owned()),
                ("default", Some(path)) => default = Some(format!("({path})")),
                ("deserialize_with", Some(path)) => with = Some(seed_for(&path)?),
                ("skip_serializing_if", Some(_)) => {}
                _ => return None,
            }
        }
        // What the derive does with a missing field: its default; an error where a function
        // decodes it; `None` for an `Option`; an error otherwise.
        let optional = tokens(&field.ty).starts_with("::std::option::Option<");
        let missing = match (default, &with) {
            (Some(default), _) => default,
            (None, None) if optional => "default".to_owned(),
            _ => "required".to_owned(),
        };
        let ty = tokens(&field.ty);
        let from_text = ty.strip_prefix("::std::option::Option<").and_then(|t| t.strip_suffix('>'));
        let seed = match with {
            Some("OrNone") if from_text.is_some_and(|t| text_types.contains(t)) => "TextOrNone",
            with => with.unwrap_or("Plain"),
        };
        let keys = keys.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(" | ");
        lines.push_str(&format!("        {ident}: {ty} [{keys}] {seed} {missing},\n"));
    }
    Some(format!("crate::lenient::struct_decoder! {{\n    {name} {{\n{lines}    }}\n}}\n"))
}

/// The direct decoder of an enum of unit variants, each at most renamed (a
/// `crate::lenient::enum_decoder!` call), or `None` where the derive must stay. The decoder reads
/// the string through the enum's `FromStr`, so it is written only where that impl takes exactly
/// the serde names (`from_str`: [`from_str_values`]).
fn enum_decoder(item: &ItemEnum, from_str: &FromStrValues) -> Option<String> {
    if item.variants.is_empty() || !item.generics.params.is_empty() || !serde_options(&item.attrs).is_empty() {
        return None;
    }
    let mut lines = String::new();
    let mut values = Vec::new();
    for variant in &item.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return None;
        }
        let mut wire = variant.ident.to_string();
        for option in serde_options(&variant.attrs) {
            match option.split_once('=') {
                Some((key, value)) if key.trim() == "rename" => wire = value.trim().trim_matches('"').to_owned(),
                _ => return None,
            }
        }
        lines.push_str(&format!("        {} [{wire:?}],\n", variant.ident));
        values.push((wire, variant.ident.to_string()));
    }
    values.sort();
    if from_str.get(&item.ident.to_string()) != Some(&values) {
        return None;
    }
    Some(format!("crate::lenient::enum_decoder! {{\n    {} {{\n{lines}    }}\n}}\n", item.ident))
}

/// Each type's `FromStr` that is one `match` of string literals to `Ok(Self::Variant)` and a
/// final `_` arm that fails (typify's shape): the (string, variant) pairs, sorted.
type FromStrValues = std::collections::BTreeMap<String, Vec<(String, String)>>;

fn from_str_values(items: &[Item]) -> FromStrValues {
    let mut found = FromStrValues::new();
    for item in items {
        let Item::Impl(item) = item else { continue };
        let Some((path, _)) = &item.trait_ else { continue };
        if path.segments.last().is_none_or(|last| last.ident != "FromStr") {
            continue;
        }
        let body = item.items.iter().find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "from_str" => Some(&f.block),
            _ => None,
        });
        let Some([syn::Stmt::Expr(syn::Expr::Match(matched), None)]) = body.map(|b| b.stmts.as_slice()) else {
            continue;
        };
        let Some((last, arms)) = matched.arms.split_last() else { continue };
        if !matches!(last.pat, syn::Pat::Wild(_)) || !tokens(&last.body).starts_with("Err(") {
            continue;
        }
        let values: Option<Vec<(String, String)>> = arms
            .iter()
            .map(|arm| {
                let syn::Pat::Lit(syn::PatLit { lit: syn::Lit::Str(wire), .. }) = &arm.pat else { return None };
                let variant = tokens(&arm.body).strip_prefix("Ok(Self::")?.strip_suffix(')')?.to_owned();
                Some((wire.value(), variant))
            })
            .collect();
        if let Some(mut values) = values {
            values.sort();
            found.insert(tokens(&item.self_ty), values);
        }
    }
    found
}

/// The `crate::lenient::seed` type of a `deserialize_with` function of `crate::lenient`, or
/// `Plain` for typify's `Option::deserialize` (a field that must be there and may be `null`: the
/// `Option`'s own decoding, and missing is an error, as with the derive).
fn seed_for(path: &str) -> Option<&'static str> {
    if path == "::std::option::Option::deserialize" {
        return Some("Plain");
    }
    Some(match path.strip_prefix("crate::lenient::")? {
        "or_none" => "OrNone",
        "or_default" => "OrDefault",
        "null_as_default" => "NullAsDefault",
        "list" => "List",
        "list_or_null" => "ListOrNull",
        "scalar_or_none" => "ScalarOrNone",
        "scalar" => "ScalarValue",
        "exact" => "Exact",
        "exact_or_null" => "ExactOrNull",
        _ => return None,
    })
}

/// Calls `f` on the file's items, then on the items of every inline module, at any depth.
fn for_each_item_list(
    items: &mut Vec<Item>,
    f: &mut dyn FnMut(&mut Vec<Item>) -> Result<(), Error>,
) -> Result<(), Error> {
    f(items)?;
    for item in items.iter_mut() {
        if let Item::Mod(module) = item
            && let Some((_, inner)) = &mut module.content
        {
            for_each_item_list(inner, f)?;
        }
    }
    Ok(())
}

/// The untagged union's variants as (name, type) pairs, when every variant is a one-field tuple.
fn variants(item: &ItemEnum) -> Option<Vec<(String, String)>> {
    let untagged = item
        .attrs
        .iter()
        .any(|a| a.path().is_ident("serde") && a.meta.require_list().is_ok_and(|l| l.tokens.to_string() == "untagged"));
    if !untagged {
        return None;
    }
    item.variants
        .iter()
        .map(|v| match &v.fields {
            Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                let ty = &f.unnamed[0].ty;
                Some((v.ident.to_string(), tokens(ty)))
            }
            _ => None,
        })
        .collect()
}

/// A type's tokens as text without spaces: `::std::vec::Vec<TextPart>`.
fn tokens(node: &impl quote::ToTokens) -> String {
    node.to_token_stream().to_string().replace(' ', "")
}

/// The impl for `item`, if it has one of the two shapes.
fn impl_for(item: &ItemEnum) -> Option<String> {
    const STRING: &str = "::std::string::String";
    let name = &item.ident;
    let variants = variants(item)?;
    let [(first, first_type), (second, second_type)] = variants.as_slice() else { return None };
    if first == "Known" && second == "Unknown" && second_type == STRING {
        return Some(format!(
            "impl<'de> ::serde::Deserialize<'de> for {name} {{
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {{
                    let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                    ::std::result::Result::Ok(match value.parse::<{first_type}>() {{
                        ::std::result::Result::Ok(known) => Self::Known(known),
                        ::std::result::Result::Err(_) => Self::Unknown(value),
                    }})
                }}
            }}"
        ));
    }
    if first == "String" && first_type == STRING && second == "Array" && second_type.starts_with("::std::vec::Vec<") {
        return Some(format!(
            "impl<'de> ::serde::Deserialize<'de> for {name} {{
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {{
                    struct StringOrArray;
                    impl<'de> ::serde::de::Visitor<'de> for StringOrArray {{
                        type Value = {name};
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{
                            f.write_str(\"a string or an array\")
                        }}
                        fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<{name}, E> {{
                            ::std::result::Result::Ok({name}::String(value.to_owned()))
                        }}
                        fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<{name}, E> {{
                            ::std::result::Result::Ok({name}::String(value))
                        }}
                        fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, seq: A) -> ::std::result::Result<{name}, A::Error> {{
                            ::serde::Deserialize::deserialize(::serde::de::value::SeqAccessDeserializer::new(seq)).map({name}::Array)
                        }}
                    }}
                    deserializer.deserialize_any(StringOrArray)
                }}
            }}"
        ));
    }
    None
}

/// Takes `::serde::Deserialize` out of the enum's derive list (the impl above replaces it).
fn drop_derived_deserialize(item: &mut ItemEnum) -> Result<(), Error> {
    let name = item.ident.to_string();
    edit_derives(&mut item.attrs, &name, |derives| derives.retain(|d| d != "::serde::Deserialize"))
}

/// Edits the paths of every `#[derive(...)]` on an item (spaces removed: `::serde::Serialize`).
fn edit_derives(attrs: &mut [Attribute], name: &str, edit: impl Fn(&mut Vec<String>)) -> Result<(), Error> {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let list = attr.meta.require_list().map_err(|e| Error(e.to_string()))?;
        let mut derives: Vec<String> = list.tokens.to_string().split(',').map(|d| d.replace(' ', "")).collect();
        edit(&mut derives);
        let parsed = Attribute::parse_outer
            .parse_str(&format!("#[derive({})]", derives.join(", ")))
            .map_err(|e| Error(format!("cannot rebuild the derives of {name}: {e}")))?;
        *attr = parsed.into_iter().next().expect("one attribute was parsed");
    }
    Ok(())
}

/// Response fields the user cannot do without (`field` in any type, `Type.field`, or `*suffix`):
/// a value that does not fit them fails the response, as it should, and lists among them decode
/// whole. `type` is also here: it is the tag that tells union branches apart. An error is never
/// dropped. Money, usage and identity are essential everywhere: costs, token counts, ids and the
/// secrets a key's creation returns once.
pub const ESSENTIAL_FIELDS: &[&str] = &[
    "id",
    "choices",
    "Choice.message",
    "delta",
    "content",
    "tool_calls",
    "function",
    "arguments",
    "name",
    "error",
    "type_",
    "ImageGenerationResponse.data",
    "usage",
    "cost",
    "*_cost",
    "cost_details",
    "*_tokens",
    "*_id",
    "key",
    "hash",
];

/// Whether a field is essential ([`ESSENTIAL_FIELDS`]).
fn is_essential(field: &str, qualified: &str) -> bool {
    ESSENTIAL_FIELDS.iter().any(|e| match e.strip_prefix('*') {
        Some(suffix) => field.ends_with(suffix),
        None => *e == field || *e == qualified,
    })
}

/// Gives every field of a response type the decoding of the leniency rule (`crate::lenient` in
/// the main crate, where the rule is written out): numbers also from numeric strings, lists
/// element by element, essential fields exact, a missing or unfit required field an error, and
/// only optional fields that are not essential dropped to `None`. An optional field that is
/// missing is `None` even where the spec says "required, may be null".
///
/// Real traffic departs from the spec this way: a provider's legacy `logprobs` object, a float
/// `created`, a cost sent as a string, `"tool_calls": null` from servers built on openai-python's
/// types, a nullable field left out by servers that drop nulls (LiteLLM).
pub fn lenient_responses(file: &mut syn::File, roots: &[&str]) -> Result<(), Error> {
    let mut items: Vec<&mut Item> = Vec::new();
    collect_items(&mut file.items, &mut items);
    let reachable = reachable_types(&items, roots);
    let mut changed = 0;
    for item in items {
        let Item::Struct(item) = item else { continue };
        if !reachable.contains(&item.ident.to_string()) {
            continue;
        }
        for field in item.fields.iter_mut() {
            let Some(ident) = &field.ident else { continue };
            let ty = tokens(&field.ty);
            let (name, qualified) = (ident.to_string(), format!("{}.{ident}", item.ident));
            let optional = ty.starts_with("::std::option::Option<") || has_serde_option(&field.attrs, "default");
            match lenient_fn(&ty, is_essential(&name, &qualified), optional) {
                Some(with) => set_serde_deserialize_with(&mut field.attrs, with, optional)?,
                None if optional && !has_serde_option(&field.attrs, "default") => field
                    .attrs
                    .extend(Attribute::parse_outer.parse_str("#[serde(default)]").map_err(|e| Error(e.to_string()))?),
                None => continue,
            }
            changed += 1;
        }
    }
    if changed == 0 {
        return Err(Error(format!("no response fields found from {roots:?}: the lenient pass did nothing")));
    }
    Ok(())
}

/// Marks what a spec refresh can grow as `#[non_exhaustive]`, so that growing it is not a
/// breaking change for users (the semver policy in the README):
///
/// - structs with `Default`: users build them from `Default` and set fields, so a new optional
///   field breaks nobody;
/// - structs only responses reach (`response_roots`, not `request_roots`): users read them;
/// - enums of known values (unit variants only: two or more, or the `Known` half of an open
///   enum): a refresh adds values. A one-value tag (`TextPartType::Text`) stays exhaustive.
///
/// - request bodies (`request_roots`): they get `new(required fields)`, so a new optional field
///   breaks nobody.
///
/// Other request structs with required fields stay open to struct literals: they have no other
/// constructor, and a required field added upstream breaks requests anyway.
///
/// Structs with `Default`, and request bodies, also get a chainable `with_<field>` setter per
/// field, since struct literals no longer build them:
/// `ProviderPreferences::default().with_allow_fallbacks(false)`,
/// `CreateKeysRequest::new("ci").with_limit(10.0)`.
pub fn mark_non_exhaustive(file: &mut syn::File, response_roots: &[&str], request_roots: &[&str]) -> Result<(), Error> {
    let mut added = Vec::new();
    for_each_item_list(&mut file.items, &mut |items| {
        for item in items.iter() {
            let Item::Struct(s) = item else { continue };
            let body = request_roots.contains(&s.ident.to_string().as_str());
            if has_derive(&s.attrs, "Default") || body {
                added.push(setters_for(s)?);
            }
            if body && !has_derive(&s.attrs, "Default") && matches!(s.fields, Fields::Named(_)) {
                added.push(constructor_for(s)?);
            }
        }
        items.append(&mut std::mem::take(&mut added));
        Ok(())
    })?;
    let mut items: Vec<&mut Item> = Vec::new();
    collect_items(&mut file.items, &mut items);
    let responses = reachable_types(&items, response_roots);
    let requests = reachable_types(&items, request_roots);
    let mut marked = 0;
    for item in items {
        let (attrs, grows) = match item {
            Item::Struct(s) => {
                let name = s.ident.to_string();
                let grows = has_derive(&s.attrs, "Default")
                    || request_roots.contains(&name.as_str())
                    || (responses.contains(&name) && !requests.contains(&name));
                (&mut s.attrs, grows)
            }
            Item::Enum(e) => {
                let unit = e.variants.iter().all(|v| matches!(v.fields, Fields::Unit));
                let values = unit && (e.variants.len() > 1 || e.ident.to_string().starts_with("Known"));
                (&mut e.attrs, values)
            }
            _ => continue,
        };
        if grows && !attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
            attrs.extend(Attribute::parse_outer.parse_str("#[non_exhaustive]").map_err(|e| Error(e.to_string()))?);
            marked += 1;
        }
    }
    if marked == 0 {
        return Err(Error("no generated type was marked #[non_exhaustive]: the pass found nothing".into()));
    }
    Ok(())
}

/// `impl S { pub fn with_<field>(mut self, value: impl Into<T>) -> Self }` for every named field
/// (an `Option<T>` field takes the `T`).
fn setters_for(item: &syn::ItemStruct) -> Result<Item, Error> {
    let name = &item.ident;
    let mut methods = String::new();
    for field in &item.fields {
        let Some(ident) = &field.ident else { continue };
        let ty = tokens(&field.ty);
        let field_name = ident.to_string();
        let plain = field_name.trim_start_matches("r#");
        let (param, value) = match ty.strip_prefix("::std::option::Option<").and_then(|t| t.strip_suffix('>')) {
            Some(inner) => (inner.to_owned(), "::std::option::Option::Some(value.into())"),
            None => (ty.clone(), "value.into()"),
        };
        methods.push_str(&format!(
            "/// Sets [`{plain}`](Self::{field_name}).\n\
             #[must_use]\n\
             pub fn with_{plain}(mut self, value: impl ::std::convert::Into<{param}>) -> Self {{\n\
                 self.{field_name} = {value};\n\
                 self\n\
             }}\n"
        ));
    }
    syn::parse_str(&format!("impl {name} {{ {methods} }}"))
        .map_err(|e| Error(format!("the setters of {name} do not parse: {e}")))
}

/// `impl S { pub fn new(<required fields>) -> Self }`: the optional fields start empty (or at their
/// serde default).
fn constructor_for(item: &syn::ItemStruct) -> Result<Item, Error> {
    let name = &item.ident;
    let (mut params, mut values) = (Vec::new(), Vec::new());
    for field in &item.fields {
        let Some(ident) = &field.ident else { continue };
        let ty = tokens(&field.ty);
        let defaulted = has_serde_option(&field.attrs, "default") || serde_default_fn(&field.attrs).is_some();
        if ty.starts_with("::std::option::Option<") || defaulted {
            let value = serde_default_fn(&field.attrs)
                .map_or_else(|| "::std::default::Default::default()".to_owned(), |path| format!("{path}()"));
            values.push(format!("{ident}: {value}"));
        } else {
            params.push(format!("{ident}: impl ::std::convert::Into<{ty}>"));
            values.push(format!("{ident}: {ident}.into()"));
        }
    }
    let allow = if params.len() > 7 { "#[allow(clippy::too_many_arguments)]" } else { "" };
    let code = format!(
        "impl {name} {{
            /// With its required fields; the others start empty: set them with the `with_*` setters.
            {allow}
            pub fn new({}) -> Self {{ Self {{ {} }} }}
        }}",
        params.join(", "),
        values.join(", ")
    );
    syn::parse_str(&code).map_err(|e| Error(format!("the constructor of {name} does not parse: {e}")))
}

/// The function of a field's `#[serde(default = "path")]`, if it names one.
fn serde_default_fn(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().filter(|a| a.path().is_ident("serde")).find_map(|a| {
        let list = a.meta.require_list().ok()?;
        split_top_level(&list.tokens.to_string()).into_iter().find_map(|option| {
            let path = option.strip_prefix("default")?.trim_start().strip_prefix('=')?.trim();
            Some(path.trim_matches('"').to_owned())
        })
    })
}

/// The `crate::lenient` function a response field of type `ty` decodes with, if any.
fn lenient_fn(ty: &str, essential: bool, optional: bool) -> Option<&'static str> {
    const NUMBERS: &[&str] = &["u8", "u16", "u32", "u64", "i32", "i64", "f32", "f64"];
    const SCALARS: &[&str] = &["::std::string::String", "bool", "u8", "u16", "u32", "u64", "i32", "i64", "f32", "f64"];
    const VEC: &str = "::std::vec::Vec<";
    let is_map = ["::serde_json::Map<", "::std::collections::HashMap<"].iter().any(|p| ty.starts_with(p));
    if ty.starts_with(VEC) {
        return Some(if essential { "crate::lenient::null_as_default" } else { "crate::lenient::list" });
    }
    if is_map {
        return Some(if essential || !optional {
            "crate::lenient::null_as_default"
        } else {
            "crate::lenient::or_default"
        });
    }
    if let Some(inner) = ty.strip_prefix("::std::option::Option<").and_then(|t| t.strip_suffix('>')) {
        return match (essential, inner) {
            (true, inner) if NUMBERS.contains(&inner) => Some("crate::lenient::exact_or_null"),
            (true, _) => None,
            (false, inner) if inner.starts_with(VEC) => Some("crate::lenient::list_or_null"),
            (false, inner) if SCALARS.contains(&inner) => Some("crate::lenient::scalar_or_none"),
            (false, _) => Some("crate::lenient::or_none"),
        };
    }
    // Required strings and booleans decode as serde does (there is nothing to convert).
    NUMBERS.contains(&ty).then_some(if essential { "crate::lenient::exact" } else { "crate::lenient::scalar" })
}

/// Whether a field's `#[serde(...)]` has `option` (`default`, `flatten`).
fn has_serde_option(attrs: &[Attribute], option: &str) -> bool {
    serde_options(attrs).iter().any(|o| o == option)
}

/// The fields of a struct that the direct serde impls can take: named, at least one, no generics
/// and no `#[serde]` option on the struct itself.
fn plain_fields(item: &syn::ItemStruct) -> Option<&syn::FieldsNamed> {
    let Fields::Named(fields) = &item.fields else { return None };
    let plain = !fields.named.is_empty() && item.generics.params.is_empty() && serde_options(&item.attrs).is_empty();
    plain.then_some(fields)
}

/// A field's `#[serde]` options as (name, value without its quotes): `("rename", Some("type"))`,
/// `("default", None)`.
fn field_options(field: &syn::Field) -> Vec<(String, Option<String>)> {
    serde_options(&field.attrs)
        .iter()
        .map(|option| match option.split_once('=') {
            Some((name, value)) => (name.trim().to_owned(), Some(value.trim().trim_matches('"').to_owned())),
            None => (option.trim().to_owned(), None),
        })
        .collect()
}

/// Every option of an item's `#[serde(...)]` attributes, as written (`rename = "type"`).
fn serde_options(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| a.meta.require_list().ok())
        .flat_map(|l| split_top_level(&l.tokens.to_string()))
        .collect()
}

/// Sets `#[serde(deserialize_with = "...")]` on a field, with `default` when the field is
/// optional, keeping its other serde options (`rename`, `skip_serializing_if`) and dropping
/// typify's `deserialize_with`.
fn set_serde_deserialize_with(attrs: &mut Vec<Attribute>, with: &str, optional: bool) -> Result<(), Error> {
    let mut options = Vec::new();
    attrs.retain(|attr| {
        if !attr.path().is_ident("serde") {
            return true;
        }
        if let Ok(list) = attr.meta.require_list() {
            options.extend(split_top_level(&list.tokens.to_string()));
        }
        false
    });
    options.retain(|o| o != "default" && !o.starts_with("deserialize_with"));
    if optional {
        options.insert(0, "default".into());
    }
    options.push(format!("deserialize_with = \"{with}\""));
    let parsed = Attribute::parse_outer
        .parse_str(&format!("#[serde({})]", options.join(", ")))
        .map_err(|e| Error(format!("cannot rebuild a serde attribute: {e}")))?;
    attrs.extend(parsed);
    Ok(())
}

/// `a, b = "x, y", c` → `["a", "b = \"x, y\"", "c"]`.
fn split_top_level(text: &str) -> Vec<String> {
    let (mut parts, mut current, mut in_string) = (Vec::new(), String::new(), false);
    for c in text.chars() {
        match c {
            '"' => in_string = !in_string,
            ',' if !in_string => {
                parts.push(std::mem::take(&mut current).trim().to_owned());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        parts.push(current.trim().to_owned());
    }
    parts
}

/// The names of the generated types reachable from `roots` through field and variant types.
pub fn reachable_types(items: &[&mut Item], roots: &[&str]) -> std::collections::BTreeSet<String> {
    let by_name: std::collections::BTreeMap<String, &Item> =
        items.iter().filter_map(|item| Some((item_name(item)?, &**item))).collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut todo: Vec<String> = roots.iter().map(|r| (*r).to_owned()).collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(item) = by_name.get(&name) else { continue };
        let types: Vec<&syn::Type> = match item {
            Item::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
            Item::Enum(e) => e.variants.iter().flat_map(|v| v.fields.iter().map(|f| &f.ty)).collect(),
            _ => Vec::new(),
        };
        for ty in types {
            let text = tokens(ty);
            for word in text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
                if by_name.contains_key(word) && !seen.contains(word) {
                    todo.push(word.to_owned());
                }
            }
        }
    }
    seen
}

fn item_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        _ => None,
    }
}

/// Every item of the file and its inline modules, at any depth.
fn collect_items<'a>(items: &'a mut [Item], out: &mut Vec<&'a mut Item>) {
    for item in items {
        if let Item::Mod(module) = item {
            if let Some((_, inner)) = &mut module.content {
                collect_items(inner, out);
            }
        } else {
            out.push(item);
        }
    }
}

fn has_derive(attrs: &[Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| a.meta.require_list().is_ok_and(|l| tokens(&l.tokens).split(',').any(|d| d == name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specialized(code: &str) -> String {
        let mut file: syn::File = syn::parse_str(code).unwrap();
        specialize(&mut file).unwrap();
        prettyplease::unparse(&file)
    }

    #[test]
    fn plain_structs_get_direct_serde_impls_and_the_others_keep_the_derives() {
        let mut file: syn::File = syn::parse_str(
            r#"pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Usage {
                    #[serde(deserialize_with = "crate::lenient::exact")]
                    pub total_tokens: u64,
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none", deserialize_with = "crate::lenient::or_none")]
                    pub details: ::std::option::Option<Details>,
                    #[serde(rename = "type", alias = "kind")]
                    pub type_: ::std::string::String,
                    pub note: ::std::option::Option<::std::string::String>,
                    #[serde(default = "defaults::one")]
                    pub n: u64,
                    pub id: ::std::string::String,
                    #[serde(default, deserialize_with = "crate::lenient::or_none")]
                    pub effort: ::std::option::Option<Effort>,
                    #[serde(default, deserialize_with = "crate::lenient::or_none")]
                    pub reason: ::std::option::Option<Reason>,
                    #[serde(default, deserialize_with = "crate::lenient::or_none")]
                    pub either: ::std::option::Option<Either>,
                    #[serde(deserialize_with = "::std::option::Option::deserialize")]
                    pub nullable: ::std::option::Option<u8>,
                    #[serde(deserialize_with = "::std::option::Option::deserialize")]
                    #[serde(default)]
                    pub nullable_or_missing: ::std::option::Option<u8>,
                }
                #[derive(::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Reason { Known(Effort), Unknown(::std::string::String) }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Open { pub a: u8, #[serde(flatten)] pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value> }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(deny_unknown_fields)]
                pub struct Closed { pub a: u8 }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Other { #[serde(deserialize_with = "typify::helper")] pub a: u8 }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy)]
                pub enum Effort { #[serde(rename = "low")] Low, High }
                impl ::std::str::FromStr for Effort {
                    type Err = E;
                    fn from_str(value: &str) -> Result<Self, E> {
                        match value { "High" => Ok(Self::High), "low" => Ok(Self::Low), _ => Err("invalid value".into()) }
                    }
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub enum Mode { Fast, Slow }
                impl ::std::str::FromStr for Mode {
                    type Err = E;
                    fn from_str(value: &str) -> Result<Self, E> {
                        match value { "Fast" => Ok(Self::Fast), "slow" => Ok(Self::Slow), _ => Err("invalid value".into()) }
                    }
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub enum Plan { Free }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(untagged)]
                pub enum Either { Text(::std::string::String), Number(u8) }
            }"#,
        )
        .unwrap();
        let impls = direct_serde_impls(&mut file).unwrap();
        let out = tokens(&file) + &impls.replace(char::is_whitespace, "");
        // One decoder, for `Usage` only, and two encoders, for `Usage` and `Other` (whose
        // unknown `deserialize_with` concerns the decoder alone). `Usage` lost both derives and,
        // with them, its `#[serde]` attributes, which nothing would read; the others kept theirs.
        assert_eq!(out.matches("crate::lenient::struct_decoder!").count(), 1, "{out}");
        assert_eq!(out.matches("crate::lenient::struct_encoder!").count(), 2, "{out}");
        assert!(out.contains("#[derive(Clone,Debug)]pubstructUsage{pubtotal_tokens:u64,"), "{out}");
        assert_eq!(out.matches("#[serde(").count(), 6, "{out}");
        assert!(
            out.contains(
                r#"#[derive(::serde::Deserialize)]pubstructOther{#[serde(deserialize_with="typify::helper")]"#
            )
        );
        assert!(out.contains(r#"crate::lenient::struct_encoder!{Other{a["a"],}}"#), "{out}");
        assert_eq!(out.matches("#[derive(::serde::Deserialize,::serde::Serialize)]").count(), 5, "{out}");
        // Each field of an encoder: its key, and when it is left out.
        let expected = r#"crate::lenient::struct_encoder!{Usage{
            total_tokens["total_tokens"],
            details["details"]unless::std::option::Option::is_none,
            type_["type"],note["note"],n["n"],id["id"],effort["effort"],reason["reason"],
            either["either"],nullable["nullable"],nullable_or_missing["nullable_or_missing"],
        }}"#;
        assert!(out.contains(&expected.replace(char::is_whitespace, "")), "{out}");
        // The enum of unit variants gets one line per value; the untagged union keeps the derive,
        // and so do the enums whose `FromStr`, which the decoder calls, takes other strings
        // (`Mode`) or is missing (`Plan`).
        assert!(out.contains("#[derive(::serde::Serialize,Clone,Copy)]pubenumEffort"), "{out}");
        assert!(out.contains(r#"crate::lenient::enum_decoder!{Effort{Low["low"],High["High"],}}"#), "{out}");
        assert_eq!(out.matches("crate::lenient::enum_decoder!").count(), 1, "{out}");
        // Each field: its index, keys (renamed, with aliases), seed (its `deserialize_with`
        // function; `TextOrNone` for an optional enum of known values, open or closed, that is
        // read from a string alone) and what a missing one is: the derive's rule (a default; an error where a
        // function decodes it; `None` for an `Option`; an error otherwise).
        let expected = r#"crate::lenient::struct_decoder!{Usage{
            total_tokens:u64["total_tokens"]Exactrequired,
            details:::std::option::Option<Details>["details"]OrNonedefault,
            type_:::std::string::String["type"|"kind"]Plainrequired,
            note:::std::option::Option<::std::string::String>["note"]Plaindefault,
            n:u64["n"]Plain(defaults::one),
            id:::std::string::String["id"]Plainrequired,
            effort:::std::option::Option<Effort>["effort"]TextOrNonedefault,
            reason:::std::option::Option<Reason>["reason"]TextOrNonedefault,
            either:::std::option::Option<Either>["either"]OrNonedefault,
            nullable:::std::option::Option<u8>["nullable"]Plainrequired,
            nullable_or_missing:::std::option::Option<u8>["nullable_or_missing"]Plaindefault,
        }}"#;
        assert!(out.contains(&expected.replace(char::is_whitespace, "")), "{out}");
    }

    #[test]
    fn the_string_conversions_that_repeat_from_str_are_dropped() {
        let mut file: syn::File = syn::parse_str(
            "pub mod types {
                pub enum Effort { Low, High }
                impl ::std::str::FromStr for Effort { type Err = E; fn from_str(v: &str) -> Result<Self, E> { todo!() } }
                impl ::std::convert::TryFrom<&str> for Effort { type Error = E; fn try_from(v: &str) -> Result<Self, E> { v.parse() } }
                impl ::std::convert::TryFrom<&::std::string::String> for Effort { type Error = E; fn try_from(v: &::std::string::String) -> Result<Self, E> { v.parse() } }
                impl ::std::convert::TryFrom<::std::string::String> for Effort { type Error = E; fn try_from(v: ::std::string::String) -> Result<Self, E> { v.parse() } }
                impl ::std::convert::TryFrom<u8> for Effort { type Error = E; fn try_from(v: u8) -> Result<Self, E> { todo!() } }
                impl ::std::convert::From<&'static str> for E { fn from(v: &'static str) -> Self { E(v) } }
                impl ::std::convert::From<Effort> for Setting { fn from(v: Effort) -> Self { Setting::Effort(v) } }
                impl ::std::fmt::Display for Effort { fn fmt(&self, f: &mut ::std::fmt::Formatter) -> ::std::fmt::Result { Ok(()) } }
            }",
        )
        .unwrap();
        drop_redundant_conversions(&mut file).unwrap();
        inline_string_conversions(&mut file).unwrap();
        let out = prettyplease::unparse(&file);
        assert!(!out.contains("str> for Effort") && !out.contains("String> for Effort"), "{out}");
        for kept in [
            "FromStr for Effort",
            "TryFrom<u8> for Effort",
            "From<&'static str> for E",
            "From<Effort> for Setting",
            "Display for Effort",
        ] {
            assert!(out.contains(kept), "`{kept}` was dropped:\n{out}");
        }
        // Display and FromStr are compiled where they are called; the other impls are untouched.
        let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("type Err = E; #[inline] fn from_str("), "{out}");
        assert!(flat.contains("for Effort { #[inline] fn fmt("), "{out}");
        assert_eq!(flat.matches("#[inline]").count(), 2, "{out}");
    }

    #[test]
    fn known_or_unknown_gets_a_string_then_from_str_impl() {
        let out = specialized(
            "pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
                #[serde(untagged)]
                pub enum FinishReason { Known(KnownFinishReason), Unknown(::std::string::String) }
            }",
        );
        assert!(out.contains("#[derive(::serde::Serialize, Clone, Debug, PartialEq)]"), "{out}");
        assert!(out.contains("impl<'de> ::serde::Deserialize<'de> for FinishReason"), "{out}");
        assert!(out.contains("value.parse::<KnownFinishReason>()"), "{out}");
    }

    #[test]
    fn string_or_array_gets_a_visitor_impl() {
        let out = specialized(
            "#[derive(::serde::Deserialize, ::serde::Serialize)]
             #[serde(untagged)]
             pub enum Content { String(::std::string::String), Array(::std::vec::Vec<ContentPart>) }",
        );
        assert!(out.contains("#[derive(::serde::Serialize)]"), "{out}");
        assert!(out.contains("deserializer.deserialize_any(StringOrArray)"), "{out}");
    }

    #[test]
    fn structs_that_can_start_empty_get_a_default() {
        let mut file: syn::File = syn::parse_str(
            "pub mod types {
                #[derive(::serde::Deserialize, Clone)]
                pub struct ChatRequest { pub messages: ::std::vec::Vec<Message>, pub model: ::std::option::Option<String> }
                #[derive(Clone)]
                pub struct Trace { pub id: ::std::option::Option<String>, pub extra: ::serde_json::Map<String, Value> }
                #[derive(Clone)]
                pub struct Other { pub x: u32, pub y: ::std::option::Option<u32> }
                #[derive(Clone, Default)]
                pub struct Already { pub y: ::std::option::Option<u32> }
            }",
        )
        .unwrap();
        add_defaults(&mut file).unwrap();
        let out = prettyplease::unparse(&file);
        assert!(out.contains("#[derive(::serde::Deserialize, Clone, Default)]\n    pub struct ChatRequest"), "{out}");
        assert!(out.contains("#[derive(Clone, Default)]\n    pub struct Trace"), "{out}");
        assert!(out.contains("#[derive(Clone)]\n    pub struct Other"), "a required scalar has no empty value: {out}");
        assert!(out.contains("#[derive(Clone, Default)]\n    pub struct Already"), "{out}");
    }

    #[test]
    fn other_unions_keep_serde_untagged() {
        for code in [
            // Not untagged.
            "#[derive(::serde::Deserialize)] pub enum A { Known(K), Unknown(::std::string::String) }",
            // Three variants.
            "#[derive(::serde::Deserialize)] #[serde(untagged)] pub enum B { String(::std::string::String), Number(f64), Array(::std::vec::Vec<f64>) }",
            // Number or string: both scalars, left to serde.
            "#[derive(::serde::Deserialize)] #[serde(untagged)] pub enum C { Number(i64), String(::std::string::String) }",
        ] {
            let out = specialized(code);
            assert!(out.contains("#[derive(::serde::Deserialize)]") && !out.contains("impl<'de>"), "{out}");
        }
    }

    /// Walks the generated code: every enum a response can reach is open (it has an `Unknown`
    /// variant), is the `Known` half of an open one, or is a one-value tag of a union branch
    /// whose union is open.
    #[test]
    fn no_response_side_enum_is_closed() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openrouter.yaml")).unwrap();
        let normalized = crate::normalized(&text, &["full"]).unwrap();
        let (roots, _) = crate::operations::roots(&normalized);
        let roots: Vec<&str> = roots.iter().map(String::as_str).collect();
        let run = crate::build_every_area(&text);
        let mut file: syn::File = syn::parse_str(&run.as_ref().as_ref().unwrap().code).unwrap();
        let mut items = Vec::new();
        collect_items(&mut file.items, &mut items);
        let reachable = reachable_types(&items, &roots);
        let enums: Vec<&ItemEnum> =
            items.iter().filter_map(|i| if let Item::Enum(e) = &**i { Some(e) } else { None }).collect();
        let is_open = |e: &ItemEnum| e.variants.iter().any(|v| v.ident == "Unknown");
        // The types each open enum's variants carry, and each struct's field types: printed once,
        // not once per enum checked.
        let payloads_of_open_unions: std::collections::BTreeSet<String> = enums
            .iter()
            .filter(|e| is_open(e))
            .flat_map(|e| e.variants.iter().flat_map(|v| v.fields.iter().map(|f| tokens(&f.ty))))
            .collect();
        let struct_fields: Vec<(String, std::collections::BTreeSet<String>)> = items
            .iter()
            .filter_map(|i| if let Item::Struct(s) = &**i { Some(s) } else { None })
            .map(|s| (s.ident.to_string(), s.fields.iter().map(|f| tokens(&f.ty)).collect()))
            .collect();
        let mut closed = Vec::new();
        for e in enums.iter().filter(|e| reachable.contains(&e.ident.to_string())) {
            let name = e.ident.to_string();
            let known_half = payloads_of_open_unions.contains(&name);
            let tag_of_open_branch = e.variants.len() == 1
                && struct_fields
                    .iter()
                    .filter(|(_, fields)| fields.contains(&name))
                    .all(|(holder, _)| payloads_of_open_unions.contains(holder));
            // A union of JSON kinds (`String | Array`, `Number | String`) chooses by the value's
            // type, not by a name a newer API could add.
            let json_kinds = e.variants.iter().all(|v| {
                v.fields.iter().all(|f| {
                    let ty = tokens(&f.ty);
                    ["::std::string::String", "i64", "f64", "u64", "bool"].contains(&ty.as_str())
                        || ty.starts_with("::std::vec::Vec<")
                })
            });
            // The tag of the request-side `Message` union, which a response's message shares: opened,
            // it would let a tool message be read as an assistant one.
            let message_tag = name == "ChatAssistantMessageRole";
            if !is_open(e) && !known_half && !tag_of_open_branch && !json_kinds && !message_tag {
                closed.push(name);
            }
        }
        assert!(closed.is_empty(), "closed enums on the response side: {closed:?}");
        for name in [
            "ChatStreamChunkObject",
            "ChatStreamToolCallType",
            "Annotation",
            "ChatFinishReason",
            "ReasoningDetail",
            "ModelsListResponse",
            "StreamEvents",
        ] {
            assert!(reachable.contains(name), "{name} is walked");
        }
    }

    #[test]
    fn response_fields_follow_the_leniency_rule() {
        let mut file: syn::File = syn::parse_str(
            "pub mod types {
                #[derive(::serde::Deserialize)]
                pub struct Root {
                    pub id: ::std::string::String,
                    #[serde(default, skip_serializing_if = \"::std::vec::Vec::is_empty\")]
                    pub tool_calls: ::std::vec::Vec<u8>,
                    pub models: ::std::vec::Vec<Usage>,
                    #[serde(deserialize_with = \"::std::option::Option::deserialize\")]
                    pub finish_reason: ::std::option::Option<::std::string::String>,
                    #[serde(rename = \"lp\", skip_serializing_if = \"::std::option::Option::is_none\")]
                    pub logprobs: ::std::option::Option<Usage>,
                    #[serde(deserialize_with = \"::std::option::Option::deserialize\")]
                    pub usage: ::std::option::Option<Usage>,
                    pub created: u64,
                    pub total_cost: f64,
                    pub cached_tokens: ::std::option::Option<u32>,
                    pub object: Kind,
                }
                #[derive(::serde::Deserialize, Default)]
                pub struct Usage { pub total: u64 }
                #[derive(::serde::Deserialize)]
                pub struct RequestOnly { pub created: u64 }
                pub enum Kind { A }
            }",
        )
        .unwrap();
        lenient_responses(&mut file, &["Root"]).unwrap();
        let out = prettyplease::unparse(&file).replace('\n', " ");
        let collapsed: String = out.split_whitespace().collect::<Vec<_>>().join(" ");
        let has = |field: &str, attrs: &str| collapsed.contains(&format!("{attrs} pub {field}:"));
        assert!(has("id", "{"), "essential and required: untouched\n{out}");
        assert!(
            has(
                "tool_calls",
                r#"#[serde( default, skip_serializing_if = "::std::vec::Vec::is_empty", deserialize_with = "crate::lenient::null_as_default" )]"#
            ),
            "an essential list decodes whole: {out}"
        );
        assert!(
            has("models", r#"#[serde(deserialize_with = "crate::lenient::list")]"#),
            "a required list: element by element, and no `default` (missing is an error): {out}"
        );
        assert!(
            has("finish_reason", r#"#[serde(default, deserialize_with = "crate::lenient::scalar_or_none")]"#),
            "{out}"
        );
        assert!(
            has(
                "logprobs",
                r#"#[serde( default, rename = "lp", skip_serializing_if = "::std::option::Option::is_none", deserialize_with = "crate::lenient::or_none" )]"#
            ),
            "{out}"
        );
        assert!(
            has("usage", r#"#[serde(deserialize_with = "::std::option::Option::deserialize")] #[serde(default)]"#),
            "essential: decoded as the spec says, missing read as null: {out}"
        );
        assert!(has("created", r#"#[serde(deserialize_with = "crate::lenient::scalar")]"#), "{out}");
        assert!(has("total_cost", r#"#[serde(deserialize_with = "crate::lenient::exact")]"#), "{out}");
        assert!(
            has("cached_tokens", r#"#[serde(default, deserialize_with = "crate::lenient::exact_or_null")]"#),
            "{out}"
        );
        assert!(has("object", ","), "a required enum: untouched\n{out}");
        assert!(
            has("total", r#"#[serde(deserialize_with = "crate::lenient::scalar")]"#),
            "reached through `usage`: {out}"
        );
        assert!(collapsed.contains("pub struct RequestOnly { pub created: u64, }"), "not reachable: untouched\n{out}");
    }

    #[test]
    fn request_bodies_get_a_constructor_of_their_required_fields_and_setters() {
        let mut file: syn::File = syn::parse_str(
            "pub mod types {
                pub struct CreateKeysRequest {
                    pub name: ::std::string::String,
                    pub limit: ::std::option::Option<f64>,
                    #[serde(default, skip_serializing_if = \"::std::vec::Vec::is_empty\")]
                    pub tags: ::std::vec::Vec<::std::string::String>,
                    #[serde(default = \"defaults::reset\")]
                    pub reset: ::std::string::String,
                }
                pub struct Nested { pub x: u8 }
            }",
        )
        .unwrap();
        mark_non_exhaustive(&mut file, &[], &["CreateKeysRequest"]).unwrap();
        let out: String = prettyplease::unparse(&file).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(out.contains("#[non_exhaustive] pub struct CreateKeysRequest"), "{out}");
        assert!(
            out.contains("pub fn new(name: impl ::std::convert::Into<::std::string::String>) -> Self { Self { name: name.into(), limit: ::std::default::Default::default(), tags: ::std::default::Default::default(), reset: defaults::reset(), } }"),
            "{out}"
        );
        assert!(out.contains("pub fn with_limit(mut self, value: impl ::std::convert::Into<f64>) -> Self"), "{out}");
        assert!(!out.contains("#[non_exhaustive] pub struct Nested"), "not a body: open to literals\n{out}");
    }

    /// Walks the code generated from the whole published spec: every request body can be built
    /// without naming every field (`new(required..)` or `Default`), and is non-exhaustive.
    #[test]
    fn every_request_body_is_built_without_naming_every_field() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openrouter.yaml")).unwrap();
        let normalized = crate::normalized(&text, &["full"]).unwrap();
        let (_, bodies) = crate::operations::roots(&normalized);
        let run = crate::build_every_area(&text);
        let mut file: syn::File = syn::parse_str(&run.as_ref().as_ref().unwrap().code).unwrap();
        let mut items = Vec::new();
        collect_items(&mut file.items, &mut items);
        let has_new = |name: &str| {
            items.iter().any(|i| match &**i {
                Item::Impl(block) => {
                    tokens(&block.self_ty) == name
                        && block.items.iter().any(|f| matches!(f, syn::ImplItem::Fn(f) if f.sig.ident == "new"))
                }
                _ => false,
            })
        };
        let mut unbuildable = Vec::new();
        for item in items.iter() {
            let Item::Struct(s) = &**item else { continue };
            let name = s.ident.to_string();
            if !bodies.contains(&name) {
                continue;
            }
            let non_exhaustive = s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
            if !(has_derive(&s.attrs, "Default") || has_new(&name)) || !non_exhaustive {
                unbuildable.push(name);
            }
        }
        assert!(bodies.len() > 30, "{bodies:?}");
        assert!(unbuildable.is_empty(), "request bodies without a constructor: {unbuildable:?}");
    }

    #[test]
    fn what_a_refresh_can_grow_is_non_exhaustive_and_default_structs_get_setters() {
        let mut file: syn::File = syn::parse_str(
            "pub mod types {
                #[derive(Clone, Default)]
                pub struct Prefs { pub order: ::std::option::Option<::std::vec::Vec<u8>>, pub r#type: u8 }
                pub struct Request { pub messages: ::std::vec::Vec<u8>, pub prefs: Prefs, pub tag: Tag }
                pub struct Response { pub id: ::std::string::String, pub effort: Effort, pub tag: Tag }
                pub enum Effort { Low, High }
                pub enum Tag { Text }
                pub enum KnownObject { Chunk }
            }",
        )
        .unwrap();
        mark_non_exhaustive(&mut file, &["Response"], &["Request"]).unwrap();
        let out: String = prettyplease::unparse(&file).split_whitespace().collect::<Vec<_>>().join(" ");
        // A request body is non-exhaustive too: it has `new` (its own test is above).
        for marked in ["struct Prefs", "struct Request", "struct Response", "enum Effort", "enum KnownObject"] {
            assert!(out.contains(&format!("#[non_exhaustive] pub {marked}")), "{marked}: {out}");
        }
        assert!(!out.contains("#[non_exhaustive] pub enum Tag"), "{out}");
        assert!(out.contains("pub fn with_order( mut self, value: impl ::std::convert::Into<::std::vec::Vec<u8>>, ) -> Self { self.order = ::std::option::Option::Some(value.into()); self }"), "{out}");
        assert!(out.contains("pub fn with_type(mut self, value: impl ::std::convert::Into<u8>) -> Self { self.r#type = value.into(); self }"), "{out}");
    }
}
