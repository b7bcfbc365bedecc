//! `importContacts` on the libuv thread pool.
//!
//! The core runs the whole import on a pool thread and pulls its rows lazily. The
//! rows are JavaScript objects, readable only on the JavaScript thread, so the pool
//! thread asks for them a chunk at a time through a threadsafe function: the
//! JavaScript thread converts one chunk between two turns of its event loop while
//! the pool thread imports the previous one. The event loop therefore never stops
//! for longer than one chunk takes to read, whatever the number of rows.
//!
//! `onProgress(done)` is called (through a second threadsafe function) after every
//! batch the core commits, and the pool thread waits for it to return: every call
//! happens before the promise settles. An exception it throws after batch k tells the
//! core to stop (`ControlFlow::Break`): exactly the k batches reported are written,
//! and the promise is rejected with that exception. An exception while the rows are
//! read (a throwing getter) ends the rows, and the promise is rejected with it too.

use crate::args::options;
use crate::errors::{caught, take_exception, Failure};
use crate::read;
use crate::write::ImportReport;
use contactkit as core;
use contactkit::validate::unreadable::ReadAs;
use contactkit::{ContactInput, DedupeOn};
use napi::bindgen_prelude::{Function, JsObjectValue, Object, ObjectRef, Unknown};
use napi::threadsafe_function::{
    ThreadsafeCallContext, ThreadsafeFunction, ThreadsafeFunctionCallMode,
};
use napi::{Env, Status, Task};
use napi_derive::napi;
use std::ops::ControlFlow;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

/// Rows converted per trip to the JavaScript thread: the core's batch size, so an
/// import stopped between two chunks stops on a batch boundary.
const CHUNK: u32 = core::IMPORT_BATCH_ROWS as u32;

/// Converted rows, or the JavaScript exception that stopped the reading.
type Chunk = std::result::Result<Vec<core::Result<ContactInput>>, napi::Error>;

/// A request from the pool thread: convert rows `start..end` and send them back.
pub struct Pull {
    start: u32,
    end: u32,
    reply: Sender<Chunk>,
}

/// Runs a request on the JavaScript thread (the JavaScript function it calls does
/// nothing: the work is done in the threadsafe function's callback).
type PullFunction = ThreadsafeFunction<Pull, (), (), Status, false, true>;
/// Calls `onProgress(done)`.
pub type ProgressFunction = ThreadsafeFunction<f64, Unknown<'static>, f64, Status, false, true>;

/// The rows array, held while the import runs and released when it settles.
type RowsRef = Arc<Mutex<Option<ObjectRef<false>>>>;

/// The first JavaScript exception that stopped the import.
type StoppedBy = Arc<Mutex<Option<napi::Error>>>;

/// An import in flight, or refused before it started (an argument that does not read,
/// a closed book: `book.promises.importContacts` rejects with that failure instead of
/// throwing it).
pub struct ImportTask(std::result::Result<Import, Option<Failure>>);

impl ImportTask {
    /// Prepares the import (see [`Import::new`]).
    pub fn new(
        env: &Env,
        book: Arc<core::ContactBook>,
        rows: ObjectRef<false>,
        options: options::Import,
    ) -> crate::errors::Result<Self> {
        Import::new(env, book, rows, options).map(|import| ImportTask(Ok(import)))
    }

    /// An import that does not start: its promise is rejected with `failure`.
    pub fn refused(failure: Failure) -> Self {
        ImportTask(Err(Some(failure)))
    }
}

#[napi]
impl Task for ImportTask {
    type Output = core::ImportReport;
    type JsValue = ImportReport;

    fn compute(&mut self) -> napi::Result<core::ImportReport> {
        match &mut self.0 {
            Ok(import) => import.compute(),
            Err(_) => Err(napi::Error::new(
                Status::Cancelled,
                "the import was refused",
            )),
        }
    }

    fn resolve(&mut self, _env: Env, report: core::ImportReport) -> napi::Result<ImportReport> {
        Ok(ImportReport(report))
    }

