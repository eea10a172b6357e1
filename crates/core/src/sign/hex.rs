//! Lower-case hexadecimal encoding into stack buffers, via a lookup table (signing hot path).

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Every byte's two lower-case hex digits, so encoding is one lookup and one 2-byte store.
const fn hex_pairs() -> [[u8; 2]; 256] {
    let mut table = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = [HEX_DIGITS[b >> 4], HEX_DIGITS[b & 0x0f]];
        b += 1;
    }
    table
}

static HEX_PAIRS: [[u8; 2]; 256] = hex_pairs();

/// Lower-case hex of a 32-byte digest, on the stack.
pub(crate) fn encode_32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(b)]);
    }
    out
}

/// Lower-case hex of any bytes, as a `String` (debug paths only).
pub(crate) fn encode_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(HEX_DIGITS[usize::from(b >> 4)]));
        out.push(char::from(HEX_DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Views hex digits (always ASCII) as `&str`.
pub(crate) fn as_str(hex: &[u8]) -> &str {
    std::str::from_utf8(hex).unwrap_or("")
}

/// Decimal digits of `n` on the stack; returns the buffer and the start of the digits.
pub(crate) fn decimal(mut n: u64) -> ([u8; 20], usize) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return (buf, at);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_and_decimal() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0xab;
        bytes[31] = 0x0f;
        let hex = super::encode_32(&bytes);
        assert_eq!(super::as_str(&hex), format!("ab{}0f", "0".repeat(60)));
        assert_eq!(super::encode_string(&[0, 0xff, 0x10]), "00ff10");
        for n in [0u64, 7, 10, 1_551_113_065, u64::MAX] {
            let (buf, at) = super::decimal(n);
            assert_eq!(super::as_str(&buf[at..]), n.to_string());
        }
    }
}
