#!/bin/sh
# tests/ns3_compat.sh - `pktsim run --ns3 config.txt` runs the HPCC ns-3
# example directories of examples/ns3/ unchanged (from a copy, as the ns-3
# program runs from its directory), and writes FCT and PFC files that a
# reader of that code's formats parses:
#
#  - one-flow: 1 MB from host 0 to host 1 through one switch, 100 Gb/s,
#    1 us links, 1000 B payload + 48 B headers = 1048 B frames of 83.84 ns,
#    60 B ACKs of 4.8 ns. The last frame leaves host 0 at 999 x 83.84 ns,
#    reaches host 1 after two serializations and two delays, and its ACK
#    returns in 2 x 4.8 ns + 2 us: FCT = 1001 x 83.84 + 2000 + 9.6 + 2000 =
#    87933.44 ns, printed as 87933. The standalone FCT, by the HPCC code's
#    formula: 2 x 2000 ns + 2 x 80 ns (a payload per hop) + 1,048,000 B at
#    100 Gb/s (83840 ns) = 88000 ns. IPs 0b000001 / 0b000101, source port
#    10000, the flow file's dport 100 and start 2 s.
#    With --truncate-ns, ns-3's own arithmetic: a frame takes floor(83.84) =
#    83 ns and an ACK floor(4.8) = 4 ns, so the last frame leaves at
#    999 x 83, arrives after 2 x 83 + 2000, and its ACK returns in 2 x 4 +
#    2000: FCT = 1001 x 83 + 2000 + 8 + 2000 = 87091 ns; the standalone
#    estimate does not change.
#  - incast: 8 x 1 MB into host 0 with a 2 MiB switch buffer: every line of
#    the PFC file parses, PAUSEs and RESUMEs pair up per (node, port), the
#    last word on every paused port is a RESUME, nothing is dropped; the
#    CNPs are flags on ACKs, one per CE mark, no CNP packets.
#  - fattree-perm: a k = 4 fat-tree permutation: one FCT line per flow, with
#    the flow's addresses and size.
# And config errors name the file, line and key.
set -u
TESTNAME=ns3
. "${SRCDIR:-.}/tests/testlib.sh"
need python3

# run NAME: copy examples/ns3/NAME and run it there.
run() {
	cp -r "$SRCDIR/examples/ns3/$1" "$T/$1" && chmod -R u+w "$T/$1"
	(cd "$T/$1" && "$PKTSIM" run --ns3 config.txt --json >summary.json 2>err) ||
		{ bad "$1" "run failed: $(cat "$T/$1/err")"; return 1; }
}

