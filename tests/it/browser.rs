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

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::support::browser::*;
use crate::support::*;

/// The issue's flow: logs in through the form, sees the dashboard in Dutch,
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

/// Settings → API Clients → a new client: ticking scopes updates the
/// permission matrix in place (htmx, no page load, no scroll jump), the
/// secret is shown once with a working copy button, and a reload shows it
/// no more.
#[actix_web::test]
async fn api_client_create_with_live_matrix() {
    if !e2e_enabled("api_client_create_with_live_matrix") {
        return;
    }
    // The live matrix of the form.
    const LIVE: &str = "#matrix";
    let started = Instant::now();
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;

    log_in_as_dutch_admin(c, &app).await;
    visit(c, &app, "/settings/api-clients").await;
    check_page(c).await;
    assert!(text_of(c, "#list").await.contains("Boekhouding-koppeling"));

    click_link_and_wait(c, "Nieuwe API-client aanmaken").await;
    assert_eq!(path(c).await, "/settings/api-clients/new");
    check_page(c).await;
    c.find(Locator::Css("#f-name"))
        .await
        .expect("name field")
        .send_keys("Planning-koppeling")
        .await
        .expect("type name");
    // Nothing ticked: nothing allowed.
    wait_matrix(c, LIVE, "location_list", "Niet toegestaan").await;

    // From here on the page must stay the same document.
    mark_page(c).await;
    // The matrix scrolls in its own box: scrolled to the locations, a swap
    // must keep it there.
    let scrolled = js(
        c,
        "const m = document.getElementById('matrix');
         const row = [...m.querySelectorAll('tr.matrix-resource code')].find(e => e.textContent.trim() === 'locations');
         m.scrollTop = row.closest('tr').offsetTop - 40;
         return m.scrollTop;",
    )
    .await
    .as_f64()
    .unwrap_or(0.0);
    assert!(
        scrolled > 0.0,
        "beside the form the matrix scrolls in its own box"
    );

    let summary = "return document.getElementById('matrix-summary').textContent.trim();";
    let before = js(c, summary).await;
    assert!(
        before.as_str().unwrap_or_default().starts_with("0 van "),
        "{before}"
    );
    // Scrolled away from the locations, ticking one of theirs brings them
    // back into the matrix's box, marked, and the summary counts them.
    js(
        c,
        "document.getElementById('matrix').scrollTop = 0; return 0;",
    )
    .await;
    click(c, "#scope-read-locations").await;
    wait_matrix(c, LIVE, "location_list", "Toegestaan").await;
    wait_matrix(c, LIVE, "location_get", "Toegestaan").await;
    wait_matrix(c, LIVE, "location_create", "Niet toegestaan").await;
    wait_matrix(c, LIVE, "location_delete", "Niet toegestaan").await;
    assert_same_page(c, "ticking read:locations").await;
    let shown = js(
        c,
        "const m = document.getElementById('matrix');
         const g = m.querySelector(\"tbody[data-resource='locations']\");
         const head = m.querySelector('thead').offsetHeight;
         return [g.classList.contains('is-changed'), g.offsetTop - m.scrollTop - head];",
    )
    .await;
    assert_eq!(
        shown[0],
        json!(true),
        "the changed group is marked: {shown}"
    );
    assert!(
        shown[1].as_f64().unwrap_or(99.0).abs() < 2.0,
        "the changed group is at the top of the matrix's box: {shown} (was at {scrolled})"
    );
    let after = js(c, summary).await;
    assert!(
        after.as_str().unwrap_or_default().starts_with("2 van "),
        "the summary counts list and get: {after}"
    );
    // "Only show what is allowed": the rest folds away.
    click(c, "#matrix-only-allowed").await;
    let visible = js(
        c,
        "return [...document.querySelectorAll('#matrix tbody tr:not(.matrix-resource)')]
           .filter(r => r.offsetParent !== null).length;",
    )
    .await;
    assert_eq!(visible, json!(2), "only location_list and location_get");
    click(c, "#matrix-only-allowed").await;

    click(c, "#scope-admin-locations").await;
    wait_matrix(c, LIVE, "location_delete", "Toegestaan").await;
    wait_matrix(c, LIVE, "location_create", "Toegestaan").await;
    assert_same_page(c, "ticking admin:locations").await;

    let levels = matrix_levels("organization");
    assert_eq!(
        js(c, &format!("return {levels};")).await,
        json!([
            "Lezen: Niet toegestaan",
            "Schrijven: Niet toegestaan",
            "Beheren: Niet toegestaan"
        ]),
    );
    click(c, "#scope-write-organization--mail-footer").await;
    wait_js(
        c,
        &format!("{levels}.some(t => t.endsWith('Gedeeltelijk toegestaan'))"),
    )
    .await;
    wait_matrix(c, LIVE, "organization_mail_footer_update", "Toegestaan").await;
    wait_matrix(c, LIVE, "organization_update", "Niet toegestaan").await;
    assert_same_page(c, "ticking write:organization:/mail-footer").await;
    let ticked = js(
        c,
        "return [...document.querySelectorAll('input[name=scope]:checked')].map(i => i.value);",
    )
    .await;
    assert_eq!(
        ticked,
        json!([
            "write:organization:/mail-footer",
            "read:locations",
            "admin:locations"
        ])
    );

    // Create: the secret page, once.
    click_and_wait(c, "form.api-client-form button[type='submit']").await;
    let secret_path = path(c).await;
    assert!(
        secret_path.starts_with("/settings/api-clients/") && secret_path.ends_with("/secret"),
        "after creating: {secret_path}"
    );
    check_page(c).await;
    let secret = c
        .find(Locator::Css("#client-secret"))
        .await
        .expect("the secret")
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert!(secret.starts_with("pcs_"), "secret: {secret}");
    let copy = "[data-copy='client-secret']";
    assert_eq!(text_of(c, copy).await, "Kopiëren");
    mark_page(c).await;
    click(c, copy).await;
    // What headless Chromium does here (checked when this test was
    // written): http://127.0.0.1 counts as a secure context, so
    // navigator.clipboard exists and writeText() resolves (only readText()
    // is refused), the button says so at once; execCommand('copy'), the
    // fallback, would also succeed. The clipboard's content is not asserted
    // (reading it needs a permission); the button text and the selection
    // (which lets the user press Ctrl+C themselves) are.
    wait_js(
        c,
        "document.querySelector(\"[data-copy='client-secret']\").textContent === 'Gekopieerd'",
    )
    .await;
    assert_eq!(
        js(
            c,
            "const i = document.getElementById('client-secret');
             return i.selectionStart === 0 && i.selectionEnd === i.value.length;"
        )
        .await,
        json!(true),
        "the secret is not selected after copying"
    );
    assert_same_page(c, "copying").await;

    // A reload does not show it again.
    mark_page(c).await;
    c.refresh().await.expect("reload");
    wait_new_page(c).await;
    assert_eq!(path(c).await, secret_path);
    let body = text_of(c, "body").await;
    assert!(body.contains("al getoond"), "{body}");
    assert!(!body.contains(&secret), "the secret is shown again");
    assert!(
        c.find(Locator::Css("#client-secret")).await.is_err(),
        "#client-secret after a reload"
    );
    check_page(c).await;

    // In the list now; its name leads to its page: a full page load, not
    // the list's boosted swap (which selected #list out of the client page
    // and left an empty list), and the page shows what was ticked.
    visit(c, &app, "/settings/api-clients").await;
    click_link_and_wait(c, "Planning-koppeling").await;
    assert!(
        secret_path.starts_with(&path(c).await),
        "{} is not the client of {secret_path}",
        path(c).await
    );
    assert!(text_of(c, "h1").await.contains("Planning-koppeling"));
    check_page(c).await;
    wait_matrix(c, "main", "location_delete", "Toegestaan").await;
    wait_matrix(c, "main", "customer_list", "Niet toegestaan").await;
    let details = text_of(c, "dl.details").await;
    for s in [
        "read:locations",
        "admin:locations",
        "write:organization:/mail-footer",
    ] {
        assert!(details.contains(s), "{s} not in {details}");
    }

    browser.close().await;
    println!("browser api-client flow took {:.1?}", started.elapsed());
}

/// A CRC-32 (the one PNG chunks end with).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The Adler-32 checksum that ends a zlib stream.
fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1_u32, 0_u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// A real PNG of `width` × `height` pixels in one colour: 8-bit RGB, the
/// image data in stored (uncompressed) deflate blocks.
fn solid_png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    // Each row: filter type 0 (none), then the pixels.
    let mut row = vec![0];
    for _ in 0..width {
        row.extend_from_slice(&rgb);
    }
    let raw = row.repeat(usize::try_from(height).expect("height"));
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(0xffff).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len())); // BFINAL, BTYPE 00
        let len = u16::try_from(block.len()).expect("block length");
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());

    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8 bits, RGB, deflate, no filter, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (&b"IHDR"[..], &ihdr[..]),
        (&b"IDAT"[..], &zlib[..]),
        (&b"IEND"[..], &[][..]),
    ] {
        let len = u32::try_from(data.len()).expect("chunk length");
        png.extend_from_slice(&len.to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(data);
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    png
}

#[test]
fn solid_png_is_well_formed() {
    // Known values: CRC-32 of "IEND" and Adler-32 of "Wikipedia".
    assert_eq!(crc32(b"IEND"), 0xae42_6082);
    assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    let png = solid_png(120, 40, [15, 107, 99]);
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[png.len() - 12..], b"\0\0\0\0IEND\xae\x42\x60\x82");
}

/// Choose a file for the upload field `#file-<kind>` on Settings →
/// Organisation and submit its form.
async fn upload_image(c: &Client, kind: &str, file: &std::path::Path) {
    let input = format!("#file-{kind}");
    c.find(Locator::Css(&input))
        .await
        .unwrap_or_else(|e| panic!("no element {input}: {e}"))
        .send_keys(&file.display().to_string())
        .await
        .unwrap_or_else(|e| panic!("choose {}: {e}", file.display()));
    click_and_wait(c, &format!("form:has({input}) button[type='submit']")).await;
}

