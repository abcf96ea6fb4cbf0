//! A real headless Chromium for the console tests: Debian's `chromium` driven by its
//! `chromedriver` (both installed by `.ci/run`), started on a free port of 127.0.0.1 with a
//! fresh profile and no network use of its own, through the `thirtyfour` WebDriver client.
//! The calls block (each test is a plain `#[test]`); the browser and the driver are stopped
//! when dropped.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;
use thirtyfour::prelude::*;

/// How long the page may take to show something (the machine may be busy with builds).
pub const SHOW_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Browser {
    runtime: tokio::runtime::Runtime,
    driver: Option<WebDriver>,
    chromedriver: Child,
    /// The profile and the driver's log, removed when dropped.
    _dir: TempDir,
}

impl Browser {
    pub fn start() -> Browser {
        // The WebDriver client's reqwest is built with rustls and no provider of its own.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dir = tempfile::tempdir().expect("temp dir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = std::fs::File::create(dir.path().join("chromedriver.log")).unwrap();
        let chromedriver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start chromedriver ({e}); install it: apt-get install chromium chromium-driver")
            });
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let profile = dir.path().join("profile");
        let driver = runtime.block_on(async {
            // chromedriver answers to "chrome"; the binary is Debian's Chromium.
            let mut caps = DesiredCapabilities::chrome();
            caps.set_binary("/usr/bin/chromium")?;
            for arg in [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--window-size=1400,900",
                &format!("--user-data-dir={}", profile.display()),
            ] {
                caps.add_arg(arg)?;
            }
            WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await
        });
        let driver = driver.unwrap_or_else(|e| {
            panic!(
                "cannot start a Chromium session: {e}\nchromedriver's log:\n{}",
                std::fs::read_to_string(dir.path().join("chromedriver.log")).unwrap_or_default()
            )
        });
        Browser {
            runtime,
            driver: Some(driver),
            chromedriver,
            _dir: dir,
        }
    }

    fn driver(&self) -> &WebDriver {
        self.driver.as_ref().expect("a session")
    }

    pub fn goto(&self, url: &str) {
        self.runtime
            .block_on(self.driver().goto(url))
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// Runs `script` (a function body; `arguments[0]` is `arg`) in the page; its return value.
    pub fn script(&self, script: &str, arg: &str) -> Value {
        self.runtime
            .block_on(
                self.driver()
                    .execute(script, vec![Value::String(arg.to_string())]),
            )
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
            .json()
            .clone()
    }

    /// The `textContent` of the first element matching `css`, `None` when there is none.
    pub fn text(&self, css: &str) -> Option<String> {
        self.script(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
            css,
        )
        .as_str()
        .map(str::to_string)
    }

    /// The `textContent` of every element matching `css`.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let value = self.script(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent);",
            css,
        );
        serde_json::from_value(value).unwrap()
    }

    /// How many elements match `css`.
    pub fn count(&self, css: &str) -> usize {
        self.script(
            "return document.querySelectorAll(arguments[0]).length;",
            css,
        )
        .as_u64()
        .unwrap() as usize
    }

    /// Waits until some element matching `css` has text containing `expected`; returns that
    /// text. Fails with the page's text after [`SHOW_TIMEOUT`].
    pub fn wait_for(&self, css: &str, expected: &str) -> String {
        let deadline = Instant::now() + SHOW_TIMEOUT;
        loop {
            if let Some(found) = self.texts(css).into_iter().find(|t| t.contains(expected)) {
                return found;
            }
            if Instant::now() > deadline {
                panic!(
                    "no {css} showing {expected:?} in {SHOW_TIMEOUT:?}; the page says:\n{}",
                    self.text("body").unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Clicks the first element matching `css`, as a person would.
    pub fn click(&self, css: &str) {
        self.runtime
            .block_on(async {
                let element = self.driver().find(By::Css(css)).await?;
                element.click().await
            })
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Clicks the tab button named `tab` (`requests`, `denials`, …).
    pub fn tab(&self, tab: &str) {
        self.click(&format!("#tabs button[data-tab=\"{tab}\"]"));
    }

    /// Writes a PNG of the window to `path`.
    pub fn screenshot(&self, path: &std::path::Path) {
        self.runtime
            .block_on(self.driver().screenshot(path))
            .unwrap_or_else(|e| panic!("cannot take a screenshot: {e}"));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(driver) = self.driver.take() {
            let _ = self.runtime.block_on(driver.quit());
        }
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
    }
}
