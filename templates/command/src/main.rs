//! A command actor: greets the names given as arguments.
fn main() {
    let names: Vec<String> = std::env::args().skip(1).collect();
    if names.is_empty() {
        println!("Hello from {{name}}!");
    }
    for name in names {
        println!("Hello, {name}, from {{name}}!");
    }
}
