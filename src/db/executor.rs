//! The database threads: a fixed set of threads, one per pooled connection,
//! that take jobs from one queue. Requests hand their Diesel work here
//! instead of to the general blocking pool, so the async workers never block.
//!
//! Waking a sleeping thread costs more than most jobs (a system call, a
//! context switch, and a thread whose connection's caches have gone cold),
//! so how eagerly the threads are woken depends on the database:
//!
//! - [`Wake::Eager`] (PostgreSQL): a job wakes a sleeping thread whenever
//!   there is one. A query mostly waits on the network, so running many at
//!   once pays off.
//! - [`Wake::WhenBehind`] (SQLite): a job wakes a thread only when no thread
//!   is awake, or when every awake thread has been on its current job for
//!   longer than [`SLOW_JOB`] (a write waiting for the disk, a long scan).
//!   Otherwise an awake thread takes it when it finishes its own: queries
//!   here run in-process in microseconds, less than a wake-up costs, and the
//!   async workers hand over their jobs in bursts that one thread runs back
//!   to back. (Measured in BENCHMARKS.md, 2026-12-03: 13–15 % less server
//!   CPU per page than waking a thread for every job.)
//!
//! Either way the thread woken is the one that went to sleep last, whose
//! connection was used last.
//!
//! A pooled connection may have died while it waited (the database server
//! restarted, an administrator ended it). A job whose first statement finds
//! its connection gone — nothing was read or written yet — runs once more,
//! on a new connection made for it (the other pooled ones may be gone too);
//! the dead one leaves the pool. A job that got further is not repeated: its
//! caller sees the error.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::db::{DatabaseUrl, DbConn, DbPool, Manager};
use crate::error::AppError;

/// What a job asks of its thread once it has run.
#[derive(Debug, PartialEq, Eq)]
enum Ran {
    /// Done (its result is on its way to the caller).
    Done,
    /// Its connection was dead before its first statement: run it again on
    /// a new one.
    Again,
}

type Job = Box<dyn FnMut(&mut DbConn) -> Ran + Send>;

/// Did the job fail because its connection is gone?
fn lost_connection(e: &AppError) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(e, AppError::Internal(cause) if matches!(
        cause.downcast_ref::<Error>(),
        Some(Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _))
    ))
}

/// How eagerly a new job wakes a sleeping thread (see the module comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// Whenever a thread sleeps.
    Eager,
    /// Only when the awake threads fall behind.
    WhenBehind,
}

/// With [`Wake::WhenBehind`], a job running longer than this lets the next
/// job wake another thread. Waiting behind a running job costs at most about
/// this long; a thread that loses its core for a while (the machine is busy)
/// looks the same, which is why it is not shorter.
pub const SLOW_JOB: Duration = Duration::from_millis(1);

struct Jobs {
    /// The jobs not yet taken.
    waiting: VecDeque<Job>,
    /// The sleeping threads, the one that fell asleep last at the end.
    sleeping: Vec<usize>,
    /// Per thread: since when it runs its current job (`None` between jobs
    /// and while asleep).
    started: Vec<Option<Instant>>,
    /// Set when the last handle is gone: the threads finish what is queued
    /// and end (tests start many applications in one process).
    closed: bool,
}

