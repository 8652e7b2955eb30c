#!/usr/bin/env bash
# morsel against a real LRS at team scale: N learners x D days of daily use, each learner with their own database,
# synced to Ralph on 127.0.0.1 by several `morsel sync` processes at once, then read back by `morsel team --lrs`.
#
#   scripts/bench-lrs.sh [LEARNERS] [DAYS] [JOBS]     (default 10 x 30, 4 syncs at once)
#
# The learners are made by the binary itself, not by writing records: each day a `play --plain` of the bundled
# course git-in-bites (its clock set by MORSEL_NOW_MS to a random hour of that day; one day in five a time box,
# `--minutes 5|10|15`; its input chosen prompt by prompt by scripts/lib/plain_driver.py: answers right and wrong,
# skips, hints, pauses) and, two hours later, a `review --plain` of what is due (answers and ratings the same way);
# a day in seven missed. So the statements are the ones morsel makes: sittings, bites, answers, misses, graded reviews, lessons,
# key results. The generation is not timed.
#
# Prints: statements sent, the sync's wall time and statements per second, morsel's own CPU (user + system of every
# sync process) as a share of the sync's wall time, `team`'s time and statements per second read back, the
# statements a learner makes a day, and the bytes of statements per learner per year (as compact JSON from
# `export xapi`, and as Ralph's filesystem backend stores them, with its own fields added).
#
# MORSEL is the binary (default target/release/morsel, built if missing); RALPH_DIR (default target/bench-lrs/ralph)
# and RALPH_PORT (default 8190) are this script's own Ralph, started and stopped here (scripts/ralph.sh; its virtual
# environment is taken from RALPH_VENV, default target/ralph/venv, when that exists).
set -euo pipefail
cd "$(dirname "$0")/.."
LEARNERS=${1:-10}
DAYS=${2:-30}
JOBS=${3:-4}
ROOT=$PWD
if [ -z "${MORSEL:-}" ]; then
    MORSEL=$ROOT/target/release/morsel
    [ -x "$MORSEL" ] || cargo build --release --quiet
fi
export RALPH_DIR=${RALPH_DIR:-$ROOT/target/bench-lrs/ralph}
export RALPH_PORT=${RALPH_PORT:-8190}
RALPH_VENV=${RALPH_VENV:-$ROOT/target/ralph/venv}
WORK=$(mktemp -d)
mkdir -p "$RALPH_DIR"
rm -rf "$RALPH_DIR/statements" "$RALPH_DIR/app"
if [ ! -e "$RALPH_DIR/venv" ] && [ -x "$RALPH_VENV/bin/ralph" ]; then
    ln -s "$RALPH_VENV" "$RALPH_DIR/venv"
fi
cleanup() {
    scripts/ralph.sh stop || true
    rm -rf "$WORK"
}
trap cleanup EXIT
PACK=$ROOT/courses/git-in-bites
export MORSEL PACK DAYS WORK

# One learner: D days of play and review, in their own database.
learner() {
    local n=$1 dir=$WORK/l$1
    mkdir -p "$dir"
    printf 'mbox = "l%s@example.org"\nname = "Learner %s"\n' "$n" "$n" >"$dir/config.toml"
    python3 - "$n" "$DAYS" "$dir" <<'PY'
import os, random, sys
sys.path.insert(0, "scripts/lib")
from plain_driver import Run, choose
n, days, dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(n)
T0, DAY, HOUR = 1_790_000_000_000, 86_400_000, 3_600_000
env = dict(os.environ, MORSEL_DB=f"{dir}/progress.db", MORSEL_CONFIG=f"{dir}/config.toml", MORSEL_UTC_OFFSET="0")
env.pop("MORSEL_COURSES", None)
def run(args, steps, at):
    """One sitting: up to `steps` lines, each chosen from what the last prompt showed (plain_driver.choose)."""
    env["MORSEL_NOW_MS"] = str(at)
    r, state = Run([os.environ["MORSEL"], *args], env), {"question": None}
    for _ in range(steps):
        shown = r.read_until_prompt()
        if shown is None:
            break
        line = choose(rng, shown, state)
        r.send("next" if line == "bogus" else line)
    r.send("quit")
    r.finish()
for d in range(days):
    if rng.random() < 1 / 7:  # a day missed
        continue
    at = T0 + d * DAY + rng.randrange(7, 20) * HOUR + rng.randrange(HOUR)
    if rng.random() < 0.2:  # a time box instead of a plain play
        run(["play", "--plain", "--minutes", str(rng.choice([5, 10, 15])), os.environ["PACK"]], 30, at)
    else:
        run(["play", "--plain", os.environ["PACK"]], rng.randrange(10, 30), at)
    run(["review", "--plain"], 30, at + 2 * HOUR)
PY
}
export -f learner
start=$(date +%s)
seq 1 "$LEARNERS" | xargs -P 2 -I{} bash -c 'learner {}'
echo "generated $LEARNERS learners x $DAYS days in $(($(date +%s) - start)) s (not part of the figures)"

