//! Response parsing speed on a realistic 100-backup page: the owned public types
//! (`parse_response`, raw JSON kept per item) and the borrowing view
//! (`parse_response_borrowed`), next to `serde_json::Value` of the same bytes.
//!
//! Run: `cargo bench -p tcredis-core --bench parse`. Targets (issue 6): owned >= 2x Value,
//! borrowed >= 2.5x Value. Ratio = Value's time / ours, medians of one run.
//!
//! Measured on the 2-core dev machine under load (39 KB page, 100 backups), fastest / median:
//! value 162 / 194 µs (~1.6 µs per backup, ~220 MB/s); owned 65 / 68 µs (~0.67 µs per backup,
//! ~590 MB/s): 2.5x / 2.9x; borrowed 53 / 55 µs (~0.54 µs per backup, ~720 MB/s): 3.0x / 3.5x.

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use std::fmt::Write as _;
use tcredis_core::response::{parse_response, parse_response_borrowed};

const BACKUPS: usize = 100;

fn main() {
    divan::main();
}

/// A page as the real service writes it: compact, the 16 current fields, varied values.
fn page() -> Vec<u8> {
    let mut s = String::from("{\"Response\":{\"BackupSet\":[");
    for i in 0..BACKUPS {
        if i > 0 {
            s.push(',');
        }
        let day = 1 + i % 28;
        let _ = write!(
            s,
            "{{\"BackupId\":\"{id}-5832225-16416{i:05}\",\"BackupSize\":{size},\"BackupType\":\"{ty}\",\
             \"Encrypted\":{enc},\"EndTime\":\"2026-06-{day:02} 02:01:09\",\"ExpireTime\":\"2026-07-{day:02} 02:00:48\",\
             \"FileType\":\"RDB-Redis 6.2\",\"FullBackup\":0,\"InstanceId\":\"crs-ei43p3gr\",\
             \"InstanceName\":\"{name}\",\"InstanceType\":16,\"Locked\":0,\"Region\":\"ap-guangzhou\",\
             \"Remark\":\"{remark}\",\"StartTime\":\"2026-06-{day:02} 02:00:48\",\"Status\":{status}}}",
            id = 165_706_342 + i,
            size = 537 + (i as u64) * 7_919_133_787,
            ty = i % 2,
            enc = i % 3 == 0,
            name = if i % 10 == 0 {
                "订单缓存-prod"
            } else {
                "orders-cache-prod"
            },
            remark = if i % 5 == 0 { "nightly" } else { "" },
            status = [2, 2, 2, 4, 1][i % 5],
        );
    }
    s.push_str("],\"TotalCount\":1234,\"RequestId\":\"66bb2e15-b864-46ea-894d-529885087fb8\"}}");
    s.into_bytes()
}

#[divan::bench]
fn value(bencher: Bencher<'_, '_>) {
    let body = page();
    bencher
        .counter(BytesCount::new(body.len()))
        .counter(ItemsCount::new(BACKUPS))
        .bench(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap());
}

#[divan::bench]
fn owned(bencher: Bencher<'_, '_>) {
    let body = page();
    bencher
        .counter(BytesCount::new(body.len()))
        .counter(ItemsCount::new(BACKUPS))
        .bench(|| parse_response(black_box(&body)).unwrap());
}

#[divan::bench]
fn borrowed(bencher: Bencher<'_, '_>) {
    let body = page();
    bencher
        .counter(BytesCount::new(body.len()))
        .counter(ItemsCount::new(BACKUPS))
        .bench(|| {
            parse_response_borrowed(black_box(&body))
                .unwrap()
                .backup_set
                .len()
        });
}

/// Reference: the plain serde derive of the same page into `Vec<RedisBackupSet>` (no raw JSON,
/// no error diagnosis), to show what keeping each item's raw JSON costs.
#[derive(serde::Deserialize)]
struct DeriveOnly {
    #[serde(rename = "Response")]
    _response: DeriveOnlyBody,
}
#[derive(serde::Deserialize)]
struct DeriveOnlyBody {
    #[serde(rename = "BackupSet")]
    _backup_set: Vec<tcredis_core::response::RedisBackupSet>,
    #[serde(rename = "TotalCount")]
    _total_count: u64,
}

#[divan::bench]
fn reference_typed_without_raw(bencher: Bencher<'_, '_>) {
    let body = page();
    bencher
        .counter(BytesCount::new(body.len()))
        .counter(ItemsCount::new(BACKUPS))
        .bench(|| serde_json::from_slice::<DeriveOnly>(black_box(&body)).unwrap());
}
