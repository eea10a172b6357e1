//! Async client for Tencent Cloud Redis `DescribeInstanceBackups`: hyper + tokio + rustls I/O
//! around the sans-IO `tcredis-core`.
#![forbid(unsafe_code)]
