#!/usr/bin/env bash
# Compares the CPU time of `morsel check` with its floor, a bare pulldown-cmark parse of the same Markdown
# (`examples/md_floor.rs`: morsel's options, every event visited, nothing else), on synthetic packs of 1,000 /
# 10,000 / 50,000 lessons (5 bites, 1 question, ~300 words each). Target: check costs at most 1.5x the floor.
#
#   scripts/bench-check.sh                     # all three sizes
#   SIZES="1000 50000" scripts/bench-check.sh  # some sizes
#   RUNS=21 scripts/bench-check.sh             # more pairs (default 11)
#   MORSEL=/tmp/old-morsel scripts/bench-check.sh   # another build of morsel, e.g. before a change
#
# CPU time is user + system: `pack::load` parses lessons on every core, so wall time alone would flatter it on a
# large machine and punish it on a busy one (wall time is shown too). The two commands run in pairs, interleaved
# and alternating which goes first, so that a change in the machine's load hits both alike; the ratio is the median
# of the pairs' ratios. Timing uses hyperfine when installed (one run of each command per pair, its user and
# system times read from `--export-json`), else bash's own `time` (whose user and system times come from
# getrusage, to the millisecond; /usr/bin/time rounds to 10 ms, too coarse for a 10 ms floor).
#
# Needs only the Rust toolchain and bash (hyperfine optional). Exits 1 when a ratio is over the target.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${SIZES:-"1000 10000 50000"}
runs=${RUNS:-11}
target=1.5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin morsel --example synth_pack --example md_floor
release=${CARGO_TARGET_DIR:-target}/release
morsel=${MORSEL:-$release/morsel}
floor=$release/examples/md_floor
if command -v hyperfine >/dev/null; then timer="hyperfine $(hyperfine --version | cut -d' ' -f2)"; else timer="bash time"; fi

# One run of each of two commands, in the order given: prints "cpu_ms wall_ms" for each, one line each.
pair() {
  if [ "${timer%% *}" = hyperfine ]; then
    hyperfine -N --runs 1 --style none --export-json "$work/pair.json" "$1" "$2" >/dev/null 2>"$work/err" ||
      { cat "$work/err" >&2; return 1; }
    # The JSON holds, per command in order, its "mean" wall time and its "user" and "system" times, in seconds.
    awk -F'[:,]' '/"mean":/ {wall=$2} /"user":/ {user=$2} /"system":/ {printf "%.3f %.3f\n", (user+$2)*1000, wall*1000}' \
      "$work/pair.json"
  else
    local t cmd
    for cmd in "$1" "$2"; do
      t=$( { TIMEFORMAT='%3R %3U %3S'; time $cmd >/dev/null 2>&1; } 2>&1 )
      echo "$t" | awk '{printf "%.3f %.3f\n", ($2+$3)*1000, $1*1000}'
    done
  fi
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

echo "morsel check against a bare pulldown-cmark parse (examples/md_floor): medians of $runs interleaved pairs"
echo "($timer; $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC'))"
printf '%8s  %14s  %13s  %6s  %15s  %14s  %s\n' lessons "morsel CPU ms" "floor CPU ms" ratio "morsel wall ms" \
  "floor wall ms" "target <= ${target}x"
status=0
for n in $sizes; do
  pack=$work/pack-$n
  "$release/examples/synth_pack" "$pack" "$n"
  # Warm the page cache, and fail loudly if the pack does not check clean or the floor cannot read it.
  "$morsel" check "$pack" >/dev/null
  "$floor" "$pack" >/dev/null
  : >"$work/rows"
  for ((i = 0; i < runs; i++)); do
    if ((i % 2 == 0)); then
      pair "$morsel check $pack" "$floor $pack" | paste -sd' ' >>"$work/rows"
    else
      # Floor first this time; the row keeps morsel's figures first.
      pair "$floor $pack" "$morsel check $pack" | paste -sd' ' | awk '{print $3, $4, $1, $2}' >>"$work/rows"
    fi
  done
  # Rows: morsel CPU, morsel wall, floor CPU, floor wall (ms).
  m_cpu=$(awk '{print $1}' "$work/rows" | median)
  m_wall=$(awk '{print $2}' "$work/rows" | median)
  f_cpu=$(awk '{print $3}' "$work/rows" | median)
  f_wall=$(awk '{print $4}' "$work/rows" | median)
  ratio=$(awk '{print ($3 > 0 ? $1 / $3 : 0)}' "$work/rows" | median)
  verdict=$(awk -v r="$ratio" -v t="$target" 'BEGIN {print (r <= t ? "met" : "OVER")}')
  [ "$verdict" = met ] || status=1
  printf '%8d  %14.1f  %13.1f  %5.2fx  %15.0f  %14.0f  %s\n' "$n" "$m_cpu" "$f_cpu" "$ratio" "$m_wall" "$f_wall" \
    "$verdict"
  rm -rf "$pack"
done
exit $status
