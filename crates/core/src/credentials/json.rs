//! Shared JSON extraction for the credential parsers: errors that name the field and position
//! but never quote a value (a value may be a secret).

use std::fmt;

use serde_json::{Map, Value};

/// A JSON document that does not have the expected shape. Never contains a value from the
/// document, only positions and field names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonError {
    /// Not valid JSON (or truncated).
    Syntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// The document (or the named object) is not a JSON object.
    NotAnObject {
        /// Dotted path of the value that should be an object (`""` for the document).
        path: String,
    },
    /// A field has the wrong JSON type.
    WrongType {
        /// Dotted path of the field.
        field: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// A required field is absent or empty.
    Missing {
        /// Dotted path of the field.
        field: String,
    },
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax { line, column } => {
                write!(f, "invalid JSON at line {line}, column {column}")
            }
            Self::NotAnObject { path } if path.is_empty() => {
                f.write_str("expected a JSON object at the top level")
            }
            Self::NotAnObject { path } => write!(f, "{path:?} must be a JSON object"),
            Self::WrongType { field, expected } => write!(f, "{field:?} must be {expected}"),
            Self::Missing { field } => write!(f, "{field:?} is missing or empty"),
        }
    }
}

impl std::error::Error for JsonError {}

pub(crate) fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, JsonError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(JsonError::NotAnObject {
            path: String::new(),
        }),
        Err(e) => Err(JsonError::Syntax {
            line: e.line(),
            column: e.column(),
        }),
    }
}

pub(crate) fn object<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a Map<String, Value>>, JsonError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(JsonError::NotAnObject {
            path: path.to_owned(),
        }),
    }
}

/// An optional string field; `null` and `""` count as absent.
pub(crate) fn opt_str(
    map: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<String>, JsonError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(JsonError::WrongType {
            field: path.to_owned(),
            expected: "a string",
        }),
    }
}

pub(crate) fn req_str(
    map: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<String, JsonError> {
    opt_str(map, key, path)?.ok_or_else(|| JsonError::Missing {
        field: path.to_owned(),
    })
}

/// A required integer; a string of digits is accepted too (some metadata services quote it).
pub(crate) fn req_i64(map: &Map<String, Value>, key: &str, path: &str) -> Result<i64, JsonError> {
    let wrong = || JsonError::WrongType {
        field: path.to_owned(),
        expected: "an integer",
    };
    match map.get(key) {
        None | Some(Value::Null) => Err(JsonError::Missing {
            field: path.to_owned(),
        }),
        Some(Value::Number(n)) => n.as_i64().ok_or_else(wrong),
        Some(Value::String(s)) => s.trim().parse().map_err(|_| wrong()),
        Some(_) => Err(wrong()),
    }
}
