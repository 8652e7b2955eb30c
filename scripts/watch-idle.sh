#!/usr/bin/env bash
# How much of one core `morsel check --watch` and `morsel preview` take on a large pack while nobody saves: makes a
# synthetic pack (10,000 lessons by default, `examples/synth_pack.rs`), with EXTRA other files beside its lessons if
# asked (in assets/, 1,000 a folder: files no load reads, such as images or a build's output), starts each command
# on it, waits for it to settle (check's first report printed; preview's first frame drawn and its lesson index
# written), then reads the process's CPU time (utime + stime from /proc/PID/stat) at the start and the end of an idle
# window. Target: under 2%.
#
#   scripts/watch-idle.sh                       # 10,000 lessons, 20 s idle each
#   LESSONS=1000 SECONDS_IDLE=10 scripts/watch-idle.sh
#   MORSEL=/tmp/old-morsel scripts/watch-idle.sh   # another build, e.g. before a change (nothing is built)
#   SYNTH_PACK=/tmp/synth_pack ...                 # a synth_pack binary already built (nothing is built)
#   MORSEL_WATCH=poll scripts/watch-idle.sh        # morsel's polling fallback
#   LESSONS=10 EXTRA=60000 scripts/watch-idle.sh   # a small pack in a folder of 60,000 other files
#
# Linux only (/proc). Preview runs in a pseudo-terminal made by `script`. Exits 1 when a figure is over the target.
set -euo pipefail
cd "$(dirname "$0")/.."
lessons=${LESSONS:-10000}
extra=${EXTRA:-0}
idle=${SECONDS_IDLE:-20}
settle=${SECONDS_SETTLE:-5}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
# Nothing of the learner's is read or written: data, config and the lesson index stay in the scratch folder.
export XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache

[ -n "${MORSEL:-}" ] || cargo build --release --quiet --bin morsel
if [ -n "${SYNTH_PACK:-}" ]; then
  "$SYNTH_PACK" "$work/pack" "$lessons"
else
  cargo run --release --quiet --features synth --example synth_pack -- "$work/pack" "$lessons"
fi
for ((i = 0; i < extra; i++)); do
  ((i % 1000)) || mkdir -p "$work/pack/assets/$((i / 1000))"
  : >"$work/pack/assets/$((i / 1000))/file-$i.bin"
done
morsel=${MORSEL:-${CARGO_TARGET_DIR:-target}/release/morsel}
ticks=$(getconf CLK_TCK)

# CPU ticks (user + system) the process has used so far. The name in field 2 has no spaces: it is "morsel".
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Percent of one core used by PID over the idle window, to one decimal.
idle_cpu() {
  local pid=$1 before after
  before=$(cpu_ticks "$pid")
  sleep "$idle"
  after=$(cpu_ticks "$pid")
  awk -v t="$((after - before))" -v hz="$ticks" -v s="$idle" 'BEGIN { printf "%.1f", 100 * t / hz / s }'
}

over=0
report() {
  echo "$1${MORSEL_WATCH:+ (MORSEL_WATCH=$MORSEL_WATCH)}: $2% of one core over ${idle} s idle ($lessons lessons, $extra other files)"
  awk -v p="$2" 'BEGIN { exit !(p >= 2) }' && over=1 || true
}

# check --watch: settled once its first report is out.
"$morsel" check --watch "$work/pack" >"$work/check.out" 2>"$work/check.err" &
pids+=($!)
check=$!
for _ in $(seq 600); do
  grep -q "ok" "$work/check.out" 2>/dev/null && break
  sleep 0.1
done
grep -q "ok" "$work/check.out" || { echo "check --watch printed no report:" >&2; cat "$work/check.err" >&2; exit 1; }
sleep 1
cat "$work/check.err" >&2
report "check --watch" "$(idle_cpu "$check")"

# preview: in a pseudo-terminal of 80x24; settled after a few seconds (first frame, lesson index, highlighting).
# Its stdin is a pipe that stays open and silent, so that `script` neither quits nor types.
mkfifo "$work/keys"
sleep 100000 >"$work/keys" &
pids+=($!)
COLUMNS=80 LINES=24 script -qfc "stty cols 80 rows 24; exec $morsel preview $work/pack" "$work/preview.out" \
  <"$work/keys" >/dev/null 2>&1 &
pids+=($!)
shell=$!
preview=
for _ in $(seq 100); do
  preview=$(pgrep -n -x morsel -P "$(pgrep -d, -P "$shell" || echo "$shell"),$shell" || true)
  [ -n "$preview" ] && break
  sleep 0.1
done
[ -n "$preview" ] || { echo "preview did not start" >&2; exit 1; }
pids+=("$preview")
sleep "$settle"
report "preview" "$(idle_cpu "$preview")"
exit "$over"
