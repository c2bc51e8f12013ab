//! The HTTP/1.1 server on 127.0.0.1: one task accepts, one task per connection serves.
//!
//! hyper is used directly (not a framework) because a fault has to be able to close a
//! connection in the middle of a request: each connection gets a kill switch its handler can
//! pull, and the connection task then drops the connection without answering.
//!
//! Every task is owned: connection tasks live in a `TaskTracker` and stop on the shutdown token,
//! and the accept task waits for them before it returns.

mod dispatch;
mod sim_api;

use std::convert::Infallible;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::handle::SimControl;

/// Accepts connections until `shutdown` fires, then lets open connections finish their current
/// request (idle keep-alive connections close at once) and returns.
pub(crate) async fn serve(listener: TcpListener, control: SimControl, shutdown: CancellationToken) {
    let connections = TaskTracker::new();
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(serve_connection(stream, control.clone(), shutdown.clone()));
                }
                Err(err) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(%err, "simulated tenant could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    connections.close();
    connections.wait().await;
}

async fn serve_connection(stream: TcpStream, control: SimControl, shutdown: CancellationToken) {
    let kill = CancellationToken::new();
    let service = {
        let kill = kill.clone();
        service_fn(move |request| {
            let control = control.clone();
            let kill = kill.clone();
            async move { Ok::<_, Infallible>(dispatch::handle(control, request, kill).await) }
        })
    };
    let connection = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(err) = result {
                tracing::debug!(%err, "simulated tenant connection ended with an error");
            }
        }
        // A dropped-connection fault: returning drops the connection and closes the socket
        // with the request unanswered.
        () = kill.cancelled() => {}
        () = shutdown.cancelled() => {
            connection.as_mut().graceful_shutdown();
            tokio::select! {
                _ = connection.as_mut() => {}
                () = kill.cancelled() => {}
            }
        }
    }
}
