//! Bounds for the waits of these tests: a process, a pipe or a thread that hangs fails its test after `HANG_GUARD`,
//! saying what it waited for, instead of hanging the run. These are hang guards, not timing assertions: the bound is
//! generous so that a slow machine passes.

use std::io::Read;
use std::ops::{Deref, DerefMut};
use std::process::{Child, Command, ExitStatus, Output};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long any one wait may take before the test fails.
pub const HANG_GUARD: Duration = Duration::from_secs(60);

/// A child process killed and reaped when dropped, so that a test that fails (or times out) leaves nothing running.
pub struct Guarded(pub Child);

impl Guarded {
    pub fn spawn(command: &mut Command) -> Self {
        Self(command.spawn().expect("the process starts"))
    }
}

impl Deref for Guarded {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl DerefMut for Guarded {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Waits for `child` to end; kills it and fails the test, naming `what`, if it has not ended within `HANG_GUARD`.
pub fn wait_within(child: &mut Child, what: &str) -> ExitStatus {
    let deadline = Instant::now() + HANG_GUARD;
    loop {
        if let Some(status) = child.try_wait().expect("the process can be waited for") {
            return status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not end within {HANG_GUARD:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `Child::wait_with_output` within `HANG_GUARD`: closes its stdin, reads what is left of its stdout and stderr,
/// and waits for it to end.
pub fn output_within(child: &mut Child, what: &str) -> Output {
    drop(child.stdin.take());
    let stdout = child.stdout.take().map(read_to_end);
    let stderr = child.stderr.take().map(read_to_end);
    let status = wait_within(child, what);
    let deadline = Instant::now() + HANG_GUARD;
    let collect = |pipe: Option<Receiver<Vec<u8>>>, name: &str| {
        pipe.map(|rx| {
            rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("{what} ended, but its {name} stayed open"))
        })
        .unwrap_or_default()
    };
    let stdout = collect(stdout, "stdout");
    let stderr = collect(stderr, "stderr");
    Output {
        status,
        stdout,
        stderr,
    }
}

/// `Command::output` within `HANG_GUARD` (set the command's stdin: unlike `output`, spawning inherits it).
pub fn run_within(command: &mut Command, what: &str) -> Output {
    let mut child = Guarded::spawn(
        command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped()),
    );
    output_within(&mut child, what)
}

/// Reads `from` to its end on a thread; the bytes arrive on the channel.
fn read_to_end(mut from: impl Read + Send + 'static) -> Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        let _ = tx.send(bytes);
    });
    rx
}

/// Reads exactly `n` bytes of `from` and closes it; fails the test, naming `what`, if they do not come within
/// `HANG_GUARD`.
pub fn read_exact_within(mut from: impl Read + Send + 'static, n: usize, what: &str) -> Vec<u8> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = vec![0u8; n];
        let read = from.read_exact(&mut bytes).map(|()| bytes);
        drop(from);
        let _ = tx.send(read);
    });
    match rx.recv_timeout(HANG_GUARD) {
        Ok(read) => read.unwrap_or_else(|e| panic!("{what}: {e}")),
        Err(_) => panic!("{what}: {n} bytes did not come within {HANG_GUARD:?}"),
    }
}

/// The output of a process as it comes, read on a thread, each wait for more bounded by `HANG_GUARD`.
pub struct Stream {
    chunks: Receiver<String>,
    /// Everything read so far.
    pub seen: String,
}

impl Stream {
    pub fn read(mut from: impl Read + Send + 'static) -> Self {
        let (tx, chunks) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = from.read(&mut buf) {
                if n == 0
                    || tx
                        .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                        .is_err()
                {
                    break;
                }
            }
        });
        Self {
            chunks,
            seen: String::new(),
        }
    }

    /// Reads until what was read holds `needle`; fails the test, naming `what`, if it does not within `HANG_GUARD`
    /// or the output ends first.
    pub fn wait_for(&mut self, needle: &str, what: &str) -> &str {
        let deadline = Instant::now() + HANG_GUARD;
        while !self.seen.contains(needle) {
            match self
                .chunks
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(more) => self.seen.push_str(&more),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "{what}: no `{needle}` within {HANG_GUARD:?}; so far:\n{}",
                    self.seen
                ),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "{what}: the output ended without `{needle}`:\n{}",
                        self.seen
                    )
                }
            }
        }
        &self.seen
    }

    /// The next whole line (without its end), or `None` at the end of the output; fails the test, naming `what`, if
    /// none comes within `HANG_GUARD`.
    pub fn next_line(&mut self, what: &str) -> Option<String> {
        let deadline = Instant::now() + HANG_GUARD;
        loop {
            if let Some(end) = self.seen.find('\n') {
                let line: String = self.seen.drain(..=end).collect();
                return Some(line.trim_end_matches(['\n', '\r']).to_string());
            }
            match self
                .chunks
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(more) => self.seen.push_str(&more),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "{what}: no line within {HANG_GUARD:?}; so far:\n{}",
                    self.seen
                ),
                Err(RecvTimeoutError::Disconnected) if self.seen.is_empty() => return None,
                Err(RecvTimeoutError::Disconnected) => return Some(std::mem::take(&mut self.seen)),
            }
        }
    }
}
