/*
 * frontend/serve.h - `pktsim serve`: the NetworkAPI over a socket
 * (doc/server.md has the protocol).
 *
 * Frames are a 4-byte big-endian length and that many bytes of one msgpack
 * map. Each connection is a session with its own simulation: it loads an
 * experiment, posts sends, receives and timers, and advances simulated time
 * with run_until / run_next; completions come back as event frames, in
 * simulated-time order, before the reply to the run that produced them.
 * libevent serves the sockets only; simulated time never touches its clock.
 * A long run is cut into slices so that other sessions are served between
 * them.
 */
#ifndef PKTSIM_FE_SERVE_H
#define PKTSIM_FE_SERVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FE_SERVE_PROTOCOL 1
#define FE_SERVE_DEFAULT_PORT 7421
#define FE_SERVE_MAX_FRAME (1u << 20)          /* bytes of msgpack per frame */
#define FE_SERVE_OUT_LIMIT (64u << 20)         /* unsent bytes before a client is dropped */
#define FE_SERVE_SLICE_EVENTS 200000u          /* engine events between turns */

struct fe_serve_opts {
	const char *listen;          /* "HOST:PORT" (NULL: 127.0.0.1:7421); port 0: any */
	const char *unix_path;       /* a Unix socket instead */
	unsigned max_clients;        /* 0: 64 */
	unsigned idle_s;             /* close a session silent this long; 0: never */
	uint64_t max_output;         /* unsent bytes before a session is dropped; 0: 64 MiB */
	FILE *log;                   /* where it says what it does (stderr) */
	FILE *ready;                 /* the bound address, one line, once listening (stdout) */
};

/* Serve until SIGINT / SIGTERM. 0, or -1 with err (bad address, cannot
 * bind, out of memory). */
int fe_serve(const struct fe_serve_opts *o, char *err, size_t errlen);

#endif
