//! Abusive clients against `scrutin serve` on loopback, for
//! benches/serve-abuse.sh (which builds the server, starts it and gives
//! this its address, its pid and a 16 MiB log):
//!
//!     serve-abuse ADDR PID LOG
//!
//! Three measures, each bounded in requests and in time:
//! 1. `/healthz` latency while four checks of the log are in flight;
//! 2. the server's resident memory with ten clients that send the log and
//!    never read the answer;
//! 3. 500 slowloris connections (headers dribbled a byte a second): when
//!    the server closes them, and whether a new client is answered meanwhile.
//!
//! Loopback only: the address must be 127.0.0.1.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, addr, pid, log] = args.as_slice() else {
        eprintln!("usage: serve-abuse ADDR PID LOG");
        std::process::exit(2);
    };
    let addr: SocketAddr = addr.parse().map_err(io::Error::other)?;
    assert!(addr.ip().is_loopback(), "loopback only");
    let log = std::fs::read(log)?;
    health_under_checks(addr, &log)?;
    memory_with_stalled_readers(addr, pid, &log)?;
    slowloris(addr)?;
    Ok(())
}

/// A request written by hand (`Connection: close`).
fn request(method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nhost: bench\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

/// Sends a request and reads the whole answer; its status and size.
fn exchange(addr: SocketAddr, request: &[u8], limit: Duration) -> io::Result<(u16, usize)> {
    let mut socket = TcpStream::connect(addr)?;
    socket.set_read_timeout(Some(limit))?;
    socket.set_write_timeout(Some(limit))?;
    // A 503 may come before the body is all sent; the answer still counts.
    let _ = socket.write_all(request);
    let mut answer = Vec::new();
    let mut buffer = vec![0; 1 << 16];
    let mut head = Vec::new();
    loop {
        match socket.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                if head.len() < 16 {
                    head.extend_from_slice(&buffer[..n.min(16)]);
                }
                answer.push(n);
            }
            Err(e) if e.kind() == ErrorKind::ConnectionReset && !head.is_empty() => break,
            Err(e) => return Err(e),
        }
    }
    let status = String::from_utf8_lossy(&head)
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((status, answer.iter().sum()))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn health_under_checks(addr: SocketAddr, log: &[u8]) -> io::Result<()> {
    let check = request("POST", "/v1/check", log);
    let checks: Vec<_> = (0..4)
        .map(|_| {
            let check = check.clone();
            thread::spawn(move || exchange(addr, &check, Duration::from_secs(120)))
        })
        .collect();
    let health = request("GET", "/healthz", b"");
    let mut latencies = Vec::new();
    let started = Instant::now();
    // Until every check is answered, at most 2 minutes or 5000 requests.
    while !checks.iter().all(|c| c.is_finished())
        && started.elapsed() < Duration::from_secs(120)
        && latencies.len() < 5000
    {
        let asked = Instant::now();
        let (status, _) = exchange(addr, &health, Duration::from_secs(10))?;
        latencies.push(asked.elapsed());
        assert_eq!(status, 200, "/healthz");
        thread::sleep(Duration::from_millis(10));
    }
    let took = started.elapsed();
    let mut statuses = Vec::new();
    for check in checks {
        match check.join() {
            Ok(Ok((status, bytes))) => {
                statuses.push(format!("{status} ({} MB)", bytes / 1_000_000))
            }
            Ok(Err(e)) => statuses.push(format!("error: {e}")),
            Err(_) => statuses.push("panicked".to_string()),
        }
    }
    latencies.sort();
    println!(
        "1. /healthz while four 16 MiB checks are in flight ({:.1} s)",
        took.as_secs_f64()
    );
    println!("   checks answered: {}", statuses.join(", "));
    println!(
        "   /healthz: {} requests, p50 {}, p90 {}, p99 {}, max {} (target p99 <= 100 ms)",
        latencies.len(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.9)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
    Ok(())
}

/// VmRSS of a process, in MB.
fn rss_mb(pid: &str) -> io::Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    Ok(kb / 1000.0)
}

