//! The headless-Chromium harness: chromedriver and Chromium started per
//! test, and the helpers the browser tests share (visiting, clicking and
//! waiting, the page checks: no inline script, no CSP violation, no serious
//! accessibility violation found by axe-core).

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use super::*;

pub const WIDE: (u32, u32) = (1280, 900);
pub const NARROW: (u32, u32) = (390, 844);
pub const WAIT: Duration = Duration::from_secs(15);

/// `true` when the browser tests should run; otherwise says why not.
pub fn e2e_enabled(test: &str) -> bool {
    if std::env::var("PORTAAL_E2E").as_deref() == Ok("1") {
        true
    } else {
        println!(
            "browser::{test} skipped: set PORTAAL_E2E=1 to run it (needs chromium and chromedriver)"
        );
        false
    }
}

/// The screenshot directory, when `PORTAAL_SCREENSHOTS` names one.
pub fn screenshot_dir() -> Option<PathBuf> {
    std::env::var_os("PORTAAL_SCREENSHOTS")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

pub fn env_or(var: &str, default: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// A chromedriver process with a Chromium session. The session is closed by
/// [`Browser::close`]; dropping it (also on a failed assertion) kills
/// chromedriver with its browser, then removes the profile (fields drop in
/// this order).
pub struct Browser {
    pub client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

/// The chromedriver process, in its own process group. Chromium outlives a
/// killed chromedriver, so Drop kills the whole group.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        // The shell's own `kill`, so that procps need not be installed.
        let _ = Command::new("sh")
            .args(["-c", "kill -9 -$0", &self.0.id().to_string()])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Browser {
    pub async fn start() -> Self {
        let chromium = env_or("PORTAAL_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = env_or("PORTAAL_CHROMEDRIVER", "/usr/bin/chromedriver");
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").expect("free port");
            l.local_addr().unwrap().port()
        };
        let profile = tempfile::tempdir().expect("profile dir");
        let log_path = profile.path().join("chromedriver.log");
        let log = std::fs::File::create(&log_path).expect("chromedriver log");
        let mut cmd = Command::new(&chromedriver);
        cmd.arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        // Its own process group, so that Drop can end Chromium with it.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut driver = Driver(
            cmd.spawn()
                .unwrap_or_else(|e| panic!("cannot start {chromedriver}: {e}")),
        );

        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = driver.0.try_wait() {
                panic!(
                    "chromedriver exited ({status}): {}",
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                );
            }
            assert!(
                started.elapsed() < WAIT,
                "chromedriver did not listen on {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let user_data = profile.path().join("user-data");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    format!("--window-size={},{}", WIDE.0, WIDE.1),
                    format!("--user-data-dir={}", user_data.display()),
                ],
                // What headless Chromium sends anyway; pinned so that the
                // first page is predictably English.
                "prefs": { "intl.accept_languages": "en-US,en" },
            }),
        );
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        let client = builder
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "no WebDriver session: {e}\n{}",
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                )
            });
        Browser {
            client,
            _driver: driver,
            _profile: profile,
        }
    }

    /// End the session politely (Chromium exits); dropping then ends the
    /// driver and removes the profile.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// Run a script in the page and return its value.
pub async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {script}: {e}"))
}

/// Wait until the expression is true in the page.
pub async fn wait_js(c: &Client, expr: &str) {
    let started = Instant::now();
    let script = format!("return !!({expr});");
    loop {
        // A navigation in flight can make a script fail: just try again.
        if let Ok(Value::Bool(true)) = c.execute(&script, vec![]).await {
            return;
        }
        if started.elapsed() > WAIT {
            let url = c.current_url().await.map(|u| u.to_string());
            panic!("timed out waiting for `{expr}` on {url:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Mark the current document, so that [`wait_new_page`] can tell when the
/// browser has replaced it.
pub async fn mark_page(c: &Client) {
    js(c, "window.__portaalOld = true; return null;").await;
}

/// Wait until a new document (not the marked one) has fully loaded.
pub async fn wait_new_page(c: &Client) {
    wait_js(
        c,
        "window.__portaalOld === undefined && document.readyState === 'complete'",
    )
    .await;
}

/// Click the element and wait for the page it leads to.
pub async fn click_and_wait(c: &Client, css: &str) {
    let el = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element {css}: {e}"));
    mark_page(c).await;
    el.click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
    wait_new_page(c).await;
}

/// Open a path of the app and wait for it to load.
pub async fn visit(c: &Client, app: &TestApp, path: &str) {
    c.goto(&app.url(path)).await.expect("goto");
    wait_js(c, "document.readyState === 'complete'").await;
}

pub async fn path(c: &Client) -> String {
    c.current_url().await.expect("url").path().to_owned()
}

pub async fn html_lang(c: &Client) -> String {
    js(c, "return document.documentElement.lang;")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

pub async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element {css}: {e}"))
        .text()
        .await
        .expect("text")
}

/// Whether the element `css` is on the page and laid out (not hidden by
/// `display: none`).
pub async fn is_shown(c: &Client, css: &str) -> bool {
    js(
        c,
        &format!(
            "const e = document.querySelector(\"{css}\"); return !!e && e.getClientRects().length > 0;"
        ),
    )
    .await
        == json!(true)
}

/// What every page must satisfy in a real browser: htmx is loaded from
/// /static (so the CSP let it in), there is no inline script, and the
/// browser reported no CSP violation.
pub async fn check_page(c: &Client) {
    let url = c.current_url().await.expect("url").to_string();
    assert_eq!(
        js(c, "return typeof htmx !== 'undefined';").await,
        json!(true),
        "htmx not loaded on {url}"
    );
    assert_eq!(
        js(
            c,
            "return document.querySelectorAll('script:not([src])').length;"
        )
        .await,
        json!(0),
        "inline script on {url}"
    );
    let violations = csp_violations(c).await;
    assert!(
        violations.is_empty(),
        "CSP violations on {url}: {violations:?}"
    );
    let violations = axe_violations(c).await;
    assert!(
        violations.is_empty(),
        "accessibility violations (serious or critical) on {url}: {}",
        serde_json::to_string_pretty(&violations).unwrap_or_default()
    );
}

/// axe-core's source (see `.ci/axe`, which fetches it into `target/axe/`,
/// or `PORTAAL_AXE_JS`). Without it the browser tests fail: a check that
/// cannot run must not pass.
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = std::env::var("PORTAAL_AXE_JS").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/target/axe/axe.min.js").to_string()
        });
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("axe-core not found at {path} ({e}): run `bash .ci/axe`"))
    })
}

