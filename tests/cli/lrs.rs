//! `morsel sync` against a misbehaving LRS (`fake_lrs`, on 127.0.0.1): each statement stored once and marked sent
//! only when the LRS said so, whatever it or the network does; credentials never leaked.

use std::collections::BTreeSet;
use std::process::Output;
use std::time::Duration;

use crate::bound::{Guarded, output_within, wait_within};
use crate::fake_lrs::{Cue, FakeLrs};
use crate::xapi::Learner;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn sync(learner: &Learner, url: &str) -> Output {
    learner.sync(url, "ada", "pa55word")
}

/// `morsel sync` started in the background, as `Learner::morsel` runs it.
fn spawn_sync(learner: &Learner, url: &str, batch: &str) -> Guarded {
    Guarded::spawn(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("morsel"))
            .args(["--db", learner.db.to_str().unwrap()])
            .args(["--config", learner.config.to_str().unwrap()])
            .args(["sync", "--lrs", url, "--batch", batch])
            .env_remove("MORSEL_LRS_USER")
            .env_remove("MORSEL_LRS_PASSWORD")
            .env("MORSEL_SYNC_BACKOFF_MS", "50")
            .env("MORSEL_SYNC_TIMEOUT_MS", "1000")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped()),
    )
}

fn exported_ids(learner: &Learner) -> BTreeSet<String> {
    learner
        .export()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

fn html() -> Cue {
    Cue::Answer(
        200,
        vec![("Content-Type", "text/html".to_string())],
        "<html><form>Log in to the Wi-Fi</form></html>".into(),
    )
}

#[test]
fn a_login_page_answering_200_marks_nothing_sent() {
    let lrs = FakeLrs::start();
    lrs.with(|s| s.always = Some(html()));
    let learner = Learner::new("ada@example.org");
    let output = sync(&learner, &lrs.url);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("is not an LRS's: an HTML page (HTTP 200)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("nothing of that batch was marked sent"),
        "{stderr}"
    );
    assert!(stderr.contains("0 statements sent, 11 waiting"), "{stderr}");
    assert_eq!(learner.sent_count(), 0);
}

#[test]
fn an_empty_204_from_something_that_holds_nothing_marks_nothing_sent() {
    let lrs = FakeLrs::start();
    lrs.with(|s| s.always = Some(Cue::Answer(204, vec![], String::new())));
    let learner = Learner::new("ada@example.org");
    let output = sync(&learner, &lrs.url);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "named 0 of the 3 statements sent as stored, and the others could not be found there"
        ),
        "{stderr}"
    );
    assert_eq!(learner.sent_count(), 0);
}

#[test]
fn a_redirect_is_an_error_and_nothing_follows_it() {
    let elsewhere = FakeLrs::start();
    let lrs = FakeLrs::start();
    let login = format!("{}/login", elsewhere.url);
    lrs.with(|s| {
        s.always = Some(Cue::Answer(
            302,
            vec![("Location", login.clone())],
            String::new(),
        ))
    });
    let learner = Learner::new("ada@example.org");
    let output = sync(&learner, &lrs.url);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!("answered with a redirect (HTTP 302 to {login})")),
        "{stderr}"
    );
    assert!(
        elsewhere.with(|s| s.requests.is_empty()),
        "the redirect was followed"
    );
    assert_eq!(learner.sent_count(), 0);
}

#[test]
fn an_lrs_that_stores_half_a_batch_gets_nothing_marked() {
    let lrs = FakeLrs::start();
    lrs.with(|s| s.half = true);
    let learner = Learner::new("ada@example.org");
    let output = sync(&learner, &lrs.url);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("named 2 of the 3 statements sent as stored"),
        "{stderr}"
    );
    assert_eq!(learner.sent_count(), 0);
    // Whole again, the LRS gets the rest, and the sync marks everything.
    lrs.with(|s| s.half = false);
    let output = sync(&learner, &lrs.url);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(learner.sent_count(), 11);
    assert_eq!(lrs.stored_ids().len(), 11);
}

