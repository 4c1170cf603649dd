#!/usr/bin/env bash
# A campaign at scale: 10,000 people (examples/make-scale.rs, seeded; everyone invented).
#   campaign plan        the gate for everyone                                (goal <= 10 s, <= 128 MiB)
#   campaign letters     one letter per person on the post channel (10,000)   (goal <= 10 s, <= 128 MiB)
#   campaign mail-merge  the email channel's rows                             (goal <= 10 s, <= 128 MiB)
#   campaign import      a 10,000-row Google Forms export                     (goal <= 10 s, <= 128 MiB)
#                        vs the sqlite3 shell's .import of the same file, measured in the same run
# Two registers: A holds the people only (no email-marketing consent: everyone is asked by post);
# B adds their newsletter consents (most are asked by email).
#
#   bash bench/campaign.sh [RUNS] [PEOPLE]     (defaults 3, 10000)
# BENCH_SMOKE=1: the same steps with the test build (bench/build.sh).
set -euo pipefail
RUNS=${1:-3}
PEOPLE=${2:-10000}
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/build.sh"
bench_build "$here" --bin handover --example make-scale
F=$here/fixtures
command -v sqlite3 >/dev/null || { echo "error: the sqlite3 shell is the reference (apt-get install sqlite3)" >&2; exit 1; }
work=${CAMPAIGN_DIR:-$here/target/bench-campaign${BENCH_SMOKE:+-smoke}}
rm -rf "$work" && mkdir -p "$work" && cd "$work"
trap 'cd "$here"; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
"$out/examples/make-scale" data "$PEOPLE" 0 >/dev/null
export HANDOVER_ACTOR=bench
base() {
  $H --register "$1" init --community Bench --controller "Brightwater Trust" --quiet
  $H --register "$1" controller add --name "KSCoP Steering Group" --kind unincorporated_association --quiet
  $H --register "$1" controller edit brightwater-trust --contact "the hub office, 01632 960000" --quiet
  tail -n +2 "$F/texts/index.csv" | while IFS=, read -r kind version purpose format eff ann file controllers; do
    args=("$kind" add --version "$version" --format "$format" --file "$F/$file" --effective-from "$eff")
    if [ "$kind" = statement ]; then args+=(--purpose "$purpose" --controllers "$controllers"); elif [ -n "$ann" ]; then args+=(--announces "$ann"); fi
    $H --register "$1" "${args[@]}" --quiet
  done
  $H --register "$1" person import data/people.csv --quiet
}
base a.db
base b.db
# B: the newsletter consents only (not the disclosure, so that everyone is still to be asked).
{ head -1 data/consent.csv; grep ',newsletter,' data/consent.csv; } > newsletter.csv
$H --register b.db consent import newsletter.csv --quiet
closes=$(date -d "+40 days" +%F)
for db in a.db b.db; do
  $H --register $db campaign new join --kind consent --to kscop-steering-group --ask disclose_to_successor=DS-2025 --closes "$closes" --quiet
done
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# timed LABEL command...: appends "seconds peak_kib" to $LABEL.t
timed() { local label=$1; shift; local t0 t1; t0=$(now); /usr/bin/time -f "%M" -o rss "$@" >/dev/null; t1=$(now); echo "$(echo "$t1 - $t0" | bc) $(cat rss)" >> "$label.t"; }
for i in $(seq "$RUNS"); do
  timed plan $H --register a.db campaign plan join --json
  rm -rf "letters$i"; cp a.db a$i.db
  timed letters $H --register a$i.db campaign letters join --out "letters$i" --quiet
  cp b.db b$i.db; rm -f "mm$i.csv"
  timed mailmerge $H --register b$i.db campaign mail-merge join --format mailchimp --out "mm$i.csv" --quiet
done
# The form export: every letter's code answered, at one time, in Google Forms' own format.
python3 - letters1/letters.csv form.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Timestamp", "Your code", "Q1 disclose_to_successor May we pass on your details?", "Someone helped me", "Someone signed for me", "Stop sending me letters"])
    for i, r in enumerate(r for r in rows if r["code"]):
        w.writerow(["2026/11/20 10:15:32 am GMT", r["code"], "Yes" if i % 3 else "No", "", "", ""])
PY
answers=$(( $(wc -l < form.csv) - 1 ))
for i in $(seq "$RUNS"); do
  cp a1.db imp$i.db
  timed import $H --register imp$i.db campaign import join form.csv --from google-forms --quiet
  rm -f ref.db
  t0=$(now); sqlite3 ref.db ".mode csv" ".import form.csv answers"; t1=$(now); echo "$(echo "$t1 - $t0" | bc)" >> ref.t
done
letters=$(( $(wc -l < letters1/letters.csv) - 1 ))
emails=$(( $(wc -l < mm1.csv) - 1 ))
med() { awk '{print $1}' "$1.t" | median; }
peak() { awk '{print $2}' "$1.t" | sort -n | tail -1; }
echo "campaign at scale: $PEOPLE people; medians of $RUNS runs; peak RSS the largest of the runs"
printf 'campaign plan:        %7.3f s  %4d MiB  (goal <= 10 s, <= 128 MiB)\n' "$(med plan)" $(( $(peak plan) / 1024 ))
printf 'campaign letters:     %7.3f s  %4d MiB  (%d letters; goal <= 10 s, <= 128 MiB)\n' "$(med letters)" $(( $(peak letters) / 1024 )) "$letters"
printf 'campaign mail-merge:  %7.3f s  %4d MiB  (%d rows; goal <= 10 s, <= 128 MiB)\n' "$(med mailmerge)" $(( $(peak mailmerge) / 1024 )) "$emails"
printf 'campaign import:      %7.3f s  %4d MiB  (%d answers; goal <= 10 s, <= 128 MiB)   sqlite3 .import: %.3f s   ratio %.1fx\n' \
  "$(med import)" $(( $(peak import) / 1024 )) "$answers" "$(awk '{print $1}' ref.t | median)" "$(echo "$(med import) / $(awk '{print $1}' ref.t | median)" | bc -l)"
