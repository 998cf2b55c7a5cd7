#!/usr/bin/env bash
# Fuzzes each stage of scrutin for a bounded time and reports executions.
#
#   fuzz/run.sh            # 60 s per target
#   fuzz/run.sh 300        # 300 s per target
#   fuzz/run.sh 60 anchor  # one target
#   fuzz/run.sh 14400 check reports   # hours: four per target, unattended
#
# Targets: log_line (one line), anchor (one anchor expression), rulebook
# (a whole YAML rulebook), check (a log through the parallel pipeline that
# the command line runs, against the one-line-at-a-time reference) and
# reports (a log written in every output format, each checked well formed).
# The corpus under fuzz/corpus/ is kept between runs, so a long campaign can
# be run in pieces.
# Needs cargo-fuzz (installed if missing). libFuzzer wants nightly flags;
# RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them. A crash leaves its
# input in fuzz/artifacts/<target>/: copy it to tests/fixtures/fuzz/<target>/,
# where tests/fuzz_regressions.rs replays it in every test run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("${@:-log_line anchor rulebook check reports sources profile}")
read -r -a targets <<< "${targets[*]}"

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1

# Seed corpora from what scrutin ships: every log line, anchor, rulebook and log.
corpus=fuzz/corpus
mkdir -p "$corpus"/{log_line,anchor,rulebook,check,reports}
n=0
for log in samples/*.log; do
    cp "$log" "$corpus/check/"
    cp "$log" "$corpus/reports/"
    while IFS= read -r line; do
        n=$((n + 1))
        printf '%s' "$line" > "$corpus/log_line/seed-$n"
    done < "$log"
done
for rulebook in rules/*/*.yaml tests/fixtures/*.yaml tests/fixtures/compose/*.yaml; do
    cp "$rulebook" "$corpus/rulebook/$(echo "$rulebook" | tr / _)"
done
grep -h -E '^\s+(start|end): ' rules/*/*.yaml | sed -E 's/^\s+(start|end): //; s/^"(.*)"$/\1/' |
    sort -u | while IFS= read -r anchor; do
        n=$((n + 1))
        printf '%s' "$anchor" > "$corpus/anchor/seed-$(printf '%s' "$anchor" | md5sum | cut -c1-12)"
    done
for target in "${targets[@]}"; do
    cp -r "tests/fixtures/fuzz/$target/." "$corpus/$target/" 2>/dev/null || true
done

cargo fuzz build -O

printf '%-10s %10s %14s %12s\n' target seconds executions exec/s
status=0
for target in "${targets[@]}"; do
    log=$(mktemp)
    # Whole logs are slower to check than lines: smaller inputs, more runs.
    case $target in check | reports) max_len=8192 ;; *) max_len=65536 ;; esac
    # The pipeline's worker threads leave std's channel context (48 bytes a
    # thread, a thread-local freed after LeakSanitizer looks): a report of
    # no leak of ours, so leak detection is off where threads are spawned.
    leaks=1
    [ "$target" = check ] && leaks=0
    start=$SECONDS
    if ! cargo fuzz run -O "$target" "$corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="$max_len" \
        -detect_leaks="$leaks" -print_final_stats=1 >"$log" 2>&1; then
        status=1
        echo "$target: CRASH, see $log and fuzz/artifacts/$target/" >&2
    fi
    elapsed=$((SECONDS - start))
    runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
    # Executions over the time the fuzzer really ran (libFuzzer's own
    # figure), not over the time asked for.
    rate=$(grep -Eo 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
    printf '%-10s %10s %14s %12s\n' "$target" "$elapsed" "${runs:-?}" "${rate:-?}"
done
exit $status
