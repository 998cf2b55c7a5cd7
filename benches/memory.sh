#!/usr/bin/env bash
# Peak memory of `scrutin check` on logs whose every line has something to
# report, in every output format: the reports must not hold what they write.
#
#   benches/memory.sh [LINES]      # default 5,000,000
#
# Inputs (made in a temporary folder, removed at the end):
# - violations: every line breaks the campaign silence;
# - invalid: every line has an unknown kind;
# - waived: every line breaks the silence, and a waiver file accepts it;
# - long: 1,000 invalid lines whose kind is 100 KB long (quoted in messages);
# - directives: inline waivers on every line, none of them used;
# - random bytes (200 MB of /dev/urandom, as JSON);
# - burst: every line an item tagged `leak` inside the 2017 silence, one a
#   second round the 44 hours, which the rule leak-burst counts (a burst
#   holds a count per group and second: at most 158,400 seconds here).
# Prints the peak resident set size (GNU time's %M) of each run, in MB.
set -euo pipefail
cd "$(dirname "$0")/.."

lines=${1:-5000000}
cargo build --release --quiet
scrutin=target/release/scrutin
rules=rules/fr/presidential-2017.yaml
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# `yes` ends on a closed pipe, which pipefail would count as a failure.
lines_of() { yes "$1" | head -n "$lines" || true; }
lines_of '2017-05-06T09:30:00+02:00 outlet=a kind=campaign' > "$dir/violations.log"
lines_of '2017-05-06T09:30:00+02:00 outlet=a kind=pol' > "$dir/invalid.log"
cat > "$dir/waivers.yaml" <<'EOF'
waivers:
  - rule: campaign-silence
    outlet: a
    reason: A benchmark of memory
EOF
head -c 200000000 /dev/urandom > "$dir/random.bin"
# Seconds after 2017-05-05T22:00:00Z, round the 158,400 of the silence.
awk -v n="$lines" 'BEGIN {
    for (i = 0; i < n; i++) {
        t = 22 * 3600 + (i % 158400)
        printf "2017-05-%02dT%02d:%02d:%02dZ outlet=x.com kind=news tags=leak account=a%d\n",
            5 + int(t / 86400), int(t % 86400 / 3600), int(t % 3600 / 60), t % 60, i % 1000
    }
}' > "$dir/burst.log"
# Values of 100 KB, quoted in every message; and inline waivers, a million.
lines_of "2017-05-06T09:30:00+02:00 outlet=a kind=$(head -c 100000 /dev/zero | tr '\0' x)" |
    head -n 1000 > "$dir/long.log"
lines_of '# scrutin: allow campaign-silence reason="x"' > "$dir/directives.log"

# Peak RSS of one run, in MB; the report goes to /dev/null.
# scrutin exits with 1 or 2 on these inputs: that is expected, not a failure.
rss() {
    local kb
    kb=$( { /usr/bin/time -f '%M' "$@" > /dev/null; } 2>&1 | tail -1 || true)
    echo $(( kb / 1024 ))
}

printf '%-12s %-8s %8s\n' input format 'peak MB'
for format in human short json sarif github junit html; do
    printf '%-12s %-8s %8s\n' violations "$format" \
        "$(rss "$scrutin" check --rules "$rules" --format "$format" "$dir/violations.log")"
done
for format in json sarif junit html; do
    printf '%-12s %-8s %8s\n' invalid "$format" \
        "$(rss "$scrutin" check --rules "$rules" --format "$format" "$dir/invalid.log")"
    printf '%-12s %-8s %8s\n' waived "$format" \
        "$(rss "$scrutin" check --rules "$rules" --format "$format" --waivers "$dir/waivers.yaml" "$dir/violations.log")"
done
for format in json sarif junit html; do
    printf '%-12s %-8s %8s\n' long "$format" \
        "$(rss "$scrutin" check --rules "$rules" --format "$format" "$dir/long.log")"
    printf '%-12s %-8s %8s\n' directives "$format" \
        "$(rss "$scrutin" check --rules "$rules" --format "$format" "$dir/directives.log")"
done
printf '%-12s %-8s %8s\n' random json \
    "$(rss "$scrutin" check --rules "$rules" --format json "$dir/random.bin")"
for format in human json sarif; do
    printf '%-12s %-8s %8s\n' burst "$format" \
        "$(rss "$scrutin" check --rules "$rules" --format "$format" "$dir/burst.log")"
done
