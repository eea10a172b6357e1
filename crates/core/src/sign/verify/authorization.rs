//! Parsing the TC3 `Authorization` header: strict about content, tolerant of spacing.

use super::outcome::{VerifyError, invalid};
use crate::sign::tc3::{ALGORITHM, SCOPE_TERMINATOR};

/// A parsed TC3 `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tc3Authorization<'a> {
    /// The SecretId.
    pub secret_id: &'a str,
    /// The credential-scope date (`YYYY-MM-DD`).
    pub date: &'a str,
    /// The credential-scope service.
    pub service: &'a str,
    /// The `SignedHeaders` list as written.
    pub signed_headers: &'a str,
    /// The signature bytes.
    pub signature: [u8; 32],
}

fn decode_hex_32(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// Parses `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b,
/// Signature=HEX`: strict about content (exact algorithm, four-part credential ending in
/// `tc3_request`, a date of the form `YYYY-MM-DD`, `SignedHeaders` names in the HTTP token set
/// including `content-type` and `host` without repeats, 64 hex digits), tolerant of white space
/// around `,` and `=`, and of the three fields in any order.
pub fn parse_tc3_authorization(value: &str) -> Result<Tc3Authorization<'_>, VerifyError> {
    let value = value.trim();
    let (algorithm, rest) = value
        .split_once(|c: char| c.is_ascii_whitespace())
        .ok_or_else(|| invalid("the Authorization header is not 'TC3-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...'"))?;
    if algorithm != ALGORITHM {
        return Err(invalid(
            "the Authorization algorithm must be TC3-HMAC-SHA256",
        ));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for field in rest.split(',') {
        let (key, val) = field
            .split_once('=')
            .ok_or_else(|| invalid("an Authorization field is not key=value"))?;
        let slot = match key.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => {
                return Err(invalid(
                    "the Authorization header has a field other than Credential, SignedHeaders and Signature",
                ));
            }
        };
        if slot.replace(val.trim()).is_some() {
            return Err(invalid("an Authorization field appears twice"));
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) =
        (credential, signed_headers, signature)
    else {
        return Err(invalid(
            "the Authorization header needs Credential, SignedHeaders and Signature",
        ));
    };
    let parts: Vec<&str> = credential.split('/').collect();
    let [secret_id, date, service, terminator] = parts[..] else {
        return Err(invalid(
            "Credential must be SecretId/YYYY-MM-DD/service/tc3_request",
        ));
    };
    let date_ok = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if secret_id.is_empty() || service.is_empty() || terminator != SCOPE_TERMINATOR || !date_ok {
        return Err(invalid(
            "Credential must be SecretId/YYYY-MM-DD/service/tc3_request",
        ));
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    if names.iter().any(|n| {
        n.is_empty()
            || !n
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    }) {
        return Err(invalid(
            "SignedHeaders must be header names separated by ';'",
        ));
    }
    for (i, name) in names.iter().enumerate() {
        if names[..i]
            .iter()
            .any(|other| other.eq_ignore_ascii_case(name))
        {
            return Err(invalid("SignedHeaders lists a header twice"));
        }
    }
    for required in ["content-type", "host"] {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(required)) {
            return Err(invalid(format!("SignedHeaders must include {required}")));
        }
    }
    let signature =
        decode_hex_32(signature).ok_or_else(|| invalid("Signature must be 64 hex digits"))?;
    Ok(Tc3Authorization {
        secret_id,
        date,
        service,
        signed_headers,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::verify::VerifyErrorKind;

    #[test]
    fn authorization_parsing_is_strict_but_tolerates_spacing() {
        let sig = "a".repeat(64);
        let ok = format!(
            "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/redis/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
        );
        let parsed = parse_tc3_authorization(&ok).unwrap();
        assert_eq!(
            (parsed.secret_id, parsed.date, parsed.service),
            ("AKID", "2019-02-25", "redis")
        );
        let spaced = format!(
            "TC3-HMAC-SHA256  Credential = AKID/2019-02-25/redis/tc3_request ,SignedHeaders=content-type;host,Signature={sig}"
        );
        assert!(parse_tc3_authorization(&spaced).is_ok());
        for bad in [
            String::new(),
            "SKIP".to_owned(),
            ok.replace("TC3-HMAC-SHA256", "TC3-HMAC-SHA1"),
            ok.replace("tc3_request", "tc4_request"),
            ok.replace("2019-02-25", "2019-2-25"),
            ok.replace("content-type;host", "host"),
            ok.replace("content-type;host", "content-type"),
            ok.replace("content-type;host", "content-type;host;Host"),
            ok.replace(&sig, &"a".repeat(63)),
            ok.replace(&sig, &"g".repeat(64)),
            ok.replace("Credential=AKID", "Credential=AKID/x"),
            format!("{ok}, Signature={sig}"),
            ok.replace(", Signature", ", Extra=1, Signature"),
        ] {
            let err = parse_tc3_authorization(&bad).unwrap_err();
            assert_eq!(err.kind(), VerifyErrorKind::InvalidAuthorization, "{bad}");
        }
    }
}
