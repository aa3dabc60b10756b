#!/usr/bin/env python3
"""An external congestion-control policy over `pktsim serve`: halve the rate
after any monitor interval with a CNP, else raise it by 10%.

The experiment uses the learned algorithm with the external policy and
step 1, so that an action a maps to a rate multiplier 1 + a (a >= 0) or
1 / (1 - a) (a < 0): a = -1 halves, a = 0.1 adds 10%. The four senders of
an incast into host 0 are driven by this script while simulated time waits
for each decision. Prints each flow's completion time and how many
decisions it took.

    pktsim serve &
    python3 examples/python/halve_on_cnp.py
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pktsim_client import Client  # noqa: E402

EXPERIMENT = """
topology: {kind: switch, hosts: 5, link: {rate: 100Gbps, delay: 1us}}
fabric:
  buffer: 1MB
  ecn: {kmin: 20KB, kmax: 80KB}
  cc: {algorithm: learned, preset: external, step: 1, interval: 5us, min_rate: 1Gbps}
"""


def policy(obs):
    return -1.0 if obs["cnps"] > 0 else 0.1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=7421)
    ap.add_argument("--size", type=int, default=500000, help="bytes per sender")
    a = ap.parse_args()
    c = Client.connect(a.host, a.port)
    c.policy = policy
    c.call("load", yaml=EXPERIMENT, policy_timeout_ms=5000)
    flows = {}
    for src in range(1, 5):
        c.call("recv", src=src, dst=0, bytes=a.size)
        flows[c.call("send", src=src, dst=0, bytes=a.size)["flow"]] = src
    done = {}
    while len(done) < len(flows):
        reply, events = c.run("run_next")
        for e in events:
            if e["event"] == "send_done":
                done[e["flow"]] = e["t_ps"]
        if reply.get("idle"):
            break
    per_flow = {}
    for ev, action in c.decisions:
        per_flow[ev["flow"]] = per_flow.get(ev["flow"], 0) + 1
    for f in sorted(flows):
        print("flow %d (host %d): done at %.3f us after %d decisions"
              % (f, flows[f], done.get(f, 0) / 1e6, per_flow.get(f, 0)))
    halved = sum(1 for ev, act in c.decisions if act < 0)
    print("%d decisions, %d halvings" % (len(c.decisions), halved))
    c.close()


if __name__ == "__main__":
    main()
