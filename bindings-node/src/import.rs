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
//! happens before the promise settles, and an exception it throws stops the import
//! (the batches already reported stay) and rejects the promise with that exception.

use crate::convert::{from_js, text, Js};
use crate::errors::{Failure, Result};
use contactkit as core;
use contactkit::{ContactInput, DedupeOn, ImportReport};
use napi::bindgen_prelude::{FromNapiValue, Function, JsObjectValue, Object, ObjectRef, Unknown};
use napi::threadsafe_function::{
    ThreadsafeCallContext, ThreadsafeFunction, ThreadsafeFunctionCallMode,
};
use napi::{sys, Env, JsValue, Status, Task, ValueType};
use std::ops::ControlFlow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
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
type ProgressFunction = ThreadsafeFunction<f64, Unknown<'static>, f64, Status, false, true>;

/// The rows array, held while the import runs and released when it settles.
type RowsRef = Arc<Mutex<Option<ObjectRef<false>>>>;

/// The first JavaScript exception that stopped the import.
type StoppedBy = Arc<Mutex<Option<napi::Error>>>;

/// An import in flight.
pub struct ImportTask {
    book: Arc<core::ContactBook>,
    dedupe_on: DedupeOn,
    total: u32,
    pull: PullFunction,
    progress: Option<ProgressFunction>,
    rows: RowsRef,
    stopped_by: StoppedBy,
    /// The core's error, thrown with its code when the promise is rejected.
    failed: Option<core::Error>,
}

impl ImportTask {
    /// Checks the arguments and prepares the threadsafe functions (on the JavaScript
    /// thread, before the task is queued).
    pub fn new(
        env: &Env,
        book: Arc<core::ContactBook>,
        rows: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let mut is_array = false;
        check(unsafe { sys::napi_is_array(env.raw(), rows.raw(), &mut is_array) })?;
        if !is_array {
            return Err(Failure::Core(core::Error::validation(
                "rows",
                rows.get_type()?.to_string(),
                "expected an array of contact inputs",
            )));
        }
        let (dedupe_on, on_progress) = read_options(env, options)?;
        let rows_object: Object<'_> = unsafe { Object::from_napi_value(env.raw(), rows.raw())? };
        let total = rows_object.get_array_length()?;
        let rows: RowsRef = Arc::new(Mutex::new(Some(rows_object.create_ref::<false>()?)));
        let stopped_by = StoppedBy::default();

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
        let progress = match on_progress {
            Some(function) => Some(
                function
                    .build_threadsafe_function::<f64>()
                    .callee_handled::<false>()
                    .weak::<true>()
                    .build()?,
            ),
            None => None,
        };
        Ok(ImportTask {
            book,
            dedupe_on,
            total,
            pull,
            progress,
            rows,
            stopped_by,
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
    /// (or one the rows threw before) stops the import after the batches reported.
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

impl Task for ImportTask {
    type Output = ImportReport;
    type JsValue = Js<ImportReport>;

    fn compute(&mut self) -> napi::Result<ImportReport> {
        let this = &*self;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            this.book
                .import_contacts(Rows::new(this), this.dedupe_on, |done| this.report(done))
        }));
        match outcome {
            // Stopped by a JavaScript exception: the rows iterator ended early, and
            // `reject` hands that exception to the promise.
            Ok(Ok(_)) if self.is_stopped() => Err(napi::Error::new(
                Status::Cancelled,
                "the import was stopped by a JavaScript exception",
            )),
            Ok(Ok(report)) => Ok(report),
            Ok(Err(error)) => {
                let message = error.to_string();
                self.failed = Some(error);
                Err(napi::Error::new(Status::GenericFailure, message))
            }
            Err(panic) => Err(napi::bindgen_prelude::panic_to_error(panic)),
        }
    }

    fn resolve(&mut self, _env: Env, report: ImportReport) -> napi::Result<Js<ImportReport>> {
        Ok(Js(report))
    }

    fn reject(&mut self, env: Env, error: napi::Error) -> napi::Result<Js<ImportReport>> {
        let stopped_by = self
            .stopped_by
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        Err(match (stopped_by, self.failed.take()) {
            (Some(exception), _) => exception,
            (None, Some(failed)) => Failure::Core(failed).into_napi(&env),
            (None, None) => error,
        })
    }

    fn finally(self, env: Env) -> napi::Result<()> {
        let rows = self.rows.lock().unwrap_or_else(|p| p.into_inner()).take();
        match rows {
            Some(rows) => rows.unref(&env),
            None => Ok(()),
        }
    }
}

/// The rows as the core pulls them, a chunk at a time, with the next chunk already
/// requested while the current one is imported.
struct Rows<'a> {
    task: &'a ImportTask,
    next: u32,
    pending: Option<Receiver<Chunk>>,
    current: std::vec::IntoIter<core::Result<ContactInput>>,
    finished: bool,
}

