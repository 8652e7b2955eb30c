#!/usr/bin/env bash
# Many morsel processes on one database at once: a `play --plain` per bundled course (each run answers a few prompts,
# then leaves or is killed with SIGKILL), `review --plain --ahead`, the readers (`status`, `stats`, `list`,
# `export`), and `sync` when a Ralph LRS is given (MORSEL_RALPH_URL, as .ci/run exports it), all for SECONDS.
# Checks that
#   - no process fails, panics, or says the database is locked or busy;
#   - every answer a `play` showed as recorded is a row of `answers` (at most one more per kill, the answer being
#     recorded when it came);
#   - `PRAGMA integrity_check` says ok at the end.
#
#     scripts/concurrency.sh [SECONDS] [SEED]   default: 60 s, a random seed (printed first; replays the choices)
#     CONCURRENCY_PROFILE=debug scripts/concurrency.sh 20   the debug build instead of a release one
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
seed=${2:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "concurrency: seed $seed, $seconds s (replay the choices with: scripts/concurrency.sh $seconds $seed)"
. scripts/lib/morsel-bin.sh
bin=$(morsel_bin "${CONCURRENCY_PROFILE:-release}")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
PYTHONPATH="$PWD/scripts/lib" python3 - "$bin" "$seconds" "$seed" "$scratch" "$PWD/courses" <<'PY'
import os, random, sqlite3, subprocess, sys, threading, time

from plain_driver import Run, choose, recorded_verdicts

binary, seconds, seed, scratch, courses = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
db = os.path.join(scratch, "progress.db")
env = dict(os.environ)
env.update(MORSEL_DB=db, MORSEL_COURSES=courses, MORSEL_CONFIG=os.path.join(scratch, "config.toml"),
           XDG_DATA_HOME=os.path.join(scratch, "data"), XDG_CONFIG_HOME=os.path.join(scratch, "config"),
           XDG_CACHE_HOME=os.path.join(scratch, "cache"), NO_COLOR="1")
env.pop("MORSEL_NOW_MS", None)
ralph = os.environ.get("MORSEL_RALPH_URL")
if ralph:
    env.update(MORSEL_LRS_USER=os.environ.get("MORSEL_RALPH_USER", ""),
               MORSEL_LRS_PASSWORD=os.environ.get("MORSEL_RALPH_PASSWORD", ""))
course_ids = sorted(d for d in os.listdir(courses) if os.path.isfile(os.path.join(courses, d, "course.toml")))
deadline = time.time() + seconds
lock = threading.Lock()
counts = {"plays": 0, "reviews": 0, "reads": 0, "syncs": 0, "kills": 0, "shown": 0}
failures = []

def fail(what):
    with lock:
        failures.append(what)
    print("concurrency: FAIL %s" % what, file=sys.stderr)

def judge(what, code, stderr):
    lowered = stderr.lower()
    if code != 0:
        fail("%s exited with %s: %s" % (what, code, stderr.strip()[-400:]))
    elif "locked" in lowered or "busy" in lowered or "panicked" in lowered:
        fail("%s said: %s" % (what, stderr.strip()[-400:]))

def drive(args, rng, counter):
    """One run of a --plain command: a few prompts answered, then end of input, or a kill."""
    run = Run(args, env)
    state = {"question": None}
    killed = False
    try:
        response = run.read_until_prompt()
        for _ in range(rng.randint(0, 30)):
            if response is None:
                break
            run.send(choose(rng, response, state))
            response = run.read_until_prompt()
        if response is not None and rng.random() < 0.2:
            run.kill()
            killed = True
        else:
            stderr = run.finish()
            judge(" ".join(args[1:]), run.proc.returncode, stderr)
    except RuntimeError as e:
        run.kill()
        fail("%s: %s" % (" ".join(args[1:]), e))
    with lock:
        counts[counter] += 1
        counts["kills"] += killed
        if counter == "plays":  # a review's verdicts go to the review log, not to `answers`
            counts["shown"] += len(recorded_verdicts(run.text()))

def player(course, rng):
    while time.time() < deadline:
        drive([binary, "play", course, "--plain"], rng, "plays")

def reviewer(rng):
    while time.time() < deadline:
        drive([binary, "review", "--plain", "--ahead", "--limit", "5"], rng, "reviews")
        time.sleep(0.05)

def reader(rng):
    commands = [["status"], ["stats"], ["list"], ["export", "answers"], ["export", "xapi"], ["stats", "--format", "json"]]
    while time.time() < deadline:
        args = [binary] + rng.choice(commands)
        out = subprocess.run(args, capture_output=True, env=env, stdin=subprocess.DEVNULL)
        judge(" ".join(args[1:]), out.returncode, out.stderr.decode("utf-8", "replace"))
        with lock:
            counts["reads"] += 1
        time.sleep(0.05)

def syncer(rng):
    while time.time() < deadline:
        args = [binary, "sync", "--lrs", ralph, "--batch", str(rng.choice([1, 10, 100]))]
        out = subprocess.run(args, capture_output=True, env=env, stdin=subprocess.DEVNULL)
        judge("sync", out.returncode, out.stderr.decode("utf-8", "replace"))
        with lock:
            counts["syncs"] += 1
        time.sleep(0.2)

with open(env["MORSEL_CONFIG"], "w") as f:
    # A learner of its own for each run: `sync` also brings in this learner's statements from other machines, and
    # an LRS that kept an earlier run's would add answers this database never showed.
    f.write('name = "Concurrency"\nmbox = "concurrency-%d-%d@example.org"\n' % (os.getpid(), time.time_ns()))
# The database exists before the crowd arrives, as it does for a learner.
subprocess.run([binary, "status"], capture_output=True, env=env, check=True)
rng = random.Random(seed)
workers = [threading.Thread(target=player, args=(c, random.Random(rng.random()))) for c in course_ids]
workers.append(threading.Thread(target=reviewer, args=(random.Random(rng.random()),)))
workers.append(threading.Thread(target=reader, args=(random.Random(rng.random()),)))
if ralph:
    workers.append(threading.Thread(target=syncer, args=(random.Random(rng.random()),)))
for w in workers:
    w.start()
for w in workers:
    w.join()

with sqlite3.connect(db) as conn:
    rows = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    check = conn.execute("PRAGMA integrity_check").fetchall()
if check != [("ok",)]:
    fail("integrity_check: %s" % check)
if not counts["shown"] <= rows <= counts["shown"] + counts["kills"]:
    fail("%d answers shown as recorded and %d kills, but %d rows in answers" % (counts["shown"], counts["kills"], rows))
print("concurrency: %(plays)d plays, %(reviews)d reviews, %(reads)d reads, %(syncs)d syncs, %(kills)d kills, "
      "%(shown)d answers shown" % counts + ", %d rows, %d failures (seed %d%s)"
      % (rows, len(failures), seed, ", Ralph at " + ralph if ralph else ", no LRS"))
sys.exit(1 if failures else 0)
PY
