#!/usr/bin/env bash
# A long fuzz run in release mode: packs generated from a grammar of the format, their bytes mutated, then loaded,
# checked, rendered, printed and played (tests/fuzz.rs). The seed comes first, so that a run can be replayed.
#
#     scripts/fuzz.sh [CASES] [SEED]      default: 100000 cases, a random seed
#
# A failure is shrunk, then written to target/tmp/fuzz-failures/last/ (the pack and case.txt); copy that folder to
# tests/fixtures/fuzz/NAME/ and `cargo test --test fuzz fixtures_replay` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-100000}
seed=${2:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}
echo "fuzz: seed $seed, $cases cases (replay with: scripts/fuzz.sh $cases $seed)"
start=$(date +%s)
status=0
PROPTEST_CASES=$cases PROPTEST_RNG_SEED=$seed \
    cargo test --release --test fuzz -- --exact generated_packs_keep_the_invariants --nocapture || status=$?
echo "fuzz: seed $seed, wall time $(($(date +%s) - start)) s, exit $status"
exit $status
