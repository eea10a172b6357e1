//! The program `tcredis-bench` runs under `valgrind --tool=callgrind` to count instructions.
//!
//! `callgrind-subject CASE ITERATIONS`: prepares the inputs, runs the case once to warm up
//! (derives and caches the signing key, touches the allocator), then runs it ITERATIONS times
//! inside [`measured_loop`], the only function callgrind collects (`--toggle-collect`), so
//! start-up and set-up never count. Cases: `sign_tc3` (`sign_cached`, the call path),
//! `sign_floor` (its floor), `sign_uncached` (fresh key derivation, then `tc3::sign`),
//! `sign_uncached_floor` (its floor), `parse_owned`, `parse_borrowed`, `parse_value`.

#![forbid(unsafe_code)]

use std::hint::black_box;
use std::process::ExitCode;

use tcredis_bench::{
    PAGE_BACKUPS, cached_floor, page, parse_borrowed, parse_owned, parse_value, secret, sign_tc3,
    sign_uncached, uncached_floor, warm_cache,
};

/// The collected region: `work` ITERATIONS times.
#[inline(never)]
fn measured_loop(iterations: u64, work: &mut dyn FnMut() -> usize) -> usize {
    let mut sink = 0usize;
    for _ in 0..iterations {
        sink = sink.wrapping_add(black_box(work()));
    }
    sink
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(case), Some(iterations)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<u64>().ok()),
    ) else {
        eprintln!("usage: callgrind-subject CASE ITERATIONS");
        return ExitCode::from(2);
    };
    let body = page(PAGE_BACKUPS);
    let cache = warm_cache();
    let key = secret();
    let floor = cached_floor();
    let floor_uncached = uncached_floor();
    let mut work: Box<dyn FnMut() -> usize> = match case.as_str() {
        "sign_tc3" => Box::new(|| sign_tc3(black_box(&cache), black_box(&key)).len()),
        "sign_floor" => Box::new(|| usize::from(black_box(&floor).run()[0])),
        "sign_uncached" => Box::new(|| sign_uncached(black_box(&key)).len()),
        "sign_uncached_floor" => Box::new(|| usize::from(black_box(&floor_uncached).run()[0])),
        "parse_owned" => Box::new(|| parse_owned(black_box(&body))),
        "parse_borrowed" => Box::new(|| parse_borrowed(black_box(&body))),
        "parse_value" => Box::new(|| parse_value(black_box(&body))),
        other => {
            eprintln!("callgrind-subject: unknown case {other:?}");
            return ExitCode::from(2);
        }
    };
    black_box(work());
    let sink = measured_loop(iterations, &mut work);
    println!("{case} {iterations} {sink}");
    ExitCode::SUCCESS
}
