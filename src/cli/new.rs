//! `wzt new`: create an actor project from a template embedded in the binary.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Args;
use serde_json::json;

use super::{Ctx, Outcome, output};
use crate::project::{self, TEMPLATES};

/// Create an actor project from a template: http-hello, kv-counter or command.
///
/// The project builds to a component with `cargo build --target wasm32-wasip2 --release` and
/// has a wzt.toml, so `wzt sign` and `wzt dev` work in it at once.
#[derive(Debug, Args)]
pub struct Opts {
    /// The directory to create; its name names the actor and the crate.
    path: PathBuf,
    /// The template [default: ask on a terminal, else http-hello].
    #[arg(long, short = 't', value_name = "TEMPLATE")]
    template: Option<String>,
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let name = self
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .context("the project path has no usable name")?
            .to_string();
        project::validate_name(&name).map_err(anyhow::Error::msg)?;
        let template = match &self.template {
            Some(t) => project::template(t).with_context(|| {
                format!(
                    "unknown template '{t}'; choose one of: {}",
                    TEMPLATES
                        .iter()
                        .map(|t| t.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?,
            None if ctx.stdin_is_terminal => {
                let items: Vec<String> = TEMPLATES
                    .iter()
                    .map(|t| format!("{:<11} {}", t.name, t.description))
                    .collect();
                let chosen = dialoguer::Select::new()
                    .with_prompt("Template")
                    .items(&items)
                    .default(0)
                    .interact()?;
                &TEMPLATES[chosen]
            }
            None => &TEMPLATES[0],
        };
        if self.path.exists()
            && std::fs::read_dir(&self.path)
                .map(|mut d| d.next().is_some())
                .unwrap_or(true)
        {
            bail!(
                "{} exists and is not empty; choose a new directory",
                self.path.display()
            );
        }
        for (relative, text) in project::render(template, &name) {
            let path = self.path.join(relative);
            std::fs::create_dir_all(path.parent().expect("a file in the project"))
                .with_context(|| format!("cannot create {}", self.path.display()))?;
            crate::fsutil::write_atomically(&path, None, |w| {
                std::io::Write::write_all(w, text.as_bytes())
            })
            .with_context(|| format!("cannot write {}", path.display()))?;
        }
        if ctx.json {
            output::print_json(&json!({
                "path": self.path,
                "name": name,
                "template": template.name,
            }));
        } else {
            println!(
                "Created {} from the {} template: {}",
                self.path.display(),
                template.name,
                template.description
            );
            println!("Next: cd {} && wzt dev", self.path.display());
        }
        Ok(Outcome::Success)
    }
}
