//! `importContacts` and `importSuppressions` on the libuv thread pool.
//!
//! The core runs the whole import on a pool thread and pulls its rows lazily. The
//! rows are JavaScript objects, readable only on the JavaScript thread, so the pool
//! thread asks for them a chunk at a time through a threadsafe function: the
//! JavaScript thread converts one chunk between two turns of its event loop while
//! the pool thread imports the previous one. The event loop therefore never stops
//! for longer than one chunk takes to read, whatever the number of rows.
//!
//! `onProgress(done, ids)` (of `importContacts`) is called (through a second
//! threadsafe function) after every batch the core commits, and the pool thread waits
//! for it to return: every call happens before the promise settles. An exception it
//! throws after batch k tells the core to stop (`ControlFlow::Break`): exactly the k
//! batches reported are written, and the promise is rejected with that exception. An
//! exception while the rows are read (a throwing getter) ends the rows, and the
//! promise is rejected with it too.

use crate::args::options;
use crate::errors::{caught, take_exception, Failure, Result};
use crate::read;
use crate::write::{ImportReport, SuppressionImportReport};
use contactkit as core;
use contactkit::validate::unreadable::ReadAs;
use contactkit::{IntoImportRow, ReadRow, SuppressionInput};
use napi::bindgen_prelude::{FnArgs, Function, JsObjectValue, Object, ObjectRef, Unknown};
use napi::threadsafe_function::{
    ThreadsafeCallContext, ThreadsafeFunction, ThreadsafeFunctionCallMode,
};
use napi::{Env, Status, Task};
use napi_derive::napi;
use serde_json::Value;
use std::ops::ControlFlow;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

/// Rows converted per trip to the JavaScript thread: the core's batch size, so an
/// import stopped between two chunks stops on a batch boundary.
const CHUNK: u32 = core::IMPORT_BATCH_ROWS as u32;

/// A row as read on the JavaScript thread, ready for the core.
pub trait Row: Sized + Send + 'static {
    /// Reads the row `value`. A failure of the row's own ([`Failure::Core`]) is a
    /// row too ([`Row::refused`]: the core reports it with its index); any other
    /// failure (a JavaScript exception, a panic) stops the import.
    fn read(env: &Env, value: Unknown<'_>) -> Result<Self>;

    /// The row that could not be read, for the core to report.
    fn refused(error: core::Error) -> Self;
}

/// A row of `importContacts`: the JSON the core reads (leaving out and naming what it
/// cannot read), and the parts the binding's reader left out already, with their
/// errors ([`read::import_row`]); or the error that refused the row whole.
pub struct ImportRow {
    read: core::Result<Value>,
    left_out: Vec<core::Error>,
}

impl Row for ImportRow {
    fn read(env: &Env, value: Unknown<'_>) -> Result<Self> {
        let (read, left_out) = read::import_row(env, value);
        match read {
            Ok(json) => Ok(ImportRow {
                read: Ok(json),
                left_out,
            }),
            Err(Failure::Core(error)) => Ok(ImportRow {
                read: Err(error),
                left_out,
            }),
            Err(failure) => Err(failure),
        }
    }

    fn refused(error: core::Error) -> Self {
        ImportRow {
            read: Err(error),
            left_out: Vec::new(),
        }
    }
}

/// The core reads the JSON; the parts left out here come first among the row's
/// problems, in the order of its keys.
impl IntoImportRow for ImportRow {
    fn into_import_row(self) -> ReadRow {
        let ImportRow { read, mut left_out } = self;
        match read {
            Ok(json) => {
                let mut row = json.into_import_row();
                left_out.append(&mut row.problems);
                row.problems = left_out;
                row
            }
            Err(error) => ReadRow {
                input: Err(error),
                problems: left_out,
            },
        }
    }
}

/// A row of `importSuppressions`: a suppression, or why it does not read.
impl Row for core::Result<SuppressionInput> {
    fn read(env: &Env, value: Unknown<'_>) -> Result<Self> {
        read::value::<SuppressionInput>(env, value, ReadAs::Attributes("")).map(Ok)
    }

    fn refused(error: core::Error) -> Self {
        Err(error)
    }
}

/// Converted rows, or the JavaScript exception that stopped the reading.
type Chunk<R> = std::result::Result<Vec<R>, napi::Error>;

/// A request from the pool thread: convert rows `start..end` and send them back.
pub struct Pull<R> {
    start: u32,
    end: u32,
    reply: Sender<Chunk<R>>,
}

/// Runs a request on the JavaScript thread (the JavaScript function it calls does
/// nothing: the work is done in the threadsafe function's callback).
type PullFunction<R> = ThreadsafeFunction<Pull<R>, (), (), Status, false, true>;

