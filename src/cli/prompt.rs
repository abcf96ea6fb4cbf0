//! Questions on the terminal (dialoguer): menus, confirmations and hidden passphrases. A person
//! who leaves one with Esc or Ctrl-C gets the terminal back as it was (cursor shown, echo on)
//! and wzt exits 130, as a shell does for Ctrl-C, without an error message.

use std::sync::OnceLock;

/// The person left a question (Esc at a menu or a confirmation); `main` exits 130 quietly.
#[derive(Debug, thiserror::Error)]
#[error("cancelled at the prompt")]
pub struct Cancelled;

/// The exit code for a question left with Esc or Ctrl-C (128 + SIGINT).
pub const CANCELLED_EXIT: u8 = 130;

/// The terminal settings before the first question, restored by [`on_interrupt`].
static TERMINAL: OnceLock<libc::termios> = OnceLock::new();

/// Runs on SIGINT while a question is on the screen (console raises it for Ctrl-C read in raw
/// mode; in a passphrase prompt the terminal sends it): puts the terminal settings back, shows
/// the cursor dialoguer hid, and exits 130. Only async-signal-safe calls.
extern "C" fn on_interrupt(_: libc::c_int) {
    const SHOW_CURSOR: &[u8] = b"\n\x1b[?25h";
    // SAFETY: tcsetattr, write and _exit are async-signal-safe; `TERMINAL` is only read here,
    // after it was set (a OnceLock is never written again).
    unsafe {
        if let Some(saved) = TERMINAL.get() {
            libc::tcsetattr(0, libc::TCSANOW, saved);
        }
        libc::write(2, SHOW_CURSOR.as_ptr().cast(), SHOW_CURSOR.len());
        libc::_exit(i32::from(CANCELLED_EXIT));
    }
}

/// While it lives, Ctrl-C restores the terminal and exits 130 (see [`on_interrupt`]).
struct InterruptGuard {
    previous: libc::sighandler_t,
}

impl InterruptGuard {
    fn new() -> InterruptGuard {
        // SAFETY: tcgetattr fills the termios it is given; signal installs a handler that
        // only makes async-signal-safe calls.
        unsafe {
            if TERMINAL.get().is_none() {
                let mut termios = std::mem::MaybeUninit::<libc::termios>::uninit();
                if libc::tcgetattr(0, termios.as_mut_ptr()) == 0 {
                    let _ = TERMINAL.set(termios.assume_init());
                }
            }
            let handler = on_interrupt as extern "C" fn(libc::c_int);
            InterruptGuard {
                previous: libc::signal(libc::SIGINT, handler as libc::sighandler_t),
            }
        }
    }
}

impl Drop for InterruptGuard {
    fn drop(&mut self) {
        // SAFETY: puts back the disposition `new` replaced.
        unsafe {
            libc::signal(libc::SIGINT, self.previous);
        }
    }
}

/// Asks the person to pick one of `items` (arrows, Enter); Esc or `q` leaves: [`Cancelled`].
pub fn select(prompt: &str, items: &[String], default: usize) -> anyhow::Result<usize> {
    let _guard = InterruptGuard::new();
    dialoguer::Select::new()
        .with_prompt(prompt)
        .items(items)
        .default(default)
        .interact_opt()?
        .ok_or_else(|| Cancelled.into())
}

/// Asks a yes/no question; `false` unless the person says yes. Esc leaves: [`Cancelled`].
pub fn confirm(prompt: &str) -> anyhow::Result<bool> {
    let _guard = InterruptGuard::new();
    dialoguer::Confirm::new()
        .with_prompt(prompt)
        .default(false)
        .interact_opt()?
        .ok_or_else(|| Cancelled.into())
}

/// Reads a hidden line (a passphrase or a seed), once, or twice to confirm a new one (asked
/// again until both agree).
pub fn hidden(prompt: &str, confirm: Option<(&str, &str)>) -> Result<String, dialoguer::Error> {
    let _guard = InterruptGuard::new();
    let mut question = dialoguer::Password::new().with_prompt(prompt);
    if let Some((again, mismatch)) = confirm {
        question = question.with_confirmation(again, mismatch);
    }
    question.interact()
}