impl<'a> Rows<'a> {
    fn new(task: &'a ImportTask) -> Self {
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

    /// Ends the rows. The chunks are as long as the core's batches, so the rows end
    /// on a batch boundary: after an exception the core writes the batch it had
    /// already read (it reads one batch ahead of the one it writes) and nothing more.
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
            if self.task.is_stopped() {
                return self.stop();
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
/// (a throwing getter) stops the import.
fn read_chunk(env: &Env, rows: &RowsRef, start: u32, end: u32) -> Chunk {
    let guard = rows.lock().unwrap_or_else(|p| p.into_inner());
    let Some(rows) = guard.as_ref() else {
        return Err(napi::Error::new(Status::Cancelled, "the import has ended"));
    };
    let rows = rows.get_value(env)?;
    let mut chunk = Vec::with_capacity((end - start) as usize);
    for index in start..end {
        let mut row = ptr::null_mut();
        let status = unsafe { sys::napi_get_element(env.raw(), rows.raw(), index, &mut row) };
        if status != sys::Status::napi_ok {
            let error = napi::Error::new(Status::from(status), "reading the rows failed");
            return Err(take_exception(env, error));
        }
        match unsafe { from_js::<ContactInput>(env.raw(), row, None) } {
            Ok(input) => chunk.push(Ok(input)),
            Err(Failure::Core(error)) => chunk.push(Err(error)),
            Err(Failure::Napi(error)) => return Err(take_exception(env, error)),
        }
    }
    Ok(chunk)
}

/// The pending JavaScript exception (cleared, so the event loop goes on), or `error`
/// when none is pending. A throwing getter fails the N-API call that ran it with a
/// status that is not always `napi_pending_exception`, so the check is explicit.
fn take_exception(env: &Env, error: napi::Error) -> napi::Error {
    let mut pending = false;
    let status = unsafe { sys::napi_is_exception_pending(env.raw(), &mut pending) };
    if status == sys::Status::napi_ok && pending {
        let mut exception = ptr::null_mut();
        let cleared = unsafe { sys::napi_get_and_clear_last_exception(env.raw(), &mut exception) };
        if cleared == sys::Status::napi_ok && !exception.is_null() {
            return napi::Error::from_unknown_without_coercion(unsafe {
                Unknown::from_raw_unchecked(env.raw(), exception)
            });
        }
    }
    error
}

fn check(status: sys::napi_status) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::new(
            Status::from(status),
            "a Node-API call failed",
        ))
    }
}

/// `{ dedupeOn, onProgress }`: anything else is a typo reported as such.
fn read_options<'env>(
    env: &'env Env,
    options: Option<Unknown<'env>>,
) -> Result<(DedupeOn, Option<Function<'env, f64, Unknown<'static>>>)> {
    let mut dedupe_on = DedupeOn::default();
    let mut on_progress = None;
    let Some(options) = options else {
        return Ok((dedupe_on, on_progress));
    };
    match options.get_type()? {
        ValueType::Undefined | ValueType::Null => return Ok((dedupe_on, on_progress)),
        ValueType::Object => {}
        other => {
            return Err(Failure::Core(core::Error::validation(
                "options",
                other.to_string(),
                "expected an object",
            )))
        }
    }
    let object: Object<'env> = unsafe { Object::from_napi_value(env.raw(), options.raw())? };
    for key in Object::keys(&object)? {
        let value: Unknown<'env> = object.get_named_property(&key)?;
        let absent = matches!(value.get_type()?, ValueType::Undefined | ValueType::Null);
        match key.as_str() {
            _ if absent => {}
            "dedupeOn" => {
                dedupe_on = unsafe { text(env.raw(), value.raw(), "dedupe_on")? }.parse()?;
            }
            "onProgress" => {
                if value.get_type()? != ValueType::Function {
                    return Err(Failure::Core(core::Error::validation(
                        "on_progress",
                        value.get_type()?.to_string(),
                        "expected a function",
                    )));
                }
                on_progress = Some(unsafe { Function::from_napi_value(env.raw(), value.raw())? });
            }
            other => {
                return Err(Failure::Core(core::Error::validation(
                    other,
                    other,
                    "unknown option: expected dedupeOn or onProgress",
                )))
            }
        }
    }
    Ok((dedupe_on, on_progress))
}
