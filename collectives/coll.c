/*
 * collectives/coll.c - what every algorithm shares: building (checks, then
 * the algorithm's back end) and the analytical evaluation of a DAG.
 */
#include "collectives/coll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const coll_op_names[COLL_NOPS] = { "all-reduce", "all-gather", "reduce-scatter",
						  "all-to-all" };
const char *const coll_algo_names[COLL_NALGOS] = { "ring", "direct", "halving-doubling",
						     "double-binary-tree" };

/* Sizes a chunk's blocks: the last takes the rest. */
uint64_t coll_part(uint64_t total, uint32_t parts, uint32_t i)
{
	uint64_t base = total / parts;
	return i + 1 < parts ? base : total - base * (parts - 1);
}

int coll_build(enum coll_op op, enum coll_algo algo, uint32_t n, uint64_t size, uint32_t chunks,
	       struct coll_dag *d, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	if ((unsigned)algo >= COLL_NALGOS) {
		snprintf(err, errlen, "algorithm %u is not available (ring, direct, "
			 "halving-doubling, double-binary-tree)", algo);
		return -1;
	}
	if (n < 2 || chunks < 1) {
		snprintf(err, errlen, "a collective needs at least 2 ranks and 1 chunk (got %u, %u)",
			 n, chunks);
		return -1;
	}
	uint64_t per_chunk_min = op == COLL_ALL_GATHER ? 1 : n;
	if (size < per_chunk_min * chunks) {
		snprintf(err, errlen, "size %llu B is too small for %u chunks over %u ranks",
			 (unsigned long long)size, chunks, n);
		return -1;
	}
	if ((unsigned)op >= COLL_NOPS) {
		snprintf(err, errlen, "operation %u is not available", op);
		return -1;
	}
	if (op == COLL_ALL_TO_ALL && algo != COLL_DIRECT) {
		snprintf(err, errlen, "all-to-all runs with algorithm direct only");
		return -1;
	}
	if (algo == COLL_DOUBLE_BINARY_TREE && op != COLL_ALL_REDUCE) {
		snprintf(err, errlen, "double-binary-tree runs all-reduce only");
		return -1;
	}
	if (algo == COLL_HALVING_DOUBLING && (n & (n - 1))) {
		snprintf(err, errlen, "halving-doubling needs a power-of-two number of ranks "
			 "(got %u)", n);
		return -1;
	}
	d->op = op;
	d->algo = algo;
	d->n = n;
	d->chunks = chunks;
	d->size_bytes = size;
	int rc = algo == COLL_RING ? coll_ring_build(d)
		 : algo == COLL_DIRECT ? coll_direct_build(d)
		 : algo == COLL_HALVING_DOUBLING ? coll_hd_build(d) : coll_dbt_build(d);
	if (rc) {
		coll_dag_free(d);
		snprintf(err, errlen, "out of memory building the collective");
	}
	return rc;
}

void coll_pipeline(struct coll_dag *d)
{
	/* Reverse the ring by renaming rank r and block b to (n - x) mod n: the
	 * same DAG with other names, so it stays correct; reduce-scatter keeps
	 * its direction, as its result is tied to the names. */
	int flip = d->algo == COLL_RING && d->ndims < 2 && d->op != COLL_REDUCE_SCATTER;
	for (uint32_t i = 0; i < d->nmsgs; i++) {
		struct coll_msg *m = &d->msgs[i];
		if (m->chunk_start) {
			m->chunk_start = 0;
			m->ndeps = 0;
		}
		if (flip && (m->chunk & 1)) {
			m->src = (d->n - m->src) % d->n;
			m->dst = (d->n - m->dst) % d->n;
			m->block = (d->n - m->block) % d->n;
		}
	}
}

void coll_dag_free(struct coll_dag *d)
{
	if (!d)
		return;
	free(d->msgs);
	free(d->deps);
	memset(d, 0, sizeof(*d));
}

uint64_t coll_reduce_ps(const struct coll_sys *sys, uint64_t bytes)
{
	if (!sys->local_mem_bw_Bps)
		return 0;
	/* ASTRA-sim: 3 x floor(bytes / local-mem-bw) ns, bandwidth in GB/s = B/ns. */
	return 3 * (bytes * 1000000000ull / sys->local_mem_bw_Bps) * 1000;
}

