//! Input checks of a TC3 signature (method, service, SecretId, header names and values) and
//! the canonical header order (sorted by lower-cased name, duplicates and missing required
//! headers refused). One table lookup per byte: this runs on every signature that is not served
//! from a prepared shape.

use super::params::{SigningError, SigningParams};

/// Most headers ever signed without spilling the sort order to the heap.
const INLINE_HEADERS: usize = 16;

/// Byte classes for input checks, one table lookup per byte (this runs on every signature).
const fn byte_classes() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let alnum = c.is_ascii_alphanumeric();
        let token_punct = matches!(
            c,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        );
        if alnum || token_punct {
            table[b] |= TOKEN;
        }
        if alnum || matches!(c, b'-' | b'_' | b'.') {
            table[b] |= SERVICE;
        }
        if !(c == b'/' || c == b',' || c.is_ascii_whitespace() || c.is_ascii_control()) {
            table[b] |= SECRET_ID;
        }
        b += 1;
    }
    table
}

const TOKEN: u8 = 1;
const SERVICE: u8 = 2;
const SECRET_ID: u8 = 4;
static BYTE_CLASSES: [u8; 256] = byte_classes();

fn all_in(text: &str, class: u8) -> bool {
    text.bytes()
        .all(|b| BYTE_CLASSES[usize::from(b)] & class != 0)
}

/// Refuses a method other than GET/POST, a bad service or SecretId, and header names or
/// values HTTP cannot carry.
pub(super) fn check_inputs(
    params: &SigningParams<'_>,
    secret_id: &str,
) -> Result<(), SigningError> {
    if params.method != "GET" && params.method != "POST" {
        return Err(SigningError::UnsupportedMethod);
    }
    if params.service.is_empty() || !all_in(params.service, SERVICE) {
        return Err(SigningError::InvalidService);
    }
    if secret_id.is_empty() || !all_in(secret_id, SECRET_ID) {
        return Err(SigningError::InvalidSecretId);
    }
    for (name, value) in params.headers {
        if name.is_empty() || !all_in(name, TOKEN) {
            return Err(SigningError::InvalidHeaderName);
        }
        // Branch-free so it vectorizes: no control character other than tab.
        let clean = value.bytes().fold(true, |ok, b| {
            ok & (((b >= 0x20) & (b != 0x7f)) | (b == b'\t'))
        });
        if !clean {
            return Err(SigningError::InvalidHeaderValue);
        }
    }
    Ok(())
}

fn compare_names(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Sorts header indices by lower-cased name and rejects duplicates and missing required names.
fn sort_headers(headers: &[(&str, &str)], order: &mut [usize]) -> Result<(), SigningError> {
    for (i, slot) in order.iter_mut().enumerate() {
        *slot = i;
    }
    if order.len() <= INLINE_HEADERS {
        // Insertion sort: the list is short (two headers for every SDK) and usually sorted.
        for i in 1..order.len() {
            let mut j = i;
            while j > 0 && compare_names(headers[order[j - 1]].0, headers[order[j]].0).is_gt() {
                order.swap(j - 1, j);
                j -= 1;
            }
        }
    } else {
        order.sort_unstable_by(|&a, &b| compare_names(headers[a].0, headers[b].0));
    }
    for pair in order.windows(2) {
        if compare_names(headers[pair[0]].0, headers[pair[1]].0).is_eq() {
            return Err(SigningError::DuplicateHeader);
        }
    }
    for required in ["content-type", "host"] {
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case(required))
        {
            return Err(SigningError::MissingRequiredHeader(required));
        }
    }
    Ok(())
}

/// Runs `f` with the canonical header order, on the stack for up to 16 headers.
pub(super) fn with_header_order<T>(
    headers: &[(&str, &str)],
    f: impl FnOnce(&[usize]) -> T,
) -> Result<T, SigningError> {
    if headers.len() <= INLINE_HEADERS {
        let mut inline = [0usize; INLINE_HEADERS];
        let order = &mut inline[..headers.len()];
        sort_headers(headers, order)?;
        Ok(f(order))
    } else {
        let mut order = vec![0usize; headers.len()];
        sort_headers(headers, &mut order)?;
        Ok(f(&order))
    }
}
