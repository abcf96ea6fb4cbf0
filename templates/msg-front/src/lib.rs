//! An HTTP actor in front of a lattice: `GET /greet/NAME` requests `greet` with NAME over
//! messaging and answers with the reply (502 when no answer comes).

wit_bindgen::generate!({ world: "actor", generate_all });

use wasip2::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};
use wasmcloud::messaging::consumer;

struct Actor;

impl wasip2::exports::http::incoming_handler::Guest for Actor {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let path = request.path_with_query().unwrap_or_default();
        let (status, body) = match path.strip_prefix("/greet/") {
            Some(name) => match consumer::request("greet", name.as_bytes(), 5000) {
                Ok(reply) => (200, reply.body),
                Err(e) => (502, format!("no answer on greet: {e}\n").into_bytes()),
            },
            None => (404, b"try /greet/NAME\n".to_vec()),
        };
        let headers = Fields::new();
        headers
            .set("content-type", &[b"text/plain".to_vec()])
            .expect("a valid header");
        let response = OutgoingResponse::new(headers);
        response.set_status_code(status).expect("a valid status");
        let outgoing = response.body().expect("the body is taken once");
        ResponseOutparam::set(out, Ok(response));
        let stream = outgoing.write().expect("the stream is taken once");
        stream
            .blocking_write_and_flush(&body)
            .expect("writing the body");
        drop(stream);
        OutgoingBody::finish(outgoing, None).expect("finishing the body");
    }
}

wasip2::http::proxy::export!(Actor);
