//! The admin API on the same port (`/_mock/...`, never a real API path): the journal, scripts
//! (and skipped slots), reset, verification and the mock clock, as JSON for tests in any
//! language. Schemas in `docs/mock.md`.

use std::time::SystemTime;

use serde_json::json;

use super::Handler;
use super::envelope::json_response;
use crate::clock::ClockCommand;
use crate::script::Script;

/// Where a journal answer being written has got to: `{"entries":[` first, then batches of
/// entries up to the newest `seq` when it started (later requests are not part of it), then `]}`.
#[derive(Debug, Clone)]
pub struct JournalCursor {
    after: u64,
    until: u64,
    started: bool,
    first_entry: bool,
    done: bool,
}

/// Entries per batch of a journal answer (about 100 KiB of JSON for ordinary entries).
const JOURNAL_BATCH: usize = 256;

impl Handler {
    /// Starts a journal answer at the current newest entry.
    pub fn journal_cursor(&self) -> JournalCursor {
        JournalCursor {
            after: 0,
            until: self.lock().journal.last_seq(),
            started: false,
            first_entry: true,
            done: false,
        }
    }

    /// Appends the next piece of the journal answer (`GET /_mock/journal`) to `out`; `false`
    /// once the answer is complete. Entries dropped meanwhile are skipped; the lock is held for
    /// one batch at a time, so serving a full journal never holds it for long nor copies it.
    pub fn journal_next_chunk(&self, cursor: &mut JournalCursor, out: &mut Vec<u8>) -> bool {
        if cursor.done {
            return false;
        }
        if !cursor.started {
            cursor.started = true;
            out.extend_from_slice(b"{\"entries\":[");
            return true;
        }
        let written = self.lock().journal.write_batch(
            cursor.after,
            cursor.until,
            JOURNAL_BATCH,
            cursor.first_entry,
            out,
        );
        match written {
            Some(last) => {
                cursor.after = last;
                cursor.first_entry = false;
            }
            None => {
                out.extend_from_slice(b"]}");
                cursor.done = true;
            }
        }
        true
    }

    pub(super) fn admin<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
        now: SystemTime,
    ) -> http::Response<Vec<u8>> {
        let method = request.method().as_str();
        let path = request.uri().path();
        let answer = |status: u16, value: serde_json::Value| {
            json_response(status, serde_json::to_vec(&value).unwrap_or_default())
        };
        match (method, path) {
            ("GET", "/_mock/journal") => {
                let mut body = Vec::new();
                let mut cursor = self.journal_cursor();
                while self.journal_next_chunk(&mut cursor, &mut body) {}
                json_response(200, body)
            }
            ("POST", "/_mock/script") => match Script::from_json(request.body().as_ref()) {
                Ok(script) => match self.script(script) {
                    Ok(id) => answer(200, json!({ "id": id })),
                    Err(e) => answer(400, json!({ "error": e.to_string() })),
                },
                Err(e) => answer(400, json!({ "error": e })),
            },
            ("POST", "/_mock/reset") => {
                self.reset();
                answer(200, json!({ "reset": true }))
            }
            // Serialized from the struct so the keys keep the documented order.
            ("GET", "/_mock/clock") => json_response(
                200,
                serde_json::to_vec(&self.clock(now)).unwrap_or_default(),
            ),
            ("POST", "/_mock/clock") => {
                match serde_json::from_slice::<ClockCommand>(request.body().as_ref()) {
                    Ok(command) => match self.clock_command(now, &command) {
                        Ok(reading) => {
                            json_response(200, serde_json::to_vec(&reading).unwrap_or_default())
                        }
                        Err(e) => answer(400, json!({ "error": e.to_string() })),
                    },
                    Err(e) => answer(
                        400,
                        json!({ "error": format!("invalid clock JSON: {e}; expected {{\"set\": TIME}} or {{\"advance\": DURATION}}") }),
                    ),
                }
            }
            ("GET", "/_mock/verify") => match self.verify() {
                Ok(()) => answer(200, json!({ "ok": true })),
                Err(e) => answer(200, json!({ "ok": false, "report": e.to_string() })),
            },
            _ => answer(
                404,
                json!({ "error": format!("no admin endpoint {method} {path}; use GET /_mock/journal, POST /_mock/script, POST /_mock/reset, GET /_mock/verify or GET|POST /_mock/clock") }),
            ),
        }
    }
}
