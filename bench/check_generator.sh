#!/usr/bin/env bash
# Checks minetrace-gen against minetrace: for both shapes and two seeds, a ~3 MB log with a high
# mining share ingests with zero quarantined records and zero file errors, every generated record
# becomes an event, and the events answering the core question (operation in the core set and a
# body matching the core regex) are exactly as many as the generator counted, on as many distinct
# resources. Also checks that a seed is deterministic.
# Needs only coreutils, grep and sed. Usage: check_generator.sh MINETRACE_GEN MINETRACE
set -euo pipefail
gen="$1"
minetrace="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The core question (kept in sync with bench/generator.hpp and scripts/bench).
core_ops='microsoft.compute/virtualmachines/write|microsoft.compute/virtualmachinescalesets/write|microsoft.compute/virtualmachines/extensions/write|microsoft.compute/virtualmachinescalesets/extensions/write|microsoft.batch/batchaccounts/pools/write|microsoft.containerinstance/containergroups/write'
core_re='standard_?n[cdgv]|xmrig|stratum\+|nicehash|ethminer|lolminer|nbminer|t-rex|phoenixminer'

# stat_field NAME FILE: a number from the generator's one-line stats JSON.
stat_field() { sed -E "s/.*\"$1\": ([0-9]+).*/\1/" "$2"; }

failures=0
for shape in jsonl rest-array; do
  for seed in 7 11; do
    "$gen" --seed "$seed" --shape "$shape" --bytes 3M --mining-share 0.05 \
      --out "$tmp/log" --stats "$tmp/stats.json"
    "$gen" --seed "$seed" --shape "$shape" --bytes 3M --mining-share 0.05 --out "$tmp/log2" \
      --stats /dev/null
    cmp -s "$tmp/log" "$tmp/log2" || { echo "FAIL $shape seed $seed: not deterministic"; failures=$((failures + 1)); }
    "$minetrace" events "$tmp/log" --out "$tmp/events.jsonl" --quarantine "$tmp/q.jsonl" \
      2>"$tmp/err" || { echo "FAIL $shape seed $seed: minetrace exit $?: $(cat "$tmp/err")"; failures=$((failures + 1)); continue; }
    records=$(stat_field records "$tmp/stats.json")
    want_records=$(stat_field core_records "$tmp/stats.json")
    want_resources=$(stat_field core_resources "$tmp/stats.json")
    events=$(wc -l <"$tmp/events.jsonl")
    quarantined=$(wc -l <"$tmp/q.jsonl")
    # The whole event line is matched: outside the bodies, the generator's vocabulary never
    # matches the core regex (its resource names, ids and addresses avoid those tokens).
    grep -E "\"operation\": \"($core_ops)\"" "$tmp/events.jsonl" | grep -iE "$core_re" |
      sed -E 's/.*"resource_id_lower": "([^"]*)".*/\1/' >"$tmp/core" || true
    got_records=$(wc -l <"$tmp/core")
    got_resources=$(sort -u "$tmp/core" | wc -l)
    if [ "$events" -ne "$records" ] || [ "$quarantined" -ne 0 ] || [ "$got_records" -ne "$want_records" ] ||
      [ "$got_resources" -ne "$want_resources" ] || [ "$want_records" -eq 0 ]; then
      echo "FAIL $shape seed $seed: records $records events $events quarantined $quarantined" \
        "core records $got_records/$want_records resources $got_resources/$want_resources"
      failures=$((failures + 1))
    else
      echo "ok   $shape seed $seed: $records records, $got_records core records on $got_resources resources"
    fi
  done
done
[ "$failures" -eq 0 ] && echo "4 passed, 0 failed" || { echo "$((4 - failures)) passed, $failures failed"; exit 1; }
