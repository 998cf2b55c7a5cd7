#!/usr/bin/env bash
# Requests per second of `scrutin serve` on loopback, against a baseline
# measured in the same run: /healthz (the HTTP stack alone).
#
#   benches/serve.sh            # 10 s per endpoint
#   benches/serve.sh 30
#
# Needs wrk (installed from Debian's packages if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
port=18931

command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; } >/dev/null
cargo build --release -q
target/release/scrutin serve --rules rules/fr/presidential-2017.yaml --addr "127.0.0.1:$port" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

lua=$(mktemp --suffix=.lua)
cat > "$lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"kind": "poll", "regions": ["metropole", "guadeloupe"], "at": "2017-05-05T23:40:00+02:00", "attributes": {"pollster": "Ipsos"}}'
LUA

rate() { grep 'Requests/sec' | awk '{print $2}'; }
health=$(wrk -t2 -c16 -d"${seconds}s" "http://127.0.0.1:$port/healthz" | rate)
preflight=$(wrk -t2 -c16 -d"${seconds}s" -s "$lua" "http://127.0.0.1:$port/v1/preflight" | rate)
# The editor's page answering the same question: the answer, the chart and
# the forms rendered as HTML.
page=$(wrk -t2 -c16 -d"${seconds}s" "http://127.0.0.1:$port/?ask=1&kind=poll&region=metropole&region=guadeloupe&at=2017-05-05T23%3A40&attributes=pollster%3DIpsos" | rate)
printf '%-28s %12s\n' endpoint requests/s
printf '%-28s %12s\n' "GET /healthz (baseline)" "$health"
printf '%-28s %12s\n' "POST /v1/preflight" "$preflight"
printf '%-28s %12s\n' "GET /?ask=1 (the page)" "$page"
awk -v h="$health" -v p="$preflight" 'BEGIN { printf "preflight / baseline: %.2f\n", p / h }'
awk -v h="$health" -v p="$page" 'BEGIN { printf "page / baseline: %.2f\n", p / h }'
