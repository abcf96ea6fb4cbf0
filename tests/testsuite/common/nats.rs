//! A real NATS server for the tests: Debian's `nats-server` (installed by `.ci/run`) on a free
//! port of 127.0.0.1, with JetStream storing in a temporary directory; restartable on the same
//! port; stopped when dropped.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The binary Debian's `nats-server` package installs.
const BINARY: &str = "nats-server";

/// A running NATS server.
pub struct Nats {
    child: Option<Child>,
    dir: TempDir,
    port: u16,
    jetstream: bool,
}

impl Nats {
    /// A server with JetStream (`-js`), as the lattice expects.
    pub fn start() -> Nats {
        Nats::launch(true)
    }

    /// A server without JetStream: hosts fall back to a per-host replay check.
    pub fn without_jetstream() -> Nats {
        Nats::launch(false)
    }

    fn launch(jetstream: bool) -> Nats {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut nats = Nats {
            child: None,
            dir,
            port,
            jetstream,
        };
        nats.spawn();
        nats
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("nats.log"))
            .unwrap();
        // Debian installs it in /usr/sbin, which a non-login PATH may lack.
        let sbin = std::path::Path::new("/usr/sbin").join(BINARY);
        let mut cmd = if sbin.is_file() {
            Command::new(sbin)
        } else {
            Command::new(BINARY)
        };
        cmd.args(["-a", "127.0.0.1", "-p", &self.port.to_string()]);
        if self.jetstream {
            cmd.arg("-js").arg("-sd").arg(self.dir.path().join("js"));
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {BINARY} ({e}); install it: apt-get install nats-server")
            });
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nats-server did not start; its log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `nats://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Stops the server (its JetStream state stays in the directory).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("nats.log")).unwrap_or_default()
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        self.stop();
    }
}
