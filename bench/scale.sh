#!/usr/bin/env bash
# The community at scale: 100,000 people, about a million consent events, 20,000 documents
# (`examples/make-scale.rs`, seeded). Measured side by side in one run:
#   import of people.csv + consent.csv   vs  the sqlite3 shell's .import of the same files (goal <= 3x, <= 256 MiB)
#                                        and vs  SQLite alone inserting the same rows into the
#                                                register's own schema (keys, indexes, triggers)
#   transfer plan on that register                                                   (goal <= 2 s)
#   audit report on that register         vs  the sqlite3 shell reading the same consent rows
#   document add of the 20,000 documents, and the plan with them
#   start-up: --help, and person list on an empty register                         (goal <= 20 ms)
#
#   bash bench/scale.sh [RUNS] [PEOPLE] [DOCUMENTS]     (defaults 3, 100000, 20000)
#
# BENCH_SMOKE=1: the same steps with the test build (bench/build.sh).
set -euo pipefail
RUNS=${1:-3}
PEOPLE=${2:-100000}
DOCS=${3:-20000}
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/build.sh"
bench_build "$here" --bin handover --example make-scale
F=$here/fixtures
command -v sqlite3 >/dev/null || { echo "error: the sqlite3 shell is the reference (apt-get install sqlite3)" >&2; exit 1; }
work=${SCALE_DIR:-$here/target/bench-scale${BENCH_SMOKE:+-smoke}}
rm -rf "$work" && mkdir -p "$work" && cd "$work"
# Several GB of registers and data: removed on exit unless BENCH_KEEP=1.
trap 'cd "$here"; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
"$out/examples/make-scale" data "$PEOPLE" "$DOCS"
export HANDOVER_ACTOR=bench
base() {
  $H --register "$1" init --community Bench --controller "Brightwater Trust" --quiet
  $H --register "$1" controller add --name "KSCoP Steering Group" --kind unincorporated_association --quiet
  tail -n +2 "$F/texts/index.csv" | while IFS=, read -r kind version purpose format eff ann file controllers; do
    args=("$kind" add --version "$version" --format "$format" --file "$F/$file" --effective-from "$eff")
    if [ "$kind" = statement ]; then args+=(--purpose "$purpose" --controllers "$controllers"); elif [ -n "$ann" ]; then args+=(--announces "$ann"); fi
    $H --register "$1" "${args[@]}" --quiet
  done
}
base base.db
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed() { local t0 t1; t0=$(now); "$@" >/dev/null; t1=$(now); echo "$t1 - $t0" | bc; }
ours=(); ref=(); rss=0
for _ in $(seq "$RUNS"); do
  cp base.db run.db; rm -f run.db-wal run.db-shm
  t0=$(now)
  /usr/bin/time -f "%M" -o rss1 $H --register run.db person import data/people.csv --quiet
  /usr/bin/time -f "%M" -o rss2 $H --register run.db consent import data/consent.csv --quiet
  t1=$(now)
  ours+=("$(echo "$t1 - $t0" | bc)")
  rss=$(cat rss1 rss2 | sort -n | tail -1)
  rm -f ref.db
  ref+=("$(timed sqlite3 ref.db ".mode csv" ".import data/people.csv people" ".import data/consent.csv consent")")
done
o=$(printf '%s\n' "${ours[@]}" | median); r=$(printf '%s\n' "${ref[@]}" | median)
# What SQLite itself needs to store these rows with the register's integrity (primary keys, the
# natural keys that make imports idempotent, the person index, append-only triggers): the rows
# handover stored, copied row by row (WHERE defeats SQLite's bulk-copy shortcut) into a fresh
# register with the same page cache an import uses.
floors=()
for _ in $(seq "$RUNS"); do
  cp base.db floor.db; rm -f floor.db-wal floor.db-shm
  floors+=("$(timed sqlite3 floor.db "PRAGMA cache_size=-262144" "ATTACH 'run.db' AS src" "BEGIN" \
    "INSERT INTO main.people SELECT * FROM src.people WHERE rowid > 0" \
    "INSERT INTO main.consent_events SELECT * FROM src.consent_events WHERE rowid > 0" "COMMIT")")
done
fl=$(printf '%s\n' "${floors[@]}" | median)
events=$(( $(wc -l < data/consent.csv) - 1 ))
plans=()
for _ in $(seq "$RUNS"); do plans+=("$(timed $H --register run.db transfer plan --to kscop-steering-group --json)"); done
plan=$(printf '%s\n' "${plans[@]}" | median)
/usr/bin/time -f "%M" -o rss3 $H --register run.db transfer plan --to kscop-steering-group --json >/dev/null
# The data protection lead's report on the same register, against the sqlite3 shell reading the
# same rows (every consent event's person, purpose, action, controllers and time) once.
reports=(); reads=()
for _ in $(seq "$RUNS"); do
  reports+=("$(timed $H --register run.db audit report --json)")
  reads+=("$(timed sqlite3 run.db "SELECT count(*), sum(length(person_id) + length(purpose) + length(action) + length(controllers) + length(at)) FROM consent_events")")
done
report=$(printf '%s\n' "${reports[@]}" | median); read_all=$(printf '%s\n' "${reads[@]}" | median)
/usr/bin/time -f "%M" -o rss4 $H --register run.db audit report --json >/dev/null
cp run.db docs.db
ls data/docs | sed 's|^|data/docs/|' > doclist
t0=$(now); xargs -a doclist -n 5000 $H --register docs.db document add --classification none --category other --quiet >/dev/null; t1=$(now)
adddocs=$(echo "$t1 - $t0" | bc)
plan_docs=$(timed $H --register docs.db transfer plan --to kscop-steering-group --json)
$H --register empty.db init --community E --controller E --quiet
starts=(); lists=()
for _ in $(seq 21); do starts+=("$(timed $H --help)"); lists+=("$(timed $H --register empty.db person list)"); done
start=$(printf '%s\n' "${starts[@]}" | median); list=$(printf '%s\n' "${lists[@]}" | median)
doc_mb=$(du -sb data/docs | awk '{printf "%.1f", $1/1e6}')
echo "scale: $PEOPLE people, $events consent events, $DOCS documents ($doc_mb MB); medians of $RUNS runs (start-up: 21)"
printf 'import people + consent:  %8.3f s (peak RSS %d MiB, goal <= 256)   sqlite3 .import: %.3f s   ratio %.2fx (goal <= 3x)\n' "$o" $((rss / 1024)) "$r" "$(echo "$o / $r" | bc -l)"
printf '                          SQLite alone, same rows into the register schema: %.3f s   ratio %.2fx\n' "$fl" "$(echo "$o / $fl" | bc -l)"
printf 'transfer plan:            %8.3f s (peak RSS %d MiB)   (goal <= 2 s)\n' "$plan" $(($(cat rss3) / 1024))
printf 'audit report:             %8.3f s (peak RSS %d MiB)   sqlite3 reading the same rows: %.3f s   ratio %.2fx\n' "$report" $(($(cat rss4) / 1024)) "$read_all" "$(echo "$report / $read_all" | bc -l)"
printf 'document add (%d docs):   %8.3f s;  transfer plan with them: %.3f s\n' "$DOCS" "$adddocs" "$plan_docs"
printf 'start-up: --help %.1f ms, person list (empty register) %.1f ms   (goal <= 20 ms)\n' "$(echo "$start * 1000" | bc -l)" "$(echo "$list * 1000" | bc -l)"