fn memory_with_stalled_readers(addr: SocketAddr, pid: &str, log: &[u8]) -> io::Result<()> {
    let before = rss_mb(pid)?;
    let check = request("POST", "/v1/check", log);
    let mut clients = Vec::new();
    for _ in 0..10 {
        let mut socket = TcpStream::connect(addr)?;
        socket.set_write_timeout(Some(Duration::from_secs(30)))?;
        // A refused check (503) closes before all is sent: that is fine.
        let _ = socket.write_all(&check);
        clients.push(socket);
    }
    let mut peak: f64 = 0.0;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(8) {
        peak = peak.max(rss_mb(pid)?);
        thread::sleep(Duration::from_millis(100));
    }
    drop(clients);
    thread::sleep(Duration::from_millis(500));
    println!("2. ten clients send a 16 MiB check and never read (watched 8 s)");
    println!(
        "   server RSS: {before:.0} MB before, peak {peak:.0} MB, {:.0} MB after they left (target <= 256 MB)",
        rss_mb(pid)?
    );
    Ok(())
}

fn slowloris(addr: SocketAddr) -> io::Result<()> {
    const CONNECTIONS: usize = 500;
    let started = Instant::now();
    let mut open: Vec<Option<(TcpStream, Instant)>> = Vec::new();
    for _ in 0..CONNECTIONS {
        let mut socket = TcpStream::connect(addr)?;
        socket.write_all(b"GET /healthz HTTP/1.1\r\nhost: bench\r\nx-slow: ")?;
        socket.set_nonblocking(true)?;
        open.push(Some((socket, Instant::now())));
    }
    let connected = started.elapsed();
    let mut closed_after = Vec::new();
    let mut new_client = None;
    let mut last_dribble = Instant::now();
    let mut byte = [0u8; 64];
    // At most 20 s, dribbling a byte a second.
    while open.iter().any(Option::is_some) && started.elapsed() < Duration::from_secs(20) {
        let dribble = last_dribble.elapsed() >= Duration::from_secs(1);
        if dribble {
            last_dribble = Instant::now();
        }
        for slot in open.iter_mut() {
            let Some((socket, opened)) = slot else {
                continue;
            };
            let gone = match socket.read(&mut byte) {
                Ok(0) => true,
                Ok(_) => false,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    dribble && socket.write(b"a").is_err()
                }
                Err(_) => true,
            };
            if gone {
                closed_after.push(opened.elapsed());
                *slot = None;
            }
        }
        if new_client.is_none() && started.elapsed() > Duration::from_secs(2) {
            let asked = Instant::now();
            let answer = exchange(
                addr,
                &request("GET", "/healthz", b""),
                Duration::from_secs(15),
            );
            new_client = Some((answer, asked.elapsed()));
        }
        thread::sleep(Duration::from_millis(50));
    }
    closed_after.sort();
    let still_open = open.iter().filter(|s| s.is_some()).count();
    println!(
        "3. {CONNECTIONS} slowloris connections (a header byte a second; all open after {})",
        ms(connected)
    );
    println!(
        "   closed by the server: {}, each after between {:.2} s and {:.2} s open; still open at {:.0} s: {still_open}",
        closed_after.len(),
        closed_after
            .first()
            .copied()
            .unwrap_or_default()
            .as_secs_f64(),
        closed_after
            .last()
            .copied()
            .unwrap_or_default()
            .as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    match new_client {
        Some((Ok((status, _)), took)) => {
            println!(
                "   a new client during the attack: {status} in {}",
                ms(took)
            )
        }
        Some((Err(e), took)) => {
            println!("   a new client during the attack: {e} after {}", ms(took))
        }
        None => println!("   a new client during the attack: not asked"),
    }
    let asked = Instant::now();
    let (status, _) = exchange(
        addr,
        &request("GET", "/healthz", b""),
        Duration::from_secs(15),
    )?;
    println!(
        "   a new client after it: {status} in {}",
        ms(asked.elapsed())
    );
    Ok(())
}
