//! A response read for flattening: one slot per variable, strings borrowed
//! from the JSON line where they have no escapes. Reading a line this way
//! instead of into a `serde_json::Value` halves the time `flatten` takes.
//! Only for responses the validator has accepted.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The value of one variable.
#[derive(Clone, Debug, PartialEq)]
pub enum Slot<'a> {
    Null,
    Num(f64),
    Str(Cow<'a, str>),
    /// The codes of a multiple choice (`[]` included).
    Codes(Vec<f64>),
    /// Anything else (never in a valid response).
    Other,
}

impl Slot<'_> {
    /// The JSON value, for the routing evaluator.
    pub fn to_value(&self) -> Value {
        let num = |x: f64| {
            if x.fract() == 0.0 && x.abs() < 9e15 {
                Value::from(x as i64)
            } else {
                serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
            }
        };
        match self {
            Slot::Null | Slot::Other => Value::Null,
            Slot::Num(x) => num(*x),
            Slot::Str(s) => Value::String(s.to_string()),
            Slot::Codes(c) => Value::Array(c.iter().map(|x| num(*x)).collect()),
        }
    }

    fn from_value(v: &Value) -> Slot<'_> {
        match v {
            Value::Null => Slot::Null,
            Value::Number(n) => n.as_f64().map_or(Slot::Other, Slot::Num),
            Value::String(s) => Slot::Str(Cow::Borrowed(s)),
            Value::Array(a) => {
                let codes: Option<Vec<f64>> = a.iter().map(Value::as_f64).collect();
                codes.map_or(Slot::Other, Slot::Codes)
            }
            _ => Slot::Other,
        }
    }
}

/// One response: the envelope fields the table uses, and a slot per
/// variable (`None`: absent).
#[derive(Clone, Debug, Default)]
pub struct Parsed<'a> {
    pub id: Option<Cow<'a, str>>,
    pub status: Option<Cow<'a, str>>,
    pub submitted: Option<Cow<'a, str>>,
    pub slots: Vec<Option<Slot<'a>>>,
}

impl<'a> Parsed<'a> {
    /// Reads a JSON object; `None` when it is not one.
    pub fn from_json(json: &'a str, index: &HashMap<&str, usize>, n: usize) -> Option<Parsed<'a>> {
        let mut de = serde_json::Deserializer::from_str(json);
        let parsed = serde::Deserializer::deserialize_map(&mut de, Reader { index, n }).ok()?;
        de.end().ok()?;
        Some(parsed)
    }

    /// The slots of a response already read into a `Value`.
    pub fn from_map(
        map: &'a Map<String, Value>,
        index: &HashMap<&str, usize>,
        n: usize,
    ) -> Parsed<'a> {
        let string = |name: &str| match map.get(name) {
            Some(Value::String(s)) => Some(Cow::Borrowed(s.as_str())),
            _ => None,
        };
        let mut slots = vec![None; n];
        for (k, v) in map {
            if let Some(&i) = index.get(k.as_str()) {
                slots[i] = Some(Slot::from_value(v));
            }
        }
        Parsed {
            id: string("_id"),
            status: string("_status"),
            submitted: string("_submitted"),
            slots,
        }
    }
}

struct Reader<'i> {
    index: &'i HashMap<&'i str, usize>,
    n: usize,
}

impl<'de> Visitor<'de> for Reader<'_> {
    type Value = Parsed<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a response object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed<'de>, A::Error> {
        let mut out = Parsed {
            slots: vec![None; self.n],
            ..Parsed::default()
        };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key = key.0;
            let envelope = match key.as_ref() {
                "_id" => Some(&mut out.id),
                "_status" => Some(&mut out.status),
                "_submitted" => Some(&mut out.submitted),
                _ => None,
            };
            if let Some(field) = envelope {
                if let Slot::Str(s) = map.next_value_seed(SlotSeed)? {
                    *field = Some(s);
                }
                continue;
            }
            match self.index.get(key.as_ref()) {
                Some(&i) => out.slots[i] = Some(map.next_value_seed(SlotSeed)?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

/// A key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(StrVisitor).map(Key)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

struct SlotSeed;

impl<'de> DeserializeSeed<'de> for SlotSeed {
    type Value = Slot<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Slot<'de>, D::Error> {
        d.deserialize_any(SlotVisitor)
    }
}

struct SlotVisitor;

impl<'de> Visitor<'de> for SlotVisitor {
    type Value = Slot<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Slot<'de>, E> {
        Ok(Slot::Null)
    }
    fn visit_none<E>(self) -> Result<Slot<'de>, E> {
        Ok(Slot::Null)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Slot<'de>, E> {
        Ok(Slot::Other)
    }
    fn visit_i64<E>(self, v: i64) -> Result<Slot<'de>, E> {
        Ok(Slot::Num(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Slot<'de>, E> {
        Ok(Slot::Num(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Slot<'de>, E> {
        Ok(Slot::Num(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Slot<'de>, E> {
        Ok(Slot::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Slot<'de>, E> {
        Ok(Slot::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Slot<'de>, E> {
        Ok(Slot::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<'de>, A::Error> {
        let mut codes = Vec::new();
        let mut other = false;
        while let Some(v) = seq.next_element::<Value>()? {
            match v.as_f64() {
                Some(x) => codes.push(x),
                None => other = true,
            }
        }
        Ok(if other {
            Slot::Other
        } else {
            Slot::Codes(codes)
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Slot::Other)
    }
}