    fn reject(&mut self, env: Env, error: napi::Error) -> napi::Result<ImportReport> {
        Err(match &mut self.0 {
            Ok(import) => import.reject(&env, error),
            Err(refused) => match refused.take() {
                Some(failure) => failure.into_napi(&env),
                None => error,
            },
        })
    }

    fn finally(self, env: Env) -> napi::Result<()> {
        match self.0 {
            Ok(import) => import.finally(&env),
            Err(_) => Ok(()),
        }
    }
}

/// An import that started.
pub struct Import {
    book: Arc<core::ContactBook>,
    dedupe_on: DedupeOn,
    total: u32,
    pull: PullFunction,
    progress: Option<ProgressFunction>,
    rows: RowsRef,
    stopped_by: StoppedBy,
    /// The failure (a core error or a panic), thrown as such when the promise is
    /// rejected.
    failed: Option<Failure>,
}

impl Import {
    /// Prepares the threadsafe function that reads the rows (on the JavaScript
    /// thread, before the task is queued).
    pub fn new(
        env: &Env,
        book: Arc<core::ContactBook>,
        rows: ObjectRef<false>,
        options: options::Import,
    ) -> crate::errors::Result<Self> {
        let total = rows.get_value(env)?.get_array_length()?;
        let rows: RowsRef = Arc::new(Mutex::new(Some(rows)));
        let reader_rows = rows.clone();
        let noop: Function<'_, (), ()> =
            env.create_function_from_closure("pullRows", |_| Ok(()))?;
        let pull = noop
            .build_threadsafe_function::<Pull>()
            .callee_handled::<false>()
            .weak::<true>()
            .build_callback(move |ctx: ThreadsafeCallContext<Pull>| {
                let Pull { start, end, reply } = ctx.value;
                let _ = reply.send(read_chunk(&ctx.env, &reader_rows, start, end));
                Ok(())
            })?;
        Ok(Import {
            book,
            dedupe_on: options.dedupe_on,
            total,
            pull,
            progress: options.on_progress,
            rows,
            stopped_by: StoppedBy::default(),
            failed: None,
        })
    }

    /// Records the exception that stops the import (the first one wins).
    fn stop(&self, error: napi::Error) {
        let mut slot = self.stopped_by.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(error);
    }

