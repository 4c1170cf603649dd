#!/usr/bin/env bash
# Times `handover person import fixtures/people.csv` + `handover consent import fixtures/consent.csv`
# (release build, fresh register each run) against the sqlite3 shell's `.import` of the same two
# files into plain tables, measured in the same run. Prints the median of N runs and the ratio.
# Usage: bench/import-fixtures.sh [RUNS]   (needs the sqlite3 shell)
# BENCH_SMOKE=1: the same steps with the test build (bench/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
. bench/build.sh
bench_build "$PWD" --bin handover
F=$PWD/fixtures
command -v sqlite3 >/dev/null || { echo "error: the sqlite3 shell is needed as the reference (apt-get install sqlite3)" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
export HANDOVER_REGISTER=$work/base.db HANDOVER_ACTOR=bench
$H init --community Bench --controller "Brightwater Trust" >/dev/null
$H controller add --name "KSCoP Steering Group" --kind unincorporated_association >/dev/null
tail -n +2 "$F/texts/index.csv" | while IFS=, read -r kind version purpose format eff ann file controllers; do
  args=("$kind" add --version "$version" --format "$format" --file "$F/$file" --effective-from "$eff")
  if [ "$kind" = statement ]; then args+=(--purpose "$purpose" --controllers "$controllers"); elif [ -n "$ann" ]; then args+=(--announces "$ann"); fi
  $H "${args[@]}" >/dev/null
done
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ours=(); ref=()
for _ in $(seq "$runs"); do
  cp base.db run.db; rm -f run.db-wal run.db-shm
  t0=$(now)
  HANDOVER_REGISTER=$work/run.db $H person import "$F/people.csv" >/dev/null
  HANDOVER_REGISTER=$work/run.db $H consent import "$F/consent.csv" >/dev/null
  t1=$(now)
  ours+=("$(echo "$t1 - $t0" | bc)")
  rm -f ref.db
  t0=$(now)
  sqlite3 ref.db ".mode csv" ".import $F/people.csv people" ".import $F/consent.csv consent"
  t1=$(now)
  ref+=("$(echo "$t1 - $t0" | bc)")
done
o=$(printf '%s\n' "${ours[@]}" | median); r=$(printf '%s\n' "${ref[@]}" | median)
rows_p=$(($(wc -l < "$F/people.csv") - 1)); rows_c=$(($(wc -l < "$F/consent.csv") - 1))
echo "import of fixtures/people.csv ($rows_p rows) + fixtures/consent.csv ($rows_c rows), median of $runs runs"
printf 'handover person import + consent import: %.3f s\n' "$o"
printf 'sqlite3 .import (plain tables, no checks):  %.3f s\n' "$r"
printf 'ratio: %.1fx\n' "$(echo "$o / $r" | bc -l)"