impl Jobs {
    fn lock(m: &Mutex<Jobs>) -> MutexGuard<'_, Jobs> {
        m.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The thread to wake for a job just queued, if any (taken off the
    /// sleeping list).
    fn take_sleeper(&mut self, wake: Wake) -> Option<usize> {
        if self.sleeping.is_empty() {
            return None;
        }
        let needed = match wake {
            Wake::Eager => true,
            Wake::WhenBehind => {
                let awake = self.started.len() - self.sleeping.len();
                awake == 0
                    || Instant::now()
                        .checked_sub(SLOW_JOB)
                        .is_some_and(|t| self.all_awake_busy_since(t))
            }
        };
        if needed { self.sleeping.pop() } else { None }
    }

    /// Every awake thread runs a job it started before `t`.
    fn all_awake_busy_since(&self, t: Instant) -> bool {
        self.started
            .iter()
            .enumerate()
            .filter(|(n, _)| !self.sleeping.contains(n))
            .all(|(_, s)| s.is_some_and(|s| s < t))
    }
}

struct Queue {
    /// Where new connections come from, when a pooled one has died.
    url: DatabaseUrl,
    jobs: Mutex<Jobs>,
    /// One per thread, so that a wake-up picks the thread.
    bells: Vec<Condvar>,
    wake: Wake,
}

/// Closes the queue when the last [`Executor`] clone is dropped, and waits
/// for the threads to finish what is queued: whoever drops it (the app's
/// state, at shutdown) then closes the pool's connections with no thread
/// still using one, before the process exits (libpq's TLS must not be torn
/// down under a connection in use).
struct Handle {
    queue: Arc<Queue>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        Jobs::lock(&self.queue.jobs).closed = true;
        for bell in &self.queue.bells {
            bell.notify_all();
        }
        let me = std::thread::current().id();
        for thread in self.threads.drain(..) {
            // A job that drops the last handle is on one of the threads.
            if thread.thread().id() != me {
                let _ = thread.join();
            }
        }
    }
}

/// Runs closures on a pooled connection on one of its threads.
#[derive(Clone)]
pub struct Executor {
    handle: Arc<Handle>,
}

impl Executor {
    /// Start `threads` database threads on `pool` (the pool should hold at
    /// least as many connections, so a thread never waits for one).
    pub fn start(
        pool: DbPool,
        url: DatabaseUrl,
        threads: usize,
        wake: Wake,
        fence: Option<Arc<super::notices::Fence>>,
    ) -> std::io::Result<Self> {
        let threads = threads.max(1);
        let queue = Arc::new(Queue {
            url,
            jobs: Mutex::new(Jobs {
                waiting: VecDeque::new(),
                sleeping: Vec::with_capacity(threads),
                started: vec![None; threads],
                closed: false,
            }),
            bells: (0..threads).map(|_| Condvar::new()).collect(),
            wake,
        });
        let mut handle = Handle {
            queue: queue.clone(),
            threads: Vec::with_capacity(threads),
        };
        for n in 0..threads {
            let (queue, pool, fence) = (queue.clone(), pool.clone(), fence.clone());
            handle.threads.push(
                std::thread::Builder::new()
                    .name(format!("portaal-db-{n}"))
                    .spawn(move || {
                        super::notices::fence_this_thread(fence);
                        work(&queue, &pool, n)
                    })?,
            );
        }
        Ok(Self {
            handle: Arc::new(handle),
        })
    }

    /// Run `f` with a connection on a database thread and await its result.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let (mut f, mut tx, mut retried) = (f, Some(tx), false);
        let job: Job = Box::new(move |conn| {
            let before = super::statements_ok();
            let result = f(conn);
            if let Err(e) = &result
                && lost_connection(e)
            {
                super::mark_lost();
                if !retried && super::statements_ok() == before {
                    retried = true;
                    return Ran::Again;
                }
            }
            // The caller may have gone (a closed connection): nothing to do.
            if let Some(tx) = tx.take() {
                let _ = tx.send(result);
            }
            Ran::Done
        });
        let queue = &self.handle.queue;
        let woken = {
            let mut jobs = Jobs::lock(&queue.jobs);
            jobs.waiting.push_back(job);
            jobs.take_sleeper(queue.wake)
        };
        if let Some(n) = woken {
            queue.bells[n].notify_one();
        }
        rx.await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("database job dropped")))?
    }
}

