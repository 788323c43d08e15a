//! The database threads: a fixed set of threads, one per pooled connection,
//! that take jobs from one queue. Requests hand their Diesel work here
//! instead of to the general blocking pool, so the async workers never block
//! and, under load, a busy database thread goes from job to job without
//! sleeping, waking or waiting for a connection.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};

use crate::db::{DbConn, DbPool};
use crate::error::AppError;

type Job = Box<dyn FnOnce(&mut DbConn) + Send>;

#[derive(Default)]
struct Jobs {
    waiting: VecDeque<Job>,
    /// Set when the last handle is gone: the threads finish what is queued
    /// and end (tests start many applications in one process).
    closed: bool,
}

#[derive(Default)]
struct Queue {
    jobs: Mutex<Jobs>,
    ready: Condvar,
}

/// Closes the queue when the last [`Executor`] clone is dropped.
struct Handle(Arc<Queue>);

impl Drop for Handle {
    fn drop(&mut self) {
        self.0.jobs.lock().unwrap_or_else(|p| p.into_inner()).closed = true;
        self.0.ready.notify_all();
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
    pub fn start(pool: DbPool, threads: usize) -> std::io::Result<Self> {
        let queue = Arc::new(Queue::default());
        for n in 0..threads.max(1) {
            let (queue, pool) = (queue.clone(), pool.clone());
            std::thread::Builder::new()
                .name(format!("portaal-db-{n}"))
                .spawn(move || work(&queue, &pool))?;
        }
        Ok(Self {
            handle: Arc::new(Handle(queue)),
        })
    }

    /// Run `f` with a connection on a database thread and await its result.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn| {
            // The caller may have gone (a closed connection): nothing to do.
            let _ = tx.send(f(conn));
        });
        let queue = &self.handle.0;
        queue
            .jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .waiting
            .push_back(job);
        queue.ready.notify_one();
        rx.await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("database job dropped")))?
    }
}

/// The body of a database thread: take a job, run it, repeat until the
/// queue is closed and empty. A job whose connection cannot be had is
/// dropped, which its caller sees as an error.
fn work(queue: &Queue, pool: &DbPool) {
    loop {
        let job = {
            let mut jobs = queue.jobs.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                if let Some(job) = jobs.waiting.pop_front() {
                    break job;
                }
                if jobs.closed {
                    return;
                }
                jobs = queue.ready.wait(jobs).unwrap_or_else(|p| p.into_inner());
            }
        };
        match pool.get() {
            Ok(mut conn) => {
                // A panicking job must not take the thread with it.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut conn)));
            }
            Err(e) => {
                tracing::error!(error = %e, "no database connection for a job");
                drop(job);
            }
        }
    }
}
