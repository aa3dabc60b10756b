#!/bin/sh
# tests/serve_python.sh - the Python client (examples/python/pktsim_client.py)
# against `pktsim serve`: an experiment's flows posted over the socket, as
# `pktsim run` posts them (a receive and a timer at each flow's start, in
# file order; the send when the timer comes), complete at exactly the times
# `pktsim run --json` reports, to the ps; and the ring all-reduce example
# runs to the end on 4 ranks. Needs python3 with msgpack (Debian's
# python3-msgpack), which CI installs.
set -u
TESTNAME=serve-py
. "${SRCDIR:-.}/tests/testlib.sh"

PY=""
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import msgpack' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	if [ "${CI:-}" = true ]; then
		echo "not ok python3_msgpack: CI must install python3-msgpack (tools/setup.sh test)"
		exit 1
	fi
	echo "SKIP: no python3 with msgpack"
	exit 77
fi

cat >"$T/wl.yaml" <<EOF
seed: 3
topology: {kind: switch, hosts: 4, link: {rate: 100Gbps, delay: 1us}}
fabric: {buffer: 300KB, pfc: {enabled: true}, ecn: {kmin: 20KB, kmax: 80KB}, cc: {algorithm: dcqcn}}
workload:
  flows:
    - {src: 1, dst: 0, size: 200KB}
    - {src: 2, dst: 0, size: 200KB, start: 1500ns}
    - {src: 3, dst: 0, size: 100KB, start: 4us}
    - {src: 0, dst: 3, size: 300KB, start: 1500ns}
EOF
"$PKTSIM" run "$T/wl.yaml" --json >"$T/run.json" 2>"$T/err" || bad run "$(cat "$T/err")"

"$PKTSIM" serve --listen 127.0.0.1:0 >"$T/ready" 2>"$T/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$T"' EXIT
i=0
while ! grep -q "^listening on" "$T/ready" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
port=$(sed -n 's/^listening on .*://p' "$T/ready")
[ -n "$port" ] || { bad serve_started "$(cat "$T/serve.log")"; exit 1; }

if out=$(PYTHONPATH="$SRCDIR/examples/python" "$PY" - "$port" "$T/wl.yaml" "$T/run.json" <<'EOF'
import json, sys
from pktsim_client import Client
port, yaml_path, run_json = int(sys.argv[1]), sys.argv[2], sys.argv[3]
want = json.load(open(run_json))["flows"]
c = Client.connect("127.0.0.1", port)
c.call("load", yaml=open(yaml_path).read(), workload=False)
timer_of, recv_of = {}, {}
for i, f in enumerate(want):
    recv_of[c.call("recv", src=f["src"], dst=f["dst"], bytes=f["size_bytes"], tag=i)["id"]] = i
    timer_of[c.call("schedule", delay_ps=f["start_ps"])["id"]] = i
send_of, start, done, got = {}, {}, {}, {}
while True:
    reply, events = c.run("run_next")
    for e in events:
        if e["event"] == "timer":
            i = timer_of[e["id"]]
            start[i] = e["t_ps"]
            f = want[i]
            r = c.call("send", src=f["src"], dst=f["dst"], bytes=f["size_bytes"], tag=i)
            send_of[r["id"]] = i
        elif e["event"] == "send_done":
            done[send_of[e["id"]]] = e["t_ps"]
        elif e["event"] == "recv_done":
            got[recv_of[e["id"]]] = e["t_ps"]
    if reply["idle"]:
        break
errs = []
for i, f in enumerate(want):
    if done.get(i, -1) - start[i] != f["fct_ps"] or got.get(i, -1) - start[i] != f["delivered_ps"]:
        errs.append("flow %d: fct %s / delivered %s over the socket, %s / %s by pktsim run"
                    % (i, done.get(i, -1) - start[i], got.get(i, -1) - start[i], f["fct_ps"], f["delivered_ps"]))
stats = c.call("stats")
if stats["counters"]["messages_done"] != len(want):
    errs.append("stats: %d messages done" % stats["counters"]["messages_done"])
c.close()
print("; ".join(errs))
sys.exit(1 if errs else 0)
EOF
); then ok python_workload_equals_run; else bad python_workload_equals_run "$out"; fi

