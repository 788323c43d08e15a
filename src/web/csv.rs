//! CSV downloads of the lists: the writer (RFC 4180, a UTF-8 byte order
//! mark first so a spreadsheet reads the text as UTF-8, `;` between fields
//! in Dutch where `,` is the decimal comma, `,` in English, CRLF line ends)
//! and the streamed response that a domain export feeds a chunk at a time.
//!
//! Formula injection (OWASP, "CSV Injection"): a cell that starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a
//! spreadsheet shows it as text instead of running it. That includes the
//! phone numbers, stored E.164 (`'+31612345678`): a number from before the
//! phone rule is kept as it was typed, so no column can be trusted to hold
//! only digits, and without the quote a spreadsheet would read `+31…` as a
//! sum and drop the `+`.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use futures_util::StreamExt;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{self, error::TrySendError};

use crate::AppState;
use crate::db::DbConn;
use crate::domain::local_time::utc_to_local;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::extract::Member;

/// Bytes gathered before they are sent on (one chunk of the response).
const FLUSH_AT: usize = 32 * 1024;
/// Chunks that may wait for a slow download before the export waits too.
const QUEUED: usize = 4;
/// A download that takes nothing for this long is broken off, so that it
/// does not hold a database thread (and its read transaction) any longer.
const STALLED: Duration = Duration::from_secs(60);

/// A CSV text being written.
pub struct Csv {
    separator: char,
    out: String,
}

impl Csv {
    /// An empty file for `lang`: the byte order mark, then `header`.
    pub fn new(lang: Lang, header: &[&str]) -> Self {
        let mut csv = Self {
            separator: match lang {
                Lang::Nl => ';',
                Lang::En => ',',
            },
            out: String::from("\u{feff}"),
        };
        csv.row(header);
        csv
    }

    /// One record.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        for (n, cell) in cells.iter().enumerate() {
            if n > 0 {
                self.out.push(self.separator);
            }
            self.cell(cell.as_ref());
        }
        self.out.push_str("\r\n");
    }

    /// One record of typed cells.
    pub fn cells(&mut self, cells: &[Cell<'_>]) {
        for (n, cell) in cells.iter().enumerate() {
            if n > 0 {
                self.out.push(self.separator);
            }
            match cell {
                Cell::Text(value) => self.cell(value),
                Cell::Euros(cents) => self.out.push_str(&euros(*cents)),
            }
        }
        self.out.push_str("\r\n");
    }

    fn cell(&mut self, value: &str) {
        let guard = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let quote = value.contains([self.separator, '"', '\r', '\n']);
        if quote {
            self.out.push('"');
        }
        if guard {
            self.out.push('\'');
        }
        if quote {
            self.out.push_str(&value.replace('"', "\"\""));
            self.out.push('"');
        } else {
            self.out.push_str(value);
        }
    }

    /// What is written so far, taken out.
    fn take(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    /// The text (for tests).
    pub fn into_string(self) -> String {
        self.out
    }
}

/// A cell of a record written with [`Csv::cells`].
pub enum Cell<'a> {
    /// Text, guarded against formulas and quoted as needed.
    Text(&'a str),
    /// An amount of cents, written as euros with a dot and no grouping
    /// (`1234.50`, `-12.00`) in both languages, as bookkeeping software
    /// reads it: a number we wrote ourselves, so never a formula, and its
    /// minus is not guarded.
    Euros(i64),
}

/// Cents as euros with a dot: `-1234.5` euros is `-1234.50`.
fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// A moment as the organisation's local time, `2026-12-05 14:00`, which
/// spreadsheets read as a date and time.
pub fn local(tz: chrono_tz::Tz, utc: NaiveDateTime) -> String {
    utc_to_local(tz, utc).format("%Y-%m-%d %H:%M").to_string()
}

/// Where an export writes its rows, on its database thread: they are sent
/// on to the download in chunks, waiting while the download is behind.
/// An empty chunk ends the download; a channel closed without it (an
/// error, a panic, a stalled download) breaks the download off.
pub struct Sink {
    csv: Csv,
    tx: mpsc::Sender<Result<Bytes, AppError>>,
}

impl Sink {
    /// Write a record; `false` once the download has gone (stop reading).
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> bool {
        self.csv.row(cells);
        self.csv.out.len() < FLUSH_AT || self.flush()
    }

    /// Write a record of typed cells; `false` once the download has gone.
    pub fn cells(&mut self, cells: &[Cell<'_>]) -> bool {
        self.csv.cells(cells);
        self.csv.out.len() < FLUSH_AT || self.flush()
    }

    fn flush(&mut self) -> bool {
        let bytes = Bytes::from(self.csv.take());
        self.send(Ok(bytes))
    }

    /// The rest, and the end.
    fn finish(&mut self) {
        if self.flush() {
            self.send(Ok(Bytes::new()));
        }
    }

    /// Hand `item` on, waiting at most [`STALLED`] for room (a database
    /// thread has no async runtime to wait in: it looks again every few
    /// milliseconds while the download is behind).
    fn send(&self, mut item: Result<Bytes, AppError>) -> bool {
        let deadline = Instant::now() + STALLED;
        loop {
            match self.tx.try_send(item) {
                Ok(()) => return true,
                Err(TrySendError::Closed(_)) => return false,
                Err(TrySendError::Full(back)) if Instant::now() < deadline => {
                    item = back;
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err(TrySendError::Full(_)) => {
                    tracing::warn!("an export's download stalled; broken off");
                    return false;
                }
            }
        }
    }
}

/// The CSV download `name-<today>.csv` with `header`, whose rows `export`
/// writes into its [`Sink`] on a database thread (a domain export, which
/// checks the permission and audits). The response is streamed: at most a
/// few chunks wait in memory however many rows there are. An error before
/// the first chunk (no permission) is an error page; a later one breaks
/// off the download, so a partial file is never taken for a whole one.
pub async fn download<F>(
    state: &web::Data<AppState>,
    m: &Member,
    name: &str,
    header: &[&str],
    export: F,
) -> Result<HttpResponse, AppError>
where
    F: FnMut(&mut DbConn, &mut Sink) -> Result<u64, AppError> + Send + 'static,
{
    let today = utc_to_local(m.tz, state.clock.now()).date();
    stream(
        state,
        m.lang,
        &format!("{name}-{today}.csv"),
        header,
        export,
    )
    .await
}

/// [`download`] in `lang` as the file `file_name` (for a screen without a
/// member's organisation: the platform's).
pub async fn stream<F>(
    state: &web::Data<AppState>,
    lang: Lang,
    file_name: &str,
    header: &[&str],
    mut export: F,
) -> Result<HttpResponse, AppError>
where
    F: FnMut(&mut DbConn, &mut Sink) -> Result<u64, AppError> + Send + 'static,
{
    let (tx, mut rx) = mpsc::channel(QUEUED);
    let mut sink = Some(Sink {
        csv: Csv::new(lang, header),
        tx,
    });
    let state = state.clone();
    actix_web::rt::spawn(async move {
        let job = state.db(move |conn| {
            // Run once: a second run (a dead connection) has no sink left.
            let Some(mut sink) = sink.take() else {
                return Ok(());
            };
            match export(conn, &mut sink) {
                Ok(_) => sink.finish(),
                Err(e) => {
                    sink.send(Err(e));
                }
            }
            Ok(())
        });
        if let Err(e) = job.await {
            tracing::error!(error = %e, "an export's database job failed");
        }
    });
    let first = match rx.recv().await {
        Some(Ok(bytes)) => bytes,
        Some(Err(e)) => return Err(e),
        None => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "the export ended early"
            )));
        }
    };
    let rest = futures_util::stream::unfold(Some(rx), |rx| async move {
        let mut rx = rx?;
        match rx.recv().await {
            Some(Ok(end)) if end.is_empty() => None,
            Some(chunk @ Ok(_)) => Some((chunk, Some(rx))),
            Some(Err(e)) => Some((Err(e), None)),
            None => Some((Err(broken_off()), None)),
        }
    });
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .streaming(futures_util::stream::iter([Ok::<_, AppError>(first)]).chain(rest)))
}

