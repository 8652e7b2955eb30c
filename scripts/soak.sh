#!/usr/bin/env bash
# Crash soak: `morsel play COURSE --plain` killed with SIGKILL at random moments, N times over a chain of runs on one
# database, checking after each kill that
#   - `PRAGMA integrity_check` says ok (the sqlite3 shell when installed, else Python's sqlite3 module);
#   - every answer the output showed as recorded ("Right.", "Not quite.", "Skipped.") is a row of `answers`, in order
#     and with the same verdict, and at most one more row exists (the answer being recorded when the kill came);
#   - the position saved is the bite the output last showed (unless a move was under way at the kill), and the next
#     start shows first the bite the database saved (a course finished and left at its end starts again at bite 1 of
#     a lesson).
# The driver (Python 3) reads the prompts and answers them, right or wrong by chance, with commands mixed in.
#
#     scripts/soak.sh [N] [SEED]     default: 20 runs, a random seed (printed first; the same seed replays the run)
#     SOAK_PROFILE=debug scripts/soak.sh 20   the debug build instead of a release one
#
# Prints a summary (runs, kills, answers checked, failures) and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
seed=${2:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "soak: seed $seed, $runs runs (replay with: scripts/soak.sh $runs $seed)"
# SOAK_PROFILE=debug soaks the debug build (CI: the one `cargo test` has just made, so no second build).
. scripts/lib/morsel-bin.sh
bin=$(morsel_bin "${SOAK_PROFILE:-release}")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The output of each failing run, and the lines sent to it, are kept here.
keep="${CARGO_TARGET_DIR:-target}/soak-failures/$seed"
rm -rf "$keep"
PYTHONPATH="$PWD/scripts/lib" python3 - "$bin" "$runs" "$seed" "$scratch" "$PWD/courses" "$keep" <<'PY'
import json, os, random, re, shutil, subprocess, sys, time

from plain_driver import PLACE, VERDICTS, Run, choose as choose_with, output_lines, places, recorded_verdicts

binary, runs, seed, scratch, courses, keep = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4],
                                              sys.argv[5], sys.argv[6])
rng = random.Random(seed)
db = os.path.join(scratch, "progress.db")
env = dict(os.environ)
env.update(
    MORSEL_DB=db,
    MORSEL_COURSES=courses,
    MORSEL_CONFIG=os.path.join(scratch, "config.toml"),
    XDG_DATA_HOME=os.path.join(scratch, "data"),
    XDG_CONFIG_HOME=os.path.join(scratch, "config"),
    NO_COLOR="1",
)
env.pop("MORSEL_NOW_MS", None)
course_ids = sorted(d for d in os.listdir(courses) if os.path.isfile(os.path.join(courses, d, "course.toml")))

def lesson_list(course):
    out = subprocess.run([binary, "check", "--format", "json", os.path.join(courses, course)],
                         capture_output=True, env=env, check=True).stdout
    return json.loads(out)["packs"][0]["lessons"]

lessons = {c: [l["id"] for l in lesson_list(c)] for c in course_ids}
last_bites = {c: lesson_list(c)[-1]["bites"] for c in course_ids}

if shutil.which("sqlite3"):
    def query(sql):
        out = subprocess.run(["sqlite3", "-batch", "-separator", "|", db, sql], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip())
        return [line.split("|") for line in out.stdout.splitlines()]
    how = "sqlite3"
else:
    import sqlite3
    def query(sql):
        with sqlite3.connect(db) as conn:
            return [[str(v) for v in row] for row in conn.execute(sql).fetchall()]
    how = "python3 sqlite3 module"

def last_place(text):
    """The last place the output showed as a move's destination. During a retry of missed questions the place
    shown again after a pause is the retried question's bite; the saved position stays at the lesson's end."""
    last, retrying, previous = None, False, ""
    for line in output_lines(text):
        m = PLACE.match(line)
        if line == "Retrying the missed questions.":
            retrying = True
        elif m and not (retrying and previous == "Resumed."):
            last, retrying = (int(m.group(1)), int(m.group(2))), False
        if line:
            previous = line
    return last

def saved_place(course):
    rows = query("SELECT lesson_id, bite FROM positions WHERE course_id = '%s'" % course)
    if not rows:
        return None
    lesson_id, bite = rows[0]
    ids = lessons[course]
    return (ids.index(lesson_id) + 1 if lesson_id in ids else 0, int(bite))

def max_answer_id():
    rows = query("SELECT coalesce(max(id), 0) FROM answers")
    return int(rows[0][0]) if rows else 0