if out=$("$PY" "$SRCDIR/examples/python/ring_allreduce.py" --port "$port" --hosts 4 --size 400000 2>&1) &&
	echo "$out" | grep -q "all-reduce of 400000 bytes on 4 ranks: "; then ok ring_allreduce_example
else bad ring_allreduce_example "$out"; fi

# The external policy: the client decides at every monitor interval (5 us)
# while simulated time waits. With step 1, action -1 halves the rate and
# 0.1 raises it by 10%, so the next observation of a flow shows exactly the
# rate the last action made (rate_fraction x 1/2 or x 1.1, within the 1 Gb/s
# floor and the line rate), decisions come 5 us apart, and a client that
# does not answer within policy_timeout_ms gets a policy_timeout event while
# the rule policy decides for it.
if out=$(PYTHONPATH="$SRCDIR/examples/python" "$PY" - "$port" <<'EOF'
import sys
from pktsim_client import Client
port = int(sys.argv[1])
exp = """topology: {kind: switch, hosts: 5, link: {rate: 100Gbps, delay: 1us}}
fabric: {buffer: 1MB, ecn: {kmin: 20KB, kmax: 80KB},
         cc: {algorithm: learned, preset: external, step: 1, interval: 5us, min_rate: 1Gbps}}
"""
c = Client.connect("127.0.0.1", port)
c.policy = lambda obs: -1.0 if obs["cnps"] > 0 else 0.1
c.call("load", yaml=exp, policy_timeout_ms=10000)
for src in range(1, 5):
    c.call("recv", src=src, dst=0, bytes=200000)
    c.call("send", src=src, dst=0, bytes=200000)
while not c.run("run_next")[0]["idle"]:
    pass
errs, last = [], {}
for ev, act in c.decisions:
    f, obs = ev["flow"], ev["obs"]
    if f in last:
        t0, r0, a0 = last[f]
        want = min(1.0, max(0.01, r0 * (0.5 if a0 < 0 else 1.1)))
        if abs(obs["rate_fraction"] - want) > 1e-9 or ev["t_ps"] - t0 != 5000000:
            errs.append("flow %d at %d: rate %.6f, expected %.6f (after %+.1f at %d)"
                        % (f, ev["t_ps"], obs["rate_fraction"], want, a0, t0))
    last[f] = (ev["t_ps"], obs["rate_fraction"], act)
if sum(1 for ev, a in c.decisions if a < 0) == 0 or len(c.decisions) < 8:
    errs.append("%d decisions, none halving" % len(c.decisions))
c.close()
# Unanswered: the rule decides after the timeout, and the run goes on.
c = Client.connect("127.0.0.1", port)
c.call("load", yaml=exp, policy_timeout_ms=50)
c.call("send", src=1, dst=0, bytes=100000)
timeouts, rounds = 0, 0
while True:
    reply, evs = c.run("run_next")
    timeouts += sum(1 for e in evs if e["event"] == "policy_timeout")
    rounds += 1
    if reply["idle"] or rounds > 50:
        break
if not timeouts or c.call("stats")["counters"]["messages_done"] != 1:
    errs.append("unanswered: %d timeouts, run %s" % (timeouts, reply))
c.close()
print("; ".join(errs[:4]))
sys.exit(1 if errs else 0)
EOF
); then ok external_policy; else bad external_policy "$out"; fi

kill "$pid"
wait "$pid"
st=$?
# SIGTERM ends the loop; the server exits 0 after closing its sessions.
if [ "$st" -eq 0 ]; then ok server_stops_cleanly; else bad server_stops_cleanly "exit $st: $(tail -3 "$T/serve.log")"; fi
[ "$fails" -eq 0 ]
