//! The legacy v1 signature (HmacSHA1 / HmacSHA256), as the official SDKs still offer it.
//!
//! Every parameter except `Signature` is sorted by name (byte order), joined as `name=value`
//! with `&` using the **raw** values, and signed as
//! `METHOD + host + "/" + "?" + joined`; the signature is the Base64 of the HMAC. Values are
//! URL-encoded (UTF-8, upper-case `%XY`) only afterwards, for the GET query or the POST form
//! body. Only the exact `SignatureMethod` `HmacSHA256` selects SHA-256; anything else means
//! SHA-1.
//!
//! ```
//! use tcredis_core::credentials::Secret;
//! use tcredis_core::sign::v1::{self, SignatureMethod};
//!
//! let params = [("Action", "DescribeInstances"), ("Nonce", "11886"), ("Version", "2017-03-12")];
//! let to_sign = v1::string_to_sign("GET", "cvm.tencentcloudapi.com", &params);
//! assert_eq!(to_sign, "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&Nonce=11886&Version=2017-03-12");
//! let signature = v1::sign_string(&Secret::new("key"), SignatureMethod::HmacSha1, to_sign.as_bytes());
//! assert_eq!(signature.len(), 28); // Base64 of 20 bytes
//! ```

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

use crate::credentials::Secret;

/// The HMAC a v1 signature uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureMethod {
    /// `HmacSHA1` (the default when `SignatureMethod` is absent or anything but `HmacSHA256`).
    HmacSha1,
    /// `HmacSHA256`.
    HmacSha256,
}

impl SignatureMethod {
    /// Reads a `SignatureMethod` parameter: exactly `HmacSHA256` selects SHA-256, anything else
    /// (including absence, which callers map to `""`) SHA-1, as the server does.
    pub fn from_param(value: &str) -> Self {
        if value == "HmacSHA256" {
            Self::HmacSha256
        } else {
            Self::HmacSha1
        }
    }

    /// The parameter value: `HmacSHA1` or `HmacSHA256`.
    pub fn as_param(self) -> &'static str {
        match self {
            Self::HmacSha1 => "HmacSHA1",
            Self::HmacSha256 => "HmacSHA256",
        }
    }
}

/// The name of the parameter that carries the signature (excluded from the string to sign).
pub const SIGNATURE_PARAM: &str = "Signature";

/// The string to sign: `METHOD + host + "/?" + name=value&...`, parameters sorted by name in
/// byte order (stable for repeated names), raw values, `Signature` left out.
pub fn string_to_sign<K: AsRef<str>, V: AsRef<str>>(
    method: &str,
    host: &str,
    params: &[(K, V)],
) -> String {
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, _)| *k != SIGNATURE_PARAM)
        .collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let len = method.len()
        + host.len()
        + 2
        + sorted
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>();
    let mut out = String::with_capacity(len);
    out.push_str(method);
    out.push_str(host);
    out.push_str("/?");
    for (n, (k, v)) in sorted.iter().enumerate() {
        if n > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// The raw HMAC of `message` under the secret key.
pub(crate) fn mac(secret_key: &Secret, method: SignatureMethod, message: &[u8]) -> Vec<u8> {
    let key = secret_key.expose().as_bytes();
    match method {
        SignatureMethod::HmacSha1 => match Hmac::<Sha1>::new_from_slice(key) {
            Ok(mut mac) => {
                mac.update(message);
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => unreachable!("HMAC takes keys of any length"),
        },
        SignatureMethod::HmacSha256 => match Hmac::<Sha256>::new_from_slice(key) {
            Ok(mut mac) => {
                mac.update(message);
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => unreachable!("HMAC takes keys of any length"),
        },
    }
}

/// `Base64(HMAC(SecretKey, message))`: the v1 signature of a string to sign (this is also the
/// Node SDK's `Sign.sign`).
pub fn sign_string(secret_key: &Secret, method: SignatureMethod, message: &[u8]) -> String {
    BASE64.encode(mac(secret_key, method, message))
}

/// Signs a parameter list: [`string_to_sign`] then [`sign_string`].
pub fn sign<K: AsRef<str>, V: AsRef<str>>(
    http_method: &str,
    host: &str,
    params: &[(K, V)],
    secret_key: &Secret,
    method: SignatureMethod,
) -> String {
    sign_string(
        secret_key,
        method,
        string_to_sign(http_method, host, params).as_bytes(),
    )
}

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// URL-encodes `value` as the v1 protocol wants: UTF-8 bytes, everything but
/// `A-Z a-z 0-9 - _ . ~` as `%XY` with upper-case hex (a space is `%20`).
#[doc(hidden)] // a form helper for the mock, tests and fuzz targets, not API
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(UPPER_HEX[usize::from(b >> 4)]));
            out.push(char::from(UPPER_HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// `name=value&...` with names and values URL-encoded by [`url_encode`], in the given order: a
/// GET query string (without `?`) or an `application/x-www-form-urlencoded` body.
#[doc(hidden)] // a form helper for the mock, tests and fuzz targets, not API
pub fn encode_form<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut out = String::new();
    for (n, (k, v)) in params.iter().enumerate() {
        if n > 0 {
            out.push('&');
        }
        out.push_str(&url_encode(k.as_ref()));
        out.push('=');
        out.push_str(&url_encode(v.as_ref()));
    }
    out
}

/// A query string or form body that cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormError {
    /// A `%` not followed by two hex digits.
    BadPercentEscape,
    /// A decoded name or value is not UTF-8.
    NotUtf8,
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BadPercentEscape => {
                "a '%' in the query or form body is not followed by two hex digits"
            }
            Self::NotUtf8 => "a decoded query or form parameter is not UTF-8",
        })
    }
}

