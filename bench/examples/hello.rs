//! The bare hyper server that section 3 compares the mock with: HTTP/1.1 keep-alive on
//! `127.0.0.1:0`, on a multi-threaded tokio runtime (the mock binary's shape). It reads each
//! request body in full and answers `200` with the bytes of the file given as its only argument
//! (the runner passes the mock's own answer to the benchmark request, so both servers receive
//! the same POST and send a body of the same size). Prints `listening on http://ADDR`.
//!
//! `hello ANSWER_FILE`

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

async fn answer(
    request: Request<hyper::body::Incoming>,
    body: Bytes,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let received = request.into_body().collect().await;
    std::hint::black_box(received.map(|collected| collected.to_bytes().len()).ok());
    let mut response = Response::new(Full::new(body));
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: hello ANSWER_FILE (the body every request is answered with)");
        std::process::exit(2);
    };
    let body = Bytes::from(std::fs::read(&path)?);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let body = body.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(request, body.clone()));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
