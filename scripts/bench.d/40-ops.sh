#!/usr/bin/env bash
# The console's ops side, against moto_server on this machine: AWS calls per
# refresh for 1, 10 and 50 services (target: ceil(n/10) DescribeServices and
# nothing else with names from the stack outputs, one ListServices page more
# with --cluster); the refresh interval while deploying and when steady;
# rows keeping their order; launch to services shown (config and first
# refresh, target 150 ms); log follow latency under polling (target 2 s);
# the heap after following 1,000,000 log lines (target: flat, under 100 MB).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v moto_server >/dev/null || { echo "   moto_server is not on PATH (moto[server] 5.x): the ops benchmarks need it"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/ops.test" ./ops
bench() { "$tmp/ops.test" -test.run '^$' -test.bench "$1" -test.benchtime "$2" | grep -E '^(Benchmark|--- FAIL|FAIL)' | sed 's/^/   /'; }
{
  bench '^(BenchmarkRefreshCalls|BenchmarkRefreshInterval|BenchmarkRowOrder|BenchmarkLaunchToServices)$' 20x
  bench '^BenchmarkLogFollowLatency$' 10x
  bench '^BenchmarkLogMemory$' 1x
} | tee "$tmp/out"
metric() { awk -v b="$1" -v m="$2" '$1 ~ b { for (i = 2; i <= NF; i++) if ($i == m) print $(i-1) }' "$tmp/out"; }
for n in 1 10 50; do
  printf '   refresh of %2d services: %s calls with names from the outputs (target %d), %s with --cluster (target %d)\n' \
    "$n" "$(metric "outputs/services=$n-" calls/refresh)" $(( (n + 9) / 10 )) "$(metric "cluster/services=$n-" calls/refresh)" $(( (n + 9) / 10 + 1 ))
done
echo "   refresh interval: $(metric RefreshInterval s-deploying) s while deploying, $(metric RefreshInterval s-steady) s when steady, $(metric RefreshInterval s-throttled-once) s after a throttled refresh"
echo "   rows out of order across $(metric RowOrder refreshes) shuffled refreshes: $(metric RowOrder order-changes) (target 0)"
echo "   launch to services shown (10 services): $(metric LaunchToServices ms-to-services) ms (target 150 ms)"
echo "   log follow latency, polling every $(metric LogFollowLatency s-interval) s: mean $(metric LogFollowLatency ms-mean) ms, max $(metric LogFollowLatency ms-max) ms (target 2000 ms)"
echo "   heap following 1,000,000 log lines: live $(metric LogMemory MB-live-at-100k) MB at 100k lines, $(metric LogMemory MB-live-at-1M) MB at 1M, at most $(metric LogMemory MB-live-max) MB, peak in use $(metric LogMemory MB-heap-peak) MB, $(metric LogMemory MB-heap-after) MB at the end (target: flat, under 100 MB)"
! grep -q FAIL "$tmp/out"
