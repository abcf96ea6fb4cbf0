//! A real OCI registry for the tests: Debian's `docker-registry` (the CNCF distribution
//! registry, installed by `.ci/run`) on a free port of 127.0.0.1, storing in a temporary
//! directory, optionally behind htpasswd basic auth; its log kept to count requests; stopped
//! when dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The registry binary Debian's `docker-registry` package installs.
const BINARY: &str = "docker-registry";

/// A running registry.
pub struct Registry {
    child: Child,
    dir: TempDir,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Registry {
    /// An open registry.
    pub fn start() -> Registry {
        Registry::launch(None)
    }

    /// A registry that requires basic auth as `user` with `password` (a bcrypt htpasswd file).
    pub fn with_basic_auth(user: &str, password: &str) -> Registry {
        Registry::launch(Some((user, password)))
    }

    fn launch(auth: Option<(&str, &str)>) -> Registry {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let storage = dir.path().join("storage");
        let mut config = format!(
            "version: 0.1\n\
             log:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: false\n\
             storage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n\
             http:\n  addr: {addr}\n",
            storage.display()
        );
        if let Some((user, password)) = auth {
            let hash = bcrypt::hash_with_result(password, 4)
                .expect("bcrypt")
                .format_for_version(bcrypt::Version::TwoY);
            let htpasswd = dir.path().join("htpasswd");
            std::fs::write(&htpasswd, format!("{user}:{hash}\n")).unwrap();
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: wzt-test\n    path: {}\n",
                htpasswd.display()
            ));
        }
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).unwrap();
        let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(BINARY)
            .arg("serve")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {BINARY} ({e}); install it: apt-get install docker-registry")
            });
        let registry = Registry { child, dir, addr };
        registry.wait_ready();
        registry
    }

    /// Waits until `/v2/` answers (200, or 401 behind auth).
    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(mut stream) = TcpStream::connect(&self.addr) {
                let _ = write!(
                    stream,
                    "GET /v2/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                    self.addr
                );
                let mut answer = String::new();
                let _ = stream.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.1 401") {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the registry did not start; its log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `127.0.0.1:PORT/REPOSITORY:TAG` on this registry.
    pub fn reference(&self, repository_and_tag: &str) -> String {
        format!("{}/{repository_and_tag}", self.addr)
    }

    /// Everything the registry logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    /// How many GET requests for the blob `digest` (`sha256:…`) the registry has logged.
    pub fn blob_gets(&self, digest: &str) -> usize {
        let path = format!("/blobs/{digest}");
        self.log()
            .lines()
            .filter(|l| l.contains(&path) && l.contains("\"GET "))
            .count()
    }

    /// One raw HTTP request to the registry (no auth): the status and the body. For tests
    /// that change what the registry holds behind wzt's back.
    pub fn http(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.addr).expect("the registry is up");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\nAccept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json\r\n",
            self.addr,
            body.len()
        );
        if let Some(t) = content_type {
            head.push_str(&format!("Content-Type: {t}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let split = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP answer");
        let head = String::from_utf8_lossy(&answer[..split]).to_string();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        assert!(
            !head
                .to_ascii_lowercase()
                .contains("transfer-encoding: chunked"),
            "a chunked answer: {head}"
        );
        (status, answer[split + 4..].to_vec())
    }

    /// Where the registry keeps the content of `digest` (`sha256:…`).
    pub fn blob_file(&self, digest: &str) -> PathBuf {
        let hex = digest.strip_prefix("sha256:").expect("a sha256 digest");
        self.dir
            .path()
            .join("storage/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
