//! The checked-in shell completions and man pages must match what the current CLI generates.
//! Regenerate them with `WZT_BLESS=1 cargo test --test testsuite generated::`.

use std::path::Path;

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bless = std::env::var_os("WZT_BLESS").is_some();
    let files = wzt::cli::docs::generated_files();
    assert!(
        files
            .iter()
            .any(|(p, _)| p == Path::new("man/wzt-keys-gen.1"))
    );
    assert!(
        files
            .iter()
            .any(|(p, _)| p == Path::new("completions/wzt.bash"))
    );
    let mut stale = Vec::new();
    for (relative, contents) in &files {
        let path = root.join(relative);
        if std::fs::read(&path).ok().as_deref() != Some(contents.as_slice()) {
            if bless {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, contents).unwrap();
            } else {
                stale.push(relative.display().to_string());
            }
        }
    }
    // Files for commands that no longer exist are stale too.
    for dir in ["completions", "man"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let relative = Path::new(dir).join(entry.unwrap().file_name());
            if !files.iter().any(|(p, _)| *p == relative) {
                if bless {
                    std::fs::remove_file(root.join(&relative)).unwrap();
                } else {
                    stale.push(format!("{} (no longer generated)", relative.display()));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}; run `WZT_BLESS=1 cargo test --test testsuite generated::`"
    );
}

/// The codes listed in the first Markdown table after the line containing `heading` in `text`
/// (the first column, as `` `code` ``).
fn table_codes(text: &str, heading: &str) -> Vec<String> {
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("no `{heading}`"));
    text[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|row| {
            let first = row.trim_start_matches('|').split('|').next()?.trim();
            Some(first.strip_prefix('`')?.strip_suffix('`')?.to_string())
        })
        .collect()
}

/// README and docs/design.md list exactly the failure codes verification gives.
#[test]
fn failure_codes_are_documented_exactly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut codes: Vec<String> = wzt::verify::Failure::codes()
        .into_iter()
        .map(String::from)
        .collect();
    codes.sort();
    for (file, heading) in [
        ("README.md", "Failure codes (stable"),
        ("docs/design.md", "The codes, from"),
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let mut documented = table_codes(&text, heading);
        documented.sort();
        assert_eq!(documented, codes, "{file}'s table of failure codes");
    }
}
