//! A scrutin server on an ephemeral loopback port, for the tests that talk
//! to it over HTTP (tests/serve.rs, tests/page.rs, tests/browser.rs).

use std::net::SocketAddr;

use scrutin::rulebook;
use scrutin::serve::{Config, Rulebooks, router, serve};

/// Serves the rulebooks at `paths` (the first is the default) on 127.0.0.1
/// and a port the OS picks, on a thread of its own, for the rest of the
/// test run.
pub(crate) fn start_with(paths: &[&str], config: Config) -> SocketAddr {
    let rulebooks = paths
        .iter()
        .map(|path| rulebook::load(path.as_ref()).unwrap())
        .collect();
    let router = router(Rulebooks::new(rulebooks).expect("distinct ids"), &config);
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            serve(listener, router, &config).await.unwrap();
        });
    });
    receiver.recv().unwrap()
}
