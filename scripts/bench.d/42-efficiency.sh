#!/usr/bin/env bash
# Efficiency (issue 15), each figure beside its target. Calls and downloaded
# events are counted on the wire by internal/countingproxy in front of
# moto_server, not by ecsdeck's own counters.
#  1. log follow by polling at 20 and 1,000 lines/s: events downloaded per
#     line delivered (target <= 1.5), FilterLogEvents calls/s (<= 1), p95
#     from stored to delivered (<= 1.5 s), lines lost and repeated (0);
#     lines stored 40 s late: lost by default (the follow says so), delivered
#     and marked late with the late sweep (and what the sweep costs);
#  2. calls for views not on screen, 10 s each (target 0);
#  4. one refresh of 1/12/120/500 services with 50 ms added to every call,
#     one DescribeServices at a time and eight at once;
#  5. start-up of --version and --help: median wall time and peak memory
#     over 30 runs (targets 50 ms, 60 MB), and the init work by owner.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v moto_server >/dev/null || { echo "   moto_server is not on PATH (moto[server] 5.x): the efficiency benchmarks need it"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/ops.test" ./ops
go test -c -o "$tmp/console.test" ./tui/console
{
  (cd ops && "$tmp/ops.test" -test.run '^$' -test.bench '^(BenchmarkLogFollowFetch|BenchmarkLogFollowLate)$' -test.benchtime 1x)
  (cd ops && "$tmp/ops.test" -test.run '^$' -test.bench '^BenchmarkServicesAtLatency$' -test.benchtime 3x)
  (cd tui/console && "$tmp/console.test" -test.run '^$' -test.bench '^BenchmarkBackgroundCalls$' -test.benchtime 1x)
} 2>&1 | grep -E '^(Benchmark|--- FAIL|FAIL|panic)' | sed 's/^/   /' | tee "$tmp/out"
metric() { awk -v b="$1" -v m="$2" '$1 ~ b { for (i = 2; i <= NF; i++) if ($i == m) print $(i-1) }' "$tmp/out" | head -1; }
for r in 20 1000; do
  k="LogFollowFetch/rate=$r-"
  printf '   log follow, polling, %4d lines/s: %s downloads/line (target 1.5), %s calls/s (target 1), p95 %s ms (target 1500), %s lost, %s repeated (target 0, 0) of %s lines\n' \
    "$r" "$(metric "$k" downloads/line)" "$(metric "$k" calls/s)" "$(metric "$k" ms-p95)" "$(metric "$k" lost)" "$(metric "$k" repeated)" "$(metric "$k" lines)"
done
k="LogFollowLate/late=false-"
printf '   20 lines stored 40 s late, default follow: %s lost (the follow says "lines stored late may be missed"); %s downloads/line\n' "$(metric "$k" late-lost)" "$(metric "$k" downloads/line)"
k="LogFollowLate/late=true-"
printf '   the same with the late sweep (read again at 45 s, every 30 s): %s of 20 delivered, %s marked late; %s downloads/line, %s calls/s, p95 %s ms, %s lost, %s repeated\n' \
  "$(metric "$k" late-delivered)" "$(metric "$k" marked-late)" "$(metric "$k" downloads/line)" "$(metric "$k" calls/s)" "$(metric "$k" ms-p95)" "$(metric "$k" lost)" "$(metric "$k" repeated)"
k="LogFollowLate/late=steady-"
printf '   the late sweep once lines are older than its age (5 s, every 5 s): %s downloads/line (target 1.5: the sweep reads each line once more), %s calls/s, p95 %s ms\n' \
  "$(metric "$k" downloads/line)" "$(metric "$k" calls/s)" "$(metric "$k" ms-p95)"
printf '   views not on screen, 10 s each: %s DescribeServices with logs shown, %s FilterLogEvents with services shown, %s calls with pipelines shown (target 0, 0, 0)\n' \
  "$(metric BackgroundCalls DescribeServices-on-logs)" "$(metric BackgroundCalls FilterLogEvents-on-services)" "$(metric BackgroundCalls calls-on-pipelines)"
for n in 1 12 120 500; do
  printf '   %3d services, 50 ms a call: %s ms one call at a time, %s ms eight at once (%s DescribeServices)\n' "$n" \
    "$(metric "ServicesAtLatency/services=$n/concurrency=1-" ms-median)" "$(metric "ServicesAtLatency/services=$n/concurrency=8-" ms-median)" \
    "$(metric "ServicesAtLatency/services=$n/concurrency=8-" calls/refresh)"
done
bin=${ECSDECK_BIN:-bin/ecsdeck}
[ -x "$bin" ] || go build -o "$bin" .
python3 - "$bin" <<'PY'
import os, statistics, subprocess, sys, time
bin = sys.argv[1]
for args in (["--version"], ["--help"]):
    walls, cpus, rss = [], [], []
    for _ in range(30):
        start = time.perf_counter()
        p = subprocess.Popen([bin, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((ru.ru_utime + ru.ru_stime) * 1000)
        rss.append(ru.ru_maxrss / 1024)
    print(f"   start-up of {' '.join(args)}: {statistics.median(walls):.0f} ms median (target 50 ms; {statistics.median(cpus):.0f} ms of CPU, "
          f"{os.getloadavg()[0]:.1f} load on {os.cpu_count()} cores), {statistics.median(rss):.0f} MB peak (target 60 MB)")
env = dict(os.environ, GODEBUG="inittrace=1")
owners = {}
runs = 10
for _ in range(runs):
    out = subprocess.run([bin, "--version"], env=env, capture_output=True, text=True).stderr
    for line in out.splitlines():
        f = line.split()
        if len(f) < 8 or f[0] != "init":
            continue
        pkg, ms = f[1], float(f[4])
        if pkg.startswith("ecsdeck"):
            owner = "ecsdeck (ours)"
        elif "aws-sdk-go-v2" in pkg:
            owner = "aws-sdk-go-v2 (ops, ops/lookup, cost live prices)"
        elif "pulumi-aws" in pkg:
            owner = "pulumi-aws (stack/program)"
        elif "pulumi/pulumi" in pkg or "santhosh-tekuri/jsonschema" in pkg:
            owner = "pulumi sdk + its project schema (stack/auto)"
        else:
            owner = "others (grpc, protobuf, charm, std, ...)"
        owners.setdefault(owner, [0.0, set()])
        owners[owner][0] += ms / runs
        owners[owner][1].add(pkg)
total = sum(v[0] for v in owners.values())
print(f"   init work of --version: {total:.1f} ms over {sum(len(v[1]) for v in owners.values())} packages (mean of {runs} runs), by owner:")
for owner, (ms, pkgs) in sorted(owners.items(), key=lambda kv: -kv[1][0]):
    print(f"     {ms:6.2f} ms  {len(pkgs):3d} packages  {owner}")
PY
! grep -q FAIL "$tmp/out"
