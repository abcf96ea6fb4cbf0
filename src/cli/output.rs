//! Printing helpers shared by the commands: tables, JSON, colors, escaping, confirmation.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::Ctx;

/// Makes a string from an artifact safe for a terminal: control characters (escape sequences,
/// carriage returns, newlines) and bidirectional overrides are shown escaped, never interpreted.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}');
        if c.is_control() || bidi {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
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
    if ctx.color {
        let code = if good { 32 } else { 31 };
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

pub fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("JSON values always serialize")
    );
}

/// Asks a yes/no question on the terminal; `false` unless the user says yes.
pub fn confirm(prompt: &str) -> anyhow::Result<bool> {
    Ok(dialoguer::Confirm::new()
        .with_prompt(prompt)
        .default(false)
        .interact()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_interpret() {
        assert_eq!(escape("plain name"), "plain name");
        assert_eq!(escape("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape("line\nbreak\r"), "line\\nbreak\\r");
        assert_eq!(escape("evil\u{202E}txt"), "evil\\u{202e}txt");
        assert_eq!(escape("ünïcode ✓"), "ünïcode ✓");
    }
}
