//! The one field table of a backup (`RedisBackupSet`). Everything that exists once per field is
//! generated from it: the owned [`RedisBackupSet`], the borrowing [`BackupView`], the field
//! list [`FIELD_NAMES`] (model order, the CSV header), the [`Field`] enum with its key
//! dispatch ([`Field::from_name`]), per-field access ([`RedisBackupSet::get`]), the serializer
//! and the per-key read both deserializers share.
//!
//! Adding a field of the API model is one line of the table at the end of this file.

use std::borrow::Cow;
use std::fmt;

use serde::de::{IgnoredAny, MapAccess};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::kinds::{BackupStatus, BackupType};
use super::strings::OptCow;

/// What a field holds on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldKind {
    /// A JSON string.
    Text,
    /// A JSON integer that fits an `i64`.
    Integer,
    /// `true` or `false`.
    Boolean,
}

impl FieldKind {
    /// What a value of this kind is, for messages: `a string`, `an integer` or `a boolean`.
    pub fn expected(self) -> &'static str {
        match self {
            FieldKind::Text => "a string",
            FieldKind::Integer => "an integer",
            FieldKind::Boolean => "a boolean",
        }
    }
}

/// One field's value, borrowed from an item ([`RedisBackupSet::get`], [`BackupView::get`]).
///
/// `Display` writes a string as it is and a number or boolean as JSON spells it:
///
/// ```
/// use tcredis_core::response::{Backup, Field};
/// let backup = Backup::from_json(r#"{"BackupId":"b-1","Status":-1,"Encrypted":false}"#)?;
/// let cell = |f: Field| backup.get(f).map(|v| v.to_string()).unwrap_or_default();
/// assert_eq!(cell(Field::BackupId), "b-1");
/// assert_eq!(cell(Field::Status), "-1");
/// assert_eq!(cell(Field::Encrypted), "false");
/// assert_eq!(cell(Field::Remark), ""); // absent
/// # Ok::<(), tcredis_core::error::MalformedResponse>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldValue<'v> {
    /// A string field.
    Text(&'v str),
    /// An integer field.
    Integer(i64),
    /// A boolean field.
    Boolean(bool),
}

impl fmt::Display for FieldValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Text(text) => f.write_str(text),
            FieldValue::Integer(n) => write!(f, "{n}"),
            FieldValue::Boolean(b) => write!(f, "{b}"),
        }
    }
}

/// Reads one entry of an object into an item: the per-key step of the one map visitor
/// (`de.rs`) that both [`RedisBackupSet`] and [`BackupView`] deserialize with.
pub(super) trait ReadField<'de> {
    /// Reads the next map value into the field `key` names (`null` is `None`; a wrong type is
    /// an error); the value of a key the model does not know is skipped. The key is matched
    /// directly, as [`Field::from_name`] does, without going through a [`Field`].
    fn read_entry<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

/// The owned Rust type of a kind.
macro_rules! owned_type {
    (Text) => {
        String
    };
    (Integer) => {
        i64
    };
    (Boolean) => {
        bool
    };
}

/// The borrowing Rust type of a kind.
macro_rules! view_type {
    ($a:lifetime, Text) => { Cow<$a, str> };
    ($a:lifetime, Integer) => { i64 };
    ($a:lifetime, Boolean) => { bool };
}

/// A slot (`Option<String>`, `Option<Cow<str>>`, `Option<i64>`, `Option<bool>`) as a value.
macro_rules! field_value {
    (Text, $slot:expr) => {
        $slot.as_deref().map(FieldValue::Text)
    };
    (Integer, $slot:expr) => {
        $slot.map(FieldValue::Integer)
    };
    (Boolean, $slot:expr) => {
        $slot.map(FieldValue::Boolean)
    };
}

/// A borrowing slot made owned.
macro_rules! owned_value {
    (Text, $slot:expr) => {
        $slot.as_deref().map(str::to_owned)
    };
    ($kind:ident, $slot:expr) => {
        $slot
    };
}

/// Reads a borrowing slot: strings through `OptCow`, which really borrows (serde's own
/// `Option<Cow<str>>` always copies).
macro_rules! read_view_value {
    (Text, $map:ident, $de:lifetime) => {
        $map.next_value::<OptCow<$de>>()?.0
    };
    ($kind:ident, $map:ident, $de:lifetime) => {
        $map.next_value()?
    };
}

