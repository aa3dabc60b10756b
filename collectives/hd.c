/*
 * collectives/hd.c - recursive halving-doubling (Rabenseifner), as
 * ASTRA-sim runs it; n must be a power of two.
 *
 * Reduce-scatter, steps k = 0 .. log2(n)-1: rank r exchanges with partner
 * r XOR 2^k (ring distance 2^k, so ASTRA-sim's rank offset 1, 2, 4, ...),
 * sending the blocks whose low k bits match its own and whose bit k does
 * not (half of what it still holds: size/2, size/4, ...); the partner adds
 * them. Afterwards rank r holds the sum of block r. All-gather walks back,
 * k = log2(n)-1 .. 0: rank r sends every block whose low k+1 bits match its
 * own (what it holds) to r XOR 2^k, which copies them; message sizes double.
 * All-gather alone starts from each rank's own input, size per block.
 */
#include "collectives/coll.h"

#include <stdlib.h>

int coll_hd_build(struct coll_dag *d)
{
	uint32_t n = d->n, C = d->chunks, L = 0;
	while ((1u << L) < n)
		L++;
	int rs = d->op != COLL_ALL_GATHER, ag = d->op != COLL_REDUCE_SCATTER;
	uint32_t steps = (uint32_t)(rs + ag) * L;
	d->nmsgs = C * steps * n;
	d->msgs = calloc(d->nmsgs, sizeof(*d->msgs));
	d->deps = calloc((size_t)d->nmsgs * steps, sizeof(*d->deps));
	if (!d->msgs || !d->deps)
		return -1;
#define ID(c, s, r) (((c) * steps + (s)) * n + (r))
	/* The partner bit of step s. */
#define BIT(s) ((rs && (s) < L) ? (s) : (rs ? 2 * L - 1 - (s) : L - 1 - (s)))
	for (uint32_t c = 0; c < C; c++) {
		uint64_t csize = coll_part(d->size_bytes, C, c);
		for (uint32_t s = 0; s < steps; s++) {
			int is_rs = rs && s < L;
			uint32_t k = BIT(s), bit = 1u << k;
			for (uint32_t r = 0; r < n; r++) {
				struct coll_msg *m = &d->msgs[ID(c, s, r)];
				m->src = r;
				m->dst = r ^ bit;
				m->chunk = c;
				m->step = s;
				m->reduce = (uint8_t)is_rs;
				if (is_rs) {
					m->bmask = (bit << 1) - 1;
					m->block = (r & (bit - 1)) | (~r & bit);
				} else {
					m->bmask = (bit << 1) - 1;
					m->block = r & m->bmask;
				}
				/* bmask covering every bit means one block: keep the
				 * single-block form. */
				if (m->bmask >= n - 1)
					m->bmask = 0;
				m->bytes = 0;
				for (uint32_t b = 0; b < n; b++)
					if (coll_msg_has(m, b))
						m->bytes += d->op == COLL_ALL_GATHER
							? csize : coll_part(csize, n, b);
				m->dep_off = d->ndeps;
				/* A step's message holds what every earlier step
				 * brought (unlike the ring, which forwards only the
				 * last arrival), so it waits for all of them: the
				 * step before alone does not imply the others. */
				if (s > 0) {
					for (uint32_t t = 0; t < s; t++)
						d->deps[d->ndeps++] = ID(c, t, r ^ (1u << BIT(t)));
					m->ndeps = s;
				} else if (c > 0) {
					d->deps[d->ndeps++] =
						ID(c - 1, steps - 1, r ^ (1u << BIT(steps - 1)));
					m->ndeps = 1;
					m->chunk_start = 1;
				}
			}
		}
	}
#undef BIT
#undef ID
	return 0;
}
