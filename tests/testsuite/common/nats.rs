//! A real NATS server for the tests: Debian's `nats-server` (installed by `.ci/run`) on a free
//! port of 127.0.0.1, with JetStream storing in a temporary directory, and optionally a
//! configuration file (authentication, accounts, TLS) the test writes; restartable on the same
//! port; stopped when dropped. TLS certificates are made with the `openssl` command
//! ([`TestCa`]).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
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
    config: Option<PathBuf>,
    tls: bool,
}

impl Nats {
    /// A server with JetStream (`-js`), as the lattice expects.
    pub fn start() -> Nats {
        Nats::launch(true, |_| None, false)
    }

    /// A server without JetStream: hosts fall back to a per-host replay check.
    pub fn without_jetstream() -> Nats {
        Nats::launch(false, |_| None, false)
    }

    /// A server with JetStream and the configuration `config` writes (given the server's
    /// directory, where it may put files; JetStream's store directory is set on the command
    /// line). With `tls`, the URL is `tls://`.
    pub fn configured(config: impl FnOnce(&Path) -> String, tls: bool) -> Nats {
        Nats::launch(true, |dir| Some(config(dir)), tls)
    }

    fn launch(jetstream: bool, config: impl FnOnce(&Path) -> Option<String>, tls: bool) -> Nats {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let config = config(dir.path()).map(|text| {
            let path = dir.path().join("nats.conf");
            std::fs::write(&path, text).unwrap();
            path
        });
        let mut nats = Nats {
            child: None,
            dir,
            port,
            jetstream,
            config,
            tls,
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
        if let Some(config) = &self.config {
            cmd.arg("-c").arg(config);
        }
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

    /// `nats://127.0.0.1:PORT`, or `tls://…` for a TLS server.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "tls" } else { "nats" };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// `nats://127.0.0.1:PORT`, whatever the server speaks.
    pub fn plain_url(&self) -> String {
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

/// A certificate authority made for one test with the `openssl` command, and a server
/// certificate it signed for 127.0.0.1.
pub struct TestCa {
    pub dir: TempDir,
}

impl TestCa {
    pub fn new() -> TestCa {
        let dir = tempfile::tempdir().expect("temp dir");
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .output()
                .unwrap_or_else(|e| {
                    panic!("cannot run openssl ({e}); install it: apt-get install openssl")
                });
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        openssl(
            &[
                &["req", "-x509"],
                &ec[..],
                &[
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.pem",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=wzt test CA",
                ],
            ]
            .concat(),
        );
        openssl(
            &[
                &["req"],
                &ec[..],
                &[
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr",
                    "-subj",
                    "/CN=127.0.0.1",
                ],
            ]
            .concat(),
        );
        std::fs::write(dir.path().join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ]);
        TestCa { dir }
    }

    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// The `tls {}` block of a nats-server configuration serving this CA's certificate.
    pub fn server_block(&self) -> String {
        format!(
            "tls {{\n  cert_file: \"{}\"\n  key_file: \"{}\"\n}}\n",
            self.dir.path().join("server.pem").display(),
            self.dir.path().join("server.key").display()
        )
    }
}
