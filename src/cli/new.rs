//! `wzt new`: create an actor project from a template embedded in the binary.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;

use super::{Ctx, Outcome, output};
use crate::project::{self, TEMPLATES};

/// Create an actor project from a template: http-hello, kv-counter, msg-greeter, msg-front or
/// command.
///
/// The project builds to a component with `cargo build --target wasm32-wasip2 --release` and
/// has a wzt.toml, so `wzt build` and `wzt dev` work in it at once. wash's grammar,
/// `wzt new component NAME`, is read as `wzt new NAME`. `--list` shows the templates.
#[derive(Debug, Args)]
pub struct Opts {
    /// The directory to create; its name names the actor and the crate.
    #[arg(required_unless_present = "list")]
    path: Option<PathBuf>,
    /// After `component` or `actor` (wash's `new component NAME`): the directory to create.
    #[arg(hide = true)]
    wash_name: Option<PathBuf>,
    /// The template [default: ask on a terminal, else http-hello].
    #[arg(long, short = 't', value_name = "TEMPLATE")]
    template: Option<String>,
    /// List the templates, one line each, and create nothing.
    #[arg(long, conflicts_with_all = ["path", "template"])]
    list: bool,
    #[command(flatten)]
    pub(super) format: super::output::FormatOpt,
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        if self.list {
            return list(ctx);
        }
        // wash's grammar: `new component NAME` (or `new actor NAME`).
        let wash_kind = |p: &Path| p == Path::new("component") || p == Path::new("actor");
        let dir = match (self.path.clone(), self.wash_name.clone()) {
            (Some(kind), Some(name)) if wash_kind(&kind) => name,
            (Some(first), Some(second)) => bail!(
                "unexpected argument '{}': `wzt new` takes one directory (`wzt new {}`; wash's `new component NAME` also works)",
                second.display(),
                first.display()
            ),
            (Some(kind), None) if wash_kind(&kind) => {
                bail!(
                    "`wzt new {}` reads as wash's grammar and names no project: `wzt new {0} NAME` or `wzt new NAME` (for a directory really called {0}, write `wzt new ./{0}`)",
                    kind.display()
                )
            }
            (Some(path), None) => path,
            (None, _) => bail!("name the directory to create: `wzt new NAME`"),
        };
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .context("the project path has no usable name")?
            .to_string();
        project::validate_name(&name).map_err(anyhow::Error::msg)?;
        let template = match &self.template {
            Some(t) => project::template(t).with_context(|| {
                format!(
                    "unknown template '{}'{}; choose one of: {} (`wzt new --list` describes them)",
                    output::escape(t),
                    match project::suggest_template(t).as_slice() {
                        [] => String::new(),
                        names => format!(
                            " (did you mean {}?)",
                            names
                                .iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        ),
                    },
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
                &TEMPLATES[super::prompt::select("Template", &items, 0)?]
            }
            None => &TEMPLATES[0],
        };
        if dir.exists()
            && std::fs::read_dir(&dir)
                .map(|mut d| d.next().is_some())
                .unwrap_or(true)
        {
            bail!(
                "{} exists and is not empty; choose a new directory",
                dir.display()
            );
        }
        for (relative, text) in project::render(template, &name) {
            let path = dir.join(relative);
            std::fs::create_dir_all(path.parent().expect("a file in the project"))
                .with_context(|| format!("cannot create {}", dir.display()))?;
            // Never over a file that appeared since the directory was found empty.
            crate::fsutil::write_atomically(&path, None, crate::fsutil::Existing::Refuse, |w| {
                std::io::Write::write_all(w, text.as_bytes())
            })
            .with_context(|| format!("cannot write {}", path.display()))?;
        }
        if ctx.json {
            output::print_json(&CreatedJson {
                path: &dir,
                name: &name,
                template: template.name,
            });
        } else {
            println!(
                "Created {} from the {} template: {}",
                dir.display(),
                template.name,
                template.description
            );
            println!("Next: cd {} && wzt dev", dir.display());
        }
        Ok(Outcome::Success)
    }
}

/// `wzt new --json`.
#[derive(serde::Serialize)]
struct CreatedJson<'a> {
    path: &'a std::path::Path,
    name: &'a str,
    template: &'a str,
}

/// One template of `wzt new --list --json`.
#[derive(serde::Serialize)]
struct TemplateJson {
    name: &'static str,
    description: &'static str,
}

/// `wzt new --list`: one line per template.
fn list(ctx: &Ctx) -> anyhow::Result<Outcome> {
    if ctx.json {
        let templates: Vec<TemplateJson> = TEMPLATES
            .iter()
            .map(|t| TemplateJson {
                name: t.name,
                description: t.description,
            })
            .collect();
        output::print_json(&templates);
    } else {
        for t in TEMPLATES {
            println!("{:<11} {}", t.name, t.description);
        }
    }
    Ok(Outcome::Success)
}
