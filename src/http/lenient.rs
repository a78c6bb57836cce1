//! How the generated response types decode what real servers send (the generator picks the
//! function per field: `codegen/src/derives.rs`, `lenient_responses`). The rule, also in the
//! README ("Real traffic departs from the spec"):
//!
//! - A value is kept or converted, never replaced: a number sent as a numeric string is that
//!   number (`"0.0015"` → 0.0015, `"9"` → 9); `null` for a list is an empty list.
//! - A list decodes element by element: an element that does not fit is dropped and logged at
//!   `warn` with its index and the reason; the others survive.
//! - A required field that is missing, `null`, or of a type that cannot be converted fails the
//!   decode, naming its JSON path. It never becomes 0, `""` or `false`.
//! - Money, usage and identity (`cost`, `*_cost`, `usage`, token counts, `id`s, `key`, `hash`)
//!   are essential: exact (numeric strings converted), or the decode fails.
//! - Any other optional field that does not fit is `None`, logged at `debug`: one odd field never
//!   costs the user a whole paid response or stream.
//!
//! A body is decoded in two passes at most ([`fast_then_full`]). The fast pass reads each field
//! by its own `Deserialize`, as a plain serde derive would: no text kept for a second try, no
//! conversion. Where everything fits, that is the value the rules give, and it is the answer.
//! The first field that does not fit marks the pass as failed (even where an untagged union's
//! next variant would swallow the error), and the body is read again with the rules in full.

// Which of these the generated types call depends on the areas a build enables; `full` uses all.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_macros, unused_imports))]

use std::{borrow::Cow, cell::Cell, fmt};

use serde::{
    Deserialize, Deserializer, Serialize, Serializer,
    de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor},
    ser::SerializeStruct,
};
use serde_json::Value;

/// Which pass of [`fast_then_full`] the decode on this thread is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// The rules in full (also any decode outside [`fast_then_full`], such as a user's own
    /// `serde_json::from_slice`).
    Full,
    /// Fields read by their own `Deserialize`; nothing has failed to fit so far.
    Fast,
    /// A field did not fit in the fast pass: its result is thrown away.
    FastMisfit,
}

thread_local! {
    static PASS: Cell<Pass> = const { Cell::new(Pass::Full) };
    /// Bodies this thread has read again with the full rules (for tests: real traffic should not).
    static FULL_PASSES: Cell<u64> = const { Cell::new(0) };
}

/// How many bodies this thread has decoded a second time, with the full rules.
pub(crate) fn full_passes() -> u64 {
    FULL_PASSES.get()
}

#[inline]
fn in_fast_pass() -> bool {
    PASS.get() != Pass::Full
}

/// Marks the fast pass as failed; passes `error` on.
#[cold]
fn misfit<E>(error: E) -> E {
    PASS.set(Pass::FastMisfit);
    error
}

/// Runs `read` in the fast pass, and again with the rules in full unless it gave a value and no
/// field failed to fit. Each field's fast reading gives what its rule gives whenever it
/// succeeds, so the answer is the same either way; a body that fits is read once, without the
/// rules' second parse of optional objects and list elements or their conversions of numbers.
pub(crate) fn fast_then_full<T, E>(read: impl Fn() -> Result<T, E>) -> Result<T, E> {
    /// Back to the full rules when the fast pass ends, even by a panic.
    struct Full;
    impl Drop for Full {
        fn drop(&mut self) {
            PASS.set(Pass::Full);
        }
    }
    if in_fast_pass() {
        // Within another fast pass (not done by the crate): that pass decides.
        return read();
    }
    let fast = {
        let _full = Full;
        PASS.set(Pass::Fast);
        let value = read();
        value.ok().filter(|_| PASS.get() == Pass::Fast)
    };
    match fast {
        Some(value) => Ok(value),
        None => {
            FULL_PASSES.set(FULL_PASSES.get() + 1);
            read()
        }
    }
}

/// An optional field: `null`, or a value that does not decode as `T`, is `None`.
pub(crate) fn or_none<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<Option<T>, D::Error> {
    if in_fast_pass() {
        return Option::<T>::deserialize(deserializer).map_err(misfit);
    }
    let raw = Raw::deserialize(deserializer)?;
    if raw.is_null() {
        return Ok(None);
    }
    Ok(match serde_json::from_slice(&raw.bytes()) {
        Ok(value) => Some(value),
        Err(error) => {
            dropped(std::any::type_name::<T>(), &error);
            None
        }
    })
}

/// [`or_none`] for a type read from a string alone (an enum of known values, open or closed):
/// decoded where it is read, with no second pass over its text. Anything but a string, or a
/// string that is not one of its values, is `None` (logged at `debug`), as [`or_none`] gives.
pub(crate) fn text_or_none<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    deserializer.deserialize_any(TextOrNone(std::marker::PhantomData))
}

struct TextOrNone<T>(std::marker::PhantomData<fn() -> T>);

