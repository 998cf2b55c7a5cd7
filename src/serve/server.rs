//! Connections: accepted up to a cap, read with a deadline, closed
//! gracefully on SIGTERM or Ctrl-C.
//!
//! `axum::serve` takes no settings and runs hyper without a timer, so a
//! client that sends half a request header, or connects and sends nothing,
//! holds its connection (and a file descriptor) forever: 300 such clients
//! locked everyone out of a server limited to 256 descriptors. This loop
//! gives hyper a timer and a header-read timeout (in HTTP/1 hyper restarts
//! it when a kept-alive connection goes idle, so it is also the idle
//! timeout), and takes a permit from a semaphore before each `accept`, so
//! that at most `max_connections` are open; the rest wait in the kernel's
//! backlog until one closes.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Sleep;

use super::Config;

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight
/// (for at most `config.shutdown_grace`).
pub async fn serve(listener: TcpListener, router: Router, config: &Config) -> io::Result<()> {
    serve_until(listener, router, config, shutdown_signal()).await
}

/// Serves until `shutdown` completes, then stops accepting and finishes
/// the requests in flight, for at most `config.shutdown_grace`.
pub async fn serve_until(
    listener: TcpListener,
    router: Router,
    config: &Config,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let connections = Arc::new(Semaphore::new(config.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => permit,
            () = &mut shutdown => break,
        };
        // The semaphore is never closed.
        let Ok(permit) = permit else { break };
        let socket = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let socket = match socket {
            Ok((socket, _)) => socket,
            Err(error) => {
                wait_after(&error).await;
                continue;
            }
        };
        let _ = socket.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let socket = SendTimeout::new(socket, config.send_timeout);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(socket), service));
        tokio::spawn(async move {
            // An error here is the client's (a reset, a malformed request,
            // a timeout): hyper has answered or closed; nothing to report.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(config.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        eprintln!(
            "scrutin: requests still running {} s after the signal to stop; closing them",
            config.shutdown_grace.as_secs()
        );
    }
    Ok(())
}

/// After a failed `accept`: a client that gave up before it was accepted is
/// no reason to wait; running out of descriptors is, as hyper's own loop and
/// axum's do, or the loop would spin.
async fn wait_after(error: &io::Error) {
    let client_gone = matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    );
    if !client_gone {
        eprintln!("scrutin: cannot accept a connection: {error}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// SIGTERM (what service managers and container runtimes send) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

/// A socket whose writes fail once the client has taken no byte for
/// `timeout` (nginx's `send_timeout`). hyper has no write timeout, and
/// while a socket is full it polls neither the body nor its deadline: a
/// client that never reads would hold its connection, and the check
/// writing to it, forever. The failed write ends the connection, which
/// drops the body, which ends the check.
struct SendTimeout {
    socket: TcpStream,
    timeout: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl SendTimeout {
    fn new(socket: TcpStream, timeout: Duration) -> Self {
        SendTimeout {
            socket,
            timeout,
            stalled: None,
        }
    }

    /// The outcome of a write: progress resets the clock, a write that
    /// waits starts it, and one that has waited too long fails.
    fn watch<T>(
        &mut self,
        context: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.stalled = None;
            return poll;
        }
        let timeout = self.timeout;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        ready!(stalled.as_mut().poll(context));
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client has read nothing for the send timeout",
        )))
    }
}

impl AsyncRead for SendTimeout {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_read(context, buffer)
    }
}

impl AsyncWrite for SendTimeout {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.socket).poll_write(context, bytes);
        self.watch(context, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffers: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.socket).poll_write_vectored(context, buffers);
        self.watch(context, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.socket).poll_flush(context);
        self.watch(context, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_shutdown(context)
    }
}
