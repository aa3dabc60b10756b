#!/bin/sh
# tests/trace_perfetto.sh - `pktsim trace perfetto` writes Trace Event JSON
# that a standard JSON parser reads, in which every event has the fields its
# phase needs, complete slices nest on each track, dependency arrows start
# inside the slice of the message waited for and end where the waiting one
# starts, and the counters say what `trace stats` says: the deepest queue of
# each port, its bytes (the utilization counter integrated over time, times
# the rate), PAUSE/RESUME frames, drops and CNPs.
set -u
TESTNAME=perfetto
. "${SRCDIR:-.}/tests/testlib.sh"
need python3

cat >"$T/lossy.yaml" <<EOF
seed: 3
topology: {kind: switch, hosts: 5, link: {rate: 100Gbps, delay: 1us}}
fabric: {buffer: 200KB, cc: {algorithm: none}}
workload:
  flows:
    - {src: 1, dst: 0, size: 300KB}
    - {src: 2, dst: 0, size: 300KB}
    - {src: 3, dst: 0, size: 300KB}
EOF

check() {
	name=$1 exp=$2
	shift 2
	if ! "$PKTSIM" run "$exp" --json --trace "$T/$name.trace" >"$T/$name.sum.json" 2>"$T/err"; then
		bad "$name" "run failed: $(cat "$T/err")"
		return
	fi
	"$PKTSIM" trace stats "$T/$name.trace" --csv --table ports >"$T/$name.ports.csv" 2>"$T/err" ||
		{ bad "$name" "stats: $(cat "$T/err")"; return; }
	"$PKTSIM" trace perfetto "$T/$name.trace" -o "$T/$name.json.gz" "$@" >/dev/null 2>"$T/err" ||
		{ bad "$name" "perfetto: $(cat "$T/err")"; return; }
	if out=$(python3 - "$T/$name" <<'EOF'
import csv, gzip, json, sys
from collections import defaultdict
base = sys.argv[1]
doc = json.load(gzip.open(base + ".json.gz", "rt"))   # a standard parser
s = json.load(open(base + ".sum.json"))
ports = {(int(r["node"]), int(r["port"])): r for r in csv.DictReader(open(base + ".ports.csv"))}
bucket_us = doc["metadata"]["bucket_ns"] / 1000.0
ev = doc["traceEvents"]
errs = []
need = {"M": ("name", "pid", "args"), "X": ("name", "pid", "tid", "ts", "dur"),
        "C": ("name", "pid", "ts", "args"), "i": ("name", "pid", "tid", "ts", "s"),
        "s": ("id", "pid", "tid", "ts"), "f": ("id", "pid", "tid", "ts", "bp")}
for e in ev:
    ph = e.get("ph")
    if ph not in need:
        errs.append("unknown phase %r" % ph); continue
    miss = [k for k in need[ph] if k not in e]
    if miss:
        errs.append("%s event without %s" % (ph, miss)); continue
    if ph in "XCisf" and not (isinstance(e["ts"], (int, float)) and e["ts"] >= 0):
        errs.append("bad ts %r" % e)
    if ph == "X" and e["dur"] < 0:
        errs.append("negative dur")
    if ph == "C" and not all(isinstance(v, (int, float)) for v in e["args"].values()):
        errs.append("non-numeric counter")
    if ph == "i" and e["s"] not in ("g", "p", "t"):
        errs.append("bad instant scope")
    if ph == "M" and "name" not in e["args"] and "sort_index" not in e["args"]:
        errs.append("metadata without a value")
# Complete slices nest per (pid, tid): sorted by start (longest first on
# ties), each starts after the enclosing one's start and ends by its end.
tracks = defaultdict(list)
for e in ev:
    if e["ph"] == "X":
        tracks[(e["pid"], e["tid"])].append((e["ts"], -e["dur"], e["ts"] + e["dur"]))
for k, sl in tracks.items():
    sl.sort()
    stack = []
    for b, nd, end in sl:
        while stack and stack[-1] <= b + 1e-9:
            stack.pop()
        if stack and end > stack[-1] + 1e-9:
            errs.append("slices overlap on track %s at %s" % (k, b)); break
        stack.append(end)
# Arrows: s inside a slice on its track, f at a slice's start on its track.
def inside(k, t, start=False):
    for b, nd, end in tracks.get(k, ()):
        if (abs(b - t) < 1e-9) if start else (b - 1e-9 <= t <= end + 1e-9):
            return True
    return False
ss = {e["id"]: e for e in ev if e["ph"] == "s"}
fs = {e["id"]: e for e in ev if e["ph"] == "f"}
if set(ss) != set(fs):
    errs.append("unpaired arrows")
for i, e in ss.items():
    f = fs.get(i)
    if not inside((e["pid"], e["tid"]), e["ts"]) or (f and not inside((f["pid"], f["tid"]), f["ts"], True)):
        errs.append("arrow %s not bound to slices" % i); break
    if f and f["ts"] < e["ts"]:
        errs.append("arrow %s goes back in time" % i); break
# Counters versus trace stats, port by port.
series = defaultdict(list)
for e in ev:
    if e["ph"] == "C" and e["name"].startswith("port "):
        series[(e["pid"] - 1, int(e["name"][5:]))].append((e["ts"], e["args"]))
for (n, p), r in ports.items():
    pts = sorted(series.get((n, p), []), key=lambda x: x[0])
    if int(r["tx_packets"]) == 0:
        continue
    qmax = max(a["queue_bytes"] for _, a in pts) if pts else -1
    if r["max_queue_bytes"] and qmax != int(r["max_queue_bytes"]):
        errs.append("port %d:%d queue max %s, stats %s" % (n, p, qmax, r["max_queue_bytes"]))
    area = sum(a["utilization"] * (pts[k + 1][0] - t) for k, (t, a) in enumerate(pts[:-1]))
    got = area * 1e-6 * int(r["rate_bps"]) / 8
    if abs(got - int(r["tx_bytes"])) > 1e-6 * int(r["tx_bytes"]) + 1:
        errs.append("port %d:%d bytes from utilization %.1f, stats %s" % (n, p, got, r["tx_bytes"]))
inst = defaultdict(int)
for e in ev:
    if e["ph"] == "i":
        inst[(e["pid"] - 1, e["tid"] - 1, e["name"])] += 1
for (n, p), r in ports.items():
    for nm, col in (("PAUSE", "pfc_pauses_sent"), ("RESUME", "pfc_resumes_sent")):
        if inst[(n, p, nm)] != int(r[col]):
            errs.append("port %d:%d %s instants %d, stats %s" % (n, p, nm, inst[(n, p, nm)], r[col]))
drops = sum(v for k, v in inst.items() if k[2].startswith("drop "))
if drops != s["counters"]["drops"]:
    errs.append("drop instants %d, summary %d" % (drops, s["counters"]["drops"]))
cnps = sum(v for k, v in inst.items() if k[2] == "CNP")
if cnps != s["counters"]["cnps"]:
    errs.append("CNP instants %d, summary %d" % (cnps, s["counters"]["cnps"]))
# Messages and collectives: a slice per flow, a slice per collective as long
# as the summary says.
msgs = [e for e in ev if e["ph"] == "X" and e.get("cat") in ("message", "collective") and "flow" in e["args"]]
if s["flows"] and len(msgs) != len(s["flows"]):
    errs.append("%d message slices for %d flows" % (len(msgs), len(s["flows"])))
for c in s["collectives"]:
    sl = [e for e in ev if e["ph"] == "X" and e["args"].get("coll") == c["id"] and "npus" in e["args"]]
    if len(sl) != 1 or abs(sl[0]["dur"] * 1000 - c["time_ns"]) >= 1.0:  # ns truncation
        errs.append("collective %d slice %s, summary %s ns" % (c["id"], sl and sl[0]["dur"], c["time_ns"]))
    if not ss:
        errs.append("a collective without dependency arrows")
print("; ".join(errs[:5]))
sys.exit(1 if errs else 0)
EOF
	); then ok "$name"; else bad "$name" "$out"; fi
}

check incast_dcqcn_pfc "$SRCDIR/examples/trace-incast.yaml"
check incast_packets "$SRCDIR/examples/trace-incast.yaml" --packets --bucket 250ns
check lossy_incast "$T/lossy.yaml"
check ring_allreduce "$SRCDIR/examples/collective-ring.yaml"

[ "$fails" -eq 0 ]
