//! Request signing: TC3-HMAC-SHA256 (signature v3), the legacy v1 signature (HmacSHA1 /
//! HmacSHA256), and the verification side used by the mock.

pub mod tc3;
pub mod v1;
pub mod verify;