impl std::error::Error for FormError {}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one form component: `+` is a space, `%XY` a byte (either hex case).
#[doc(hidden)] // a form helper for the mock, tests and fuzz targets, not API
pub fn url_decode(text: &str) -> Result<String, FormError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_value);
                let lo = bytes.get(i + 2).copied().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                    _ => return Err(FormError::BadPercentEscape),
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| FormError::NotUtf8)
}

/// Splits and decodes `a=1&b=2` (a query string without `?`, or a form body). Empty segments
/// are skipped; a segment without `=` is a name with an empty value. Order is kept.
#[doc(hidden)] // a form helper for the mock, tests and fuzz targets, not API
pub fn parse_form(text: &str) -> Result<Vec<(String, String)>, FormError> {
    text.split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
            Ok((url_decode(name)?, url_decode(value)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips_with_upper_case_hex() {
        assert_eq!(
            url_encode("EliP9YW3pW28FpsEdkXt/+WcGeI="),
            "EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D"
        );
        assert_eq!(url_encode("测试 <a&b>"), "%E6%B5%8B%E8%AF%95%20%3Ca%26b%3E");
        let params = [("Name", "测试 <a&b>+="), ("Status.0", "2")];
        let form = encode_form(&params);
        let back = parse_form(&form).unwrap();
        assert_eq!(
            back,
            vec![
                ("Name".into(), "测试 <a&b>+=".into()),
                ("Status.0".into(), "2".into())
            ]
        );
        assert_eq!(url_decode("a+b%2f").unwrap(), "a b/");
        assert_eq!(url_decode("%4"), Err(FormError::BadPercentEscape));
        assert_eq!(url_decode("%zz"), Err(FormError::BadPercentEscape));
        assert_eq!(url_decode("%ff"), Err(FormError::NotUtf8));
    }

    #[test]
    fn only_exact_hmacsha256_selects_sha256() {
        assert_eq!(
            SignatureMethod::from_param("HmacSHA256"),
            SignatureMethod::HmacSha256
        );
        for other in ["", "HmacSHA1", "hmacsha256", "HmacSHA256 ", "HMACSHA256"] {
            assert_eq!(
                SignatureMethod::from_param(other),
                SignatureMethod::HmacSha1
            );
        }
    }

    #[test]
    fn sorting_is_byte_order_and_signature_is_excluded() {
        let params = [
            ("InstanceIds.2", "b"),
            ("InstanceIds.12", "a"),
            ("Signature", "x"),
            ("Action", "A"),
        ];
        assert_eq!(
            string_to_sign("POST", "h", &params),
            "POSTh/?Action=A&InstanceIds.12=a&InstanceIds.2=b"
        );
    }
}
