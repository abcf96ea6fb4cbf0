//! The console (`wzt run --console`, `wzt dev --console`): what a real headless Chromium shows
//! of a running actor, that outside text stays text, and what the console refuses.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::browser::Browser;
use crate::common::{self, Env, Server};

const P2: &str = "wasm32-wasip2";

/// A payload that runs script if it ever becomes markup (it retitles the page).
const XSS: &str = "<img src=x onerror=\"document.title='pwned'\">";

fn setup() -> Env {
    let env = Env::new();
    common::store_account(&env);
    env
}

/// `wzt run ACTOR --json --listen 127.0.0.1:0 --console EXTRA…`, and the console's URL from
/// its startup object.
fn run_with_console(env: &Env, actor: &str, extra: &[&str]) -> (Server, String) {
    let mut args = vec!["--console"];
    args.extend_from_slice(extra);
    let server = Server::run(env, actor, &args);
    let url = server.info["console"]
        .as_str()
        .unwrap_or_else(|| panic!("no console URL in {}", server.info))
        .to_string();
    // The stderr line says the same.
    server.stderr_containing(&[&format!("console: {url}")]);
    (server, url)
}

/// Opens the console and waits until its event stream is live.
fn open(browser: &Browser, url: &str) {
    browser.goto(url);
    browser.wait_for("#conn", "live");
}

/// The first row of the requests table whose path is `path`, clicked.
fn click_request(browser: &Browser, path: &str) {
    browser.wait_for("#requests .req-path", path);
    let clicked = browser.script(
        "const cell = Array.from(document.querySelectorAll('#requests .req-path'))
             .find(c => c.textContent === arguments[0]);
         if (!cell) return false;
         cell.closest('tr').click();
         return true;",
        path,
    );
    assert_eq!(clicked, true, "no request row for {path}");
}

