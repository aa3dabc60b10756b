/*
 * net/engine.h - the discrete-event engine: simulated time, the event heap,
 * timers, the error message and the stop flag.
 *
 * Time is uint64_t picoseconds (100 Gb/s = 80 ps per byte, exact). Events are
 * intrusive: an object embeds a struct net_event per role (a link's head
 * arrival, a port's transmit-complete, a QP's RTO) and re-arms it, so the heap
 * never allocates and never holds more than one entry per role. The heap is
 * 4-ary, keyed by (time, insertion sequence) so equal times fire in the order
 * they were scheduled; each event stores its heap index so cancel and re-arm
 * are O(log n) (libevent's minheap idea). The engine knows nothing of packets.
 */
#ifndef PKTSIM_NET_ENGINE_H
#define PKTSIM_NET_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <signal.h>

#define NET_PS_PER_NS 1000ull
#define NET_PS_PER_US 1000000ull
#define NET_PS_PER_MS 1000000000ull
#define NET_PS_PER_S  1000000000000ull
#define NET_TIME_NEVER UINT64_MAX

/* Result codes: 0 is success; every failure is negative and leaves a
 * message in the engine (net_errmsg). */
enum {
	NET_OK = 0,
	NET_ERR_INVAL = -1,   /* bad argument or configuration */
	NET_ERR_NOMEM = -2,   /* allocation failed */
	NET_ERR_IO = -3,      /* file could not be read or written */
	NET_ERR_STATE = -4,   /* call not valid in the object's state */
	NET_ERR_STOPPED = -5, /* run stopped by the stop flag */
};

struct net_engine;
struct net_event;

/* An event handler; the event is no longer pending when it runs. */
typedef void (*net_event_fn)(struct net_engine *eng, struct net_event *ev);

struct net_event {
	uint64_t time_ps;
	uint32_t heap_idx;       /* NET_EVENT_IDLE when not pending */
	net_event_fn fn;
	void *arg;               /* owner's pointer, untouched by the engine */
};
#define NET_EVENT_IDLE UINT32_MAX

/* (time, seq) as one 128-bit key: compared without branches (GCC/Clang). */
typedef unsigned __int128 net_key_t;

struct net_heap_ent {
	net_key_t key;           /* time_ps << 64 | insertion sequence */
	struct net_event *ev;
};

struct net_engine {
	uint64_t now_ps;
	uint64_t seq;            /* insertion sequence, the tie-breaker */
	uint64_t events;         /* events executed */
	struct net_heap_ent *heap;
	uint32_t n, cap;
	volatile sig_atomic_t *stop_flag; /* optional: runs return when it is set */
	struct net_event *running;  /* handler running, its entry still at the root */
	int halt;                   /* set by a handler: net_engine_run_some returns after it */
	int failed;                 /* first scheduling failure; stops the run */
	char errmsg[512];
};

int net_engine_init(struct net_engine *eng);
void net_engine_fini(struct net_engine *eng);

static inline uint64_t net_now(const struct net_engine *eng) { return eng->now_ps; }

static inline void net_event_init(struct net_event *ev, net_event_fn fn, void *arg)
{
	ev->time_ps = 0;
	ev->heap_idx = NET_EVENT_IDLE;
	ev->fn = fn;
	ev->arg = arg;
}

static inline int net_event_pending(const struct net_event *ev)
{
	return ev->heap_idx != NET_EVENT_IDLE;
}

/* Arm ev at absolute time at_ps (>= now). Re-arming a pending event moves it
 * (and gives it a new sequence number, as if cancelled and scheduled).
 * Returns NET_ERR_NOMEM if the heap cannot grow, NET_ERR_INVAL for a time in
 * the past; either is also remembered in eng->failed, and the run stops
 * with it after the current handler (so the packet path, which cannot
 * recover a lost wake-up, need not check every call). */
int net_event_schedule(struct net_engine *eng, struct net_event *ev, uint64_t at_ps);
void net_event_cancel(struct net_engine *eng, struct net_event *ev);

/* Run events until the heap is empty, the next event is after until_ps, or
 * the stop flag is set (NET_ERR_STOPPED). Time advances to the last event run
 * (run_until leaves now = until_ps when the heap drains or passes it). */
int net_engine_run(struct net_engine *eng);
int net_engine_run_until(struct net_engine *eng, uint64_t until_ps);
uint64_t net_engine_next_time(const struct net_engine *eng);
/* The same in a bounded slice, for callers that must come back between
 * slices (the server): at most max_events, and stop after any event whose
 * handler set eng->halt (cleared on return). *more: 1 if it stopped for
 * the budget or the halt with events still due by until_ps; 0 when it ran
 * out of events up to until_ps (now then = until_ps unless NET_TIME_NEVER).
 * Returns NET_OK or the engine's failure. */
int net_engine_run_some(struct net_engine *eng, uint64_t until_ps, uint64_t max_events,
			int *more);

/* Error message (SQLite style): the last failure's explanation. */
void net_seterr(struct net_engine *eng, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline const char *net_errmsg(const struct net_engine *eng) { return eng->errmsg; }

/* Format a message into a caller's (err, errlen) buffer; a NULL or empty
 * buffer is allowed (the message is dropped). Every layer's loaders use it. */
void net_fmt_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Serialization time of `bytes` at rate_bps, rounded up to a whole ps.
 * 128-bit: bytes x 8e12 passes 2^64 from 2.3 MB (a PFC pause of 65,535
 * quanta is 4.2 MB of bit times). */
static inline uint64_t net_ser_ps(uint64_t bytes, uint64_t rate_bps)
{
	unsigned __int128 bits_ps = (unsigned __int128)bytes * 8u * NET_PS_PER_S;
	return (uint64_t)((bits_ps + rate_bps - 1) / rate_bps);
}

/* The same, truncated to whole ns (in ps): the ns-3 clock's arithmetic. */
static inline uint64_t net_ser_trunc_ns(uint64_t bytes, uint64_t rate_bps)
{
	unsigned __int128 bits_ns = (unsigned __int128)bytes * 8u * 1000000000u;
	return (uint64_t)(bits_ns / rate_bps) * 1000u;
}

#endif
