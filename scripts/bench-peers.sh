#!/usr/bin/env bash
# morsel print against its peers, as CPU time (user + system) of paired, interleaved runs on the same inputs.
#
#   scripts/bench-peers.sh              # scratch folder target/peers (peers installed once, then reused)
#   scripts/bench-peers.sh /tmp/peers   # another scratch folder
#   ROUNDS=30 SIZES="medium large" scripts/bench-peers.sh
#   MORSEL=/path/to/other/morsel scripts/bench-peers.sh   # time another build of morsel (e.g. main's) instead
#
# Peers, installed into the scratch folder without touching the system:
#   mdcat    cargo install --locked --root SCRATCH/mdcat mdcat@$MDCAT_VERSION (from crates.io)
#   lowdown  apt-get download lowdown liblowdown1, unpacked with dpkg -x (run with LD_LIBRARY_PATH); only when that
#            fails, `apt-get install -y lowdown` into the system, and the table says so
# A peer that cannot be installed is reported as missing in the table.
#
# Inputs: examples/peer_inputs.rs writes Markdown of about 0.4 KB, 100 KB and 1 MB (headings, lists, tables, code in
# eight languages, every block different) from a fixed seed, each as a one-lesson pack; the peers read its lesson file.
# Every tool renders at the same width ($COLUMNS_WIDE, default 100). Each round runs every command once through
# hyperfine (-N, one run each, so that its user and system times are that run's), rounds one after another, so
# that load on the machine falls on morsel and its peers alike; the table shows medians over ROUNDS rounds.
# Without hyperfine, /usr/bin/time does the same (10 ms resolution).
#
# Targets: colour print <= 0.7x mdcat's CPU; plain print <= 1.0x lowdown's. Exits 1 when one is missed or a peer is
# missing. Not part of .ci/run: it installs things and takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(realpath -m "${1:-target/peers}")
rounds=${ROUNDS:-20}
sizes=${SIZES:-"small medium large"}
width=${COLUMNS_WIDE:-100}
mdcat_version=${MDCAT_VERSION:-2.19.0}
mkdir -p "$scratch"
notes=()

# ---- morsel and the floor ----
cargo build --release --quiet --bin morsel --example peer_inputs --example md_floor
release=${CARGO_TARGET_DIR:-target}/release
morsel=$(realpath "${MORSEL:-$release/morsel}")
floor=$(realpath "$release/examples/md_floor")
"$release/examples/peer_inputs" "$scratch/inputs" >/dev/null

# ---- mdcat ----
mdcat="$scratch/mdcat/bin/mdcat"
if [ ! -x "$mdcat" ]; then
  echo "installing mdcat $mdcat_version into $scratch/mdcat (a few minutes)" >&2
  CARGO_TARGET_DIR="$scratch/mdcat-build" cargo install --quiet --locked --root "$scratch/mdcat" \
    "mdcat@$mdcat_version" >&2 || echo "mdcat: cargo install failed" >&2
fi
[ -x "$mdcat" ] || { mdcat=; notes+=("mdcat: could not be installed"); }

