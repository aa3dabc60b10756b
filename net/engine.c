/*
 * net/engine.c - 4-ary min-heap of intrusive events keyed by (time, seq).
 *
 * Cost: schedule and cancel are O(log4 n) with at most 4 comparisons per level
 * on the way down; entries carry their keys inline so a sift touches only the
 * heap array, not the events (each move writes the event's index back).
 *
 * Most handlers re-arm their own event (a wire's next arrival, a
 * transmitter's next free time). The run loop therefore leaves the running
 * event's entry at the root while its handler runs: a re-arm then replaces
 * the root and sifts once, instead of a pop and a push. This is safe because
 * the stale root keeps the smallest key in the heap (time = now, an older
 * sequence than anything scheduled since), so no other operation moves it;
 * if the handler does not re-arm, the loop pops it afterwards.
 */
#include "net/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int net_engine_init(struct net_engine *eng)
{
	memset(eng, 0, sizeof(*eng));
	eng->cap = 256;
	eng->heap = malloc(eng->cap * sizeof(*eng->heap));
	if (!eng->heap) {
		eng->cap = 0;
		return NET_ERR_NOMEM;
	}
	return NET_OK;
}

void net_engine_fini(struct net_engine *eng)
{
	if (!eng)
		return;
	for (uint32_t i = 0; i < eng->n; i++)
		eng->heap[i].ev->heap_idx = NET_EVENT_IDLE;
	free(eng->heap);
	eng->heap = NULL;
	eng->n = eng->cap = 0;
}

void net_seterr(struct net_engine *eng, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(eng->errmsg, sizeof(eng->errmsg), fmt, ap);
	va_end(ap);
}

void net_fmt_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static inline net_key_t mkkey(uint64_t t, uint64_t seq)
{
	return (net_key_t)t << 64 | seq;
}

static inline uint64_t key_time(net_key_t k)
{
	return (uint64_t)(k >> 64);
}

static void sift_up(struct net_heap_ent *h, uint32_t i, struct net_heap_ent e)
{
	while (i > 0) {
		uint32_t p = (i - 1) >> 2;
		if (e.key >= h[p].key)
			break;
		h[i] = h[p];
		h[i].ev->heap_idx = i;
		i = p;
	}
	h[i] = e;
	e.ev->heap_idx = i;
}

/* Index of the smallest of the up to four children starting at c; written
 * with selects, not branches, because which child wins is unpredictable. */
static inline uint32_t min_child(const struct net_heap_ent *h, uint32_t c, uint32_t n)
{
	uint32_t best = c;
	net_key_t bk = h[c].key;
	uint32_t end = c + 4 < n ? c + 4 : n;
	for (uint32_t k = c + 1; k < end; k++) {
		net_key_t kk = h[k].key;
		int lt = kk < bk;
		best = lt ? k : best;
		bk = lt ? kk : bk;
	}
	return best;
}

/* Fill the hole at i with e. Bottom-up (Floyd): walk the hole down along
 * the smallest children to a leaf, then sift e up from there. A re-armed or
 * last element usually belongs near the bottom, so this saves comparing
 * against e on every level on the way down. */
static void sift_down(struct net_heap_ent *h, uint32_t n, uint32_t i, struct net_heap_ent e)
{
	uint32_t c;
	while ((c = (i << 2) + 1) < n) {
		uint32_t b = min_child(h, c, n);
		h[i] = h[b];
		h[i].ev->heap_idx = i;
		i = b;
	}
	sift_up(h, i, e);
}

static void heap_remove(struct net_engine *eng, uint32_t i)
{
	struct net_heap_ent *h = eng->heap;
	h[i].ev->heap_idx = NET_EVENT_IDLE;
	eng->n--;
	if (i == eng->n)
		return;
	struct net_heap_ent last = h[eng->n];
	if (i > 0 && last.key < h[(i - 1) >> 2].key)
		sift_up(h, i, last);
	else
		sift_down(h, eng->n, i, last);
}

