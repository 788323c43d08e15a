//! PostgreSQL's change notices, heard by one thread per instance.
//!
//! The database sends a notice on the channel [`CHANNEL`] when a change
//! that a kept login check depends on commits (triggers of migration
//! `000026_login_notices`). A thread with its own connection `LISTEN`s and
//! hands each payload to a [`Sink`] (`domain::logins`), and tells it when
//! it starts and stops hearing them: while it does not hear, nothing kept
//! may be trusted, since notices sent meanwhile are lost.
//!
//! libpq gives no way to wait on Diesel's connection, so the thread looks
//! for notices every [`POLL`] (a non-blocking read, no database trip) and
//! asks the server `SELECT 1` every [`BEAT`]: a connection the server ended
//! is noticed at the next look, a silent network within a beat.
//!
//! A notice arrives a moment after its commit, so a request that follows a
//! write of its own instance (the page after a form, a cookie used again
//! after a logout) could find a check kept from before it. Hence the
//! [`Fence`]: each write transaction this instance commits raises it
//! ([`crate::db::write`], on the database threads), and the listener at
//! once sends a notice of its own (`f:<fence>:<n>`). Notices arrive in
//! commit order, so when that one comes back every notice of the write has
//! been heard; until then nothing kept is trusted. That takes one round
//! trip of the listener's, a fraction of a millisecond, and no request
//! waits for it.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::{Connection, RunQueryDsl};

/// The channel of the notices.
pub const CHANNEL: &str = "portaal_logins";

/// How often the thread looks for notices.
pub const POLL: Duration = Duration::from_millis(3);

/// How often the thread asks the server whether the connection lives.
pub const BEAT: Duration = Duration::from_millis(500);

/// How long to wait before connecting again after a failure.
const RETRY: Duration = Duration::from_millis(100);

/// What hears the notices.
pub trait Sink: Send + Sync {
    /// The thread listens (on the server process `pid`): from now on every
    /// change is told, but what was kept before may have missed some.
    fn hearing(&self, pid: i32);
    /// One notice's payload.
    fn notice(&self, payload: &str);
    /// The connection answered just now.
    fn alive(&self);
    /// The thread no longer hears (connection lost).
    fn deaf(&self);
}

/// One instance's writes, counted, and how many of them the listener has
/// seen pass (see the module's comment).
#[derive(Debug)]
pub struct Fence {
    /// Names this instance's own fence notices.
    id: String,
    raised: AtomicU64,
    passed: AtomicU64,
    listener: Mutex<Option<std::thread::Thread>>,
}

impl Default for Fence {
    fn default() -> Self {
        Self::new()
    }
}

impl Fence {
    /// A fence nothing has raised yet.
    pub fn new() -> Self {
        Self {
            id: crate::db::new_id().replace('-', ""),
            raised: AtomicU64::new(0),
            passed: AtomicU64::new(0),
            listener: Mutex::new(None),
        }
    }

    /// A write of this instance committed.
    pub fn raise(&self) {
        self.raised.fetch_add(1, Ordering::SeqCst);
        if let Some(t) = self
            .listener
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            t.unpark();
        }
    }

    /// Has the listener heard every notice of this instance's committed
    /// writes?
    pub fn passed(&self) -> bool {
        self.passed.load(Ordering::SeqCst) >= self.raised.load(Ordering::SeqCst)
    }

    /// The fence notice's payload for `n`.
    fn payload(&self, n: u64) -> String {
        format!("f:{}:{n}", self.id)
    }

    /// The listener heard `payload`: was it one of this fence's?
    fn heard(&self, payload: &str) -> bool {
        let Some((id, n)) = payload
            .strip_prefix("f:")
            .and_then(|rest| rest.rsplit_once(':'))
        else {
            return false;
        };
        if id == self.id
            && let Ok(n) = n.parse::<u64>()
        {
            self.passed.fetch_max(n, Ordering::SeqCst);
        }
        true
    }
}

thread_local! {
    /// The fence of the instance whose database thread this is.
    static FENCE: RefCell<Option<Arc<Fence>>> = const { RefCell::new(None) };
}

/// Writes committed on this thread raise `fence` (set on each database
/// thread of an instance that listens).
pub fn fence_this_thread(fence: Option<Arc<Fence>>) {
    FENCE.with(|f| *f.borrow_mut() = fence);
}

/// A write transaction committed on this thread.
pub(crate) fn committed() {
    FENCE.with(|f| {
        if let Some(fence) = f.borrow().as_ref() {
            fence.raise();
        }
    });
}

/// Start the thread that listens on `url` (a PostgreSQL URL) for `sink` and
/// sends `fence`'s notices; it ends when the sink is gone.
pub fn listen(url: String, sink: Weak<dyn Sink>, fence: Arc<Fence>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("portaal-notices".into())
        .spawn(move || {
            *fence.listener.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(std::thread::current());
            run(&url, &sink, &fence)
        })
        .map(|_| ())
}

fn run(url: &str, sink: &Weak<dyn Sink>, fence: &Fence) {
    let mut failures = 0u32;
    loop {
        match connect(url) {
            Ok((mut conn, pid)) => {
                failures = 0;
                let Some(s) = sink.upgrade() else { return };
                s.hearing(pid);
                drop(s);
                let gone = hear(&mut conn, sink, fence);
                if let Some(s) = sink.upgrade() {
                    s.deaf();
                }
                if gone {
                    return;
                }
                tracing::warn!("the change notices' connection was lost; connecting again");
            }
            Err(e) => {
                failures += 1;
                // Once, then every minute or so while it lasts.
                if failures == 1 || failures.is_multiple_of(600) {
                    tracing::warn!(error = %e, "cannot listen for change notices; logins are checked in the database meanwhile");
                }
            }
        }
        std::thread::sleep(RETRY);
        if sink.strong_count() == 0 {
            return;
        }
    }
}

fn connect(url: &str) -> diesel::QueryResult<(PgConnection, i32)> {
    let mut conn = PgConnection::establish(url)
        .map_err(|e| diesel::result::Error::QueryBuilderError(Box::new(e)))?;
    conn.batch_execute(&format!("LISTEN {CHANNEL}"))?;
    let pid = diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
        "pg_backend_pid()",
    ))
    .get_result(&mut conn)?;
    Ok((conn, pid))
}

/// Hand notices to the sink and send the fence's until the connection
/// fails (`false`) or the sink is gone (`true`).
fn hear(conn: &mut PgConnection, sink: &Weak<dyn Sink>, fence: &Fence) -> bool {
    let mut beat = Instant::now();
    let mut sent = 0;
    loop {
        let Some(s) = sink.upgrade() else {
            return true;
        };
        let raised = fence.raised.load(Ordering::SeqCst);
        if raised > sent {
            let notify = format!("NOTIFY {CHANNEL}, '{}'", fence.payload(raised));
            if conn.batch_execute(&notify).is_err() {
                return false;
            }
            sent = raised;
        }
        for notice in conn.notifications_iter() {
            match notice {
                Ok(n) if fence.heard(&n.payload) => {}
                Ok(n) => s.notice(&n.payload),
                Err(e) => {
                    tracing::debug!(error = %e, "change notices: connection failed");
                    return false;
                }
            }
        }
        if beat.elapsed() >= BEAT {
            if conn.batch_execute("SELECT 1").is_err() {
                return false;
            }
            s.alive();
            beat = Instant::now();
        }
        drop(s);
        if fence.raised.load(Ordering::SeqCst) == sent {
            std::thread::park_timeout(POLL);
        }
    }
}
