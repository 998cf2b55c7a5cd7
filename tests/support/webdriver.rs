//! A small WebDriver client (W3C), enough to drive Debian's Chromium
//! through chromedriver from a test: open a page, fill and submit a form,
//! read the DOM, run a script (axe-core), resize, take a screenshot.
//! Synchronous, over ureq (already a dev-dependency): the browser tests
//! need a dozen calls, not an async driver library.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Where the browser and its driver are: Debian's packages, or the paths
/// `SCRUTIN_CHROMIUM` and `SCRUTIN_CHROMEDRIVER` give.
pub(crate) fn programs() -> Option<(String, String)> {
    let chromium = std::env::var("SCRUTIN_CHROMIUM").unwrap_or("/usr/bin/chromium".into());
    let driver = std::env::var("SCRUTIN_CHROMEDRIVER").unwrap_or("/usr/bin/chromedriver".into());
    let found = std::path::Path::new(&chromium).exists() && std::path::Path::new(&driver).exists();
    found.then_some((chromium, driver))
}

/// chromedriver on a free loopback port, stopped when dropped.
pub(crate) struct Driver {
    process: Child,
    base: String,
}

impl Driver {
    /// chromedriver on a port the OS had free a moment before; if another
    /// process took it meanwhile (tests start drivers side by side), the
    /// driver exits and another port is tried.
    pub(crate) fn start(driver: &str) -> Driver {
        for _ in 0..5 {
            if let Some(started) = Driver::try_start(driver) {
                return started;
            }
        }
        panic!("chromedriver did not start on any of 5 ports");
    }

    fn try_start(driver: &str) -> Option<Driver> {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut process = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {driver}: {e}"));
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            let ready = agent()
                .get(&format!("{base}/status"))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                return Some(Driver { process, base });
            }
            let exited = process.try_wait().ok().flatten().is_some();
            if exited || started.elapsed() > Duration::from_secs(20) {
                let _ = process.kill();
                let _ = process.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A new headless browser, as root can run it on a closed network.
    pub(crate) fn session(&self, chromium: &str) -> Session {
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            &format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": chromium, "args": args },
            }}
        });
        let value = call(&format!("{}/session", self.base), Some(capabilities));
        let id = value["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {value}"))
            .to_string();
        Session {
            url: format!("{}/session/{id}", self.base),
            _profile: profile,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// A WebDriver command: its `value`, or a panic with the driver's error.
fn call(url: &str, body: Option<Value>) -> Value {
    let mut response = match body {
        Some(body) => agent().post(url).send_json(body),
        None => agent().get(url).call(),
    }
    .unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = response.status().as_u16();
    let answer: Value = response.body_mut().read_json().unwrap();
    assert!(status < 400, "{url}: {status} {answer}");
    answer["value"].clone()
}

/// A browser window: the page in it, and what the test does there.
pub(crate) struct Session {
    url: String,
    _profile: tempfile::TempDir,
}

/// An element of the page, as WebDriver names it.
pub(crate) struct Element(String);

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Session {
    pub(crate) fn goto(&self, url: &str) {
        call(&format!("{}/url", self.url), Some(json!({ "url": url })));
    }

    pub(crate) fn resize(&self, width: u32, height: u32) {
        call(
            &format!("{}/window/rect", self.url),
            Some(json!({ "width": width, "height": height })),
        );
    }

    pub(crate) fn find(&self, css: &str) -> Element {
        let value = call(
            &format!("{}/element", self.url),
            Some(json!({ "using": "css selector", "value": css })),
        );
        Element(value[ELEMENT_KEY].as_str().unwrap().to_string())
    }

    pub(crate) fn click(&self, element: &Element) {
        call(
            &format!("{}/element/{}/click", self.url, element.0),
            Some(json!({})),
        );
    }

    /// Clicks what loads a new page (a form's button, a link), and waits
    /// until the new page has loaded: a click may return before the
    /// navigation it starts has replaced the page.
    pub(crate) fn click_to_load(&self, element: &Element) {
        self.run("window.__scrutinOldPage = true;", json!([]));
        self.click(element);
        let started = Instant::now();
        loop {
            let loaded = self.run(
                "return window.__scrutinOldPage === undefined && document.readyState === 'complete';",
                json!([]),
            );
            if loaded == json!(true) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the page did not load"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn type_into(&self, element: &Element, text: &str) {
        call(
            &format!("{}/element/{}/value", self.url, element.0),
            Some(json!({ "text": text })),
        );
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and
    /// returns what it returns.
    pub(crate) fn run(&self, script: &str, args: Value) -> Value {
        call(
            &format!("{}/execute/sync", self.url),
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Runs `script`, which ends by calling `arguments[arguments.length -
    /// 1]` with its result (for promises: axe.run).
    pub(crate) fn run_async(&self, script: &str, args: Value) -> Value {
        call(
            &format!("{}/timeouts", self.url),
            Some(json!({ "script": 30_000 })),
        );
        call(
            &format!("{}/execute/async", self.url),
            Some(json!({ "script": script, "args": args })),
        )
    }

    pub(crate) fn text(&self, css: &str) -> String {
        self.run(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
            json!([css]),
        )
        .as_str()
        .unwrap_or_else(|| panic!("no {css}"))
        .to_string()
    }

    /// The page as a PNG, saved at `path`.
    pub(crate) fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine as _;
        let value = call(&format!("{}/screenshot", self.url), None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(value.as_str().unwrap())
            .unwrap();
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = agent().delete(&self.url).call();
    }
}
