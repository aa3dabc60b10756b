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

int coll_ring_build(struct coll_dag *d)
{
	enum coll_op op = d->op;
	uint32_t n = d->n, chunks = d->chunks;
	uint64_t size = d->size_bytes;
	uint32_t rs = op != COLL_ALL_GATHER ? n - 1 : 0, ag = op != COLL_REDUCE_SCATTER ? n - 1 : 0;
	uint32_t steps = rs + ag;
	d->nmsgs = chunks * steps * n;
	d->msgs = calloc(d->nmsgs, sizeof(*d->msgs));
	d->deps = calloc(d->nmsgs, sizeof(*d->deps));
	if (!d->msgs || !d->deps)
		return -1;
	/* Message (c, s, r) = rank r's send at step s of chunk c. It depends on
	 * what r received at step s-1 (from r-1), or for a chunk's first step
	 * on the last message r received in the previous chunk. */
#define ID(c, s, r) (((c) * steps + (s)) * n + (r))
	for (uint32_t c = 0; c < chunks; c++) {
		uint64_t csize = coll_part(size, chunks, c);
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
				m->bytes = op == COLL_ALL_GATHER ? csize : coll_part(csize, n, m->block);
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
