#!/bin/sh
# tests/trace_plot.sh - `pktsim trace plot` draws what happened, bucket by
# bucket, checked against values derived by hand and against `trace stats`:
#
#  - one 100 KB flow host1 -> switch -> host0 at 100 Gb/s, 1 us links, no CC:
#    100 frames of 1062 B (1000 B payload), 84.96 ns each, back to back. The
#    sender is busy 0..8.496 us, so with 1 us buckets its utilization is 1
#    in buckets 0-7 and 0.496 in bucket 8. Frame i reaches host0 over
#    [2084.96 + 84.96 i, 2169.92 + 84.96 i] ns, so goodput is
#    100 x 1000/1062 = 94.161959 Gb/s in buckets 3-9, 0.91504 of that in
#    bucket 2 and 0.58096 of it in bucket 10. The switch queue holds one
#    frame (1062 B) from the first arrival (1084.96 ns) to the last
#    (9496 ns): buckets 1-9. The CC rate is the line rate throughout.
#  - two such flows into host0: frames arrive in pairs every 84.96 ns from
#    1084.96 ns and one leaves, so just before the pair k is forwarded the
#    queue holds k + 2 frames: the deepest in bucket b is
#    (floor(((b + 1) us - 1084.96 ns) / 84.96 ns) + 2) x 1062 B, up to 101
#    frames (107262 B) at the last pair; the two goodputs add up to 94.161959
#    Gb/s while host0's link is saturated.
#  - the DCQCN + PFC incast example: each queue line's maximum is the port's
#    max in `trace stats`, the busy time under each utilization row is the
#    port's bytes at its rate, and each flow's goodput integrates to its size.
# Plus: every SVG parses as XML with a line per CSV column; a time window
# shows the same buckets as the whole run; the output is byte-identical run
# to run; and bad arguments, an empty window, a damaged trace and a file in
# the way of the directory are refused without leaving files behind.
set -u
TESTNAME=plot
. "${SRCDIR:-.}/tests/testlib.sh"
need python3

for n in 1 2; do
	{
		echo "seed: 1"
		echo "topology: {kind: switch, hosts: 3, link: {rate: 100Gbps, delay: 1us}}"
		echo "fabric: {buffer: 10MB, cc: {algorithm: none}}"
		echo "workload:"
		echo "  flows:"
		echo "    - {src: 1, dst: 0, size: 100KB}"
		[ "$n" = 2 ] && echo "    - {src: 2, dst: 0, size: 100KB}"
	} >"$T/flows$n.yaml"
	"$PKTSIM" run "$T/flows$n.yaml" --trace "$T/flows$n.trace" >/dev/null 2>"$T/err" ||
		bad "run_flows$n" "$(cat "$T/err")"
done

# plot NAME TRACE ARGS...: plot into $T/NAME, failing the check on error.
plot() {
	name=$1 trace=$2
	shift 2
	"$PKTSIM" trace plot "$trace" -o "$T/$name" "$@" >"$T/$name.log" 2>"$T/err" ||
		{ bad "$name" "trace plot: $(cat "$T/err")"; return 1; }
}

# A shared reader: CSV columns as lists (None for empty cells).
cat >"$T/plotlib.py" <<'EOF'
import csv, math, sys, xml.etree.ElementTree as ET
def cols(path):
    rows = list(csv.reader(open(path)))
    head, body = rows[0], rows[1:]
    out = {h: [] for h in head}
    for r in body:
        for h, v in zip(head, r):
            out[h].append(float(v) if v != "" else None)
    return out
def close(a, b, tol=2e-6):
    return a is not None and abs(a - b) <= tol * max(1.0, abs(b))
EOF
export PYTHONPATH="$T"

if plot one "$T/flows1.trace" --bucket 1us; then
	python3 - "$T/one" <<'EOF' && ok one_flow_by_hand || bad one_flow_by_hand "see above"
import sys
from plotlib import cols, close
d = sys.argv[1]
u, g, q, r = (cols(d + f) for f in ("/utilization.csv", "/throughput.csv", "/queues.csv", "/rate.csv"))
errs = []
if u["time_ns"] != [1000.0 * b for b in range(13)]:
    errs.append("buckets %s, expected 0..12 us (the run ends at 12.59152 us)" % u["time_ns"])
util = [1.0] * 8 + [0.496] + [0.0] * 4
gp = 100 * 1000 / 1062
good = [0, 0, gp * 0.91504] + [gp] * 7 + [gp * 0.58096, 0, 0]
queue = [0] + [1062] * 9 + [0] * 3
for b in range(13):
    if not close(u["host1.p0"][b], util[b]):
        errs.append("bucket %d: sender utilization %s, expected %s" % (b, u["host1.p0"][b], util[b]))
    if not close(g["flow0"][b], good[b]):
        errs.append("bucket %d: goodput %s, expected %.6f" % (b, g["flow0"][b], good[b]))
    if q["switch3.p0"][b] != queue[b]:
        errs.append("bucket %d: switch queue %s, expected %d" % (b, q["switch3.p0"][b], queue[b]))
    if r["flow0"][b] != 100.0:
        errs.append("bucket %d: rate %s, expected 100" % (b, r["flow0"][b]))
