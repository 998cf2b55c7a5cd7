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
#    included;
# 5. on a second log of as many lines, a commission's merged export (genlog
#    --unsorted: outlets interleaved, lines in no time order, 5% breaking a
#    rule), for wc -l, a naive awk filter (campaign items, polls, results and
#    paid ads inside the metropolitan windows, comparing timestamps as
#    strings), scrutin check --format json and DuckDB (benches/duckdb_peer.py:
#    the log converted to CSV beforehand, untimed; the SQL query alone timed,
#    in Python, reading the CSV, parsing TIMESTAMPTZ, joining with the windows
#    scrutin resolves and writing the violations with COPY): seconds, MB/s
#    (of the log), lines/s and the ratios; the findings of scrutin on both
#    logs (with what awk and DuckDB select), and the cost of a finding:
#
#      cost = (cpu_unsorted / lines_unsorted - cpu_main / lines_main)
#             x lines_unsorted / findings_unsorted
#
#    where cpu is scrutin's user + system CPU seconds on one thread (-j 1:
#    threads waiting on each other add noise, not work; getrusage, best of 5)
#    on each log.
#    This charges the difference to every finding of the merged export,
#    though the main log has findings too (about 2% of lines), so the cost
#    per finding beyond the main log's rate is printed as well: the same
#    difference divided by
#    (findings_unsorted - findings_main x lines_unsorted / lines_main).
#    DuckDB is the duckdb module of python3, or installed with pip into a venv
#    under target/bench/venv when python3 has none.
# Logs and rulebooks are generated once into target/bench/ (about 1.6 GB, and
# 0.5 GB more for the merged export and its CSV).
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

echo
echo "## 5. A commission's merged export: lines in no time order, 5% breaking a rule"
unsorted=target/bench/genlog-unsorted-$lines.log
[ -s "$unsorted" ] ||
    target/release/examples/genlog --lines "$lines" --rules "$french" --seed 1 --unsorted --violations 0.05 > "$unsorted"
unsorted_bytes=$(stat -c %s "$unsorted")

# The same kinds inside the same windows as the rulebook's, for metropolitan
# France only, by comparing timestamps as strings: right for +02:00 alone.
naive_awk_unsorted() {
    awk '
        function weekend(t) {
            return (t >= "2017-04-22T00:00:00+02:00" && t < "2017-04-23T20:00:00+02:00") ||
                   (t >= "2017-05-06T00:00:00+02:00" && t < "2017-05-07T20:00:00+02:00")
        }
        function sunday(t) {
            return (t >= "2017-04-23T00:00:00+02:00" && t < "2017-04-23T20:00:00+02:00") ||
                   (t >= "2017-05-07T00:00:00+02:00" && t < "2017-05-07T20:00:00+02:00")
        }
        function results(t) {
            return (t >= "2017-04-22T12:00:00+02:00" && t < "2017-04-23T20:00:00+02:00") ||
                   (t >= "2017-05-06T12:00:00+02:00" && t < "2017-05-07T20:00:00+02:00")
        }
        /kind=paid_ad/ { if ($1 >= "2016-10-01T00:00:00+02:00" && $1 < "2017-05-08T00:00:00+02:00") print; next }
        /kind=campaign/ { if (/channel=print/ ? sunday($1) : weekend($1)) print; next }
        /kind=poll/ { if (weekend($1)) print; next }
        /kind=result/ { if (results($1)) print }
    ' "$unsorted"
}

# scrutin's findings on a log (the summary's count of violations).
findings() {
    check_json "$french" "$1" | tail -20 | sed -n 's/^ *"violations": \([0-9]*\),*$/\1/p'
}

# User + system CPU seconds of a command (a program), the least of 5 runs,
# from getrusage (microseconds; /usr/bin/time counts in steps of 10 ms).
cpu_s() {
    python3 - "$@" <<'PYTHON'
import resource, subprocess, sys
best = None
for _ in range(5):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    best = used if best is None else min(best, used)
print(f"{best:.4f}")
PYTHON
}

# A python3 that has duckdb: the system's, or a venv's under target/bench.
duckdb_python() {
    if python3 -c 'import duckdb' 2> /dev/null; then
        echo python3
        return
    fi
    local venv=target/bench/venv
    if ! "$venv/bin/python" -c 'import duckdb' 2> /dev/null; then
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install --quiet duckdb >&2
    fi
    echo "$venv/bin/python"
}

python=$(duckdb_python)
windows_csv=target/bench/windows-fr-2017.csv
unsorted_csv=${unsorted%.log}.csv
[ -s "$windows_csv" ] || "$python" benches/duckdb_peer.py windows "$scrutin" "$french" "$windows_csv"
[ -s "$unsorted_csv" ] || "$python" benches/duckdb_peer.py convert "$unsorted" "$unsorted_csv"

uwc_s=$(best wc -l "$unsorted")
uawk_s=$(best naive_awk_unsorted)
uscrutin_s=$(best check_json "$french" "$unsorted")
duckdb=$("$python" benches/duckdb_peer.py query "$unsorted_csv" "$windows_csv" target/bench/duckdb-violations.csv 3)
read -r duckdb_s duckdb_rows <<< "$duckdb"
awk_rows=$(naive_awk_unsorted | wc -l)
main_findings=$(findings "$log")
unsorted_findings=$(findings "$unsorted")
main_cpu=$(cpu_s "$scrutin" check --rules "$french" --format json --fail-on never -j 1 "$log")
unsorted_cpu=$(cpu_s "$scrutin" check --rules "$french" --format json --fail-on never -j 1 "$unsorted")

