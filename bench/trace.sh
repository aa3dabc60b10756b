#!/bin/sh
# bench/trace.sh - how fast the trace converters stream, and in how much
# memory: a ring all-reduce of 17 MB on a k = 4 fat-tree with DCQCN and PFC,
# fully traced (about 10.2 million records, 80 MB), then `trace stats`,
# `trace pcap` (.pcapng, .pcap.gz), `trace perfetto` (.json.gz) and
# `trace plot` on it.
# Prints records per second and peak RSS per converter.
#
#   sh bench/trace.sh        (needs python3 for the timing; ~1 minute)
set -eu
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
cat >"$out/trace10m.yaml" <<YAML
seed: 1
topology: {kind: fat-tree, k: 4, link: {rate: 100Gbps, delay: 1us}}
fabric: {pfc: {enabled: true}, cc: {algorithm: dcqcn}}
workload:
  collectives:
    - {op: all-reduce, size: 17MB, algorithm: ring, chunks: 4}
YAML
./pktsim run "$out/trace10m.yaml" --trace "$out/trace10m.trace" >/dev/null
records=$(./pktsim trace info "$out/trace10m.trace" | awk '/^records:/ { print $2 }')
echo "trace: $records records, $(wc -c <"$out/trace10m.trace") bytes"
python3 - "$records" "$out" <<'PY'
import subprocess, sys, time
records, out = int(sys.argv[1]), sys.argv[2]
t = out + "/trace10m.trace"
runs = [("stats", ["stats", t, "-o", out + "/trace10m.stats.txt"]),
        ("pcap -> .pcapng", ["pcap", t, "-o", out + "/trace10m.pcapng"]),
        ("pcap -> .pcap.gz", ["pcap", t, "-o", out + "/trace10m.pcap.gz"]),
        ("perfetto -> .json.gz", ["perfetto", t, "-o", out + "/trace10m.json.gz"]),
        ("plot (two passes)", ["plot", t, "-o", out + "/trace10m-plots"])]
print("%-22s %8s %12s %9s" % ("converter", "wall_s", "records/s", "RSS_MiB"))
# Peak RSS from the child's own VmHWM, polled: rusage would count the
# Python interpreter it was forked from.
for name, args in runs:
    t0 = time.time()
    p = subprocess.Popen(["./pktsim", "trace"] + args, stdout=subprocess.DEVNULL)
    hwm = 0
    while p.poll() is None:
        try:
            for line in open("/proc/%d/status" % p.pid):
                if line.startswith("VmHWM:"):
                    hwm = max(hwm, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.01)
    dt = time.time() - t0
    if p.returncode:
        sys.exit("%s failed" % name)
    print("%-22s %8.2f %12.0f %9.1f" % (name, dt, records / dt, hwm / 1024))
PY