/// The body of database thread `me`: take a job, run it, repeat until the
/// queue is closed and empty. A job whose connection cannot be had is
/// dropped, which its caller sees as an error.
fn work(queue: &Queue, pool: &DbPool, me: usize) {
    loop {
        let mut job = {
            let mut jobs = Jobs::lock(&queue.jobs);
            jobs.started[me] = None;
            loop {
                if let Some(job) = jobs.waiting.pop_front() {
                    jobs.started[me] = Some(Instant::now());
                    break job;
                }
                if jobs.closed {
                    return;
                }
                jobs.sleeping.push(me);
                // Until a job takes this thread off the sleeping list (a
                // wake-up without that is spurious) or the queue closes.
                while jobs.sleeping.contains(&me) && !jobs.closed {
                    jobs = queue.bells[me]
                        .wait(jobs)
                        .unwrap_or_else(|p| p.into_inner());
                }
                jobs.sleeping.retain(|&n| n != me);
            }
        };
        // A panicking job must not take the thread with it.
        let mut run = |conn: &mut DbConn| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(conn)))
                .unwrap_or(Ran::Done)
        };
        let again = match pool.get() {
            Ok(mut conn) => run(&mut conn) == Ran::Again,
            Err(e) => {
                tracing::error!(error = %e, "no database connection for a job");
                false
            }
        };
        if again {
            tracing::warn!("a pooled database connection had died; the job runs on a new one");
            match Manager::establish(&queue.url) {
                Ok(mut fresh) => {
                    run(&mut fresh);
                }
                Err(e) => tracing::error!(error = %e, "no new database connection for a job"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::DatabaseUrl;

    fn executor(threads: usize, wake: Wake) -> (tempfile::TempDir, Executor) {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::Sqlite(dir.path().join("t.db").to_string_lossy().into_owned());
        let pool = crate::db::open(&url, threads as u32).unwrap();
        let ex = Executor::start(pool, url, threads, wake, None).unwrap();
        // Until every thread has started and sleeps.
        while Jobs::lock(&ex.handle.queue.jobs).sleeping.len() < threads {
            std::thread::sleep(Duration::from_millis(1));
        }
        (dir, ex)
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// The names of the threads that ran `jobs` jobs of `each` queued at once.
    fn threads_used(
        ex: &Executor,
        jobs: usize,
        each: Duration,
    ) -> std::collections::BTreeSet<String> {
        block_on(async {
            let runs = (0..jobs).map(|_| {
                ex.run(move |_| {
                    std::thread::sleep(each);
                    Ok(std::thread::current().name().unwrap_or_default().to_owned())
                })
            });
            futures_util::future::join_all(runs)
                .await
                .into_iter()
                .map(Result::unwrap)
                .collect()
        })
    }

    #[test]
    fn quick_jobs_in_a_burst_stay_on_one_thread_when_behind_is_the_rule() {
        let (_dir, ex) = executor(3, Wake::WhenBehind);
        assert_eq!(threads_used(&ex, 40, Duration::ZERO).len(), 1);
    }

    #[test]
    fn eager_wakes_a_thread_for_every_job_while_one_sleeps() {
        let (_dir, ex) = executor(3, Wake::Eager);
        assert_eq!(threads_used(&ex, 40, Duration::from_millis(2)).len(), 3);
    }

    #[test]
    fn dropping_the_last_handle_waits_for_the_queued_jobs() {
        use std::future::Future;
        use std::sync::atomic::{AtomicBool, Ordering};
        let (_dir, ex) = executor(2, Wake::WhenBehind);
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        let slow = ex.run(move |_| {
            std::thread::sleep(Duration::from_millis(100));
            flag.store(true, Ordering::SeqCst);
            Ok(())
        });
        // One poll queues the job; nobody waits for its result.
        block_on(async {
            let mut slow = std::pin::pin!(slow);
            std::future::poll_fn(|cx| {
                let _ = slow.as_mut().poll(cx);
                std::task::Poll::Ready(())
            })
            .await;
        });
        drop(ex);
        assert!(
            done.load(Ordering::SeqCst),
            "the drop returned before the queued job had run"
        );
    }

    #[test]
    fn a_slow_job_does_not_hold_up_the_next() {
        let (_dir, ex) = executor(2, Wake::WhenBehind);
        block_on(async {
            let slow = ex.run(|_| {
                std::thread::sleep(Duration::from_millis(400));
                Ok(())
            });
            let quick = async {
                // Once the slow job has run past SLOW_JOB, a new job wakes
                // the other thread instead of waiting behind it.
                tokio::time::sleep(SLOW_JOB * 5).await;
                let queued = Instant::now();
                ex.run(|_| Ok(())).await.unwrap();
                queued.elapsed()
            };
            let (slow, waited) = futures_util::future::join(slow, quick).await;
            slow.unwrap();
            assert!(
                waited < Duration::from_millis(200),
                "the quick job waited {waited:?}"
            );
        });
    }
}