#[test]
fn a_conflicting_statement_is_set_aside_said_once_and_the_rest_go() {
    let lrs = FakeLrs::start();
    let learner = Learner::new("ada@example.org");
    let ids: Vec<String> = exported_ids(&learner).into_iter().collect();
    let clash = ids[4].clone();
    lrs.with(|s| {
        s.conflicts.insert(clash.clone());
    });
    let output = sync(&learner, &lrs.url);
    assert!(output.status.success(), "{output:?}");
    let stderr = text(&output.stderr);
    let lines = stderr
        .lines()
        .filter(|l| l.contains(clash.as_str()))
        .count();
    assert_eq!(lines, 1, "said once: {stderr}");
    assert!(
        stderr.contains(&format!(
            "the LRS rejected statement {clash} (HTTP 409): Differing statements"
        )),
        "{stderr}"
    );
    assert_eq!(
        text(&output.stdout),
        format!(
            "sent 10 statements to {} (0 sent before, 1 rejected)\n",
            lrs.url
        )
    );
    assert_eq!(lrs.stored_ids().len(), 10);
    // Later syncs are not blocked and say nothing of it; a new statement still goes.
    learner.review_again(crate::xapi::T0 + 3 * 86_400_000);
    let output = sync(&learner, &lrs.url);
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
    assert!(
        text(&output.stdout).starts_with("sent 1 statement to"),
        "{output:?}"
    );
    let output = learner
        .morsel()
        .args(["sync", "--status", "--lrs", &lrs.url])
        .output()
        .unwrap();
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("waiting: 0 statements\nrejected: 1 statement\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("  {clash} (HTTP 409, "))
            && stdout.contains("Differing statements"),
        "{stdout}"
    );
    assert!(stdout.contains("(everything sent)"), "{stdout}");
}

#[test]
fn a_bad_request_for_one_statement_is_set_aside_too() {
    let lrs = FakeLrs::start();
    let learner = Learner::new("ada@example.org");
    // The first batch of three is a 400, then its first half (one statement): that one is set aside, the second
    // half goes.
    lrs.with(|s| {
        for _ in 0..2 {
            s.cues
                .push_back(Cue::Answer(400, vec![], r#"{"detail":"bad actor"}"#.into()));
        }
    });
    let output = sync(&learner, &lrs.url);
    assert!(output.status.success(), "{output:?}");
    assert!(
        text(&output.stderr).contains("(HTTP 400): bad actor"),
        "{output:?}"
    );
    assert_eq!(learner.sent_count(), 10);
    let batches: Vec<usize> = lrs.posts().iter().map(|r| r.ids.len()).collect();
    assert_eq!(&batches[..3], [3, 1, 2]);
}

#[test]
fn busy_answers_are_tried_again_honouring_retry_after() {
    let lrs = FakeLrs::start();
    lrs.with(|s| {
        s.cues.push_back(Cue::Answer(
            429,
            vec![("Retry-After", "1".into())],
            String::new(),
        ));
        s.cues.push_back(Cue::Answer(503, vec![], String::new()));
        s.cues.push_back(Cue::Answer(502, vec![], String::new()));
        s.cues.push_back(Cue::Answer(504, vec![], String::new()));
    });
    let learner = Learner::new("ada@example.org");
    let output = sync(&learner, &lrs.url);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(learner.sent_count(), 11);
    let posts = lrs.posts();
    assert!(
        posts[1].at.duration_since(posts[0].at) >= Duration::from_millis(950),
        "Retry-After: 1 not honoured"
    );
}

#[test]
fn an_lrs_busy_for_good_is_given_up_on_saying_what_was_sent_and_what_waits() {
    let lrs = FakeLrs::start();
    let learner = Learner::new("ada@example.org");
    lrs.with(|s| s.always = Some(Cue::Answer(503, vec![], "down".into())));
    let output = learner
        .morsel()
        .args(["sync", "--lrs", &lrs.url, "--batch", "11"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("is busy (HTTP 503; tried 5 times in"),
        "{stderr}"
    );
    assert!(
        stderr.contains("0 statements sent, 11 waiting for the next sync"),
        "{stderr}"
    );
    assert_eq!(lrs.posts().len(), 5);
    // Asking for longer than a sync waits: it stops at once, saying so.
    lrs.with(|s| {
        s.always = Some(Cue::Answer(
            429,
            vec![("Retry-After", "3600".into())],
            String::new(),
        ))
    });
    let output = sync(&learner, &lrs.url);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("it asks to wait 3600 s, longer than a sync waits"),
        "{stderr}"
    );
    assert_eq!(lrs.posts().len(), 6);
}

#[test]
fn a_slow_answer_and_a_connection_cut_mid_answer_are_sent_again_safely() {
    let lrs = FakeLrs::start();
    lrs.with(|s| {
        s.cues.push_back(Cue::StoreThenSlow(Duration::from_secs(3)));
        s.cues.push_back(Cue::StoreThenCut);
    });
    let learner = Learner::new("ada@example.org");
    let output = sync(&learner, &lrs.url);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(learner.sent_count(), 11);
    let stored = lrs.stored_ids();
    assert_eq!(
        stored.keys().cloned().collect::<BTreeSet<_>>(),
        exported_ids(&learner)
    );
    // The first batch went three times (slow, cut, then answered), under the same ids.
    let first = &lrs.posts()[0].ids;
    assert!(first.iter().all(|id| lrs.with(|s| s.arrivals[id]) == 3));
}

#[test]
fn a_batch_too_large_is_halved_until_it_fits() {
    let lrs = FakeLrs::start();
    lrs.with(|s| s.max_batch = Some(2));
    let learner = Learner::new("ada@example.org");
    let output = learner
        .morsel()
        .args(["sync", "--lrs", &lrs.url, "--batch", "8"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
    assert_eq!(learner.sent_count(), 11);
    assert_eq!(lrs.stored_ids().len(), 11);
}

#[test]
fn refused_credentials_name_their_source_never_the_password() {
    let lrs = FakeLrs::start();
    lrs.with(|s| s.always = Some(Cue::Answer(401, vec![], String::new())));
    let learner = Learner::new("ada@example.org");
    let output = sync(&learner, &lrs.url);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("refused the credentials (HTTP 401) from MORSEL_LRS_USER and MORSEL_LRS_PASSWORD in the environment"),
        "{stderr}"
    );
    assert!(!stderr.contains("pa55word"), "{stderr}");
    assert_eq!(lrs.posts().len(), 1, "a refusal is not tried again");
    std::fs::write(
        &learner.config,
        "mbox = \"ada@example.org\"\nlrs_user = \"ada\"\nlrs_password = \"c0nfig-pw\"\n",
    )
    .unwrap();
    lrs.with(|s| s.always = Some(Cue::Answer(403, vec![], String::new())));
    let output = learner
        .morsel()
        .args(["sync", "--lrs", &lrs.url])
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("(HTTP 403) from lrs_user and lrs_password in ")
            && stderr.contains("config.toml"),
        "{stderr}"
    );
    assert!(!stderr.contains("c0nfig-pw"), "{stderr}");
}

#[test]
fn a_password_in_the_url_is_used_but_never_shown_or_stored() {
    let lrs = FakeLrs::start();
    let learner = Learner::new("ada@example.org");
    let with_password = lrs.url.replace("http://", "http://ada:s3cr%40t@");
    let output = learner
        .morsel()
        .args(["sync", "--lrs", &with_password])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let all = format!("{}{}", text(&output.stdout), text(&output.stderr));
    assert!(!all.contains("s3cr"), "{all}");
    assert!(
        text(&output.stdout).contains(&format!("to {} ", lrs.url)),
        "{all}"
    );
    let auth = lrs.with(|s| s.requests[0].authorization.clone()).unwrap();
    // ada:s3cr@t
    assert_eq!(auth, "Basic YWRhOnMzY3JAdA==");
    drop(rusqlite::Connection::open(&learner.db).unwrap());
    for entry in std::fs::read_dir(learner.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(4).any(|w| w == b"s3cr"),
                "the password is stored in {}",
                path.display()
            );
        }
    }
}

#[test]
fn credentials_are_not_sent_over_plain_http_to_another_host() {
    let learner = Learner::new("ada@example.org");
    let output = sync(&learner, "http://lrs.example.org/xAPI");
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("not sending the LRS credentials to lrs.example.org over plain http://")
            && stderr.contains("--allow-http"),
        "{stderr}"
    );
    assert!(!stderr.contains("pa55word"));
}

