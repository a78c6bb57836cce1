//! The public API of the generated code as a short, sorted listing: what a spec refresh's reviewer
//! reads to see everything a user can be broken by.
//!
//! One line per operation and its setters, per type, per field and per variant:
//!
//! ```text
//! op get_models() -> ModelsListResponse   GET /models
//!   .offset(value: i64)
//! struct CreateKeysRequest
//!   limit?: f64
//!   name: String
//! enum ChatFinishReason
//!   Known(KnownChatFinishReason)
//! ```
//!
//! A field is required (`name:`) unless its type is an `Option` (`name?:`). Paths are shortened
//! (`types::`, `::std::string::`, ... dropped), so the listing reads as the docs do.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::{Fields, FnArg, ImplItem, Item, ReturnType, Type, Visibility};

use crate::Error;

/// The public API of generated code: its operations and types, by name.
#[derive(Debug, Default, Clone)]
pub struct Api {
    /// Method name on `Client` → the operation.
    pub operations: BTreeMap<String, Operation>,
    /// Type name → the type.
    pub types: BTreeMap<String, TypeItem>,
}

/// One generated operation as a user calls it.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `id: &str, body: CreateKeysRequest`.
    pub arguments: String,
    /// What `send` answers.
    pub answer: String,
    /// `POST /keys`.
    pub route: String,
    /// The builder's own methods (`.offset(value: i64)`), in the generated order.
    pub setters: Vec<String>,
}

/// One generated type: its head (`struct Name`, `struct Name(String)`, `enum Name`, `type Name = T`)
/// and its members (fields as `name: T` or `name?: T`, or variants), sorted for structs.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeItem {
    /// `struct Name`, `enum Name`, ...
    pub head: String,
    /// Fields or variants, one per line.
    pub members: Vec<String>,
}

