//! Shared workloads of the tcredis benchmarks: the request that is signed and the page that is
//! parsed, identical for the divan benches, the callgrind subject and the runner.

#![forbid(unsafe_code)]

use std::fmt::Write as _;

use tcredis_core::call::{self, CallSpec, Payload as CallPayload, SigningMethod};
use tcredis_core::credentials::{Credentials, Secret};
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::sign::tc3::{
    self, CachedSigningFloor, Payload, PreparedSigner, SigningKey, SigningKeyCache, SigningParams,
    UncachedSigningFloor,
};
use tcredis_core::time::UtcDate;

/// The SecretId signed with (a public test value, not a credential).
pub const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
/// The SecretKey signed with (a public test value, not a credential).
pub const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
/// The endpoint host that is signed.
pub const HOST: &str = "redis.tencentcloudapi.com";
/// The body of the signed request: one `DescribeInstanceBackups` page request, compact JSON in
/// the model's field order, as the CLI sends it.
pub const BODY: &[u8] =
    br#"{"Limit":100,"Offset":0,"InstanceId":"crs-5a4py64p","BeginTime":"2026-06-01 00:00:00","EndTime":"2026-06-30 23:59:59","Status":[2,4]}"#;
/// `X-TC-Timestamp` of the signed request (fixed so every run signs the same bytes).
pub const TIMESTAMP: u64 = 1_780_000_000;
/// The headers the official SDKs sign.
pub const HEADERS: [(&str, &str); 2] = [("Content-Type", "application/json"), ("Host", HOST)];

/// The signing parameters of the benchmark request.
pub fn signing_params() -> SigningParams<'static> {
    SigningParams {
        method: "POST",
        query: "",
        headers: &HEADERS,
        payload: Payload::Bytes(BODY),
        timestamp: TIMESTAMP,
        service: "redis",
    }
}

/// The secret key as core's type.
pub fn secret() -> Secret {
    Secret::new(SECRET_KEY)
}

/// A warm key cache (the derived key for the benchmark's date and service is already in it).
pub fn warm_cache() -> SigningKeyCache {
    let cache = SigningKeyCache::new();
    // Warm-up signature: derives and caches the key.
    let _ = tc3::sign_cached(&signing_params(), SECRET_ID, &secret(), &cache);
    cache
}

/// One full TC3 signature with a cached derived key: canonical request, string-to-sign and
/// signature, returning the `Authorization` value.
pub fn sign_tc3(cache: &SigningKeyCache, secret: &Secret) -> String {
    match tc3::sign_cached(&signing_params(), SECRET_ID, secret, cache) {
        Ok(signed) => signed.into_authorization(),
        Err(e) => panic!("the benchmark request is valid: {e}"),
    }
}

/// The prepared signer for the benchmark request's constant parts (what `sign_cached` keeps
/// per shape; the cached floor starts from its state).
pub fn prepared_signer() -> PreparedSigner {
    match PreparedSigner::new("POST", "", &HEADERS, "redis", SECRET_ID) {
        Ok(signer) => signer,
        Err(e) => panic!("the benchmark request is valid: {e}"),
    }
}

/// The derived key of the benchmark request (its UTC date, service `redis`).
pub fn derived_key() -> SigningKey {
    SigningKey::derive(&secret(), UtcDate::from_unix(TIMESTAMP).as_str(), "redis")
}

/// One TC3 signature with nothing cached, as a caller without a `SigningKeyCache` signs: the
/// key derived for this signature, then `tc3::sign` (validation, header order, canonical
/// request, string-to-sign, `Authorization`). The like-for-like peer of `aws-sigv4`'s `sign()`,
/// which derives its key on every call.
pub fn sign_uncached(secret: &Secret) -> String {
    let key = SigningKey::derive(secret, UtcDate::from_unix(TIMESTAMP).as_str(), "redis");
    match tc3::sign(&signing_params(), SECRET_ID, &key) {
        Ok(signed) => signed.into_authorization(),
        Err(e) => panic!("the benchmark request is valid: {e}"),
    }
}

/// The floor of [`sign_tc3`]: exactly the SHA-256 compressions `sign_cached` cannot avoid for
/// this request (9: body 3, canonical request 2 after the absorbed prefix block, HMAC 3 + 1
/// from the pre-keyed state), from the same pre-absorbed states. Counted by core's tests.
pub fn cached_floor() -> CachedSigningFloor {
    CachedSigningFloor::new(
        &prepared_signer(),
        &derived_key(),
        Payload::Bytes(BODY),
        TIMESTAMP,
    )
}

/// The floor of [`sign_uncached`]: the 24 compressions a signature with a fresh key derivation
/// cannot avoid (three derivation HMACs of 4, keying the final HMAC 2, body 3, canonical
/// request 3, final HMAC 3 + 1). Counted by core's tests.
pub fn uncached_floor() -> UncachedSigningFloor {
    match UncachedSigningFloor::new(&signing_params(), &secret()) {
        Ok(floor) => floor,
        Err(e) => panic!("the benchmark request is valid: {e}"),
    }
}

