//! The crates an artifact lists (cargo auditable's `.dep-v0`), as `wzt inspect` shows them.

use comfy_table::Cell;

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

/// `dependencies` in `inspect --json`: the crates, or why they cannot be read (`null`, from
/// `None`, when the artifact has no list).
#[derive(serde::Serialize)]
#[serde(untagged)]
pub enum DependenciesJson<'a> {
    Crates(&'a [Crate]),
    Unreadable { error: String },
}

pub fn json(read: &Result<Option<Vec<Crate>>, DepsError>) -> Option<DependenciesJson<'_>> {
    match read {
        Ok(None) => None,
        Ok(Some(crates)) => Some(DependenciesJson::Crates(crates)),
        Err(e) => Some(DependenciesJson::Unreadable {
            error: e.to_string(),
        }),
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
