//! A faithful fake of the Tencent Cloud Redis `DescribeInstanceBackups` endpoint.
#![forbid(unsafe_code)]
