/*
 * collectives/ring.c - ring algorithms (unidirectional logical ring, rank r
 * sends to r+1), chunk by chunk.
 *
 * Reduce-scatter: n-1 steps; at step s rank r sends block (r - s) mod n to
 * r+1, which adds it to its own; after them rank r holds the full sum of
 * block (r + 1) mod n. All-gather: n-1 steps; at step s rank r sends the
 * block it received last (first its own: block r alone, block r+1 after a
 * reduce-scatter) and r+1 copies it. All-reduce
 * is reduce-scatter then all-gather (2(n-1) steps). For all-gather alone the
 * size is each rank's input, so a chunk carries n blocks of chunk size.
 */
#include "collectives/coll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const coll_op_names[3] = { "all-reduce", "all-gather", "reduce-scatter" };
const char *const coll_algo_names[1] = { "ring" };

static uint64_t part(uint64_t total, uint32_t parts, uint32_t i)
{
	uint64_t base = total / parts;
	return i + 1 < parts ? base : total - base * (parts - 1);
}

int coll_build(enum coll_op op, enum coll_algo algo, uint32_t n, uint64_t size, uint32_t chunks,
	       struct coll_dag *d, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	if (algo != COLL_RING) {
		snprintf(err, errlen, "algorithm %u is not available (ring)", algo);
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
	uint32_t rs = op != COLL_ALL_GATHER ? n - 1 : 0, ag = op != COLL_REDUCE_SCATTER ? n - 1 : 0;
	uint32_t steps = rs + ag;
	d->op = op;
	d->algo = algo;
	d->n = n;
	d->chunks = chunks;
	d->size_bytes = size;
	d->nmsgs = chunks * steps * n;
	d->msgs = calloc(d->nmsgs, sizeof(*d->msgs));
	d->deps = calloc(d->nmsgs, sizeof(*d->deps));
	if (!d->msgs || !d->deps) {
		coll_dag_free(d);
		snprintf(err, errlen, "out of memory building the collective");
		return -1;
	}
	/* Message (c, s, r) = rank r's send at step s of chunk c. It depends on
	 * what r received at step s-1 (from r-1), or for a chunk's first step
	 * on the last message r received in the previous chunk. */
#define ID(c, s, r) (((c) * steps + (s)) * n + (r))
	for (uint32_t c = 0; c < chunks; c++) {
		uint64_t csize = part(size, chunks, c);
		for (uint32_t s = 0; s < steps; s++)
			for (uint32_t r = 0; r < n; r++) {
				struct coll_msg *m = &d->msgs[ID(c, s, r)];
				int in_rs = s < rs;
				uint32_t k = in_rs ? s : s - rs;
				m->src = r;
				m->dst = (r + 1) % n;
				m->chunk = c;
				m->step = s;
				m->reduce = (uint8_t)in_rs;
				/* After reduce-scatter rank r holds block r+1 whole; an
				 * all-gather alone starts from rank r's own block r. */
				uint32_t first = op == COLL_ALL_GATHER ? r : (r + 1) % n;
				m->block = in_rs ? (r + n - k % n) % n : (first + n - k % n) % n;
				/* All-gather alone: each block is a whole input; else a
				 * chunk is cut into n blocks. */
				m->bytes = op == COLL_ALL_GATHER ? csize : part(csize, n, m->block);
				m->dep_off = d->ndeps;
				if (s > 0) {
					d->deps[d->ndeps++] = ID(c, s - 1, (r + n - 1) % n);
					m->ndeps = 1;
				} else if (c > 0) {
					d->deps[d->ndeps++] = ID(c - 1, steps - 1, (r + n - 1) % n);
					m->ndeps = 1;
					m->chunk_start = 1;
				}
			}
	}
#undef ID
	return 0;
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

uint64_t coll_eval(const struct coll_dag *d, const struct coll_sys *sys, coll_msg_cost cost,
		   void *ctx)
{
	/* Messages are in dependency order (a dependency always has a smaller
	 * id), so one pass computes every receive time. */
	uint64_t *recv = malloc(d->nmsgs * sizeof(*recv)), end = 0;
	if (!recv)
		return 0;
	for (uint32_t i = 0; i < d->nmsgs; i++) {
		const struct coll_msg *m = &d->msgs[i];
		uint64_t ready = 0;
		for (uint32_t k = 0; k < m->ndeps; k++) {
			const struct coll_msg *dm = &d->msgs[d->deps[m->dep_off + k]];
			uint64_t t = recv[d->deps[m->dep_off + k]] +
				     (dm->reduce ? coll_reduce_ps(sys, dm->bytes) : 0);
			/* A new chunk waits for the previous one's final endpoint delay. */
			if (m->chunk_start)
				t += sys->endpoint_delay_ps;
			if (t > ready)
				ready = t;
		}
		recv[i] = ready + sys->endpoint_delay_ps + cost(ctx, m);
		uint64_t fin = recv[i] + (m->reduce ? coll_reduce_ps(sys, m->bytes) : 0) +
			       sys->endpoint_delay_ps;
		if (fin > end)
			end = fin;
	}
	free(recv);
	return end;
}
