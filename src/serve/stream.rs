//! A report written on a blocking thread and sent to the client as it is
//! written.
//!
//! A 16 MiB log makes a JSON report of some 200 MB: built in memory, ten
//! clients that never read their answers held 2 GB. Here the writer fills
//! chunks into a channel of a few chunks; when the client stops reading,
//! the channel fills and the writer waits, so that an answer holds at most
//! `CHUNKS_IN_FLIGHT` chunks however large it is. When the client is gone
//! the channel closes and the writer's next write fails, which ends the
//! check; so does a write after the response deadline. The deadline is kept
//! here, by the writer, because hyper polls a body only when the socket
//! takes more: behind a slow reader, the kernel's buffers (megabytes on
//! loopback) keep it from polling for minutes, and a deadline kept by the
//! body (tower-http's `ResponseBodyDeadlineLayer`) would not be seen.

use std::io::{self, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::Frame;
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The size of a chunk sent to the client.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks written but not yet sent: with `CHUNK_BYTES`, 256 KiB an answer.
const CHUNKS_IN_FLIGHT: usize = 4;

/// The writing end: an `io::Write` for a report, used on a blocking thread.
pub(super) struct ChunkWriter {
    chunk: Vec<u8>,
    sender: mpsc::Sender<Bytes>,
    finished: Arc<AtomicBool>,
    /// When the answer must have been sent by.
    deadline: Instant,
    /// The server's runtime, to wait on the channel with a deadline.
    runtime: Handle,
}

/// The sending end: the chunks as a response body.
struct ChunkBody {
    receiver: mpsc::Receiver<Bytes>,
    finished: Arc<AtomicBool>,
}

/// A writer and the response body it feeds, which must be sent within
/// `deadline`. Called on the server's runtime.
pub(super) fn channel(deadline: Duration) -> (ChunkWriter, Body) {
    let (sender, receiver) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let finished = Arc::new(AtomicBool::new(false));
    let writer = ChunkWriter {
        chunk: Vec::with_capacity(CHUNK_BYTES),
        sender,
        finished: Arc::clone(&finished),
        deadline: Instant::now() + deadline,
        runtime: Handle::current(),
    };
    (writer, Body::new(ChunkBody { receiver, finished }))
}

impl ChunkWriter {
    /// Sends what is left and marks the answer complete. A writer dropped
    /// without it (an error, a panic) ends the body with an error, so that
    /// the client sees a broken answer rather than a short one.
    pub(super) fn finish(mut self) -> io::Result<()> {
        self.send()?;
        self.finished.store(true, Ordering::Release);
        Ok(())
    }

    fn send(&mut self) -> io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK_BYTES));
        // Waits while the channel is full: the client is slower than the check.
        let send = tokio::time::timeout_at(self.deadline, self.sender.send(Bytes::from(chunk)));
        match self.runtime.block_on(send) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the client is gone",
            )),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the answer was not sent within the response deadline",
            )),
        }
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.chunk.extend_from_slice(bytes);
        if self.chunk.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl http_body::Body for ChunkBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        self.receiver.poll_recv(context).map(|chunk| match chunk {
            Some(chunk) => Some(Ok(Frame::data(chunk))),
            None if self.finished.load(Ordering::Acquire) => None,
            None => Some(Err(io::Error::other("the report stopped before its end"))),
        })
    }
}