if errs:
    print("\n".join(errs[:6]))
sys.exit(1 if errs else 0)
EOF
fi

if plot two "$T/flows2.trace" --bucket 1us; then
	python3 - "$T/two" <<'EOF' && ok incast_queue_by_hand || bad incast_queue_by_hand "see above"
import math, sys
from plotlib import cols, close
d = sys.argv[1]
q, g = cols(d + "/queues.csv"), cols(d + "/throughput.csv")
errs = []
if list(q)[1] != "switch3.p0":
    errs.append("the deepest queue should come first: %s" % list(q))
for b in range(1, 9):
    frames = min(math.floor(((b + 1) * 1000 - 1084.96) / 84.96) + 2, 101)
    if q["switch3.p0"][b] != frames * 1062:
        errs.append("bucket %d: queue %s, expected %d frames = %d B" % (b, q["switch3.p0"][b], frames, frames * 1062))
if max(q["switch3.p0"]) != 101 * 1062:
    errs.append("peak %s, expected 101 frames = 107262 B" % max(q["switch3.p0"]))
for b in range(3, 18):
    s = g["flow0"][b] + g["flow1"][b]
    if not close(s, 100 * 1000 / 1062, 4e-6):
        errs.append("bucket %d: goodputs add up to %s, expected 94.161959" % (b, s))
if errs:
    print("\n".join(errs[:6]))
sys.exit(1 if errs else 0)
EOF
	# The window shows the buckets of the whole run, queue depth included
	# (rebuilt from time 0, not from the window's start).
	if plot window "$T/flows2.trace" --bucket 1us --start 5us --end 8us; then
		sed -n '7,9p' "$T/two/queues.csv" >"$T/whole"
		sed -n '2,$p' "$T/window/queues.csv" >"$T/part"
		if cmp -s "$T/whole" "$T/part"; then ok window_same_buckets
		else bad window_same_buckets "$(cat "$T/part") vs $(cat "$T/whole")"; fi
	fi
	# --flows picks the flows drawn.
	if plot oneflow "$T/flows2.trace" --flows 1; then
		if [ "$(head -1 "$T/oneflow/throughput.csv")" = "time_ns,flow1" ]; then ok flows_filter
		else bad flows_filter "$(head -1 "$T/oneflow/throughput.csv")"; fi
	fi
fi

# The incast example against trace stats.
"$PKTSIM" run "$SRCDIR/examples/trace-incast.yaml" --json --trace "$T/incast.trace" >"$T/incast.json" \
	2>"$T/err" ||
	bad run_incast "$(cat "$T/err")"
"$PKTSIM" trace stats "$T/incast.trace" --csv --table ports >"$T/ports.csv" 2>"$T/err" &&
	"$PKTSIM" trace stats "$T/incast.trace" --csv --table flows >"$T/flows.csv" 2>>"$T/err" ||
	bad stats_incast "$(cat "$T/err")"
if plot incast "$T/incast.trace"; then
	python3 - "$T/incast" "$T" <<'EOF' && ok incast_equals_stats || bad incast_equals_stats "see above"
import csv, json, sys, xml.etree.ElementTree as ET
from plotlib import cols
d, t = sys.argv[1], sys.argv[2]
def pname(r):
    n = int(r["node"])
    return "%s%d.p%s" % ("host" if n < 5 else "switch", n, r["port"])
