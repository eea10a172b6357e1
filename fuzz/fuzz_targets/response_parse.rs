//! Fuzz target: the response/error parser, owned (`parse_response`) and borrowed
//! (`parse_response_borrowed`) on the same bytes. Both must agree on success vs failure, on the
//! page (TotalCount, item count, each item's BackupId and raw JSON) and on the API error code;
//! an owned page must survive `to_envelope_json` and parse back to itself; the error-envelope
//! reader (`ApiError::from_body`) must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcredis_core::error::ApiError;
use tcredis_core::response::{parse_response, parse_response_borrowed};

fuzz_target!(|body: &[u8]| {
    let owned = parse_response(body);
    let borrowed = parse_response_borrowed(body);
    let _ = ApiError::from_body(body);
    match (&owned, &borrowed) {
        (Ok(page), Ok(view)) => {
            assert_eq!(page.total_count, view.total_count);
            assert_eq!(page.request_id, view.request_id.as_ref());
            assert_eq!(page.backup_set.len(), view.backup_set.len());
            for (item, item_view) in page.backup_set.iter().zip(&view.backup_set) {
                assert_eq!(item.raw_json(), item_view.raw_json());
                assert_eq!(
                    item.fields().backup_id.as_deref(),
                    item_view.backup_id.as_deref()
                );
                assert_eq!(item.fields().status, item_view.status);
            }
            // Round trip: what we would re-emit (CLI json output, mock) parses to the same page.
            let again =
                parse_response(&page.to_envelope_json()).expect("a re-encoded page must parse");
            assert_eq!(&again, page);
        }
        (Err(a), Err(b)) => {
            assert_eq!(
                a.api_error().map(|e| e.code().to_string()),
                b.api_error().map(|e| e.code().to_string())
            );
            // A malformed-body message quotes only a short excerpt, whatever the input size.
            if a.api_error().is_none() {
                assert!(
                    a.to_string().len() < 4096,
                    "malformed-body message too long"
                );
            }
        }
        (a, b) => panic!(
            "owned and borrowed parsers disagree: owned ok={} borrowed ok={}",
            a.is_ok(),
            b.is_ok()
        ),
    }
});