/// The benchmark request as core's model (its JSON is [`BODY`]).
pub fn request_model() -> DescribeInstanceBackupsRequest {
    DescribeInstanceBackupsRequest::builder()
        .limit(100)
        .offset(0)
        .instance_id("crs-5a4py64p")
        .begin_time("2026-06-01 00:00:00")
        .end_time("2026-06-30 23:59:59")
        .status([2, 4])
        .build()
}

/// The call of the benchmark request for `call::build_request` (POST, JSON `body`).
pub fn call_spec(body: &[u8]) -> CallSpec<'_> {
    CallSpec {
        service: "redis",
        action: "DescribeInstanceBackups",
        version: "2018-04-12",
        region: Some("ap-guangzhou"),
        language: None,
        request_client: "tcredis",
        scheme: "https",
        authority: HOST,
        host: HOST,
        payload: CallPayload::Json(body),
        signing: SigningMethod::Tc3 {
            unsigned_payload: false,
        },
        timestamp: TIMESTAMP,
    }
}

/// A whole request as the Python SDK's `_build_req_with_tc3_signature` builds one: the model
/// serialised to JSON, then `call::build_request` (headers, signature, `Authorization`) with
/// `cache`. Returns the `Authorization` length (so nothing is optimised away).
pub fn build_request(request: &DescribeInstanceBackupsRequest, cache: &SigningKeyCache) -> usize {
    let credentials = match Credentials::new(SECRET_ID, SECRET_KEY) {
        Ok(credentials) => credentials,
        Err(e) => panic!("the benchmark credentials are valid: {e}"),
    };
    let body = request.to_json();
    match call::build_request(&call_spec(&body), &credentials, cache) {
        Ok(signed) => signed
            .request
            .headers()
            .get("authorization")
            .map_or(0, |v| v.len()),
        Err(e) => panic!("the benchmark request is valid: {e}"),
    }
}

/// Backups per parsed page (the API's maximum `Limit`).
pub const PAGE_BACKUPS: usize = 100;

/// A page as the real service writes it: compact, the 16 current fields, varied values
/// (ids, sizes up to ~800 GB, both backup types, a CJK instance name on every tenth item, a
/// remark on every fifth, statuses 1/2/4, `Encrypted` true/false).
pub fn page(backups: usize) -> Vec<u8> {
    let mut s = String::from("{\"Response\":{\"BackupSet\":[");
    for i in 0..backups {
        if i > 0 {
            s.push(',');
        }
        let day = 1 + i % 28;
        let _ = write!(
            s,
            "{{\"BackupId\":\"{id}-5832225-16416{i:05}\",\"BackupSize\":{size},\"BackupType\":\"{ty}\",\
             \"Encrypted\":{enc},\"EndTime\":\"2026-06-{day:02} 02:01:09\",\"ExpireTime\":\"2026-07-{day:02} 02:00:48\",\
             \"FileType\":\"RDB-Redis 6.2\",\"FullBackup\":0,\"InstanceId\":\"crs-ei43p3gr\",\
             \"InstanceName\":\"{name}\",\"InstanceType\":16,\"Locked\":0,\"Region\":\"ap-guangzhou\",\
             \"Remark\":\"{remark}\",\"StartTime\":\"2026-06-{day:02} 02:00:48\",\"Status\":{status}}}",
            id = 165_706_342 + i,
            size = 537 + (i as u64) * 7_919_133_787,
            ty = i % 2,
            enc = i % 3 == 0,
            name = if i % 10 == 0 {
                "订单缓存-prod"
            } else {
                "orders-cache-prod"
            },
            remark = if i % 5 == 0 { "nightly" } else { "" },
            status = [2, 2, 2, 4, 1][i % 5],
        );
    }
    s.push_str("],\"TotalCount\":1234,\"RequestId\":\"66bb2e15-b864-46ea-894d-529885087fb8\"}}");
    s.into_bytes()
}

/// Parses into the owned public types; returns the item count.
pub fn parse_owned(body: &[u8]) -> usize {
    match tcredis_core::response::parse_response(body) {
        Ok(page) => page.backup_set.len(),
        Err(e) => panic!("the benchmark page is valid: {e}"),
    }
}

/// Parses into the borrowing view; returns the item count.
pub fn parse_borrowed(body: &[u8]) -> usize {
    match tcredis_core::response::parse_response_borrowed(body) {
        Ok(page) => page.backup_set.len(),
        Err(e) => panic!("the benchmark page is valid: {e}"),
    }
}

/// The typed peer: plain `#[derive(Deserialize)]` structs of the page, as a program using serde
/// alone would write them (every field optional, unknown fields ignored, nothing raw kept).
#[allow(non_snake_case, dead_code)] // API field names; fields are read only by the tests
pub mod typed {
    use serde::Deserialize;