int coll_children(const struct coll_dag *d, uint32_t **coff_out, uint32_t **child_out)
{
	uint32_t M = d->nmsgs;
	uint32_t *coff = calloc((size_t)M + 1, sizeof(*coff)), *child = calloc(d->ndeps + 1,
									     sizeof(*child));
	uint32_t *fill = calloc(M + 1, sizeof(*fill));
	if (!coff || !child || !fill) {
		free(coff);
		free(child);
		free(fill);
		*coff_out = *child_out = NULL;
		return -1;
	}
	for (uint32_t i = 0; i < M; i++)
		for (uint32_t k = 0; k < d->msgs[i].ndeps; k++)
			coff[d->deps[d->msgs[i].dep_off + k] + 1]++;
	for (uint32_t i = 0; i < M; i++)
		coff[i + 1] += coff[i];
	for (uint32_t i = 0; i < M; i++)
		for (uint32_t k = 0; k < d->msgs[i].ndeps; k++) {
			uint32_t p = d->deps[d->msgs[i].dep_off + k];
			child[coff[p] + fill[p]++] = i;
		}
	free(fill);
	*coff_out = coff;
	*child_out = child;
	return 0;
}

uint64_t coll_after(const struct coll_sys *sys, const struct coll_msg *parent,
		    const struct coll_msg *child, uint64_t t)
{
	if (parent->src != parent->dst && parent->reduce)
		t += coll_reduce_ps(sys, parent->bytes);
	/* A new chunk waits for the previous one's final endpoint delay. */
	return child->chunk_start ? t + sys->endpoint_delay_ps : t;
}

uint64_t coll_eval(const struct coll_dag *d, const struct coll_sys *sys, coll_msg_cost cost,
		   void *ctx)
{
	/* Receive times in a topological order (Kahn): a message's time
	 * depends only on its dependencies', so any such order gives the same
	 * result, whatever the ids. */
	uint32_t M = d->nmsgs, *coff, *child, *left = calloc(M + 1, sizeof(*left));
	uint32_t *queue = malloc(((size_t)M + 1) * sizeof(*queue)), head = 0, tail = 0;
	uint64_t *recv = calloc((size_t)M + 1, sizeof(*recv)), end = 0;
	if (coll_children(d, &coff, &child) || !left || !queue || !recv)
		goto out;
	for (uint32_t i = 0; i < M; i++)
		if (!(left[i] = d->msgs[i].ndeps))
			queue[tail++] = i;
	while (head < tail) {
		uint32_t i = queue[head++];
		const struct coll_msg *m = &d->msgs[i];
		uint64_t ready = 0;
		for (uint32_t k = 0; k < m->ndeps; k++) {
			uint32_t p = d->deps[m->dep_off + k];
			uint64_t t = coll_after(sys, &d->msgs[p], m, recv[p]);
			if (t > ready)
				ready = t;
		}
		if (m->src == m->dst) {     /* a barrier */
			recv[i] = ready;
		} else {
			recv[i] = ready + sys->endpoint_delay_ps + cost(ctx, m);
			uint64_t fin = recv[i] + (m->reduce ? coll_reduce_ps(sys, m->bytes) : 0) +
				       sys->endpoint_delay_ps;
			if (fin > end)
				end = fin;
		}
		for (uint32_t k = coff[i]; k < coff[i + 1]; k++)
			if (!--left[child[k]])
				queue[tail++] = child[k];
	}
	if (tail != M)
		end = 0;                    /* a cycle: no answer */
out:
	free(coff);
	free(child);
	free(left);
	free(queue);
	free(recv);
	return end;
}

/* ---- the congestion-aware model: a small discrete-event run of the DAG ---- */

struct aw_ev {
	uint64_t t;
	uint32_t seq, msg;
	uint16_t hop;
};

struct aw_heap {
	struct aw_ev *e;
	size_t n, cap;
};

static int aw_less(const struct aw_ev *a, const struct aw_ev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static int aw_push(struct aw_heap *h, struct aw_ev ev)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 256;
		struct aw_ev *ne = realloc(h->e, cap * sizeof(*ne));
		if (!ne)
			return -1;
		h->e = ne;
		h->cap = cap;
	}
	size_t i = h->n++;
	while (i && aw_less(&ev, &h->e[(i - 1) / 2])) {
		h->e[i] = h->e[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->e[i] = ev;
	return 0;
}

static struct aw_ev aw_pop(struct aw_heap *h)
{
	struct aw_ev top = h->e[0], last = h->e[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && aw_less(&h->e[c + 1], &h->e[c]))
			c++;
		if (!aw_less(&h->e[c], &last))
			break;
		h->e[i] = h->e[c];
		i = c;
	}
	if (h->n)
		h->e[i] = last;
	return top;
}

#define AW_MAX_HOPS 64