# ---- lowdown ----
lowdown_dir="$scratch/lowdown"
lowdown="$lowdown_dir/usr/bin/lowdown"
lowdown_env=("LD_LIBRARY_PATH=$lowdown_dir/usr/lib/x86_64-linux-gnu")
if [ ! -x "$lowdown" ]; then
  debs=$(mktemp -d)
  if (cd "$debs" && apt-get download lowdown liblowdown1 >/dev/null 2>&1); then
    for deb in "$debs"/*.deb; do dpkg -x "$deb" "$lowdown_dir"; done
  fi
  rm -rf "$debs"
fi
if [ ! -x "$lowdown" ]; then
  if command -v lowdown >/dev/null || apt-get install -y lowdown >/dev/null 2>&1; then
    lowdown=$(command -v lowdown)
    lowdown_env=()
    notes+=("lowdown: apt-get download failed; the system's lowdown ($lowdown) was used")
  else
    lowdown=
    notes+=("lowdown: could not be installed")
  fi
fi

# ---- timing ----
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
timer=hyperfine
command -v hyperfine >/dev/null || { timer=time; notes+=("hyperfine missing: /usr/bin/time (10 ms resolution)"); }

# cpu_runs NAME COMMAND: appends one run's user+system ms of COMMAND to $work/NAME.
run_all() { # NAME=COMMAND... : one run of each, in the order given
  local names=() commands=() pair
  for pair in "$@"; do names+=("${pair%%=*}"); commands+=("${pair#*=}"); done
  if [ $timer = hyperfine ]; then
    hyperfine -N --runs 1 --style none --export-json "$work/round.json" "${commands[@]}" >/dev/null 2>&1
    awk -F': ' '/"user"/ {u=$2+0} /"system"/ {printf "%.3f\n", (u + $2) * 1000}' "$work/round.json" \
      | paste - <(printf '%s\n' "${names[@]}") \
      | while read -r ms name; do echo "$ms" >>"$work/$name"; done
  else
    local i
    for i in "${!commands[@]}"; do
      # shellcheck disable=SC2086 # the command is split into words, as hyperfine -N does
      /usr/bin/time -f '%U %S' -o "$work/t" ${commands[$i]} >/dev/null 2>&1
      awk '{printf "%.3f\n", ($1 + $2) * 1000}' "$work/t" >>"$work/${names[$i]}"
    done
  fi
}

median() { sort -n "$work/$1" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

status=0
rows=()
for size in $sizes; do
  pack="$scratch/inputs/$size"
  file="$pack/lessons/doc.md"
  bytes=$(wc -c <"$file")
  commands=(
    "morsel_colour=$morsel print $pack --color always --width $width"
    "morsel_plain=$morsel print $pack --color never --width $width"
    "floor=$floor $file"
  )
  [ -n "$mdcat" ] && commands+=(
    "mdcat_colour=$mdcat --ansi --local --columns $width $file"
    "mdcat_plain=$mdcat --no-colour --local --columns $width $file"
  )
  [ -n "$lowdown" ] && commands+=(
    "lowdown_plain=env ${lowdown_env[*]} $lowdown -tterm --term-no-ansi --term-columns=$width --term-width=$width $file"
  )
  rm -f "$work"/*_* "$work/floor"
  run_all "${commands[@]}" # warm-up round, not counted
  rm -f "$work"/*_* "$work/floor"
  for _ in $(seq "$rounds"); do run_all "${commands[@]}"; done

  row() { # COMPARISON MORSEL PEER TARGET
    local m p ratio met target=$4
    m=$(median "$2")
    if [ ! -s "$work/$3" ]; then
      rows+=("$(printf '%-7s %8s  %-26s %10.1f %10s %7s %7s  %s' "$size" "$bytes" "$1" "$m" missing - "$target" \
        "$([ "$target" = - ] && echo - || echo "not met")")")
      [ "$target" = - ] || status=1
      return
    fi
    p=$(median "$3")
    ratio=$(awk -v m="$m" -v p="$p" 'BEGIN {printf "%.2f", m / p}')
    met=-
    if [ "$target" != - ]; then
      if awk -v r="$ratio" -v t="${target%x}" 'BEGIN {exit !(r <= t)}'; then met=met; else met="not met"; status=1; fi
    fi
    rows+=("$(printf '%-7s %8s  %-26s %10.1f %10.1f %6sx %7s  %s' "$size" "$bytes" "$1" "$m" "$p" "$ratio" "$target" "$met")")
  }
  row "colour vs mdcat" morsel_colour mdcat_colour 0.7x
  row "plain vs lowdown" morsel_plain lowdown_plain 1.0x
  row "plain vs mdcat --no-colour" morsel_plain mdcat_plain -
  row "plain vs md_floor" morsel_plain floor -
done

echo "morsel print vs peers: CPU ms (user+system), medians of $rounds paired rounds, width $width"
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-7s %8s  %-26s %10s %10s %7s %7s  %s\n' input bytes comparison "morsel ms" "peer ms" ratio target met
printf '%s\n' "${rows[@]}"
for note in "${notes[@]}"; do echo "note: $note"; done
exit $status