/// What `onProgress` is called with: the rows done so far, and the contact id of
/// each row of the batch just committed (`null` for a rejected row).
pub type ProgressArgs = (f64, Vec<Option<String>>);

/// Calls `onProgress(done, ids)`.
pub type ProgressFunction =
    ThreadsafeFunction<ProgressArgs, Unknown<'static>, FnArgs<ProgressArgs>, Status, false, true>;

/// The rows array, held while the import runs and released when it settles.
type RowsRef = Arc<Mutex<Option<ObjectRef<false>>>>;

/// The first JavaScript exception that stopped the import.
type StoppedBy = Arc<Mutex<Option<napi::Error>>>;

/// An import of `importContacts` in flight, or refused before it started (an argument
/// that does not read, a closed book: `book.promises.importContacts` rejects with that
/// failure instead of throwing it).
pub struct ImportTask(std::result::Result<ContactImport, Option<Failure>>);

/// `importContacts`' import: its rows, and what it was asked to do.
pub struct ContactImport {
    import: Import<ImportRow>,
    options: core::ImportOptions,
    progress: Option<ProgressFunction>,
}

impl ImportTask {
    /// Prepares the import (see [`Import::new`]).
    pub fn new(
        env: &Env,
        book: Arc<core::ContactBook>,
        rows: ObjectRef<false>,
        options: options::Import,
    ) -> Result<Self> {
        let import = Import::new(env, book, rows)?;
        Ok(ImportTask(Ok(ContactImport {
            import,
            options: core::ImportOptions {
                dedupe_on: options.dedupe_on,
                on_invalid: options.on_invalid,
                keep_ids: options.keep_ids,
            },
            progress: options.on_progress,
        })))
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
        let Ok(this) = &mut self.0 else {
            return Err(refused());
        };
        let (options, progress) = (this.options, this.progress.as_ref());
        this.import.run(|book, import, rows| {
            book.import_contacts(rows, options, |done| {
                report(import, progress, done.written, done.ids)
            })
        })
    }

    fn resolve(&mut self, _env: Env, report: core::ImportReport) -> napi::Result<ImportReport> {
        Ok(ImportReport(report))
    }

    fn reject(&mut self, env: Env, error: napi::Error) -> napi::Result<ImportReport> {
        Err(match &mut self.0 {
            Ok(this) => this.import.reject(&env, error),
            Err(refused) => rejected(&env, refused, error),
        })
    }

    fn finally(self, env: Env) -> napi::Result<()> {
        match self.0 {
            Ok(this) => this.import.finally(&env),
            Err(_) => Ok(()),
        }
    }
}

/// An import of `importSuppressions` in flight, or refused before it started.
pub struct SuppressionImportTask(
    std::result::Result<Import<core::Result<SuppressionInput>>, Option<Failure>>,
);

impl SuppressionImportTask {
    /// Prepares the import (see [`Import::new`]).
    pub fn new(env: &Env, book: Arc<core::ContactBook>, rows: ObjectRef<false>) -> Result<Self> {
        Import::new(env, book, rows).map(|import| SuppressionImportTask(Ok(import)))
    }

    /// An import that does not start: its promise is rejected with `failure`.
    pub fn refused(failure: Failure) -> Self {
        SuppressionImportTask(Err(Some(failure)))
    }
}

#[napi]
impl Task for SuppressionImportTask {
    type Output = core::SuppressionImportReport;
    type JsValue = SuppressionImportReport;

    fn compute(&mut self) -> napi::Result<core::SuppressionImportReport> {
        let Ok(import) = &mut self.0 else {
            return Err(refused());
        };
        import.run(|book, _, rows| book.import_suppressions(rows))
    }

    fn resolve(
        &mut self,
        _env: Env,
        report: core::SuppressionImportReport,
    ) -> napi::Result<SuppressionImportReport> {
        Ok(SuppressionImportReport(report))
    }

    fn reject(&mut self, env: Env, error: napi::Error) -> napi::Result<SuppressionImportReport> {
        Err(match &mut self.0 {
            Ok(import) => import.reject(&env, error),
            Err(refused) => rejected(&env, refused, error),
        })
    }

    fn finally(self, env: Env) -> napi::Result<()> {
        match self.0 {
            Ok(import) => import.finally(&env),
            Err(_) => Ok(()),
        }
    }
}

/// The error `compute` gives for an import that never started (`reject` replaces it
/// with the failure that refused it).
fn refused() -> napi::Error {
    napi::Error::new(Status::Cancelled, "the import was refused")
}

/// The error the promise of an import refused before it started is rejected with.
fn rejected(env: &Env, refused: &mut Option<Failure>, error: napi::Error) -> napi::Error {
    match refused.take() {
        Some(failure) => failure.into_napi(env),
        None => error,
    }
}

