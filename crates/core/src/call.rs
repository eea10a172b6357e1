//! Building one complete, signed HTTP request for `DescribeInstanceBackups` as plain data
//! (`http::Request<Vec<u8>>`), ready for any HTTP client.
