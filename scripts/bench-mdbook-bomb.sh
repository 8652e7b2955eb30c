#!/usr/bin/env bash
# Measures `morsel import mdbook` on include bombs (issue 17, item 1): the 113-byte chapter that includes a file
# four times, which includes itself four times (4^10 copies if nothing stopped it: 2.8 GB and an abort before the
# limits), the same with three includes, and a chapter of 300 such includes. For each: wall time, max RSS (from
# /usr/bin/time -v), the size of the pack written, and how many includes were left out.
# Target: each import ends in under 10 s with a max RSS under 100 MB.
#
#   scripts/bench-mdbook-bomb.sh                         # a release build
#   MORSEL=target/debug/morsel scripts/bench-mdbook-bomb.sh   # another build, e.g. a debug one or one before a change
#
# Needs the Rust toolchain, bash, awk and GNU time (/usr/bin/time). Exits 1 when a target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "${MORSEL:-}" ]; then
  cargo build --release --quiet --bin morsel
  MORSEL=${CARGO_TARGET_DIR:-target}/release/morsel
fi
max_rss_kb=$((100 * 1024))
max_seconds=10

# book NAME INCLUDES_PER_FILE CHAPTER_INCLUDES: a book whose chapter includes a.md CHAPTER_INCLUDES times, and a.md
# a line of text and itself INCLUDES_PER_FILE times.
book() {
  local dir="$work/$1" per=$2 top=$3 i
  mkdir -p "$dir/src"
  printf '[book]\ntitle = "Bomb"\n' >"$dir/book.toml"
  printf '# Summary\n\n- [Bomb](bomb.md)\n' >"$dir/src/SUMMARY.md"
  { printf '# Bomb\n\nA chapter that grows.\n\n'; for ((i = 0; i < top; i++)); do printf '{{#include a.md}}\n'; done; printf '\nThe end.\n'; } >"$dir/src/bomb.md"
  { printf 'Some words to grow on, again and again.\n'; for ((i = 0; i < per; i++)); do printf '{{#include a.md}}\n'; done; } >"$dir/src/a.md"
}

failed=0
printf '%-28s %9s %12s %10s %9s\n' book seconds "max RSS MB" "pack KB" "left out"
for spec in "three 3 3" "four 4 4" "four-x300 4 300"; do
  read -r name per top <<<"$spec"
  book "$name" "$per" "$top"
  /usr/bin/time -v "$MORSEL" import mdbook "$work/$name" -o "$work/$name-pack" >"$work/out" 2>"$work/time" ||
    { cat "$work/out" "$work/time" >&2; exit 1; }
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$work/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
  pack=$(du -sk "$work/$name-pack" | cut -f1)
  left=$(grep -c 'is left out' "$work/out" || true)
  printf '%-28s %9s %12.1f %10s %9s\n' "$name (bomb.md $(wc -c <"$work/$name/src/bomb.md") B)" "$secs" "$(awk -v r="$rss" 'BEGIN {print r / 1024}')" "$pack" "$left"
  if [ "$rss" -gt "$max_rss_kb" ] || awk -v s="$secs" -v m="$max_seconds" 'BEGIN {exit !(s > m)}'; then failed=1; fi
done
[ "$failed" = 0 ] || { echo "a target was missed: under ${max_seconds} s and $((max_rss_kb / 1024)) MB each" >&2; exit 1; }