eval "$(scripts/ralph.sh start)"
export MORSEL_LRS_USER=$MORSEL_RALPH_USER MORSEL_LRS_PASSWORD=$MORSEL_RALPH_PASSWORD URL=$MORSEL_RALPH_URL
# Statements and their bytes as morsel exports them, per learner (at the end of the last day + 2 days: settled).
NOW=$((1790000000000 + (DAYS + 2) * 86400000))
export NOW
bytes=0
for dir in "$WORK"/l*; do
    b=$(MORSEL_NOW_MS=$NOW MORSEL_DB=$dir/progress.db MORSEL_CONFIG=$dir/config.toml "$MORSEL" export xapi |
        python3 -c 'import json, sys; print(sum(len(json.dumps(s, separators=(",", ":"))) for s in json.load(sys.stdin)))')
    bytes=$((bytes + b))
done

# The sync: JOBS processes at once, each timed (user + system) by /usr/bin/time.
sync_one() {
    local dir=$1
    /usr/bin/time -f '%U %S' -o "$dir/sync.time" env MORSEL_NOW_MS="$NOW" MORSEL_DB="$dir/progress.db" \
        MORSEL_CONFIG="$dir/config.toml" "$MORSEL" sync --lrs "$URL" >"$dir/sync.out" 2>&1 || {
        echo "sync of $dir failed:" >&2
        cat "$dir/sync.out" >&2
    }
}
export -f sync_one
t0=$(date +%s.%N)
ls -d "$WORK"/l* | xargs -P "$JOBS" -I{} bash -c 'sync_one {}'
t1=$(date +%s.%N)
cpu=$(cat "$WORK"/l*/sync.time | awk '{s += $1 + $2} END {printf "%.2f", s}')
stored=$(cat "$RALPH_DIR"/statements/* 2>/dev/null | wc -l)
lrs_bytes=$(cat "$RALPH_DIR"/statements/* 2>/dev/null | wc -c)

t2=$(date +%s.%N)
MORSEL_NOW_MS=$NOW /usr/bin/time -f '%U %S' -o "$WORK/team.time" "$MORSEL" team git-in-bites --courses "$ROOT/courses" --lrs "$URL" --format json \
    --config "$WORK/l1/config.toml" >"$WORK/team.json"
t3=$(date +%s.%N)

python3 - "$LEARNERS" "$DAYS" "$JOBS" "$stored" "$bytes" "$lrs_bytes" "$t0" "$t1" "$t2" "$t3" "$cpu" "$WORK/team.json" "$(awk '{print $1 + $2}' "$WORK/team.time")" <<'PY'
import json, sys
n, days, jobs, stored, nbytes, lrs_bytes = map(int, sys.argv[1:7])
t0, t1, t2, t3, cpu = map(float, sys.argv[7:12])
team = json.load(open(sys.argv[12]))
team_cpu = float(sys.argv[13])
sync, read = t1 - t0, t3 - t2
print(f"learners {n} x {days} days, {jobs} syncs at once")
print(f"statements in the LRS: {stored}")
print(f"sync: {sync:.1f} s wall, {stored / sync:.0f} statements/s; morsel's CPU {cpu:.1f} s = {cpu / sync:.0%} of the wall time")
learners = team.get("learners", {})
print(f"team --lrs: {read:.1f} s, {stored / read:.0f} statements/s read, morsel's CPU {team_cpu:.1f} s; "
      f"learners seen: {learners.get('count', learners)}")
print(f"statements per learner per day: {stored / (n * days):.1f}")
year = 365 / days / n / 1e6
print(f"per learner per year: {nbytes * year:.2f} MB of statements as compact JSON, {lrs_bytes * year:.2f} MB in Ralph's log")
PY
