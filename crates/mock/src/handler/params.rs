//! Action parameters from a JSON body or a flat GET/form query (`Status.0=2`): unknown names,
//! wrong types (the message names the parameter) and the typed result, checked in that order.

use serde_json::{Map, Number, Value};

use super::failure::Failure;
use crate::journal::ParamsTruncation;
use crate::journal::bounded::{bounded_object, bounded_other};

/// The type of one action parameter, as the API model declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamType {
    Integer,
    String,
    IntegerArray,
    StringArray,
    /// An array of `{"TagKey": String, "TagValue": String}` (`InstanceTags`).
    TagArray,
    /// Accepted as given (e.g. STS `Tags`).
    Any,
}

impl ParamType {
    fn describe(self) -> &'static str {
        match self {
            Self::Integer => "an Integer (a JSON number such as 20)",
            Self::String => "a String",
            Self::IntegerArray => "an Array of Integer (such as [2, 4])",
            Self::StringArray => "an Array of String (such as [\"crs-1\"])",
            Self::TagArray => {
                "an Array of InstanceTags objects (such as [{\"TagKey\": \"env\", \"TagValue\": \"prod\"}])"
            }
            Self::Any => "any value",
        }
    }
}

/// The parameters of one action.
pub(crate) type Schema = &'static [(&'static str, ParamType)];

/// Common keys of v1 and GET requests; they are never action parameters.
pub(crate) const COMMON_KEYS: &[&str] = &[
    "Action",
    "Nonce",
    "SecretId",
    "Signature",
    "SignatureMethod",
    "Timestamp",
    "Region",
    "Version",
    "Language",
    "RequestClient",
    "Token",
];

/// Parameters as received, before typing.
#[derive(Debug)]
pub(crate) enum RawParams {
    /// A JSON body (the raw bytes; parsed on demand).
    Json(Value),
    /// A JSON body that is not valid JSON.
    MalformedJson(String),
    /// Decoded `name=value` pairs of a query string or form body, in order.
    Form(Vec<(String, String)>),
}

/// How an integer outside the API's Integer type (64-bit signed) is described, whatever its
/// spelling (a JSON number past `i64`, one so large it was read as a float, or GET digits).
const OUT_OF_RANGE: &str =
    "outside the 64-bit integer range -9223372036854775808..=9223372036854775807";

/// Digits (with an optional sign) that do not fit an `i64`.
fn out_of_range_digits(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && text.parse::<i64>().is_err()
}

fn json_kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) if n.is_u64() && n.as_i64().is_none() => {
            format!("the number {n}, {OUT_OF_RANGE}")
        }
        // An integer literal past u64 is read as a float: its digits are gone, its size is not.
        Value::Number(n)
            if n.as_f64()
                .is_some_and(|f| f.fract() == 0.0 && f.abs() >= 9.2e18) =>
        {
            format!("a number {OUT_OF_RANGE}")
        }
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn unknown(name: &str, action: &str, schema: Schema) -> Failure {
    let accepted: Vec<&str> = schema.iter().map(|(n, _)| *n).collect();
    Failure::new(
        "UnknownParameter",
        format!(
            "The parameter `{name}` is not recognized by {action}; accepted parameters: {}.",
            accepted.join(", ")
        ),
    )
}

fn wrong_type(name: &str, ty: ParamType, got: &str) -> Failure {
    Failure::new(
        "InvalidParameter",
        format!(
            "The parameter `{name}` must be {}, got {got}.",
            ty.describe()
        ),
    )
}

