"""A small client of `pktsim serve` (doc/server.md), with Debian's
python3-msgpack and nothing else.

    from pktsim_client import Client
    c = Client.connect("127.0.0.1", 7421)
    c.call("load", yaml="topology: {kind: switch, hosts: 2}\\n")
    c.call("recv", src=0, dst=1, bytes=100000)
    flow = c.call("send", src=0, dst=1, bytes=100000)["flow"]
    reply, events = c.run("run_next")

Frames are a 4-byte big-endian length and one msgpack map. `call` sends a
request and returns its reply (raising PktsimError on an error reply);
completion events met on the way are kept and handed out by `run` or
`events`.

An external congestion-control policy (an experiment with `cc: {algorithm:
learned, preset: external}`): set `client.policy` to a function of the
observation dict returning the action in [-1, 1]; each "policy" event met
while waiting for a reply is answered at once with an `act` request, while
simulated time waits.
"""
import socket
import struct

import msgpack


class PktsimError(Exception):
    """An error reply: .code (like 'bad_request') and the message."""

    def __init__(self, code, message):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message


class Client:
    def __init__(self, sock):
        self.sock = sock
        self.next_id = 1
        self.pending = []          # events not yet handed out
        self.policy = None         # obs dict -> action, for "policy" events
        self.decisions = []        # (event, action) of every decision made

    @classmethod
    def connect(cls, host="127.0.0.1", port=7421, unix=None, timeout=60):
        if unix:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(unix)
        else:
            s = socket.create_connection((host, port))
        s.settimeout(timeout)
        return cls(s)

    def _send(self, msg):
        body = msgpack.packb(msg, use_bin_type=True)
        self.sock.sendall(struct.pack(">I", len(body)) + body)

    def _read_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("pktsim serve closed the connection")
            data += chunk
        return data

    def read(self):
        """The next frame from the server, as a dict."""
        (n,) = struct.unpack(">I", self._read_exact(4))
        return msgpack.unpackb(self._read_exact(n), raw=False)

    def call(self, op, **fields):
        """Send one request; return its reply. Events that arrive first
        are kept for `run` / `events`."""
        rid = self.next_id
        self.next_id += 1
        msg = {"id": rid, "op": op}
        msg.update(fields)
        self._send(msg)
        acts = set()               # ids of act requests sent meanwhile
        while True:
            m = self.read()
            if m.get("event") == "policy" and self.policy:
                action = float(self.policy(m["obs"]))
                aid = self.next_id
                self.next_id += 1
                acts.add(aid)
                self.decisions.append((m, action))
                self._send({"id": aid, "op": "act", "flow": m["flow"], "action": action})
                continue
            if "event" in m:
                self.pending.append(m)
                continue
            if m.get("id") in acts:
                acts.discard(m["id"])
                if not m.get("ok"):
                    raise PktsimError(m.get("error"), m.get("message"))
                continue
            if m.get("id") != rid:
                raise PktsimError("protocol", "reply %r to request %d" % (m, rid))
            if not m.get("ok"):
                raise PktsimError(m.get("error"), m.get("message"))
            return m

    def events(self):
        """The events received so far, in simulated-time order (and forget
        them)."""
        ev, self.pending = self.pending, []
        return ev

    def run(self, op="run_next", **fields):
        """run_next (or run_until, with t_ps=...): (reply, events)."""
        reply = self.call(op, **fields)
        return reply, self.events()

    def close(self):
        try:
            self.call("close")
        finally:
            self.sock.close()