int net_event_schedule(struct net_engine *eng, struct net_event *ev, uint64_t at_ps)
{
	if (at_ps < eng->now_ps) {
		net_seterr(eng, "event scheduled in the past (%llu ps < now %llu ps)",
			   (unsigned long long)at_ps, (unsigned long long)eng->now_ps);
		if (!eng->failed)
			eng->failed = NET_ERR_INVAL;
		return NET_ERR_INVAL;
	}
	struct net_heap_ent e = { mkkey(at_ps, eng->seq++), ev };
	ev->time_ps = at_ps;
	if (ev == eng->running) {
		eng->running = NULL;
		sift_down(eng->heap, eng->n, 0, e);
		return NET_OK;
	}
	if (ev->heap_idx != NET_EVENT_IDLE) {
		/* Re-arm in place: the new key may move either way. */
		uint32_t i = ev->heap_idx;
		if (i > 0 && e.key < eng->heap[(i - 1) >> 2].key)
			sift_up(eng->heap, i, e);
		else
			sift_down(eng->heap, eng->n, i, e);
		return NET_OK;
	}
	if (eng->n == eng->cap) {
		uint32_t ncap = eng->cap ? eng->cap * 2 : 256;
		struct net_heap_ent *nh = realloc(eng->heap, (size_t)ncap * sizeof(*nh));
		if (!nh) {
			net_seterr(eng, "out of memory growing the event heap to %u", ncap);
			if (!eng->failed)
				eng->failed = NET_ERR_NOMEM;
			return NET_ERR_NOMEM;
		}
		eng->heap = nh;
		eng->cap = ncap;
	}
	sift_up(eng->heap, eng->n++, e);
	return NET_OK;
}

void net_event_cancel(struct net_engine *eng, struct net_event *ev)
{
	if (ev->heap_idx != NET_EVENT_IDLE)
		heap_remove(eng, ev->heap_idx);
}

uint64_t net_engine_next_time(const struct net_engine *eng)
{
	return eng->n ? key_time(eng->heap[0].key) : NET_TIME_NEVER;
}

/* Run the earliest event. Its handler may re-arm it in place of the root
 * (eng->running tells); if it did not, the stale root is popped now. */
static inline void run_root(struct net_engine *eng)
{
	struct net_heap_ent *h = eng->heap;
	struct net_event *ev = h[0].ev;
	eng->now_ps = key_time(h[0].key);
	ev->heap_idx = NET_EVENT_IDLE;
	eng->running = ev;
	eng->events++;
	ev->fn(eng, ev);
	if (eng->running == ev) {
		eng->running = NULL;
		h = eng->heap;
		if (--eng->n)
			sift_down(h, eng->n, 0, h[eng->n]);
	}
}

int net_engine_run_until(struct net_engine *eng, uint64_t until_ps)
{
	struct net_heap_ent *h;
	/* Checking the stop flag every 4096 events keeps its cost off the hot path. */
	uint32_t tick = 0;
	while (eng->n) {
		h = eng->heap;
		if (key_time(h[0].key) > until_ps)
			break;
		if (eng->stop_flag && (++tick & 4095u) == 0 && *eng->stop_flag)
			return NET_ERR_STOPPED;
		run_root(eng);
		if (eng->failed)
			return eng->failed;
	}
	if (eng->stop_flag && *eng->stop_flag)
		return NET_ERR_STOPPED;
	if (until_ps != NET_TIME_NEVER && eng->now_ps < until_ps)
		eng->now_ps = until_ps;
	return NET_OK;
}

int net_engine_run_some(struct net_engine *eng, uint64_t until_ps, uint64_t max_events,
			int *more)
{
	*more = 0;
	eng->halt = 0;
	for (uint64_t k = 0; eng->n && key_time(eng->heap[0].key) <= until_ps; k++) {
		if (k == max_events || eng->halt) {
			eng->halt = 0;
			*more = 1;
			return NET_OK;
		}
		run_root(eng);
		if (eng->failed)
			return eng->failed;
	}
	if (eng->halt) {
		/* The last event due halted: nothing more is due, but the
		 * caller asked to hear of it before time moves on. */
		eng->halt = 0;
		return NET_OK;
	}
	if (until_ps != NET_TIME_NEVER && eng->now_ps < until_ps)
		eng->now_ps = until_ps;
	return NET_OK;
}

int net_engine_run(struct net_engine *eng)
{
	return net_engine_run_until(eng, NET_TIME_NEVER);
}