    fn is_stopped(&self) -> bool {
        self.stopped_by
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Asks the JavaScript thread for the chunk starting at `start`.
    fn request(&self, start: u32) -> Option<Receiver<Chunk>> {
        let end = self.total.min(start.saturating_add(CHUNK));
        let (reply, receiver) = channel();
        let status = self.pull.call(
            Pull { start, end, reply },
            ThreadsafeFunctionCallMode::NonBlocking,
        );
        (status == Status::Ok).then_some(receiver)
    }

    /// Calls `onProgress(done)` and waits for it to return: an exception it throws
    /// (or one the rows threw before) stops the import right after the batches
    /// reported, which are exactly the batches written.
    fn report(&self, done: u64) -> ControlFlow<()> {
        if self.is_stopped() {
            return ControlFlow::Break(());
        }
        let Some(progress) = self.progress.as_ref() else {
            return ControlFlow::Continue(());
        };
        let (answer, receiver) = channel();
        let status = progress.call_with_return_value(
            done as f64,
            ThreadsafeFunctionCallMode::Blocking,
            move |returned, _env| {
                let _ = answer.send(returned.err());
                Ok(())
            },
        );
        if status == Status::Ok {
            if let Ok(Some(exception)) = receiver.recv() {
                self.stop(exception);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }
}

impl Import {
    /// Runs the import on the pool thread.
    fn compute(&mut self) -> napi::Result<core::ImportReport> {
        let this = &*self;
        let outcome = caught(|| {
            Ok(this
                .book
                .import_contacts(Rows::new(this), this.dedupe_on, |done| {
                    this.report(done.written)
                })?)
        });
        match outcome {
            // Stopped by a JavaScript exception: `reject` hands it to the promise.
            Ok(_) if self.is_stopped() => Err(napi::Error::new(
                Status::Cancelled,
                "the import was stopped by a JavaScript exception",
            )),
            Ok(report) => Ok(report),
            Err(failure) => {
                self.failed = Some(failure);
                Err(napi::Error::new(
                    Status::GenericFailure,
                    "the import failed",
                ))
            }
        }
    }

    /// The error the promise is rejected with.
    fn reject(&mut self, env: &Env, error: napi::Error) -> napi::Error {
        let stopped_by = self
            .stopped_by
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        match (stopped_by, self.failed.take()) {
            (Some(exception), _) => exception,
            (None, Some(failed)) => failed.into_napi(env),
            (None, None) => error,
        }
    }

    /// Releases the rows.
    fn finally(self, env: &Env) -> napi::Result<()> {
        let rows = self.rows.lock().unwrap_or_else(|p| p.into_inner()).take();
        match rows {
            Some(rows) => rows.unref(env),
            None => Ok(()),
        }
    }
}

/// The rows as the core pulls them, a chunk at a time, with the next chunk already
/// requested while the current one is imported.
struct Rows<'a> {
    task: &'a Import,
    next: u32,
    pending: Option<Receiver<Chunk>>,
    current: std::vec::IntoIter<core::Result<ContactInput>>,
    finished: bool,
}

impl<'a> Rows<'a> {
    fn new(task: &'a Import) -> Self {
        Rows {
            task,
            next: 0,
            pending: None,
            current: Vec::new().into_iter(),
            finished: false,
        }
    }

    /// Asks for the next chunk, if any is left. When the JavaScript thread cannot be
    /// reached (the environment is shutting down) the import is marked stopped.
    fn request_next(&mut self) -> Option<Receiver<Chunk>> {
        if self.next >= self.task.total {
            return None;
        }
        let start = self.next;
        self.next = self.task.total.min(start.saturating_add(CHUNK));
        let receiver = self.task.request(start);
        if receiver.is_none() {
            self.task
                .stop(lost("the JavaScript thread could not be reached"));
        }
        receiver
    }

    /// Ends the rows (they were all read, or reading them failed).
    fn stop(&mut self) -> Option<core::Result<ContactInput>> {
        self.finished = true;
        None
    }
}

impl Iterator for Rows<'_> {
    type Item = core::Result<ContactInput>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.finished {
                return None;
            }
            if let Some(row) = self.current.next() {
                return Some(row);
            }
            let Some(receiver) = self.pending.take().or_else(|| self.request_next()) else {
                return self.stop();
            };
            match receiver.recv() {
                Ok(Ok(chunk)) => {
                    self.current = chunk.into_iter();
                    // Ask for the next chunk now: the JavaScript thread reads it while
                    // this one is imported.
                    self.pending = self.request_next();
                }
                Ok(Err(exception)) => {
                    self.task.stop(exception);
                    return self.stop();
                }
                Err(_) => {
                    self.task.stop(lost("the rows stopped arriving"));
                    return self.stop();
                }
            }
        }
    }
}

/// The error of an import whose rows can no longer be read.
fn lost(reason: &str) -> napi::Error {
    napi::Error::new(Status::Closing, reason)
}

/// Converts rows `start..end` on the JavaScript thread. A row that does not convert
/// is an error row (the core reports it with its index); a JavaScript exception
/// (a throwing getter) or a panic stops the import.
fn read_chunk(env: &Env, rows: &RowsRef, start: u32, end: u32) -> Chunk {
    let guard = rows.lock().unwrap_or_else(|p| p.into_inner());
    let Some(rows) = guard.as_ref() else {
        return Err(napi::Error::new(Status::Cancelled, "the import has ended"));
    };
    let rows: Object<'_> = rows.get_value(env)?;
    let mut chunk = Vec::with_capacity((end - start) as usize);
    for index in start..end {
        let read = caught(|| {
            let row = rows.get_element::<Unknown<'_>>(index)?;
            read::value::<ContactInput>(env, row, ReadAs::Attributes(""))
        });
        match read {
            Ok(input) => chunk.push(Ok(input)),
            Err(Failure::Core(error)) => chunk.push(Err(error)),
            Err(Failure::Napi(error)) => return Err(take_exception(env, error)),
            Err(panic) => return Err(panic.into_napi(env)),
        }
    }
    Ok(chunk)
}
