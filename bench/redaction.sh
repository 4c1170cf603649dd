#!/usr/bin/env bash
# Redaction throughput: a text corpus (default 500 MB) dense with the names, emails and phones of
# a community of known people (default 10,000, from examples/make-scale.rs) and UK identifiers,
# none of whom may go to the receiver, so every name is redacted. Times `handover redact preview
# DOC --to other-group --out FILE` (release build) against GNU `sed -E` replacing one email pattern
# over the same file in the same run (a one-pattern redaction by a standard tool; handover runs six
# detectors and every known name). Prints MB/s for both, the ratio and handover's peak RSS.
# Usage: bench/redaction.sh [MEGABYTES] [PEOPLE]
# BENCH_SMOKE=1: the same steps with the test build (bench/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-500}
people=${2:-10000}
. bench/build.sh
bench_build "$PWD" --bin handover --example make-scale
F=$PWD/fixtures
work=${REDACTION_DIR:-$PWD/target/bench-redaction${BENCH_SMOKE:+-smoke}}
rm -rf "$work" && mkdir -p "$work"
# The corpus and its redacted copy: removed on exit unless BENCH_KEEP=1.
trap '[ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
"$out/examples/make-scale" "$work/data" "$people" 0 >/dev/null
export HANDOVER_REGISTER=$work/r.db HANDOVER_ACTOR=bench
$H init --community Bench --controller "Brightwater Trust" --quiet
$H controller add --name "Other Group" --kind other --quiet
$H person import "$work/data/people.csv" --quiet
python3 - "$work/corpus.txt" "$mb" "$work/data/people.csv" <<'PY'
import csv, random, sys
out, mb, people = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = list(csv.DictReader(open(people, encoding="utf-8")))
random.seed(7)
words = "the steering group met at the hub and agreed the report on market field work with the charity and partners".split()
lines = []
for _ in range(20000):
    p = random.choice(rows)
    parts = [random.choice(words) for _ in range(40)]
    parts.insert(random.randrange(40), p["name"])
    if p["email"]:
        parts.insert(random.randrange(40), p["email"])
    if random.random() < 0.1:
        parts.insert(random.randrange(40), "01632 960" + str(random.randrange(100, 999)))
    if random.random() < 0.05:
        parts.insert(random.randrange(40), "CT1 2AB")
    lines.append(" ".join(parts) + ".\n")
block = "".join(lines).encode()
with open(out, "wb") as f:
    size = 0
    while size < mb * 1_000_000:
        f.write(block)
        size += len(block)
PY
bytes=$(stat -c %s "$work/corpus.txt")
id=$($H document add "$work/corpus.txt" --classification personal --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')
now() { date +%s.%N; }
t0=$(now); /usr/bin/time -f "%M" -o "$work/rss" $H redact preview "$id" --to other-group --out "$work/redacted.txt" >/dev/null; t1=$(now)
t2=$(now); sed -E 's/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/[email withheld]/g' "$work/corpus.txt" > "$work/sed.txt"; t3=$(now)
ours=$(echo "$t1 - $t0" | bc -l); ref=$(echo "$t3 - $t2" | bc -l)
printf 'corpus: %.1f MB, %s known people (all withheld from the receiver)\n' "$(echo "$bytes / 1000000" | bc -l)" "$people"
printf 'handover redact preview --out: %.2f s, %.1f MB/s, peak RSS %d MiB (includes building the redactor)\n' "$ours" "$(echo "$bytes / 1000000 / $ours" | bc -l)" $(($(cat "$work/rss") / 1024))
printf 'sed -E (one email pattern):      %.2f s, %.1f MB/s\n' "$ref" "$(echo "$bytes / 1000000 / $ref" | bc -l)"
printf 'ratio: %.2fx sed'"'"'s time\n' "$(echo "$ours / $ref" | bc -l)"