/// The named views of `BackupType` and `Status`, for both item types.
macro_rules! kind_accessors {
    ($($item:ident $(<$a:lifetime>)?),*) => {$(
        impl $(<$a>)? $item $(<$a>)? {
            /// `BackupType` as an enum.
            pub fn parsed_backup_type(&self) -> Option<BackupType> {
                self.backup_type.as_deref().map(BackupType::from_wire)
            }
            /// `Status` as an enum.
            pub fn parsed_status(&self) -> Option<BackupStatus> {
                self.status.map(BackupStatus::from_code)
            }
            /// Whether this is a usable backup (Status 2, 3 or 4).
            pub fn is_good(&self) -> bool {
                self.parsed_status().is_some_and(BackupStatus::is_good)
            }
        }
    )*};
}

/// The table's expansion: see the module documentation.
macro_rules! backup_fields {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $field:ident: $kind:ident,
    )*) => {
        /// One backup, as `RedisBackupSet` in the API model. Every field is optional because
        /// the model grew from 6 to 16 fields over the years and older servers or samples omit
        /// some; `null` is read as absent and unknown fields are ignored (they stay in
        /// [`Backup::raw_json`](super::Backup::raw_json)). Serializes in model order, absent
        /// fields omitted.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct RedisBackupSet {
            $( $(#[doc = $doc])* pub $field: Option<owned_type!($kind)>, )*
        }

        /// One backup borrowed from the response body. A string is borrowed unless it contains
        /// JSON escapes (`\n`, `\u6d4b`, ...), in which case it is unescaped into an owned copy.
        /// Parsing follows [`RedisBackupSet`]'s rules (missing and `null` are `None`, unknown
        /// fields skipped, a repeated key keeps its last value).
        #[derive(Debug, Clone, Default)]
        #[non_exhaustive]
        pub struct BackupView<'a> {
            /// The item's raw JSON as received (always set by
            /// [`parse_response_borrowed`](super::parse_response_borrowed)).
            pub(super) raw: Option<&'a str>,
            $( $(#[doc = $doc])* pub $field: Option<view_type!('a, $kind)>, )*
        }

        /// A `RedisBackupSet` field, in model order.
        ///
        /// ```
        /// use tcredis_core::response::{Field, FieldKind, FIELD_NAMES};
        /// assert_eq!(Field::from_name("BackupSize"), Some(Field::BackupSize));
        /// assert_eq!(Field::BackupSize.kind(), FieldKind::Integer);
        /// assert_eq!(Field::from_name("backupsize"), None); // names are case-sensitive
        /// assert_eq!(Field::ALL.map(Field::name), FIELD_NAMES);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Field {
            $( $(#[doc = $doc])* $variant, )*
        }

        /// Each field name's length, for the length-first key matches.
        #[allow(non_upper_case_globals)]
        mod name_len {
            $( pub(super) const $variant: usize = stringify!($variant).len(); )*
        }

        /// The `RedisBackupSet` field names in model order (the CSV/TSV header).
        pub const FIELD_NAMES: [&str; Field::COUNT] = [$(stringify!($variant)),*];

        impl Field {
            /// How many fields the model has.
            pub const COUNT: usize = [$(stringify!($variant)),*].len();
            /// Every field, in model order.
            pub const ALL: [Field; Field::COUNT] = [$(Field::$variant),*];

            /// The API's name of the field (`StartTime`, ...).
            pub fn name(self) -> &'static str {
                match self {
                    $( Field::$variant => stringify!($variant), )*
                }
            }

            /// What the field holds on the wire.
            pub fn kind(self) -> FieldKind {
                match self {
                    $( Field::$variant => FieldKind::$kind, )*
                }
            }

            /// The field an object key names (exact, case-sensitive), or `None` for a key the
            /// model does not know. Dispatches on the key's length first: this runs for every
            /// key of every item parsed.
            #[inline]
            pub fn from_name(name: &str) -> Option<Field> {
                match (name.len(), name) {
                    $( (name_len::$variant, stringify!($variant)) => Some(Field::$variant), )*
                    _ => None,
                }
            }
        }

        impl RedisBackupSet {
            /// One field's value; `None` when it is absent.
            pub fn get(&self, field: Field) -> Option<FieldValue<'_>> {
                match field {
                    $( Field::$variant => field_value!($kind, self.$field), )*
                }
            }
        }

        impl BackupView<'_> {
            /// One field's value; `None` when it is absent.
            pub fn get(&self, field: Field) -> Option<FieldValue<'_>> {
                match field {
                    $( Field::$variant => field_value!($kind, self.$field), )*
                }
            }

            /// The same fields, owned.
            pub(super) fn to_fields(&self) -> RedisBackupSet {
                RedisBackupSet {
                    $( $field: owned_value!($kind, self.$field), )*
                }
            }
        }

        impl Serialize for RedisBackupSet {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let present = 0 $( + usize::from(self.$field.is_some()) )*;
                let mut s = serializer.serialize_struct("RedisBackupSet", present)?;
                $(
                    match &self.$field {
                        Some(value) => s.serialize_field(stringify!($variant), value)?,
                        None => s.skip_field(stringify!($variant))?,
                    }
                )*
                s.end()
            }
        }

        impl<'de> ReadField<'de> for RedisBackupSet {
            #[inline]
            fn read_entry<A: MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match (key.len(), key) {
                    $( (name_len::$variant, stringify!($variant)) => {
                        self.$field = map.next_value()?;
                    } )*
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(())
            }
        }

        impl<'de> ReadField<'de> for BackupView<'de> {
            #[inline]
            fn read_entry<A: MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match (key.len(), key) {
                    $( (name_len::$variant, stringify!($variant)) => {
                        self.$field = read_view_value!($kind, map, 'de);
                    } )*
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(())
            }
        }
    };
}

