#!/usr/bin/env bash
# Times `morsel check` on synthetic packs of 1,000 / 10,000 / 50,000 lessons (5 bites, 1 question, ~300 words each)
# and reports the cost per lesson, to show it is linear. Target: the 10,000-lesson pack in under 1 s.
#
#   scripts/bench-check.sh            # all three sizes
#   SIZES="10000" scripts/bench-check.sh
#
# Uses hyperfine when installed (apt-get install hyperfine), else the median of 5 runs timed by bash.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${SIZES:-"1000 10000 50000"}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin morsel --example synth_pack
bin=target/release/morsel

median_ms() { # command... -> median wall time of 5 runs, in ms
  local times=()
  for _ in 1 2 3 4 5; do
    local start end
    start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}

status=0
printf '%8s  %10s  %14s\n' lessons "time (ms)" "µs per lesson"
for n in $sizes; do
  target/release/examples/synth_pack "$work/pack-$n" "$n"
  "$bin" check "$work/pack-$n" >/dev/null # warm the page cache, and fail loudly if the pack is not clean
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 1 --runs 5 --export-json "$work/h.json" "$bin check $work/pack-$n" >/dev/null
    ms=$(python3 -c "import json,statistics;print(round(statistics.median(json.load(open('$work/h.json'))['results'][0]['times'])*1000))")
  else
    ms=$(median_ms "$bin" check "$work/pack-$n")
  fi
  printf '%8d  %10d  %14.1f\n' "$n" "$ms" "$(echo "$ms * 1000 / $n" | bc -l)"
  if [ "$n" = 10000 ] && [ "$ms" -ge 1000 ]; then
    echo "over target: 10,000 lessons took $ms ms (target < 1000 ms)"; status=1
  fi
  rm -rf "$work/pack-$n"
done
exit $status
