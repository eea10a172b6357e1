//! Authentication: parsing the TC3 `Authorization` header and the v1 signature parameters, and
//! verifying signatures from the raw request parts (any SignedHeaders list, the raw Host, the raw
//! body bytes or UNSIGNED-PAYLOAD, the raw GET query), with loopback leniency variants.
//!
//! Adapter note: the verification primitives live here until `tcredis_core::sign::verify`
//! is available to this crate; the algorithm is the one documented in
//! `spec/tencentcloud-api3-protocol.md` §1–2.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::failure::Failure;

type HmacSha256 = Hmac<Sha256>;
type HmacSha1 = Hmac<sha1::Sha1>;

/// A parsed `TC3-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tc3Authorization {
    pub(crate) secret_id: String,
    pub(crate) date: String,
    pub(crate) service: String,
    pub(crate) signed_headers: Vec<String>,
    pub(crate) signature: String,
}

fn invalid(message: impl Into<String>) -> Failure {
    Failure::new("AuthFailure.InvalidAuthorization", message)
}

/// Parses the Authorization header value.
pub(crate) fn parse_tc3(value: &str) -> Result<Tc3Authorization, Failure> {
    const SHAPE: &str = "expected `TC3-HMAC-SHA256 Credential=<SecretId>/<YYYY-MM-DD>/<service>/tc3_request, SignedHeaders=<h1;h2>, Signature=<hex>`";
    let Some(rest) = value.strip_prefix("TC3-HMAC-SHA256 ") else {
        let algorithm = value.split(' ').next().unwrap_or("");
        return Err(invalid(format!(
            "The Authorization algorithm {algorithm:?} is not supported; {SHAPE}."
        )));
    };
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        let Some((key, val)) = part.split_once('=') else {
            return Err(invalid(format!(
                "The Authorization part {part:?} is not key=value; {SHAPE}."
            )));
        };
        match key {
            "Credential" => credential = Some(val),
            "SignedHeaders" => signed = Some(val),
            "Signature" => signature = Some(val),
            other => {
                return Err(invalid(format!(
                    "The Authorization part {other:?} is unknown; {SHAPE}."
                )));
            }
        }
    }
    let (Some(credential), Some(signed), Some(signature)) = (credential, signed, signature) else {
        return Err(invalid(format!(
            "The Authorization header lacks Credential, SignedHeaders or Signature; {SHAPE}."
        )));
    };
    let pieces: Vec<&str> = credential.split('/').collect();
    let [secret_id, date, service, "tc3_request"] = pieces.as_slice() else {
        return Err(invalid(format!(
            "The Credential {credential:?} is not <SecretId>/<date>/<service>/tc3_request."
        )));
    };
    if secret_id.is_empty() || service.is_empty() || date.len() != 10 {
        return Err(invalid(format!(
            "The Credential {credential:?} is not <SecretId>/<YYYY-MM-DD>/<service>/tc3_request."
        )));
    }
    let signed_headers: Vec<String> = signed.split(';').map(str::to_owned).collect();
    if signed_headers
        .iter()
        .any(|h| h.is_empty() || h.bytes().any(|b| b.is_ascii_uppercase() || b == b' '))
    {
        return Err(invalid(format!(
            "SignedHeaders {signed:?} must be lower-case header names joined by `;`."
        )));
    }
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(
            "The Signature must be 64 hex digits (lower-case hex of HMAC-SHA256).",
        ));
    }
    Ok(Tc3Authorization {
        secret_id: (*secret_id).to_owned(),
        date: (*date).to_owned(),
        service: (*service).to_owned(),
        signed_headers,
        signature: signature.to_ascii_lowercase(),
    })
}

fn hmac256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

/// SHA-256 of the payload as TC3 hashes it.
pub(crate) fn payload_hash(body: &[u8], unsigned_payload: bool) -> String {
    if unsigned_payload {
        hex(&Sha256::digest(b"UNSIGNED-PAYLOAD"))
    } else {
        hex(&Sha256::digest(body))
    }
}

/// What a TC3 signature is computed over, from the raw request.
#[derive(Debug)]
pub(crate) struct Tc3Input<'a> {
    pub(crate) method: &'a str,
    pub(crate) query: &'a str,
    /// `(lower-case name, value)` for every signed header, `host` included.
    pub(crate) headers: Vec<(&'a str, String)>,
    pub(crate) payload_hash: &'a str,
    pub(crate) timestamp: &'a str,
}

