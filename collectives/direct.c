/*
 * collectives/direct.c - direct algorithms: every rank talks to every other
 * at once (ASTRA-sim's "direct", no injection window).
 *
 * Reduce-scatter: one step; rank r sends block j of the chunk to rank j for
 * every j != r, and j adds it, so rank j ends with the sum of block j.
 * All-gather: one step; rank j sends its block (after a reduce-scatter, the
 * reduced block j; alone, its whole input) to every other rank. All-reduce
 * is the two, each all-gather send waiting for every reduce-scatter receive
 * at its sender. A rank's next chunk waits for all of its receives of the
 * previous one, as on the ring.
 *
 * All-to-all: one step; rank r sends block j of its buffer to rank j, which
 * stores it as block r (the transpose; size is each rank's buffer).
 *
 * The fan-out is the point: n-1 messages leave each NIC together and n-1
 * arrive at each NIC together, which a congestion-unaware model prices as
 * one message time and a packet-level fabric as n-1.
 */
#include "collectives/coll.h"

#include <stdlib.h>

int coll_direct_build(struct coll_dag *d)
{
	uint32_t n = d->n, C = d->chunks;
	int a2a = d->op == COLL_ALL_TO_ALL;
	int rs = !a2a && d->op != COLL_ALL_GATHER, ag = !a2a && d->op != COLL_REDUCE_SCATTER;
	uint32_t per_phase = n * (n - 1), phases = a2a ? 1 : (uint32_t)(rs + ag);
	d->nmsgs = C * phases * per_phase;
	/* Each message waits for at most n-1 receives (its sender's previous
	 * phase or chunk). */
	d->msgs = calloc(d->nmsgs, sizeof(*d->msgs));
	d->deps = calloc((size_t)d->nmsgs * (n - 1), sizeof(*d->deps));
	if (!d->msgs || !d->deps)
		return -1;
	/* Message (c, p, r, k): in phase p of chunk c, rank r sends to the k-th
	 * other rank, (r + 1 + k) mod n. The messages into rank x in phase p
	 * of chunk c are those from every r != x with k = (x - r - 1) mod n. */
#define ID(c, p, r, k) ((((c) * phases + (p)) * n + (r)) * (n - 1) + (k))
	for (uint32_t c = 0; c < C; c++) {
		uint64_t csize = coll_part(d->size_bytes, C, c);
		for (uint32_t p = 0; p < phases; p++) {
			int is_rs = rs && p == 0;
			for (uint32_t r = 0; r < n; r++)
				for (uint32_t k = 0; k < n - 1; k++) {
					struct coll_msg *m = &d->msgs[ID(c, p, r, k)];
					m->src = r;
					m->dst = (r + 1 + k) % n;
					m->chunk = c;
					m->step = p;
					m->reduce = (uint8_t)is_rs;
					m->block = is_rs || a2a ? m->dst : r;
					m->bytes = d->op == COLL_ALL_GATHER ? csize
									  : coll_part(csize, n, m->block);
					m->dep_off = d->ndeps;
					/* What r must have received first: its previous
					 * phase of this chunk, or the last phase of the
					 * previous chunk. */
					uint32_t pc = c, pp = p;
					if (p > 0) {
						pp = p - 1;
					} else if (c > 0) {
						pc = c - 1;
						pp = phases - 1;
						m->chunk_start = 1;
					} else {
						continue;
					}
					for (uint32_t q = 0; q < n; q++)
						if (q != r)
							d->deps[d->ndeps++] =
								ID(pc, pp, q, (r + n - q - 1) % n);
					m->ndeps = n - 1;
				}
		}
	}
#undef ID
	return 0;
}
