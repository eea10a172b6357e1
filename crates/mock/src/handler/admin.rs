//! The admin API on the same port (`/_mock/...`, never a real API path): the journal, scripts
//! (and skipped slots), reset, verification and the mock clock, as JSON for tests in any
//! language. Schemas in `docs/mock.md`.

use std::time::SystemTime;

use serde_json::json;

use super::Handler;
use super::envelope::json_response;
use crate::clock::ClockCommand;
use crate::script::Script;

impl Handler {
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
            ("GET", "/_mock/journal") => answer(200, json!({ "entries": self.journal() })),
            ("POST", "/_mock/script") => {
                match serde_json::from_slice::<Script>(request.body().as_ref()) {
                    Ok(script) => match self.script(script) {
                        Ok(id) => answer(200, json!({ "id": id })),
                        Err(e) => answer(400, json!({ "error": e.to_string() })),
                    },
                    Err(e) => answer(400, json!({ "error": format!("invalid script JSON: {e}") })),
                }
            }
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