/// The violations of impact serious or critical that axe-core finds on the
/// current document (rules of WCAG 2.1 A and AA and best practices), with
/// the elements they concern.
pub async fn axe_violations(c: &Client) -> Vec<Value> {
    // Run by WebDriver, so the page's CSP does not apply to it.
    c.execute(&format!("{};\nreturn true;", axe_source()), vec![])
        .await
        .expect("inject axe-core");
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => ({ rule: v.id, impact: v.impact, help: v.help,
                              nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }))))
               .catch(e => done([{ rule: 'axe-failed', impact: 'critical', help: String(e) }]));",
            vec![],
        )
        .await
        .expect("run axe-core");
    match found {
        Value::Array(v) => v,
        other => vec![other],
    }
}

/// The CSP violations of the current document so far. A buffered
/// `ReportingObserver` also receives the reports queued before it existed,
/// so this sees violations that happened while the page loaded.
pub async fn csp_violations(c: &Client) -> Vec<Value> {
    let v = js(
        c,
        "if (typeof ReportingObserver === 'undefined') return ['no ReportingObserver'];
         const o = new ReportingObserver(() => {}, {types: ['csp-violation'], buffered: true});
         o.observe();
         const r = o.takeRecords();
         o.disconnect();
         return r.map(x => (x.body.effectiveDirective || '') + ' ' + (x.body.blockedURL || ''));",
    )
    .await;
    v.as_array().cloned().unwrap_or_default()
}

/// Save a PNG of the viewport as `<dir>/<name>.png` when
/// `PORTAAL_SCREENSHOTS` is set; does nothing otherwise.
pub async fn screenshot(c: &Client, name: &str) {
    let Some(dir) = screenshot_dir() else { return };
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let png = c.screenshot().await.expect("screenshot");
    let file = dir.join(format!("{name}.png"));
    std::fs::write(&file, png).expect("write screenshot");
    println!("screenshot {}", file.display());
}