#[test]
fn spellings_of_the_endpoint_are_one_lrs_and_a_query_string_stays() {
    let lrs = FakeLrs::start();
    let learner = Learner::new("ada@example.org");
    let shouted = format!("{}/?tenant=a", lrs.url.replace("http://", "HTTP://"));
    let output = sync(&learner, &shouted);
    assert!(output.status.success(), "{output:?}");
    let target = lrs.with(|s| s.requests[0].target.clone());
    assert_eq!(target, "/xAPI/statements?tenant=a");
    let output = sync(&learner, &format!("{}?tenant=a", lrs.url));
    assert_eq!(
        text(&output.stdout),
        format!(
            "nothing new to send to {}?tenant=a: all 11 statements were sent before\n",
            lrs.url
        )
    );
}

#[test]
fn two_syncs_at_once_send_each_statement_once() {
    let lrs = FakeLrs::start();
    lrs.with(|s| s.delay = Duration::from_millis(150));
    let learner = Learner::new("ada@example.org");
    let spawn = || spawn_sync(&learner, &lrs.url, "3");
    let (mut a, mut b) = (spawn(), spawn());
    let a = output_within(&mut a, "the first sync");
    let b = output_within(&mut b, "the second sync");
    assert!(a.status.success() && b.status.success(), "{a:?} {b:?}");
    let waited = [&a, &b]
        .iter()
        .filter(|o| text(&o.stderr).contains("another sync of this database is under way; waiting"))
        .count();
    assert_eq!(waited, 1, "{a:?} {b:?}");
    let arrivals = lrs.with(|s| s.arrivals.clone());
    assert_eq!(arrivals.len(), 11);
    assert!(
        arrivals.values().all(|n| *n == 1),
        "sent twice: {arrivals:?}"
    );
}

