//! `contactkit studio`: the seed platform's contact screens in a browser, served from
//! the book on this machine. Contacts → All contacts (search, paging, a preview per
//! row), the profile window with its Contact information and Contact activity tabs,
//! and the Edit contact window, all rendered on the server from the same
//! `ContactBook` calls every binding makes.
//!
//! The modules each have one job: [`guard`] keeps other sites and other hosts out,
//! [`search`] turns the search box into a rule, [`view`] turns the book's values into
//! what a page shows, [`edit`] turns the edit form into a patch, [`pages`] holds the
//! routes and their templates, [`assets`] the stylesheet, icons and script.
//!
//! The server runs on a tokio runtime that only this command starts: the library
//! stays synchronous, and each book call runs on tokio's blocking pool so a slow read
//! never stalls the pages being served beside it.

mod assets;
mod edit;
mod guard;
mod pages;
mod search;
mod view;

use crate::failure::{CliResult, Failure};
use crate::Context;
use contactkit::ContactBook;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

pub use guard::Guard;

/// Where and how the studio listens.
#[derive(Debug, Clone)]
pub struct Options {
    /// The address to bind; loopback unless `allow_remote`.
    pub host: IpAddr,
    /// The port; 0 picks a free one (the printed URL says which).
    pub port: u16,
    /// Bind a non-loopback address: the studio has no login, so anyone who can reach
    /// the address can read and edit the book.
    pub allow_remote: bool,
}

/// The studio's router over `book`, with `guard` deciding which requests may reach
/// it. Public so tests can drive the pages in-process.
pub fn router(book: Arc<ContactBook>, guard: Guard) -> axum::Router {
    pages::router(pages::Studio {
        book,
        guard: Arc::new(guard),
    })
}

/// Serves the studio until interrupted (Ctrl-C), printing its URL first.
pub fn run(book: ContactBook, context: &Context, options: &Options) -> CliResult {
    if !options.host.is_loopback() && !options.allow_remote {
        return Err(Failure::bad(format!(
            "--host {}: not a loopback address; the studio has no login, so anyone who \
             reaches it can read and edit the book (pass --allow-remote to serve it anyway)",
            options.host
        )));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(|e| Failure::storage(format!("cannot start the studio's runtime: {e}")))?;
    runtime.block_on(async {
        let wanted = SocketAddr::new(options.host, options.port);
        let listener = tokio::net::TcpListener::bind(wanted)
            .await
            .map_err(|e| Failure::bad(format!("--port {}: cannot listen on {wanted}: {e}", options.port)))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Failure::storage(format!("cannot read the studio's address: {e}")))?;
        let guard = Guard::new(bound, options.allow_remote);
        let app = router(Arc::new(book), guard);
        println!("ContactKit studio: {} (book: {})", url_of(bound), context.db);
        if options.allow_remote {
            eprintln!("contactkit: serving {bound} to the network: anyone who reaches it can read and edit the book");
        }
        // The line above is how scripts and tests learn the port: make sure it is out.
        use std::io::Write;
        let _ = std::io::stdout().flush();
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Failure::storage(format!("the studio stopped: {e}")))
    })
}

/// `http://127.0.0.1:8410/`, with an IPv6 address in brackets.
fn url_of(address: SocketAddr) -> String {
    format!("http://{address}/")
}