impl Api {
    /// The API of `code`, the generated Rust of [`crate::build`].
    pub fn of(code: &str) -> Result<Api, Error> {
        let file = syn::parse_file(code).map_err(|e| Error(format!("the generated code does not parse: {e}")))?;
        let mut api = Api::default();
        let mut methods = BTreeMap::new();
        let mut builders: BTreeMap<String, Builder> = BTreeMap::new();
        let modules: BTreeMap<String, &[Item]> = file
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Mod(syn::ItemMod { ident, content: Some((_, items)), .. }) => {
                    Some((ident.to_string(), &items[..]))
                }
                _ => None,
            })
            .collect();
        let defaults = modules.get("serde_impls").map_or_else(BTreeSet::new, |items| decoder_defaults(items));
        if let Some(items) = modules.get("types") {
            list_types(items, &defaults, &mut api.types);
        }
        if let Some(items) = modules.get("operations") {
            list_operations(items, &mut methods, &mut builders);
        }
        for (name, (signature, route)) in methods {
            let builder = builders.remove(&signature.builder).unwrap_or_default();
            let operation = Operation {
                arguments: signature.arguments,
                answer: builder.answer.unwrap_or_else(|| "?".into()),
                route,
                setters: builder.lines,
            };
            api.operations.insert(name, operation);
        }
        Ok(api)
    }

    /// The API a spec (or docs page) generates with every area on, listed once per spec text in
    /// this process (see [`crate::build_every_area`]).
    pub fn of_spec(spec_text: &str) -> Result<Api, Error> {
        static APIS: crate::util::OncePerText<Result<Api, Error>> = crate::util::OncePerText::new();
        let spec = crate::page::extract_spec(spec_text)?;
        let api = APIS.get(&spec, || match &*crate::build_every_area(&spec) {
            Ok(output) => Api::of(&output.code),
            Err(e) => Err(e.clone()),
        });
        (*api).clone()
    }

    /// The listing: one line per operation, setter, type, field and variant.
    pub fn listing(&self) -> String {
        let mut out = String::new();
        for (name, op) in &self.operations {
            out.push_str(&format!("op {name}({}) -> {}   {}\n", op.arguments, op.answer, op.route));
            for line in &op.setters {
                out.push_str(&format!("  {line}\n"));
            }
        }
        for item in self.types.values() {
            out.push_str(&format!("{}\n", item.head));
            for line in &item.members {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out
    }
}

/// The listing of `code`, the generated Rust of [`crate::build`] (see [`Api::listing`]).
pub fn listing(code: &str) -> Result<String, Error> {
    Ok(Api::of(code)?.listing())
}

/// An operation's method on `Client`: its arguments and the builder it returns.
struct Signature {
    arguments: String,
    builder: String,
}

/// What a builder adds: its setters and other methods, and what `send` answers.
#[derive(Default)]
struct Builder {
    lines: Vec<String>,
    answer: Option<String>,
}

/// The fields that have a default when missing (`Type.field`), read from the
/// `crate::lenient::struct_decoder!` calls: a struct given one has no `#[serde]` attributes left.
/// Each field's line ends in what a missing one is: `required`, `default`, or a function in
/// parentheses.
fn decoder_defaults(items: &[Item]) -> BTreeSet<String> {
    use proc_macro2::{Delimiter, TokenTree};
    let mut defaults = BTreeSet::new();
    for item in items {
        let Item::Macro(call) = item else { continue };
        if call.mac.path.segments.last().is_none_or(|s| s.ident != "struct_decoder") {
            continue;
        }
        let mut outer = call.mac.tokens.clone().into_iter();
        let (Some(TokenTree::Ident(name)), Some(TokenTree::Group(body))) = (outer.next(), outer.next()) else {
            continue;
        };
        // `field: Type ["key" | "alias"] Seed missing,`: the keys are the only bracketed group
        // of string literals.
        let tokens: Vec<TokenTree> = body.stream().into_iter().collect();
        let is_keys = |token: &TokenTree| {
            matches!(token, TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket
                && g.stream().into_iter().all(|t| matches!(t, TokenTree::Literal(_) | TokenTree::Punct(_))))
        };
        let mut start = 0;
        while let Some(keys) = (start..tokens.len()).find(|&i| is_keys(&tokens[i])) {
            let Some(missing) = tokens.get(keys + 2) else { break };
            if missing.to_string() != "required" {
                defaults.insert(format!("{name}.{}", tokens[start]));
            }
            start = keys + 4; // past the seed, what a missing field is, and the comma
        }
    }
    defaults
}

fn list_types(items: &[Item], defaults: &BTreeSet<String>, types: &mut BTreeMap<String, TypeItem>) {
    for item in items {
        match item {
            Item::Struct(s) if is_pub(&s.vis) => {
                let mut lines = Vec::new();
                let head = match &s.fields {
                    Fields::Named(fields) => {
                        for field in &fields.named {
                            let name = field.ident.as_ref().expect("named").to_string();
                            let has_default =
                                has_default(&field.attrs) || defaults.contains(&format!("{}.{name}", s.ident));
                            lines.push(field_line(&name, &field.ty, has_default));
                        }
                        format!("struct {}", s.ident)
                    }
                    Fields::Unnamed(fields) => {
                        let inner: Vec<String> = fields.unnamed.iter().map(|f| ty(&f.ty)).collect();
                        format!("struct {}({})", s.ident, inner.join(", "))
                    }
                    Fields::Unit => format!("struct {}", s.ident),
                };
                lines.sort();
                types.insert(s.ident.to_string(), TypeItem { head, members: lines });
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                let lines = e
                    .variants
                    .iter()
                    .map(|v| match &v.fields {
                        Fields::Unit => v.ident.to_string(),
                        Fields::Unnamed(f) => {
                            let inner: Vec<String> = f.unnamed.iter().map(|f| ty(&f.ty)).collect();
                            format!("{}({})", v.ident, inner.join(", "))
                        }
                        Fields::Named(f) => {
                            let inner: Vec<String> = f
                                .named
                                .iter()
                                .map(|f| {
                                    let name = f.ident.as_ref().expect("named").to_string();
                                    field_line(&name, &f.ty, has_default(&f.attrs))
                                })
                                .collect();
                            format!("{} {{ {} }}", v.ident, inner.join(", "))
                        }
                    })
                    .collect();
                types.insert(e.ident.to_string(), TypeItem { head: format!("enum {}", e.ident), members: lines });
            }
            Item::Type(t) if is_pub(&t.vis) => {
                let head = format!("type {} = {}", t.ident, ty(&t.ty));
                types.insert(t.ident.to_string(), TypeItem { head, members: Vec::new() });
            }
            Item::Mod(module) if is_pub(&module.vis) => {
                // Nested modules (`types::error`) hold the crate's helpers, not the spec's types.
            }
            _ => {}
        }
    }
}

fn list_operations(
    items: &[Item],
    operations: &mut BTreeMap<String, (Signature, String)>,
    builders: &mut BTreeMap<String, Builder>,
) {
    for item in items {
        let Item::Impl(block) = item else { continue };
        let self_ty = ty(&block.self_ty);
        for member in &block.items {
            let ImplItem::Fn(method) = member else { continue };
            if !is_pub(&method.vis) {
                continue;
            }
            let name = method.sig.ident.to_string();
            let arguments: Vec<String> = method
                .sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    FnArg::Typed(arg) => Some(format!("{}: {}", arg.pat.to_token_stream(), ty(&arg.ty))),
                    FnArg::Receiver(_) => None,
                })
                .collect();
            let output = match &method.sig.output {
                ReturnType::Default => String::new(),
                ReturnType::Type(_, t) => ty(t),
            };
            if self_ty == "Client" {
                let route = method
                    .attrs
                    .iter()
                    .filter_map(|a| a.to_token_stream().to_string().split('`').nth(1).map(str::to_owned))
                    .find(|r| r.contains(" /"))
                    .unwrap_or_default();
                let signature = Signature { arguments: arguments.join(", "), builder: output };
                operations.insert(name, (signature, route));
                continue;
            }
            let builder = builders.entry(self_ty.clone()).or_default();
            // `send` and the streams return `impl Future<Output = T> + Send`: listed as `T`, as an
            // `async fn` would be.
            let output = match output.strip_prefix("impl Future<Output = ").and_then(|o| o.strip_suffix("> + Send")) {
                Some(awaited) => awaited.to_owned(),
                None => output,
            };
            match name.as_str() {
                // Every builder has these.
                "timeout" | "retry" => {}
                "send" => {
                    builder.answer = Some(
                        output.trim_start_matches("Result<").split(", Error>").next().unwrap_or(&output).to_owned(),
                    )
                }
                _ => {
                    let returns = if output == "Self" { String::new() } else { format!(" -> {output}") };
                    builder.lines.push(format!(".{name}({}){returns}", arguments.join(", ")));
                }
            }
        }
    }
}

