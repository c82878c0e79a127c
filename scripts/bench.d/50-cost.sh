#!/usr/bin/env bash
# Cost before apply: the full itemised estimate (ecsdeck cost) and the
# running total the wizard asks for on each keystroke (cost.Quick; the
# target is well under 1 ms).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(go test -run '^$' -bench '^(BenchmarkEstimate|BenchmarkQuick)$' -benchmem -count 1 ./cost)
echo "$out" | grep '^Benchmark' | sed 's/^/   /'
echo "$out" | awk '/^BenchmarkQuick/ { for (i = 1; i < NF; i++) if ($(i+1) == "ns/op") ns = $i }
  END { if (ns == "") { print "   (no BenchmarkQuick figure)"; exit 1 }
        printf "   cost.Quick: %.1f µs a keystroke (target: under 1000 µs)\n", ns / 1000 }'
