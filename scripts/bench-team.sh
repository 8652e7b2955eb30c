#!/usr/bin/env bash
# How long `morsel team` takes over a team's statements: N learners x D days of daily use, generated in the shape
# morsel's export writes (docs/xapi-profile.md): each day a sitting (initialized, terminated with its minutes), two
# bites experienced, three questions answered, eight spaced reviews (five cards, three questions), a key result
# progressed; a lesson completed and passed or failed every fifth day. Prints statements, seconds and statements
# per second.
#
#   scripts/bench-team.sh [LEARNERS] [DAYS]     (default 1000 x 30; builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
LEARNERS=${1:-1000}
DAYS=${2:-30}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet
python3 - "$LEARNERS" "$DAYS" > "$WORK/team.ndjson" <<'PY'
import json, random, sys
learners, days = int(sys.argv[1]), int(sys.argv[2])
random.seed(7)
C = "urn:morsel:bench"
T0 = 1_790_000_000_000
DAY = 86_400_000
P = "urn:morsel:xapi:extension:"
ADL = "http://adlnet.gov/expapi/verbs/"
def ts(ms):
    import datetime
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
def st(who, verb, obj, ms, parent=None, result=None, definition=None):
    o = {"objectType": "Activity", "id": obj}
    if definition: o["definition"] = definition
    ctx = {"contextActivities": {"grouping": [{"id": C, "objectType": "Activity"}]}, "platform": "morsel", "language": "en"}
    if parent: ctx["contextActivities"]["parent"] = [{"id": parent, "objectType": "Activity"}]
    s = {"actor": {"mbox": f"mailto:{who}@example.org", "objectType": "Agent"}, "verb": {"id": verb},
         "object": o, "context": ctx, "timestamp": ts(ms), "version": "1.0.3", "id": f"{who}-{ms}-{random.random()}"}
    if result: s["result"] = result
    return s
Q = {"interactionType": "choice", "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
     "name": {"en": "Which?"}, "choices": [{"id": f"choice-{i}", "description": {"en": f"c{i}"}} for i in range(1, 5)],
     "correctResponsesPattern": ["choice-1"]}
out = sys.stdout
for l in range(learners):
    who = f"l{l}"
    skill = random.random()
    for d in range(days):
        at = T0 + d * DAY + random.randrange(8, 20) * 3_600_000
        lesson = f"{C}/lesson/l{d // 5}"
        rows = [st(who, ADL + "initialized", C, at)]
        for b in range(2):
            rows.append(st(who, ADL + "experienced", f"{lesson}/bite/{b + 1}", at + b, lesson))
        for q in range(3):
            right = random.random() < 0.4 + 0.5 * skill
            pick = "choice-1" if right else f"choice-{random.randrange(2, 5)}"
            rows.append(st(who, ADL + "answered", f"{C}/question/q{d // 5}-{q}", at + 10 + q, lesson,
                {"response": pick, "success": right, "duration": f"PT{random.uniform(2, 30):.2f}S",
                 "extensions": {P + "review-kind": "learn", P + "rating": 3 if right else 1}}, Q))
        for r in range(8):
            recalled = random.random() < 0.7 + 0.25 * skill
            kind, obj = ("reviewed", f"{C}/card/k{r}") if r < 5 else (ADL + "answered", f"{C}/question/q0-{r - 5}")
            verb = "urn:morsel:xapi:verb:reviewed" if kind == "reviewed" else kind
            rows.append(st(who, verb, obj, at + 20 + r, f"{C}/lesson/l0",
                {"success": recalled, "duration": "PT3.00S",
                 "extensions": {P + "review-kind": "scheduled", P + "rating": 3 if recalled else 1}}))
        rows.append(st(who, ADL + "terminated", C, at + 600_000, None,
            {"duration": "PT600.00S", "extensions": {P + "active-minutes": 10.0, P + "sitting-kind": "play"}}))
        rows.append(st(who, ADL + "progressed", f"{C}/key-result/k", at + 600_000, f"{C}/objective/o",
            {"success": False, "extensions": {P + "measure": "mastery", P + "value": min(1.0, d / days), P + "target": 1.0}}))
        if d % 5 == 4:
            passed = random.random() < skill
            rows.append(st(who, ADL + "completed", lesson, at + 30))
            rows.append(st(who, ADL + ("passed" if passed else "failed"), lesson, at + 30, None,
                {"success": passed, "score": {"scaled": 1.0 if passed else 0.5}}))
        for s in rows:
            out.write(json.dumps(s))
            out.write("\n")
PY
STATEMENTS=$(wc -l < "$WORK/team.ndjson")
START=$(date +%s.%N)
MORSEL_NOW_MS=$((1790000000000 + DAYS * 86400000)) MORSEL_COURSES="$WORK/none" \
    target/release/morsel team bench --input "$WORK/team.ndjson" --format json > "$WORK/report.json"
END=$(date +%s.%N)
python3 - "$STATEMENTS" "$START" "$END" "$WORK/report.json" <<'PY'
import json, sys
n, start, end = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
report = json.load(open(sys.argv[4]))
assert report["statements"] == n, (report["statements"], n)
secs = end - start
print(f"team: {report['learners']['count']} learners, {n} statements, {secs:.2f} s, {n / secs:,.0f} statements/s")
PY
