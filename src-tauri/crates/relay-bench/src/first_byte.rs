//! A loopback HTTP/1.1 server that notes the moment the first byte of each request arrives,
//! answers `200` with an empty body, and reports `(instant, request line)` on a channel.
//!
//! It runs on plain OS threads with blocking sockets, apart from the tokio runtime the engine
//! runs on, so the timestamp is taken as soon as the kernel hands over the bytes, not when a
//! busy runtime gets round to polling the socket.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::error::BenchError;

/// How often a connection thread looks up from a blocking read to see if the server stops.
const POLL: Duration = Duration::from_millis(100);
/// Headers larger than this are not a Graph client's; the connection is closed.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Arrival {
    /// When its first byte was read.
    pub at: Instant,
    /// `POST /v1.0/users/…/presence/setPresence HTTP/1.1`.
    pub request_line: String,
}

/// The running server; dropping it stops and joins every thread.
#[derive(Debug)]
pub struct FirstByteServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl FirstByteServer {
    /// Listens on a free port of 127.0.0.1; arrivals go to the returned receiver.
    pub fn start() -> Result<(Self, mpsc::UnboundedReceiver<Arrival>), BenchError> {
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|source| BenchError::Server {
                action: "listen",
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| BenchError::Server {
            action: "listen",
            source,
        })?;
        let (arrivals, receiver) = mpsc::unbounded_channel();
        let stop = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let acceptor = {
            let stop = stop.clone();
            let connections = connections.clone();
            std::thread::Builder::new()
                .name("first-byte-accept".into())
                .spawn(move || accept(&listener, &stop, &connections, &arrivals))
                .map_err(|source| BenchError::Server {
                    action: "start a thread",
                    source,
                })?
        };
        Ok((
            Self {
                addr,
                stop,
                acceptor: Some(acceptor),
                connections,
            },
            receiver,
        ))
    }

    /// `http://127.0.0.1:PORT`, to use as the Graph root.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for FirstByteServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept; it sees the flag and returns.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let connections = std::mem::take(
            &mut *self
                .connections
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        for connection in connections {
            let _ = connection.join();
        }
    }
}

fn accept(
    listener: &TcpListener,
    stop: &Arc<AtomicBool>,
    connections: &Mutex<Vec<JoinHandle<()>>>,
    arrivals: &mpsc::UnboundedSender<Arrival>,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let stop = stop.clone();
        let arrivals = arrivals.clone();
        let spawned = std::thread::Builder::new()
            .name("first-byte-conn".into())
            .spawn(move || serve(stream, &stop, &arrivals));
        if let Ok(handle) = spawned {
            connections
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(handle);
        }
    }
}

/// Serves one keep-alive connection until the client closes it or the server stops.
fn serve(mut stream: TcpStream, stop: &AtomicBool, arrivals: &mpsc::UnboundedSender<Arrival>) {
    let _ = stream.set_nodelay(true);
    if stream.set_read_timeout(Some(POLL)).is_err() {
        return;
    }
    let mut pending: Vec<u8> = Vec::new();
    let mut first_byte: Option<Instant> = None;
    let mut chunk = [0_u8; 16 * 1024];
    while !stop.load(Ordering::SeqCst) {
        if pending.is_empty() {
            first_byte = None;
        }
        let read = match stream.read(&mut chunk) {
            Ok(0) => return,
            Ok(read) => read,
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                continue
            }
            Err(err) if err.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return,
        };
        let now = Instant::now();
        first_byte.get_or_insert(now);
        pending.extend_from_slice(&chunk[..read]);
        // Answer every complete request in the buffer; what is left is the start of the next.
        while let Some(length) = complete_request(&pending) {
            let head = String::from_utf8_lossy(&pending[..length]).into_owned();
            let request_line = head.lines().next().unwrap_or_default().to_owned();
            pending.drain(..length);
            let at = first_byte.unwrap_or(now);
            // Bytes already here belong to a request that arrived in this same read.
            first_byte = (!pending.is_empty()).then_some(now);
            let _ = arrivals.send(Arrival { at, request_line });
            let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
            if stream.write_all(answer).is_err() {
                return;
            }
        }
        if pending.len() > MAX_HEAD_BYTES && !pending.windows(4).any(|w| w == b"\r\n\r\n") {
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// The length of the first complete request in `buffer` (head and `Content-Length` body).
fn complete_request(buffer: &[u8]) -> Option<usize> {
    let head_end = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buffer[..head_end]);
    let body_length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let total = head_end + body_length;
    (buffer.len() >= total).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_complete_with_its_body() {
        let head = b"POST /x HTTP/1.1\r\nContent-Length: 4\r\n\r\n";
        assert_eq!(complete_request(head), None);
        let mut full = head.to_vec();
        full.extend_from_slice(b"abcdGET /y HTTP/1.1\r\n");
        assert_eq!(complete_request(&full), Some(head.len() + 4));
        assert_eq!(complete_request(b"GET / HTTP/1.1\r\n\r\n"), Some(18));
    }

    #[tokio::test]
    async fn each_request_on_a_kept_alive_connection_is_reported_once() {
        let (server, mut arrivals) = FirstByteServer::start().expect("server");
        let addr = server.url().trim_start_matches("http://").to_owned();
        let reported = tokio::task::spawn_blocking(move || {
            let mut stream = TcpStream::connect(addr).expect("connect");
            let mut answers = Vec::new();
            for body in ["{}", "{\"a\":1}"] {
                let request = format!(
                    "POST /v1.0/users/u/presence/setPresence HTTP/1.1\r\nhost: x\r\n\
                     content-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let before = Instant::now();
                stream.write_all(request.as_bytes()).expect("write");
                let mut answer = [0_u8; 64];
                let read = stream.read(&mut answer).expect("read");
                answers.push((
                    before,
                    String::from_utf8_lossy(&answer[..read]).into_owned(),
                ));
            }
            answers
        })
        .await
        .expect("client thread");
        for (before, answer) in &reported {
            assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
            let arrival = arrivals.recv().await.expect("an arrival per request");
            assert_eq!(
                arrival.request_line,
                "POST /v1.0/users/u/presence/setPresence HTTP/1.1"
            );
            assert!(arrival.at >= *before, "stamped after it was sent");
        }
        drop(server);
        assert!(arrivals.recv().await.is_none(), "no other arrivals; closed");
    }
}