/// Recomputes the signature for `auth` over `input` with `secret_key` and compares in constant
/// time. `service` overrides the scope's service (leniency), `host` the signed host value.
pub(crate) fn verify_tc3(
    auth: &Tc3Authorization,
    input: &Tc3Input<'_>,
    secret_key: &str,
    host: Option<&str>,
) -> bool {
    let mut canonical_headers = String::new();
    for (name, value) in &input.headers {
        let value = if *name == "host" {
            host.map_or_else(|| value.clone(), str::to_owned)
        } else {
            value.clone()
        };
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(&value.trim().to_lowercase());
        canonical_headers.push('\n');
    }
    let canonical = format!(
        "{}\n/\n{}\n{}\n{}\n{}",
        input.method,
        input.query,
        canonical_headers,
        auth.signed_headers.join(";"),
        input.payload_hash
    );
    let scope = format!("{}/{}/tc3_request", auth.date, auth.service);
    let string_to_sign = format!(
        "TC3-HMAC-SHA256\n{}\n{}\n{}",
        input.timestamp,
        scope,
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let secret_date = hmac256(format!("TC3{secret_key}").as_bytes(), auth.date.as_bytes());
    let secret_service = hmac256(&secret_date, auth.service.as_bytes());
    let secret_signing = hmac256(&secret_service, b"tc3_request");
    let expected = hex(&hmac256(&secret_signing, string_to_sign.as_bytes()));
    expected.as_bytes().ct_eq(auth.signature.as_bytes()).into()
}

/// Verifies a v1 signature: `METHOD + host + "/?" + sorted raw k=v joined by &`, Base64 HMAC
/// (SHA-256 only for exactly `HmacSHA256`, else SHA-1).
pub(crate) fn verify_v1(
    method: &str,
    host: &str,
    params: &[(String, String)],
    secret_key: &str,
    signature: &str,
) -> bool {
    let mut sorted: Vec<&(String, String)> =
        params.iter().filter(|(k, _)| k != "Signature").collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let joined: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let string_to_sign = format!("{method}{host}/?{}", joined.join("&"));
    let sha256 = params
        .iter()
        .any(|(k, v)| k == "SignatureMethod" && v == "HmacSHA256");
    let digest: Vec<u8> = if sha256 {
        hmac256(secret_key.as_bytes(), string_to_sign.as_bytes()).to_vec()
    } else {
        let mut mac =
            HmacSha1::new_from_slice(secret_key.as_bytes()).expect("HMAC accepts any key length");
        mac.update(string_to_sign.as_bytes());
        mac.finalize().into_bytes().to_vec()
    };
    let expected = base64::engine::general_purpose::STANDARD.encode(digest);
    expected.as_bytes().ct_eq(signature.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_tc3_example_b_verifies() {
        let auth = parse_tc3("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168").unwrap();
        let body = br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
        let hash = payload_hash(body, false);
        let input = Tc3Input {
            method: "POST",
            query: "",
            headers: vec![
                ("content-type", "application/json; charset=utf-8".into()),
                ("host", "cvm.tencentcloudapi.com".into()),
            ],
            payload_hash: &hash,
            timestamp: "1551113065",
        };
        assert!(verify_tc3(
            &auth,
            &input,
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            None
        ));
        assert!(!verify_tc3(
            &auth,
            &input,
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLf",
            None
        ));
    }

    #[test]
    fn official_v1_example_verifies() {
        let params: Vec<(String, String)> = [
            ("Action", "DescribeInstances"),
            ("InstanceIds.0", "ins-09dx96dg"),
            ("Limit", "20"),
            ("Nonce", "11886"),
            ("Offset", "0"),
            ("Region", "ap-guangzhou"),
            ("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"),
            ("Timestamp", "1465185768"),
            ("Version", "2017-03-12"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert!(verify_v1(
            "GET",
            "cvm.tencentcloudapi.com",
            &params,
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            "EliP9YW3pW28FpsEdkXt/+WcGeI="
        ));
        let mut sha256 = params.clone();
        sha256.push(("SignatureMethod".into(), "HmacSHA256".into()));
        assert!(!verify_v1(
            "GET",
            "cvm.tencentcloudapi.com",
            &sha256,
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            "EliP9YW3pW28FpsEdkXt/+WcGeI="
        ));
    }

    #[test]
    fn malformed_authorization_is_explained() {
        for bad in [
            "Basic abc",
            "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/redis/tc3_request",
            "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/redis, SignedHeaders=host, Signature=00",
            "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/redis/tc3_request, SignedHeaders=Host, Signature=0000000000000000000000000000000000000000000000000000000000000000",
        ] {
            let err = parse_tc3(bad).unwrap_err();
            assert_eq!(err.code, "AuthFailure.InvalidAuthorization", "{bad}");
        }
    }
}
