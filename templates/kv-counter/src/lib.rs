//! An HTTP actor that counts visits in key-value storage and logs each one.

wit_bindgen::generate!({ world: "actor", generate_all });

use wasi::keyvalue::{atomics, store};
use wasi::logging::logging::{Level, log};
use wasip2::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

struct Actor;

impl wasip2::exports::http::incoming_handler::Guest for Actor {
    fn handle(_request: IncomingRequest, out: ResponseOutparam) {
        let (status, body) = match count() {
            Ok(n) => {
                log(Level::Info, "{{name}}", &format!("visit number {n}"));
                (200, format!("Hello from {{name}}, visitor number {n}!\n"))
            }
            Err(e) => {
                log(Level::Error, "{{name}}", &e);
                (500, format!("{e}\n"))
            }
        };
        let response = OutgoingResponse::new(Fields::new());
        response.set_status_code(status).expect("a valid status");
        let outgoing = response.body().expect("the body is taken once");
        ResponseOutparam::set(out, Ok(response));
        let stream = outgoing.write().expect("the stream is taken once");
        stream
            .blocking_write_and_flush(body.as_bytes())
            .expect("writing the body");
        drop(stream);
        OutgoingBody::finish(outgoing, None).expect("finishing the body");
    }
}

fn count() -> Result<u64, String> {
    let bucket = store::open("default").map_err(|e| format!("opening the bucket: {e:?}"))?;
    atomics::increment(&bucket, "visits", 1).map_err(|e| format!("incrementing: {e:?}"))
}

wasip2::http::proxy::export!(Actor);
