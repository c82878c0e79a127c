# Start-up of `ecsdeck --version` with the whole dependency set linked in:
# median wall time and peak memory over 30 runs (targets: 50 ms, 60 MB).
set -euo pipefail
ls -l bin/ecsdeck | awk '{printf "   binary: %.0f MB\n", $5/1048576}'
ECSDECK_BIN="$PWD/bin/ecsdeck" go test -run '^$' -bench '^BenchmarkStartupVersion$' -benchtime 30x ./cli | grep -E '^Benchmark' | sed 's/^/   /'