fn broken_off() -> AppError {
    AppError::Internal(anyhow::anyhow!("an export was broken off"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(lang: Lang, cells: &[&str]) -> String {
        let mut c = Csv::new(lang, &["a", "b"]);
        c.row(cells);
        c.into_string()
    }

    #[test]
    fn a_byte_order_mark_a_header_and_crlf() {
        assert_eq!(csv(Lang::Nl, &["1", "2"]), "\u{feff}a;b\r\n1;2\r\n");
        assert_eq!(csv(Lang::En, &["1", "2"]), "\u{feff}a,b\r\n1,2\r\n");
        assert_eq!(csv(Lang::Nl, &["", ""]), "\u{feff}a;b\r\n;\r\n");
    }

    #[test]
    fn fields_with_the_separator_quotes_or_line_breaks_are_quoted() {
        assert_eq!(
            csv(Lang::Nl, &["x;y", "zeg \"hoi\""]),
            "\u{feff}a;b\r\n\"x;y\";\"zeg \"\"hoi\"\"\"\r\n"
        );
        // A comma only matters where it separates.
        assert_eq!(
            csv(Lang::Nl, &["1,5", "r1\nr2"]),
            "\u{feff}a;b\r\n1,5;\"r1\nr2\"\r\n"
        );
        assert_eq!(
            csv(Lang::En, &["1,5", "r\r"]),
            "\u{feff}a,b\r\n\"1,5\",\"r\r\"\r\n"
        );
        assert_eq!(csv(Lang::En, &["x;y", "é ✓"]), "\u{feff}a,b\r\nx;y,é ✓\r\n");
    }

    #[test]
    fn formulas_become_text() {
        for (cell, written) in [
            ("=1+2", "'=1+2"),
            ("+31612345678", "'+31612345678"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            (
                "=HYPERLINK(\"u\";\"v\")",
                "\"'=HYPERLINK(\"\"u\"\";\"\"v\"\")\"",
            ),
            ("a=b", "a=b"),
            ("2026-12-05 14:00", "2026-12-05 14:00"),
        ] {
            assert_eq!(
                csv(Lang::Nl, &[cell, ""]),
                format!("\u{feff}a;b\r\n{written};\r\n"),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn amounts_in_euros_with_a_dot_unguarded() {
        let mut c = Csv::new(Lang::Nl, &["a", "b", "c"]);
        c.cells(&[Cell::Text("-x"), Cell::Euros(-12_345), Cell::Euros(5)]);
        c.cells(&[Cell::Text("a;b"), Cell::Euros(12_345_678), Cell::Euros(0)]);
        assert_eq!(
            c.into_string(),
            "\u{feff}a;b;c\r\n'-x;-123.45;0.05\r\n\"a;b\";123456.78;0.00\r\n"
        );
    }

    #[test]
    fn times_in_the_organisations_zone() {
        let utc = chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
            .and_then(|d| d.and_hms_opt(13, 0, 0))
            .unwrap();
        assert_eq!(local(chrono_tz::Europe::Amsterdam, utc), "2026-12-05 14:00");
    }
}
