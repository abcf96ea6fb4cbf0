//! A serving `wzt` (`wzt run --listen`, `wzt dev`) on a free loopback port: where it listens,
//! its stderr collected line by line, a small HTTP client, and the child killed when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};
use std::time::{Duration, Instant};

use super::Env;

/// How long a server may take to say where it listens (it verifies and compiles the actor
/// first, on a machine other builds may be using).
const START_TIMEOUT: Duration = Duration::from_secs(300);

/// A running `wzt` that serves HTTP on a free port of 127.0.0.1.
pub struct Server {
    child: Child,
    /// `HOST:PORT` it listens on.
    pub addr: String,
    /// The JSON object `wzt run --json` prints first on stdout (`Null` for [`Server::dev`]).
    pub info: serde_json::Value,
    stderr: Log,
}

impl Server {
    /// `wzt run ACTOR --json --listen 127.0.0.1:0 EXTRA…` in `env`'s work directory.
    pub fn run(env: &Env, actor: &str, extra: &[&str]) -> Server {
        let mut cmd = env.command();
        cmd.args(["run", actor, "--json", "--listen", "127.0.0.1:0"])
            .args(extra);
        Server::start(cmd)
    }

    /// `wzt run ACTOR --json EXTRA…` for an actor that only handles messages from the lattice
    /// (`--lattice URL --subscribe SUBJECT` in `extra`): started once its JSON object (with
    /// `"listen": null`) is printed, which it does once subscribed. `addr` is empty.
    pub fn subscriber(env: &Env, actor: &str, extra: &[&str]) -> Server {
        let mut cmd = env.command();
        cmd.args(["run", actor, "--json"]).args(extra);
        Server::launch(cmd, false)
    }

    /// Starts `cmd`, a serving `wzt` given `--json`, and learns its address from the JSON object
    /// it prints first on stdout, `{"listen": "http://ADDR", …}` (on one line or pretty-printed
    /// over several).
    pub fn start(cmd: Command) -> Server {
        Server::launch(cmd, true)
    }

    fn launch(cmd: Command, listens: bool) -> Server {
        let (mut child, stderr) = spawn(cmd);
        let stdout = child.stdout.take().expect("stdout is piped");
        let (first, first_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let mut text = String::new();
            let value = loop {
                match lines.next() {
                    Some(Ok(line)) => {
                        text.push_str(&line);
                        text.push('\n');
                        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
                            break Ok(value);
                        }
                    }
                    _ => break Err(text),
                }
            };
            let _ = first.send(value);
            // Keep draining, so the child never blocks on a full pipe.
            lines.for_each(drop);
        });
        let info = match first_rx.recv_timeout(START_TIMEOUT) {
            Ok(Ok(info)) => info,
            Ok(Err(stdout)) => fail(
                child,
                &stderr,
                &format!("stdout ended before a JSON object:\n{stdout}"),
            ),
            Err(_) => fail(child, &stderr, "no JSON object on stdout in time"),
        };
        let addr = match info["listen"]
            .as_str()
            .and_then(|l| l.strip_prefix("http://"))
        {
            Some(addr) => addr,
            None if !listens => "",
            None => fail(child, &stderr, &format!("no \"listen\" URL in {info}")),
        };
        Server {
            addr: addr.to_string(),
            info,
            child,
            stderr,
        }
    }

    /// Starts `cmd`, a `wzt dev` serving an HTTP actor. `wzt dev` prints no JSON: its address
    /// is in the stderr line `wzt dev: serving NAME on http://ADDR; watching …`.
    pub fn dev(cmd: Command) -> Server {
        let (mut child, stderr) = spawn(cmd);
        let mut stdout = child.stdout.take().expect("stdout is piped");
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let found = stderr.wait_for(START_TIMEOUT, |lines| {
            lines.iter().find_map(|l| {
                let (_, rest) = l
                    .strip_prefix("wzt dev: serving ")?
                    .split_once(" on http://")?;
                Some(rest.split(';').next()?.to_string())
            })
        });
        match found {
            Ok(addr) => Server {
                addr,
                info: serde_json::Value::Null,
                child,
                stderr,
            },
            Err(why) => fail(child, &stderr, &format!("wzt dev never served ({why})")),
        }
    }

    /// A client for this server, to use from another thread.
    pub fn client(&self) -> Http {
        Http {
            addr: self.addr.clone(),
        }
    }

    pub fn get(&self, path: &str) -> Response {
        self.client().get(path)
    }

    pub fn post(&self, path: &str, body: &str) -> Response {
        self.client().post(path, body)
    }

    /// The startup block `wzt run` prints on stderr, up to its `  listening on` line.
    pub fn startup_block(&self) -> String {
        let mut text = self.stderr_containing(&["  listening on http://"]);
        let end = text.find("  listening on http://").unwrap();
        text.truncate(text[end..].find('\n').map_or(text.len(), |n| end + n));
        text + "\n"
    }

    /// Everything collected from stderr so far (another thread reads it, so it may lag the
    /// responses: see the `wait_for` methods).
    pub fn stderr(&self) -> String {
        self.stderr.text()
    }

    /// The first stderr line matching `matches`, waiting up to `within` for it; fails if the
    /// server exits or the time passes first.
    pub fn wait_for_line(&self, within: Duration, matches: impl Fn(&str) -> bool) -> String {
        self.stderr
            .wait_for(within, |lines| lines.iter().find(|l| matches(l)).cloned())
            .unwrap_or_else(|why| panic!("no matching stderr line: {why}"))
    }

    /// The collected stderr once it contains every one of `expected` (each may span lines);
    /// fails after 10 s.
    pub fn stderr_containing(&self, expected: &[&str]) -> String {
        self.stderr
            .wait_for(Duration::from_secs(10), |lines| {
                let text = lines.join("\n");
                expected.iter().all(|e| text.contains(e)).then_some(text)
            })
            .unwrap_or_else(|why| panic!("missing {expected:?}: {why}"))
    }

    /// Sends SIGINT, as Ctrl-C does, to ask for a graceful shutdown.
    pub fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the server to exit by itself (after [`Server::interrupt`]); kills it and fails
    /// if it is still running after `within`.
    pub fn wait(mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "the server did not exit in {within:?}; stderr:\n{}",
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `cmd` with no stdin and both output streams piped; its stderr is collected.
fn spawn(mut cmd: Command) -> (Child, Log) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let stderr = Log::collect(child.stderr.take().expect("stderr is piped"));
    (child, stderr)
}

