//! `casebook serve`: builds the handbook into a private folder, serves it on 127.0.0.1, watches
//! the catalogue and rebuilds what a save changed, and reloads the pages open in a browser.
//!
//! - [`rebuild`]: the private folder and the rebuilds (the loader's cache, casebook's pages in
//!   memory, mdBook on the changed pages first, then on the whole book);
//! - [`server`]: the HTTP side (only files of the served folder, the reload script and the
//!   errors banner added to pages as they are sent);
//! - [`watch`]: the file watcher.
//!
//! Threads: one accepts requests (and starts one per request), one rebuilds, and the caller's
//! waits for `stop`; then the server is unblocked, the rebuild in progress finishes, and the
//! private folder is removed.

pub mod rebuild;
pub mod server;
pub mod watch;

use crate::model::Date;
use rebuild::{Outcome, Rebuilder, Workspace};
use server::Shared;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The catalogue folder.
    pub catalogue: PathBuf,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The date for "due for review"; the system's date at each rebuild when not given.
    pub today: Option<Date>,
}

/// What `serve` tells its caller as it goes.
#[derive(Debug)]
pub enum Event {
    /// Listening: the address to open.
    Listening(String),
    /// A pass of a rebuild announced its files (`quick` or `full`), with the time since the
    /// rebuild started: what `SERVE_LOG=1 casebook serve` shows as it happens.
    Pass {
        /// `quick` or `full`.
        pass: &'static str,
        /// The files of the served folder written or removed, `/`-separated.
        written: Vec<String>,
        /// Since the start of the rebuild.
        elapsed: Duration,
    },
    /// A rebuild finished (the first is the initial build).
    Rebuilt(Outcome),
    /// The watcher reported a problem.
    WatchError(String),
}

/// Why serving could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The port is taken or cannot be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {reason}; choose another with --port (0 picks a free one)")]
    Bind {
        /// The port asked for.
        port: u16,
        /// Why.
        reason: String,
    },
    /// The private folder could not be made or removed.
    #[error("cannot {what} the private folder of casebook serve: {source}")]
    Folder {
        /// "create" or "remove".
        what: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// The catalogue cannot be watched.
    #[error("{0}")]
    Watch(String),
}

/// Serves until `stop` receives (or its sender is dropped), then removes the private folder.
pub fn run(
    options: ServeOptions,
    stop: mpsc::Receiver<()>,
    say: Arc<dyn Fn(Event) + Send + Sync>,
) -> Result<(), ServeError> {
    let workspace = Workspace::create().map_err(|source| ServeError::Folder {
        what: "create",
        source,
    })?;
    let result = serve_in(&options, &workspace, stop, say);
    let removed = workspace.remove().map_err(|source| ServeError::Folder {
        what: "remove",
        source,
    });
    result.and(removed)
}

fn serve_in(
    options: &ServeOptions,
    workspace: &Workspace,
    stop: mpsc::Receiver<()>,
    say: Arc<dyn Fn(Event) + Send + Sync>,
) -> Result<(), ServeError> {
    let server = tiny_http::Server::http(("127.0.0.1", options.port)).map_err(|e| ServeError::Bind {
        port: options.port,
        reason: e.to_string(),
    })?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .unwrap_or(options.port);
    let server = Arc::new(server);
    let shared = Arc::new(Shared::default());
    let site = workspace.site();

    let dirty = Arc::new(AtomicBool::new(true));
    let (wake, woken) = mpsc::channel();
    let watch_say = say.clone();
    let watcher = watch::watch(&options.catalogue, dirty.clone(), wake.clone(), move |e| {
        watch_say(Event::WatchError(e))
    })
    .map_err(ServeError::Watch)?;

    let accept = {
        let (server, site, shared) = (server.clone(), site.clone(), shared.clone());
        std::thread::spawn(move || server::serve(&server, &site, &shared))
    };
    say(Event::Listening(format!("http://127.0.0.1:{port}/")));

    let stopping = Arc::new(AtomicBool::new(false));
    let rebuilds = {
        let mut rebuilder = Rebuilder::new(options.catalogue.clone(), options.today, workspace);
        let (shared, dirty, stopping, say) = (shared.clone(), dirty.clone(), stopping.clone(), say.clone());
        std::thread::spawn(move || {
            loop {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if dirty.load(Ordering::SeqCst) {
                    // Wait for the save to be over: QUIET without an event (at most ten times).
                    for _ in 0..10 {
                        if woken.recv_timeout(watch::QUIET).is_err() {
                            break;
                        }
                    }
                    dirty.store(false, Ordering::SeqCst);
                    let announce = Announce {
                        shared: &shared,
                        say: &*say,
                    };
                    let outcome = rebuilder.rebuild(&announce, &|| {
                        dirty.load(Ordering::SeqCst) || stopping.load(Ordering::SeqCst)
                    });
                    say(Event::Rebuilt(outcome));
                    continue;
                }
                match woken.recv_timeout(Duration::from_millis(200)) {
                    Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
        })
    };

    // Until Ctrl-C, SIGTERM or the caller's own stop.
    let _ = stop.recv();
    stopping.store(true, Ordering::SeqCst);
    let _ = wake.send(());
    drop(watcher);
    shared.stop();
    server.unblock();
    let _ = rebuilds.join();
    let _ = accept.join();
    Ok(())
}

/// The server's state, which also tells the caller when each pass is over.
struct Announce<'a> {
    shared: &'a Shared,
    say: &'a (dyn Fn(Event) + Send + Sync),
}

impl rebuild::Publish for Announce<'_> {
    fn publish(&self, changed: &[String], errors: Option<&rebuild::Errors>) {
        self.shared.publish(changed, errors);
    }

    fn language(&self, language: crate::config::Language) {
        self.shared.language(language);
    }

    fn pass_done(&self, pass: &'static str, written: &[String], elapsed: Duration) {
        (self.say)(Event::Pass {
            pass,
            written: written.to_vec(),
            elapsed,
        });
    }
}
