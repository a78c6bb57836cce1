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

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::{Fields, FnArg, ImplItem, Item, ReturnType, Type, Visibility};

use crate::Error;

/// The listing of `code`, the generated Rust of [`crate::build`].
pub fn listing(code: &str) -> Result<String, Error> {
    let file = syn::parse_file(code).map_err(|e| Error(format!("the generated code does not parse: {e}")))?;
    let mut types = BTreeMap::new();
    let mut operations = BTreeMap::new();
    let mut builders: BTreeMap<String, Builder> = BTreeMap::new();
    for item in &file.items {
        let Item::Mod(module) = item else { continue };
        let Some((_, items)) = &module.content else { continue };
        match module.ident.to_string().as_str() {
            "types" => list_types(items, &mut types),
            "operations" => list_operations(items, &mut operations, &mut builders),
            _ => {}
        }
    }
    let mut out = String::new();
    for (name, (signature, route)) in &operations {
        let builder = builders.get(&signature.builder);
        let answer = builder.and_then(|b| b.answer.clone()).unwrap_or_else(|| "?".into());
        out.push_str(&format!("op {name}({}) -> {answer}   {route}\n", signature.arguments));
        for line in builder.map(|b| b.lines.as_slice()).unwrap_or_default() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    for (name, lines) in &types {
        out.push_str(&format!("{name}\n"));
        for line in lines {
            out.push_str(&format!("  {line}\n"));
        }
    }
    Ok(out)
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

fn list_types(items: &[Item], types: &mut BTreeMap<String, Vec<String>>) {
    for item in items {
        match item {
            Item::Struct(s) if is_pub(&s.vis) => {
                let mut lines = Vec::new();
                let head = match &s.fields {
                    Fields::Named(fields) => {
                        for field in &fields.named {
                            let name = field.ident.as_ref().expect("named").to_string();
                            lines.push(field_line(&name, &field.ty));
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
                types.insert(head, lines);
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
                                .map(|f| field_line(&f.ident.as_ref().expect("named").to_string(), &f.ty))
                                .collect();
                            format!("{} {{ {} }}", v.ident, inner.join(", "))
                        }
                    })
                    .collect();
                types.insert(format!("enum {}", e.ident), lines);
            }
            Item::Type(t) if is_pub(&t.vis) => {
                types.insert(format!("type {} = {}", t.ident, ty(&t.ty)), Vec::new());
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

fn field_line(name: &str, field_ty: &Type) -> String {
    let text = ty(field_ty);
    match text.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
        Some(inner) => format!("{name}?: {inner}"),
        None => format!("{name}: {text}"),
    }
}

/// A type as the docs show it: without the paths of `std`, `serde_json` and the crate.
fn ty(t: &Type) -> String {
    let mut text = t.to_token_stream().to_string();
    for path in [
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
    text.replace(" :: ", "::")
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}