impl<T> TextOrNone<T> {
    fn unfit(description: &str) -> Option<T> {
        dropped(std::any::type_name::<T>(), &format_args!("{description}, not a string"));
        None
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for TextOrNone<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Option<T>, E> {
        let text = serde::de::value::StrDeserializer::<serde::de::value::Error>::new(value);
        Ok(T::deserialize(text).map_err(|error| dropped(std::any::type_name::<T>(), &error)).ok())
    }
    fn visit_unit<E>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Option<T>, E> {
        Ok(Self::unfit("a boolean"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Option<T>, E> {
        Ok(Self::unfit("a number"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Option<T>, E> {
        Ok(Self::unfit("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Option<T>, E> {
        Ok(Self::unfit("a number"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<T>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Self::unfit("a list"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Self::unfit("an object"))
    }
}

/// An optional map that is not essential: what does not fit is empty (logged at `debug`).
pub(crate) fn or_default<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    or_none(deserializer).map(Option::unwrap_or_default)
}

/// A list or map the server may send as `null`: that is an empty one. Anything else must fit.
pub(crate) fn null_as_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// A list decoded element by element: an element that does not fit is dropped and logged at
/// `warn` with its index and why; the others are kept, in order. `null` is an empty list.
pub(crate) fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<Vec<T>, D::Error> {
    list_or_null(deserializer).map(Option::unwrap_or_default)
}

/// [`list`] for a list that may be `null` (`None`).
pub(crate) fn list_or_null<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
) -> Result<Option<Vec<T>>, D::Error> {
    if in_fast_pass() {
        return Option::<Vec<T>>::deserialize(deserializer).map_err(misfit);
    }
    let Some(elements) = Option::<Vec<Raw<'de>>>::deserialize(deserializer)? else { return Ok(None) };
    let mut kept = Vec::with_capacity(elements.len());
    for (index, element) in elements.into_iter().enumerate() {
        let bytes = element.bytes();
        match serde_json::from_slice(&bytes) {
            Ok(value) => kept.push(value),
            Err(error) => dropped_element(std::any::type_name::<T>(), index, &bytes, &error),
        }
    }
    Ok(Some(kept))
}

/// An optional string, number or boolean that is not essential: what does not fit (after the
/// conversions of [`Scalar`]) is `None`. Not buffered.
pub(crate) fn scalar_or_none<'de, D: Deserializer<'de>, T: Scalar>(deserializer: D) -> Result<Option<T>, D::Error> {
    if in_fast_pass() {
        return fast_option(deserializer);
    }
    let any = deserializer.deserialize_any(AnyScalar)?;
    if matches!(any, Any::Null) {
        return Ok(None);
    }
    let value = T::from_any(any, Exactness::Converted);
    if value.is_none() {
        dropped(std::any::type_name::<T>(), &"a value of another type");
    }
    Ok(value)
}

/// A required string, number or boolean that is not essential: converted (numeric strings; a
/// float where an integer belongs is truncated, `1700000000.25` → `1700000000`), or an error.
pub(crate) fn scalar<'de, D: Deserializer<'de>, T: Scalar>(deserializer: D) -> Result<T, D::Error> {
    required(deserializer, Exactness::Converted)
}

/// A required essential number (money, usage): exact, a numeric string read as its number, or an
/// error. An integer must be integral (`9.0` is 9, `9.5` is an error).
pub(crate) fn exact<'de, D: Deserializer<'de>, T: Scalar>(deserializer: D) -> Result<T, D::Error> {
    required(deserializer, Exactness::Exact)
}

/// An optional essential number: `null` is `None`; anything else as [`exact`].
pub(crate) fn exact_or_null<'de, D: Deserializer<'de>, T: Scalar>(deserializer: D) -> Result<Option<T>, D::Error> {
    if in_fast_pass() {
        return fast_option(deserializer);
    }
    match deserializer.deserialize_any(AnyScalar)? {
        Any::Null => Ok(None),
        any => convert(any, Exactness::Exact).map(Some),
    }
}

fn required<'de, D: Deserializer<'de>, T: Scalar>(deserializer: D, exactness: Exactness) -> Result<T, D::Error> {
    if in_fast_pass() {
        return T::fast(deserializer).map_err(misfit);
    }
    convert(deserializer.deserialize_any(AnyScalar)?, exactness)
}

fn convert<E: serde::de::Error, T: Scalar>(any: Any, exactness: Exactness) -> Result<T, E> {
    let unexpected = any.describe();
    T::from_any(any, exactness).ok_or_else(|| E::invalid_type(unexpected.as_unexpected(), &T::EXPECTED))
}

/// One JSON value, not yet decoded: its text as serde_json hands it over (read past, not parsed,
/// and borrowed from the body), or, from another deserializer (serde's buffer inside an untagged
/// union), buffered as a `Value`. A field that fits is then decoded once, from the text, and by
/// the byte-input decoder every generated type has anyway (no second decoder per type).
enum Raw<'de> {
    Text(Cow<'de, str>),
    Buffered(Value),
}

impl Raw<'_> {
    fn is_null(&self) -> bool {
        match self {
            Raw::Text(text) => text == "null",
            Raw::Buffered(value) => value.is_null(),
        }
    }

    /// The value's JSON text. Not generic: one copy serves every field type.
    fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            Raw::Text(text) => Cow::Borrowed(text.as_bytes()),
            Raw::Buffered(value) => Cow::Owned(serde_json::to_vec(value).expect("a JSON value serializes")),
        }
    }
}

/// The name under which serde_json (with its `raw_value` feature) hands over a value's text; its
/// `RawValue` asks for it the same way. Were it to change, serde_json would answer
/// `visit_newtype_struct` and the value would be buffered: slower, same result (a test below
/// checks the fast path is taken).
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Raw<'de>, D::Error> {
        Value::deserialize(deserializer).map(Raw::Buffered)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw<'de>, A::Error> {
        // serde_json answers with one entry: the token, then the text.
        let Some(key) = map.next_key_seed(Text)? else { return Ok(Raw::Buffered(Value::Object(Default::default()))) };
        if key == RAW_VALUE_TOKEN {
            return map.next_value_seed(Text).map(Raw::Text);
        }
        // Any other deserializer that answers with a real map: keep the map.
        let mut object = serde_json::Map::new();
        object.insert(key.into_owned(), map.next_value()?);
        while let Some((key, value)) = map.next_entry()? {
            object.insert(key, value);
        }
        Ok(Raw::Buffered(Value::Object(object)))
    }
}

/// A string, borrowed from the input when the deserializer can lend it.
struct Text;

impl<'de> DeserializeSeed<'de> for Text {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(text))
    }
    fn visit_str<E>(self, text: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text.to_owned()))
    }
    fn visit_string<E>(self, text: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text))
    }
}

/// [`Scalar::fast`] for an optional field: `null` is `None`.
fn fast_option<'de, D: Deserializer<'de>, T: Scalar>(deserializer: D) -> Result<Option<T>, D::Error> {
    struct Fast<T>(T);
    impl<'de, T: Scalar> Deserialize<'de> for Fast<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            T::fast(deserializer).map(Fast)
        }
    }
    match Option::<Fast<T>>::deserialize(deserializer) {
        Ok(value) => Ok(value.map(|fast| fast.0)),
        Err(error) => Err(misfit(error)),
    }
}

