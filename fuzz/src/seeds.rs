//! The seeds of the structured targets: real inputs (the official request samples D1/D2, the
//! TC3 and v1 signing vectors of `crates/core/tests/vectors/`, a few documented edge cases)
//! written in each target's own input format with [`Encoder`]. `fuzz/examples/make_seeds.rs`
//! writes them to `fuzz/seeds/<target>/<name>.bin` (and with `--check` verifies the committed
//! files), after checking that `arbitrary` decodes each back to the value encoded here.

use crate::inputs::{mock_handler, request_roundtrip, verify_tc3, verify_v1};
use crate::seed_encoding::Encoder;

/// The D1 request body as the Python SDK sends it (spec §1.3 D).
pub const D1_BODY: &str =
    r#"{"Limit": 20, "Offset": 0, "InstanceId": "crs-5a4py64p", "Status": [2, 4]}"#;
/// The D2 GET query (spec §1.3 D).
pub const D2_QUERY: &str = "Limit=20&Offset=0&InstanceId=crs-5a4py64p&Status.0=2&Status.1=4";
/// The timestamp of the D vectors (2019-02-25 in UTC, 2019-02-26 in Beijing).
pub const D_TIMESTAMP: u32 = 1_551_113_065;

/// One seed: the target, a file stem, the value, and its encoding.
#[derive(Debug)]
pub struct SeedFile {
    /// The fuzz target.
    pub target: &'static str,
    /// The file stem (`<name>.bin`).
    pub name: &'static str,
    /// The value, `{:?}`-formatted (what decoding the bytes must give).
    pub debug: String,
    /// The bytes in the target's input format.
    pub bytes: Vec<u8>,
}

fn time(e: &mut Encoder, t: &request_roundtrip::Time) {
    use request_roundtrip::Time;
    match t {
        Time::Instant(u) => e.variant(0, 3).u32(*u),
        Time::NearNow(d) => e.variant(1, 3).i32(*d),
        Time::Text(s) => e.variant(2, 3).string(s),
    };
}

/// `request_roundtrip::Input` in its format (top level: `get` is the last field).
pub fn encode_request(x: &request_roundtrip::Input) -> Vec<u8> {
    let mut e = Encoder::new();
    e.option(x.limit.as_ref(), |e, v| {
        e.i64(*v);
    });
    e.option(x.small_limit.as_ref(), |e, v| {
        e.u8(*v);
    });
    e.option(x.offset.as_ref(), |e, v| {
        e.i64(*v);
    });
    e.option(x.instance_id.as_ref(), |e, v| {
        e.string(v);
    });
    e.option(x.instance_name.as_ref(), |e, v| {
        e.string(v);
    });
    e.option(x.begin.as_ref(), time);
    e.option(x.end.as_ref(), time);
    e.option(x.status.as_ref(), |e, v| {
        e.vec(v, |e, s| {
            e.i8(*s);
        });
    });
    e.bool(x.get);
    e.finish()
}

/// `verify_tc3::Input` in its format (the mutation is decoded last, its last field takes the rest).
pub fn encode_tc3(x: &verify_tc3::Input) -> Vec<u8> {
    use verify_tc3::Mutation as M;
    let mut e = Encoder::new();
    e.u8(x.host_label);
    e.option(x.port.as_ref(), |e, p| {
        e.u16(*p);
    });
    e.bytes(&x.body)
        .string(&x.query)
        .bool(x.get)
        .u32(x.timestamp)
        .bool(x.with_token)
        .bool(x.unsigned_payload);
    const N: u32 = 13;
    match &x.mutation {
        M::None => e.variant(0, N),
        M::BodyByte { index, xor } => e.variant(1, N).u16(*index).u8(*xor),
        M::QueryAppend(b) => e.variant(2, N).u8(*b),
        M::Timestamp(d) => e.variant(3, N).i32(*d),
        M::Host(s) => e.variant(4, N).string_rest(s),
        M::SignatureHex { index } => e.variant(5, N).u8(*index),
        M::SecretId(s) => e.variant(6, N).string_rest(s),
        M::Token(s) => e.variant(7, N).string_rest(s),
        M::ContentType(s) => e.variant(8, N).string_rest(s),
        M::DropHeader(i) => e.variant(9, N).u8(*i),
        M::UnsignedHeader(s) => e.variant(10, N).string_rest(s),
        M::Authorization(s) => e.variant(11, N).string_rest(s),
        M::Now(d) => e.variant(12, N).i32(*d),
    };
    e.finish()
}