failures = []
kills = answers_checked = resumes_checked = clean_exits = 0
expected = {}  # course -> (place the next start must show first, or None; whether it may restart at a bite 1)

def fail(number, what):
    failures.append("run %d: %s" % (number, what))
    print("soak: FAIL run %d: %s" % (number, what), file=sys.stderr)
    os.makedirs(keep, exist_ok=True)
    with open(os.path.join(keep, "run-%d.txt" % number), "wb") as f:
        f.write(b"%s\n\n" % what.encode() + b"".join(b"< %s\n" % l.encode() for l in run.sent) + b"\n" + run.out)

for n in range(1, runs + 1):
    course = rng.choice(course_ids)
    before = max_answer_id() if os.path.exists(db) else 0
    run = Run([binary, "play", course, "--plain"], env)
    state = {"question": None}
    in_flight = True  # opening the course is a move too
    exchanges = rng.randint(0, 60)
    ended = False
    first = None
    if rng.random() < 0.1:
        time.sleep(rng.uniform(0, 0.05))
    else:
        response = run.read_until_prompt()
        if response is None:
            ended = True
        else:
            in_flight = False
            first = (places(response) or [None])[0]
            for _ in range(exchanges):
                line = choose_with(rng, response, state)
                run.send(line)
                response = run.read_until_prompt()
                if response is None:
                    ended = True
                    break
            if not ended:
                # Kill while waiting for input, or while the next line is being handled.
                if rng.random() < 0.7:
                    run.send(choose_with(rng, response, state))
                    in_flight = True
                    time.sleep(rng.choice([0, rng.uniform(0, 0.004), rng.uniform(0, 0.03)]))
    if ended:
        run.proc.wait()
        run.out += run.proc.stdout.read()
        stderr = run.proc.stderr.read().decode("utf-8", "replace")
        in_flight = False
        if run.proc.returncode != 0:
            fail(n, "morsel exited with %s: %s" % (run.proc.returncode, stderr.strip()))
        clean_exits += 1
    else:
        stderr = run.kill()
        kills += 1
        # A line whose whole response came before the kill was not under way.
        if in_flight and run.out.endswith(b"\n> "):
            text = run.out.decode("utf-8", "replace")
            in_flight = text.count("\n> ") + text.startswith("> ") <= exchanges + 1
    text = run.out.decode("utf-8", "replace")
    if "panicked" in stderr:
        fail(n, "morsel panicked: %s" % stderr.strip())

    # Nothing reached the database yet (killed before it was made): nothing can have been shown as recorded.
    if not os.path.exists(db):
        if any(l in VERDICTS for l in output_lines(text)):
            fail(n, "answers shown, but there is no database")
        continue

    # The database is whole.
    try:
        check = query("PRAGMA integrity_check")
    except Exception as e:
        fail(n, "integrity_check could not run: %s" % e)
        continue
    if check != [["ok"]]:
        fail(n, "integrity_check: %s" % check)

    # Every answer shown as recorded is in the database, in order, with its verdict.
    shown = recorded_verdicts(text)
    rows = query("SELECT correct, skipped FROM answers WHERE id > %d ORDER BY id" % before)
    rows = [tuple(r) for r in rows]
    if rows[: len(shown)] != shown:
        fail(n, "answers shown %s, recorded %s" % (shown, rows))
    if len(rows) > len(shown) + (1 if in_flight else 0):
        fail(n, "%d answers recorded, %d shown" % (len(rows), len(shown)))
    answers_checked += len(shown)

    # This start showed first the place the database had saved.
    want = expected.get(course)
    if first is not None and want is not None:
        place, may_restart = want
        if first != place and not (may_restart and first[1] == 1):
            fail(n, "%s started at lesson %d bite %d, but lesson %d bite %d was saved" % ((course,) + first + place))
        resumes_checked += 1

    # The position saved is the last place shown, unless a move was under way.
    saved = saved_place(course)
    seen = last_place(text)
    if seen and not in_flight and saved != seen:
        fail(n, "%s: the output last showed lesson %d bite %d, the database saved %s" % ((course,) + seen + (saved,)))
    # A course finished and left at its last bite starts again at bite 1 of its first lesson not mastered.
    finished = query("SELECT finished_at IS NOT NULL FROM courses WHERE id = '%s'" % course) == [["1"]]
    at_end = saved == (len(lessons[course]), last_bites[course])
    expected[course] = (saved, finished and at_end) if saved else None

print("soak: %d runs, %d kills, %d clean exits, %d answers checked, %d resumes checked, %d failures (seed %d, %s)"
      % (runs, kills, clean_exits, answers_checked, resumes_checked, len(failures), seed, how))
sys.exit(1 if failures else 0)
PY