    /// The envelope.
    #[derive(Debug, Deserialize)]
    pub struct Page {
        /// The `Response` object.
        pub Response: Body,
    }

    /// The `Response` object of a listing.
    #[derive(Debug, Deserialize)]
    pub struct Body {
        /// The backups of this page.
        #[serde(default)]
        pub BackupSet: Vec<Backup>,
        /// Backups matching the filters.
        pub TotalCount: Option<u64>,
        /// The request id.
        pub RequestId: Option<String>,
    }

    /// One `RedisBackupSet`, the 16 current fields.
    #[derive(Debug, Deserialize)]
    pub struct Backup {
        pub StartTime: Option<String>,
        pub BackupId: Option<String>,
        pub BackupType: Option<String>,
        pub Status: Option<i64>,
        pub Remark: Option<String>,
        pub Locked: Option<i64>,
        pub BackupSize: Option<u64>,
        pub FullBackup: Option<i64>,
        pub InstanceType: Option<i64>,
        pub InstanceId: Option<String>,
        pub InstanceName: Option<String>,
        pub Region: Option<String>,
        pub EndTime: Option<String>,
        pub FileType: Option<String>,
        pub ExpireTime: Option<String>,
        pub Encrypted: Option<bool>,
    }
}

/// Parses into the typed peer's structs; returns the item count.
pub fn parse_typed(body: &[u8]) -> usize {
    match serde_json::from_slice::<typed::Page>(body) {
        Ok(page) => page.Response.BackupSet.len(),
        Err(e) => panic!("the benchmark page is valid: {e}"),
    }
}

/// Parses into `serde_json::Value` (the peer); returns the item count.
pub fn parse_value(body: &[u8]) -> usize {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => v["Response"]["BackupSet"].as_array().map_or(0, Vec::len),
        Err(e) => panic!("the benchmark page is valid: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8; 32]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn the_floors_hash_the_signed_bytes() {
        let authorization = sign_tc3(&warm_cache(), &secret());
        assert!(authorization.starts_with(
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2026-05-28/redis/tc3_request, SignedHeaders=content-type;host, "
        ));
        assert_eq!(sign_uncached(&secret()), authorization);
        for (name, mac) in [
            ("cached", cached_floor().run()),
            ("uncached", uncached_floor().run()),
        ] {
            assert!(
                authorization.ends_with(&format!("Signature={}", hex(&mac))),
                "{authorization} does not end with the {name} floor's HMAC {}",
                hex(&mac)
            );
        }
    }

    #[test]
    fn the_request_benches_sign_the_benchmark_body() {
        assert_eq!(request_model().to_json(), BODY);
        let cache = warm_cache();
        assert_eq!(
            build_request(&request_model(), &cache),
            sign_tc3(&cache, &secret()).len()
        );
        assert_eq!(
            build_request(&request_model(), &SigningKeyCache::new()),
            sign_tc3(&cache, &secret()).len()
        );
    }

    #[test]
    fn every_parser_sees_the_whole_page() {
        let body = page(PAGE_BACKUPS);
        assert_eq!(parse_owned(&body), PAGE_BACKUPS);
        assert_eq!(parse_borrowed(&body), PAGE_BACKUPS);
        assert_eq!(parse_value(&body), PAGE_BACKUPS);
        assert_eq!(parse_typed(&body), PAGE_BACKUPS);
    }

    #[test]
    fn the_typed_peer_reads_every_field_the_owned_types_read() {
        let body = page(PAGE_BACKUPS);
        let typed: typed::Page = serde_json::from_slice(&body).unwrap();
        let owned = tcredis_core::response::parse_response(&body).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(typed.Response.TotalCount, Some(1234));
        for ((t, o), v) in typed
            .Response
            .BackupSet
            .iter()
            .zip(&owned.backup_set)
            .zip(value["Response"]["BackupSet"].as_array().unwrap())
        {
            // Every key of the page's item is one of the 16 typed fields, and each is filled.
            assert_eq!(v.as_object().unwrap().len(), 16);
            assert_eq!(t.BackupId.as_deref(), o.fields().backup_id.as_deref());
            assert_eq!(t.BackupSize, v["BackupSize"].as_u64());
            assert_eq!(t.Encrypted, v["Encrypted"].as_bool());
            assert_eq!(t.InstanceName.as_deref(), v["InstanceName"].as_str());
            assert_eq!(t.Status, v["Status"].as_i64());
            assert!(t.StartTime.is_some() && t.EndTime.is_some() && t.ExpireTime.is_some());
            assert!(t.Remark.is_some() && t.FileType.is_some() && t.Region.is_some());
            assert!(t.Locked.is_some() && t.FullBackup.is_some() && t.InstanceType.is_some());
            assert!(t.BackupType.is_some() && t.InstanceId.is_some());
        }
    }
}