backup_fields! {
    /// Backup start time, `YYYY-MM-DD HH:MM:SS` Beijing time.
    StartTime start_time: Text,
    /// Backup ID (its format varies).
    BackupId backup_id: Text,
    /// Backup type as the wire string: "0" manual, "1" automatic, "2" spec change, legacy
    /// names. See [`RedisBackupSet::parsed_backup_type`].
    BackupType backup_type: Text,
    /// Backup status (1 locked by another process, 2 normal, 3 exporting, 4 exported,
    /// -1 expired, -2 deleted). See [`RedisBackupSet::parsed_status`].
    Status status: Integer,
    /// Remark, may be empty.
    Remark remark: Text,
    /// 0 not locked, 1 locked.
    Locked locked: Integer,
    /// Backup size in bytes (may exceed 2^32).
    BackupSize backup_size: Integer,
    /// Internal field: 0 full, 1 incremental.
    FullBackup full_backup: Integer,
    /// Internal field: instance type code.
    InstanceType instance_type: Integer,
    /// Instance ID.
    InstanceId instance_id: Text,
    /// Instance name.
    InstanceName instance_name: Text,
    /// Region of the local backup, e.g. `ap-guangzhou`.
    Region region: Text,
    /// Backup end time.
    EndTime end_time: Text,
    /// Backup file type, e.g. `RDB-Redis 6.2`.
    FileType file_type: Text,
    /// Expiry time of the backup file.
    ExpireTime expire_time: Text,
    /// Whether the backup file is encrypted (new field, may be absent).
    Encrypted encrypted: Boolean,
}

kind_accessors!(RedisBackupSet, BackupView<'a>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_api_model_in_order() {
        assert_eq!(
            FIELD_NAMES,
            [
                "StartTime",
                "BackupId",
                "BackupType",
                "Status",
                "Remark",
                "Locked",
                "BackupSize",
                "FullBackup",
                "InstanceType",
                "InstanceId",
                "InstanceName",
                "Region",
                "EndTime",
                "FileType",
                "ExpireTime",
                "Encrypted",
            ]
        );
        for field in Field::ALL {
            assert_eq!(Field::from_name(field.name()), Some(field));
        }
        for unknown in [
            "",
            "Status ",
            "status",
            "BackupSet",
            "StartTimes",
            "NewField",
        ] {
            assert_eq!(Field::from_name(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn serializes_in_model_order_without_absent_fields() {
        let mut set = RedisBackupSet {
            encrypted: Some(true),
            backup_id: Some("b".into()),
            status: Some(-2),
            ..RedisBackupSet::default()
        };
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"{"BackupId":"b","Status":-2,"Encrypted":true}"#
        );
        set = RedisBackupSet::default();
        assert_eq!(serde_json::to_string(&set).unwrap(), "{}");
    }

    #[test]
    fn get_and_to_fields_agree_with_the_slots() {
        let view = BackupView {
            raw: None,
            remark: Some(Cow::Borrowed("r")),
            backup_size: Some(3_221_225_472),
            encrypted: Some(false),
            ..BackupView::default()
        };
        let owned = view.to_fields();
        for field in Field::ALL {
            assert_eq!(view.get(field), owned.get(field), "{field:?}");
        }
        assert_eq!(owned.get(Field::Remark), Some(FieldValue::Text("r")));
        assert_eq!(owned.get(Field::StartTime), None);
        assert_eq!(
            owned.get(Field::BackupSize).unwrap().to_string(),
            "3221225472"
        );
    }
}
