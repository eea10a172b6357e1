//! The input types of the structured (`Arbitrary`) fuzz targets. Field order is the byte
//! format: [`crate::seeds`] encodes real inputs field by field in this order, and the seed
//! generator checks that `arbitrary` decodes each seed back to the same value.

use arbitrary::Arbitrary;

/// `request_roundtrip`: a structured `DescribeInstanceBackups` request.
pub mod request_roundtrip {
    use super::Arbitrary;

    /// A time parameter.
    #[derive(Debug, Clone, Arbitrary)]
    pub enum Time {
        /// A well-formed Beijing time for this Unix instant (within years 1970..2100).
        Instant(u32),
        /// Near the target's NOW, seconds apart: reaches the 30-day edge often.
        NearNow(i32),
        /// Free text.
        Text(String),
    }

    /// The request's fields.
    #[derive(Debug, Clone, Arbitrary)]
    pub struct Input {
        pub limit: Option<i64>,
        pub small_limit: Option<u8>,
        pub offset: Option<i64>,
        pub instance_id: Option<String>,
        pub instance_name: Option<String>,
        pub begin: Option<Time>,
        pub end: Option<Time>,
        pub status: Option<Vec<i8>>,
        pub get: bool,
    }
}

/// `verify_tc3`: a TC3 request to sign, and one mutation of what is received.
pub mod verify_tc3 {
    use super::Arbitrary;

    /// What to change after signing.
    #[derive(Debug, Clone, Arbitrary)]
    pub enum Mutation {
        None,
        BodyByte { index: u16, xor: u8 },
        QueryAppend(u8),
        Timestamp(i32),
        Host(String),
        SignatureHex { index: u8 },
        SecretId(String),
        Token(String),
        ContentType(String),
        DropHeader(u8),
        UnsignedHeader(String),
        Authorization(String),
        Now(i32),
    }

    /// The request.
    #[derive(Debug, Clone, Arbitrary)]
    pub struct Input {
        pub host_label: u8,
        pub port: Option<u16>,
        pub body: Vec<u8>,
        pub query: String,
        pub get: bool,
        pub timestamp: u32,
        pub with_token: bool,
        pub unsigned_payload: bool,
        pub mutation: Mutation,
    }
}

/// `verify_v1`: a legacy v1 request to sign, and one mutation.
pub mod verify_v1 {
    use super::Arbitrary;

    /// What to change after signing.
    #[derive(Debug, Clone, Arbitrary)]
    pub enum Mutation {
        None,
        RawByte { index: u16, xor: u8 },
        Host(String),
        Method,
        Now(i32),
    }

    /// The request.
    #[derive(Debug, Clone, Arbitrary)]
    pub struct Input {
        pub params: Vec<(String, String)>,
        pub get: bool,
        pub sha256: bool,
        pub nonce: u64,
        pub timestamp: u32,
        pub with_token: bool,
        pub mutation: Mutation,
    }
}

/// `mock_handler`: a raw, a validly signed, or an admin request to the mock's handler.
pub mod mock_handler {
    use super::Arbitrary;

    /// Any request.
    #[derive(Debug, Clone, Arbitrary)]
    pub struct Raw {
        pub method: u8,
        pub path_and_query: String,
        pub headers: Vec<(String, Vec<u8>)>,
        pub body: Vec<u8>,
    }

    /// A request TC3-signed with the demo pair.
    #[derive(Debug, Clone, Arbitrary)]
    pub struct Signed {
        pub body: Vec<u8>,
        pub query: Option<String>,
        pub action: u8,
        pub version: u8,
        pub region: Option<u8>,
        pub extra_headers: Vec<(String, Vec<u8>)>,
        pub skew: i16,
    }

    /// One of the three.
    #[derive(Debug, Clone, Arbitrary)]
    pub enum Input {
        Raw(Raw),
        Signed(Signed),
        Admin { post: bool, path: u8, body: Vec<u8> },
    }
}
