#!/usr/bin/env bash
# The engine's overhead over the bare Automation API: a no-change `up` of
# an empty inline program through ecsdeck's engine (a new engine, as each
# ecsdeck run makes, then Up) and through UpsertStackInlineSource + Up, on a
# local backend with the real Pulumi CLI (target: at most 10 % more).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x bin/pulumi ] || { echo "   (no bin/pulumi: run make tools)"; exit 1; }
out=$(go test -run '^$' -bench '^BenchmarkNoChangeUp$' -benchtime 5x -count 1 ./stack/auto)
echo "$out" | grep '^Benchmark' | sed 's/^/   /'
echo "$out" | awk '
  /^BenchmarkNoChangeUp\/engine/ { for (i = 1; i < NF; i++) { if ($(i+1) == "ns/op") e = $i; if ($(i+1) == "cli-runs/op") r = $i } }
  /^BenchmarkNoChangeUp\/bare/   { for (i = 1; i < NF; i++) if ($(i+1) == "ns/op") b = $i }
  END { if (e == "" || b == "") { print "   (no BenchmarkNoChangeUp figures)"; exit 1 }
        printf "   engine no-change up: %.0f ms (%s CLI runs), bare Automation API: %.0f ms\n", e / 1e6, r, b / 1e6
        printf "   engine overhead: %+.1f %% (target: at most +10 %%)\n", (e / b - 1) * 100 }'