fn lookup(schema: Schema, name: &str) -> Option<ParamType> {
    schema.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// A loosely typed view for matching and the journal: JSON as given, or form values typed where
/// they parse, bounded in size (oversized values keep a prefix; see `journal::bounded`).
/// `received` is the size of the parameters as received (body or query string). Never fails.
pub(crate) fn loose_view(
    raw: &RawParams,
    schema: Schema,
    received: usize,
) -> (Value, Option<ParamsTruncation>) {
    match raw {
        RawParams::Json(Value::Object(map)) => {
            let params = map
                .iter()
                .filter(|(k, _)| !COMMON_KEYS.contains(&k.as_str()));
            let (map, cut) = bounded_object(params, received);
            (Value::Object(map), cut)
        }
        RawParams::Json(other) => bounded_other(other, received),
        RawParams::MalformedJson(_) => (Value::Null, None),
        RawParams::Form(pairs) => match type_form(pairs, "", schema, true) {
            Ok(map) => {
                let (map, cut) = bounded_object(map.iter(), received);
                (Value::Object(map), cut)
            }
            Err(_) => (Value::Null, None),
        },
    }
}

/// Checks names, then types; returns the typed parameters (absent and `null` values dropped).
pub(crate) fn typed(
    raw: &RawParams,
    action: &str,
    schema: Schema,
) -> Result<Map<String, Value>, Failure> {
    match raw {
        RawParams::MalformedJson(message) => Err(Failure::new(
            "InvalidParameter",
            format!("The request body is not valid JSON: {message}."),
        )),
        RawParams::Json(Value::Object(map)) => type_json(map, action, schema),
        RawParams::Json(other) => Err(Failure::new(
            "InvalidParameter",
            format!(
                "The request body must be a JSON object of parameters, got {}.",
                json_kind(other)
            ),
        )),
        RawParams::Form(pairs) => type_form(pairs, action, schema, false),
    }
}

fn type_json(
    map: &Map<String, Value>,
    action: &str,
    schema: Schema,
) -> Result<Map<String, Value>, Failure> {
    for name in map.keys() {
        if !COMMON_KEYS.contains(&name.as_str()) && lookup(schema, name).is_none() {
            return Err(unknown(name, action, schema));
        }
    }
    let mut out = Map::new();
    for (name, ty) in schema {
        let Some(value) = map.get(*name) else {
            continue;
        };
        if value.is_null() {
            continue;
        }
        let ok = match ty {
            ParamType::Integer => value.as_i64().is_some(),
            ParamType::String => value.is_string(),
            ParamType::IntegerArray | ParamType::StringArray | ParamType::TagArray => value
                .as_array()
                .is_some_and(|items| items.iter().all(|i| item_ok(*ty, i))),
            ParamType::Any => true,
        };
        if !ok {
            let got = match value {
                Value::Array(items) => {
                    let bad = items
                        .iter()
                        .find(|i| !item_ok(*ty, i))
                        .map_or_else(String::new, json_kind);
                    format!("an array holding {bad}")
                }
                _ => json_kind(value),
            };
            return Err(wrong_type(name, *ty, &got));
        }
        out.insert((*name).to_owned(), value.clone());
    }
    Ok(out)
}

/// Whether `item` is a valid element of an array parameter of type `ty`.
fn item_ok(ty: ParamType, item: &Value) -> bool {
    match ty {
        ParamType::IntegerArray => item.as_i64().is_some(),
        ParamType::StringArray => item.is_string(),
        ParamType::TagArray => item.as_object().is_some_and(|tag| {
            tag.len() == 2
                && ["TagKey", "TagValue"]
                    .iter()
                    .all(|k| tag.get(*k).is_some_and(Value::is_string))
        }),
        _ => false,
    }
}

fn parse_int(name: &str, ty: ParamType, text: &str) -> Result<i64, Failure> {
    text.parse::<i64>().map_err(|_| {
        let got = if out_of_range_digits(text) {
            format!("{text}, {OUT_OF_RANGE}")
        } else {
            format!("{text:?}")
        };
        wrong_type(name, ty, &got)
    })
}

fn type_form(
    pairs: &[(String, String)],
    action: &str,
    schema: Schema,
    loose: bool,
) -> Result<Map<String, Value>, Failure> {
    let mut out = Map::new();
    // Array elements by (parameter, position); a TagArray element collects its fields.
    let mut arrays: Vec<(String, Vec<(u64, Value)>)> = Vec::new();
    for (key, value) in pairs {
        let (base, index) = match key.split_once('.') {
            Some((base, rest)) => (base, Some(rest)),
            None => (key.as_str(), None),
        };
        if COMMON_KEYS.contains(&key.as_str()) {
            continue;
        }
        let Some(ty) = lookup(schema, base) else {
            if loose {
                out.insert(key.clone(), Value::String(value.clone()));
                continue;
            }
            return Err(unknown(key, action, schema));
        };
        let is_array = matches!(
            ty,
            ParamType::IntegerArray | ParamType::StringArray | ParamType::TagArray
        );
        match (ty, index) {
            (_, Some(index)) if is_array => {
                let (position, field) = match index.split_once('.') {
                    Some((p, f)) => (p, Some(f)),
                    None => (index, None),
                };
                let bad_key = || {
                    let shape = if ty == ParamType::TagArray {
                        format!("{base}.0.TagKey, {base}.0.TagValue, ...")
                    } else {
                        format!("{base}.0, {base}.1, ...")
                    };
                    wrong_type(base, ty, &format!("the key {key:?} (use {shape})"))
                };
                let Ok(position) = position.parse::<u64>() else {
                    if loose {
                        continue;
                    }
                    return Err(bad_key());
                };
                let element = match (ty, field) {
                    (ParamType::IntegerArray, None) => match parse_int(base, ty, value) {
                        Ok(n) => (None, Value::Number(Number::from(n))),
                        Err(_) if loose => continue,
                        Err(_) if out_of_range_digits(value) => {
                            return Err(wrong_type(
                                base,
                                ty,
                                &format!("{key}={value}, {OUT_OF_RANGE}"),
                            ));
                        }
                        Err(_) => return Err(wrong_type(base, ty, &format!("{key}={value:?}"))),
                    },
                    (ParamType::StringArray, None) => (None, Value::String(value.clone())),
                    (ParamType::TagArray, Some(f @ ("TagKey" | "TagValue"))) => {
                        (Some(f), Value::String(value.clone()))
                    }
                    _ if loose => continue,
                    _ => return Err(bad_key()),
                };
                let items = match arrays.iter_mut().find(|(name, _)| name == base) {
                    Some((_, items)) => items,
                    None => {
                        arrays.push((base.to_owned(), Vec::new()));
                        &mut arrays.last_mut().expect("just pushed").1
                    }
                };
                match element {
                    (None, v) => items.push((position, v)),
                    (Some(field), v) => match items.iter_mut().find(|(p, _)| *p == position) {
                        Some((_, Value::Object(tag))) => {
                            tag.insert(field.to_owned(), v);
                        }
                        _ => {
                            let mut tag = Map::new();
                            tag.insert(field.to_owned(), v);
                            items.push((position, Value::Object(tag)));
                        }
                    },
                }
            }
            (_, None) if is_array => {
                if loose {
                    out.insert(key.clone(), Value::String(value.clone()));
                    continue;
                }
                return Err(wrong_type(
                    base,
                    ty,
                    &format!("the scalar {base}={value:?} (send {base}.0={value})"),
                ));
            }
            (ParamType::Integer, None) => match parse_int(base, ty, value) {
                Ok(n) => {
                    out.insert(base.to_owned(), Value::Number(Number::from(n)));
                }
                Err(_) if loose => {
                    out.insert(base.to_owned(), Value::String(value.clone()));
                }
                Err(e) => return Err(e),
            },
            (ParamType::String | ParamType::Any, None) => {
                out.insert(base.to_owned(), Value::String(value.clone()));
            }
            // A scalar parameter sent as an array element (`Limit.0=5`).
            _ => {
                if loose {
                    out.insert(key.clone(), Value::String(value.clone()));
                    continue;
                }
                return Err(wrong_type(
                    base,
                    ty,
                    &format!("the array element {key}={value:?}"),
                ));
            }
        }
    }
    for (name, mut items) in arrays {
        items.sort_by_key(|(position, _)| *position);
        let items: Vec<Value> = items.into_iter().map(|(_, v)| v).collect();
        let ty = lookup(schema, &name).unwrap_or(ParamType::Any);
        if !loose && let Some(bad) = items.iter().find(|i| !item_ok(ty, i)) {
            return Err(wrong_type(
                &name,
                ty,
                &format!("an array holding {}", json_kind(bad)),
            ));
        }
        out.insert(name, Value::Array(items));
    }
    Ok(out)
}

/// Decodes `a=1&b=x+y` (percent-decoding, `+` as space).
pub(crate) fn decode_form(text: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(text)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEMA: Schema = &[
        ("Limit", ParamType::Integer),
        ("InstanceId", ParamType::String),
        ("Status", ParamType::IntegerArray),
    ];

    fn form(text: &str) -> RawParams {
        RawParams::Form(decode_form(text.as_bytes()))
    }

    #[test]
    fn json_types_are_checked_and_named() {
        let err = typed(&RawParams::Json(json!({"Limit": "20"})), "A", SCHEMA).unwrap_err();
        assert_eq!(err.code, "InvalidParameter");
        assert!(
            err.message.contains("`Limit`") && err.message.contains("string \"20\""),
            "{}",
            err.message
        );
        let err = typed(&RawParams::Json(json!({"Status": 2})), "A", SCHEMA).unwrap_err();
        assert!(
            err.message.contains("`Status`") && err.message.contains("Array of Integer"),
            "{}",
            err.message
        );
        let err = typed(&RawParams::Json(json!({"Status": [2, "4"]})), "A", SCHEMA).unwrap_err();
        assert!(
            err.message.contains("holding the string \"4\""),
            "{}",
            err.message
        );
        let err = typed(
            &RawParams::Json(json!({"Limt": 2, "Limit": "x"})),
            "A",
            SCHEMA,
        )
        .unwrap_err();
        assert_eq!(
            err.code, "UnknownParameter",
            "unknown names are reported before types"
        );
        assert!(err.message.contains("`Limt`"));
        let ok = typed(
            &RawParams::Json(json!({"Limit": 5, "InstanceId": null, "Region": "x"})),
            "A",
            SCHEMA,
        )
        .unwrap();
        assert_eq!(Value::Object(ok), json!({"Limit": 5}));
    }

    #[test]
    fn string_and_tag_arrays_from_json_and_forms() {
        const FLEET: Schema = &[
            ("InstanceIds", ParamType::StringArray),
            ("InstanceTags", ParamType::TagArray),
        ];
        let ok = typed(
            &form("InstanceIds.1=crs-b&InstanceIds.0=crs-a&InstanceTags.0.TagKey=env&InstanceTags.0.TagValue=prod&InstanceTags.1.TagValue=x&InstanceTags.1.TagKey=team"),
            "A",
            FLEET,
        )
        .unwrap();
        assert_eq!(
            Value::Object(ok),
            json!({"InstanceIds": ["crs-a", "crs-b"], "InstanceTags": [{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "team", "TagValue": "x"}]})
        );
        let err = typed(&form("InstanceTags.0.TagKey=env"), "A", FLEET).unwrap_err();
        assert!(err.message.contains("`InstanceTags`"), "{}", err.message);
        let err = typed(&form("InstanceTags.0.Key=env"), "A", FLEET).unwrap_err();
        assert!(
            err.message.contains("InstanceTags.0.TagKey"),
            "{}",
            err.message
        );
        let err = typed(
            &RawParams::Json(json!({"InstanceIds": ["crs-a", 7]})),
            "A",
            FLEET,
        )
        .unwrap_err();
        assert!(
            err.message.contains("holding the number 7"),
            "{}",
            err.message
        );
        let err = typed(
            &RawParams::Json(json!({"InstanceTags": [{"TagKey": "env"}]})),
            "A",
            FLEET,
        )
        .unwrap_err();
        assert_eq!(err.code, "InvalidParameter");
        assert!(err.message.contains("`InstanceTags`"), "{}", err.message);
    }

    #[test]
    fn form_arrays_scalars_and_common_keys() {
        let ok = typed(
            &form("Status.1=4&Status.0=2&Limit=10&InstanceId=crs%2D1+x&Action=Foo&Nonce=1"),
            "A",
            SCHEMA,
        )
        .unwrap();
        assert_eq!(
            Value::Object(ok),
            json!({"Limit": 10, "InstanceId": "crs-1 x", "Status": [2, 4]})
        );
        let err = typed(&form("Status=2"), "A", SCHEMA).unwrap_err();
        assert!(err.message.contains("Status.0=2"), "{}", err.message);
        let err = typed(&form("Limit=ten"), "A", SCHEMA).unwrap_err();
        assert!(
            err.message.contains("`Limit`") && err.message.contains("\"ten\""),
            "{}",
            err.message
        );
        assert_eq!(
            typed(&form("Other=1"), "A", SCHEMA).unwrap_err().code,
            "UnknownParameter"
        );
        assert_eq!(
            loose_view(&form("Limit=ten&Status.0=2"), SCHEMA, 20),
            (json!({"Limit": "ten", "Status": [2]}), None)
        );
    }

    #[test]
    fn integers_past_64_bits_get_one_error_however_they_are_spelled() {
        let json = |text: &str| RawParams::Json(serde_json::from_str(text).unwrap());
        for raw in [
            json(r#"{"Limit": 9223372036854775808}"#),
            json(r#"{"Limit": 18446744073709551616}"#),
            json(r#"{"Limit": -9223372036854775809}"#),
            json(r#"{"Limit": 99999999999999999999999}"#),
            json(r#"{"Status": [2, 18446744073709551615]}"#),
            form("Limit=9223372036854775808"),
            form("Limit=-99999999999999999999"),
            form("Status.0=18446744073709551616"),
        ] {
            let err = typed(&raw, "A", SCHEMA).unwrap_err();
            assert_eq!(err.code, "InvalidParameter", "{raw:?}");
            assert!(
                err.message.contains(
                    "outside the 64-bit integer range -9223372036854775808..=9223372036854775807"
                ),
                "{raw:?}: {}",
                err.message
            );
        }
        // The edge itself is an Integer (business rules judge it later); fractions and text
        // keep their own wording.
        assert!(typed(&json(r#"{"Limit": 9223372036854775807}"#), "A", SCHEMA).is_ok());
        assert!(typed(&form("Limit=-9223372036854775808"), "A", SCHEMA).is_ok());
        let err = typed(&json(r#"{"Limit": 1.5}"#), "A", SCHEMA).unwrap_err();
        assert!(
            err.message.ends_with("got the number 1.5."),
            "{}",
            err.message
        );
        let err = typed(&form("Limit=ten"), "A", SCHEMA).unwrap_err();
        assert!(err.message.ends_with("got \"ten\"."), "{}", err.message);
    }
}
