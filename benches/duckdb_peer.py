#!/usr/bin/env python3
"""The DuckDB peer of benches/compare.sh: the same question asked in SQL.

    duckdb_peer.py windows SCRUTIN RULES WINDOWS.csv   # the rulebook's windows
    duckdb_peer.py convert LOG LOG.csv                  # a genlog log as CSV
    duckdb_peer.py query LOG.csv WINDOWS.csv OUT.csv [RUNS]

`windows` asks scrutin itself (`rules show`, `rules vocabulary` and `explain`,
all --format json) for every window of the rulebook as UTC instants, and
writes one row per rule, kind, channel, region and window. Left out: rules
that require attributes (they have no window), and window rules that need a
tag or an attribute (the generated lines carry neither); a window's
exemption of earlier publications is ignored (they carry no
first_published).

`convert` turns genlog's lines (`TIMESTAMP key=value key="quoted value"`)
into CSV: ts (the timestamp as written), then one column per key.

`query` is the only one timed, and only around the SQL statement
(time.perf_counter): DuckDB reads the CSV, parses each timestamp with its
offset as a TIMESTAMPTZ, joins the publications with the windows (same kind,
channel and region, instant in [start, end)) and writes the violations to
OUT.csv with COPY. The windows table is loaded before. It prints the best of
RUNS (3 unless given) in seconds, and the number of violations.
"""

import csv
import json
import re
import subprocess
import sys
import time

# The keys genlog writes, in the order of its lines.
COLUMNS = [
    "ts",
    "outlet",
    "kind",
    "channel",
    "region",
    "id",
    "title",
    "pollster",
    "sponsor",
    "sample_size",
    "fieldwork",
    "margin_of_error",
]

FIELD = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))')
ESCAPE = re.compile(r"\\(.)")


def scrutin_json(scrutin, *args):
    out = subprocess.run([scrutin, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def windows(scrutin, rules, path):
    vocabulary = scrutin_json(scrutin, "rules", "vocabulary", "--format", "json", rules)
    all_kinds = [k["id"] for k in vocabulary["kinds"]]
    all_channels = [c["id"] for c in vocabulary["channels"]]
    shown = scrutin_json(scrutin, "rules", "show", "--format", "json", rules)
    rows = []
    for rule in shown["rules"]:
        explained = scrutin_json(
            scrutin, "explain", rule["id"], "--rules", rules, "--format", "json"
        )
        keep = explained["filter"]
        if explained["requires"] or keep["tags"] or keep["attributes"]:
            continue
        for window in explained["windows"]:
            if keep["regions"] is not None and window["region"] not in keep["regions"]:
                continue
            for kind in keep["kinds"] or all_kinds:
                for channel in keep["channels"] or all_channels:
                    region, start, end = window["region"], window["start"], window["end"]
                    rows.append([rule["id"], kind, channel, region, start, end])
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["rule", "kind", "channel", "region", "start", "end"])
        writer.writerows(rows)


def convert(log, path):
    with open(log, encoding="utf-8") as lines, open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for number, line in enumerate(lines, 1):
            timestamp, _, rest = line.rstrip("\n").partition(" ")
            row = dict.fromkeys(COLUMNS, "")
            row["ts"] = timestamp
            for key, quoted, bare in FIELD.findall(rest):
                if key not in row:
                    sys.exit(f"{log}:{number}: {key}= is not one of genlog's keys")
                row[key] = ESCAPE.sub(r"\1", quoted) if quoted else bare
            writer.writerow(row.values())


def quoted(text):
    return "'" + text.replace("'", "''") + "'"


def query(log_csv, windows_csv, out, runs):
    import duckdb

    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    db.execute(
        f"""CREATE TABLE windows AS SELECT * FROM read_csv({quoted(windows_csv)},
            header = true, auto_detect = false,
            columns = {{'rule': 'VARCHAR', 'kind': 'VARCHAR', 'channel': 'VARCHAR',
                        'region': 'VARCHAR', 'start': 'TIMESTAMPTZ', 'end': 'TIMESTAMPTZ'}})"""
    )
    columns = ", ".join(f"'{c}': 'VARCHAR'" for c in COLUMNS)
    sql = f"""
        COPY (
            SELECT p.id, p.ts, p.outlet, p.kind, p.channel, p.region, w.rule
            FROM (
                SELECT * REPLACE (CAST(ts AS TIMESTAMPTZ) AS ts)
                FROM read_csv({quoted(log_csv)}, header = true, auto_detect = false,
                              columns = {{{columns}}})
            ) AS p
            JOIN windows AS w
              ON p.kind = w.kind AND p.channel = w.channel AND p.region = w.region
             AND p.ts >= w.start AND p.ts < w."end"
        ) TO {quoted(out)} (HEADER)
    """
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        written = db.execute(sql).fetchone()[0]
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    print(f"{best:.6f} {written}")


def main(args):
    match args:
        case ["windows", scrutin, rules, path]:
            windows(scrutin, rules, path)
        case ["convert", log, path]:
            convert(log, path)
        case ["query", log_csv, windows_csv, out]:
            query(log_csv, windows_csv, out, 3)
        case ["query", log_csv, windows_csv, out, runs]:
            query(log_csv, windows_csv, out, int(runs))
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
