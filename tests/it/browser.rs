//! End to end in a real browser: headless Chromium driven through
//! chromedriver (WebDriver), against the real app on a real port.
//!
//! Runs only with `PORTAAL_E2E=1` (CI installs Debian's `chromium` and
//! `chromium-driver`); otherwise each test prints that it was skipped.
//! `PORTAAL_CHROMIUM` / `PORTAAL_CHROMEDRIVER` override the binaries
//! (default `/usr/bin/chromium`, `/usr/bin/chromedriver`).
//!
//! `PORTAAL_SCREENSHOTS=<dir>` makes the `screenshots` test save a PNG of
//! every page it visits, wide (1280×900) and narrow (390×844), for a human
//! to look at.
//!
//!     PORTAAL_E2E=1 cargo test --test it browser
//!     PORTAAL_E2E=1 PORTAAL_SCREENSHOTS=/tmp/shots cargo test --test it browser::screenshots

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::support::*;

const WIDE: (u32, u32) = (1280, 900);
const NARROW: (u32, u32) = (390, 844);
const WAIT: Duration = Duration::from_secs(15);

/// `true` when the browser tests should run; otherwise says why not.
fn e2e_enabled(test: &str) -> bool {
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
fn screenshot_dir() -> Option<PathBuf> {
    std::env::var_os("PORTAAL_SCREENSHOTS")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

fn env_or(var: &str, default: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// A chromedriver process with a Chromium session. The session is closed by
/// [`Browser::close`]; dropping it (also on a failed assertion) kills
/// chromedriver with its browser, then removes the profile (fields drop in
/// this order).
struct Browser {
    client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

/// The chromedriver process, in its own process group. Chromium outlives a
/// killed chromedriver, so Drop kills the whole group.
struct Driver(Child);

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
    async fn start() -> Self {
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
    async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// Run a script in the page and return its value.
async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {script}: {e}"))
}

/// Wait until the expression is true in the page.
async fn wait_js(c: &Client, expr: &str) {
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
async fn mark_page(c: &Client) {
    js(c, "window.__portaalOld = true; return null;").await;
}

/// Wait until a new document (not the marked one) has fully loaded.
async fn wait_new_page(c: &Client) {
    wait_js(
        c,
        "window.__portaalOld === undefined && document.readyState === 'complete'",
    )
    .await;
}

/// Click the element and wait for the page it leads to.
async fn click_and_wait(c: &Client, css: &str) {
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
async fn visit(c: &Client, app: &TestApp, path: &str) {
    c.goto(&app.url(path)).await.expect("goto");
    wait_js(c, "document.readyState === 'complete'").await;
}

async fn path(c: &Client) -> String {
    c.current_url().await.expect("url").path().to_owned()
}

async fn html_lang(c: &Client) -> String {
    js(c, "return document.documentElement.lang;")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element {css}: {e}"))
        .text()
        .await
        .expect("text")
}

/// What every page must satisfy in a real browser: htmx is loaded from
/// /static (so the CSP let it in), there is no inline script, and the
/// browser reported no CSP violation.
async fn check_page(c: &Client) {
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
}

/// The CSP violations of the current document so far. A buffered
/// `ReportingObserver` also receives the reports queued before it existed,
/// so this sees violations that happened while the page loaded.
async fn csp_violations(c: &Client) -> Vec<Value> {
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
async fn screenshot(c: &Client, name: &str) {
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
async fn set_viewport(c: &Client, width: u32, height: u32) {
    c.set_window_size(width, height).await.expect("resize");
    let inner = js(c, "return [window.innerWidth, window.innerHeight];").await;
    let dim = |i: usize| u32::try_from(inner[i].as_u64().unwrap_or(0)).unwrap_or(0);
    let (w, h) = (dim(0), dim(1));
    if (w, h) != (width, height) && w > 0 && h > 0 {
        c.set_window_size(
            width + width.saturating_sub(w),
            height + height.saturating_sub(h),
        )
        .await
        .expect("resize");
    }
    wait_js(
        c,
        &format!("window.innerWidth === {width} && window.innerHeight === {height}"),
    )
    .await;
}

/// Narrow (phone-sized) screenshots of the current page: the first screen
/// as `<name>-narrow.png` and the whole page as `<name>-narrow-full.png`.
async fn screenshot_narrow(c: &Client, name: &str) {
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

/// Switch the language with the switch on the page.
async fn choose_language(c: &Client, code: &str) {
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

/// Fill in the login form and submit it.
async fn log_in(c: &Client, email: &str) {
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

async fn log_out(c: &Client) {
    click_and_wait(c, "form[action='/logout'] button[type='submit']").await;
    assert_eq!(path(c).await, "/login");
}

/// The flow: logs in through the form, sees the dashboard in Dutch,
/// switches to English and logs out.
#[actix_web::test]
async fn login_dutch_dashboard_switch_to_english_and_logout() {
    if !e2e_enabled("login_dutch_dashboard_switch_to_english_and_logout") {
        return;
    }
    let started = Instant::now();
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;

    // The login page follows the browser (en-US) until the switch is used.
    visit(c, &app, "/login").await;
    assert_eq!(html_lang(c).await, "en");
    check_page(c).await;
    choose_language(c, "nl").await;
    assert_eq!(path(c).await, "/login");
    assert!(text_of(c, "h1").await.contains("Inloggen"));
    check_page(c).await;

    log_in(c, ADMIN).await;
    assert_eq!(path(c).await, "/");
    assert_eq!(html_lang(c).await, "nl");
    let h1 = text_of(c, "h1").await;
    assert!(h1.contains("Welkom"), "h1: {h1}");
    assert!(h1.contains("Bea Beheer"), "h1: {h1}");
    assert_eq!(
        text_of(c, "form[action='/logout'] button").await,
        "Uitloggen"
    );
    check_page(c).await;

    choose_language(c, "en").await;
    assert_eq!(path(c).await, "/");
    let h1 = text_of(c, "h1").await;
    assert!(h1.contains("Welcome"), "h1: {h1}");
    check_page(c).await;

    assert_eq!(text_of(c, "form[action='/logout'] button").await, "Log out");
    log_out(c).await;
    assert_eq!(html_lang(c).await, "en");
    let body = text_of(c, "body").await;
    assert!(body.contains("You have been logged out."), "{body}");
    check_page(c).await;

    // The session is gone: the dashboard sends the browser to the login.
    visit(c, &app, "/").await;
    assert_eq!(path(c).await, "/login");
    assert!(
        text_of(c, "form[action='/login']")
            .await
            .contains("Password")
    );
    check_page(c).await;

    // The canary: the CSP check does see a violation when there is one.
    js(
        c,
        "const s = document.createElement('script'); s.textContent = '1'; document.body.appendChild(s); return null;",
    )
    .await;
    wait_js(c, "true").await;
    let canary = csp_violations(c).await;
    assert!(
        canary
            .iter()
            .any(|v| v.as_str() == Some("script-src-elem inline")),
        "the CSP check cannot see violations: {canary:?}"
    );

    browser.close().await;
    println!("browser flow took {:.1?}", started.elapsed());
}

/// Screenshots of every page for a human to look at (see the module doc).
#[actix_web::test]
async fn screenshots() {
    if !e2e_enabled("screenshots") {
        return;
    }
    if screenshot_dir().is_none() {
        println!("browser::screenshots skipped: set PORTAAL_SCREENSHOTS=<dir>");
        return;
    }
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;

    visit(c, &app, "/login").await;
    set_viewport(c, WIDE.0, WIDE.1).await;
    screenshot(c, "login-en").await;
    choose_language(c, "nl").await;
    screenshot(c, "login-nl").await;
    screenshot_narrow(c, "login-nl").await;

    // A failed login: the error in place.
    c.find(Locator::Css("#f-email"))
        .await
        .unwrap()
        .send_keys(ADMIN)
        .await
        .unwrap();
    c.find(Locator::Css("#f-password"))
        .await
        .unwrap()
        .send_keys("wrong")
        .await
        .unwrap();
    click_and_wait(c, "form[action='/login'] button[type='submit']").await;
    screenshot(c, "login-nl-error").await;

    visit(c, &app, "/login").await;
    log_in(c, ADMIN).await;
    check_page(c).await;
    screenshot(c, "dashboard-nl").await;
    screenshot_narrow(c, "dashboard-nl").await;
    choose_language(c, "en").await;
    screenshot(c, "dashboard-en").await;
    screenshot_narrow(c, "dashboard-en").await;

    visit(c, &app, "/account").await;
    check_page(c).await;
    screenshot(c, "account-en").await;
    screenshot_narrow(c, "account-en").await;
    // The password form with its errors in place.
    click_and_wait(c, "form[action='/account/password'] button[type='submit']").await;
    screenshot(c, "account-en-errors").await;
    // The language switch on the page a failed POST rendered.
    click_and_wait(c, "form.lang-switch button[value='nl']").await;
    screenshot(c, "account-errors-then-nl").await;
    visit(c, &app, "/account").await;
    assert_eq!(html_lang(c).await, "nl");
    screenshot(c, "account-nl").await;
    screenshot_narrow(c, "account-nl").await;

    visit(c, &app, "/does-not-exist").await;
    screenshot(c, "404-nl").await;
    screenshot_narrow(c, "404-nl").await;

    // The organisation switcher: the admin is staff in the partner organisation.
    visit(c, &app, "/").await;
    let partner = js(
        c,
        "const o = [...document.querySelectorAll('#org-switch option')].find(o => !o.selected); return o ? o.value : null;",
    )
    .await;
    if let Some(id) = partner.as_str() {
        c.find(Locator::Css("#org-switch"))
            .await
            .unwrap()
            .select_by_value(id)
            .await
            .unwrap();
        click_and_wait(c, "form.org-switch button[type='submit']").await;
        screenshot(c, "dashboard-nl-partner").await;
    }

    log_out(c).await;
    screenshot(c, "logged-out-nl").await;
    log_in(c, STAFF).await;
    check_page(c).await;
    screenshot(c, "dashboard-staff").await;
    screenshot_narrow(c, "dashboard-staff").await;

    browser.close().await;
}