/// Logs a dropped field (in the fast pass: marks it failed, and the full pass logs). Not
/// generic, so that the `tracing` call is built once.
fn dropped(field_type: &str, error: &dyn fmt::Display) {
    if in_fast_pass() {
        misfit(());
        return;
    }
    tracing::debug!(field_type, %error, "dropped a response field that does not fit the spec");
}

/// Logs a dropped list element, with where in it the decode failed. Not generic.
fn dropped_element(element_type: &str, index: usize, bytes: &[u8], error: &serde_json::Error) {
    let offset = crate::error::byte_offset(bytes, error.line(), error.column());
    let at = crate::error::json_path_at(bytes, offset);
    let at = if at.is_empty() { String::new() } else { format!(" at `{at}`") };
    tracing::warn!(
        element_type,
        index,
        reason = %format_args!("{error}{at}"),
        "dropped a list element that does not fit the spec; the others are kept"
    );
}

/// How far a scalar may be converted.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exactness {
    /// Numeric strings are numbers; an integer must be integral.
    Exact,
    /// As `Exact`, and a float where an integer belongs is truncated toward zero.
    Converted,
}

/// A JSON value read for a scalar field, without keeping arrays or objects.
pub(crate) enum Any {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(String),
    Sequence,
    Map,
}

/// What a value was, for an error message (the value itself is not kept: it may be a secret).
enum Described {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text,
    Sequence,
    Map,
}

impl Described {
    fn as_unexpected(&self) -> Unexpected<'_> {
        match self {
            Described::Null => Unexpected::Unit,
            Described::Bool(b) => Unexpected::Bool(*b),
            Described::Unsigned(n) => Unexpected::Unsigned(*n),
            Described::Signed(n) => Unexpected::Signed(*n),
            Described::Float(n) => Unexpected::Float(*n),
            Described::Text => Unexpected::Other("a string"),
            Described::Sequence => Unexpected::Seq,
            Described::Map => Unexpected::Map,
        }
    }
}

impl Any {
    fn describe(&self) -> Described {
        match self {
            Any::Null => Described::Null,
            Any::Bool(b) => Described::Bool(*b),
            Any::Unsigned(n) => Described::Unsigned(*n),
            Any::Signed(n) => Described::Signed(*n),
            Any::Float(n) => Described::Float(*n),
            Any::Text(_) => Described::Text,
            Any::Sequence => Described::Sequence,
            Any::Map => Described::Map,
        }
    }

    /// The number this is or spells (`"0.0015"`), as a JSON number would have been read.
    fn number(self) -> Option<Any> {
        match self {
            Any::Text(text) => {
                let text = text.trim();
                if let Ok(n) = text.parse::<u64>() {
                    Some(Any::Unsigned(n))
                } else if let Ok(n) = text.parse::<i64>() {
                    Some(Any::Signed(n))
                } else {
                    // Only plain decimal text: `inf`, `NaN` and `1_000` are not JSON numbers.
                    let plain = !text.is_empty()
                        && text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
                    text.parse::<f64>().ok().filter(|n| plain && n.is_finite()).map(Any::Float)
                }
            }
            number @ (Any::Unsigned(_) | Any::Signed(_) | Any::Float(_)) => Some(number),
            _ => None,
        }
    }
}

/// The scalar types of generated fields.
pub(crate) trait Scalar: DeserializeOwned {
    /// What the field expects, for error messages.
    const EXPECTED: &'static str;
    fn from_any(any: Any, exactness: Exactness) -> Option<Self>;
    /// The fast pass's reading: the type's own `Deserialize`, which takes exactly the values
    /// that need no conversion, and gives for them what `from_any` gives.
    fn fast<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::deserialize(deserializer)
    }
}

impl Scalar for String {
    const EXPECTED: &'static str = "a string";
    fn from_any(any: Any, _: Exactness) -> Option<Self> {
        match any {
            Any::Text(text) => Some(text),
            _ => None,
        }
    }
}

impl Scalar for bool {
    const EXPECTED: &'static str = "a boolean";
    fn from_any(any: Any, _: Exactness) -> Option<Self> {
        match any {
            Any::Bool(value) => Some(value),
            _ => None,
        }
    }
}

impl Scalar for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_any(any: Any, _: Exactness) -> Option<Self> {
        match any.number()? {
            Any::Unsigned(n) => Some(n as f64),
            Any::Signed(n) => Some(n as f64),
            Any::Float(n) => Some(n),
            _ => None,
        }
    }
}

impl Scalar for f32 {
    const EXPECTED: &'static str = "a number";
    fn from_any(any: Any, exactness: Exactness) -> Option<Self> {
        f64::from_any(any, exactness).map(|n| n as f32)
    }
    /// Through `f64`, as `from_any`: serde's own `f32` rounds a large integer once, not twice.
    fn fast<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        f64::deserialize(deserializer).map(|n| n as f32)
    }
}

macro_rules! integer_scalars {
    ($($ty:ty),*) => {$(
        impl Scalar for $ty {
            const EXPECTED: &'static str = "an integer";
            fn from_any(any: Any, exactness: Exactness) -> Option<Self> {
                match any.number()? {
                    Any::Unsigned(n) => <$ty>::try_from(n).ok(),
                    Any::Signed(n) => <$ty>::try_from(n).ok(),
                    // In range (`as` saturates, so range is checked first); integral unless
                    // truncation is allowed.
                    Any::Float(n) if n.is_finite() && n >= <$ty>::MIN as f64 && n <= <$ty>::MAX as f64
                        && (exactness == Exactness::Converted || n.fract() == 0.0) => Some(n as $ty),
                    _ => None,
                }
            }
        }
    )*};
}
integer_scalars!(u8, u16, u32, u64, i32, i64);

struct AnyScalar;

