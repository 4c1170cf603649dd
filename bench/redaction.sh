#!/usr/bin/env bash
# Redaction throughput: generates a text corpus (default 50 MB) that mentions the fixture
# community's people, their emails and phones and UK identifiers, then times
# `handover redact preview DOC --out FILE` (release build) on it, against GNU `sed -E` replacing
# one email pattern over the same file in the same run (a one-pattern redaction by a standard
# tool; handover runs eight detectors and every register name). Prints MB/s for both and the ratio.
# Usage: bench/redaction.sh [MEGABYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-50}
cargo build --release --quiet
H=$PWD/target/release/handover
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$H" demo --out "$work/demo" >/dev/null
export HANDOVER_REGISTER=$work/demo/handover.db
python3 - "$work/corpus.txt" "$mb" fixtures/people.csv <<'PY'
import csv, random, sys
out, mb, people = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = list(csv.DictReader(open(people, encoding="utf-8")))
random.seed(7)
words = "the steering group met at the hub and agreed the report on market field work with the charity and partners".split()
with open(out, "w", encoding="utf-8") as f:
    size = 0
    while size < mb * 1_000_000:
        p = random.choice(rows)
        parts = [random.choice(words) for _ in range(40)]
        parts.insert(random.randrange(40), p["name"])
        if p["email"]:
            parts.insert(random.randrange(40), p["email"])
        if random.random() < 0.1:
            parts.insert(random.randrange(40), "01632 960" + str(random.randrange(100, 999)))
        if random.random() < 0.05:
            parts.insert(random.randrange(40), "CT1 2AB")
        line = " ".join(parts) + ".\n"
        f.write(line)
        size += len(line.encode())
PY
bytes=$(stat -c %s "$work/corpus.txt")
id=$("$H" document add "$work/corpus.txt" --classification personal --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')
now() { date +%s.%N; }
t0=$(now); ${PERF:-} "$H" redact preview "$id" --out "$work/redacted.txt" >/dev/null; t1=$(now)
t2=$(now); sed -E 's/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/[email withheld]/g' "$work/corpus.txt" > "$work/sed.txt"; t3=$(now)
ours=$(echo "$t1 - $t0" | bc -l); ref=$(echo "$t3 - $t2" | bc -l)
printf 'corpus: %.1f MB, %s people in the register\n' "$(echo "$bytes / 1000000" | bc -l)" "$("$H" person list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')"
printf 'handover redact preview --out: %.2f s, %.1f MB/s (includes making the plan)\n' "$ours" "$(echo "$bytes / 1000000 / $ours" | bc -l)"
printf 'sed -E (one email pattern):      %.2f s, %.1f MB/s\n' "$ref" "$(echo "$bytes / 1000000 / $ref" | bc -l)"
printf 'ratio: %.1fx\n' "$(echo "$ours / $ref" | bc -l)"
