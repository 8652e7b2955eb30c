//! A small LRS in the test process, on 127.0.0.1 only, over `std::net`: it stores statements as Ralph does (an
//! equal statement sent again is dropped, a different one under a stored id is a 409, a batch is atomic; 200 with
//! the ids newly stored, 204 when none), answers `GET ?statementId=`, counts what arrives, and misbehaves on cue
//! (scripted answers, a slow answer, a connection cut mid-answer, a size limit, partial storage, conflicts).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// What to do with the next request, instead of behaving.
#[derive(Debug, Clone)]
pub enum Cue {
    /// Answer this status, headers and body.
    Answer(u16, Vec<(&'static str, String)>, String),
    /// Store the batch, then wait this long before answering (the client has given up by then).
    StoreThenSlow(Duration),
    /// Store the batch, then send half an answer and close the connection.
    StoreThenCut,
}

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub authorization: Option<String>,
    pub at: Instant,
    /// The statement ids of a POST.
    pub ids: Vec<String>,
}

#[derive(Debug, Default)]
pub struct State {
    pub stored: BTreeMap<String, Value>,
    pub requests: Vec<Request>,
    /// How many times each id arrived in a POST.
    pub arrivals: HashMap<String, usize>,
    pub cues: VecDeque<Cue>,
    /// Ids answered with a 409 (the LRS holds other content under them).
    pub conflicts: HashSet<String>,
    /// A POST of more statements than this is a 413.
    pub max_batch: Option<usize>,
    /// Store and name only the first half of each batch.
    pub half: bool,
    /// Wait this long before answering each POST.
    pub delay: Duration,
    /// Answer every request with this, after the cues.
    pub always: Option<Cue>,
    /// The ids stored, in the order they were (a statement's `stored` time is its place here).
    pub order: Vec<String>,
    /// Statements per page of `GET ?agent=` (50 when unset); the rest behind a `more` link.
    pub page: Option<usize>,
}

pub struct FakeLrs {
    /// The xAPI endpoint: `http://127.0.0.1:PORT/xAPI`.
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl FakeLrs {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let _ = serve(stream, &state);
                });
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}/xAPI"),
            state,
        }
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    pub fn stored_ids(&self) -> BTreeMap<String, Value> {
        self.with(|s| s.stored.clone())
    }

    pub fn posts(&self) -> Vec<Request> {
        self.with(|s| {
            s.requests
                .iter()
                .filter(|r| r.method == "POST")
                .cloned()
                .collect()
        })
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let (mut length, mut authorization) = (0, None);
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorization = Some(value.trim().to_string()),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let batch: Vec<Value> = serde_json::from_slice(&body).unwrap_or_default();
    let ids: Vec<String> = batch
        .iter()
        .filter_map(|s| s["id"].as_str().map(str::to_string))
        .collect();
    let (cue, delay) = {
        let mut s = state.lock().unwrap();
        s.requests.push(Request {
            method: method.clone(),
            target: target.clone(),
            authorization,
            at: Instant::now(),
            ids: ids.clone(),
        });
        if method == "POST" {
            for id in &ids {
                *s.arrivals.entry(id.clone()).or_default() += 1;
            }
        }
        let cue = s.cues.pop_front().or_else(|| s.always.clone());
        (cue, s.delay)
    };
    let mut out = stream;
    match cue {
        Some(Cue::Answer(status, headers, body)) => {
            return answer(&mut out, status, &headers, &body);
        }
        Some(Cue::StoreThenSlow(wait)) => {
            behave(state, &method, &target, &batch);
            std::thread::sleep(wait);
            return Ok(());
        }
        Some(Cue::StoreThenCut) => {
            behave(state, &method, &target, &batch);
            out.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n[\"")?;
            return Ok(());
        }
        None => {}
    }
    if method == "POST" {
        std::thread::sleep(delay);
    }
    let (status, body) = behave(state, &method, &target, &batch);
    answer(&mut out, status, &[], &body)
}

/// What a Ralph-like LRS answers.
fn behave(state: &Mutex<State>, method: &str, target: &str, batch: &[Value]) -> (u16, String) {
    let mut s = state.lock().unwrap();
    if method == "GET" && target.contains("agent=") {
        return agent_page(&s, target);
    }
    if method == "GET" {
        let id = target.split("statementId=").nth(1).unwrap_or_default();
        let id = id.split('&').next().unwrap_or_default().replace("%2D", "-");
        return match s.stored.get(&id) {
            Some(statement) => (200, statement.to_string()),
            None => (404, r#"{"detail":"not found"}"#.into()),
        };
    }
    if s.max_batch.is_some_and(|max| batch.len() > max) {
        return (413, r#"{"detail":"Request Entity Too Large"}"#.into());
    }
    for statement in batch {
        let id = statement["id"].as_str().unwrap_or_default();
        let other = s.stored.get(id).is_some_and(|held| held != statement);
        if s.conflicts.contains(id) || other {
            return (
                409,
                format!(
                    r#"{{"detail":"Differing statements already exist with the same ID: {id}"}}"#
                ),
            );
        }
    }
    let keep = if s.half {
        batch.len().div_ceil(2)
    } else {
        batch.len()
    };
    let mut named = Vec::new();
    for statement in &batch[..keep] {
        let id = statement["id"].as_str().unwrap_or_default().to_string();
        if !s.stored.contains_key(&id) {
            s.stored.insert(id.clone(), statement.clone());
            s.order.push(id.clone());
            named.push(id);
        }
    }
    if named.is_empty() {
        (204, String::new())
    } else {
        (200, serde_json::to_string(&named).unwrap())
    }
}

/// `GET statements?agent=…[&since=…][&at=N]`: the agent's statements in the order stored, each with its `stored`
/// time (one second apart from 2027-01-01), from `since` (exclusive), a page at a time with a `more` link.
fn agent_page(s: &State, target: &str) -> (u16, String) {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|p| p.strip_prefix(&format!("{name}=")))
            .map(decode)
    };
    let agent: Value =
        serde_json::from_str(&param("agent").unwrap_or_default()).unwrap_or_default();
    let since = param("since");
    let from: usize = param("at").and_then(|a| a.parse().ok()).unwrap_or(0);
    let stored = |i: usize| {
        format!(
            "2027-01-01T{:02}:{:02}:{:02}.000Z",
            i / 3600,
            i / 60 % 60,
            i % 60
        )
    };
    let mine: Vec<Value> = s
        .order
        .iter()
        .enumerate()
        .filter(|(i, _)| since.as_ref().is_none_or(|since| stored(*i) > *since))
        .filter_map(|(i, id)| {
            let mut statement = s.stored[id].clone();
            let who = &statement["actor"];
            let same = (agent["mbox"].is_string() && who["mbox"] == agent["mbox"])
                || (agent["account"].is_object() && who["account"] == agent["account"]);
            statement["stored"] = Value::from(stored(i));
            same.then_some(statement)
        })
        .collect();
    let size = s.page.unwrap_or(50);
    let page: Vec<Value> = mine.iter().skip(from).take(size).cloned().collect();
    let more = if from + size < mine.len() {
        let path = target
            .split('&')
            .filter(|p| !p.starts_with("at="))
            .collect::<Vec<_>>()
            .join("&");
        format!("{path}&at={}", from + size)
    } else {
        String::new()
    };
    (
        200,
        serde_json::json!({ "statements": page, "more": more }).to_string(),
    )
}

/// A percent-encoded query value decoded.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(Ok(b)) = text.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn answer(
    out: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
    body: &str,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
    {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(body.as_bytes())?;
    out.flush()
}