impl<'de> Visitor<'de> for AnyScalar {
    type Value = Any;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Any, E> {
        Ok(Any::Null)
    }
    fn visit_none<E>(self) -> Result<Any, E> {
        Ok(Any::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Any, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_bool<E>(self, value: bool) -> Result<Any, E> {
        Ok(Any::Bool(value))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Any, E> {
        Ok(Any::Unsigned(value))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Any, E> {
        Ok(Any::Signed(value))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Any, E> {
        Ok(Any::Float(value))
    }
    fn visit_str<E>(self, value: &str) -> Result<Any, E> {
        Ok(Any::Text(value.to_owned()))
    }
    fn visit_string<E>(self, value: String) -> Result<Any, E> {
        Ok(Any::Text(value))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Any, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Any::Sequence)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Any, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Any::Map)
    }
}

/// The `Deserialize` impl of a generated struct, from one line per field (written by
/// `codegen/src/derives.rs`, `direct_serde_impls`): its name, type, JSON keys, how its value
/// decodes (`Plain`: its own `Deserialize`; otherwise a [`seed`]), and what a missing field is
/// (`required`: an error; `default`; or a function giving the default).
///
/// ```text
/// crate::lenient::struct_decoder! {
///     Usage {
///         total_tokens: u64 ["total_tokens"] Exact required,
///         details: Option<Details> ["details"] OrNone default,
///         type_: String ["type" | "kind"] Plain required,
///         n: u64 ["n"] Plain (defaults::one),
///     }
/// }
/// ```
macro_rules! struct_decoder {
    ($name:ident { $($field:ident: $ty:ty [$wire:literal $(| $alias:literal)*] $seed:ident $missing:tt,)+ }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                struct StructVisitor;
                impl<'de> ::serde::de::Visitor<'de> for StructVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut map: __A) -> ::std::result::Result<$name, __A::Error> {
                        #[allow(non_camel_case_types)]
                        enum Key {
                            $($field,)+
                        }
                        #[inline]
                        fn key(name: &str) -> ::std::option::Option<Key> {
                            match name {
                                $($wire $(| $alias)* => ::std::option::Option::Some(Key::$field),)+
                                _ => ::std::option::Option::None,
                            }
                        }
                        $(let mut $field: ::std::option::Option<$ty> = ::std::option::Option::None;)+
                        while let ::std::option::Option::Some(key) = map.next_key_seed($crate::lenient::Field(key))? {
                            // One `?` shared by all fields: a `?` in each arm would add an exit to this function per field.
                            let read = match key {
                                $(::std::option::Option::Some(Key::$field) => $crate::lenient::next_value(&mut map, &mut $field, $wire, $crate::lenient::struct_decoder!(@seed $seed $ty)),)+
                                ::std::option::Option::None => $crate::lenient::skip_value(&mut map),
                            };
                            read?;
                        }
                        // The first required field missing, in the order of the fields, as with the
                        // derive; checked before any is taken, so that the function has one exit
                        // for all of them.
                        #[allow(unused_mut)] // a struct without required fields
                        let mut missing: ::std::option::Option<&'static str> = ::std::option::Option::None;
                        $($crate::lenient::struct_decoder!(@check missing, $field, $wire, $missing);)+
                        if let ::std::option::Option::Some(name) = missing {
                            return ::std::result::Result::Err(<__A::Error as ::serde::de::Error>::missing_field(name));
                        }
                        ::std::result::Result::Ok($name {
                            $($field: $crate::lenient::struct_decoder!(@take $field, $missing),)+
                        })
                    }
                }
                deserializer.deserialize_struct(stringify!($name), &[$($wire),+], StructVisitor)
            }
        }
    };
    (@seed Plain $ty:ty) => {
        ::std::marker::PhantomData::<$ty>
    };
    (@seed $seed:ident $ty:ty) => {
        $crate::lenient::seed::$seed::<$ty>::NEW
    };
    (@check $missing:ident, $slot:ident, $wire:literal, required) => {
        if $missing.is_none() && $slot.is_none() {
            $missing = ::std::option::Option::Some($wire);
        }
    };
    (@check $missing:ident, $slot:ident, $wire:literal, $default:tt) => {};
    // What the derive does with a missing field: an error (checked above), or a default.
    (@take $slot:ident, required) => {
        $slot.expect("a missing required field has returned an error")
    };
    (@take $slot:ident, default) => {
        $slot.unwrap_or_default()
    };
    (@take $slot:ident, ($default:expr)) => {
        $slot.unwrap_or_else($default)
    };
}
pub(crate) use struct_decoder;

/// The `Deserialize` impl of a generated enum of known string values (written by
/// `codegen/src/derives.rs`, `direct_serde_impls`), one line per variant: its name and JSON
/// value. The string is read borrowed where the input allows and converted by the enum's
/// `FromStr`, which the generator has checked takes exactly these values (`from_str_values`);
/// any other value is serde's `unknown variant` error, listing the known ones, as with the derive.
///
/// ```text
/// crate::lenient::enum_decoder! {
///     Effort {
///         Low ["low"],
///         High ["high"],
///     }
/// }
/// ```
macro_rules! enum_decoder {
    ($name:ident { $($variant:ident [$wire:literal],)+ }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                // The generated `FromStr` matches the same values; a second match here would be
                // compiled again for every enum.
                deserializer.deserialize_str($crate::lenient::Variant::<$name> { names: &[$($wire),+], known: ::std::marker::PhantomData })
            }
        }
    };
}
pub(crate) use enum_decoder;

