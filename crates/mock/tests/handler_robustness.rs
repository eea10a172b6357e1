//! Nothing a client sends breaks the handler: thousands of deterministic mutations of a valid
//! signed request (bytes flipped, cut and inserted in body, query and headers; odd methods)
//! each get an HTTP 200 JSON envelope with a RequestId, and the state stays usable.

mod common;

use common::*;
use tcredis_core::call::Payload;
use tcredis_mock::MockConfig;

/// SplitMix64, to keep the mutations reproducible without a dependency.
struct Mutator(u64);

impl Mutator {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn mutate(&mut self, bytes: &mut Vec<u8>) {
        const INTERESTING: &[&[u8]] = &[
            b"\"", b"{", b"}", b"[", b"]", b",", b":", b"\\u0000", b"-1", b"1e309", b"null",
            b"\xff", b"%", b"&", b"=", b".0",
        ];
        match self.below(4) {
            0 if !bytes.is_empty() => {
                let i = self.below(bytes.len());
                bytes[i] ^= 1 << self.below(8);
            }
            1 if !bytes.is_empty() => {
                let at = self.below(bytes.len());
                bytes.truncate(at);
            }
            _ => {
                let at = self.below(bytes.len() + 1);
                let piece = INTERESTING[self.below(INTERESTING.len())];
                bytes.splice(at..at, piece.iter().copied());
            }
        }
    }
}

#[test]
fn mutated_requests_always_get_an_envelope_and_never_break_the_state() {
    let handler = demo_handler(MockConfig::new().rate_limit(0));
    let bodies: [&[u8]; 3] = [br#"{"Limit": 5, "Status": [2, 4], "InstanceName": "cache", "BeginTime": "2026-05-01 00:00:00"}"#, b"{}", br#"{"InstanceId": "crs-demo0001", "Offset": 3}"#];
    let mut m = Mutator(0xC0FFEE);
    let mut codes = std::collections::BTreeMap::<String, usize>::new();
    for round in 0..3000 {
        let body = bodies[round % bodies.len()];
        let get = round % 5 == 0;
        let req = if get {
            Req {
                payload: Payload::Query("Limit=5&Status.0=2&InstanceName=a%20b"),
                ..Req::default()
            }
        } else {
            json_req(body)
        };
        let mut request = req.build();
        for _ in 0..=m.below(3) {
            match m.below(5) {
                0 | 1 => m.mutate(request.body_mut()),
                2 => {
                    let mut query = request.uri().query().unwrap_or("").as_bytes().to_vec();
                    m.mutate(&mut query);
                    let text = String::from_utf8_lossy(&query).replace(['#', ' '], "");
                    if let Ok(uri) = format!("/?{text}").parse() {
                        *request.uri_mut() = uri;
                    }
                }
                3 => {
                    let names: Vec<http::HeaderName> = request.headers().keys().cloned().collect();
                    let name = names[m.below(names.len())].clone();
                    let mut value = request.headers()[&name].as_bytes().to_vec();
                    m.mutate(&mut value);
                    match http::HeaderValue::from_bytes(&value) {
                        Ok(value) => {
                            request.headers_mut().insert(name, value);
                        }
                        Err(_) => {
                            request.headers_mut().remove(name);
                        }
                    }
                }
                _ => {
                    *request.method_mut() = [
                        http::Method::GET,
                        http::Method::POST,
                        http::Method::DELETE,
                        http::Method::OPTIONS,
                    ][m.below(4)]
                    .clone();
                }
            }
        }
        let outcome = handler.handle(&request, at(NOW));
        *codes
            .entry(code(&outcome).unwrap_or_else(|| "ok".into()))
            .or_default() += 1;
    }
    // The mutations reach deep into the pipeline, not just the first check.
    for expected in ["AuthFailure.SignatureFailure", "MissingParameter", "ok"] {
        assert!(
            codes.contains_key(expected),
            "{expected} never seen: {codes:?}"
        );
    }
    assert!(codes.len() >= 6, "{codes:?}");
    // And a valid request still works afterwards.
    assert_eq!(code(&send(&handler, &Req::default())), None);
    assert_eq!(handler.journal().len(), 3001);
}