uint64_t coll_eval_aware(const struct coll_dag *d, const struct coll_sys *sys, coll_msg_path path,
			 void *ctx, uint32_t nlinks)
{
	uint32_t M = d->nmsgs;
	uint64_t *ready = calloc(M, sizeof(*ready)), *link_free = calloc(nlinks ? nlinks : 1,
									  sizeof(*link_free));
	uint32_t *left = calloc(M, sizeof(*left)), *coff = NULL, *child = NULL;
	struct aw_heap h = { 0 };
	uint64_t end = 0, done = 0;
	uint32_t seq = 0, links[AW_MAX_HOPS];
	uint64_t hop_ps[AW_MAX_HOPS];
	if (coll_children(d, &coff, &child) || !ready || !link_free || !left)
		goto out;
	for (uint32_t i = 0; i < M; i++) {
		left[i] = d->msgs[i].ndeps;
		if (!left[i] && aw_push(&h, (struct aw_ev){ d->msgs[i].src == d->msgs[i].dst ? 0
							     : sys->endpoint_delay_ps, seq++, i, 0 }))
			goto out;
	}
	while (h.n) {
		struct aw_ev ev = aw_pop(&h);
		const struct coll_msg *m = &d->msgs[ev.msg];
		uint64_t fin = ev.t, red = 0;
		if (m->src != m->dst) {
			int nh = path(ctx, m, links, hop_ps, AW_MAX_HOPS);
			if (nh <= 0 || links[ev.hop] >= nlinks)
				goto out;
			/* Arrivals are handled in time order, so serving each at
			 * the link's free time is first come, first served. */
			uint64_t start = ev.t > link_free[links[ev.hop]] ? ev.t
									 : link_free[links[ev.hop]];
			fin = start + hop_ps[ev.hop];
			link_free[links[ev.hop]] = fin;
			if (ev.hop + 1 < nh) {
				if (aw_push(&h, (struct aw_ev){ fin, seq++, ev.msg,
								(uint16_t)(ev.hop + 1) }))
					goto out;
				continue;
			}
			/* Received: the receiver reduces, then its dependants go. */
			red = m->reduce ? coll_reduce_ps(sys, m->bytes) : 0;
			if (fin + red + sys->endpoint_delay_ps > end)
				end = fin + red + sys->endpoint_delay_ps;
		}
		done++;
		for (uint32_t k = coff[ev.msg]; k < coff[ev.msg + 1]; k++) {
			uint32_t c = child[k];
			uint64_t t = coll_after(sys, m, &d->msgs[c], fin);
			if (t > ready[c])
				ready[c] = t;
			uint64_t go = ready[c] + (d->msgs[c].src == d->msgs[c].dst ? 0
										: sys->endpoint_delay_ps);
			if (!--left[c] && aw_push(&h, (struct aw_ev){ go, seq++, c, 0 }))
				goto out;
		}
	}
out:
	free(h.e);
	free(ready);
	free(link_free);
	free(left);
	free(coff);
	free(child);
	return done == M ? end : 0;
}

/* ---- one server per (rank, dimension): fixing the order of service ---- */

enum { OS_DONE = 0, OS_REQUEST = 1 };

/* FIFO queues threaded through next[], one per server s. */
static void fifo_push(uint32_t *head, uint32_t *tail, uint32_t *next, uint32_t s, uint32_t x)
{
	next[x] = UINT32_MAX;
	if (tail[s] == UINT32_MAX)
		head[s] = x;
	else
		next[tail[s]] = x;
	tail[s] = x;
}

static uint32_t fifo_pop(uint32_t *head, uint32_t *tail, const uint32_t *next, uint32_t s)
{
	uint32_t x = head[s];
	if (x != UINT32_MAX) {
		head[s] = next[x];
		if (head[s] == UINT32_MAX)
			tail[s] = UINT32_MAX;
	}
	return x;
}

