//! The database: one connection type over SQLite and PostgreSQL, the pool, the
//! embedded migrations, and the few statements that differ per backend.
//!
//! Nothing outside this module knows which backend it talks to.

pub mod executor;
pub mod lease;
pub mod notices;
pub mod outbox;
pub mod schema;
pub mod search;
pub mod settings;
pub mod stamp;
pub mod url;

pub use executor::{Executor, Wake};
pub use stamp::Stamp;
pub use url::DatabaseUrl;

use std::sync::Mutex;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend; Diesel queries work on it unchanged.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// PostgreSQL.
    Pg(PgConnection),
    /// SQLite (bundled).
    Sqlite(SqliteConnection),
}

/// Run a Diesel query on the concrete connection inside a [`DbConn`]:
/// `db::direct!(conn, |c| query.first(c))`. Through the two-backend wrapper
/// every query writes out its SQL text on every call (to decide whether its
/// statement may be cached); on the concrete connection a query with a
/// static type finds its prepared statement by type, without any text. Used
/// for the lookups every request makes (its login or its token); the body is
/// compiled once per backend.
macro_rules! direct {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Pg($c) => $body,
        }
    };
}
pub(crate) use direct;

/// The backend of [`DbConn`], for boxed queries shared by several
/// functions (`table::BoxedQuery<'a, db::Backend>`).
pub type Backend = <DbConn as diesel::Connection>::Backend;

/// The shared connection pool.
pub type DbPool = r2d2::Pool<Manager>;
/// A connection checked out of the pool.
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// An r2d2 manager that picks the backend from the URL scheme (not by trial,
/// so a down PostgreSQL server reports its real error).
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

/// Each SQLite connection: WAL, foreign keys, waiting for a busy writer,
/// and a page cache of 16 MiB (SQLite's default is 2 MiB): with 100,000
/// locations and their search index a page read past the cache is a
/// `pread` from the operating system's cache, and a search or a deep page
/// reads hundreds of them. (Mapping the file instead, `mmap_size`, was
/// tried: as fast, but every page of the file read counts in the server's
/// resident memory, which then followed the database's size — 390 MiB in
/// the soak.)
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -16384;";

impl Manager {
    /// Open one connection of the concrete type.
    pub fn establish(url: &DatabaseUrl) -> Result<DbConn, r2d2::Error> {
        match url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(r2d2::Error::QueryError)?;
                search::register(&mut conn).map_err(r2d2::Error::QueryError)?;
                conn.set_instrumentation(StatementCounter);
                Ok(DbConn::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => {
                let mut conn =
                    PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                conn.set_instrumentation(StatementCounter);
                Ok(DbConn::Pg(conn))
            }
        }
    }
}

thread_local! {
    /// Statements this thread has run without an error (see
    /// [`statements_ok`]).
    static STATEMENTS_OK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// The connection this thread uses was found dead: it must not go back
    /// to the pool.
    static LOST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// How many statements this thread's connections have run without an error
/// so far: the executor compares it before and after a job to know whether
/// a job that lost its connection had read or written anything.
pub fn statements_ok() -> u64 {
    STATEMENTS_OK.get()
}

/// The connection this thread holds is dead: when it goes back, the pool
/// drops it.
pub fn mark_lost() {
    LOST.set(true);
}

/// Does `conn` look connected, as far as can be told without a trip? On
/// PostgreSQL this reads whatever the server sent (a non-blocking read): a
/// connection the server ended shows as closed. A job that skips its first
/// query (a kept login check) asks this first, so a dead pooled connection
/// still fails before anything ran and the job is run again on a new one.
pub fn still_connected(conn: &mut DbConn) -> diesel::QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        // Nobody listens on a pooled connection: there is nothing to read
        // but an error. Twice: the first read may take the server's last
        // message, the second then meets the closed socket.
        for _ in 0..2 {
            if let Some(Err(e)) = c.notifications_iter().next() {
                return Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::ClosedConnection,
                    Box::new(e.to_string()),
                ));
            }
        }
    }
    Ok(())
}

/// Counts the statements that ran without an error, on every connection.
struct StatementCounter;

impl diesel::connection::Instrumentation for StatementCounter {
    fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
        if let diesel::connection::InstrumentationEvent::FinishQuery { error: None, .. } = event {
            STATEMENTS_OK.set(STATEMENTS_OK.get() + 1);
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        Self::establish(&self.url)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        use diesel::r2d2::R2D2Connection;
        if LOST.replace(false) {
            return true;
        }
        match conn {
            DbConn::Pg(c) => c.is_broken(),
            DbConn::Sqlite(c) => c.is_broken(),
        }
    }
}

/// Open the database once with the concrete connection type (so a bad URL or
/// a down server gives its real error at once), run pending migrations, and
/// build the pool.
pub fn open(url: &DatabaseUrl, pool_size: u32) -> anyhow::Result<DbPool> {
    let mut conn = Manager::establish(url).map_err(|e| anyhow::anyhow!("{e}"))?;
    migrate(&mut conn)?;
    drop(conn);
    let pool = r2d2::Pool::builder()
        .max_size(pool_size)
        .min_idle(Some(1))
        // A ping per checkout doubles the round trips of short requests; a
        // broken connection is noticed by `has_broken` and replaced instead.
        .test_on_check_out(false)
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(Manager { url: url.clone() })?;
    Ok(pool)
}

