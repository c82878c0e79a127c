#!/usr/bin/env bash
# The terminal UI: one keystroke (Update and View of the whole screen, with
# the cost estimate recomputed) on the largest wizard page, target 5 ms; and
# the time from exec of ecsdeck in an 80×24 pseudo-terminal to its first
# frame of the home screen, target 150 ms.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${ECSDECK_BIN:-bin/ecsdeck}
[ -x "$bin" ] || go build -o "$bin" .
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
out=$(ECSDECK_BIN="$bin" go test -run '^$' -bench '^(BenchmarkKeystroke|BenchmarkFirstFrame)$' -benchtime 30x -count 1 ./tui) ||
  { echo "$out" | sed 's/^/   /'; exit 1; }
echo "$out" | grep -E '^Benchmark' | sed 's/^/   /'
echo "$out" | awk '
  /^BenchmarkKeystroke/  { for (i = 2; i <= NF; i++) if ($i == "ms/keystroke") k = $(i-1) }
  /^BenchmarkFirstFrame/ { for (i = 2; i <= NF; i++) { if ($i == "ms-median") m = $(i-1); if ($i == "ms-max") x = $(i-1) } }
  END {
    if (k == "" || m == "") { print "   (no TUI benchmark figures)"; exit 1 }
    printf "   keystroke on the largest wizard page: %.2f ms (target: 5 ms)\n", k
    printf "   exec to first frame: %.0f ms median, %.0f ms max over 30 runs (target: 150 ms)\n", m, x
  }'
