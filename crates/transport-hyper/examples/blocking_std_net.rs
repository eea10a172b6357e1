//! A custom runtime: a listing driven by `tcredis-core`'s `Listing` machine from blocking
//! `std::net` code. The core paces, signs, retries, corrects the clock, keeps the deadline and
//! pages; this file moves bytes and sleeps. Plain `http://` only; see docs/custom-runtime.md.

use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant, UNIX_EPOCH};

use tcredis_core::{
    Backup, CallContext, Credentials, DescribeInstanceBackupsRequest, Endpoint, Listing,
    ListingEvent, ListingOptions, RetryPolicy, TransportFailure,
};

type Answer = (http::StatusCode, http::HeaderMap, Vec<u8>);

/// One HTTP/1.1 exchange on a fresh connection; the answer keeps only the `Date` header.
fn send(endpoint: &Endpoint, request: &http::Request<Vec<u8>>) -> Result<Answer, TransportFailure> {
    let io = |e: std::io::Error| match e.kind() {
        ErrorKind::ConnectionRefused => TransportFailure::Connect,
        ErrorKind::WouldBlock | ErrorKind::TimedOut => TransportFailure::Timeout,
        _ => TransportFailure::Reset,
    };
    let address = (endpoint.host(), endpoint.effective_port());
    let mut stream = TcpStream::connect(address).map_err(io)?;
    let timeout = Some(Duration::from_secs(30));
    stream.set_read_timeout(timeout).map_err(io)?;
    let mut out = format!("{} / HTTP/1.1\r\nConnection: close\r\n", request.method());
    for (name, value) in request.headers() {
        out += &format!("{name}: {}\r\n", value.to_str().unwrap_or_default());
    }
    out += &format!("Content-Length: {}\r\n\r\n", request.body().len());
    let bytes = [out.as_bytes(), request.body()].concat();
    stream.write_all(&bytes).map_err(io)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(io)?;
    let mut parsed_headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut parsed_headers);
    let Ok(httparse::Status::Complete(head_len)) = response.parse(&raw) else {
        return Err(TransportFailure::Reset);
    };
    let (mut headers, mut length) = (http::HeaderMap::new(), None);
    for h in response.headers.iter() {
        let value = http::HeaderValue::from_bytes(h.value).map_err(|_| TransportFailure::Reset)?;
        match h.name.to_ascii_lowercase().as_str() {
            "date" => drop(headers.insert(http::header::DATE, value)),
            "content-length" => length = value.to_str().ok().and_then(|v| v.parse().ok()),
            _ => {}
        }
    }
    let status = http::StatusCode::from_u16(response.code.unwrap_or(0));
    let body = raw.split_off(head_len);
    match status {
        Ok(status) if length.is_none_or(|n: usize| body.len() >= n) => Ok((status, headers, body)),
        _ => Err(TransportFailure::Reset), // unreadable or truncated
    }
}

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// Shared client state: ap-guangzhou, `rate` req/s (0: off), 10 attempts, 60 s deadline a call.
pub fn context(endpoint: &Endpoint, rate: f64) -> Fallible<CallContext> {
    let retry = RetryPolicy::new().with_max_attempts(10)?;
    let ctx = CallContext::builder(endpoint.clone()).region("ap-guangzhou");
    let ctx = ctx.retry(retry).deadline(Duration::from_secs(60));
    Ok(ctx.rate_limit(rate)?.build())
}

/// Every backup of `instance`, `limit` per page; `skew` seconds are added to the local clock.
pub fn list_all(
    ctx: CallContext,
    key: &Credentials,
    instance: &str,
    limit: u32,
    skew: i64,
) -> Fallible<Vec<Backup>> {
    let endpoint = ctx.endpoint().clone();
    if endpoint.scheme().as_str() != "http" {
        return Err("this example speaks plain http:// only".into());
    }
    let mut base = DescribeInstanceBackupsRequest::new();
    base.instance_id = Some(instance.to_owned());
    let mut listing = Listing::new(ctx, base, ListingOptions::new().limit(limit)?)?;
    let mut all = Vec::new();
    loop {
        while let Some(event) = listing.poll() {
            match event {
                ListingEvent::Page(page) => all.extend(page.items),
                ListingEvent::Done => return Ok(all),
                ListingEvent::Failed(e) => return Err(e.into()),
                _ => {} // notes: retries and clock corrections, to trace
            }
        }
        let (now, unix) = (Instant::now(), UNIX_EPOCH.elapsed()?.as_secs() as i64);
        if let Some(transmit) = listing.poll_transmit(now, unix + skew, Some(key)) {
            let at = Instant::now();
            match send(&endpoint, &transmit.request) {
                Ok((status, headers, body)) => listing.handle_response(at, status, &headers, &body),
                Err(failure) => listing.handle_transport_error(at, failure),
            }
        } else if let Some(at) = listing.poll_timeout() {
            std::thread::sleep(at.saturating_duration_since(now));
            listing.handle_timeout(Instant::now());
        }
    }
}

#[allow(dead_code)]
fn main() -> Fallible<()> {
    let url = std::env::args()
        .nth(1)
        .ok_or("usage: blocking_std_net http://HOST:PORT")?;
    // The mock's public demo pair (documented, not a secret).
    let id = "AKIDTCREDISDEMO000000000000000000000";
    let key = Credentials::new(id, "tcredis-demo-key-public-not-secret")?;
    let ctx = context(&Endpoint::parse(&url)?, 20.0)?;
    for backup in list_all(ctx, &key, "crs-demo0001", 100, 0)? {
        println!("{:?} {:?}", backup.backup_id, backup.start_time);
    }
    Ok(())
}
