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

/// Types that also derive `Default`, which typify leaves out because of a required field that has
/// an empty value all the same: the request (its `messages` start empty), so that the builder
/// starts from `ChatRequest::default()` instead of decoding a template (decoding instantiates the
/// whole request's decoder: measured in bench/, a tenth of the crate's compile time).
pub const EXTRA_DEFAULTS: &[&str] = &["ChatRequest"];

/// Adds `Default` to the derives of the [`EXTRA_DEFAULTS`] structs (at any module depth).
pub fn add_defaults(file: &mut syn::File) -> Result<(), Error> {
    let mut found = 0;
    for_each_item_list(&mut file.items, &mut |items| {
        for item in items.iter_mut() {
            if let Item::Struct(item) = item
                && EXTRA_DEFAULTS.contains(&item.ident.to_string().as_str())
            {
                found += 1;
                let name = item.ident.to_string();
                edit_derives(&mut item.attrs, &name, |derives| {
                    if !derives.iter().any(|d| d == "Default") {
                        derives.push("Default".into());
                    }
                })?;
            }
        }
        Ok(())
    })?;
    if found != EXTRA_DEFAULTS.len() {
        return Err(Error(format!("expected the structs {EXTRA_DEFAULTS:?} in the generated code, found {found}")));
    }
    Ok(())
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
fn tokens(ty: &syn::Type) -> String {
    use quote::ToTokens;
    ty.to_token_stream().to_string().replace(' ', "")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn specialized(code: &str) -> String {
        let mut file: syn::File = syn::parse_str(code).unwrap();
        specialize(&mut file).unwrap();
        prettyplease::unparse(&file)
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
    fn the_request_gets_a_default() {
        let mut file: syn::File = syn::parse_str(
            "pub mod types {
                #[derive(::serde::Deserialize, Clone)]
                pub struct ChatRequest { pub messages: Vec<Message>, pub model: Option<String> }
                #[derive(Clone)]
                pub struct Other { pub x: u32 }
            }",
        )
        .unwrap();
        add_defaults(&mut file).unwrap();
        let out = prettyplease::unparse(&file);
        assert!(out.contains("#[derive(::serde::Deserialize, Clone, Default)]\n    pub struct ChatRequest"), "{out}");
        assert!(out.contains("#[derive(Clone)]\n    pub struct Other"), "{out}");
        let mut empty: syn::File = syn::parse_str("pub struct Other;").unwrap();
        assert!(add_defaults(&mut empty).is_err(), "a missing request type is an error, not a silent skip");
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
}