/// Wait at most `timeout` until the expression is true in the page.
async fn wait_js_within(c: &Client, expr: &str, timeout: Duration) {
    let started = Instant::now();
    let script = format!("return !!({expr});");
    loop {
        if let Ok(Value::Bool(true)) = c.execute(&script, vec![]).await {
            return;
        }
        if started.elapsed() > timeout {
            let state = js(
                c,
                "const p = document.getElementById('footer-preview'); return p ? p.innerHTML : null;",
            )
            .await;
            panic!("timed out waiting for `{expr}`; #footer-preview: {state}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Settings → Organisation: a real PNG logo uploaded through the file field
/// shows in the header at its size, with the flash; a square icon shows in
/// the sidebar.
#[actix_web::test]
async fn logo_upload_shows_in_header() {
    if !e2e_enabled("logo_upload_shows_in_header") {
        return;
    }
    let started = Instant::now();
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    let dir = tempfile::tempdir().expect("temp dir");
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, solid_png(120, 40, [15, 107, 99])).expect("write logo");
    let icon = dir.path().join("icon.png");
    std::fs::write(&icon, solid_png(64, 64, [180, 35, 24])).expect("write icon");

    log_in_as_dutch_admin(c, &app).await;
    visit(c, &app, "/settings/organization").await;
    check_page(c).await;
    assert!(
        c.find(Locator::Css("img.org-logo")).await.is_err(),
        "a logo before any upload"
    );
    assert!(
        c.find(Locator::Css("img.org-icon")).await.is_err(),
        "an icon before any upload"
    );

    upload_image(c, "logo", &logo).await;
    assert_eq!(path(c).await, "/settings/organization");
    check_page(c).await;
    let flash = text_of(c, "#flash-region").await;
    assert!(flash.contains("Afbeelding opgeslagen."), "flash: {flash}");
    wait_js(
        c,
        "(() => { const i = document.querySelector('header img.org-logo'); return i && i.complete && i.naturalWidth > 0; })()",
    )
    .await;
    assert_eq!(
        js(
            c,
            "return [document.querySelector('img.org-logo').naturalWidth, document.querySelector('img.org-logo').naturalHeight];"
        )
        .await,
        json!([120, 40])
    );
    // The card shows it too.
    assert_eq!(
        js(
            c,
            "const i = document.querySelector('.image-logo img'); return i ? i.naturalWidth : null;"
        )
        .await,
        json!(120)
    );

    upload_image(c, "icon", &icon).await;
    assert_eq!(path(c).await, "/settings/organization");
    check_page(c).await;
    let flash = text_of(c, "#flash-region").await;
    assert!(flash.contains("Afbeelding opgeslagen."), "flash: {flash}");
    wait_js(
        c,
        "(() => { const i = document.querySelector('.sidebar img.org-icon'); return i && i.complete && i.naturalWidth > 0; })()",
    )
    .await;
    assert_eq!(
        js(
            c,
            "return document.querySelector('.sidebar img.org-icon').naturalWidth;"
        )
        .await,
        json!(64)
    );
    // The logo stays, on every page.
    visit(c, &app, "/").await;
    wait_js(
        c,
        "(() => { const i = document.querySelector('img.org-logo'); return i && i.complete && i.naturalWidth === 120; })()",
    )
    .await;

    browser.close().await;
    println!("browser logo upload took {:.1?}", started.elapsed());
}

/// Settings → Mail footer: typing updates the preview in place (htmx,
/// debounced, no page load); HTML typed in is shown as text, never run.
#[actix_web::test]
async fn mail_footer_preview_updates_while_typing() {
    if !e2e_enabled("mail_footer_preview_updates_while_typing") {
        return;
    }
    const FIELD: &str = "#f-mail_footer";
    const PREVIEW_TIMEOUT: Duration = Duration::from_secs(10);
    let started = Instant::now();
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;

    log_in_as_dutch_admin(c, &app).await;
    visit(c, &app, "/settings/mail-footer").await;
    check_page(c).await;

    mark_page(c).await;
    let field = c.find(Locator::Css(FIELD)).await.expect("the footer field");
    field.clear().await.expect("clear the field");
    field
        .send_keys("**Vet** en *schuin*")
        .await
        .expect("type the footer");
    wait_js_within(
        c,
        "(() => { const h = document.getElementById('footer-preview').innerHTML; \
         return h.includes('<strong>Vet</strong>') && h.includes('<em>schuin</em>'); })()",
        PREVIEW_TIMEOUT,
    )
    .await;
    // The text version follows too.
    let text = text_of(c, "#footer-preview pre.mail-text").await;
    assert!(text.contains("Vet en schuin"), "text version: {text}");
    assert_same_page(c, "typing in the footer").await;

    let field = c.find(Locator::Css(FIELD)).await.expect("the footer field");
    field.clear().await.expect("clear the field");
    field
        .send_keys("<script>x</script>")
        .await
        .expect("type a script");
    wait_js_within(
        c,
        "document.querySelector('#footer-preview .mail-preview').textContent.includes('<script>x</script>')",
        PREVIEW_TIMEOUT,
    )
    .await;
    assert_eq!(
        js(
            c,
            "return document.querySelectorAll('#footer-preview script').length;"
        )
        .await,
        json!(0),
        "a script element in the preview"
    );
    assert_same_page(c, "typing a script").await;
    check_page(c).await;
    // Nothing was saved by the preview.
    visit(c, &app, "/settings/mail-footer").await;
    let saved = c
        .find(Locator::Css(FIELD))
        .await
        .expect("the footer field")
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert!(!saved.contains("<script>"), "the preview saved: {saved}");

    browser.close().await;
    println!("browser mail footer preview took {:.1?}", started.elapsed());
}

/// What sticks out to the right of the viewport, making the page scroll
/// sideways: the page's width and up to eight elements that stick out (a
/// positioned element escapes a scrolling box that is not its containing
/// block); empty when the page fits.
pub(crate) async fn sideways_overflow(c: &Client) -> Value {
    js(
        c,
        "const w = document.documentElement.clientWidth;
         const sw = document.documentElement.scrollWidth;
         if (sw <= w) return [];
         const clipped = e => {
             let p = e.parentElement;
             const pos = getComputedStyle(e).position;
             if (pos === 'fixed') return false;
             if (pos === 'absolute') p = e.offsetParent;
             for (; p && p !== document.body; p = p.parentElement) {
                 if (getComputedStyle(p).overflowX !== 'visible') return true;
             }
             return false;
         };
         const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
             + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
         return ['page ' + sw + ' > ' + w].concat([...document.querySelectorAll('body *')]
             .filter(e => e.getBoundingClientRect().right > w + 0.5 && !clipped(e))
             .slice(0, 8)
             .map(e => name(e) + ' to ' + Math.round(e.getBoundingClientRect().right)));",
    )
    .await
}

/// The new settings pages on a phone: nothing makes the page scroll
/// sideways (a wide table scrolls in its own box, or stacks).
#[actix_web::test]
async fn settings_pages_fit_a_phone() {
    if !e2e_enabled("settings_pages_fit_a_phone") {
        return;
    }
    let started = Instant::now();
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;

    log_in_as_dutch_admin(c, &app).await;
    // An invitation, so that its mail and the open invitations show.
    visit(c, &app, "/settings/users").await;
    c.find(Locator::Css("#f-email"))
        .await
        .expect("the invitation's e-mail field")
        .send_keys("nieuw.lid@example.test")
        .await
        .expect("type an e-mail address");
    click_and_wait(c, "form.invite-form button[type='submit']").await;
    let link = c
        .find(Locator::Css("#invite-link"))
        .await
        .expect("the invitation link")
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    let invitation = link[link.find("/invitations/").expect("an invitation path")..].to_owned();

    set_viewport(c, NARROW.0, NARROW.1).await;
    let mut pages = vec![
        "/settings/organization".to_owned(),
        "/settings/organization/clear".to_owned(),
        "/settings/users".to_owned(),
        "/settings/languages".to_owned(),
        "/settings/mail-footer".to_owned(),
        "/settings/outbox".to_owned(),
        "/settings/audit-log".to_owned(),
    ];
    visit(c, &app, "/settings/outbox").await;
    let mail = js(
        c,
        "const a = document.querySelector(\"#list a[href^='/settings/outbox/']\"); return a ? a.getAttribute('href') : null;",
    )
    .await;
    pages.push(mail.as_str().expect("a mail in the outbox").to_owned());
    visit(c, &app, "/settings/users").await;
    let confirm = js(
        c,
        "const a = document.querySelector(\"#list a[href$='/disable']\"); return a ? a.getAttribute('href') : null;",
    )
    .await;
    pages.push(confirm.as_str().expect("a disable link").to_owned());
    let mut problems = Vec::new();
    for page in &pages {
        visit(c, &app, page).await;
        // With every <details> open: the audit log's values too.
        js(
            c,
            "document.querySelectorAll('main details').forEach(d => d.open = true); return null;",
        )
        .await;
        let out = sideways_overflow(c).await;
        if out.as_array().is_some_and(|a| !a.is_empty()) {
            problems.push(format!("{page}: {out}"));
        }
    }
    log_out(c).await;
    visit(c, &app, &invitation).await;
    let out = sideways_overflow(c).await;
    if out.as_array().is_some_and(|a| !a.is_empty()) {
        problems.push(format!("the invitation: {out}"));
    }
    assert!(
        problems.is_empty(),
        "wider than a phone:\n{}",
        problems.join("\n")
    );

    browser.close().await;
    println!("browser phone widths took {:.1?}", started.elapsed());
}

/// On a phone the switcher and the navigation fold away behind a Menu
/// button (so a page starts with its own content); the button opens them,
/// says so with aria-expanded, and a wide window shows them without it.
#[actix_web::test]
async fn phone_menu_folds_the_navigation() {
    if !e2e_enabled("phone_menu_folds_the_navigation") {
        return;
    }
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    log_in_as_dutch_admin(c, &app).await;
    let expanded = "return document.querySelector('.nav-toggle').getAttribute('aria-expanded');";

    set_viewport(c, NARROW.0, NARROW.1).await;
    visit(c, &app, "/locations").await;
    assert!(!is_shown(c, "#sidebar-menu").await);
    assert!(is_shown(c, ".nav-toggle").await);
    assert_eq!(js(c, expanded).await, json!("false"));
    // The page's own heading is on the first screen.
    assert_eq!(
        js(
            c,
            "return document.querySelector('h1').getBoundingClientRect().bottom < 300;"
        )
        .await,
        json!(true)
    );
    screenshot(c, "phone-menu-closed").await;
    click(c, ".nav-toggle").await;
    wait_js(
        c,
        "document.querySelector('#sidebar-menu').getClientRects().length > 0",
    )
    .await;
    assert_eq!(js(c, expanded).await, json!("true"));
    screenshot(c, "phone-menu-open").await;
    // Escape closes it and gives focus back to the button.
    js(
        c,
        "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'})); return 1;",
    )
    .await;
    assert_eq!(js(c, expanded).await, json!("false"));
    assert!(!is_shown(c, "#sidebar-menu").await);
    assert_eq!(
        js(c, "return document.activeElement.className;").await,
        json!("nav-toggle")
    );
    click(c, ".nav-toggle").await;
    click_link_and_wait(c, "Klanten").await;
    assert_eq!(path(c).await, "/customers");
    assert!(!is_shown(c, "#sidebar-menu").await, "closed on a new page");

    set_viewport(c, WIDE.0, WIDE.1).await;
    assert!(is_shown(c, "#sidebar-menu").await);
    assert!(!is_shown(c, ".nav-toggle").await);

    browser.close().await;
}

/// The error summary (issue 16, item 5): a form sent with errors opens with
/// the summary at the top and focus on the first bad field; each link of
/// the summary moves focus to its field (a group: its first input).
#[actix_web::test]
async fn error_summary_links_move_focus() {
    if !e2e_enabled("error_summary_links_move_focus") {
        return;
    }
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    log_in_as_dutch_admin(c, &app).await;
    visit(c, &app, "/settings/api-clients/new").await;
    click_and_wait(c, "form.form button[type=submit]").await;
    let active = "return document.activeElement.id;";
    assert_eq!(js(c, active).await, json!("f-name"), "the first bad field");
    assert!(
        js(c, "return document.title;")
            .await
            .as_str()
            .unwrap()
            .starts_with("Fout: ")
    );
    assert_eq!(
        text_of(c, ".error-summary li:nth-child(2) a").await,
        "Kies ten minste één recht."
    );
    check_page(c).await;
    screenshot(c, "error-summary-api-client").await;
    click(c, ".error-summary li:nth-child(2) a").await;
    assert_eq!(
        js(
            c,
            "const a = document.activeElement; \
             return document.getElementById('f-scopes').contains(a) && a.type;"
        )
        .await,
        json!("checkbox"),
        "the grid's first box"
    );
    click(c, ".error-summary li:nth-child(1) a").await;
    assert_eq!(js(c, active).await, json!("f-name"));
    // In English on a form with selects.
    choose_language(c, "en").await;
    visit(c, &app, "/meetings/new").await;
    js(
        c,
        "document.getElementById('f-date_from').value = ''; return 1;",
    )
    .await;
    click_and_wait(c, "form.form button[type=submit]").await;
    assert!(
        js(c, "return document.title;")
            .await
            .as_str()
            .unwrap()
            .starts_with("Error: ")
    );
    assert_eq!(text_of(c, ".error-summary h2").await, "There is a problem");
    check_page(c).await;
    screenshot_narrow(c, "error-summary-meeting").await;
    click(c, ".error-summary a[href='#f-date_from']").await;
    assert_eq!(js(c, active).await, json!("f-date_from"));
    browser.close().await;
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
    screenshot_full(c, "dashboard-nl").await;
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

    // Settings → API Clients: the list, in both languages.
    visit(c, &app, "/settings/api-clients").await;
    check_page(c).await;
    screenshot(c, "api-clients-nl").await;
    screenshot_narrow(c, "api-clients-nl").await;
    choose_language(c, "en").await;
    screenshot(c, "api-clients-en").await;
    screenshot_narrow(c, "api-clients-en").await;
    choose_language(c, "nl").await;
    visit(c, &app, "/settings/api-clients?q=bestaat-niet").await;
    screenshot(c, "api-clients-no-match").await;

    // A new client with a few boxes ticked and the live matrix.
    visit(c, &app, "/settings/api-clients/new").await;
    check_page(c).await;
    c.find(Locator::Css("#f-name"))
        .await
        .unwrap()
        .send_keys("Planning-koppeling")
        .await
        .unwrap();
    for (id, op) in [
        (
            "#scope-write-organization--mail-footer",
            "organization_mail_footer_update",
        ),
        ("#scope-admin-locations", "location_delete"),
        ("#scope-read-customers", "customer_list"),
        ("#scope-write-customers--contacts", "contact_create"),
    ] {
        click(c, id).await;
        wait_matrix(c, "#matrix", op, "Toegestaan").await;
    }
    // The focus ring of a tick box, as a keyboard user sees it.
    js(
        c,
        "document.getElementById('scope-read-meetings').focus(); return null;",
    )
    .await;
    c.find(Locator::Css("#scope-read-meetings"))
        .await
        .unwrap()
        .send_keys(" ")
        .await
        .unwrap();
    wait_matrix(c, "#matrix", "meeting_list", "Toegestaan").await;
    screenshot(c, "api-client-new").await;
    // Scrolled down: the matrix stays in view.
    js(
        c,
        "window.scrollTo(0, document.body.scrollHeight); return null;",
    )
    .await;
    screenshot(c, "api-client-new-scrolled").await;
    js(c, "window.scrollTo(0, 0); return null;").await;
    screenshot_narrow(c, "api-client-new").await;
    // Refused: no name.
    js(
        c,
        "document.getElementById('f-name').value = ''; return null;",
    )
    .await;
    click_and_wait(c, "form.api-client-form button[type='submit']").await;
    screenshot(c, "api-client-new-errors").await;
    c.find(Locator::Css("#f-name"))
        .await
        .unwrap()
        .send_keys("Planning-koppeling")
        .await
        .unwrap();
    click_and_wait(c, "form.api-client-form button[type='submit']").await;
    check_page(c).await;
    // The secret, once.
    click(c, "[data-copy='client-secret']").await;
    screenshot(c, "api-client-secret").await;
    screenshot_narrow(c, "api-client-secret").await;
    c.refresh().await.unwrap();
    wait_js(c, "document.readyState === 'complete'").await;
    screenshot(c, "api-client-secret-gone").await;

    // The demo client's page, and its dry-run tester.
    visit(c, &app, "/settings/api-clients").await;
    click_link_and_wait(c, "Boekhouding-koppeling").await;
    check_page(c).await;
    let client = path(c).await;
    screenshot(c, "api-client-show").await;
    screenshot_full(c, "api-client-show").await;
    screenshot_narrow(c, "api-client-show").await;
    c.find(Locator::Css("#operation"))
        .await
        .unwrap()
        .select_by_value("contact_delete")
        .await
        .unwrap();
    click(c, "form.tester button[type='submit']").await;
    wait_js(
        c,
        "document.querySelector('#tester-result .flash') !== null",
    )
    .await;
    js(
        c,
        "document.getElementById('tester-title').scrollIntoView(); return null;",
    )
    .await;
    screenshot(c, "api-client-show-tested").await;

    // Editing its scopes: the difference in the matrix, then the
    // confirmation.
    visit(c, &app, &format!("{client}/edit")).await;
    check_page(c).await;
    click(c, "#scope-read-locations").await;
    wait_matrix(c, "#matrix", "location_list", "Niet toegestaan").await;
    click(c, "#scope-admin-customers").await;
    wait_matrix(c, "#matrix", "customer_delete", "Toegestaan").await;
    screenshot(c, "api-client-edit").await;
    // The matrix scrolled to the first change, as after ticking.
    js(
        c,
        "const m = document.getElementById('matrix'); const r = m.querySelector('tr[class^=change-]');
         m.scrollTop = r.offsetTop - 120; return null;",
    )
    .await;
    screenshot(c, "api-client-edit-changes").await;
    screenshot_narrow(c, "api-client-edit").await;
    click_and_wait(c, "form.api-client-form button[type='submit']").await;
    check_page(c).await;
    screenshot(c, "api-client-confirm").await;
    screenshot_narrow(c, "api-client-confirm").await;

    visit(c, &app, &format!("{client}/delete")).await;
    check_page(c).await;
    screenshot(c, "api-client-delete").await;
    screenshot_narrow(c, "api-client-delete").await;
    click_and_wait(c, "form[action$='/delete'] button[type='submit']").await;
    screenshot(c, "api-client-delete-error").await;

    // Settings → Languages: the demo's languages, then every language. The
    // boosted search swaps only the list; an enable button is a normal post
    // that comes back to the list as it was left.
    visit(c, &app, "/settings/languages").await;
    check_page(c).await;
    screenshot(c, "languages-nl").await;
    screenshot_narrow(c, "languages-nl").await;
    mark_page(c).await;
    c.find(Locator::Css("#q"))
        .await
        .unwrap()
        .send_keys("frans")
        .await
        .unwrap();
    click(c, "form.search button[type='submit']").await;
    wait_js(
        c,
        "location.search.includes('q=frans') && document.querySelector(\"form[action='/settings/languages/fr/enable']\")",
    )
    .await;
    assert_same_page(c, "searching languages").await;
    click_and_wait(c, "form[action='/settings/languages/fr/enable'] button").await;
    check_page(c).await;
    assert!(
        text_of(c, "#flash-region")
            .await
            .contains("Taal ingeschakeld")
    );
    assert!(text_of(c, "#list").await.contains("Frans"));
    screenshot(c, "languages-enabled-nl").await;
    choose_language(c, "en").await;
    screenshot(c, "languages-en").await;
    choose_language(c, "nl").await;

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
    screenshot_full(c, "dashboard-staff").await;
    screenshot_narrow(c, "dashboard-staff").await;

    // Settings → Organisation, with a logo and an icon uploaded.
    log_out(c).await;
    log_in(c, ADMIN).await;
    visit(c, &app, "/settings/organization").await;
    check_page(c).await;
    screenshot(c, "organization-nl-empty").await;
    let images = tempfile::tempdir().expect("temp dir");
    let logo = images.path().join("logo.png");
    std::fs::write(&logo, solid_png(120, 40, [15, 107, 99])).expect("write logo");
    let icon = images.path().join("icon.png");
    std::fs::write(&icon, solid_png(64, 64, [180, 35, 24])).expect("write icon");
    upload_image(c, "logo", &logo).await;
    upload_image(c, "icon", &icon).await;
    check_page(c).await;
    screenshot(c, "organization-nl").await;
    screenshot_full(c, "organization-nl").await;
    screenshot_narrow(c, "organization-nl").await;
    // The focus ring on a file field, as a keyboard user sees it: Tab from
    // the icon's remove button.
    js(
        c,
        "const b = document.querySelector(\"a[href$='/icon/remove']\"); b.scrollIntoView({block: 'center'}); b.focus(); return null;",
    )
    .await;
    c.find(Locator::Css("a[href$='/icon/remove']"))
        .await
        .unwrap()
        .send_keys("\u{e004}")
        .await
        .unwrap();
    wait_js(
        c,
        "document.activeElement && document.activeElement.id === 'file-icon'",
    )
    .await;
    screenshot(c, "organization-nl-focus").await;
    // Refused: not an image.
    let not_image = images.path().join("notes.png");
    std::fs::write(&not_image, b"not an image").expect("write");
    visit(c, &app, "/settings/organization").await;
    upload_image(c, "logo", &not_image).await;
    // The error in the summary and at the field; no token in the address.
    assert_eq!(js(c, "return location.search;").await, json!(""));
    assert_eq!(
        js(c, "return document.activeElement.id;").await,
        json!("file-logo")
    );
    assert!(
        text_of(c, ".error-summary a[href='#file-logo']")
            .await
            .starts_with("Logo: ")
    );
    js(
        c,
        "document.getElementById('file-logo').scrollIntoView({block: 'center'}); return null;",
    )
    .await;
    screenshot(c, "organization-nl-upload-error").await;
    visit(c, &app, "/settings/organization/clear").await;
    check_page(c).await;
    screenshot(c, "organization-clear-nl").await;
    screenshot_narrow(c, "organization-clear-nl").await;

    // Settings → Users: invite someone, the link shown once.
    visit(c, &app, "/settings/users").await;
    check_page(c).await;
    screenshot(c, "users-nl").await;
    screenshot_full(c, "users-nl").await;
    screenshot_narrow(c, "users-nl").await;
    c.find(Locator::Css("#f-email"))
        .await
        .unwrap()
        .send_keys("nieuw.lid@example.test")
        .await
        .unwrap();
    c.find(Locator::Css("#f-role"))
        .await
        .unwrap()
        .select_by_value("TENANT.BACKOFFICE")
        .await
        .unwrap();
    click_and_wait(c, "form.invite-form button[type='submit']").await;
    check_page(c).await;
    let invite_link = c
        .find(Locator::Css("#invite-link"))
        .await
        .expect("the invitation link")
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    let invite_path = invite_link
        .find("/invitations/")
        .map(|i| invite_link[i..].to_owned())
        .unwrap_or_else(|| panic!("no invitation path in {invite_link:?}"));
    screenshot(c, "users-nl-invited").await;
    screenshot_full(c, "users-nl-invited").await;
    screenshot_narrow(c, "users-nl-invited").await;
    // Refused: no e-mail address.
    click_and_wait(c, "form.invite-form button[type='submit']").await;
    screenshot(c, "users-nl-invite-error").await;
    visit(c, &app, "/settings/users").await;
    choose_language(c, "en").await;
    screenshot(c, "users-en").await;
    screenshot_narrow(c, "users-en").await;
    choose_language(c, "nl").await;

    // A confirmation page: disabling the staff member.
    let disable = js(
        c,
        &format!(
            "const row = [...document.querySelectorAll('#list tbody tr')].find(r => r.textContent.includes('{STAFF}'));
             const a = row && row.querySelector(\"a[href$='/disable']\");
             return a ? a.getAttribute('href') : null;"
        ),
    )
    .await;
    let disable = disable
        .as_str()
        .unwrap_or_else(|| panic!("no disable link for {STAFF}"))
        .to_owned();
    visit(c, &app, &disable).await;
    check_page(c).await;
    screenshot(c, "users-disable-nl").await;
    screenshot_narrow(c, "users-disable-nl").await;

    // Settings → Mail: the outbox with the invitation, and the mail.
    visit(c, &app, "/settings/outbox").await;
    check_page(c).await;
    screenshot(c, "outbox-nl").await;
    screenshot_narrow(c, "outbox-nl").await;
    click_and_wait(c, "#list tbody tr a[href^='/settings/outbox/']").await;
    check_page(c).await;
    screenshot(c, "outbox-mail-nl").await;
    screenshot_full(c, "outbox-mail-nl").await;
    js(
        c,
        "const d = document.querySelector('main details'); if (d) { d.open = true; d.scrollIntoView(); } return null;",
    )
    .await;
    screenshot(c, "outbox-mail-nl-html").await;
    screenshot_narrow(c, "outbox-mail-nl").await;

    // Settings → Mail footer, with the live preview.
    visit(c, &app, "/settings/mail-footer").await;
    check_page(c).await;
    screenshot(c, "mail-footer-nl").await;
    screenshot_narrow(c, "mail-footer-nl").await;
    c.find(Locator::Css("#f-mail_footer"))
        .await
        .unwrap()
        .send_keys("\n\n**Nieuw:** [onze site](https://demo.test)")
        .await
        .unwrap();
    wait_js(
        c,
        "document.querySelector('#footer-preview a[href=\"https://demo.test\"]') !== null",
    )
    .await;
    screenshot(c, "mail-footer-nl-typed").await;

    // Settings → Audit log: all, then filtered.
    visit(c, &app, "/settings/audit-log").await;
    check_page(c).await;
    screenshot(c, "audit-log-nl").await;
    screenshot_full(c, "audit-log-nl").await;
    screenshot_narrow(c, "audit-log-nl").await;
    js(
        c,
        "const d = document.querySelector('#list tbody details'); if (d) { d.open = true; } return null;",
    )
    .await;
    screenshot(c, "audit-log-nl-values").await;
    screenshot_narrow(c, "audit-log-nl-values").await;
    let resource = js(
        c,
        "const o = [...document.querySelectorAll('#f-resource option')]; \
         const pick = o.find(x => x.value === 'organization') || o.find(x => x.value !== ''); \
         return pick ? pick.value : null;",
    )
    .await;
    if let Some(resource) = resource.as_str() {
        c.find(Locator::Css("#f-resource"))
            .await
            .unwrap()
            .select_by_value(resource)
            .await
            .unwrap();
        mark_page(c).await;
        click(c, "form.filters button[type='submit']").await;
        wait_js(
            c,
            &format!("location.search.includes('resource={resource}')"),
        )
        .await;
        wait_js(
            c,
            "!document.querySelector('#list.htmx-request, #list .htmx-swapping')",
        )
        .await;
        check_page(c).await;
        screenshot(c, "audit-log-nl-filtered").await;
        screenshot_narrow(c, "audit-log-nl-filtered").await;
    }
    choose_language(c, "en").await;
    screenshot(c, "audit-log-en").await;
    choose_language(c, "nl").await;

    // Locations, meetings and customers: lists, forms with their errors, the
    // week view and a customer's page, in both languages.
    for (path, name) in [
        ("/locations", "locations"),
        ("/locations/new", "location-new"),
        ("/meetings", "meetings"),
        ("/meetings/week", "week"),
        ("/meetings/new", "meeting-new"),
        ("/customers", "customers"),
        ("/customers/new", "customer-new"),
    ] {
        visit(c, &app, path).await;
        check_page(c).await;
        screenshot(c, &format!("{name}-nl")).await;
        screenshot_narrow(c, &format!("{name}-nl")).await;
        set_viewport(c, WIDE.0, WIDE.1).await;
        if path.ends_with("/new") {
            click_and_wait(c, "form.form button[type='submit']").await;
            screenshot(c, &format!("{name}-nl-errors")).await;
        }
        choose_language(c, "en").await;
        screenshot(c, &format!("{name}-en")).await;
        if path == "/meetings/week" {
            screenshot_narrow(c, &format!("{name}-en")).await;
        }
        choose_language(c, "nl").await;
    }
    visit(c, &app, "/customers").await;
    let customer = js(
        c,
        "const a = document.querySelector('#list tbody a[href^=\"/customers/\"]'); \
         return a ? a.getAttribute('href') : null;",
    )
    .await;
    let customer = customer.as_str().expect("a customer in the demo list");
    visit(c, &app, customer).await;
    check_page(c).await;
    screenshot(c, "customer-nl").await;
    screenshot_full(c, "customer-nl").await;
    screenshot_narrow(c, "customer-nl").await;
    set_viewport(c, WIDE.0, WIDE.1).await;
    choose_language(c, "en").await;
    screenshot(c, "customer-en").await;
    choose_language(c, "nl").await;
    visit(c, &app, &format!("{customer}/edit")).await;
    check_page(c).await;
    screenshot(c, "customer-edit-nl").await;
    screenshot_narrow(c, "customer-edit-nl").await;
    set_viewport(c, WIDE.0, WIDE.1).await;

    // A list asked for a page past its end; a week that cannot be read.
    visit(c, &app, "/locations?pageNumber=9223372036854775807").await;
    check_page(c).await;
    screenshot(c, "locations-beyond-nl").await;
    visit(c, &app, "/meetings/week?date=-262143-01-01").await;
    check_page(c).await;
    screenshot(c, "week-unreadable-nl").await;
    // A disabled member in the users list.
    let staff = membership(&app, STAFF, &crate::support::api::org_id(&app, false).await).await;
    app.login(ADMIN)
        .await
        .post(&format!("/settings/users/{staff}/disable"), &[])
        .await;
    visit(c, &app, &format!("/settings/users/{staff}/disable")).await;
    screenshot(c, "member-disable-confirm-nl").await;
    visit(c, &app, "/settings/users").await;
    check_page(c).await;
    screenshot(c, "users-disabled-nl").await;
    screenshot_narrow(c, "users-disabled-nl").await;
    set_viewport(c, WIDE.0, WIDE.1).await;

    // The invitation, signed in as someone else, then after logging out.
    visit(c, &app, &invite_path).await;
    check_page(c).await;
    screenshot(c, "invitation-other-account-nl").await;
    // Its "Log out" comes back to the invitation.
    click_and_wait(c, "form[action='/logout'] button[type='submit']").await;
    assert_eq!(path(c).await, invite_path);
    check_page(c).await;
    screenshot(c, "invitation-nl").await;
    screenshot_narrow(c, "invitation-nl").await;
    set_viewport(c, WIDE.0, WIDE.1).await;
    choose_language(c, "en").await;
    screenshot(c, "invitation-en").await;
    choose_language(c, "nl").await;
    click_and_wait(c, "form.form button[type='submit']").await;
    screenshot(c, "invitation-nl-errors").await;
    // "Log in to accept": the login page says why.
    click_and_wait(c, "a.btn-wide").await;
    check_page(c).await;
    screenshot(c, "login-for-invitation-nl").await;
    visit(c, &app, "/password/forgot").await;
    screenshot(c, "forgot-nl").await;
    screenshot_narrow(c, "forgot-nl").await;

    // The platform (operators), both languages, wide and narrow.
    let (screens, partner) = platform_screens(&app).await;
    visit(c, &app, "/login").await;
    log_in(c, portaal::domain::demo::OPERATOR_EMAIL).await;
    for lang in ["nl", "en"] {
        if html_lang(c).await != lang {
            choose_language(c, lang).await;
        }
        for (screen, name) in &screens {
            visit(c, &app, screen).await;
            check_page(c).await;
            screenshot(c, &format!("{name}-{lang}")).await;
            screenshot_narrow(c, &format!("{name}-{lang}")).await;
            set_viewport(c, WIDE.0, WIDE.1).await;
        }
        visit(c, &app, &format!("/platform/organizations/{partner}")).await;
        click_and_wait(c, "form[action$='/extend-trial'] button[type='submit']").await;
        screenshot(c, &format!("platform-confirm-{lang}")).await;
        visit(c, &app, "/platform/plans/new").await;
        click_and_wait(c, "form.form button[type='submit']").await;
        screenshot(c, &format!("platform-plan-errors-{lang}")).await;
        visit(c, &app, "/platform/coupons/new").await;
        click_and_wait(c, "form.form button[type='submit']").await;
        check_page(c).await;
        screenshot(c, &format!("platform-coupon-errors-{lang}")).await;
        screenshot_narrow(c, &format!("platform-coupon-errors-{lang}")).await;
        set_viewport(c, WIDE.0, WIDE.1).await;
        visit(c, &app, "/platform/coupons").await;
        click_and_wait(c, "tr#coupon-PARTNER10 form[action$='/archive'] button").await;
        check_page(c).await;
        screenshot(c, &format!("platform-coupon-archive-{lang}")).await;
    }

    invoice_screenshots(c, &app).await;
    subscription_screenshots(c, &app).await;
    browser.close().await;
}

/// Settings → Subscription → Invoices for the screenshots: the list, an open
/// invoice, a credit note and the dashboard's card (nl, en, wide and
/// narrow); then past due: the banner, the late invoice, the warning card;
/// paid again at the end.
async fn invoice_screenshots(c: &Client, app: &TestApp) {
    use portaal::domain::invoices::Status;
    let org = crate::support::api::org_id(app, false).await;
    let all = crate::invoices::invoices_of(app, &org).await;
    let open = all
        .iter()
        .find(|i| !i.is_credit_note() && i.status() == Status::Open)
        .expect("the open invoice")
        .clone();
    let credit = all
        .iter()
        .find(|i| i.is_credit_note())
        .expect("a credit note");
    let open_page = format!("/settings/subscription/invoices/{}", open.id);
    let credit_page = format!("/settings/subscription/invoices/{}", credit.id);
    visit(c, app, "/login").await;
    log_in(c, ADMIN).await;
    for lang in ["nl", "en"] {
        if html_lang(c).await != lang {
            choose_language(c, lang).await;
        }
        visit(c, app, "/settings/subscription/invoices").await;
        check_page(c).await;
        screenshot(c, &format!("invoices-{lang}")).await;
        screenshot_narrow(c, &format!("invoices-{lang}")).await;
        visit(c, app, &open_page).await;
        check_page(c).await;
        screenshot_full(c, &format!("invoice-open-{lang}")).await;
        screenshot(c, &format!("invoice-open-{lang}")).await;
        screenshot_narrow(c, &format!("invoice-open-{lang}")).await;
        visit(c, app, &credit_page).await;
        check_page(c).await;
        screenshot(c, &format!("invoice-credit-note-{lang}")).await;
        screenshot_narrow(c, &format!("invoice-credit-note-{lang}")).await;
        visit(c, app, "/").await;
        screenshot(c, &format!("dashboard-invoice-{lang}")).await;
        screenshot_narrow(c, &format!("dashboard-invoice-{lang}")).await;
    }
    // Past due: the banner on every page, the late invoice.
    app.clock.advance(chrono::Duration::days(15));
    crate::invoices::run_invoices(app).await;
    log_out(c).await;
    log_in(c, ADMIN).await;
    for lang in ["nl", "en"] {
        if html_lang(c).await != lang {
            choose_language(c, lang).await;
        }
        visit(c, app, "/").await;
        check_page(c).await;
        screenshot(c, &format!("dashboard-past-due-{lang}")).await;
        screenshot_narrow(c, &format!("dashboard-past-due-{lang}")).await;
        visit(c, app, "/settings/subscription/invoices").await;
        check_page(c).await;
        screenshot(c, &format!("invoices-past-due-{lang}")).await;
        screenshot_narrow(c, &format!("invoices-past-due-{lang}")).await;
        visit(c, app, &open_page).await;
        check_page(c).await;
        screenshot(c, &format!("invoice-overdue-{lang}")).await;
        screenshot_narrow(c, &format!("invoice-overdue-{lang}")).await;
    }
    crate::invoice_screens::pay(app, &open.id).await;
    visit(c, app, &open_page).await;
    check_page(c).await;
    screenshot(c, "invoice-paid-en").await;
    choose_language(c, "nl").await;
    log_out(c).await;
}

/// Settings → Subscription for the screenshots: the screen (nl, en, wide and
/// narrow), a change's preview, the cancel question and the cancelled state.
async fn subscription_screenshots(c: &Client, app: &TestApp) {
    visit(c, app, "/login").await;
    log_in(c, ADMIN).await;
    visit(c, app, "/settings/subscription").await;
    check_page(c).await;
    screenshot_full(c, "subscription-nl").await;
    screenshot_narrow(c, "subscription-nl").await;
    coupon_screenshots(c, app).await;
    set_seats(c, "7").await;
    click_and_wait(
        c,
        "form[action='/settings/subscription/preview'] button[type='submit']",
    )
    .await;
    check_page(c).await;
    screenshot(c, "subscription-preview-nl").await;
    screenshot_narrow(c, "subscription-preview-nl").await;
    choose_language(c, "en").await;
    visit(c, app, "/settings/subscription").await;
    screenshot_full(c, "subscription-en").await;
    screenshot_narrow(c, "subscription-en").await;
    set_seats(c, "3").await;
    click_and_wait(
        c,
        "form[action='/settings/subscription/preview'] button[type='submit']",
    )
    .await;
    screenshot(c, "subscription-preview-decrease-en").await;
    screenshot_narrow(c, "subscription-preview-decrease-en").await;
    set_seats_back(c).await;
    set_seats(c, "1").await;
    click_and_wait(
        c,
        "form[action='/settings/subscription/preview'] button[type='submit']",
    )
    .await;
    screenshot(c, "subscription-errors-en").await;
    visit(c, app, "/settings/subscription/cancel").await;
    check_page(c).await;
    screenshot(c, "subscription-cancel-en").await;
    click_and_wait(
        c,
        "form[action='/settings/subscription/cancel'] button[type='submit']",
    )
    .await;
    check_page(c).await;
    screenshot(c, "subscription-cancelled-en").await;
    screenshot_narrow(c, "subscription-cancelled-en").await;
    choose_language(c, "nl").await;
    screenshot(c, "subscription-cancelled-nl").await;
    visit(c, app, "/").await;
    screenshot(c, "dashboard-cancelled-nl").await;
    // An organisation whose trial ended: the banner on every page.
    log_out(c).await;
    drop(app.other_admin().await);
    app.clock.advance(chrono::Duration::days(32));
    log_in(c, "baas@ander.test").await;
    check_page(c).await;
    screenshot(c, "dashboard-awaiting-nl").await;
    screenshot_narrow(c, "dashboard-awaiting-nl").await;
    visit(c, app, "/settings/subscription").await;
    check_page(c).await;
    screenshot_full(c, "subscription-awaiting-nl").await;
    click_and_wait(
        c,
        "form[action='/settings/subscription/start'] button[type='submit']",
    )
    .await;
    check_page(c).await;
    screenshot_full(c, "subscription-start-refused-nl").await;
    screenshot_narrow(c, "subscription-start-refused-nl").await;
}

/// The coupon field: a refusal at the field, the question before replacing
/// the applied coupon, the discount on the next invoice, the question
/// before removing it (nl, and the screen in en too).
async fn coupon_screenshots(c: &Client, app: &TestApp) {
    type_coupon(c, "partner10").await;
    click_and_wait(c, "form.coupon-form button[type='submit']").await;
    assert!(
        is_shown(c, "#f-coupon-error").await,
        "the refusal at the field"
    );
    check_page(c).await;
    screenshot(c, "subscription-coupon-refused-nl").await;
    screenshot_narrow(c, "subscription-coupon-refused-nl").await;
    set_viewport(c, WIDE.0, WIDE.1).await;
    type_coupon(c, "JaarKorting").await;
    click_and_wait(c, "form.coupon-form button[type='submit']").await;
    assert!(is_shown(c, "#coupon-replaces").await, "the question");
    check_page(c).await;
    screenshot(c, "subscription-coupon-replace-nl").await;
    screenshot_narrow(c, "subscription-coupon-replace-nl").await;
    set_viewport(c, WIDE.0, WIDE.1).await;
    click_and_wait(
        c,
        "form[action='/settings/subscription/coupon'] button[type='submit']",
    )
    .await;
    assert_eq!(path(c).await, "/settings/subscription");
    check_page(c).await;
    screenshot_full(c, "subscription-coupon-applied-nl").await;
    screenshot_narrow(c, "subscription-coupon-applied-nl").await;
    set_viewport(c, WIDE.0, WIDE.1).await;
    visit(c, app, "/settings/subscription/coupon/clear").await;
    check_page(c).await;
    screenshot(c, "subscription-coupon-clear-nl").await;
    choose_language(c, "en").await;
    visit(c, app, "/settings/subscription").await;
    check_page(c).await;
    screenshot_full(c, "subscription-coupon-applied-en").await;
    screenshot_narrow(c, "subscription-coupon-applied-en").await;
    set_viewport(c, WIDE.0, WIDE.1).await;
    choose_language(c, "nl").await;
    visit(c, app, "/settings/subscription").await;
}

/// Type `code` into the coupon field.
async fn type_coupon(c: &Client, code: &str) {
    let field = c
        .find(Locator::Css("#f-coupon"))
        .await
        .expect("the coupon field");
    field.clear().await.expect("clear");
    field.send_keys(code).await.expect("type");
}

/// Back on the subscription screen (from a preview).
async fn set_seats_back(c: &Client) {
    click_and_wait(c, "a[href^='/settings/subscription?']").await;
}

/// Type `seats` into the subscription form's seats field.
async fn set_seats(c: &Client, seats: &str) {
    let field = c
        .find(Locator::Css("#f-seats"))
        .await
        .expect("the seats field");
    field.clear().await.expect("clear");
    field.send_keys(seats).await.expect("type");
}

/// The issue's browser test: an admin previews "+2 seats", confirms, and
/// sees the new seats and the next invoice's preview change.
#[actix_web::test]
async fn subscription_two_more_seats_previewed_and_confirmed() {
    if !e2e_enabled("subscription_two_more_seats_previewed_and_confirmed") {
        return;
    }
    let app = TestApp::demo().await;
    app.clock.advance(chrono::Duration::days(40));
    let browser = Browser::start().await;
    let c = &browser.client;
    log_in_as_dutch_admin(c, &app).await;
    visit(c, &app, "/settings/subscription").await;
    check_page(c).await;
    assert_eq!(text_of(c, "#sub-seats").await, "2 van 5 in gebruik");
    let before = text_of(c, "#sub-next-summary").await;
    assert!(before.contains("€ 750,00"), "{before}");
    set_seats(c, "7").await;
    click_and_wait(
        c,
        "form[action='/settings/subscription/preview'] button[type='submit']",
    )
    .await;
    assert_eq!(path(c).await, "/settings/subscription/preview");
    check_page(c).await;
    let preview = text_of(c, "main").await;
    assert!(
        preview.contains("2 extra plaatsen Plus (naar rato)"),
        "{preview}"
    );
    assert!(preview.contains("7 × plaats Plus"), "{preview}");
    click_and_wait(
        c,
        "form[action='/settings/subscription/change'] button[type='submit']",
    )
    .await;
    assert_eq!(path(c).await, "/settings/subscription");
    check_page(c).await;
    assert_eq!(text_of(c, "#sub-seats").await, "2 van 7 in gebruik");
    let after = text_of(c, "#sub-next-summary").await;
    assert_ne!(after, before, "the next invoice changed");
    assert!(!after.contains("€ 750,00"), "{after}");
    browser.close().await;
}

/// Meetings → week view: the week navigation swaps only the grid (htmx) and
/// pushes the URL; a click on a free hour opens the form at that hour;
/// choosing the employee and the end time and saving shows the meeting in
/// the grid, where the free hour was.
#[actix_web::test]
async fn week_view_click_empty_slot_creates_meeting() {
    if !e2e_enabled("week_view_click_empty_slot_creates_meeting") {
        return;
    }
    const TODAY_HEAD: &str =
        "document.querySelectorAll('.week-grid thead th[aria-current=\"date\"]').length";
    let started = Instant::now();
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;

    log_in_as_dutch_admin(c, &app).await;
    visit(c, &app, "/meetings/week").await;
    check_page(c).await;
    assert_eq!(js(c, &format!("return {TODAY_HEAD};")).await, json!(1));
    screenshot_full(c, "meetings-week-nl").await;
    screenshot_narrow(c, "meetings-week-nl").await;

    // Next week and back again: the grid is swapped in place.
    mark_page(c).await;
    click(c, ".week-nav a[rel='next']").await;
    wait_js(
        c,
        &format!("{TODAY_HEAD} === 0 && location.search.includes('week=')"),
    )
    .await;
    assert_same_page(c, "the next week").await;
    click(c, ".week-nav a[rel='prev']").await;
    wait_js(c, &format!("{TODAY_HEAD} === 1")).await;
    assert_same_page(c, "back to this week").await;
    check_page(c).await;

    // A free hour today (the demo's meetings start at nine).
    let start = js(
        c,
        "const a = document.querySelector(\"td.is-today a.week-slot[href*='T07:00&']\"); return a ? new URL(a.href).searchParams.get('start') : null;",
    )
    .await;
    let start = start
        .as_str()
        .expect("a free hour at 07:00 today")
        .to_owned();
    click_and_wait(
        c,
        &format!("td.is-today a.week-slot[href*='start={start}&']"),
    )
    .await;
    assert_eq!(path(c).await, "/meetings/new");
    check_page(c).await;
    let from = c
        .find(Locator::Css("#f-date_from"))
        .await
        .expect("the from field")
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert_eq!(from, start, "the form starts at the clicked hour");
    // Beside the browser's picker, the chosen moment in the page's words.
    let echo = js(
        c,
        "var i = document.getElementById('f-date_from'); \
         var e = document.getElementById('f-date_from-echo'); \
         return [e ? e.textContent : null, i.getAttribute('aria-describedby')];",
    )
    .await;
    let hour = &start[11..16];
    let words = echo[0].as_str().unwrap_or_default();
    assert!(
        words.contains(" om ") && words.contains(hour) && words.contains("2"),
        "the from field's value in Dutch words: {echo}"
    );
    assert!(
        echo[1]
            .as_str()
            .unwrap_or_default()
            .contains("f-date_from-echo"),
        "{echo}"
    );
    assert_eq!(
        js(c, "return document.activeElement.id;").await,
        json!("f-subject"),
        "a new meeting starts with what it is about"
    );
    c.find(Locator::Css("#f-subject"))
        .await
        .expect("the subject field")
        .send_keys("Ontbijt met de leverancier")
        .await
        .expect("type the subject");
    screenshot(c, "meetings-new-nl").await;
    screenshot_narrow(c, "meetings-new-nl").await;

    c.find(Locator::Css("#f-employee_id"))
        .await
        .expect("the employee field")
        .select_by_label("Mo Medewerker")
        .await
        .expect("choose the employee");
    let end = format!("{}T07:45", &start[..10]);
    js(
        c,
        &format!(
            "const e = document.getElementById('f-date_to'); e.value = '{end}'; \
             e.dispatchEvent(new Event('input', {{bubbles: true}})); \
             e.dispatchEvent(new Event('change', {{bubbles: true}})); return null;"
        ),
    )
    .await;
    c.find(Locator::Css("#f-notes"))
        .await
        .expect("the notes field")
        .send_keys("Ontbijtoverleg")
        .await
        .expect("type notes");
    click_and_wait(c, "form.meeting-form button[type='submit']").await;

    // Back in the week, the meeting where the free hour was.
    assert_eq!(path(c).await, "/meetings/week");
    let flash = text_of(c, "#flash-region").await;
    assert!(flash.contains("Afspraak opgeslagen."), "flash: {flash}");
    wait_js(
        c,
        "[...document.querySelectorAll('td.is-today .week-item')].some(a => a.textContent.includes('07:00–07:45') && a.textContent.includes('Mo Medewerker') && a.querySelector('strong')?.textContent === 'Ontbijt met de leverancier')",
    )
    .await;
    assert_eq!(
        js(
            c,
            &format!(
                "return document.querySelectorAll(\"a.week-slot[href*='start={start}&']\").length;"
            )
        )
        .await,
        json!(0),
        "the hour is no longer free"
    );
    check_page(c).await;
    screenshot_full(c, "meetings-week-saved-nl").await;

    browser.close().await;
    println!("browser week view took {:.1?}", started.elapsed());
}

/// Customers → a customer: add a contact inline (the row appears without a
/// page load), edit it inline, and toggle TWO_INVOICE on its row.
#[actix_web::test]
async fn contact_inline_add_edit_and_two_invoice() {
    if !e2e_enabled("contact_inline_add_edit_and_two_invoice") {
        return;
    }
    let started = Instant::now();
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;

    visit(c, &app, "/login").await;
    choose_language(c, "nl").await;
    log_in(c, STAFF).await;
    visit(c, &app, "/customers").await;
    check_page(c).await;
    click_link_and_wait(c, "Jeroen Smit").await;
    check_page(c).await;

    // Add: the new row shows up in place, the add form is ready again.
    mark_page(c).await;
    for (css, text) in [
        ("#nc-firstname", "Vera"),
        ("#nc-lastname", "Vos"),
        ("#nc-mobile", "+31687654321"),
    ] {
        c.find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .send_keys(text)
            .await
            .expect("type");
    }
    click(c, "form[hx-post$='/contacts'] button[type='submit']").await;
    wait_js(
        c,
        "[...document.querySelectorAll('#contact-rows tr')].some(r => r.textContent.includes('Vos'))",
    )
    .await;
    wait_js(
        c,
        "document.activeElement && document.activeElement.id === 'nc-firstname'",
    )
    .await;
    assert_same_page(c, "adding a contact").await;
    let flash = js(
        c,
        "return document.getElementById('flash-region').textContent.trim();",
    )
    .await;
    assert_eq!(
        flash,
        json!("Contactpersoon toegevoegd."),
        "said in the flash region"
    );
    let row_id = js(
        c,
        "return [...document.querySelectorAll('#contact-rows tr')].find(r => r.textContent.includes('Vos')).id;",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned();
    assert!(row_id.starts_with("contact-"), "row id {row_id}");
    let contact = row_id.trim_start_matches("contact-").to_owned();

    // Edit inline: only the row turns into inputs; save swaps it back.
    // (The row's links and forms are boosted by its <tbody>.)
    click(c, &format!("#{row_id} a[href$='/edit']")).await;
    let last = format!("#c-{contact}-lastname");
    wait_js(c, &format!("document.querySelector('{last}') !== null")).await;
    let field = c.find(Locator::Css(&last)).await.expect("lastname input");
    field.clear().await.expect("clear");
    field.send_keys("Vos-de Wit").await.expect("type");
    click(c, &format!("#edit-{contact} button[type='submit']")).await;
    wait_js(
        c,
        &format!(
            "document.querySelector('{last}') === null && document.getElementById('{row_id}').textContent.includes('Vos-de Wit')"
        ),
    )
    .await;
    assert_same_page(c, "editing a contact").await;
    // Focus is back on the row's Edit button, in the new row.
    let edit_link = format!("#{row_id} a[href$='/edit']");
    wait_js(
        c,
        &format!("document.activeElement === document.querySelector(\"{edit_link}\")"),
    )
    .await;

    // Escape cancels an edit and gives focus back to Edit; at phone width
    // the panel fits the screen.
    set_viewport(c, NARROW.0, NARROW.1).await;
    click(c, &edit_link).await;
    wait_js(
        c,
        &format!("document.activeElement === document.querySelector('#c-{contact}-firstname')"),
    )
    .await;
    let widths = js(
        c,
        "return [document.documentElement.scrollWidth, window.innerWidth];",
    )
    .await;
    assert!(
        widths[0].as_u64() <= widths[1].as_u64(),
        "no sideways scrolling while editing at 390 px: {widths}"
    );
    c.find(Locator::Css(&format!("#c-{contact}-firstname")))
        .await
        .expect("first name")
        .send_keys("\u{e00c}")
        .await
        .expect("Escape");
    wait_js(
        c,
        &format!(
            "document.querySelector('#c-{contact}-firstname') === null && document.activeElement === document.querySelector(\"{edit_link}\")"
        ),
    )
    .await;
    set_viewport(c, WIDE.0, WIDE.1).await;

    // TWO_INVOICE: on, then off again, on the row; focus stays on it.
    let toggle = format!("#{row_id} button[aria-pressed]");
    click(c, &toggle).await;
    wait_js(
        c,
        &format!("document.querySelector(\"{toggle}\").getAttribute('aria-pressed') === 'true'"),
    )
    .await;
    wait_js(
        c,
        &format!("document.activeElement === document.querySelector(\"{toggle}\")"),
    )
    .await;
    click(c, &toggle).await;
    wait_js(
        c,
        &format!("document.querySelector(\"{toggle}\").getAttribute('aria-pressed') === 'false'"),
    )
    .await;
    assert_same_page(c, "toggling TWO_INVOICE").await;
    // Row actions leave the address (and the history) alone.
    let path = js(c, "return location.pathname;").await;
    let path = path.as_str().unwrap_or_default();
    assert!(
        path.starts_with("/customers/") && !path.contains("/contacts"),
        "address after row actions: {path}"
    );
    check_page(c).await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM contacts WHERE lastname = 'Vos-de Wit' AND firstname = 'Vera' AND mobile = '+31687654321'")
            .await,
        1
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'contact.extension_removed'"
        )
        .await,
        1
    );

    browser.close().await;
    println!("browser contact inline flow took {:.1?}", started.elapsed());
}

/// Every screen, in Dutch and in English, wide and phone-sized, as an
/// admin (and the pages of people who are not logged in): no inline
/// script, no CSP violation, and no accessibility violation of impact
/// serious or critical (axe-core).
#[actix_web::test]
async fn every_screen_passes_axe_in_both_languages() {
    if !e2e_enabled("every_screen_passes_axe_in_both_languages") {
        return;
    }
    let app = TestApp::demo().await;
    // The records whose pages are visited.
    let mut admin = app.login(ADMIN).await;
    let org = crate::support::api::org_id(&app, false).await;
    let ids = {
        let org = org.clone();
        app.db(move |c| {
            use diesel::prelude::*;
            use portaal::db::schema::{api_clients, customers, locations, mail_outbox, meetings};
            (
                locations::table
                    .filter(locations::organization_id.eq(&org))
                    .select(locations::id)
                    .first::<String>(c)
                    .unwrap(),
                customers::table
                    .filter(customers::organization_id.eq(&org))
                    .select(customers::id)
                    .first::<String>(c)
                    .unwrap(),
                api_clients::table
                    .filter(api_clients::organization_id.eq(&org))
                    .select(api_clients::id)
                    .first::<String>(c)
                    .unwrap(),
                meetings::table
                    .filter(meetings::organization_id.eq(&org))
                    .select(meetings::id)
                    .first::<String>(c)
                    .unwrap(),
                mail_outbox::table
                    .filter(mail_outbox::organization_id.eq(&org))
                    .select(mail_outbox::id)
                    .first::<String>(c)
                    .optional()
                    .unwrap(),
            )
        })
        .await
    };
    // An open invoice, a voided one and its credit note.
    let invoice = {
        use portaal::domain::invoices::Status;
        let all = crate::invoices::invoices_of(&app, &org).await;
        let page = |f: &dyn Fn(&portaal::domain::invoices::Invoice) -> bool| {
            let i = all.iter().find(|i| f(i)).expect("a demo invoice");
            format!("/settings/subscription/invoices/{}", i.id)
        };
        (
            page(&|i| !i.is_credit_note() && i.status() == Status::Open),
            page(&|i| i.status() == Status::Void),
            page(&|i| i.is_credit_note()),
        )
    };
    let location = format!("/locations/{}", ids.0);
    let customer = format!("/customers/{}", ids.1);
    let client = format!("/settings/api-clients/{}", ids.2);
    let meeting = format!("/meetings/{}", ids.3);
    let webhook = {
        let org = org.clone();
        let id: String = app
            .db(move |c| {
                use diesel::prelude::*;
                use portaal::db::schema::webhook_endpoints;
                webhook_endpoints::table
                    .filter(webhook_endpoints::organization_id.eq(&org))
                    .select(webhook_endpoints::id)
                    .first(c)
                    .unwrap()
            })
            .await;
        format!("/settings/webhooks/{id}")
    };
    let staff = membership(&app, STAFF, &org).await;
    admin
        .post(
            "/settings/users/invite",
            &[("email", "nieuw@axe.test"), ("role", "TENANT.ACCESS")],
        )
        .await;
    let invitation = crate::users::path_of(&crate::users::link_of(
        &admin.get("/settings/users").await.body,
    ));
    let mail = match ids.4 {
        Some(id) => format!("/settings/outbox/{id}"),
        None => {
            let body = admin.get("/settings/outbox").await.body;
            let at = body
                .find("href=\"/settings/outbox/")
                .expect("the invitation's mail");
            let rest = &body[at + 6..];
            rest[..rest.find('"').unwrap()].to_string()
        }
    };
    let screens: Vec<String> = [
        "/",
        "/account",
        "/locations",
        "/locations/new",
        "/locations?pageNumber=999",
        &location,
        &format!("{location}/delete"),
        "/meetings",
        "/meetings/new",
        "/meetings/week",
        &meeting,
        "/customers",
        "/customers/new",
        &customer,
        &format!("{customer}/edit"),
        "/settings/organization",
        "/settings/organization/billing",
        "/settings/organization/clear",
        "/settings/subscription",
        "/settings/subscription/cancel",
        "/settings/subscription/coupon/clear",
        "/settings/subscription/invoices",
        "/settings/subscription/invoices?pageNumber=999",
        &invoice.0,
        &invoice.1,
        &invoice.2,
        "/settings/languages",
        "/settings/users",
        &format!("/settings/users/{staff}/disable"),
        "/settings/mail-footer",
        "/settings/outbox",
        &mail,
        "/settings/api-clients",
        "/settings/api-clients/new",
        &client,
        &format!("{client}/edit"),
        &format!("{client}/delete"),
        &format!("{client}/disable"),
        "/settings/webhooks",
        "/settings/webhooks/new",
        &webhook,
        &format!("{webhook}?status=failed"),
        &format!("{webhook}/edit"),
        &format!("{webhook}/secret"),
        &format!("{webhook}/rotate"),
        &format!("{webhook}/disable"),
        &format!("{webhook}/delete"),
        "/settings/audit-log",
        "/organizations/new",
        "/does-not-exist",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let browser = Browser::start().await;
    let c = &browser.client;
    log_in_as_dutch_admin(c, &app).await;
    for lang in ["nl", "en"] {
        visit(c, &app, "/account").await;
        if html_lang(c).await != lang {
            choose_language(c, lang).await;
        }
        // At a desk and on a phone: the layouts differ (cards, the menu).
        for (width, height) in [WIDE, NARROW] {
            set_viewport(c, width, height).await;
            for screen in &screens {
                visit(c, &app, screen).await;
                check_page(c).await;
            }
        }
        set_viewport(c, WIDE.0, WIDE.1).await;
    }
    // Not logged in: the login page, an invitation, the error page.
    visit(c, &app, "/").await;
    log_out(c).await;
    for lang in ["nl", "en"] {
        visit(c, &app, "/login").await;
        if html_lang(c).await != lang {
            choose_language(c, lang).await;
        }
        for screen in [
            "/login",
            "/password/forgot",
            &invitation,
            "/invitations/0000",
        ] {
            visit(c, &app, screen).await;
            check_page(c).await;
        }
    }
    browser.close().await;
}

/// "Wachtwoord vergeten?" end to end: the link on the login page, the
/// request, the mail through the outbox (a fake mail server), the link, the
/// new password, and logged in.
#[actix_web::test]
async fn forgotten_password_end_to_end_via_the_outbox() {
    if !e2e_enabled("forgotten_password_end_to_end_via_the_outbox") {
        return;
    }
    let (port, received) = crate::mail_delivery::fake_smtp();
    let app = TestApp::demo_with(portaal::config::RawConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..portaal::config::RawConfig::default()
    })
    .await;
    let browser = Browser::start().await;
    let c = &browser.client;
    visit(c, &app, "/login").await;
    choose_language(c, "nl").await;
    click_and_wait(c, "a[href='/password/forgot']").await;
    assert_eq!(path(c).await, "/password/forgot");
    check_page(c).await;
    c.find(Locator::Css("#f-email"))
        .await
        .unwrap()
        .send_keys(STAFF)
        .await
        .unwrap();
    click_and_wait(c, "form[action='/password/forgot'] button[type='submit']").await;
    assert!(text_of(c, "main").await.contains("De link werkt een uur"));
    check_page(c).await;
    assert_eq!(portaal::jobs::mail::deliver_due(&app.state).await, (1, 0));
    let all = received.lock().unwrap().join("\n").replace("=\r\n", "");
    let at = all.rfind("/password/reset/").expect("the link in the mail");
    let link: String = format!(
        "/password/reset/{}",
        all[at + 16..].chars().take(64).collect::<String>()
    );
    visit(c, &app, &link).await;
    check_page(c).await;
    for field in ["#f-password", "#f-password_confirm"] {
        c.find(Locator::Css(field))
            .await
            .unwrap()
            .send_keys("een-nieuw-wachtwoord")
            .await
            .unwrap();
    }
    click_and_wait(c, "main form button[type='submit']").await;
    assert_eq!(path(c).await, "/");
    assert!(
        text_of(c, "#flash-region")
            .await
            .contains("Uw wachtwoord is gewijzigd")
    );
    check_page(c).await;
    browser.close().await;
}

/// Press a key as a person does: to whatever has focus (the page itself
/// when nothing has). `key` is a character or a WebDriver key code such as
/// `'\u{e014}'` (→).
async fn press(c: &Client, key: char) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    c.perform_actions(keys).await.expect("press a key");
}

const ARROW_LEFT: char = '\u{e012}';
const ARROW_RIGHT: char = '\u{e014}';
const HOME: char = '\u{e011}';
const END: char = '\u{e010}';

/// The agenda's chosen tab, whether it is today's, and the panels shown.
async fn agenda_state(c: &Client) -> Value {
    js(
        c,
        "const t = document.querySelector('.agenda-tabs [aria-selected=\"true\"]'); \
         return [t && t.id, t && t.getAttribute('aria-current'), \
           [...document.querySelectorAll('.agenda-day')].filter(p => p.getClientRects().length > 0).map(p => p.id), \
           document.activeElement.id];",
    )
    .await
}

/// The week view on a phone: the days as tabs, opened at today with its
/// meetings, the grid out of sight, nothing sticking out sideways; the tabs
/// work with the arrow keys, Home and End, and a click; the week's
/// navigation still swaps the agenda (the next week opens at Monday).
#[actix_web::test]
async fn phone_agenda_opens_at_today() {
    if !e2e_enabled("phone_agenda_opens_at_today") {
        return;
    }
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    log_in_as_dutch_admin(c, &app).await;
    set_viewport(c, NARROW.0, NARROW.1).await;
    visit(c, &app, "/meetings/week").await;

    assert!(is_shown(c, ".agenda-tabs").await, "the tabs");
    assert!(!is_shown(c, ".week-wrap").await, "the grid is hidden");
    let state = agenda_state(c).await;
    let tab = state[0].as_str().expect("a chosen tab").to_owned();
    assert_eq!(state[1], json!("date"), "today's tab: {state}");
    let today: usize = tab["agenda-tab-".len()..].parse().expect("its day");
    assert_eq!(state[2], json!([format!("agenda-day-{today}")]), "{state}");
    assert_eq!(
        js(
            c,
            "return document.documentElement.scrollWidth <= window.innerWidth;"
        )
        .await,
        json!(true),
        "sideways: {}",
        sideways_overflow(c).await
    );
    // The demo has meetings today (or the Monday of its week), each with
    // its time, subject, employee and colour.
    assert_eq!(
        js(
            c,
            &format!(
                "return [...document.querySelectorAll('#agenda-day-{today} li > a')].every(a => \
                 a.querySelector('b') && a.querySelector('span') && \
                 getComputedStyle(a.querySelector('span'), '::before').backgroundColor !== 'rgba(0, 0, 0, 0)');"
            )
        )
        .await,
        json!(true)
    );
    check_page(c).await;
    screenshot(c, "week-agenda-nl").await;

    // The arrow keys move between the tabs (round), Home and End to the
    // ends; the week stays.
    js(
        c,
        &format!("document.getElementById('{tab}').focus(); return null;"),
    )
    .await;
    press(c, ARROW_RIGHT).await;
    let next = (today + 1) % 7;
    wait_js(
        c,
        &format!(
            "document.activeElement.id === 'agenda-tab-{next}' && \
             document.activeElement.getAttribute('aria-selected') === 'true' && \
             document.getElementById('agenda-day-{next}').getClientRects().length > 0 && \
             document.getElementById('agenda-day-{today}').getClientRects().length === 0"
        ),
    )
    .await;
    assert!(
        !c.current_url()
            .await
            .expect("url")
            .as_str()
            .contains("week=")
    );
    press(c, END).await;
    wait_js(c, "document.activeElement.id === 'agenda-tab-6'").await;
    press(c, HOME).await;
    wait_js(c, "document.activeElement.id === 'agenda-tab-0'").await;
    press(c, ARROW_LEFT).await;
    wait_js(c, "document.activeElement.id === 'agenda-tab-6'").await;
    let state = agenda_state(c).await;
    assert_eq!(state[2], json!(["agenda-day-6"]), "{state}");
    assert_eq!(
        js(
            c,
            "return document.querySelectorAll('.agenda-tabs [tabindex=\"0\"]').length;"
        )
        .await,
        json!(1),
        "one tab stop"
    );
    click(c, "#agenda-tab-0").await;
    wait_js(
        c,
        "document.getElementById('agenda-day-0').getClientRects().length > 0",
    )
    .await;
    js(
        c,
        "document.querySelector('.agenda').scrollIntoView(); return null;",
    )
    .await;
    screenshot(c, "week-agenda-nl-monday").await;

    // The next week, swapped in by htmx: it opens at Monday.
    mark_page(c).await;
    click(c, ".week-nav a[rel='next']").await;
    wait_js(
        c,
        "location.search.includes('week=') && !document.querySelector('.agenda-tabs [aria-current]')",
    )
    .await;
    assert_same_page(c, "the next week").await;
    let state = agenda_state(c).await;
    assert_eq!(state[0], json!("agenda-tab-0"), "{state}");
    assert_eq!(state[2], json!(["agenda-day-0"]), "{state}");
    check_page(c).await;

    browser.close().await;
}

/// The week view's shortcuts: → and ← change the week (htmx, the URL
/// follows), t goes back to this week, n opens a new meeting; a key typed
/// in a field is the field's.
#[actix_web::test]
async fn week_keyboard_shortcuts() {
    if !e2e_enabled("week_keyboard_shortcuts") {
        return;
    }
    const THIS_WEEK: &str =
        "document.querySelectorAll('.week-grid thead th[aria-current=\"date\"]').length === 1";
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    log_in_as_dutch_admin(c, &app).await;
    visit(c, &app, "/meetings/week").await;
    let this_week = text_of(c, ".week-title").await;
    let hint = text_of(c, ".week-keys").await;
    assert!(hint.starts_with("Sneltoetsen:"), "{hint}");
    let title = |expected: &str| {
        format!("document.querySelector('.week-title').textContent === '{expected}'")
    };

    mark_page(c).await;
    press(c, ARROW_RIGHT).await;
    wait_js(
        c,
        &format!(
            "location.search.includes('week=') && !({}) && !({THIS_WEEK})",
            title(&this_week)
        ),
    )
    .await;
    let next_week = text_of(c, ".week-title").await;
    press(c, ARROW_LEFT).await;
    wait_js(c, &format!("{} && {THIS_WEEK}", title(&this_week))).await;
    press(c, ARROW_LEFT).await;
    wait_js(
        c,
        &format!("!({}) && !({})", title(&this_week), title(&next_week)),
    )
    .await;
    press(c, 't').await;
    wait_js(c, &format!("{} && {THIS_WEEK}", title(&this_week))).await;
    assert_same_page(c, "the shortcuts").await;
    assert_eq!(path(c).await, "/meetings/week");

    // In the filter's select, n and → are the select's.
    c.find(Locator::Css("#f-employee"))
        .await
        .expect("the employee filter")
        .send_keys("n")
        .await
        .expect("type in the select");
    js(
        c,
        "document.getElementById('f-location').focus(); return null;",
    )
    .await;
    press(c, ARROW_RIGHT).await;
    press(c, 'n').await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_same_page(c, "a key in a field").await;
    assert_eq!(path(c).await, "/meetings/week");
    wait_js(c, &format!("{} && {THIS_WEEK}", title(&this_week))).await;

    // Out of the field, n starts a new meeting.
    js(c, "document.activeElement.blur(); return null;").await;
    press(c, 'n').await;
    wait_new_page(c).await;
    assert_eq!(path(c).await, "/meetings/new");
    browser.close().await;
}

/// The issue's Undo: a meeting opened from the week and deleted (after the
/// confirmation page) is gone from the week, which says so and offers
/// Undo; Undo brings it back.
#[actix_web::test]
async fn undo_after_deleting_a_meeting() {
    if !e2e_enabled("undo_after_deleting_a_meeting") {
        return;
    }
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    log_in_as_dutch_admin(c, &app).await;
    visit(c, &app, "/meetings/week").await;
    let href = js(
        c,
        "const a = document.querySelector('.week-grid a.week-item'); return a ? a.getAttribute('href') : null;",
    )
    .await;
    let href = href.as_str().expect("a meeting this week").to_owned();
    let in_week = format!(
        "return document.querySelectorAll(\".week-grid a.week-item[href='{href}']\").length;"
    );
    assert_eq!(js(c, &in_week).await, json!(1));

    click_and_wait(c, &format!(".week-grid a.week-item[href='{href}']")).await;
    click_and_wait(c, "a.btn-danger[href$='/delete?back=week']").await;
    check_page(c).await;
    click_and_wait(c, "main form button.btn-danger[type='submit']").await;

    assert_eq!(path(c).await, "/meetings/week");
    let flash = text_of(c, "#flash-region").await;
    assert!(
        flash.contains("Afspraak verwijderd.") && flash.contains("Ongedaan maken"),
        "flash: {flash}"
    );
    assert_eq!(js(c, &in_week).await, json!(0), "gone from the week");
    check_page(c).await;
    screenshot(c, "week-deleted-undo-nl").await;

    click_and_wait(c, "#flash-region form.flash-undo button").await;
    assert_eq!(path(c).await, "/meetings/week");
    let flash = text_of(c, "#flash-region").await;
    assert!(flash.contains("Afspraak teruggezet."), "flash: {flash}");
    assert_eq!(js(c, &in_week).await, json!(1), "back in the week");
    browser.close().await;
}

#[actix_web::test]
async fn platform_passes_axe() {
    if !e2e_enabled("platform_passes_axe") {
        return;
    }
    let app = TestApp::demo().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    visit(c, &app, "/login?next=/platform").await;
    choose_language(c, "nl").await;
    log_in(c, portaal::domain::demo::OPERATOR_EMAIL).await;
    assert_eq!(path(c).await, "/platform");
    assert!(text_of(c, "h1").await.contains("Organisaties"));
    check_page(c).await;
    // Every platform screen (issue 17, item 6), in both languages, at a
    // desk and on a phone; screenshots when PORTAAL_SCREENSHOTS is set.
    let (screens, partner) = platform_screens(&app).await;
    for lang in ["nl", "en"] {
        if html_lang(c).await != lang {
            choose_language(c, lang).await;
        }
        for (width, height) in [WIDE, NARROW] {
            set_viewport(c, width, height).await;
            for (screen, _) in &screens {
                visit(c, &app, screen).await;
                check_page(c).await;
            }
            // A confirmation step, and a form with its errors in place.
            visit(c, &app, &format!("/platform/organizations/{partner}")).await;
            click_and_wait(c, "form[action$='/extend-trial'] button[type='submit']").await;
            assert!(path(c).await.ends_with("/extend-trial"), "the confirmation");
            check_page(c).await;
            visit(c, &app, "/platform/plans/new").await;
            click_and_wait(c, "form.form button[type='submit']").await;
            check_page(c).await;
            visit(c, &app, "/platform/coupons/new").await;
            click_and_wait(c, "form.form button[type='submit']").await;
            assert!(is_shown(c, "#f-code-error").await, "the code's error");
            check_page(c).await;
            visit(c, &app, "/platform/coupons").await;
            click_and_wait(c, "tr#coupon-PARTNER10 form[action$='/archive'] button").await;
            assert!(path(c).await.ends_with("/archive"), "the question");
            check_page(c).await;
            platform_invoice_flows(c, &app).await;
        }
        set_viewport(c, WIDE.0, WIDE.1).await;
    }
    log_out(c).await;

    // A tenant admin who is an operator too: the header links the platform.
    let now = chrono::Utc::now().naive_utc();
    app.db(move |conn| {
        portaal::domain::operators::set(
            conn,
            now,
            &portaal::domain::actor::AuditActor::system("operator grant"),
            ADMIN,
            true,
        )
        .unwrap()
    })
    .await;
    log_in(c, ADMIN).await;
    assert!(is_shown(c, "a.platform-link").await);
    check_page(c).await;
    screenshot_narrow(c, "dashboard-operator").await;
    browser.close().await;
}

/// The invoice screens' states that need a step (issue 18): the seller
/// form with its errors, the void question, a refused mark-paid, a bank
/// statement read in and its result, a refused file; each checked (axe, CSP)
/// and, with PORTAAL_SCREENSHOTS, photographed as `platform-…-<lang>`.
async fn platform_invoice_flows(c: &Client, app: &TestApp) {
    let lang = html_lang(c).await;
    let narrow = js(c, "return window.innerWidth < 600;").await == json!(true);
    let shot = |name: &str| format!("{name}-{lang}{}", if narrow { "-narrow" } else { "" });
    visit(c, app, "/platform/seller").await;
    js(
        c,
        "document.getElementById('f-iban').value = 'NL91 ABNA 0417 1643 01'; \
         document.getElementById('f-vat_id').value = 'BE0123456789'; return null;",
    )
    .await;
    click_and_wait(c, "form.seller-form button[type='submit']").await;
    assert!(is_shown(c, "#f-iban-error").await, "the IBAN's error");
    assert!(is_shown(c, "#f-vat_id-error").await, "the VAT id's error");
    check_page(c).await;
    screenshot(c, &shot("platform-seller-errors")).await;

    visit(c, app, "/platform/invoices?status=open").await;
    click_link_and_wait(c, "PF-000005").await;
    js(
        c,
        "document.getElementById('f-paid_on').value = '2999-01-01'; return null;",
    )
    .await;
    click_and_wait(c, "form[action$='/pay'] button[type='submit']").await;
    assert!(is_shown(c, "#f-paid_on-error").await, "the date's error");
    check_page(c).await;
    screenshot(c, &shot("platform-invoice-pay-error")).await;
    click_and_wait(c, "form[action$='/void'] button[type='submit']").await;
    assert!(path(c).await.ends_with("/void"), "the question");
    check_page(c).await;
    screenshot(c, &shot("platform-invoice-void-question")).await;

    let dir = std::env::temp_dir().join(format!("portaal-camt-{}", portaal::db::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let statement = dir.join("dag.xml");
    // The open invoice paid a euro short, and a credit without a reference:
    // both for a person to decide (so nothing changes, run after run).
    let (reference, total) = app
        .db(|conn| {
            use diesel::prelude::*;
            use portaal::db::schema::invoices;
            invoices::table
                .filter(invoices::number.eq("PF-000005"))
                .select((
                    invoices::payment_reference.assume_not_null(),
                    invoices::total,
                ))
                .first::<(String, i64)>(conn)
                .unwrap()
        })
        .await;
    let remittance = format!(
        "Factuur PF-000005 {}",
        portaal::domain::payment_reference::display(&reference)
    );
    std::fs::write(
        &statement,
        crate::invoices::camt(&[
            (total - 100, &remittance, "B1"),
            (999, "geen kenmerk", "B2"),
        ]),
    )
    .unwrap();
    let not_xml = dir.join("afschrift.pdf");
    std::fs::write(&not_xml, b"%PDF-1.7").unwrap();
    for (file, name) in [
        (&statement, "platform-import-result"),
        (&not_xml, "platform-import-error"),
    ] {
        visit(c, app, "/platform/invoices/import").await;
        c.find(Locator::Css("#f-file"))
            .await
            .expect("the file field")
            .send_keys(&file.display().to_string())
            .await
            .expect("choose the file");
        click_and_wait(
            c,
            "form[action='/platform/invoices/import'] button[type='submit']",
        )
        .await;
        check_page(c).await;
        screenshot(c, &shot(name)).await;
    }
    assert!(is_shown(c, "#f-file-error").await, "the file's error");
    let _ = std::fs::remove_dir_all(&dir);

    // An incomplete seller: the notice on both screens (then complete again).
    let set_bic = |bic: &'static str| {
        app.db(move |conn| {
            use diesel::prelude::*;
            use portaal::db::schema::seller;
            diesel::update(seller::table)
                .set(seller::bic.eq(bic))
                .execute(conn)
                .unwrap()
        })
    };
    set_bic("").await;
    for (path, name) in [
        ("/platform/invoices", "platform-invoices-seller-missing"),
        ("/platform/seller", "platform-seller-missing"),
    ] {
        visit(c, app, path).await;
        assert!(is_shown(c, "#seller-missing").await, "{path}: the notice");
        check_page(c).await;
        screenshot(c, &shot(name)).await;
    }
    set_bic("ABNANL2A").await;
}

/// The platform's screens (path, screenshot name), and Demo Partner BV's id.
async fn platform_screens(app: &TestApp) -> (Vec<(String, &'static str)>, String) {
    let (demo, partner, plus, welkom, invoices) = app
        .db(|conn| {
            use diesel::prelude::*;
            use portaal::db::schema::{coupons, organizations, plans};
            let mut org = |name: &str| {
                organizations::table
                    .filter(organizations::name.eq(name))
                    .select(organizations::id)
                    .first::<String>(conn)
                    .unwrap()
            };
            let (demo, partner) = (org("Demo BV"), org("Demo Partner BV"));
            let plus = plans::table
                .filter(plans::code.eq("plus"))
                .select(plans::id)
                .first::<String>(conn)
                .unwrap();
            let welkom = coupons::table
                .filter(coupons::code.eq("welkom20"))
                .select(coupons::id)
                .first::<String>(conn)
                .unwrap();
            let mut invoice = |number: &str| {
                portaal::db::schema::invoices::table
                    .filter(portaal::db::schema::invoices::number.eq(number))
                    .select(portaal::db::schema::invoices::id)
                    .first::<String>(conn)
                    .unwrap()
            };
            let invoices = (invoice("PF-000005"), invoice("PC-000001"));
            (demo, partner, plus, welkom, invoices)
        })
        .await;
    let (open, credit) = invoices;
    let screens = vec![
        ("/platform".to_string(), "platform"),
        (
            format!("/platform/organizations/{demo}"),
            "platform-org-active",
        ),
        (
            format!("/platform/organizations/{partner}"),
            "platform-org-trial",
        ),
        ("/platform/plans".to_string(), "platform-plans"),
        ("/platform/plans/new".to_string(), "platform-plan-new"),
        (format!("/platform/plans/{plus}"), "platform-plan-edit"),
        ("/platform/coupons".to_string(), "platform-coupons"),
        ("/platform/coupons/new".to_string(), "platform-coupon-new"),
        (
            format!("/platform/coupons/{welkom}"),
            "platform-coupon-redemptions",
        ),
        ("/platform/invoices".to_string(), "platform-invoices"),
        (
            "/platform/invoices?status=paid&kind=invoice".to_string(),
            "platform-invoices-paid",
        ),
        (
            format!("/platform/invoices/{open}"),
            "platform-invoice-open",
        ),
        (
            format!("/platform/invoices/{credit}"),
            "platform-invoice-credit-note",
        ),
        ("/platform/invoices/import".to_string(), "platform-import"),
        ("/platform/seller".to_string(), "platform-seller"),
        ("/platform/seller/logo".to_string(), "platform-seller-logo"),
        (
            "/platform/seller/logo/remove".to_string(),
            "platform-seller-logo-remove",
        ),
    ];
    (screens, partner)
}

/// An organisation with more locations than a select offers: on the week
/// view typing in the search narrows the location select (htmx) and the
/// filter finds the one chosen; in the meeting form Enter in the search
/// does not save the form. axe on both, in both languages.
#[actix_web::test]
async fn a_search_narrows_a_long_location_select() {
    if !e2e_enabled("a_search_narrows_a_long_location_select") {
        return;
    }
    let app = TestApp::demo().await;
    app.db(|c| {
        use diesel::prelude::*;
        use portaal::db::schema::{locations, organizations};
        let org: String = organizations::table
            .filter(organizations::name.eq("Demo BV"))
            .select(organizations::id)
            .first(c)
            .unwrap();
        let now = chrono::Utc::now().naive_utc();
        for n in 0..150 {
            diesel::insert_into(locations::table)
                .values((
                    locations::id.eq(portaal::db::new_id()),
                    locations::organization_id.eq(&org),
                    locations::name.eq(format!("Filiaal {n:03}")),
                    locations::created_at.eq(now),
                    locations::updated_at.eq(now),
                ))
                .execute(c)
                .unwrap();
        }
    })
    .await;
    let browser = Browser::start().await;
    let c = &browser.client;
    log_in_as_dutch_admin(c, &app).await;

    visit(c, &app, "/meetings/week").await;
    check_page(c).await;
    screenshot(c, "week-location-search").await;
    screenshot_narrow(c, "week-location-search").await;
    let count = "document.querySelectorAll('#f-location option').length";
    assert_eq!(js(c, &format!("return {count};")).await, json!(101));
    mark_page(c).await;
    c.find(Locator::Css("#f-location-q"))
        .await
        .expect("the location search")
        .send_keys("iaal 14")
        .await
        .expect("type");
    wait_js(c, &format!("{count} === 11")).await;
    assert_same_page(c, "typing in the location search").await;
    c.find(Locator::Css("#f-location option:last-child"))
        .await
        .expect("the last option")
        .click()
        .await
        .expect("choose it");
    click_and_wait(c, ".filters button[type=submit]").await;
    assert_eq!(
        js(
            c,
            "return document.querySelector('#f-location option:checked').textContent;"
        )
        .await,
        json!("Filiaal 149")
    );
    check_page(c).await;

    visit(c, &app, "/meetings/new").await;
    check_page(c).await;
    mark_page(c).await;
    c.find(Locator::Css("#f-location_id-q"))
        .await
        .expect("the form's location search")
        .send_keys("iaal 03\u{e007}")
        .await
        .expect("type and press Enter");
    wait_js(
        c,
        "document.querySelectorAll('#f-location_id option').length === 11",
    )
    .await;
    assert_same_page(c, "Enter in the form's location search").await;
    assert_eq!(path(c).await, "/meetings/new");

    choose_language(c, "en").await;
    visit(c, &app, "/meetings/week").await;
    check_page(c).await;
    assert!(
        text_of(c, "label[for=f-location-q]")
            .await
            .contains("Find a location")
    );
    screenshot(c, "week-location-search-en").await;
    browser.close().await;
}