ports = {pname(r): r for r in csv.DictReader(open(t + "/ports.csv"))}
flows = {"flow" + r["flow"]: r for r in csv.DictReader(open(t + "/flows.csv"))}
end_ps = json.load(open(t + "/incast.json"))["sim_time_ps"]
q, u, g, rt = (cols(d + f) for f in ("/queues.csv", "/utilization.csv", "/throughput.csv", "/rate.csv"))
times = q["time_ns"]
bw = times[1] - times[0]
lens = [bw] * (len(times) - 1) + [end_ps / 1000 - times[-1]]   # the last bucket is shorter
errs = []
if bw != 2000 or len(times) != -(-end_ps // 2000000):
    errs.append("%d buckets of %s ns, expected 2 us (the run / 400, rounded up to 1-2-5)" % (len(times), bw))
deep = sorted((int(r["max_queue_bytes"]) for r in ports.values() if int(r["max_queue_bytes"]) > 0), reverse=True)
names = list(q)[1:]
if [max(q[n]) for n in names] != deep[:8]:
    errs.append("queue maxima %s, stats %s" % ([max(q[n]) for n in names], deep[:8]))
for n in names:
    if max(q[n]) != int(ports[n]["max_queue_bytes"]):
        errs.append("%s: plotted max %s, stats %s" % (n, max(q[n]), ports[n]["max_queue_bytes"]))
if len(u) - 1 != len(ports):
    errs.append("%d heat-map rows for %d ports that sent" % (len(u) - 1, len(ports)))
for n in list(u)[1:]:
    busy = sum(v * l for v, l in zip(u[n], lens))
    want = int(ports[n]["tx_bytes"]) * 8 / int(ports[n]["rate_bps"]) * 1e9
    if abs(busy - want) > 1e-6 * end_ps / 1000:
        errs.append("%s: busy %.3f ns, stats' bytes take %.3f ns" % (n, busy, want))
for n in list(g)[1:]:
    got = sum(v * l / 8 for v, l in zip(g[n], lens))
    want = int(flows[n]["size_bytes"])
    if abs(got - want) > 1e-6 * end_ps / 1000:
        errs.append("%s: goodput integrates to %.3f B, size %d" % (n, got, want))
    if rt[n][0] != 100.0:
        errs.append("%s: first rate %s, expected the line rate" % (n, rt[n][0]))
for f, c in (("queues", q), ("throughput", g), ("rate", rt)):
    root = ET.parse(d + "/%s.svg" % f).getroot()
    paths = root.findall("{http://www.w3.org/2000/svg}path")
    if len(paths) != len(c) - 1:
        errs.append("%s.svg: %d lines for %d columns" % (f, len(paths), len(c) - 1))
root = ET.parse(d + "/utilization.svg").getroot()
texts = [e.text for e in root.iter("{http://www.w3.org/2000/svg}text")]
for n in list(u)[1:]:
    if not any(x and x.startswith(n + " ") for x in texts):
        errs.append("utilization.svg: no row label for %s" % n)
if len(root.findall("{http://www.w3.org/2000/svg}rect")) <= len(u):
    errs.append("utilization.svg: no cells")
if errs:
    print("\n".join(errs[:6]))
sys.exit(1 if errs else 0)
EOF
fi

# Byte-identical output, run to run.
if plot again "$T/incast.trace"; then
	if diff -r "$T/incast" "$T/again" >/dev/null; then ok deterministic
	else bad deterministic "two plots of one trace differ"; fi
fi

# A trace without enq records has no queue plot, and an older queues.svg in
# the directory does not stay to pass for this run's.
cat >"$T/notx.yaml" <<EOF
seed: 1
topology: {kind: switch, hosts: 3, link: {rate: 100Gbps, delay: 1us}}
fabric: {cc: {algorithm: none}}
workload: {flows: [{src: 1, dst: 0, size: 20KB}]}
output: {trace: {file: $T/notx.trace, kinds: [tx, rx, msg_start, msg_done]}}
EOF
mkdir -p "$T/stale" && echo old >"$T/stale/queues.svg"
if "$PKTSIM" run "$T/notx.yaml" >/dev/null 2>"$T/err" && plot stale "$T/notx.trace"; then
	if [ ! -e "$T/stale/queues.svg" ] && grep -q "no queue plot: queue depths need every enq" "$T/stale.log" &&
		[ -s "$T/stale/utilization.svg" ]; then ok stale_removed
	else bad stale_removed "$(cat "$T/stale.log")"; fi
else
	bad stale_removed "run: $(cat "$T/err")"
fi

# refuse STATUS MESSAGE NAME ARGS...: fails as said and leaves no files.
refuse() {
	want=$1 msg=$2 name=$3
	shift 3
	"$PKTSIM" trace plot "$@" -o "$T/$name" >/dev/null 2>"$T/err"
	st=$?
	if [ "$st" -ne "$want" ]; then bad "$name" "exit $st, expected $want: $(cat "$T/err")"
	elif ! grep -q -- "$msg" "$T/err"; then bad "$name" "message: $(cat "$T/err")"
	elif [ -n "$(ls "$T/$name" 2>/dev/null)" ]; then bad "$name" "left files: $(ls "$T/$name")"
	else ok "$name"; fi
}
refuse 2 "at most 16" too_many_lines "$T/flows1.trace" --top 17
refuse 2 "expected a positive time" zero_bucket "$T/flows1.trace" --bucket 0
refuse 2 "expected at least 1" zero_rows "$T/flows1.trace" --rows 0
refuse 1 "nothing to plot" empty_window "$T/flows1.trace" --start 1s
refuse 1 "at most 100000" tiny_buckets "$T/flows1.trace" --bucket 1ps
refuse 2 "expected exactly one trace file" two_traces "$T/flows1.trace" "$T/flows2.trace"
echo not a directory >"$T/file_in_way"
"$PKTSIM" trace plot "$T/flows1.trace" -o "$T/file_in_way" >/dev/null 2>"$T/err"
if [ $? -eq 1 ] && grep -q "exists and is not a directory" "$T/err"; then ok file_in_the_way
else bad file_in_the_way "$(cat "$T/err")"; fi

# A damaged trace: refused with the offset, nothing written; --salvage
# plots what precedes the damage, with a warning.
size=$(wc -c <"$T/incast.trace")
head -c $((size / 2)) "$T/incast.trace" >"$T/cut.trace"
refuse 1 "truncated" truncated "$T/cut.trace"
if "$PKTSIM" trace plot "$T/cut.trace" --salvage -o "$T/salvaged" >/dev/null 2>"$T/err" &&
	grep -q "warning" "$T/err" && [ -s "$T/salvaged/queues.svg" ]; then ok salvage
else bad salvage "$(cat "$T/err")"; fi

[ "$fails" -eq 0 ]