/// Run the pending migrations of this backend's tree; returns how many ran.
pub fn migrate(conn: &mut DbConn) -> anyhow::Result<usize> {
    let ran = match conn {
        DbConn::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?
            .len(),
        DbConn::Pg(c) => {
            // Several instances may start at once: one migrates, the others wait.
            c.batch_execute("SELECT pg_advisory_lock(7415001)")?;
            let result = c
                .run_pending_migrations(PG_MIGRATIONS)
                .map(|v| v.len())
                .map_err(|e| anyhow::anyhow!("migration failed: {e}"));
            c.batch_execute("SELECT pg_advisory_unlock(7415001)")?;
            result?
        }
    };
    Ok(ran)
}

/// SQLite allows one writer at a time; serialising this process's write
/// transactions avoids `database is locked` between our own connections.
static SQLITE_WRITER: Mutex<()> = Mutex::new(());

thread_local! {
    /// Set while this thread is in a [`write`]: a nested one is a
    /// savepoint (and on SQLite does not wait for `SQLITE_WRITER`, which
    /// this thread holds).
    static IN_WRITE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// What to do once this thread's [`write`] has committed
    /// ([`after_commit`]).
    static AFTER_COMMIT: std::cell::RefCell<Vec<Box<dyn FnOnce()>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Inside a [`write`]: run `f` once the write has committed, before any
/// other write of this process can commit on SQLite (its writer lock is
/// still held), so such steps run in commit order there. Nothing runs when
/// the write rolls back, nor for a savepoint that rolled back.
pub fn after_commit(f: impl FnOnce() + 'static) {
    debug_assert!(IN_WRITE.get(), "after_commit outside a write");
    AFTER_COMMIT.with_borrow_mut(|steps| steps.push(Box::new(f)));
}

/// Run `f` in a write transaction: everything in it (the change and its audit
/// event) commits together or not at all. Nested calls become savepoints.
pub fn write<T, E>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    if IN_WRITE.get() {
        let mark = AFTER_COMMIT.with_borrow(Vec::len);
        let result = conn.transaction(f);
        if result.is_err() {
            AFTER_COMMIT.with_borrow_mut(|steps| steps.truncate(mark));
        }
        return result;
    }
    let _guard = matches!(conn, DbConn::Sqlite(_))
        .then(|| SQLITE_WRITER.lock().unwrap_or_else(|p| p.into_inner()));
    struct Writing;
    impl Drop for Writing {
        fn drop(&mut self) {
            IN_WRITE.set(false);
        }
    }
    // Nothing left over from a write that panicked.
    drop(AFTER_COMMIT.take());
    IN_WRITE.set(true);
    let writing = Writing;
    let result = conn.transaction(f);
    drop(writing);
    let steps = AFTER_COMMIT.take();
    if result.is_ok() {
        notices::committed();
        for step in steps {
            step();
        }
    }
    result
}

/// Run `f` in one read transaction that sees the database as it was at its
/// first statement, whatever others write meanwhile: a long read in pages
/// (an export) sees no row twice and skips none. PostgreSQL: `REPEATABLE
/// READ, READ ONLY`; SQLite: a deferred transaction, which in WAL mode reads
/// one snapshot and never holds up a writer.
pub fn read_snapshot<T, E>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        if let DbConn::Pg(c) = conn {
            c.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        f(conn)
    })
}

/// Inside a [`write`] transaction: serialise it with every other write
/// transaction that locks one of the same `keys` (a throttle's account or
/// address: its check and its reservation become one step), until it ends.
/// On SQLite every write transaction of the process is serialised already;
/// on PostgreSQL, whose instances share the database, a transaction-scoped
/// advisory lock per key does it (taken in a fixed order, so two
/// transactions never wait for each other's second key).
pub fn lock_keys(conn: &mut DbConn, keys: &[&str]) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7415002))")
                .bind::<diesel::sql_types::Text, _>(key)
                .execute(c)?;
        }
    }
    Ok(())
}

/// `true` when the error is a unique-constraint violation on either backend.
pub fn is_unique_violation(err: &diesel::result::Error) -> bool {
    matches!(
        err,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

diesel::define_sql_function! {
    /// SQL `lower()`, for case-insensitive search: compare `lower(column)`
    /// with `PageRequest::like()`, whose pattern is already lower-cased
    /// (PostgreSQL's `LIKE` is case-sensitive, SQLite's is not).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

diesel::define_sql_function! {
    /// SQL `coalesce(x, y)` of a moment that may be missing and one that is
    /// not: the newest-first order of the platform's invoices (an index
    /// holds exactly this expression).
    #[sql_name = "coalesce"]
    fn coalesce_time(
        x: diesel::sql_types::Nullable<diesel::sql_types::Timestamp>,
        y: diesel::sql_types::Timestamp,
    ) -> diesel::sql_types::Timestamp;
}

/// A new opaque id (UUIDv7: sortable by creation, never sequential integers).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}