/// The `Serialize` impl of a generated struct, from one line per field (written by
/// `codegen/src/derives.rs`, `direct_serde_impls`): its name, JSON key, and the function that
/// says when it is left out (serde's `skip_serializing_if`). Same output as serde's derive (the
/// same `serialize_struct` length, `skip_field` for a field left out), through [`Encoder`], whose
/// methods hold what the derive repeats for every field: the derive's `?` after each field is an
/// exit of its own, and every build type-checks all of them (BENCHMARKS.md).
///
/// ```text
/// crate::lenient::struct_encoder! {
///     Usage {
///         total_tokens ["total_tokens"],
///         details ["details"] unless ::std::option::Option::is_none,
///     }
/// }
/// ```
macro_rules! struct_encoder {
    ($name:ident { $($field:ident [$wire:literal] $(unless $skip:path)?,)+ }) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                let len = 0 $(+ $crate::lenient::struct_encoder!(@len self.$field $(, $skip)?))+;
                let mut out = $crate::lenient::Encoder::new(serializer, stringify!($name), len);
                $($crate::lenient::struct_encoder!(@field out, self.$field, $wire $(, $skip)?);)+
                out.end()
            }
        }
    };
    (@len $value:expr) => {
        1
    };
    (@len $value:expr, $skip:path) => {
        usize::from(!$skip(&$value))
    };
    (@field $out:ident, $value:expr, $wire:literal) => {
        $out.field($wire, &$value)
    };
    (@field $out:ident, $value:expr, $wire:literal, $skip:path) => {
        if $skip(&$value) { $out.skip($wire) } else { $out.field($wire, &$value) }
    };
}
pub(crate) use struct_encoder;

/// A struct being serialized ([`struct_encoder`]): the first error stops it, and [`Encoder::end`]
/// returns it, as the derive's `?` after each call would. Holding the error rather than
/// returning it early keeps the generated function free of exits.
pub(crate) struct Encoder<S: SerializeStruct> {
    state: Result<S, S::Error>,
}

impl<S: SerializeStruct> Encoder<S> {
    pub(crate) fn new<T: Serializer<SerializeStruct = S, Ok = S::Ok, Error = S::Error>>(
        serializer: T,
        name: &'static str,
        len: usize,
    ) -> Self {
        Self { state: serializer.serialize_struct(name, len) }
    }
    pub(crate) fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) {
        self.unless_failed(|state| state.serialize_field(key, value));
    }
    pub(crate) fn skip(&mut self, key: &'static str) {
        self.unless_failed(|state| state.skip_field(key));
    }
    fn unless_failed(&mut self, call: impl FnOnce(&mut S) -> Result<(), S::Error>) {
        if let Ok(state) = &mut self.state
            && let Err(error) = call(state)
        {
            self.state = Err(error);
        }
    }
    pub(crate) fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

/// A string read as one of an enum's known values ([`enum_decoder`]), through the enum's
/// `FromStr`; any other string is serde's `unknown variant` error, listing `names`.
pub(crate) struct Variant<T> {
    pub(crate) names: &'static [&'static str],
    pub(crate) known: std::marker::PhantomData<fn() -> T>,
}

impl<'de, T: std::str::FromStr> Visitor<'de> for Variant<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }
    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        value.parse().map_err(|_| E::unknown_variant(value, self.names))
    }
    fn visit_bytes<E: serde::de::Error>(self, value: &[u8]) -> Result<T, E> {
        match std::str::from_utf8(value) {
            Ok(value) => self.visit_str(value),
            Err(_) => Err(E::invalid_value(Unexpected::Bytes(value), &self)),
        }
    }
}

/// The decoder of every generated struct ([`struct_decoder`]) reads each key as its field through
/// [`Field`], each value with [`next_value`] and [`seed`]'s form of the field's function
/// above (or plainly), then checks what is missing. It stands in for
/// serde's derive, which writes about five times the code for the same result (a sequence decoder
/// no JSON object needs, and two wrapper types per `deserialize_with` field), all of which every
/// build type-checks.
pub(crate) struct Field<K>(pub(crate) fn(&str) -> Option<K>);

impl<'de, K> DeserializeSeed<'de> for Field<K> {
    type Value = Option<K>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<K>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, K> Visitor<'de> for Field<K> {
    type Value = Option<K>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }
    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Option<K>, E> {
        Ok((self.0)(name))
    }
    fn visit_bytes<E: serde::de::Error>(self, name: &[u8]) -> Result<Option<K>, E> {
        Ok(std::str::from_utf8(name).ok().and_then(self.0))
    }
    /// A field by position (formats other than JSON): not known here, so ignored.
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Option<K>, E> {
        Ok(None)
    }
}

/// Reads past the value of a key no field has.
pub(crate) fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// Reads a field's value into its slot with `seed` (`PhantomData` for a plain `Deserialize`);
/// a field seen twice is an error, as with serde's derive.
pub(crate) fn next_value<'de, A: MapAccess<'de>, S: DeserializeSeed<'de>>(
    map: &mut A,
    slot: &mut Option<S::Value>,
    name: &'static str,
    seed: S,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(serde::de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(seed)?);
    Ok(())
}

/// Each function above as a `DeserializeSeed` of the field's type, for the generated decoders:
/// `map.next_value_seed(seed::OrNone::<Option<Usage>>::NEW)`.
pub(crate) mod seed {
    use std::marker::PhantomData;

    use serde::{
        Deserialize, Deserializer,
        de::{DeserializeOwned, DeserializeSeed},
    };

    use super::Scalar;

    macro_rules! seeds {
        ($($seed:ident: $function:ident -> $value:ty where T: [$($bound:tt)+];)+) => {$(
            #[doc = concat!("[`", stringify!($function), "`](super::", stringify!($function), ") as a seed.")]
            pub(crate) struct $seed<V>(PhantomData<fn() -> V>);

            impl<V> $seed<V> {
                pub(crate) const NEW: Self = Self(PhantomData);
            }

            impl<'de, T: $($bound)+> DeserializeSeed<'de> for $seed<$value> {
                type Value = $value;
                #[inline]
                fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<$value, D::Error> {
                    super::$function(deserializer)
                }
            }
        )+};
    }

