//! How the generated response types decode the fields that are not essential (the generator
//! picks the fields: `codegen/src/derives.rs`, `lenient_responses`).
//!
//! A value that does not fit such a field is dropped, to `None` or to the type's default, and
//! logged at `debug`: one odd field never costs the user a whole paid response or stream. An
//! optional list sent as `null` is an empty list.

// Which of these the generated types call depends on the areas a build enables; `full` uses all.
#![cfg_attr(not(feature = "full"), allow(dead_code))]

use std::fmt;

use serde::{
    Deserialize, Deserializer,
    de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor},
};
use serde_json::Value;

/// An optional field: `null`, or a value that does not decode as `T`, is `None`.
pub(crate) fn or_none<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<Option<T>, D::Error> {
    // Buffered as a `Value` (which reads from any deserializer, also inside an untagged union),
    // then decoded from its bytes: byte input is the decoder every generated type has anyway,
    // where decoding from the `Value` would build a second one for each type (compile time;
    // measured in bench/). Only the fields that are not essential pay for it.
    let Some(bytes) = to_bytes(Value::deserialize(deserializer)?) else { return Ok(None) };
    Ok(match serde_json::from_slice(&bytes) {
        Ok(value) => Some(value),
        Err(error) => {
            dropped(std::any::type_name::<T>(), &error);
            None
        }
    })
}

/// The value's JSON text, or `None` for `null`. Not generic: one copy serves every field type.
fn to_bytes(value: Value) -> Option<Vec<u8>> {
    (!value.is_null()).then(|| serde_json::to_vec(&value).expect("a JSON value serializes"))
}

/// A field with a default (a list, a map, a type with `Default`): what does not fit is the default.
pub(crate) fn or_default<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    or_none(deserializer).map(Option::unwrap_or_default)
}

/// An optional list the server may send as `null`: that is an empty list. Anything else must fit.
pub(crate) fn null_as_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// An optional string, number or boolean: what does not fit is `None`. A number sent as a float
/// where an integer belongs is truncated (`1700000000.25` → `1700000000`). Not buffered.
pub(crate) fn scalar_or_none<'de, D: Deserializer<'de>, T: Scalar>(deserializer: D) -> Result<Option<T>, D::Error> {
    let any = deserializer.deserialize_any(AnyScalar)?;
    let is_null = matches!(any, Any::Null);
    let value = T::from_any(any);
    if value.is_none() && !is_null {
        dropped(std::any::type_name::<T>(), &"a value of another type");
    }
    Ok(value)
}

/// A required string, number or boolean: what does not fit (or is missing) is the default.
pub(crate) fn scalar_or_default<'de, D: Deserializer<'de>, T: Scalar + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    scalar_or_none(deserializer).map(Option::unwrap_or_default)
}

/// Logs a dropped field. Not generic, so that the `tracing` call is built once.
fn dropped(field_type: &str, error: &dyn fmt::Display) {
    tracing::debug!(field_type, %error, "dropped a response field that does not fit the spec");
}

/// A JSON value read for a scalar field, without keeping arrays or objects.
pub(crate) enum Any {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(String),
    Other,
}

/// The scalar types of generated fields.
pub(crate) trait Scalar: Sized {
    fn from_any(any: Any) -> Option<Self>;
}

impl Scalar for String {
    fn from_any(any: Any) -> Option<Self> {
        match any {
            Any::Text(text) => Some(text),
            _ => None,
        }
    }
}

impl Scalar for bool {
    fn from_any(any: Any) -> Option<Self> {
        match any {
            Any::Bool(value) => Some(value),
            _ => None,
        }
    }
}

impl Scalar for f64 {
    fn from_any(any: Any) -> Option<Self> {
        match any {
            Any::Unsigned(n) => Some(n as f64),
            Any::Signed(n) => Some(n as f64),
            Any::Float(n) => Some(n),
            _ => None,
        }
    }
}

impl Scalar for f32 {
    fn from_any(any: Any) -> Option<Self> {
        f64::from_any(any).map(|n| n as f32)
    }
}

macro_rules! integer_scalars {
    ($($ty:ty),*) => {$(
        impl Scalar for $ty {
            fn from_any(any: Any) -> Option<Self> {
                match any {
                    Any::Unsigned(n) => <$ty>::try_from(n).ok(),
                    Any::Signed(n) => <$ty>::try_from(n).ok(),
                    // In range, truncated toward zero (`as` saturates, so range is checked first).
                    Any::Float(n) if n.is_finite() && n >= <$ty>::MIN as f64 && n <= <$ty>::MAX as f64 => Some(n as $ty),
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
        Ok(Any::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Any, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Any::Other)
    }
}
