#!/usr/bin/env bash
# scrutin check against the simplest alternatives, on generated logs, in the
# same run (machines are noisy: compare ratios, not seconds).
#
#   benches/compare.sh            # the main log has 2,000,000 lines
#   benches/compare.sh 5000000
#
# Prints:
# 1. on the main log, for wc -l, a naive awk filter (campaign items inside the
#    metropolitan silence, by comparing timestamps as strings: fast, and wrong
#    for any other offset or region) and scrutin check --format json: seconds,
#    MB/s, lines/s, the ratios, and scrutin's peak RSS;
# 2. the same log checked with a rulebook of 500 rules against one of 10;
# 3. peak RSS on 1,000,000 lines against 10,000,000 lines;
# 4. a newsroom's schedule of 1,000 lines checked end to end, process start
#    included.
# Logs and rulebooks are generated once into target/bench/ (about 1.6 GB).
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-2000000}
french=rules/fr/presidential-2017.yaml
scrutin=target/release/scrutin

cargo build --release -q --bin scrutin --example genlog --example genrules
mkdir -p target/bench

# The log of N lines for the French rulebook, generated once.
log_of() {
    local log=target/bench/genlog-$1.log
    [ -s "$log" ] || target/release/examples/genlog --lines "$1" --rules "$french" --seed 1 > "$log"
    echo "$log"
}

# Seconds of the best of N runs (3 unless given), so a stray hiccup does not count.
best() {
    local runs=3
    if [ "$1" = "-n" ]; then runs=$2; shift 2; fi
    local best=""
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s.%N)
        "$@" > /dev/null
        end=$(date +%s.%N)
        best=$(awk -v b="$best" -v s="$start" -v e="$end" 'BEGIN { t = e - s; print (b == "" || t < b) ? t : b }')
    done
    echo "$best"
}

# Peak resident memory of a command (a program, not a shell function), in MB.
peak_mb() {
    local kb
    kb=$( { /usr/bin/time -f '%M' "$@" > /dev/null; } 2>&1 | tail -1)
    echo $((kb / 1024))
}

check_json() {
    "$scrutin" check --rules "$1" --format json --fail-on never "$2"
}

log=$(log_of "$lines")
bytes=$(stat -c %s "$log")

naive_awk() {
    awk '/kind=campaign/ && $1 >= "2017-05-06T00:00:00+02:00" && $1 < "2017-05-07T20:00:00+02:00"' "$log"
}

echo "## 1. Throughput"
wc_s=$(best wc -l "$log")
awk_s=$(best naive_awk)
scrutin_s=$(best check_json "$french" "$log")
rss=$(peak_mb "$scrutin" check --rules "$french" --format json --fail-on never "$log")

awk -v f="$log" -v l="$lines" -v b="$bytes" -v c="$(nproc)" \
    'BEGIN { printf "log: %s, %d lines, %.1f MB; %d cores\n\n", f, l, b / 1e6, c }'
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
echo "scrutin peak RSS:     $rss MB"

echo
echo "## 2. Rules: 500 against 10, on the same log"
for n in 10 500; do
    [ -s "target/bench/rules-$n.yaml" ] || target/release/examples/genrules --rules "$n" > "target/bench/rules-$n.yaml"
done
ten_s=$(best check_json target/bench/rules-10.yaml "$log")
five_hundred_s=$(best check_json target/bench/rules-500.yaml "$log")
awk -v a="$ten_s" -v b="$five_hundred_s" -v by="$bytes" 'BEGIN {
    printf "10 rules:   %.3f s (%.1f MB/s)\n", a, by / a / 1e6
    printf "500 rules:  %.3f s (%.1f MB/s)\n", b, by / b / 1e6
    printf "500 / 10:   %.2fx the time\n", b / a
}'

echo
echo "## 3. Memory: 10,000,000 lines against 1,000,000"
small=$(log_of 1000000)
large=$(log_of 10000000)
small_rss=$(peak_mb "$scrutin" check --rules "$french" --format json --fail-on never "$small")
large_rss=$(peak_mb "$scrutin" check --rules "$french" --format json --fail-on never "$large")
large_human=$(peak_mb "$scrutin" check --rules "$french" --quiet --fail-on never "$large")
echo "1M lines:   $small_rss MB peak RSS (json)"
echo "10M lines:  $large_rss MB peak RSS (json), $large_human MB (human, --quiet)"

echo
echo "## 4. A newsroom schedule of 1,000 lines, end to end"
schedule=target/bench/schedule-1000.log
[ -s "$schedule" ] || target/release/examples/genlog --lines 1000 --rules "$french" --seed 2 > "$schedule"
schedule_s=$(best -n 10 "$scrutin" check --rules "$french" --fail-on never "$schedule")
awk -v s="$schedule_s" 'BEGIN { printf "1,000 lines, human output, process start included: %.1f ms (best of 10)\n", s * 1000 }'
