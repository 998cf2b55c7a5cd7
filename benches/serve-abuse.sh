#!/usr/bin/env bash
# scrutin serve against abusive clients, on loopback, bounded in time and in
# requests (about a minute in all):
# 1. /healthz p50/p90/p99/max while four 16 MiB /v1/check requests are in
#    flight (target p99 <= 100 ms);
# 2. the server's peak RSS with ten clients that send a 16 MiB check and
#    never read the answer (target <= 256 MB);
# 3. 500 slowloris connections: when the server closes them (header-read
#    timeout, 8 s), and whether a new client is answered during and after.
#
#   benches/serve-abuse.sh                  # the defaults of scrutin serve
#   benches/serve-abuse.sh --max-checks 4   # any further options of serve
#
# Needs only cargo: the clients are benches/serve_abuse.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
port=18932
french=rules/fr/presidential-2017.yaml

cargo build --release -q --bin scrutin --example serve-abuse
mkdir -p target/bench
log=target/bench/serve-16MiB.log
if [ ! -s "$log" ]; then
    # Just under 16 MiB (the body limit) of whole lines, every one a
    # violation (campaigning on the eve of the vote): the largest report a
    # log can make, some 200 MB of JSON, as in issue 13.
    { yes '2017-05-06T09:30:00+02:00 outlet=lemonde.fr kind=campaign channel=web title="Meeting à Lyon"' || true; } \
        | head -c $((16 * 1024 * 1024 - 1024)) | head -n -1 > "$log.part"
    mv "$log.part" "$log"
fi

target/release/scrutin serve --rules "$french" --addr "127.0.0.1:$port" "$@" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
echo "log: $(du -h "$log" | cut -f1), $(wc -l < "$log") lines; server options: ${*:-(defaults)}; $(nproc) cores"
timeout 300 target/release/examples/serve-abuse "127.0.0.1:$port" "$server" "$log"
