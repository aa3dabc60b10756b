#!/bin/sh
# tests/trace_stats.sh - `pktsim trace stats` recomputes, from the trace
# alone, what the simulator counted while it ran: for every port the summary
# lists, frames, bytes, utilization, queue percentiles / mean / max, PFC
# frames and paused time; for every flow its FCT and retransmits; and the
# traffic matrix is the flows' sizes summed per host pair. Runs on a lossless
# DCQCN + PFC incast, a lossy incast with drops and retransmissions, and a
# collective on a multi-hop fabric.
set -u
TESTNAME=stats
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
    - {src: 4, dst: 0, size: 200KB, start: 5us}
EOF
cat >"$T/leafspine.yaml" <<EOF
seed: 2
topology: {kind: leaf-spine, leaves: 4, spines: 2, hosts_per_leaf: 2,
           link: {rate: 100Gbps, delay: 500ns}}
fabric: {buffer: 1MB, pfc: {enabled: true}, cc: {algorithm: dcqcn}}
workload:
  collectives:
    - {op: all-reduce, size: 2MB, algorithm: ring, chunks: 2}
EOF

compare() {
	name=$1 exp=$2
	if ! "$PKTSIM" run "$exp" --json --trace "$T/$name.trace" >"$T/$name.json" 2>"$T/err"; then
		bad "$name" "run failed: $(cat "$T/err")"
		return
	fi
	for t in ports flows matrix; do
		"$PKTSIM" trace stats "$T/$name.trace" --csv --table $t >"$T/$name.$t.csv" 2>"$T/err" ||
			{ bad "$name" "trace stats --table $t: $(cat "$T/err")"; return; }
	done
	if out=$(python3 - "$T/$name" <<'EOF'
import csv, json, sys
base = sys.argv[1]
s = json.load(open(base + ".json"))
ports = {(int(r["node"]), int(r["port"])): r for r in csv.DictReader(open(base + ".ports.csv"))}
flows = {int(r["flow"]): r for r in csv.DictReader(open(base + ".flows.csv"))}
matrix = {(int(r["src"]), int(r["dst"])): int(r["bytes"]) for r in csv.DictReader(open(base + ".matrix.csv"))}
errs = []
if not s["ports"]:
    errs.append("the summary lists no ports")
for p in s["ports"]:
    r = ports.get((p["node"], p["port"]))
    if r is None:
        errs.append("port %d:%d missing" % (p["node"], p["port"]))
        continue
    for k in ("tx_packets", "tx_bytes", "max_queue_bytes", "p50_queue_bytes", "p99_queue_bytes",
              "pfc_pauses_sent", "pfc_resumes_sent", "pfc_received"):
        if int(r[k]) != p[k]:
            errs.append("port %d:%d %s: stats %s, summary %s" % (p["node"], p["port"], k, r[k], p[k]))
    # The summary prints 6 decimals, 1 and 3 places: equal to the last digit.
    for k, tol in (("utilization", 1e-6), ("mean_queue_bytes", 0.051), ("paused_ns", 0.0011)):
        if abs(float(r[k]) - p[k]) > tol:
            errs.append("port %d:%d %s: stats %s, summary %s" % (p["node"], p["port"], k, r[k], p[k]))
drops = sum(int(r["drops"]) for r in ports.values())
if drops != s["counters"]["drops"]:
    errs.append("drops: stats %d, summary %d" % (drops, s["counters"]["drops"]))
marks = sum(int(r["ecn_marks"]) for r in ports.values())
if marks != s["counters"]["ecn_marks"]:
    errs.append("ecn marks: stats %d, summary %d" % (marks, s["counters"]["ecn_marks"]))
want = {}
for f in s["flows"]:
    r = flows.get(f["id"])
    if r is None:
        errs.append("flow %d missing" % f["id"])
        continue
    if int(r["size_bytes"]) != f["size_bytes"] or int(r["retransmits"]) != f["retransmits"]:
        errs.append("flow %d: size/retx %s/%s, summary %d/%d" % (f["id"], r["size_bytes"], r["retransmits"], f["size_bytes"], f["retransmits"]))
    if f["fct_ns"] is not None and abs(float(r["fct_ns"]) - f["fct_ns"]) > 0.0005:
        errs.append("flow %d fct: stats %s, summary %s" % (f["id"], r["fct_ns"], f["fct_ns"]))
    want[(f["src"], f["dst"])] = want.get((f["src"], f["dst"]), 0) + f["size_bytes"]
if s["flows"] and want != matrix:
    errs.append("traffic matrix differs from the flows' sizes")
if not s["flows"] and not flows:
    errs.append("no flows in the stats")
print("; ".join(errs[:6]))
sys.exit(1 if errs else 0)
EOF
	); then ok "$name"; else bad "$name" "$out"; fi
}

compare incast_dcqcn_pfc "$SRCDIR/examples/trace-incast.yaml"
compare lossy_incast "$T/lossy.yaml"
compare leafspine_allreduce "$T/leafspine.yaml"
grep -q '"retransmits": [1-9]' "$T/lossy_incast.json" && ok lossy_run_retransmits ||
	bad lossy_run_retransmits "the lossy incast should drop and retransmit"

# Without enq/tx records the queues cannot be rebuilt: said, not guessed.
cat >"$T/txless.yaml" <<EOF
topology: {kind: switch, hosts: 2}
workload: {flows: [{src: 0, dst: 1, size: 100KB}]}
output: {trace: {file: $T/txless.trace, kinds: [rx, msg_start, msg_done]}}
EOF
"$PKTSIM" run "$T/txless.yaml" >/dev/null 2>&1
"$PKTSIM" trace stats "$T/txless.trace" >"$T/txless.txt" 2>&1
grep -q "queue depths unknown" "$T/txless.txt" && ok queues_unknown_without_enq_tx ||
	bad queues_unknown_without_enq_tx "$(head -3 "$T/txless.txt")"

[ "$fails" -eq 0 ]
