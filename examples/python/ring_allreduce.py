#!/usr/bin/env python3
"""A ring all-reduce posted message by message over `pktsim serve`.

p ranks on one switch; the data is cut into p chunks of size/p bytes; in
each of 2(p - 1) steps every rank sends one chunk to the next rank, and a
rank sends its step-s+1 chunk as soon as its step-s chunk has arrived (the
reduce-scatter, then the all-gather). Prints the time each rank finished
and the collective's time (the last arrival).

    pktsim serve &                        # listening on 127.0.0.1:7421
    python3 examples/python/ring_allreduce.py --hosts 4 --size 4000000
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pktsim_client import Client  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=7421)
    ap.add_argument("--hosts", type=int, default=4)
    ap.add_argument("--size", type=int, default=4000000, help="bytes per rank")
    ap.add_argument("--rate", default="100Gbps")
    ap.add_argument("--delay", default="1us")
    a = ap.parse_args()
    p = a.hosts
    chunk = a.size // p
    steps = 2 * (p - 1)
    c = Client.connect(a.host, a.port)
    c.call("load", yaml="topology: {kind: switch, hosts: %d, link: {rate: %s, delay: %s}}\n"
           % (p, a.rate, a.delay))
    # Every receive up front (tag = step); each rank's first send now.
    for r in range(p):
        for s in range(steps):
            c.call("recv", src=(r - 1) % p, dst=r, bytes=chunk, tag=s)
    for r in range(p):
        c.call("send", src=r, dst=(r + 1) % p, bytes=chunk, tag=0)
    finished = {}
    while len(finished) < p:
        reply, events = c.run("run_next")
        for e in events:
            if e["event"] != "recv_done":
                continue
            r, s = e["dst"], e["tag"]
            if s + 1 < steps:
                c.call("send", src=r, dst=(r + 1) % p, bytes=chunk, tag=s + 1)
            else:
                finished[r] = e["t_ps"]
        if reply.get("idle") and len(finished) < p:
            sys.exit("the simulation went idle before every rank finished")
    for r in range(p):
        print("rank %d finished at %.3f us" % (r, finished[r] / 1e6))
    print("all-reduce of %d bytes on %d ranks: %.3f us" % (a.size, p, max(finished.values()) / 1e6))
    c.close()


if __name__ == "__main__":
    main()
