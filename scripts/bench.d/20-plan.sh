#!/usr/bin/env bash
# The offline plan of the largest example (every component: EC2 capacity,
# two tiers, nginx, EBS, Service Connect, database, pipelines): the program
# against Pulumi's mocks in-process, and the whole `ecsdeck plan --offline`
# command from process start (target: 1 s wall).
set -euo pipefail
cd "$(dirname "$0")/../.."
example=examples/ec2-arm64-service-connect.yaml
out=$(go test -run '^$' -bench '^BenchmarkOfflinePlanLargest$' -benchmem -count 1 ./stack/plan)
echo "$out" | grep '^Benchmark' | sed 's/^/   /'
echo "$out" | awk '/^BenchmarkOfflinePlanLargest/ { for (i = 1; i < NF; i++) if ($(i+1) == "ns/op") ns = $i }
  END { if (ns == "") { print "   (no BenchmarkOfflinePlanLargest figure)"; exit 1 }
        printf "   in-process plan: %.1f ms (target: 1000 ms)\n", ns / 1e6 }'
bin=${ECSDECK_BIN:-bin/ecsdeck}
[ -x "$bin" ] || go build -o "$bin" .
runs=()
for _ in 1 2 3 4 5 6 7; do
  start=$(date +%s%N)
  "$bin" plan --offline --json --answers "$example" > /dev/null
  runs+=($(( ($(date +%s%N) - start) / 1000000 )))
done
median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 4p)
echo "   ecsdeck plan --offline (largest example): ${median} ms median wall over 7 runs (target: 1000 ms)"