/// Size the window so that the viewport (what the page sees, and what a
/// screenshot holds) is `width` × `height`: the window includes the
/// browser's own frame.
pub async fn set_viewport(c: &Client, width: u32, height: u32) {
    // The browser's frame is measured, not assumed, and a busy machine may
    // apply a resize late: ask, wait for the page to see a change, correct
    // by what is left, a few times over.
    let inner = || async {
        let v = js(c, "return [window.innerWidth, window.innerHeight];").await;
        let dim = |i: usize| i64::try_from(v[i].as_u64().unwrap_or(0)).unwrap_or(0);
        (dim(0), dim(1))
    };
    let want = (i64::from(width), i64::from(height));
    let (mut outer_w, mut outer_h) = want;
    for _ in 0..5 {
        let before = inner().await;
        c.set_window_size(
            u32::try_from(outer_w.max(100)).unwrap_or(width),
            u32::try_from(outer_h.max(100)).unwrap_or(height),
        )
        .await
        .expect("resize");
        let mut now = before;
        for _ in 0..40 {
            now = inner().await;
            if now == want || now != before {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        if now == want {
            break;
        }
        if now.0 > 0 && now.1 > 0 {
            outer_w += want.0 - now.0;
            outer_h += want.1 - now.1;
        }
    }
    wait_js(
        c,
        &format!("window.innerWidth === {width} && window.innerHeight === {height}"),
    )
    .await;
}

/// Narrow (phone-sized) screenshots of the current page: the first screen
/// as `<name>-narrow.png` and the whole page as `<name>-narrow-full.png`.
pub async fn screenshot_narrow(c: &Client, name: &str) {
    if screenshot_dir().is_none() {
        return;
    }
    set_viewport(c, NARROW.0, NARROW.1).await;
    screenshot(c, &format!("{name}-narrow")).await;
    let height = js(
        c,
        "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);",
    )
    .await
    .as_u64()
    .unwrap_or(u64::from(NARROW.1));
    if height > u64::from(NARROW.1) {
        let h = u32::try_from(height.min(6000)).unwrap_or(NARROW.1);
        set_viewport(c, NARROW.0, h).await;
        screenshot(c, &format!("{name}-narrow-full")).await;
    }
    set_viewport(c, WIDE.0, WIDE.1).await;
}

/// Click the link with this text and wait for the page it leads to.
pub async fn click_link_and_wait(c: &Client, text: &str) {
    let el = c
        .find(Locator::LinkText(text))
        .await
        .unwrap_or_else(|e| panic!("no link {text:?}: {e}"));
    mark_page(c).await;
    el.click()
        .await
        .unwrap_or_else(|e| panic!("click {text:?}: {e}"));
    wait_new_page(c).await;
}

/// Click an element that must not load a page (an htmx control).
pub async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// A JavaScript expression: the status text of an operation in the
/// permission matrix (`table.matrix` under `within`), or `null` when the
/// row is missing.
pub fn matrix_status(within: &str, operation: &str) -> String {
    format!(
        "(() => {{ const code = [...document.querySelectorAll('{within} table.matrix td:first-child code')].find(e => e.textContent.trim() === '{operation}'); \
         return code ? code.closest('tr').querySelector('td:nth-child(2) .badge').textContent.trim() : null; }})()"
    )
}

/// A JavaScript expression: the level badges of a resource in the matrix.
pub fn matrix_levels(resource: &str) -> String {
    format!(
        "(() => {{ const code = [...document.querySelectorAll('#matrix tr.matrix-resource code')].find(e => e.textContent.trim() === '{resource}'); \
         return code ? [...code.closest('tr').querySelectorAll('.matrix-levels .badge')].map(b => b.textContent.trim()) : []; }})()"
    )
}

/// Wait until the operation's status in the matrix under `within` is
/// `expected`; says what it was on a timeout.
pub async fn wait_matrix(c: &Client, within: &str, operation: &str, expected: &str) {
    let expr = matrix_status(within, operation);
    let started = Instant::now();
    loop {
        let got = js(c, &format!("return {expr};")).await;
        if got.as_str() == Some(expected) {
            return;
        }
        assert!(
            started.elapsed() < WAIT,
            "matrix: {operation} is {got}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The page has not been replaced since [`mark_page`]: what changed was
/// swapped in by htmx.
pub async fn assert_same_page(c: &Client, what: &str) {
    assert_eq!(
        js(c, "return window.__portaalOld === true;").await,
        json!(true),
        "{what} loaded a new page"
    );
}

/// A wide screenshot of the whole page as `<name>-full.png`.
pub async fn screenshot_full(c: &Client, name: &str) {
    if screenshot_dir().is_none() {
        return;
    }
    let height = js(
        c,
        "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);",
    )
    .await
    .as_u64()
    .unwrap_or(u64::from(WIDE.1));
    if height > u64::from(WIDE.1) {
        let h = u32::try_from(height.min(6000)).unwrap_or(WIDE.1);
        set_viewport(c, WIDE.0, h).await;
        screenshot(c, &format!("{name}-full")).await;
        set_viewport(c, WIDE.0, WIDE.1).await;
    }
}

/// Switch the language with the switch on the page.
pub async fn choose_language(c: &Client, code: &str) {
    click_and_wait(c, &format!("form.lang-switch button[value='{code}']")).await;
    assert_eq!(html_lang(c).await, code, "after choosing {code}");
    assert_eq!(
        c.find(Locator::Css(&format!(
            "form.lang-switch button[value='{code}']"
        )))
        .await
        .expect("switch")
        .attr("aria-pressed")
        .await
        .expect("aria-pressed")
        .as_deref(),
        Some("true")
    );
}

/// Open the login page, choose Dutch and log in as the demo admin.
pub async fn log_in_as_dutch_admin(c: &Client, app: &TestApp) {
    visit(c, app, "/login").await;
    choose_language(c, "nl").await;
    log_in(c, ADMIN).await;
}

/// Fill in the login form and submit it.
pub async fn log_in(c: &Client, email: &str) {
    c.find(Locator::Css("#f-email"))
        .await
        .expect("email field")
        .send_keys(email)
        .await
        .expect("type email");
    c.find(Locator::Css("#f-password"))
        .await
        .expect("password field")
        .send_keys(PASSWORD)
        .await
        .expect("type password");
    click_and_wait(c, "form[action='/login'] button[type='submit']").await;
}

pub async fn log_out(c: &Client) {
    click_and_wait(c, "form[action='/logout'] button[type='submit']").await;
    assert_eq!(path(c).await, "/login");
}