/// Calls `onProgress(done, ids)` and waits for it to return: an exception it throws
/// (or one the rows threw before) stops the import right after the batches reported,
/// which are exactly the batches written.
fn report<R: Row>(
    import: &Import<R>,
    progress: Option<&ProgressFunction>,
    done: u64,
    ids: &[Option<String>],
) -> ControlFlow<()> {
    if import.is_stopped() {
        return ControlFlow::Break(());
    }
    let Some(progress) = progress else {
        return ControlFlow::Continue(());
    };
    let (answer, receiver) = channel();
    let status = progress.call_with_return_value(
        (done as f64, ids.to_vec()),
        ThreadsafeFunctionCallMode::Blocking,
        move |returned, _env| {
            let _ = answer.send(returned.err());
            Ok(())
        },
    );
    if status == Status::Ok {
        if let Ok(Some(exception)) = receiver.recv() {
            import.stop(exception);
            return ControlFlow::Break(());
        }
    }
    ControlFlow::Continue(())
}

/// An import that started: the book, and its rows read a chunk at a time.
pub struct Import<R: Row> {
    book: Arc<core::ContactBook>,
    total: u32,
    pull: PullFunction<R>,
    rows: RowsRef,
    stopped_by: StoppedBy,
    /// The failure (a core error or a panic), thrown as such when the promise is
    /// rejected.
    failed: Option<Failure>,
}

impl<R: Row> Import<R> {
    /// Prepares the threadsafe function that reads the rows (on the JavaScript
    /// thread, before the task is queued).
    fn new(env: &Env, book: Arc<core::ContactBook>, rows: ObjectRef<false>) -> Result<Self> {
        let total = rows.get_value(env)?.get_array_length()?;
        let rows: RowsRef = Arc::new(Mutex::new(Some(rows)));
        let reader_rows = rows.clone();
        let noop: Function<'_, (), ()> =
            env.create_function_from_closure("pullRows", |_| Ok(()))?;
        let pull = noop
            .build_threadsafe_function::<Pull<R>>()
            .callee_handled::<false>()
            .weak::<true>()
            .build_callback(move |ctx: ThreadsafeCallContext<Pull<R>>| {
                let Pull { start, end, reply } = ctx.value;
                let _ = reply.send(read_chunk(&ctx.env, &reader_rows, start, end));
                Ok(())
            })?;
        Ok(Import {
            book,
            total,
            pull,
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
    fn request(&self, start: u32) -> Option<Receiver<Chunk<R>>> {
        let end = self.total.min(start.saturating_add(CHUNK));
        let (reply, receiver) = channel();
        let status = self.pull.call(
            Pull { start, end, reply },
            ThreadsafeFunctionCallMode::NonBlocking,
        );
        (status == Status::Ok).then_some(receiver)
    }

    /// Runs the import on the pool thread: `work` on the book and the rows.
    fn run<T>(
        &mut self,
        work: impl FnOnce(&core::ContactBook, &Self, Rows<'_, R>) -> core::Result<T>,
    ) -> napi::Result<T> {
        let this = &*self;
        let outcome = caught(|| Ok(work(&this.book, this, Rows::new(this))?));
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
pub struct Rows<'a, R: Row> {
    task: &'a Import<R>,
    next: u32,
    pending: Option<Receiver<Chunk<R>>>,
    current: std::vec::IntoIter<R>,
    finished: bool,
}

impl<'a, R: Row> Rows<'a, R> {
    fn new(task: &'a Import<R>) -> Self {
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
    fn request_next(&mut self) -> Option<Receiver<Chunk<R>>> {
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
    fn stop(&mut self) -> Option<R> {
        self.finished = true;
        None
    }
}

impl<R: Row> Iterator for Rows<'_, R> {
    type Item = R;

    fn next(&mut self) -> Option<R> {
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
fn read_chunk<R: Row>(env: &Env, rows: &RowsRef, start: u32, end: u32) -> Chunk<R> {
    let guard = rows.lock().unwrap_or_else(|p| p.into_inner());
    let Some(rows) = guard.as_ref() else {
        return Err(napi::Error::new(Status::Cancelled, "the import has ended"));
    };
    let rows: Object<'_> = rows.get_value(env)?;
    let mut chunk = Vec::with_capacity((end - start) as usize);
    for index in start..end {
        let read = caught(|| {
            let row = rows.get_element::<Unknown<'_>>(index)?;
            R::read(env, row)
        });
        match read {
            Ok(row) => chunk.push(row),
            Err(Failure::Core(error) | Failure::Written(error)) => chunk.push(R::refused(error)),
            Err(Failure::Napi(error)) => return Err(take_exception(env, error)),
            Err(panic) => return Err(panic.into_napi(env)),
        }
    }
    Ok(chunk)
}