    seeds! {
        OrNone: or_none -> Option<T> where T: [DeserializeOwned];
        TextOrNone: text_or_none -> Option<T> where T: [DeserializeOwned];
        OrDefault: or_default -> T where T: [DeserializeOwned + Default];
        NullAsDefault: null_as_default -> T where T: [Deserialize<'de> + Default];
        List: list -> Vec<T> where T: [DeserializeOwned];
        ListOrNull: list_or_null -> Option<Vec<T>> where T: [DeserializeOwned];
        ScalarOrNone: scalar_or_none -> Option<T> where T: [Scalar];
        ScalarValue: scalar -> T where T: [Scalar];
        Exact: exact -> T where T: [Scalar];
        ExactOrNull: exact_or_null -> Option<T> where T: [Scalar];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Money {
        #[serde(deserialize_with = "exact")]
        total_cost: f64,
        #[serde(default, deserialize_with = "exact_or_null")]
        cost: Option<f64>,
        #[serde(deserialize_with = "exact")]
        prompt_tokens: u32,
        #[serde(deserialize_with = "scalar")]
        created: u64,
        #[serde(default, deserialize_with = "scalar_or_none")]
        name: Option<String>,
        #[serde(default, deserialize_with = "list")]
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Item {
        id: String,
        links: u8,
    }

    fn decode(json: serde_json::Value) -> Result<Money, String> {
        let bytes = serde_json::to_vec(&json).unwrap();
        crate::Error::from_json::<Money>(200, &bytes).map_err(|e| e.to_string())
    }

    #[test]
    fn numeric_strings_are_their_numbers_and_nothing_is_invented() {
        let money = decode(serde_json::json!({
            "total_cost": "0.0015", "cost": "0.000021", "prompt_tokens": "9", "created": 1700000000.25
        }))
        .unwrap();
        assert_eq!(
            (money.total_cost, money.cost, money.prompt_tokens, money.created),
            (0.0015, Some(0.000021), 9, 1700000000)
        );
        for (field, value, why) in [
            ("total_cost", serde_json::json!(null), "null"),
            ("total_cost", serde_json::json!("a lot"), "a string"),
            ("prompt_tokens", serde_json::json!(9.5), "9.5"),
            ("prompt_tokens", serde_json::json!("NaN"), "a string"),
            ("cost", serde_json::json!({"usd": 1}), "map"),
            ("created", serde_json::json!("soon"), "a string"),
        ] {
            let mut json = serde_json::json!({"total_cost": 1, "prompt_tokens": 1, "created": 1});
            json[field] = value;
            let error = decode(json).unwrap_err();
            assert!(error.contains(why) && error.contains("does not match"), "{field}: {error}");
        }
        let error = decode(serde_json::json!({"prompt_tokens": 1, "created": 1})).unwrap_err();
        assert!(error.contains("missing field `total_cost`"), "{error}");
    }

    #[test]
    fn a_list_keeps_every_element_that_fits() {
        let money = decode(serde_json::json!({"total_cost": 1, "prompt_tokens": 1, "created": 1, "items": [
            {"id": "a", "links": 1}, {"id": "b"}, {"id": "c", "links": 3}, 7
        ]}))
        .unwrap();
        let ids: Vec<&str> = money.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        let money =
            decode(serde_json::json!({"total_cost": 1, "prompt_tokens": 1, "created": 1, "items": null})).unwrap();
        assert!(money.items.is_empty());
    }

    /// Decodes `json` as the client does, counting the passes it takes.
    fn passes<T: DeserializeOwned>(json: &str) -> (Result<T, serde_json::Error>, usize) {
        let reads = Cell::new(0);
        let value = fast_then_full(|| {
            reads.set(reads.get() + 1);
            serde_json::from_str::<T>(json)
        });
        (value, reads.get())
    }

    #[test]
    fn a_body_that_fits_is_read_once_and_any_other_again_by_the_full_rules_with_their_answer() {
        let fits = r#"{"total_cost": 0.5, "cost": null, "prompt_tokens": 9, "created": 1700000000,
            "name": "a", "items": [{"id": "a", "links": 1}]}"#;
        let (money, reads) = passes::<Money>(fits);
        assert_eq!(reads, 1);
        assert_eq!(money.unwrap(), serde_json::from_str::<Money>(fits).unwrap());
        assert!(!in_fast_pass());
        for odd in [
            r#"{"total_cost": "0.5", "prompt_tokens": 9, "created": 1}"#,
            r#"{"total_cost": 0.5, "cost": "0.25", "prompt_tokens": 9, "created": 1}"#,
            r#"{"total_cost": 0.5, "prompt_tokens": 9.0, "created": 1}"#,
            r#"{"total_cost": 0.5, "prompt_tokens": 9, "created": 1.5}"#,
            r#"{"total_cost": 0.5, "prompt_tokens": 9, "created": 1, "name": 7}"#,
            r#"{"total_cost": 0.5, "prompt_tokens": 9, "created": 1, "items": [{"id": "a"}, {"id": "b", "links": 2}]}"#,
        ] {
            let (money, reads) = passes::<Money>(odd);
            assert_eq!(reads, 2, "{odd}");
            assert_eq!(money.unwrap(), serde_json::from_str::<Money>(odd).unwrap(), "{odd}");
        }
        let fails = r#"{"total_cost": 0.5, "prompt_tokens": 9.5, "created": 1}"#;
        let (error, reads) = passes::<Money>(fails);
        assert_eq!(reads, 2);
        assert_eq!(error.unwrap_err().to_string(), serde_json::from_str::<Money>(fails).unwrap_err().to_string());
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(untagged)]
    enum Either {
        Counted(Counted),
        Other(serde_json::Value),
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Counted {
        #[serde(deserialize_with = "exact")]
        count: u64,
        #[serde(default, deserialize_with = "or_none")]
        detail: Option<Item>,
    }

    #[test]
    fn a_misfit_an_untagged_union_swallows_still_sends_the_body_to_the_full_rules() {
        // In the fast pass `Counted` fails on each of these and `Other` would take the body.
        for (json, counted) in [
            (r#"{"count": "7"}"#, Counted { count: 7, detail: None }),
            (r#"{"count": 7, "detail": {"id": 1}}"#, Counted { count: 7, detail: None }),
        ] {
            let (value, reads) = passes::<Either>(json);
            assert_eq!((value.unwrap(), reads), (Either::Counted(counted), 2), "{json}");
        }
        let (value, reads) = passes::<Either>(r#"{"count": 7, "detail": {"id": "a", "links": 1}}"#);
        let detail = Some(Item { id: "a".into(), links: 1 });
        assert_eq!((value.unwrap(), reads), (Either::Counted(Counted { count: 7, detail }), 1));
    }

    #[test]
    fn a_panic_in_the_fast_pass_leaves_the_thread_on_the_full_rules() {
        let panicked = std::panic::catch_unwind(|| fast_then_full::<(), ()>(|| panic!("a decoder panicked")));
        assert!(panicked.is_err());
        assert!(!in_fast_pass());
        let (money, _) = passes::<Money>(r#"{"total_cost": 1, "prompt_tokens": 1, "created": 1, "name": 7}"#);
        assert_eq!(money.unwrap().name, None);
    }

    #[test]
    fn serde_json_lends_the_text_and_a_buffer_still_decodes() {
        // The fast path: serde_json hands over the text, borrowed from the body, not parsed.
        let raw: Raw = serde_json::from_slice(br#" {"a": [1, "x"]} "#).unwrap();
        assert!(matches!(&raw, Raw::Text(Cow::Borrowed(text)) if *text == r#"{"a": [1, "x"]}"#));
        // Inside an untagged union serde buffers the value first: same decoded result.
        #[derive(Debug, serde::Deserialize, PartialEq)]
        #[serde(untagged)]
        enum Union {
            Money(Money),
        }
        let json = br#"{"total_cost": 1, "prompt_tokens": 2, "created": 3, "items": [{"id": "a", "links": 1}, 7]}"#;
        let Union::Money(buffered) = serde_json::from_slice::<Union>(json).unwrap();
        let direct: Money = serde_json::from_slice(json).unwrap();
        assert_eq!(buffered, direct);
        assert_eq!(direct.items, [Item { id: "a".into(), links: 1 }]);
    }

    #[test]
    fn or_none_keeps_what_fits_and_drops_only_what_does_not() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct Choice {
            #[serde(default, deserialize_with = "or_none")]
            item: Option<Item>,
        }
        let decode = |json: &str| serde_json::from_str::<Choice>(json).unwrap().item;
        assert_eq!(decode(r#"{"item": {"links": 2, "id": "é\n"}}"#), Some(Item { id: "é\n".into(), links: 2 }));
        assert_eq!(decode(r#"{"item": {"id": "a", "links": 300}}"#), None);
        assert_eq!(decode(r#"{"item": null}"#), None);
        assert_eq!(decode(r#"{}"#), None);
    }

    #[test]
    fn struct_decoder_finds_each_key_by_name_rename_or_alias() {
        #[derive(Debug, PartialEq)]
        struct Item {
            type_: String,
            n: Option<u64>,
        }
        struct_decoder! {
            Item {
                type_: String ["type" | "kind"] Plain required,
                n: Option<u64> ["n"] Plain default,
            }
        }
        let item = |json: &str| serde_json::from_str::<Item>(json).map_err(|e| e.to_string());
        let expected = Item { type_: "a".into(), n: Some(2) };
        assert_eq!(item(r#"{"n": 2, "type": "a"}"#), Ok(expected));
        assert_eq!(item(r#"{"kind": "b", "type_": 1}"#), Ok(Item { type_: "b".into(), n: None }));
        assert!(item(r#"{"type": "a", "kind": "b"}"#).unwrap_err().contains("duplicate field `type`"));
        assert!(item(r#"{"n": 1, "typ": "a"}"#).unwrap_err().contains("missing field `type`"));

        // Of several required fields missing, the first in the order of the fields is named.
        #[derive(Debug, PartialEq)]
        struct Pair {
            a: u8,
            b: u8,
        }
        struct_decoder! {
            Pair {
                a: u8 ["a"] Plain required,
                b: u8 ["b"] Plain required,
            }
        }
        let pair = |json: &str| serde_json::from_str::<Pair>(json).map_err(|e| e.to_string());
        assert!(pair("{}").unwrap_err().contains("missing field `a`"));
        assert!(pair(r#"{"a": 1}"#).unwrap_err().contains("missing field `b`"));
        assert!(pair(r#"{"b": 2}"#).unwrap_err().contains("missing field `a`"));
        assert_eq!(pair(r#"{"b": 2, "a": 1}"#), Ok(Pair { a: 1, b: 2 }));
    }

    #[test]
    fn text_or_none_gives_what_or_none_gives_in_one_pass() {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Reason {
            Stop,
            ToolCalls,
        }
        impl std::str::FromStr for Reason {
            type Err = ();
            fn from_str(value: &str) -> Result<Self, ()> {
                match value {
                    "stop" => Ok(Self::Stop),
                    "tool_calls" => Ok(Self::ToolCalls),
                    _ => Err(()),
                }
            }
        }
        enum_decoder! { Reason { Stop ["stop"], ToolCalls ["tool_calls"], } }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(untagged)]
        enum Open {
            Known(Reason),
            Unknown(String),
        }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Choice {
            #[serde(default, deserialize_with = "text_or_none")]
            direct: Option<Reason>,
            #[serde(default, deserialize_with = "or_none")]
            buffered: Option<Reason>,
            #[serde(default, deserialize_with = "text_or_none")]
            open: Option<Open>,
            after: u8,
        }
        for value in [
            r#""stop""#,
            r#""tool_calls""#,
            r#""to\u006fl_calls""#,
            r#""length""#,
            "null",
            "7",
            "-7",
            "1.5",
            "true",
            r#"["stop"]"#,
            r#"{"reason": "stop", "nested": [1, {"a": null}]}"#,
        ] {
            let json = format!(r#"{{"direct": {value}, "buffered": {value}, "open": {value}, "after": 9}}"#);
            let choice = serde_json::from_str::<Choice>(&json).unwrap_or_else(|e| panic!("{value}: {e}"));
            assert_eq!(choice.direct, choice.buffered, "{value}");
            assert_eq!(choice.after, 9, "the value was read past whole: {value}");
            let expected_open = serde_json::from_str::<String>(value).ok().map(|text| match text.as_str() {
                "stop" => Open::Known(Reason::Stop),
                "tool_calls" => Open::Known(Reason::ToolCalls),
                _ => Open::Unknown(text),
            });
            assert_eq!(choice.open, expected_open, "{value}");
        }
        let choice = serde_json::from_str::<Choice>(r#"{"after": 1}"#).unwrap();
        assert_eq!((choice.direct, choice.open), (None, None));
        // From a buffered value too (inside an untagged union, serde hands over its own buffer).
        let value = serde_json::json!({"direct": "stop", "open": "new", "after": 1});
        let choice = serde_json::from_value::<Choice>(value).unwrap();
        assert_eq!((choice.direct, choice.open), (Some(Reason::Stop), Some(Open::Unknown("new".into()))));
    }

    #[test]
    fn struct_encoder_writes_what_the_derive_writes() {
        #[derive(Default)]
        struct Encoded {
            type_: String,
            note: Option<String>,
            tags: Vec<u8>,
            n: u64,
        }
        struct_encoder! {
            Encoded {
                type_ ["type"],
                note ["note"] unless Option::is_none,
                tags ["tags"] unless Vec::is_empty,
                n ["n"],
            }
        }
        #[derive(serde::Serialize)]
        #[serde(rename = "Encoded")]
        struct Derived {
            #[serde(rename = "type")]
            type_: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            note: Option<String>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            tags: Vec<u8>,
            n: u64,
        }
        let values = [
            Encoded::default(),
            Encoded { type_: "a\"b".into(), note: Some("x".into()), tags: vec![1, 2], n: u64::MAX },
            Encoded { note: Some(String::new()), n: 3, ..Encoded::default() },
        ];
        for value in values {
            let derived =
                Derived { type_: value.type_.clone(), note: value.note.clone(), tags: value.tags.clone(), n: value.n };
            assert_eq!(serde_json::to_string(&value).unwrap(), serde_json::to_string(&derived).unwrap());
            // What formats other than JSON see: the length counts only the fields written, and
            // a field left out is announced (`skip_field`), as with the derive.
            assert_eq!(Calls::of(&value, None), Calls::of(&derived, None));
        }
        let value = Encoded { note: Some("x".into()), ..Encoded::default() };
        assert_eq!(Calls::of(&value, None), ["struct Encoded 3", "type", "note", "skip tags", "n", "end"]);
        // The first error ends it: no later field is written, and the error is returned.
        assert_eq!(Calls::of(&value, Some("note")), ["struct Encoded 3", "type", "note", "error"]);
        assert_eq!(
            Calls::of(&value, Some("note")),
            Calls::of(
                &Derived { type_: String::new(), note: value.note.clone(), tags: Vec::new(), n: 0 },
                Some("note")
            )
        );
    }

    /// A serializer that records the calls a struct makes, failing on the field `fail_at`.
    #[derive(Default)]
    struct Calls {
        calls: Vec<String>,
        fail_at: Option<&'static str>,
    }

    impl Calls {
        fn of(value: &impl Serialize, fail_at: Option<&'static str>) -> Vec<String> {
            let mut calls = Calls { calls: Vec::new(), fail_at };
            if value.serialize(&mut calls).is_err() {
                calls.calls.push("error".into());
            }
            calls.calls
        }
    }

    impl SerializeStruct for &mut Calls {
        type Ok = ();
        type Error = serde_json::Error;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, _: &T) -> Result<(), Self::Error> {
            self.calls.push(key.into());
            match self.fail_at == Some(key) {
                true => Err(serde::ser::Error::custom("failed")),
                false => Ok(()),
            }
        }
        fn skip_field(&mut self, key: &'static str) -> Result<(), Self::Error> {
            self.calls.push(format!("skip {key}"));
            Ok(())
        }
        fn end(self) -> Result<(), Self::Error> {
            self.calls.push("end".into());
            Ok(())
        }
    }

    /// Only structs are recorded; anything else is an error.
    macro_rules! not_a_struct {
        ($($method:ident($($arg:ty),*) -> $out:ty;)+) => {
            $(fn $method(self, $(_: $arg),*) -> Result<$out, serde_json::Error> {
                Err(serde::ser::Error::custom(stringify!($method)))
            })+
        };
    }

    impl Serializer for &mut Calls {
        type Ok = ();
        type Error = serde_json::Error;
        type SerializeSeq = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeTuple = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeTupleStruct = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeTupleVariant = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeMap = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeStruct = Self;
        type SerializeStructVariant = serde::ser::Impossible<(), serde_json::Error>;
        fn serialize_struct(self, name: &'static str, len: usize) -> Result<Self, serde_json::Error> {
            self.calls.push(format!("struct {name} {len}"));
            Ok(self)
        }
        fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), serde_json::Error> {
            Err(serde::ser::Error::custom("some"))
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: &T,
        ) -> Result<(), serde_json::Error> {
            Err(serde::ser::Error::custom("newtype"))
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), serde_json::Error> {
            Err(serde::ser::Error::custom("newtype variant"))
        }
        not_a_struct! {
            serialize_bool(bool) -> ();
            serialize_i8(i8) -> ();
            serialize_i16(i16) -> ();
            serialize_i32(i32) -> ();
            serialize_i64(i64) -> ();
            serialize_u8(u8) -> ();
            serialize_u16(u16) -> ();
            serialize_u32(u32) -> ();
            serialize_u64(u64) -> ();
            serialize_f32(f32) -> ();
            serialize_f64(f64) -> ();
            serialize_char(char) -> ();
            serialize_str(&str) -> ();
            serialize_bytes(&[u8]) -> ();
            serialize_none() -> ();
            serialize_unit() -> ();
            serialize_unit_struct(&'static str) -> ();
            serialize_unit_variant(&'static str, u32, &'static str) -> ();
            serialize_seq(Option<usize>) -> Self::SerializeSeq;
            serialize_tuple(usize) -> Self::SerializeTuple;
            serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
            serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
            serialize_map(Option<usize>) -> Self::SerializeMap;
            serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
        }
    }
}
