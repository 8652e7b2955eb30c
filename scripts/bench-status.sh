#!/usr/bin/env bash
# Times `morsel status` on a database of a year of daily use, built with SQL: 365 days of active time (three
# 5-minute spans a day, in 4 courses), 3,000 review items (a few hundred due), 30,000 reviews in the log and
# 15,000 answers. Target: under 20 ms (the whole process, as a shell prompt runs it).
#
#   scripts/bench-status.sh
#
# Needs the sqlite3 command-line shell; uses hyperfine when installed, else the median of 21 runs timed by bash.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin morsel
bin=${CARGO_TARGET_DIR:-target}/release/morsel
db=$work/progress.db
now=$(( $(date +%s) * 1000 ))
day=86400000

# The schema as morsel makes it: every migration in order, then its version.
migrations=(src/store/migrations/*.sql)
{
  echo "PRAGMA journal_mode = WAL;"
  cat "${migrations[@]}"
  echo "PRAGMA user_version = ${#migrations[@]};"
} | sqlite3 "$db" >/dev/null

sqlite3 "$db" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 3),
     c AS (SELECT 'course-' || i AS id FROM n)
INSERT INTO courses (id, title, pack_path, first_played_at, last_played_at)
  SELECT id, id, '/nowhere/' || id, $now - 365 * $day, $now FROM c;
-- Three 5-minute spans a day for a year, each day in one of the 4 courses.
WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < 364),
     s(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM s WHERE j < 2)
INSERT INTO active_spans (course_id, started_at, lesson_id, ended_at)
  SELECT 'course-' || (i % 4), $now - i * $day - 3600000 * (j + 1), 'lesson-' || (i / 7),
         $now - i * $day - 3600000 * (j + 1) + 300000
  FROM d, s;
-- 3,000 review items, due from 30 days ago to 300 days ahead.
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999)
INSERT INTO review_items (course_id, item_id, kind, lesson_id, stability, difficulty, due_at, last_review_at, reps,
                          lapses, content_hash)
  SELECT 'course-' || (i % 4), 'item-' || i, CASE WHEN i % 3 = 0 THEN 'card' ELSE 'question' END,
         'lesson-' || (i / 20), 1.0 + i % 50, 5.0, $now + (i % 330 - 30) * $day, $now - (i % 365) * $day, 1 + i % 9,
         i % 3, 'hash-' || i
  FROM n;
-- 30,000 reviews and 15,000 answers over the year.
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 29999)
INSERT INTO review_log (course_id, item_id, kind, lesson_id, rating, reviewed_at, utc_offset_min, duration_ms,
                        review_kind, content_hash, state_before)
  SELECT 'course-' || (i % 4), 'item-' || (i % 3000), 'question', 'lesson-' || (i % 150), 1 + i % 4,
         $now - (i % 365) * $day - i, 60, 8000, 'scheduled', 'hash-' || (i % 3000), 2
  FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 14999)
INSERT INTO answers (course_id, lesson_id, question_id, kind, response, correct, skipped, round, attempt, hint_used,
                     shown_at, answered_at, duration_ms)
  SELECT 'course-' || (i % 4), 'lesson-' || (i % 150), 'q-' || (i % 2000), 'choice', '["a"]', i % 4 != 0, 0, 1, 1, 0,
         $now - (i % 365) * $day - 9000, $now - (i % 365) * $day, 9000
  FROM n;
COMMIT;
SQL

printf 'database: %s KiB; ' "$(( $(stat -c %s "$db") / 1024 ))"
cmd=("$bin" --db "$db" --config "$work/none.toml" status)
env MORSEL_UTC_OFFSET=60 "${cmd[@]}"

if command -v hyperfine >/dev/null; then
  MORSEL_UTC_OFFSET=60 hyperfine -N --warmup 5 --runs 50 --export-json "$work/h.json" "${cmd[*]}" >/dev/null
  ms=$(python3 -c "import json,statistics;print(round(statistics.median(json.load(open('$work/h.json'))['results'][0]['times'])*1000, 1))")
  # The zone read from the system (no override): the same, plus SQLite's localtime.
  hyperfine -N --warmup 5 --runs 50 --export-json "$work/z.json" "${cmd[*]}" >/dev/null
  zone_ms=$(python3 -c "import json,statistics;print(round(statistics.median(json.load(open('$work/z.json'))['results'][0]['times'])*1000, 1))")
else
  median_ms() {
    local times=()
    for _ in $(seq 21); do
      local start end
      start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N)
      times+=($(( (end - start) / 1000000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 11p
  }
  ms=$(MORSEL_UTC_OFFSET=60 median_ms "${cmd[@]}")
  zone_ms=$(median_ms "${cmd[@]}")
fi
echo "morsel status: median $ms ms with MORSEL_UTC_OFFSET, $zone_ms ms from the time zone (target < 20 ms)"
python3 -c "import sys; sys.exit(0 if max($ms, $zone_ms) < 20 else 1)" || { echo "over target"; exit 1; }