/// `name: T` when the field must be there, `name?: T` when it may be absent (an `Option`, or a
/// `#[serde(default)]` list or map).
fn field_line(name: &str, field_ty: &Type, has_default: bool) -> String {
    let text = ty(field_ty);
    match text.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
        Some(inner) => format!("{name}?: {inner}"),
        None if has_default => format!("{name}?: {text}"),
        None => format!("{name}: {text}"),
    }
}

/// Whether a `#[serde]` attribute says `default` (not a function whose name ends in it, such as
/// `deserialize_with = "crate::lenient::null_as_default"`, which still fails a missing field).
fn has_default(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("serde")).filter_map(|a| a.meta.require_list().ok()).any(|list| {
        list.tokens.clone().into_iter().any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "default"))
    })
}

/// A type as the docs show it: without the paths of `std`, `serde_json` and the crate.
fn ty(t: &Type) -> String {
    let mut text = t.to_token_stream().to_string();
    for path in [
        ":: std :: num :: ",
        ":: std :: string :: ",
        ":: std :: option :: ",
        ":: std :: vec :: ",
        ":: std :: collections :: ",
        ":: std :: boxed :: ",
        ":: serde_json :: ",
        "types :: ",
        "crate :: ",
        ":: std :: time :: ",
    ] {
        text = text.replace(path, "");
    }
    // Tokens print with spaces around punctuation: `Option < Vec < String > , >`.
    let mut text = text
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&");
    while text.contains(",>") {
        text = text.replace(",>", ">");
    }
    text
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}
