//! Legacy v1 signature (HmacSHA1 / HmacSHA256).
