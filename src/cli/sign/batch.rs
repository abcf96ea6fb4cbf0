//! Signing several files in one run: a progress bar on a terminal that is cleared when done,
//! one report per file, and a summary line at the end.

use std::path::{Path, PathBuf};

use super::super::Ctx;
use super::report;
use crate::sign::{ClaimsSpec, Signed};

pub(super) use report::SignJson;

/// Signs every input whose check passed with `sign`, with the claims its check settled (a
/// failed check or sign is reported and the others go on), and returns each one's report.
pub(super) fn sign_all<'a>(
    ctx: &Ctx,
    checked: &'a [(PathBuf, anyhow::Result<ClaimsSpec>)],
    sign: impl Fn(&Path, &ClaimsSpec) -> anyhow::Result<(PathBuf, Signed)>,
) -> Vec<SignJson<'a>> {
    let progress = (ctx.stderr_is_terminal && checked.len() > 1).then(|| {
        let bar = indicatif::ProgressBar::new(checked.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
                .expect("a valid template"),
        );
        bar
    });
    // Lines printed while the bar is drawn go above it; the bar is cleared at the end.
    let show = |line: &dyn Fn()| match &progress {
        Some(bar) => bar.suspend(line),
        None => line(),
    };
    let mut results = Vec::new();
    for (input, check) in checked {
        if let Some(bar) = &progress {
            bar.set_message(crate::text::escape(&input.display().to_string()));
        }
        let result = match check {
            Err(e) => Err(anyhow::anyhow!("{e:#}")),
            Ok(spec) => sign(input, spec),
        };
        results.push(match result {
            Ok((output, signed)) => {
                show(&|| report::print_human(ctx, input, &output, &signed));
                report::signed_json(input, &output, &signed)
            }
            Err(e) => {
                let message = format!("{e:#}");
                show(&|| {
                    eprintln!(
                        "error: {}: {}",
                        input.display(),
                        crate::text::escape_lines(&message, "  ")
                    )
                });
                SignJson::Failed {
                    input,
                    ok: false,
                    error: message,
                }
            }
        });
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if !ctx.json && checked.len() > 1 {
        let failed = results.iter().filter(|r| !r.is_ok()).count();
        let signed = results.len() - failed;
        if failed == 0 {
            println!("Signed {signed} files");
        } else {
            println!(
                "Signed {signed} of {} files; {failed} failed (errors above)",
                results.len()
            );
        }
    }
    results
}