cat >"$T/reader.py" <<'EOF'
import json, sys
def ip(i):
    return "%08x" % (0x0b000001 + ((i // 256) << 16) + ((i % 256) << 8))
def fct_lines(d):
    out = []
    for n, line in enumerate(open(d + "/fct.txt"), 1):
        f = line.split()
        assert len(f) == 8, "fct.txt:%d: %d fields" % (n, len(f))
        int(f[0], 16), int(f[1], 16)
        assert len(f[0]) == 8 and len(f[1]) == 8, "fct.txt:%d: IPs are 8 hex digits" % n
        out.append((f[0], f[1]) + tuple(int(x) for x in f[2:]))
    return out
def flows(d):
    lines = open(d + "/flow.txt").read().split("\n")
    return [tuple(l.split()) for l in lines[1:1 + int(lines[0])]]
def pfc_lines(d):
    out = []
    for n, line in enumerate(open(d + "/pfc.txt"), 1):
        f = [int(x) for x in line.split()]
        assert len(f) == 5 and f[2] in (0, 1) and f[4] in (0, 1) and f[3] >= 1, "pfc.txt:%d" % n
        out.append(f)
    return out
EOF
export PYTHONPATH="$T"

if run one-flow; then
	if out=$(python3 - "$T/one-flow" <<'EOF'
import sys
from reader import fct_lines, ip
l = fct_lines(sys.argv[1])
want = [(ip(0), ip(1), 10000, 100, 1000000, 2000000000, 87933, 88000)]
if l != want:
    print("fct.txt %s, expected %s" % (l, want)); sys.exit(1)
if open(sys.argv[1] + "/pfc.txt").read():
    print("PFC frames on an uncongested path"); sys.exit(1)
EOF
	); then ok one_flow_closed_form; else bad one_flow_closed_form "$out"; fi
	if (cd "$T/one-flow" && "$PKTSIM" run --ns3 config.txt --truncate-ns >/dev/null 2>err) &&
		[ "$(cat "$T/one-flow/fct.txt")" = "0b000001 0b000101 10000 100 1000000 2000000000 87091 88000" ]
	then ok one_flow_ns3_arithmetic
	else bad one_flow_ns3_arithmetic "$(cat "$T/one-flow/fct.txt" "$T/one-flow/err")"; fi
fi

if run incast; then
	if out=$(python3 - "$T/incast" <<'EOF'
import json, sys
from reader import fct_lines, pfc_lines, flows, ip
d = sys.argv[1]
s = json.load(open(d + "/summary.json"))
fl, l, p = flows(d), fct_lines(d), pfc_lines(d)
errs = []
if sorted((a, b, size) for a, b, _, _, size, _, _, _ in l) != sorted((ip(int(f[0])), ip(int(f[1])), int(f[4])) for f in fl):
    errs.append("fct.txt flows %s differ from flow.txt" % l)
c = s["counters"]
if c["drops"] != 0:
    errs.append("%d drops with PFC" % c["drops"])
# The CNP is a flag on the ACK of each CE-marked packet: one per mark, and
# nothing on the wire but 8000 data packets and their 8000 ACKs.
if c["cnps"] != c["ecn_marks"] or not c["ecn_marks"]:
    errs.append("%d CNP flags for %d marks" % (c["cnps"], c["ecn_marks"]))
if c["packets_sent"] != 16000:
    errs.append("%d packets sent, expected 8000 data + 8000 ACKs" % c["packets_sent"])
if not p:
    errs.append("no PFC frames in an 8-to-1 incast on a 2 MiB buffer")
state = {}
for t, node, kind, port, typ in p:
    key = (node, port)
    if typ == 0 and state.get(key) != 1:
        errs.append("RESUME at %d on %s without a PAUSE" % (t, key))
    state[key] = typ
if any(v == 1 for v in state.values()):
    errs.append("ports left paused: %s" % [k for k, v in state.items() if v == 1])
pauses = sum(1 for x in p if x[4] == 1)
# The first PAUSE, from the MMU's threshold: the switch has 9 ports, each
# with a 4096 B reserve and 3 x 12500 B of headroom (3 one-way BDPs), so the
# pool is 2 MiB - 337500 - 36864 = 1722788 B and an ingress pauses when its
# shared part s reaches (1722788 - 8 s) / 8: s = 1722788 / 16 = 107674.25 B.
# Each ingress grows at 100 - 100/8 Gb/s = 10.9375 B/ns from the first
# arrival (2 s + 1083.84 ns), so it holds 4096 + s after 10219 ns; the PAUSE
# (43 B) then reaches its host 1003.44 ns later: 2,000,012,306 ns, within
# two frame times (frames arrive whole).
want = 2000000000 + 1083.84 + (4096 + 1722788 / 16) / 10.9375 + 1003.44
if abs(p[0][0] - want) > 2 * 83.84:
    errs.append("first PAUSE at %d ns, expected %.0f +- 168 by the MMU threshold" % (p[0][0], want))
if pauses != s["counters"]["pfc_pauses"] or len(p) - pauses != s["counters"]["pfc_resumes"]:
    errs.append("pfc.txt %d/%d, summary %d/%d" % (pauses, len(p) - pauses, s["counters"]["pfc_pauses"], s["counters"]["pfc_resumes"]))
if errs:
    print("; ".join(errs[:4])); sys.exit(1)
EOF
	); then ok incast_pfc_pairs; else bad incast_pfc_pairs "$out"; fi
fi

if run fattree-perm; then
	if out=$(python3 - "$T/fattree-perm" <<'EOF'
import sys
from reader import fct_lines, flows, ip
d = sys.argv[1]
l, fl = fct_lines(d), flows(d)
got = sorted((a, b, size, start) for a, b, _, _, size, start, _, _ in l)
want = sorted((ip(int(f[0])), ip(int(f[1])), int(f[4]), 2000000000) for f in fl)
if got != want:
    print("fct.txt %s, expected %s" % (got, want)); sys.exit(1)
if any(fct < 80000 for *_, fct, _ in l):
    print("an FCT below 1 MB at 100 Gb/s"); sys.exit(1)
EOF
	); then ok fattree_fct_lines; else bad fattree_fct_lines "$out"; fi
fi

# RATE_BOUND 0: DCQCN still computes rates but data leaves at the line rate,
# so the incast is work-conserving: the bottleneck sends the 8000 frames back
# to back from the first arrival (83.84 + 1000 ns), the last reaches host 0
# at 1083.84 + 8000 x 83.84 + 1000 ns, and its ACK returns in 2 x 4.8 +
# 2000 ns: the last FCT is 674813.44 ns, printed 674813.
if [ -d "$T/incast" ]; then
	rm -rf "$T/unbound" && cp -r "$T/incast" "$T/unbound"
	sed 's/^RATE_BOUND .*/RATE_BOUND 0/' "$T/incast/config.txt" >"$T/unbound/config.txt"
	if (cd "$T/unbound" && "$PKTSIM" run --ns3 config.txt >/dev/null 2>err) &&
		[ "$(awk '{ print $7 }' "$T/unbound/fct.txt" | sort -n | tail -1)" = 674813 ]
	then ok rate_bound_0_work_conserving
	else bad rate_bound_0_work_conserving "$(cat "$T/unbound/fct.txt" "$T/unbound/err")"; fi
fi

# HAS_WIN 1: each QP keeps at most one BDP in flight. Every pair here is 2
# hops: base RTT 2 x 2000 + 2 x 80 ns = 4160 ns, x 100 Gb/s / 8 = 52000 B,
# the pair's (GLOBAL_T 0) and the largest (GLOBAL_T 1) alike: 52 frames of
# 1048 B. So an ingress holds at most 54496 B, under the 111770 B at which
# the MMU pauses it (see the first-PAUSE check): no PAUSE at all, and the
# queue to host 0 stays under 8 x 54496 = 435968 B.
if [ -d "$T/incast" ]; then
	for gt in 0 1; do
		rm -rf "$T/win" && cp -r "$T/incast" "$T/win"
		sed "s/^HAS_WIN .*/HAS_WIN 1/; s/^GLOBAL_T .*/GLOBAL_T $gt/" "$T/incast/config.txt" \
			>"$T/win/config.txt"
		if (cd "$T/win" && "$PKTSIM" run --ns3 config.txt --json >summary.json 2>err) &&
			out=$(python3 - "$T/win" <<'EOF'
import json, sys
d = sys.argv[1]
s = json.load(open(d + "/summary.json"))
c = s["counters"]
q = max(p["max_queue_bytes"] for p in s["ports"])
lines = open(d + "/fct.txt").read().split("\n")
if c["pfc_pauses"] or c["drops"] or q > 435968 or len(lines) != 9:
    print("pauses %d, drops %d, deepest queue %d B, %d FCT lines" % (c["pfc_pauses"], c["drops"], q, len(lines) - 1))
    sys.exit(1)
EOF
			); then ok "window_global_t_$gt"
		else bad "window_global_t_$gt" "${out:-$(cat "$T/win/err")}"; fi
	done
fi

# The queue monitor from 2.0 s to 2.1 s: a sample every 100 ns (1,000,001
# of them, both ends included), dumped at 2.0 s (after one) and 2.1 s. One
# flow never queues (each frame leaves as the next arrives), so every sample
# of both switch ports is in bucket 0. In the incast, each port's counts add
# up to 1,000,001 and the deepest bucket is at most the deepest queue / 1000.
qmon() {
	rm -rf "$T/q$1" && cp -r "$T/$1" "$T/q$1"
	sed 's/^SIMULATOR_STOP_TIME .*/SIMULATOR_STOP_TIME 2.2/' "$T/$1/config.txt" >"$T/q$1/config.txt"
	printf 'QLEN_MON_FILE qlen.txt\nQLEN_MON_START 2000000000\nQLEN_MON_END 2100000000\n' \
		>>"$T/q$1/config.txt"
	(cd "$T/q$1" && "$PKTSIM" run --ns3 config.txt --json >summary.json 2>err)
}
if [ -d "$T/one-flow" ] && qmon one-flow; then
	if [ "$(tr '\n' '|' <"$T/qone-flow/qlen.txt")" = \
	     "time: 2000000000|2 1 1|2 2 1|time: 2100000000|2 1 1000001|2 2 1000001|" ]
	then ok qlen_monitor_one_flow
	else bad qlen_monitor_one_flow "$(cat "$T/qone-flow/qlen.txt")"; fi
fi
if [ -d "$T/incast" ] && qmon incast; then
	if out=$(python3 - "$T/qincast" <<'EOF'
import json, sys
d = sys.argv[1]
s = json.load(open(d + "/summary.json"))
maxq = {(p["node"], p["port"] + 1): p["max_queue_bytes"] for p in s["ports"]}
lines = open(d + "/qlen.txt").read().split("\n")
i = lines.index("time: 2100000000")
errs = []
for l in lines[i + 1:i + 10]:
    f = [int(x) for x in l.split()]
    c = f[2:]
    if sum(c) != 1000001:
        errs.append("switch %d port %d: %d samples" % (f[0], f[1], sum(c)))
    if len(c) - 1 > maxq.get((f[0], f[1]), 0) // 1000:
        errs.append("switch %d port %d: bucket %d above the deepest queue" % (f[0], f[1], len(c) - 1))
if len(lines[i + 1].split()) < 100:
    errs.append("the port to host 0 never queued: %s" % lines[i + 1][:80])
if errs:
    print("; ".join(errs[:4]))
    sys.exit(1)
EOF
	); then ok qlen_monitor_incast; else bad qlen_monitor_incast "$out"; fi
fi

# ACK_HIGH_PRIO 0: ACKs wait in the data class at the NIC, but ahead of the
# QPs. Host 0 receives two flows (at most one data frame per 83.84 ns in, so
# at most one ACK made per data frame it sends) while sending its own: each
# ACK waits at most for the frame on the wire, so the port never holds more
# than two ACKs (120 B). Taking turns with the QP instead, ACKs would pile up
# (22 here).
if [ -d "$T/incast" ]; then
	rm -rf "$T/ackq" && cp -r "$T/incast" "$T/ackq"
	sed 's/^ACK_HIGH_PRIO .*/ACK_HIGH_PRIO 0/' "$T/incast/config.txt" >"$T/ackq/config.txt"
	printf '3\n1 0 3 100 1000000 2.0\n2 0 3 100 1000000 2.0\n0 3 3 100 1000000 2.0\n' \
		>"$T/ackq/flow.txt"
	if (cd "$T/ackq" && "$PKTSIM" run --ns3 config.txt --trace t.trace >/dev/null 2>err &&
		"$PKTSIM" trace stats t.trace --csv --table ports >ports.csv 2>>err) &&
		q=$(awk -F, '$1 == 0 { print $11 }' "$T/ackq/ports.csv") && [ -n "$q" ] && [ "$q" -le 120 ]
	then ok acks_ahead_of_qps
	else bad acks_ahead_of_qps "host 0 queue ${q:-?} B: $(cat "$T/ackq/err")"; fi
fi

# Source ports count from 10000 per (src, dst) pair, as that code numbers
# them: 1->0 twice gets 10000 and 10001, 2->0 and 1->3 get 10000 each.
if [ -d "$T/incast" ]; then
	rm -rf "$T/ports" && cp -r "$T/incast" "$T/ports"
	printf '4\n1 0 3 100 10000 2.0\n1 0 3 100 10000 2.0\n2 0 3 100 10000 2.0\n1 3 3 100 10000 2.0\n' \
		>"$T/ports/flow.txt"
	if (cd "$T/ports" && "$PKTSIM" run --ns3 config.txt >/dev/null 2>err) &&
		[ "$(awk '{ print $1, $2, $3 }' "$T/ports/fct.txt" | sort | tr '\n' ' ')" = \
		  "0b000101 0b000001 10000 0b000101 0b000001 10001 0b000101 0b000301 10000 0b000201 0b000001 10000 " ]
	then ok sport_per_pair
	else bad sport_per_pair "$(cat "$T/ports/fct.txt" "$T/ports/err")"; fi
fi

# ERROR_RATE_PER_LINK 0.001 loses packets on links the topology gives no
# rate: about 4 of the ~4000 packet-hops (mean 4: 1 to 16 is 6 sigma), each
# recovered by a NACK and go-back-N, and the flow still completes.
if [ -d "$T/one-flow" ]; then
	rm -rf "$T/lossy" && cp -r "$T/one-flow" "$T/lossy"
	sed 's/^ERROR_RATE_PER_LINK .*/ERROR_RATE_PER_LINK 0.001/' "$T/one-flow/config.txt" \
		>"$T/lossy/config.txt"
	if (cd "$T/lossy" && "$PKTSIM" run --ns3 config.txt --json >summary.json 2>err) &&
		out=$(python3 - "$T/lossy" <<'EOF'
import json, sys
d = sys.argv[1]
c = json.load(open(d + "/summary.json"))["counters"]
lines = open(d + "/fct.txt").read().split("\n")
if not 1 <= c["drops"] <= 16 or c["retransmits"] < c["drops"] or len(lines) != 2:
    print("drops %d, retransmits %d, fct lines %d" % (c["drops"], c["retransmits"], len(lines) - 1))
    sys.exit(1)
EOF
		); then ok error_rate_per_link
	else bad error_rate_per_link "${out:-$(cat "$T/lossy/err")}"; fi
fi

# L2_BACK_TO_ZERO 1 with 4000-byte chunks: on a lossy link the flow still
# completes (1 MB is 250 whole chunks) with every byte delivered once; a
# 1,000,500-byte message is not a whole number of chunks, so, as in that
# code, its acknowledgements never reach its size and it never completes
# (no FCT line by the stop time).
if [ -d "$T/one-flow" ]; then
	rm -rf "$T/b0" && cp -r "$T/one-flow" "$T/b0"
	sed 's/^ERROR_RATE_PER_LINK .*/ERROR_RATE_PER_LINK 0.001/; s/^L2_BACK_TO_ZERO .*/L2_BACK_TO_ZERO 1/' \
		"$T/one-flow/config.txt" >"$T/b0/config.txt"
	if (cd "$T/b0" && "$PKTSIM" run --ns3 config.txt --json >summary.json 2>err) &&
		python3 -c "
import json, sys
c = json.load(open('$T/b0/summary.json'))['counters']
sys.exit(0 if c['drops'] >= 1 and c['retransmits'] >= c['drops'] and c['bytes_delivered'] == 1000000 else 1)" &&
		[ "$(wc -l <"$T/b0/fct.txt")" -eq 1 ]
	then ok back_to_zero_recovers
	else bad back_to_zero_recovers "$(cat "$T/b0/fct.txt" "$T/b0/err")"; fi
	sed 's/ 1000000 / 1000500 /' "$T/one-flow/flow.txt" >"$T/b0/flow.txt"
	sed -i 's/^ERROR_RATE_PER_LINK .*/ERROR_RATE_PER_LINK 0/' "$T/b0/config.txt"
	if (cd "$T/b0" && "$PKTSIM" run --ns3 config.txt >/dev/null 2>err) && [ ! -s "$T/b0/fct.txt" ]
	then ok back_to_zero_partial_chunk_never_completes
	else bad back_to_zero_partial_chunk_never_completes "$(cat "$T/b0/fct.txt" "$T/b0/err")"; fi
fi

# refuse NAME LINE MESSAGE: config.txt with LINE appended fails naming it.
refuse() {
	rm -rf "$T/bad" && cp -r "$T/one-flow" "$T/bad"
	printf '%s\n' "$2" >>"$T/bad/config.txt"
	n=$(wc -l <"$T/bad/config.txt")
	if (cd "$T/bad" && "$PKTSIM" run --ns3 config.txt >/dev/null 2>err); then
		bad "$1" "accepted $2"
	elif ! grep -q "config.txt:$n: $3" "$T/bad/err"; then
		bad "$1" "$(cat "$T/bad/err")"
	else
		ok "$1"
	fi
}
if [ -d "$T/one-flow" ]; then
	refuse other_cc "CC_MODE 3" "CC_MODE: 3 (HPCC) is not modelled by pktsim yet"
	refuse chunk_size "L2_CHUNK_SIZE 1500
L2_BACK_TO_ZERO 1" "L2_BACK_TO_ZERO: needs L2_CHUNK_SIZE, a positive multiple"
	refuse short_map "KMAX_MAP 2 100000000000 1600" "KMAX_MAP: says 2 entries, so 4 values"
	refuse bad_rate "RATE_AI fast" "RATE_AI:"
	refuse no_value "BUFFER_SIZE" "BUFFER_SIZE: missing its value"
	# ECN maps without the links' rate: refused, as that code asserts.
	rm -rf "$T/bad" && cp -r "$T/one-flow" "$T/bad"
	sed 's/^\(K[MAXIN]*_MAP\) .*/\1 1 25000000000 400/; s/^PMAX_MAP .*/PMAX_MAP 1 25000000000 0.2/' \
		"$T/one-flow/config.txt" >"$T/bad/config.txt"
	if (cd "$T/bad" && "$PKTSIM" run --ns3 config.txt >/dev/null 2>err) ||
		! grep -q "no thresholds are given for the 100000000000 b/s links" "$T/bad/err"; then
		bad ecn_map_missing_rate "$(cat "$T/bad/err")"
	else ok ecn_map_missing_rate; fi
	# without KEY: refused, naming it (DCTCP_RATE_AI must not pass for RATE_AI)
	for key in FLOW_FILE RATE_AI RP_TIMER; do
		rm -rf "$T/bad" && cp -r "$T/one-flow" "$T/bad"
		grep -v "^$key " "$T/one-flow/config.txt" >"$T/bad/config.txt"
		if (cd "$T/bad" && "$PKTSIM" run --ns3 config.txt >/dev/null 2>err) ||
			! grep -q "config.txt: $key is missing" "$T/bad/err"; then
			bad "no_$key" "$(cat "$T/bad/err")"
		else ok "no_$key"; fi
	done
fi

[ "$fails" -eq 0 ]