#[test]
fn a_sync_killed_at_any_moment_then_another_leaves_each_statement_in_the_lrs_once() {
    let lrs = FakeLrs::start();
    lrs.with(|s| s.delay = Duration::from_millis(40));
    let learner = Learner::new("ada@example.org");
    let mut rng_state = 0x2545_f491_u64;
    for _ in 0..8 {
        let mut child = spawn_sync(&learner, &lrs.url, "1");
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        std::thread::sleep(Duration::from_millis(50 + rng_state % 500));
        child.kill().unwrap(); // SIGKILL
        wait_within(&mut child, "a killed sync");
    }
    // The kills fell while statements were on their way, not only before the first left.
    assert!(!lrs.posts().is_empty());
    let output = sync(&learner, &lrs.url);
    assert!(output.status.success(), "{output:?}");
    let stored: BTreeSet<String> = lrs.stored_ids().into_keys().collect();
    assert_eq!(stored, exported_ids(&learner));
    assert_eq!(learner.sent_count(), 11);
    let output = sync(&learner, &lrs.url);
    assert!(
        text(&output.stdout).starts_with("nothing new to send"),
        "{output:?}"
    );
}

#[test]
fn status_says_how_many_wait_for_a_sync_after_a_day() {
    let lrs = FakeLrs::start();
    let learner = Learner::new("ada@example.org");
    std::fs::write(
        &learner.config,
        format!("mbox = \"ada@example.org\"\nlrs = \"{}\"\n", lrs.url),
    )
    .unwrap();
    let status = |now: i64| {
        let output = learner
            .morsel()
            .env("MORSEL_NOW_MS", now.to_string())
            .env("MORSEL_UTC_OFFSET", "0")
            .arg("status")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        text(&output.stdout)
    };
    let t0 = crate::xapi::T0;
    // Within the first day nothing is overdue; then every record is (2 bites, 5 answers, 1 review: 8 records).
    assert!(!status(t0 + 3_600_000).contains("to sync"));
    let later = t0 + 5 * 86_400_000;
    assert!(status(later).contains(" · 8 to sync"), "{}", status(later));
    let json = learner
        .morsel()
        .env("MORSEL_NOW_MS", later.to_string())
        .args(["status", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["to_sync"], 8);
    let output = learner
        .morsel()
        .env("MORSEL_NOW_MS", later.to_string())
        .arg("sync")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(!status(later + 3 * 86_400_000).contains("to sync"));
}
