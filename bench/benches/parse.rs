//! Parsing a realistic 100-backup page: the owned public types (`parse_response`, each item's
//! raw JSON kept) and the borrowing view (`parse_response_borrowed`), next to two peers on the
//! same bytes: `serde_json::Value`, and plain `#[derive(Deserialize)]` structs of the 16 fields
//! (what a program would write with serde alone; no raw JSON kept, no error diagnosis).
//!
//! Run: `cargo bench --manifest-path bench/Cargo.toml --features benches --bench parse`.
//! Targets (issue 6): owned >= 2x Value, borrowed >= 2.5x Value (ratio = Value time / ours).

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use tcredis_bench::{PAGE_BACKUPS, page, parse_borrowed, parse_owned, parse_typed, parse_value};

fn main() {
    divan::main();
}

fn run(bencher: Bencher<'_, '_>, parse: fn(&[u8]) -> usize) {
    let body = page(PAGE_BACKUPS);
    bencher
        .counter(BytesCount::new(body.len()))
        .counter(ItemsCount::new(PAGE_BACKUPS))
        .bench_local(|| parse(black_box(&body)));
}

#[divan::bench]
fn value(bencher: Bencher<'_, '_>) {
    run(bencher, parse_value);
}

#[divan::bench]
fn typed(bencher: Bencher<'_, '_>) {
    run(bencher, parse_typed);
}

#[divan::bench]
fn owned(bencher: Bencher<'_, '_>) {
    run(bencher, parse_owned);
}

#[divan::bench]
fn borrowed(bencher: Bencher<'_, '_>) {
    run(bencher, parse_borrowed);
}
