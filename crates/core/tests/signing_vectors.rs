//! Golden TC3 and v1 vectors, compared stage by stage so a failure names the stage.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tcredis_core::credentials::Secret;
use tcredis_core::sign::tc3::{
    self, DerivedKeys, Payload, SigningKey, SigningKeyCache, SigningParams,
};
use tcredis_core::sign::v1;
use tcredis_core::time::utc_date;

fn vector_dirs(kind: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(kind);
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no vectors under {}", root.display());
    dirs
}

fn read(dir: &Path, file: &str) -> String {
    fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Tc3Case {
    name: String,
    input: Value,
}

impl Tc3Case {
    fn str(&self, key: &str) -> &str {
        self.input[key]
            .as_str()
            .unwrap_or_else(|| panic!("{}: input.{key}", self.name))
    }
}

#[test]
fn tc3_vectors_stage_by_stage() {
    let cache = SigningKeyCache::new();
    let mut checked = Vec::new();
    for dir in vector_dirs("tc3") {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let case = Tc3Case {
            name: name.clone(),
            input: serde_json::from_str(&read(&dir, "input.json")).unwrap(),
        };
        let headers: Vec<(String, String)> = case.input["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h[0].as_str().unwrap().to_owned(),
                    h[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let payload = match case.input["payload"].as_str() {
            Some(body) => Payload::Bytes(body.as_bytes()),
            None => Payload::Unsigned,
        };
        let params = SigningParams {
            method: case.str("method"),
            query: case.str("query"),
            headers: &headers,
            payload,
            timestamp: case.input["timestamp"].as_u64().unwrap(),
            service: case.str("service"),
        };
        let secret_id = case.str("secret_id");
        let secret = Secret::new(case.str("secret_key"));
        let date = utc_date(params.timestamp);

        assert_eq!(
            tc3::canonical_request(&params).unwrap(),
            read(&dir, "canonical_request.txt"),
            "{name}: canonical request"
        );
        assert_eq!(
            tc3::string_to_sign(&params).unwrap(),
            read(&dir, "string_to_sign.txt"),
            "{name}: string to sign"
        );
        if dir.join("derived_keys.txt").exists() {
            let keys = DerivedKeys::derive(&secret, &date, params.service);
            let expected = read(&dir, "derived_keys.txt");
            let expected: Vec<&str> = expected.lines().collect();
            assert_eq!(hex(&keys.secret_date), expected[0], "{name}: SecretDate");
            assert_eq!(
                hex(&keys.secret_service),
                expected[1],
                "{name}: SecretService"
            );
            assert_eq!(
                hex(&keys.secret_signing),
                expected[2],
                "{name}: SecretSigning"
            );
        }
        let key = SigningKey::derive(&secret, &date, params.service);
        let stages = tc3::sign_with_stages(&params, secret_id, &key).unwrap();
        assert_eq!(
            stages.canonical_request,
            read(&dir, "canonical_request.txt"),
            "{name}: stages.canonical_request"
        );
        assert_eq!(
            stages.string_to_sign,
            read(&dir, "string_to_sign.txt"),
            "{name}: stages.string_to_sign"
        );
        assert!(
            stages
                .string_to_sign
                .ends_with(&stages.hashed_canonical_request),
            "{name}: hashed canonical request"
        );
        assert!(
            stages.string_to_sign.contains(&stages.credential_scope),
            "{name}: credential scope"
        );
        assert_eq!(
            stages.signature,
            read(&dir, "signature.txt"),
            "{name}: signature"
        );
        assert_eq!(
            stages.authorization,
            read(&dir, "authorization.txt"),
            "{name}: authorization"
        );

        // The hot path (cached, streamed) gives the same bytes, twice (miss then hit).
        for round in ["miss", "hit"] {
            let fast = tc3::sign_cached(&params, secret_id, &secret, &cache).unwrap();
            assert_eq!(
                fast.signature(),
                read(&dir, "signature.txt"),
                "{name}: cached signature ({round})"
            );
            assert_eq!(
                fast.authorization(),
                read(&dir, "authorization.txt"),
                "{name}: cached authorization ({round})"
            );
        }
        checked.push(name);
    }
    for expected in [
        "doc-a",
        "doc-b",
        "node-c-get",
        "node-c-post",
        "redis-beijing-early-morning",
        "redis-d1",
        "redis-d2",
        "redis-d3",
        "redis-unsigned-payload",
    ] {
        assert!(
            checked.iter().any(|c| c == expected),
            "vector {expected} missing"
        );
    }
}

#[test]
fn published_values_are_pinned() {
    // Guard against a regenerated vector drifting from the published numbers.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    for (case, signature) in [
        (
            "tc3/doc-a",
            "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f",
        ),
        (
            "tc3/doc-b",
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
        ),
        (
            "tc3/node-c-post",
            "96473b50fe407833672a5d6d067238d88bb44c8abcc39ef83baa3132afbfadd3",
        ),
        (
            "tc3/node-c-get",
            "39ce411ac32014b7d814118b33f82d3445be566f67e1f4b369ccdc3791ce9a13",
        ),
        (
            "tc3/redis-d1",
            "5f2f07f22c5fbb4a182fafc7a40ca154616add7582acd4a1357c997d9a9070f4",
        ),
        (
            "tc3/redis-d2",
            "88a0f1d4dd01529a1f1d1344dbdfc07c5fd4700a0cd67088f1de54aa42c90f2e",
        ),
        (
            "tc3/redis-d3",
            "826d018e878df89b32fcfa42b1125fadc6fe3a8b30221245a5c8c3534d0257f2",
        ),
        ("v1/doc-hmacsha1", "EliP9YW3pW28FpsEdkXt/+WcGeI="),
    ] {
        assert_eq!(read(&root.join(case), "signature.txt"), signature, "{case}");
    }
    let beijing = read(
        &root.join("tc3/redis-beijing-early-morning"),
        "string_to_sign.txt",
    );
    assert!(
        beijing.contains("\n2024-02-29/redis/tc3_request\n"),
        "Beijing 03:00 on 2024-03-01 is dated 2024-02-29 UTC"
    );
}

#[test]
fn v1_vectors() {
    for dir in vector_dirs("v1") {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let input: Value = serde_json::from_str(&read(&dir, "input.json")).unwrap();
        let params: Vec<(String, String)> = input["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p[0].as_str().unwrap().to_owned(),
                    p[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let method = input["method"].as_str().unwrap();
        let host = input["host"].as_str().unwrap();
        let algorithm =
            v1::SignatureMethod::from_param(input["signature_method"].as_str().unwrap());
        let secret = Secret::new(input["secret_key"].as_str().unwrap());
        let sts = v1::string_to_sign(method, host, &params);
        assert_eq!(
            sts,
            read(&dir, "string_to_sign.txt"),
            "{name}: string to sign"
        );
        assert_eq!(
            v1::sign_string(&secret, algorithm, sts.as_bytes()),
            read(&dir, "signature.txt"),
            "{name}: signature"
        );
    }
}

#[test]
fn node_v1_sign_vectors() {
    // Node SDK test/common/sign.test.ts: Sign.sign("test-secret-key", "test-sign-string", method).
    let secret = Secret::new("test-secret-key");
    assert_eq!(
        v1::sign_string(&secret, v1::SignatureMethod::HmacSha1, b"test-sign-string"),
        "XjwGF9U5zdo93uMrX2b1ZDwoFOo="
    );
    assert_eq!(
        v1::sign_string(
            &secret,
            v1::SignatureMethod::HmacSha256,
            b"test-sign-string"
        ),
        "6c+oFbRDL8wKcVPPwa4KtGMOzMuJTQDwV+8tMMPf7oM="
    );
}
