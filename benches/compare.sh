#!/usr/bin/env bash
# scrutin check against the simplest alternatives, on one generated log, in
# the same run (machines are noisy: compare ratios, not seconds).
#
#   benches/compare.sh            # 2,000,000 lines
#   benches/compare.sh 10000000
#
# Prints, for wc -l, a naive awk filter (the campaign silence in metropolitan
# France, by comparing timestamps as strings: fast, and wrong for any other
# offset or region) and scrutin check --format json: seconds, MB/s, lines/s,
# the ratios to wc and awk, and scrutin's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-2000000}
rules=rules/fr/presidential-2017.yaml
log=target/bench/genlog-$lines.log

cargo build --release -q --bin scrutin --example genlog
mkdir -p target/bench
[ -s "$log" ] || target/release/examples/genlog --lines "$lines" --rules "$rules" --seed 1 > "$log"
bytes=$(stat -c %s "$log")

# Seconds of the best of three runs, so a stray hiccup does not count.
best() {
    local best=""
    for _ in 1 2 3; do
        local start end
        start=$(date +%s.%N)
        "$@" > /dev/null
        end=$(date +%s.%N)
        best=$(awk -v b="$best" -v s="$start" -v e="$end" 'BEGIN { t = e - s; print (b == "" || t < b) ? t : b }')
    done
    echo "$best"
}

naive_awk() {
    awk '/kind=campaign/ && $1 >= "2017-05-06T00:00:00+02:00" && $1 < "2017-05-07T20:00:00+02:00"' "$log"
}
scrutin_json() {
    target/release/scrutin check --rules "$rules" --format json --fail-on never "$log"
}

wc_s=$(best wc -l "$log")
awk_s=$(best naive_awk)
scrutin_s=$(best scrutin_json)
rss_kb=$( { /usr/bin/time -f '%M' target/release/scrutin check --rules "$rules" --format json --fail-on never "$log" > /dev/null; } 2>&1 | tail -1)

awk -v f="$log" -v l="$lines" -v b="$bytes" 'BEGIN { printf "log: %s, %d lines, %.1f MB\n\n", f, l, b / 1e6 }'
printf '%-22s %9s %10s %14s\n' tool seconds MB/s lines/s
for row in "wc -l:$wc_s" "naive awk:$awk_s" "scrutin check:$scrutin_s"; do
    name=${row%%:*}; s=${row#*:}
    awk -v n="$name" -v s="$s" -v b="$bytes" -v l="$lines" \
        'BEGIN { printf "%-22s %9.3f %10.1f %14.0f\n", n, s, b / s / 1e6, l / s }'
done
echo
awk -v w="$wc_s" -v a="$awk_s" -v s="$scrutin_s" 'BEGIN {
    printf "scrutin / wc -l:      %.1fx the time\n", s / w
    printf "scrutin / naive awk:  %.2fx the time\n", s / a
}'
printf 'scrutin peak RSS:     %d MB\n' "$((rss_kb / 1024))"
