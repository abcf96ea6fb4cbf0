//! Printing helpers shared by the commands: tables, JSON, colors, escaping, the output format.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::Ctx;

/// Makes a string from an artifact safe for a terminal (see [`crate::text`]).
pub use crate::text::escape;

/// The largest file `--data @FILE` reads (a request or message body).
pub const MAX_DATA_FILE: u64 = 64 << 20;

/// A `--data` value: the text itself, or the bytes of `@FILE` (a regular file, a symbolic link
/// to one followed, of at most [`MAX_DATA_FILE`]).
pub fn data_arg(data: &str) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context as _;
    match data.strip_prefix('@') {
        Some(path) => {
            crate::fsutil::read_named(std::path::Path::new(path), MAX_DATA_FILE).context("--data")
        }
        None => Ok(data.as_bytes().to_vec()),
    }
}

/// Writes a body that came from an actor or a peer to stdout: as it is when stdout is piped
/// or redirected (byte for byte), escaped on a terminal ([`crate::text::escape_body`]: its
/// lines kept, nothing in it interpreted by the terminal).
pub fn write_body(out: &mut impl std::io::Write, body: &[u8]) -> std::io::Result<()> {
    use std::io::IsTerminal as _;
    if std::io::stdout().is_terminal() {
        out.write_all(crate::text::escape_body(body).as_bytes())
    } else {
        out.write_all(body)
    }
}

/// Prints `line` and a newline on stderr in one write (stderr is unbuffered: `eprintln!`
/// writes each piece of a formatted line on its own, a cost on every served request that
/// logs). A failed write to stderr is not an error of the run.
pub fn eprint_line(line: &impl std::fmt::Display) {
    use std::io::Write as _;
    let mut text = line.to_string();
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// A table styled for where it goes: box drawing on a terminal, plain ASCII otherwise.
pub fn table(ctx: &Ctx) -> Table {
    let mut table = Table::new();
    if ctx.color {
        table.load_preset(presets::UTF8_FULL_CONDENSED);
        table.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table.load_preset(presets::ASCII_FULL_CONDENSED);
        table.force_no_tty();
    }
    table
}

/// Keeps column `index` as wide as its content on a terminal (a key, a hash, an interface
/// name: text that must not be broken over lines); the other columns wrap instead.
pub fn keep_whole(table: &mut Table, index: usize) {
    if let Some(column) = table.column_mut(index) {
        column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
    }
}

/// A cell for a good or bad status, green or red when color is on.
pub fn status_cell(ctx: &Ctx, text: &str, good: bool) -> Cell {
    let cell = Cell::new(text);
    if ctx.color {
        cell.fg(if good { Color::Green } else { Color::Red })
    } else {
        cell
    }
}

/// `text` in green or red when color is on.
pub fn paint(ctx: &Ctx, text: &str, good: bool) -> String {
    paint_code(ctx, text, if good { 32 } else { 31 })
}

/// `text` in yellow when color is on: something to know, not a failure.
pub fn paint_warn(ctx: &Ctx, text: &str) -> String {
    paint_code(ctx, text, 33)
}

fn paint_code(ctx: &Ctx, text: &str, code: u8) -> String {
    if ctx.color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// What a command prints on stdout: `-o json` is `--json`, wash's habit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Machine-readable JSON (the same as --json).
    Json,
    /// Text for a person (the default).
    Text,
}

/// `-o json` / `-o text`, for the commands that write no output file (where `-o` names that
/// file instead: `sign`, `pull`, `lattice endorse`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FormatOpt {
    /// The output format: json (the same as --json) or text.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FORMAT",
        value_enum,
        help_heading = "Output"
    )]
    pub output: Option<Format>,
}

/// Prints `value` as pretty JSON. Strings keep their raw values, but every character a
/// terminal could interpret is written as a `\uXXXX` escape: serde_json escapes C0 controls
/// only, not DEL, C1 controls or bidirectional overrides.
pub fn print_json(value: &impl serde::Serialize) {
    let text = serde_json::to_string_pretty(value).expect("output types always serialize");
    println!("{}", json_escape_unsafe(&text));
}

/// Prints `value` as one line of JSON (for JSON-lines streams), unsafe characters escaped.
pub fn print_json_line(value: &impl serde::Serialize) {
    let text = serde_json::to_string(value).expect("output types always serialize");
    println!("{}", json_escape_unsafe(&text));
}

/// Rewrites unsafe characters in serialized JSON as `\uXXXX`: they only occur inside strings
/// (a raw newline is the pretty printer's), where the escape denotes the same character.
fn json_escape_unsafe(json: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c != '\n' && crate::text::is_unsafe(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// One line saying whose actor this is: `NAME VERSION, issuer A…`, or, for an unsigned one,
/// `unsigned, allowed by the policy`; what came from the artifact is escaped.
pub fn claims_line(claims: Option<&crate::claims::Claims>) -> String {
    match claims {
        Some(c) => format!(
            "{}{}, issuer {}",
            escape(c.metadata.name.as_deref().unwrap_or("unnamed")),
            c.metadata
                .ver
                .as_deref()
                .map(|v| format!(" {}", escape(v)))
                .unwrap_or_default(),
            escape(&c.issuer)
        ),
        None => "unsigned, allowed by the policy".to_string(),
    }
}

/// Why an actor was refused, on stderr: `heading` (e.g. `refusing to run x.wasm:`), then each
/// failure as `  [code] message` (messages escape the outside text they carry).
pub fn print_failures(heading: &str, failures: &[crate::verify::Failure]) {
    eprintln!("{heading}");
    for f in failures {
        eprintln!("  [{}] {f}", f.code());
    }
}

impl super::Command {
    /// `-o json|text`, for the commands that write no output file.
    pub(super) fn output_format(&self) -> Option<Format> {
        match self {
            super::Command::New(o) => o.format.output,
            super::Command::Keys(o) => o.output,
            super::Command::Inspect(o) => o.format.output,
            super::Command::Verify(o) => o.format.output,
            super::Command::Policy(o) => o.output,
            super::Command::Push(o) => o.format.output,
            super::Command::Run(o) => o.format.output,
            super::Command::Dev(o) => o.format.output,
            super::Command::Build(o) => o.format.output,
            super::Command::Doctor(o) => o.format.output,
            super::Command::Lattice(o) => o.format(),
            super::Command::Claims(o) => o.format(),
            super::Command::Sign(_)
            | super::Command::Pull(_)
            | super::Command::Attest(_)
            | super::Command::Completions(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_output_shows_no_interpretable_character_and_keeps_the_value() {
        let value = serde_json::json!({ "s": "a\u{202e}b\u{9b}2J\u{7f}\n\u{1b}" });
        let text = json_escape_unsafe(&serde_json::to_string_pretty(&value).unwrap());
        assert!(
            !text.chars().any(|c| c != '\n' && crate::text::is_unsafe(c)),
            "{text}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }
}