/// `verify_v1::Input` in its format.
pub fn encode_v1(x: &verify_v1::Input) -> Vec<u8> {
    use verify_v1::Mutation as M;
    let mut e = Encoder::new();
    e.vec(&x.params, |e, (k, v)| {
        e.string(k).string(v);
    });
    e.bool(x.get)
        .bool(x.sha256)
        .u64(x.nonce)
        .u32(x.timestamp)
        .bool(x.with_token);
    match &x.mutation {
        M::None => e.variant(0, 5),
        M::RawByte { index, xor } => e.variant(1, 5).u16(*index).u8(*xor),
        M::Host(s) => e.variant(2, 5).string_rest(s),
        M::Method => e.variant(3, 5),
        M::Now(d) => e.variant(4, 5).i32(*d),
    };
    e.finish()
}

fn headers(e: &mut Encoder, headers: &[(String, Vec<u8>)]) {
    e.vec(headers, |e, (name, value)| {
        e.string(name).bytes(value);
    });
}

/// `mock_handler::Input` in its format (the variant's last field takes the rest).
pub fn encode_mock(x: &mock_handler::Input) -> Vec<u8> {
    use mock_handler::Input as I;
    let mut e = Encoder::new();
    match x {
        I::Raw(raw) => {
            e.variant(0, 3).u8(raw.method).string(&raw.path_and_query);
            headers(&mut e, &raw.headers);
            // The last field, taken with `arbitrary_take_rest_iter`: the same element format.
            e.bytes(&raw.body);
        }
        I::Signed(s) => {
            e.variant(1, 3).bytes(&s.body);
            e.option(s.query.as_ref(), |e, q| {
                e.string(q);
            });
            e.u8(s.action).u8(s.version);
            e.option(s.region.as_ref(), |e, r| {
                e.u8(*r);
            });
            headers(&mut e, &s.extra_headers);
            e.i16(s.skew);
        }
        I::Admin { post, path, body } => {
            e.variant(2, 3).bool(*post).u8(*path).bytes(body);
        }
    }
    e.finish()
}

fn seed(target: &'static str, name: &'static str, debug: String, bytes: Vec<u8>) -> SeedFile {
    SeedFile {
        target,
        name,
        debug,
        bytes,
    }
}

/// The real inputs of `request_roundtrip`.
pub fn request_roundtrip_inputs() -> Vec<(&'static str, request_roundtrip::Input)> {
    use request_roundtrip::{Input, Time};
    let d1 = Input {
        limit: Some(20),
        small_limit: None,
        offset: Some(0),
        instance_id: Some("crs-5a4py64p".to_owned()),
        instance_name: None,
        begin: None,
        end: None,
        status: Some(vec![2, 4]),
        get: false,
    };
    vec![
        ("d1-post-unknown-instance", d1.clone()),
        (
            "d1-post-demo-instance",
            Input {
                instance_id: Some("crs-demo0001".to_owned()),
                ..d1.clone()
            },
        ),
        (
            "d2-get-demo-instance",
            Input {
                instance_id: Some("crs-demo0002".to_owned()),
                get: true,
                ..d1.clone()
            },
        ),
        (
            "window-exactly-30-days",
            Input {
                limit: Some(100),
                begin: Some(Time::NearNow(-30 * 86_400)),
                end: Some(Time::NearNow(0)),
                status: None,
                ..d1.clone()
            },
        ),
        (
            "window-30-days-and-1-second",
            Input {
                begin: Some(Time::NearNow(-30 * 86_400 - 1)),
                end: Some(Time::NearNow(0)),
                ..d1.clone()
            },
        ),
        (
            "begin-after-end-non-ascii-name",
            Input {
                limit: None,
                offset: None,
                small_limit: Some(100),
                instance_id: None,
                instance_name: Some("测试 <a&b>".to_owned()),
                begin: Some(Time::Text("2026-11-20 00:00:00".to_owned())),
                end: Some(Time::Text("2026-11-19 00:00:00".to_owned())),
                status: Some(vec![-1, -2, 1, 3]),
                get: true,
            },
        ),
    ]
}

