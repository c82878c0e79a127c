#!/usr/bin/env bash
# The console: one refresh of 50 services handled (the console and every
# tab) and the services table drawn, in ms; and the time from starting
# ecsdeck console --cluster in tmux to the screen listing ten services,
# against moto_server warmed first (its cold start is not counted), target
# 150 ms.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v moto_server >/dev/null || { echo "   moto_server is not on PATH (moto[server] 5.x): the console benchmark needs it"; exit 1; }
command -v tmux >/dev/null || { echo "   tmux is not on PATH: the console benchmark needs it"; exit 1; }
bin=${ECSDECK_BIN:-bin/ecsdeck}
[ -x "$bin" ] || go build -o "$bin" .
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
out=$(ECSDECK_BIN="$bin" go test -run '^$' -bench '^(BenchmarkRefreshView|BenchmarkLaunchToServices)$' -benchtime 30x -count 1 ./tui/console) ||
  { echo "$out" | sed 's/^/   /'; exit 1; }
echo "$out" | grep -E '^Benchmark' | sed 's/^/   /'
echo "$out" | awk '
  /^BenchmarkRefreshView/      { for (i = 2; i <= NF; i++) if ($i == "ms/refresh") r = $(i-1) }
  /^BenchmarkLaunchToServices/ { for (i = 2; i <= NF; i++) { if ($i == "ms-median") m = $(i-1); if ($i == "ms-max") x = $(i-1) } }
  END {
    if (r == "" || m == "") { print "   (no console benchmark figures)"; exit 1 }
    printf "   refresh of 50 services handled and drawn: %.2f ms\n", r
    printf "   launch to services shown (tmux, moto warm, 10 services): %.0f ms median, %.0f ms max over 30 runs (target: 150 ms)\n", m, x
  }'
