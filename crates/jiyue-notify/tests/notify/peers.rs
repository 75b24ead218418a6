//! Starting the Python peers and reading what they stored.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Returns the interpreter named by `JIYUE_TEST_PYTHON`, or `python3`.
pub fn python() -> String {
    std::env::var("JIYUE_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/notify/peers")
        .join(name)
}

/// A peer process listening on 127.0.0.1, killed when dropped.
pub struct Peer {
    child: Child,
    /// The port the peer printed on its first line.
    pub port: u16,
}

impl Peer {
    /// Starts `script` with `argument` and waits for the port on its first line of output.
    pub fn start(name: &str, argument: &Path) -> Peer {
        let python = python();
        let child = Command::new(&python)
            .arg(script(name))
            .arg(argument)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "cannot run {python}: {error}; set JIYUE_TEST_PYTHON to a Python 3 \
                     interpreter with aiosmtpd installed"
                )
            });

        // Dropping the peer kills and reaps the process on every path, panics included.
        let mut peer = Peer { child, port: 0 };

        let mut first_line = String::new();
        let stdout = peer.child.stdout.take().unwrap();
        BufReader::new(stdout).read_line(&mut first_line).unwrap();
        if let Ok(port) = first_line.trim().parse() {
            peer.port = port;
            return peer;
        }

        let _ = peer.child.kill();
        let mut stderr = String::new();
        peer.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        panic!("{name} did not start with {python}: {stderr}");
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Parses a stored e-mail with Python's email package, the independent judge of our output.
pub fn parse_mail(path: &Path) -> serde_json::Value {
    let python = python();
    let output = Command::new(&python)
        .arg(script("parse_mail.py"))
        .arg(path)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {python}: {error}"));
    assert!(
        output.status.success(),
        "parse_mail.py failed with {python}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Waits up to 5 s for `path` to exist, because a peer may store a request after responding.
pub fn wait_for(path: &Path) {
    for _ in 0..100 {
        if path.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("{} did not appear within 5 s", path.display());
}

/// Returns `text` with CRLF line breaks, as text bodies travel in MIME (RFC 2046) and as
/// Python's email package decodes them.
pub fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}