awk -v f="$unsorted" -v l="$lines" -v b="$unsorted_bytes" -v c="$(stat -c %s "$unsorted_csv")" \
    'BEGIN { printf "log: %s, %d lines, %.1f MB (as CSV for DuckDB: %.1f MB)\n\n", f, l, b / 1e6, c / 1e6 }'
printf '%-22s %9s %10s %14s\n' tool seconds MB/s lines/s
for row in "wc -l:$uwc_s" "naive awk:$uawk_s" "scrutin check:$uscrutin_s" "DuckDB (query only):$duckdb_s"; do
    name=${row%%:*}; s=${row#*:}
    awk -v n="$name" -v s="$s" -v b="$unsorted_bytes" -v l="$lines" \
        'BEGIN { printf "%-22s %9.3f %10.1f %14.0f\n", n, s, b / s / 1e6, l / s }'
done
echo
awk -v w="$uwc_s" -v a="$uawk_s" -v s="$uscrutin_s" -v d="$duckdb_s" 'BEGIN {
    printf "scrutin / wc -l:      %.1fx the time\n", s / w
    printf "scrutin / naive awk:  %.2fx the time\n", s / a
    printf "scrutin / DuckDB:     %.2fx the time (scrutin at %.2fx DuckDB'"'"'s speed)\n", s / d, d / s
}'
echo
# The cost of a finding, as in the header: ml and ul are the two logs' lines.
awk -v ml="$lines" -v ul="$lines" -v mf="$main_findings" -v uf="$unsorted_findings" \
    -v ar="$awk_rows" -v dr="$duckdb_rows" -v mc="$main_cpu" -v uc="$unsorted_cpu" 'BEGIN {
    printf "scrutin findings:     %d on the main log (%.2f%% of lines), %d on the merged export (%.2f%%)\n", mf, 100 * mf / ml, uf, 100 * uf / ul
    printf "selected by awk:      %d lines (right for +02:00 only); by DuckDB: %d rows\n", ar, dr
    printf "scrutin CPU:          %.3f s on the main log, %.3f s on the merged export (-j 1, user + sys, best of 5)\n", mc, uc
    extra = (uc / ul - mc / ml) * ul
    printf "cost of a finding:    %.2f us (the difference / the export'"'"'s findings)", extra / uf * 1e6
    beyond = uf - mf * ul / ml
    if (beyond > 0) printf ", %.2f us (/ the findings beyond the main log'"'"'s rate)", extra / beyond * 1e6
    printf "\n"
}'

echo
echo "## 6. The same publications as JSON Lines and as CSV, through their profiles"
# genlog --as writes the main log's publications (same seed) in each syntax;
# benches/profiles/ reads them back. Throughput is in publications a second:
# the same publications take more bytes as JSON.
for syntax in jsonl csv; do
    source=target/bench/genlog-$lines.$syntax
    [ -s "$source" ] || target/release/examples/genlog --lines "$lines" --rules "$french" --seed 1 --as "$syntax" > "$source"
done
check_source() {
    "$scrutin" check --rules "$french" --format json --fail-on never --profile "benches/profiles/genlog-$1.yaml" "$2"
}
jsonl_s=$(best check_source jsonl "target/bench/genlog-$lines.jsonl")
csv_s=$(best check_source csv "target/bench/genlog-$lines.csv")
log_cpu=$main_cpu
jsonl_cpu=$(cpu_s "$scrutin" check --rules "$french" --format json --fail-on never -j 1 --profile benches/profiles/genlog-jsonl.yaml "target/bench/genlog-$lines.jsonl")
csv_cpu=$(cpu_s "$scrutin" check --rules "$french" --format json --fail-on never -j 1 --profile benches/profiles/genlog-csv.yaml "target/bench/genlog-$lines.csv")
same=yes
for syntax in jsonl csv; do
    count=$(check_source "$syntax" "target/bench/genlog-$lines.$syntax" | tail -20 | sed -n 's/^ *"violations": \([0-9]*\),*$/\1/p')
    [ "$count" = "$main_findings" ] || same="no ($syntax: $count, log: $main_findings)"
done
printf '%-22s %9s %10s %16s %12s\n' input seconds MB/s publications/s "CPU -j 1"
for row in "log:$scrutin_s:$log:$log_cpu" "JSON Lines:$jsonl_s:target/bench/genlog-$lines.jsonl:$jsonl_cpu" "CSV:$csv_s:target/bench/genlog-$lines.csv:$csv_cpu"; do
    IFS=: read -r name s file cpu <<< "$row"
    awk -v n="$name" -v s="$s" -v b="$(stat -c %s "$file")" -v l="$lines" -v c="$cpu" \
        'BEGIN { printf "%-22s %9.3f %10.1f %16.0f %11.3f s\n", n, s, b / s / 1e6, l / s, c }'
done
echo
awk -v s="$scrutin_s" -v j="$jsonl_s" -v c="$csv_s" -v sc="$log_cpu" -v jc="$jsonl_cpu" -v cc="$csv_cpu" 'BEGIN {
    printf "JSON Lines: %.2fx the log'"'"'s throughput (wall), %.2fx (CPU, -j 1)\n", s / j, sc / jc
    printf "CSV:        %.2fx the log'"'"'s throughput (wall), %.2fx (CPU, -j 1)\n", s / c, sc / cc
}'
echo "the same findings as the log: $same"