#[test]
fn the_console_shows_requests_their_calls_denials_logs_grants_and_the_store() {
    let env = setup();
    let actor = common::sign_fixture(
        &env,
        "kv-actor",
        P2,
        "http,kv,log,config",
        "counter_s.wasm",
        &["--name", "counter", "--ver", "1.2.0"],
    );
    env.write("seed.json", br#"{"default": {"greeting": "hello"}}"#);
    let (server, url) = run_with_console(&env, &actor, &["--mock-caps", "--kv-seed", "seed.json"]);
    // The stderr shows no trace or request lines: the console does not ask for them there.
    let browser = Browser::start();
    open(&browser, &url);
    // The token left the address bar at once.
    assert!(
        !browser
            .script("return location.href;", "")
            .as_str()
            .unwrap()
            .contains("token"),
        "the token stays in the address bar"
    );
    assert!(server.get("/incr?key=hits").body.contains("hits=1"));
    assert!(server.get("/incr?key=hits").body.contains("hits=2"));
    assert_eq!(server.get("/incr?bucket=cache").status, 503);
    assert_eq!(server.get("/log").status, 200);

    // Requests, newest first, with method, path, status, duration.
    browser.wait_for("#requests .req-path", "/log");
    let paths = browser.texts("#requests .req-path");
    assert_eq!(
        paths,
        [
            "/log",
            "/incr?bucket=cache",
            "/incr?key=hits",
            "/incr?key=hits"
        ]
    );
    assert_eq!(
        browser.texts("#requests .req-status"),
        ["200", "503", "200", "200"]
    );
    // A request's headers and capability calls.
    click_request(&browser, "/incr?key=hits");
    let detail = browser.wait_for("#request-detail", "wasi:keyvalue/atomics.increment");
    assert!(detail.contains("GET /incr?key=hits"), "{detail}");
    assert!(detail.contains("host127.0.0.1:"), "{detail}");
    assert!(detail.contains("wasi:keyvalue/store.open"), "{detail}");
    assert!(detail.contains("default/hits by 1"), "{detail}");
    assert!(detail.contains("wasi:logging/logging.log"), "{detail}");
    // (the newest of the two: hits went from 1 to 2)
    assert!(
        detail.contains("[log info kv-actor] hits is now 2"),
        "{detail}"
    );

    // The denial, highlighted, with the exact fix.
    browser.tab("denials");
    let denial = browser.wait_for("#denials .denial", "wasi:keyvalue/store.open");
    assert!(denial.contains("bucket \"cache\""), "{denial}");
    assert!(denial.contains("error: no such bucket"), "{denial}");
    assert_eq!(
        browser.text("#denials .denial .paste").as_deref(),
        Some("\"cache\": {}")
    );
    assert!(denial.contains("--kv-seed file"), "{denial}");

    // Logs, each level the actor logged at or above info.
    browser.tab("logs");
    browser.wait_for("#logs .log-text", "hits is now 2");
    let lines = browser.texts("#logs .log-text");
    for level in ["info", "warn", "error", "critical"] {
        assert!(
            lines.contains(&format!("a {level} line")),
            "{level}: {lines:?}"
        );
    }
    assert!(!lines.contains(&"a debug line".to_string()));

    // Claims and grants, each marked by what the run saw; the grants it needed.
    browser.tab("actor");
    browser.wait_for("#claims", "1.2.0");
    let claims = browser.text("#claims").unwrap();
    assert!(claims.contains("namecounter"), "{claims}");
    assert!(claims.contains(&env.public_key("account")), "{claims}");
    let grant = |cap: &str| {
        browser
            .text(&format!("#grants tr[data-cap=\"{cap}\"] .badge"))
            .unwrap_or_default()
    };
    browser.wait_for("#grants tr[data-cap=\"kv\"] .badge", "denied");
    assert_eq!(grant("http"), "used");
    assert_eq!(grant("log"), "used");
    assert_eq!(grant("config"), "unused");
    assert_eq!(
        browser.text("#observed .observed-toml").as_deref(),
        Some("caps = [\"http\", \"kv\", \"log\"]")
    );
    assert_eq!(
        browser.text("#observed .observed-sign").as_deref(),
        Some("wzt sign --caps http,kv,log")
    );
    assert_eq!(browser.text("#observed .unused").as_deref(), Some("config"));

    // The key-value store, by bucket.
    browser.tab("kv");
    browser.wait_for("#kv-entries .kv-key", "hits");
    assert_eq!(browser.texts("#kv-entries .kv-key"), ["greeting", "hits"]);
    assert_eq!(browser.texts("#kv-entries .kv-value"), ["hello", "2"]);
    assert!(
        browser
            .text("#kv-store")
            .unwrap()
            .contains("in memory, seeded from seed.json")
    );

    if let Some(path) = std::env::var_os("WZT_SCREENSHOT") {
        browser.tab("requests");
        click_request(&browser, "/incr?key=hits");
        browser.wait_for("#request-detail", "atomics.increment");
        browser.screenshot(std::path::Path::new(&path));
    }

    // The browser visiting the actor itself does not hand it the console's cookie: it is
    // scoped to the console's own path.
    browser.goto(&format!("http://{}/incr?key=browser", server.addr));
    // Back on the console without the token in the URL: the cookie is the session.
    let plain = url.split('#').next().unwrap();
    open(&browser, plain);
    click_request(&browser, "/incr?key=browser");
    let detail = browser.wait_for("#request-detail", "Request headers");
    assert!(detail.contains("user-agent"), "{detail}");
    assert!(!detail.contains("wzt_console"), "{detail}");
    assert!(!detail.to_lowercase().contains("cookie"), "{detail}");

    // stderr carried only what the flags ask for: no trace or request lines.
    let stderr = server.stderr();
    assert!(!stderr.contains("[trace]"), "{stderr}");
    assert!(!stderr.contains("GET /incr"), "{stderr}");
}

#[test]
fn the_console_marks_each_signed_scope_and_gives_a_scope_denial_its_flag() {
    let env = setup();
    let actor = common::sign_fixture(
        &env,
        "kv-actor",
        P2,
        "http,kv,log",
        "scoped_s.wasm",
        &["--scope", "kv.bucket=default", "--scope", "kv.bucket=extra"],
    );
    env.write("seed.json", br#"{"default": {}}"#);
    let (server, url) = run_with_console(&env, &actor, &["--mock-caps", "--kv-seed", "seed.json"]);
    let browser = Browser::start();
    open(&browser, &url);
    assert!(server.get("/incr?key=hits").body.contains("hits=1"));
    assert_eq!(server.get("/incr?key=k&bucket=other").status, 503);

    // The denial names the scope to sign, as a flag and as the wzt.toml line.
    browser.tab("denials");
    browser.wait_for("#denials .denial", "outside the signed scope kv.bucket");
    assert_eq!(
        browser.texts("#denials .denial .paste"),
        [
            "--scope kv.bucket=other",
            "[actor.scopes]\nkv.bucket = [\"other\"]"
        ]
    );

    // Each signed value marked by use; what was reached (open and increment: two calls on
    // `default`), with its denials.
    browser.tab("actor");
    let row = browser.wait_for("#scopes tr[data-kind=\"kv.bucket\"]", "other");
    assert_eq!(
        browser.texts("#scopes tr[data-kind=\"kv.bucket\"] .scope-value"),
        ["default used", "extra unused"]
    );
    assert_eq!(
        browser.texts("#scopes tr[data-kind=\"kv.bucket\"] .reached"),
        ["default 2 calls", "other 1 call 1 denied"]
    );
    assert!(row.contains("kv.bucket"), "{row}");
    // The least scopes this run needed, ready to paste.
    assert_eq!(
        browser.text("#observed .observed-scopes").as_deref(),
        Some("[actor.scopes]\nkv.bucket = [\"default\"]")
    );
    assert_eq!(
        browser.text("#observed .observed-scope-flags").as_deref(),
        Some("--scope kv.bucket=default")
    );
}

#[test]
fn outside_text_is_shown_as_text_everywhere() {
    let env = setup();
    let actor = common::sign_fixture(
        &env,
        "kv-actor",
        P2,
        "http,kv,log",
        "hostile_s.wasm",
        &["--name", XSS, "--ver", XSS, "--tag", XSS],
    );
    // A bucket, a key and a value of markup (the bucket sorts first, so it is shown first).
    let seed = serde_json::json!({ "default": { "note": XSS }, XSS: { XSS: XSS } });
    env.write("seed.json", seed.to_string().as_bytes());
    let (server, url) = run_with_console(&env, &actor, &["--mock-caps", "--kv-seed", "seed.json"]);
    let browser = Browser::start();
    open(&browser, &url);
    // The key is percent-decoded by the actor: it logs, stores and calls with the raw text.
    let encoded = "%3Cimg%20src%3Dx%20onerror%3D%22document.title%3D'pwned'%22%3E";
    let path = format!("/incr?key={encoded}");
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nX-Hostile: {XSS}\r\nConnection: close\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    browser.wait_for("#requests .req-path", &path);
    click_request(&browser, &path);
    let detail = browser.wait_for("#request-detail", "x-hostile");
    assert!(detail.contains(&format!("x-hostile{XSS}")), "{detail}");
    assert!(detail.contains(&format!("default/{XSS} by 1")), "{detail}");
    assert!(detail.contains(&format!("{XSS} is now 1")), "{detail}");
    browser.tab("logs");
    browser.wait_for("#logs .log-text", &format!("{XSS} is now 1"));
    browser.tab("actor");
    browser.wait_for("#claims", XSS);
    assert!(
        browser
            .text("#actor")
            .unwrap()
            .starts_with(&format!("{XSS} {XSS}"))
    );
    browser.tab("kv");
    browser.wait_for("#kv-buckets button", XSS);
    browser.wait_for("#kv-entries .kv-key", XSS);
    assert!(
        browser
            .texts("#kv-entries .kv-value")
            .contains(&XSS.to_string())
    );

    // Shown as text, and no element came of it: the page has no image at all, and the
    // handler never ran.
    assert_eq!(browser.count("img"), 0);
    assert_eq!(browser.count("script"), 1);
    assert_eq!(browser.script("return document.title;", ""), "wzt console");
}

#[test]
fn the_console_shows_traps_with_backtraces_timeouts_and_an_outgoing_denial_with_its_fix() {
    let env = setup();
    let actor = common::sign_fixture(&env, "http-actor", P2, "http", "app_s.wasm", &[]);
    let (server, url) = run_with_console(&env, &actor, &["--timeout", "1s"]);
    let browser = Browser::start();
    open(&browser, &url);
    assert_eq!(server.get("/trap").status, 500);
    let _ = server.client().request("GET", "/loop", "");
    browser.tab("problems");
    let trap = browser.wait_for("#problems .trap", "trapped");
    assert!(trap.contains("GET /trap"), "{trap}");
    let backtrace = browser.text("#problems .trap .backtrace").unwrap();
    assert!(backtrace.contains("wasm backtrace"), "{backtrace}");
    assert!(
        browser
            .text("#problems .trap .stderr-tail")
            .unwrap()
            .contains("fixture: about to trap")
    );
    let timeout = browser.wait_for("#problems .timeout", "ran past its deadline");
    assert!(timeout.contains("GET /loop"), "{timeout}");
    // The trapped request answered 500 and its detail holds the trap.
    browser.tab("requests");
    click_request(&browser, "/trap");
    browser.wait_for("#request-detail", "fixture: about to trap");
    drop(server);

    let client = common::sign_fixture(
        &env,
        "http-client-actor",
        P2,
        "http,httpclient",
        "client_s.wasm",
        &[],
    );
    let (server, url) = run_with_console(&env, &client, &[]);
    open(&browser, &url);
    assert_eq!(
        server.get("/fetch?url=http://api.example.invalid/x").status,
        502
    );
    browser.tab("denials");
    let denial = browser.wait_for("#denials .denial", "outgoing-handler.handle");
    assert!(
        denial.contains("api.example.invalid:80 is not allowed"),
        "{denial}"
    );
    assert_eq!(
        browser.texts("#denials .denial .paste"),
        [
            "--allow-host api.example.invalid",
            "[dev]\nallow-host = [\"api.example.invalid\"]"
        ]
    );
}

#[test]
fn the_dev_console_shows_builds_failures_and_reloads_with_their_hashes() {
    let env = setup();
    let project = env.path("app");
    std::fs::create_dir(&project).unwrap();
    let first = common::fixture("http-actor", P2);
    let second = common::fixture("kv-actor", P2);
    std::fs::write(project.join("which"), first.display().to_string()).unwrap();
    // `[dev] console = true` turns the console on, as --console does.
    std::fs::write(
        project.join("wzt.toml"),
        r#"[actor]
name = "app"
caps = ["http", "kv", "log"]

[build]
command = "cp \"$(cat which)\" app.wasm"
artifact = "app.wasm"

[dev]
console = true
mock-caps = true
"#,
    )
    .unwrap();
    let mut cmd = env.command();
    cmd.current_dir(&project)
        .args(["dev", "--listen", "127.0.0.1:0", "--debounce", "200ms"]);
    let server = Server::dev(cmd);
    let line = server.wait_for_line(Duration::from_secs(10), |l| l.starts_with("console: "));
    let url = line.strip_prefix("console: ").unwrap().to_string();
    let browser = Browser::start();
    open(&browser, &url);
    browser.tab("builds");
    browser.wait_for("#builds .card", "built and signed");

    // A new build: reloaded, old and new module hashes shown.
    // Each edit lands whole (a rename): the watcher must not build from a truncated file.
    let edit = |text: &str| {
        std::fs::write(project.join("which.tmp"), text).unwrap();
        std::fs::rename(project.join("which.tmp"), project.join("which")).unwrap();
    };
    edit(&second.display().to_string());
    let reload = browser.wait_for("#builds .reload", "reloaded");
    let old = common::module_hash(&std::fs::read(&first).unwrap());
    let new = common::module_hash(&std::fs::read(&second).unwrap());
    assert_eq!(
        browser.text("#builds .reload .old-hash").as_deref(),
        Some(&*old)
    );
    assert_eq!(
        browser.text("#builds .reload .new-hash").as_deref(),
        Some(&*new)
    );
    assert!(
        reload.contains("reloaded") && reload.contains(" ms"),
        "{reload}"
    );
    assert!(
        browser
            .wait_for("#actor", &new[..12])
            .contains("HTTP component")
    );

    // A failed build: its output shown, the last good version kept.
    edit("/nonexistent/actor.wasm");
    let failed = browser.wait_for("#builds .failed", "the build failed");
    assert!(failed.contains("/nonexistent/actor.wasm"), "{failed}");
    assert!(server.get("/incr?key=k").body.contains("k=1"));
    server.interrupt();
    assert!(server.wait(Duration::from_secs(20)).success());
}

/// One request on a fresh connection; the status and the head, and the body when it ends
/// within a second (an event stream does not).
fn raw(addr: &str, request: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => data.extend_from_slice(&buf[..n]),
            Err(_) if !data.is_empty() => break,
            Err(_) => continue,
        }
    }
    let text = String::from_utf8_lossy(&data).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

#[test]
fn the_console_refuses_requests_without_its_token_or_for_another_host() {
    let env = setup();
    let actor = common::sign_fixture(&env, "http-actor", P2, "http", "app_s.wasm", &[]);
    let (_server, url) = run_with_console(&env, &actor, &[]);
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, token) = rest.split_once("/#token=").unwrap();
    let get = |path: &str, headers: &str| {
        raw(
            addr,
            &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n"),
        )
    };

    // The page itself holds no data; its API prefix is random.
    let (status, head, page) = get("/", "");
    assert_eq!(status, 200);
    assert!(head.contains("content-security-policy: default-src 'none'; script-src 'self'"));
    assert!(
        head.contains("require-trusted-types-for 'script'"),
        "{head}"
    );
    assert!(head.contains("x-frame-options: deny"), "{head}");
    assert!(head.contains("referrer-policy: no-referrer"), "{head}");
    assert!(!head.contains("access-control-allow"), "{head}");
    let api = page
        .split("name=\"wzt-api\" content=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    assert!(api.starts_with("/s-") && api.len() == 36, "{api}");
    assert!(!page.contains(token));

    // Without the token: 401 for every data route, and no session.
    for route in [
        "api/state",
        "api/events",
        "api/kv",
        "api/kv/entries?bucket=b",
    ] {
        let (status, _, body) = get(&format!("{api}{route}"), "");
        assert_eq!(status, 401, "{route}");
        assert!(body.contains("needs its token"), "{body}");
        let (status, ..) = get(&format!("{api}{route}"), "Cookie: wzt_console=guess\r\n");
        assert_eq!(status, 401, "{route}");
    }
    let post = |auth: &str, extra: &str| {
        raw(
            addr,
            &format!(
                "POST /session HTTP/1.1\r\nHost: {addr}\r\n{auth}{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
            ),
        )
    };
    assert_eq!(post("", "").0, 401);
    assert_eq!(post("Authorization: Bearer wrong\r\n", "").0, 401);
    assert_eq!(post(&format!("Authorization: {token}\r\n"), "").0, 401);
    // Another site (or another port of this host) cannot open a session, even with the token.
    let bearer = format!("Authorization: Bearer {token}\r\n");
    assert_eq!(post(&bearer, "Origin: http://127.0.0.1:1\r\n").0, 403);
    assert_eq!(post(&bearer, "Sec-Fetch-Site: same-site\r\n").0, 403);

    // The exchange: an HttpOnly, SameSite=Strict cookie scoped to the API prefix.
    let (status, head, _) = post(
        &bearer,
        "Origin: http://{addr}\r\n".replace("{addr}", addr).as_str(),
    );
    assert_eq!(status, 200, "{head}");
    let cookie_line = head
        .lines()
        .find(|l| l.starts_with("set-cookie: "))
        .unwrap()
        .to_string();
    assert_eq!(
        cookie_line,
        format!(
            "set-cookie: wzt_console={}; path={api}; httponly; samesite=strict",
            token.to_ascii_lowercase()
        )
    );
    let cookie = format!("Cookie: wzt_console={token}\r\n");
    let (status, head, state) = get(&format!("{api}api/state"), &cookie);
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json"), "{head}");
    assert!(state.contains("\"kind\":\"HTTP component\""), "{state}");
    let (status, head, events) = get(&format!("{api}api/events"), &cookie);
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/event-stream"), "{head}");
    // (chunked: the stream's first chunk says how often to retry)
    assert!(events.contains("retry: 2000\n\n"), "{events}");
    // A page of another site or port of this host gets nothing, cookie or not.
    let (status, ..) = get(
        &format!("{api}api/state"),
        &format!("{cookie}Sec-Fetch-Site: same-site\r\n"),
    );
    assert_eq!(status, 403);

    // A foreign Host header (DNS rebinding) is refused on every path, with the cookie too.
    let port = addr.rsplit(':').next().unwrap();
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        "127.0.0.1:1".to_string(),
    ] {
        for path in ["/".to_string(), format!("{api}api/state")] {
            let (status, _, body) = raw(
                addr,
                &format!(
                    "GET {path} HTTP/1.1\r\nHost: {host}\r\n{cookie}Connection: close\r\n\r\n"
                ),
            );
            assert_eq!(status, 403, "{host} {path}");
            assert!(body.contains("Host header names another site"), "{body}");
        }
    }
    // localhost is this console too.
    let (status, ..) = raw(
        addr,
        &format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200);
    // Read-only, and no CORS.
    let (status, head, _) = raw(
        addr,
        &format!(
            "OPTIONS {api}api/state HTTP/1.1\r\nHost: {addr}\r\n{cookie}Origin: http://evil.example\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(status, 403);
    assert!(!head.contains("access-control-allow"), "{head}");
    let (status, ..) = raw(
        addr,
        &format!(
            "DELETE {api}api/kv HTTP/1.1\r\nHost: {addr}\r\n{cookie}Connection: close\r\n\r\n"
        ),
    );
    assert_eq!(status, 405);
}

#[test]
fn a_console_beyond_loopback_says_so_and_one_request_runs_none() {
    let env = setup();
    let actor = common::sign_fixture(&env, "http-actor", P2, "http", "app_s.wasm", &[]);
    let server = Server::run(&env, &actor, &["--console-listen", "0.0.0.0:0"]);
    let url = server.info["console"].as_str().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let stderr = server.stderr_containing(&["console: "]);
    assert!(
        stderr.contains("wzt: warning: the console listens on 0.0.0.0:"),
        "{stderr}"
    );
    assert!(stderr.contains("beyond loopback"), "{stderr}");
    drop(server);

    let (code, out, err) = common::run_request(&env, &actor, "GET /", &["--console"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "hello from wzt\n");
    assert!(
        err.contains("wzt: note: no console for a run that answers one --request and exits"),
        "{err}"
    );
    assert!(!err.contains("console: http"), "{err}");
}

#[test]
fn the_console_shows_lattice_messages_with_their_verdicts() {
    let env = setup();
    env.wzt()
        .args(["keys", "gen", "cluster"])
        .assert()
        .success();
    common::sign_fixture(&env, "msg-actor", P2, "msg", "greeter_s.wasm", &[]);
    common::sign_fixture(&env, "greeter-http", P2, "http,msg", "front_s.wasm", &[]);
    let nats = common::Nats::start();
    let lattice = nats.url();
    let greeter = Server::subscriber(
        &env,
        "greeter_s.wasm",
        &["--lattice", &lattice, "--subscribe", "greet", "--console"],
    );
    let greeter_console = greeter.info["console"].as_str().unwrap().to_string();
    let (front, front_console) = run_with_console(&env, "front_s.wasm", &["--lattice", &lattice]);
    let browser = Browser::start();

    // A request through the lattice: sent by the front, answered by the greeter.
    let answer = front.get("/greet/ann");
    assert_eq!(answer.status, 200, "{}", answer.body);
    open(&browser, &front_console);
    browser.tab("lattice");
    let row = browser.wait_for("#lattice tbody tr", "request sent");
    assert!(row.contains("greet"), "{row}");
    assert!(row.contains("ok"), "{row}");

    // An unsigned message is rejected by the greeter's host, with its code.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = async_nats::connect(&lattice).await.unwrap();
        client
            .publish("greet", XSS.as_bytes().to_vec().into())
            .await
            .unwrap();
        client.flush().await.unwrap();
    });
    open(&browser, &greeter_console);
    browser.tab("lattice");
    browser.wait_for("#lattice .verdict", "unsigned");
    let row = browser.wait_for("#lattice tbody tr", "message received");
    assert!(row.contains("greet"), "{row}");
    assert_eq!(browser.count("img"), 0);
}
