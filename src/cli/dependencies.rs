//! The crates an artifact lists (cargo auditable's `.dep-v0`), as `wzt inspect` shows them.

use comfy_table::Cell;
use serde_json::json;

use super::Ctx;
use super::artifact::Source;
use super::output::{self, escape};
use crate::provenance::deps::{self, Crate, DepsError};
use crate::verify::Examined;

/// The artifact's dependency list: `None` when it has none.
pub fn read(examined: &Examined, reader: &mut dyn Source) -> Result<Option<Vec<Crate>>, DepsError> {
    let mut reader = reader;
    deps::read(examined.layout(), &mut reader)
}

/// `dependencies` in `inspect --json`: `null`, the crates, or `{"error": …}`.
pub fn json(read: &Result<Option<Vec<Crate>>, DepsError>) -> serde_json::Value {
    match read {
        Ok(None) => serde_json::Value::Null,
        Ok(Some(crates)) => json!(crates),
        Err(e) => json!({ "error": e.to_string() }),
    }
}

/// Prints the list as a table (nothing when the artifact has none).
pub fn print(ctx: &Ctx, read: &Result<Option<Vec<Crate>>, DepsError>) {
    match read {
        Ok(None) => {}
        Err(e) => println!(
            "{}",
            output::paint(
                ctx,
                &format!("dependencies: {}", escape(&e.to_string())),
                false
            )
        ),
        Ok(Some(crates)) => {
            println!(
                "Dependencies (cargo auditable): {} crate{}",
                crates.len(),
                if crates.len() == 1 { "" } else { "s" }
            );
            let mut table = output::table(ctx);
            table.set_header(["Crate", "Version", "Source", "Kind"]);
            for c in crates {
                table.add_row([
                    Cell::new(format!(
                        "{}{}",
                        escape(&c.name),
                        if c.root { " (root)" } else { "" }
                    )),
                    Cell::new(escape(&c.version)),
                    Cell::new(escape(&c.source)),
                    Cell::new(c.kind),
                ]);
            }
            println!("{table}");
        }
    }
}
