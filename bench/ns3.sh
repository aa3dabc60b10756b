#!/bin/sh
# bench/ns3.sh - an HPCC ns-3 experiment directory run with `pktsim run
# --ns3`: a k = 8 fat-tree (128 hosts, 80 switches, 100 Gb/s, 1 us links),
# every host sending 10 MB to another (a fixed permutation without fixed
# points), DCQCN with the HPCC code's run.py values. Writes the directory
# (config.txt, topology.txt, flow.txt) to bench/out/ns3-k8/, runs it there,
# and prints the wall time, packet-hops and packet-hops per second, and the
# FCT file's spread.
#
#   sh bench/ns3.sh          (needs python3 to write the files; ~1 minute)
set -eu
cd "$(dirname "$0")/.."
d=bench/out/ns3-k8
mkdir -p "$d"
python3 - "$d" <<'PY'
import sys
d, k = sys.argv[1], 8
h, e, a, c = k ** 3 // 4, k * k // 2, k * k // 2, (k // 2) ** 2
edge0, agg0, core0 = h, h + e, h + e + a
links = []
for pod in range(k):
    for i in range(k // 2):
        sw = edge0 + pod * (k // 2) + i
        for j in range(k // 2):
            links.append((pod * (k * k // 4) + i * (k // 2) + j, sw))
        for j in range(k // 2):
            links.append((sw, agg0 + pod * (k // 2) + j))
    for i in range(k // 2):
        ag = agg0 + pod * (k // 2) + i
        for j in range(k // 2):
            links.append((ag, core0 + i * (k // 2) + j))
n = h + e + a + c
with open(d + "/topology.txt", "w") as f:
    f.write("%d %d %d\n%s\n" % (n, n - h, len(links), " ".join(map(str, range(h, n)))))
    f.writelines("%d %d 100Gbps 0.001ms 0\n" % l for l in links)
perm = [(i * 37 + 11) % h for i in range(h)]
assert sorted(perm) == list(range(h)) and all(p != i for i, p in enumerate(perm))
with open(d + "/flow.txt", "w") as f:
    f.write("%d\n" % h)
    f.writelines("%d %d 3 100 10000000 2.0\n" % (i, perm[i]) for i in range(h))
with open(d + "/config.txt", "w") as f:
    f.write("""CC_MODE 1
ENABLE_QCN 1
PACKET_PAYLOAD_SIZE 1000
TOPOLOGY_FILE topology.txt
FLOW_FILE flow.txt
FCT_OUTPUT_FILE fct.txt
PFC_OUTPUT_FILE pfc.txt
SIMULATOR_STOP_TIME 4.0
ALPHA_RESUME_INTERVAL 1
RATE_DECREASE_INTERVAL 4
CLAMP_TARGET_RATE 0
RP_TIMER 300
EWMA_GAIN 0.00390625
FAST_RECOVERY_TIMES 1
RATE_AI 20Mb/s
RATE_HAI 200Mb/s
MIN_RATE 1000Mb/s
L2_ACK_INTERVAL 1
L2_BACK_TO_ZERO 0
HAS_WIN 0
RATE_BOUND 1
ACK_HIGH_PRIO 1
KMAX_MAP 1 100000000000 1600
KMIN_MAP 1 100000000000 400
PMAX_MAP 1 100000000000 0.2
BUFFER_SIZE 32
""")
PY
cd "$d"
../../../pktsim run --ns3 config.txt --json --stats >summary.json
python3 - <<'PY'
import json
s = json.load(open("summary.json"))
c = s["counters"]
fct = sorted(int(l.split()[6]) for l in open("fct.txt"))
print("k=8 fat-tree permutation, 128 x 10 MB, --ns3 (DCQCN):")
print("  wall %.2f s, %d packet-hops, %.2f M packet-hops/s, %d events, peak RSS %.1f MiB"
      % (s["wall_s"], c["packet_hops"], c["packet_hops"] / s["wall_s"] / 1e6, s["events"],
         s.get("peak_rss_kb", 0) / 1024))
print("  %d FCT lines: min %.1f us, median %.1f us, max %.1f us; ECN marks %d, PFC pauses %d"
      % (len(fct), fct[0] / 1e3, fct[len(fct) // 2] / 1e3, fct[-1] / 1e3, c["ecn_marks"],
         c["pfc_pauses"]))
PY
