//! A messaging actor: a message on `greet` is answered with `hello, <body>`, on its reply
//! subject when it is a request (else published on `greetings`).

wit_bindgen::generate!({ world: "actor", generate_all });

use exports::wasmcloud::messaging::handler::Guest;
use wasmcloud::messaging::consumer;
use wasmcloud::messaging::types::BrokerMessage;

struct Actor;

impl Guest for Actor {
    fn handle_message(msg: BrokerMessage) -> Result<(), String> {
        if msg.subject != "greet" {
            return Err(format!("{{name}} answers on greet, not on {}", msg.subject));
        }
        let name = String::from_utf8_lossy(&msg.body).into_owned();
        consumer::publish(&BrokerMessage {
            subject: msg.reply_to.unwrap_or_else(|| "greetings".into()),
            body: format!("hello, {name}").into_bytes(),
            reply_to: None,
        })
    }
}

export!(Actor);