/// Stops a server that did not start properly and fails with what it printed.
fn fail(mut child: Child, stderr: &Log, why: &str) -> ! {
    let _ = child.kill();
    let status = child.wait();
    // The reader thread gets the last lines once the pipe closes.
    let _ = stderr.wait_for(Duration::from_secs(5), |_| None::<()>);
    panic!("{why}\nexit: {status:?}\nstderr:\n{}", stderr.text())
}

/// The lines a child prints on one stream, collected by a background thread.
#[derive(Clone, Default)]
struct Log(Arc<(Mutex<LogState>, Condvar)>);

#[derive(Default)]
struct LogState {
    lines: Vec<String>,
    closed: bool,
}

impl Log {
    fn collect(stream: impl Read + Send + 'static) -> Log {
        let log = Log::default();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                sink.state().lines.push(line);
                sink.0.1.notify_all();
            }
            sink.state().closed = true;
            sink.0.1.notify_all();
        });
        log
    }

    fn state(&self) -> MutexGuard<'_, LogState> {
        self.0.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn text(&self) -> String {
        self.state().lines.join("\n")
    }

    /// Waits until `done` finds what it looks for in the lines so far; an error (with the
    /// lines) if the stream closes or `within` passes first.
    fn wait_for<T>(
        &self,
        within: Duration,
        mut done: impl FnMut(&[String]) -> Option<T>,
    ) -> Result<T, String> {
        let deadline = Instant::now() + within;
        let mut state = self.state();
        loop {
            if let Some(found) = done(&state.lines) {
                return Ok(found);
            }
            let now = Instant::now();
            if state.closed || now >= deadline {
                let why = if state.closed {
                    "the stream closed"
                } else {
                    "timed out"
                };
                return Err(format!(
                    "{why} (waiting up to {within:?}); it holds:\n{}",
                    state.lines.join("\n")
                ));
            }
            state = self
                .0
                .1
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// A minimal HTTP/1.1 client: one request per connection, read to the end.
#[derive(Clone, Debug)]
pub struct Http {
    addr: String,
}

/// An HTTP response: the status, the head as sent, and the body (de-chunked).
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Http {
    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, "")
            .unwrap_or_else(|e| panic!("GET {path} on {}: {e}", self.addr))
    }

    pub fn post(&self, path: &str, body: &str) -> Response {
        self.request("POST", path, body)
            .unwrap_or_else(|e| panic!("POST {path} on {}: {e}", self.addr))
    }

    /// Sends one request with `Connection: close` and reads the whole response (30 s at most
    /// between reads).
    pub fn request(&self, method: &str, path: &str, body: &str) -> std::io::Result<Response> {
        let mut stream = TcpStream::connect(&self.addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        parse_response(&raw).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("not an HTTP response: {}", String::from_utf8_lossy(&raw)),
            )
        })
    }
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()?;
    let body = &raw[split + 4..];
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .replace(' ', "")
            .starts_with("transfer-encoding:chunked")
    });
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_vec()
    };
    Some(Response {
        status,
        head,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// The payload of a `Transfer-Encoding: chunked` body.
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = rest.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&rest[..eol]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size..)?.strip_prefix(b"\r\n")?;
    }
}
