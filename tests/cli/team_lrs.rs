//! `morsel team --lrs URL`: the statements read from an LRS, page after page: a tiny fake LRS on loopback, and the
//! real Ralph when MORSEL_RALPH_URL is set.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use serde_json::Value;

/// A fake LRS on 127.0.0.1 that answers each request with the next of `answers` (status line, extra headers,
/// body) and sends each request's head (request line and headers) on the channel.
fn fake_lrs(answers: Vec<(String, String, String)>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://127.0.0.1:{}/xAPI",
        listener.local_addr().unwrap().port()
    );
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for (status, headers, body) in answers {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head += &line;
            }
            let _ = tx.send(head);
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{body}",
                body.len()
            );
        }
    });
    (url, rx)
}

fn answer(body: String) -> (String, String, String) {
    (
        "200 OK".into(),
        "Content-Type: application/json\r\n".into(),
        body,
    )
}

fn run(args: &[&str], courses: &std::path::Path) -> (bool, String, String) {
    let root = courses.parent().unwrap();
    let output = crate::morsel()
        .env(
            "MORSEL_NOW_MS",
            (super::team::T0 + super::team::HOUR).to_string(),
        )
        .env("MORSEL_DB", root.join("lead.db"))
        .env("MORSEL_CONFIG", root.join("none.toml"))
        .env("MORSEL_COURSES", courses)
        .env("MORSEL_LRS_USER", "lead")
        .env("MORSEL_LRS_PASSWORD", "s3cret-pw")
        .arg("team")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn team_reads_every_page_an_lrs_gives_with_the_course_as_activity() {
    let root = tempfile::tempdir().unwrap();
    let courses = super::team::course_path(root.path());
    let text = std::fs::read_to_string(super::team::team_input(root.path())).unwrap();
    let all: Vec<Value> = serde_json::Deserializer::from_str(&text)
        .into_iter::<Value>()
        .flat_map(|v| match v.unwrap() {
            Value::Array(items) => items,
            one => vec![one],
        })
        .collect();
    let (first, second) = all.split_at(all.len() / 2);
    let page =
        |s: &[Value], more: &str| serde_json::json!({ "statements": s, "more": more }).to_string();
    let (url, requests) = fake_lrs(vec![
        answer(page(first, "/xAPI/statements?page=2")),
        answer(page(second, "")),
    ]);
    let (ok, out, err) = run(&["tf", "--lrs", &url, "--format", "json"], &courses);
    assert!(ok, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["learners"]["count"], 4, "{doc}");
    assert_eq!(doc["statements"].as_u64(), Some(all.len() as u64));
    let one = requests.recv().unwrap();
    assert!(
        one.starts_with(
            "GET /xAPI/statements?activity=urn%3Amorsel%3Atf&related_activities=true HTTP/1.1"
        ),
        "{one}"
    );
    // lead:s3cret-pw
    assert!(one.contains("bGVhZDpzM2NyZXQtcHc="), "{one}");
    assert!(
        one.to_ascii_lowercase()
            .contains("x-experience-api-version: 1.0.3"),
        "{one}"
    );
    let two = requests.recv().unwrap();
    assert!(
        two.starts_with("GET /xAPI/statements?page=2 HTTP/1.1"),
        "{two}"
    );
    assert!(!err.contains("s3cret-pw") && !out.contains("s3cret-pw"));
}

#[test]
fn team_follows_no_redirect_and_refuses_what_is_not_a_statement_result() {
    let root = tempfile::tempdir().unwrap();
    let courses = super::team::course_path(root.path());
    let (url, requests) = fake_lrs(vec![(
        "302 Found".into(),
        "Location: http://127.0.0.1:9/login\r\n".into(),
        String::new(),
    )]);
    let (ok, _, err) = run(&["tf", "--lrs", &url, "--since", "2026-11-01"], &courses);
    assert!(!ok);
    assert!(
        err.contains("answered a redirect (HTTP 302 to http://127.0.0.1:9/login): not followed"),
        "{err}"
    );
    let one = requests.recv().unwrap();
    assert!(one.contains("&since=2026-11-01T00%3A00%3A00.000Z"), "{one}");
    assert!(
        requests
            .recv_timeout(std::time::Duration::from_millis(200))
            .is_err()
    );
    // A login page answered 200.
    let (url, _) = fake_lrs(vec![answer("<html>Sign in</html>".into())]);
    let (ok, _, err) = run(&["tf", "--lrs", &url], &courses);
    assert!(!ok);
    assert!(
        err.contains("did not answer an xAPI statement result"),
        "{err}"
    );
    // Refused credentials name their source, never the password.
    let (url, _) = fake_lrs(vec![(
        "401 Unauthorized".into(),
        String::new(),
        String::new(),
    )]);
    let (ok, _, err) = run(&["tf", "--lrs", &url], &courses);
    assert!(!ok);
    assert!(
        err.contains("refused the credentials from MORSEL_LRS_USER and MORSEL_LRS_PASSWORD"),
        "{err}"
    );
    assert!(!err.contains("s3cret-pw"), "{err}");
}

#[test]
fn team_sends_no_credentials_in_clear_to_another_host() {
    let root = tempfile::tempdir().unwrap();
    let courses = super::team::course_path(root.path());
    let (ok, _, err) = run(&["tf", "--lrs", "http://lrs.example.org/xAPI"], &courses);
    assert!(!ok);
    assert!(
        err.contains("not sending the LRS credentials to lrs.example.org over plain http://"),
        "{err}"
    );
}

/// Against the real Ralph (MORSEL_RALPH_URL, as `scripts/ralph.sh start` prints it): four learners sync their
/// records of a course with an id of its own, and `team --lrs` reads them all back.
#[test]
fn team_reads_back_what_four_learners_synced_to_ralph() {
    let Ok(url) = std::env::var("MORSEL_RALPH_URL") else {
        eprintln!("skipped: MORSEL_RALPH_URL is unset (scripts/ralph.sh start prints it)");
        return;
    };
    let _ralph = crate::ralph_lock();
    let user = std::env::var("MORSEL_RALPH_USER").unwrap_or_default();
    let password = std::env::var("MORSEL_RALPH_PASSWORD").unwrap_or_default();
    let root = tempfile::tempdir().unwrap();
    let courses = super::team::course_path(root.path());
    // A course id no other run has used: Ralph keeps every statement of every run.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let id = format!("tf-{}-{stamp}", std::process::id());
    let toml = courses.join("tf/course.toml");
    let course = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        course.replace("id = \"tf\"", &format!("id = \"{id}\"")),
    )
    .unwrap();
    super::team::team_input(root.path());
    for name in ["l1", "l2", "l3", "l4"] {
        let dir = root.path().join(name);
        let output = crate::morsel()
            .env("MORSEL_DB", dir.join("progress.db"))
            .env("MORSEL_CONFIG", dir.join("config.toml"))
            .env(
                "MORSEL_NOW_MS",
                (super::team::T0 + super::team::HOUR).to_string(),
            )
            .env("MORSEL_LRS_USER", &user)
            .env("MORSEL_LRS_PASSWORD", &password)
            .args(["sync", "--lrs", &url])
            .output()
            .unwrap();
        assert!(output.status.success(), "{name}: {output:?}");
    }
    let output = crate::morsel()
        .env(
            "MORSEL_NOW_MS",
            (super::team::T0 + super::team::HOUR).to_string(),
        )
        .env("MORSEL_DB", root.path().join("lead.db"))
        .env("MORSEL_CONFIG", root.path().join("none.toml"))
        .env("MORSEL_COURSES", &courses)
        .env("MORSEL_LRS_USER", &user)
        .env("MORSEL_LRS_PASSWORD", &password)
        .args(["team", &id, "--lrs", &url, "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["learners"]["count"], 4, "{doc}");
    assert_eq!(doc["lessons"][0]["passed"], 2, "{doc}");
    let pick = doc["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "pick")
        .unwrap();
    assert_eq!(pick["prompt"], "Which is a colour?");
    assert_eq!(pick["learners"], 4);
}

/// An LRS that does not filter by activity (Ralph 5.1's filesystem backend) answers none: `team` asks again for
/// every statement and keeps the course's.
#[test]
fn an_lrs_that_finds_nothing_by_activity_is_asked_for_everything() {
    let root = tempfile::tempdir().unwrap();
    let courses = super::team::course_path(root.path());
    let text = std::fs::read_to_string(super::team::team_input(root.path())).unwrap();
    let all: Vec<Value> = serde_json::Deserializer::from_str(&text)
        .into_iter::<Value>()
        .flat_map(|v| match v.unwrap() {
            Value::Array(items) => items,
            one => vec![one],
        })
        .collect();
    let (url, requests) = fake_lrs(vec![
        answer(r#"{"statements": []}"#.into()),
        answer(serde_json::json!({ "statements": all }).to_string()),
    ]);
    let (ok, out, err) = run(&["tf", "--lrs", &url, "--format", "json"], &courses);
    assert!(ok, "{err}");
    assert!(err.contains("reading every statement"), "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["learners"]["count"], 4);
    requests.recv().unwrap();
    let again = requests.recv().unwrap();
    assert!(
        again.starts_with("GET /xAPI/statements HTTP/1.1"),
        "{again}"
    );
}