/// The real inputs of `verify_tc3` (the redis signing vectors and documented edge cases).
pub fn verify_tc3_inputs() -> Vec<(&'static str, verify_tc3::Input)> {
    use verify_tc3::{Input, Mutation};
    let d1 = Input {
        host_label: 0,
        port: None,
        body: D1_BODY.as_bytes().to_vec(),
        query: String::new(),
        get: false,
        timestamp: D_TIMESTAMP,
        with_token: false,
        unsigned_payload: false,
        mutation: Mutation::None,
    };
    vec![
        ("redis-d1", d1.clone()),
        (
            "redis-d2-get",
            Input {
                body: Vec::new(),
                query: D2_QUERY.to_owned(),
                get: true,
                ..d1.clone()
            },
        ),
        (
            "redis-d3-empty",
            Input {
                body: b"{}".to_vec(),
                ..d1.clone()
            },
        ),
        (
            "redis-unsigned-payload",
            Input {
                unsigned_payload: true,
                ..d1.clone()
            },
        ),
        (
            "loopback-port-token",
            Input {
                host_label: 1,
                port: Some(8080),
                with_token: true,
                ..d1.clone()
            },
        ),
        (
            "clock-301-seconds-ahead",
            Input {
                mutation: Mutation::Now(301),
                ..d1.clone()
            },
        ),
        (
            "other-region-host",
            Input {
                mutation: Mutation::Host("redis.ap-guangzhou.tencentcloudapi.com".to_owned()),
                ..d1
            },
        ),
    ]
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The real inputs of `verify_v1` (the v1 vectors' action parameters).
pub fn verify_v1_inputs() -> Vec<(&'static str, verify_v1::Input)> {
    use verify_v1::{Input, Mutation};
    let redis = Input {
        params: pairs(&[
            ("Limit", "20"),
            ("Offset", "0"),
            ("InstanceId", "crs-5a4py64p"),
            ("Status.0", "2"),
            ("Status.1", "4"),
            ("InstanceName", "测试 <a&b>"),
        ]),
        get: false,
        sha256: true,
        nonce: 11_886,
        timestamp: D_TIMESTAMP,
        with_token: false,
        mutation: Mutation::None,
    };
    let doc = Input {
        params: pairs(&[
            ("InstanceIds.0", "ins-09dx96dg"),
            ("Limit", "20"),
            ("Offset", "0"),
        ]),
        get: true,
        sha256: false,
        nonce: 11_886,
        timestamp: 1_465_185_768,
        with_token: false,
        mutation: Mutation::None,
    };
    vec![
        ("redis-post-hmacsha256", redis.clone()),
        (
            "doc-get-hmacsha256",
            Input {
                sha256: true,
                ..doc.clone()
            },
        ),
        ("doc-get-hmacsha1", doc.clone()),
        (
            "redis-token-method-changed",
            Input {
                with_token: true,
                mutation: Mutation::Method,
                ..redis
            },
        ),
        (
            "doc-plus-sign-byte",
            Input {
                mutation: Mutation::RawByte { index: 7, xor: 1 },
                ..doc
            },
        ),
    ]
}

/// The real inputs of `mock_handler`.
pub fn mock_handler_inputs() -> Vec<(&'static str, mock_handler::Input)> {
    use mock_handler::{Input, Raw, Signed};
    let d1 = Signed {
        body: D1_BODY.as_bytes().to_vec(),
        query: None,
        action: 0,
        version: 0,
        region: Some(0),
        extra_headers: Vec::new(),
        skew: 0,
    };
    vec![
        ("signed-d1", Input::Signed(d1.clone())),
        (
            "signed-d2-get",
            Input::Signed(Signed {
                body: Vec::new(),
                query: Some(D2_QUERY.to_owned()),
                ..d1.clone()
            }),
        ),
        (
            "signed-assume-role",
            Input::Signed(Signed {
                body: br#"{"RoleArn": "qcs::cam::uin/100000000001:roleName/tcredis", "RoleSessionName": "fuzz"}"#
                    .to_vec(),
                action: 1,
                version: 1,
                region: None,
                ..d1.clone()
            }),
        ),
        (
            "signed-d1-skewed-with-token-header",
            Input::Signed(Signed {
                extra_headers: vec![("X-TC-Token".to_owned(), b"not-the-token".to_vec())],
                skew: 301,
                ..d1
            }),
        ),
        (
            "raw-unsigned-post",
            Input::Raw(Raw {
                method: 1,
                path_and_query: "/".to_owned(),
                headers: vec![
                    ("Content-Type".to_owned(), b"application/json".to_vec()),
                    ("X-TC-Action".to_owned(), b"DescribeInstanceBackups".to_vec()),
                    ("X-TC-Version".to_owned(), b"2018-04-12".to_vec()),
                    ("X-TC-Timestamp".to_owned(), b"1700000000".to_vec()),
                ],
                body: D1_BODY.as_bytes().to_vec(),
            }),
        ),
        (
            "admin-journal",
            Input::Admin {
                post: false,
                path: 0,
                body: Vec::new(),
            },
        ),
    ]
}

/// Every seed of every structured target.
pub fn all() -> Vec<SeedFile> {
    let mut out = Vec::new();
    for (name, x) in request_roundtrip_inputs() {
        out.push(seed(
            "request_roundtrip",
            name,
            format!("{x:?}"),
            encode_request(&x),
        ));
    }
    for (name, x) in verify_tc3_inputs() {
        out.push(seed("verify_tc3", name, format!("{x:?}"), encode_tc3(&x)));
    }
    for (name, x) in verify_v1_inputs() {
        out.push(seed("verify_v1", name, format!("{x:?}"), encode_v1(&x)));
    }
    for (name, x) in mock_handler_inputs() {
        out.push(seed(
            "mock_handler",
            name,
            format!("{x:?}"),
            encode_mock(&x),
        ));
    }
    out
}