int coll_order_servers(struct coll_dag *d, const struct coll_sys *sys, coll_msg_cost cost,
		       void *ctx, uint32_t nservers, uint32_t slots)
{
	uint32_t M = d->nmsgs, *coff = NULL, *child = NULL, seq = 0, done = 0, nextra = 0;
	uint32_t *left = calloc(M + 1, sizeof(*left)), *after = malloc((M + 1) * sizeof(*after));
	uint32_t *qnext = malloc((M + 1) * sizeof(*qnext));
	uint32_t *qhead = malloc((nservers + 1) * sizeof(*qhead)), *qtail = malloc((nservers + 1) *
										    sizeof(*qtail));
	/* Per server: grants so far, and its releases in the order they came;
	 * grant j (j >= slots) is the one release j - slots made room for. */
	uint32_t *granted = calloc(nservers + 1, sizeof(*granted));
	uint32_t *busy = calloc(nservers + 1, sizeof(*busy));
	uint32_t *rel_next = malloc((M + 1) * sizeof(*rel_next));
	uint32_t *rel_head = malloc((nservers + 1) * sizeof(*rel_head));
	uint32_t *rel_tail = malloc((nservers + 1) * sizeof(*rel_tail));
	uint64_t *ready = calloc((size_t)M + 1, sizeof(*ready));
	uint32_t *nd = NULL;
	struct aw_heap h = { 0 };
	int rc = -1;
	if (coll_children(d, &coff, &child) || !left || !after || !qnext || !qhead || !qtail ||
	    !granted || !busy || !rel_next || !rel_head || !rel_tail || !ready || !slots)
		goto out;
	for (uint32_t s = 0; s < nservers; s++)
		qhead[s] = qtail[s] = rel_head[s] = rel_tail[s] = UINT32_MAX;
	for (uint32_t i = 0; i < M; i++) {
		after[i] = UINT32_MAX;
		left[i] = d->msgs[i].ndeps;
	}
#define BECOME_READY(i, t)                                                                        \
	do {                                                                                      \
		const struct coll_msg *bm_ = &d->msgs[i];                                          \
		uint64_t at_ = (t);                                                                \
		int kind_ = OS_DONE;                                                               \
		if (bm_->gate && bm_->server)                                                      \
			kind_ = OS_REQUEST;                                                        \
		else if (bm_->src != bm_->dst)                                                     \
			at_ += sys->endpoint_delay_ps + cost(ctx, bm_);                            \
		if (aw_push(&h, (struct aw_ev){ at_, seq++, (i), (uint16_t)kind_ }))               \
			goto out;                                                                  \
	} while (0)
	for (uint32_t i = 0; i < M; i++)
		if (!left[i])
			BECOME_READY(i, 0);
	while (h.n) {
		struct aw_ev ev = aw_pop(&h);
		const struct coll_msg *m = &d->msgs[ev.msg];
		if (ev.hop == OS_REQUEST) {
			uint32_t s = m->server - 1;
			if (s >= nservers)
				goto out;
			if (busy[s] < slots) {
				busy[s]++;
				/* The oldest release not yet paired made the room. */
				after[ev.msg] = granted[s]++ >= slots ? fifo_pop(rel_head, rel_tail,
										 rel_next, s)
								      : UINT32_MAX;
				if (aw_push(&h, (struct aw_ev){ ev.t, seq++, ev.msg, OS_DONE }))
					goto out;
			} else {
				fifo_push(qhead, qtail, qnext, s, ev.msg);
			}
			continue;
		}
		done++;
		if (m->release && m->server) {
			uint32_t s = m->server - 1;
			if (s >= nservers)
				goto out;
			fifo_push(rel_head, rel_tail, rel_next, s, ev.msg);
			uint32_t g = fifo_pop(qhead, qtail, qnext, s);
			if (g != UINT32_MAX) {
				granted[s]++;
				after[g] = fifo_pop(rel_head, rel_tail, rel_next, s);
				if (aw_push(&h, (struct aw_ev){ ev.t, seq++, g, OS_DONE }))
					goto out;
			} else {
				busy[s]--;
			}
		}
		for (uint32_t k = coff[ev.msg]; k < coff[ev.msg + 1]; k++) {
			uint32_t c = child[k];
			uint64_t t = coll_after(sys, m, &d->msgs[c], ev.t);
			if (t > ready[c])
				ready[c] = t;
			if (!--left[c])
				BECOME_READY(c, ready[c]);
		}
	}
#undef BECOME_READY
	if (done != M)
		goto out;                   /* something never ran */
	/* The order found becomes dependencies: each gate also waits for the
	 * release before it on its server. */
	for (uint32_t i = 0; i < M; i++)
		nextra += after[i] != UINT32_MAX;
	if (!(nd = malloc(((size_t)d->ndeps + nextra + 1) * sizeof(*nd))))
		goto out;
	uint32_t n = 0;
	for (uint32_t i = 0; i < M; i++) {
		struct coll_msg *m = &d->msgs[i];
		uint32_t off = n;
		for (uint32_t k = 0; k < m->ndeps; k++)
			nd[n++] = d->deps[m->dep_off + k];
		if (after[i] != UINT32_MAX)
			nd[n++] = after[i];
		m->dep_off = off;
		m->ndeps = n - off;
	}
	free(d->deps);
	d->deps = nd;
	d->ndeps = n;
	nd = NULL;
	rc = 0;
out:
	free(h.e);
	free(coff);
	free(child);
	free(left);
	free(after);
	free(qnext);
	free(qhead);
	free(qtail);
	free(granted);
	free(busy);
	free(rel_next);
	free(rel_head);
	free(rel_tail);
	free(ready);
	free(nd);
	return rc;
}
