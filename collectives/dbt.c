/*
 * collectives/dbt.c - double binary tree all-reduce: each chunk is reduced
 * up one of two binary trees and broadcast back down it, the trees
 * alternating chunk by chunk, every message carrying the whole chunk (as
 * ASTRA-sim sends it).
 *
 * The trees are ASTRA-sim's: an in-order labelled balanced tree under an
 * extra root with one child. Even chunks use "root max": rank n-1 on top of
 * the in-order tree over 0..n-2 (for n = 8: 7 -> 3 -> {1, 5}, leaves even);
 * odd chunks "root min": rank 0 on top of the tree over 1..n-1 (0 -> 4 ->
 * {2, 6}, leaves odd), so each tree's leaves are the other's inner ranks.
 * ASTRA-sim builds them for powers of two; the same rule serves any n.
 */
#include "collectives/coll.h"

#include <stdlib.h>

#define NONE UINT32_MAX

static void build_tree(uint32_t lo, uint32_t hi, uint32_t p, uint32_t *parent)
{
	if (lo > hi)
		return;
	uint32_t mid = lo + (hi - lo) / 2;
	parent[mid] = p;
	if (mid > lo)
		build_tree(lo, mid - 1, mid, parent);
	build_tree(mid + 1, hi, mid, parent);
}

static void add_msg(struct coll_dag *d, uint32_t src, uint32_t dst, uint64_t bytes, uint32_t c,
		    uint32_t step, int reduce)
{
	struct coll_msg *m = &d->msgs[d->nmsgs++];
	m->src = src;
	m->dst = dst;
	m->bytes = bytes;
	m->chunk = c;
	m->step = step;
	m->bmask = 0x80000000u;     /* with block 0: every block of the chunk */
	m->block = 0;
	m->reduce = (uint8_t)reduce;
	m->dep_off = d->ndeps;
}

int coll_dbt_build(struct coll_dag *d)
{
	uint32_t n = d->n, C = d->chunks;
	uint32_t *tree[2] = { malloc(n * sizeof(uint32_t)), malloc(n * sizeof(uint32_t)) };
	uint32_t *parent;
	uint32_t *kid = malloc(2 * (size_t)n * sizeof(*kid)), *depth = malloc(n * sizeof(*depth));
	uint32_t *up = malloc(n * sizeof(*up)), *got = malloc(n * sizeof(*got));
	uint32_t *prev = malloc(n * sizeof(*prev));  /* r's last receive of the chunk before */
	d->msgs = calloc((size_t)C * 2 * (n - 1), sizeof(*d->msgs));
	d->deps = calloc((size_t)C * 2 * (n - 1) * 3, sizeof(*d->deps));
	int rc = -1;
	if (!tree[0] || !tree[1] || !kid || !depth || !up || !got || !prev || !d->msgs || !d->deps)
		goto out;
	tree[0][n - 1] = NONE;                    /* root max */
	build_tree(0, n - 2, n - 1, tree[0]);
	tree[1][0] = NONE;                        /* root min */
	build_tree(1, n - 1, 0, tree[1]);
	for (uint32_t r = 0; r < n; r++)
		prev[r] = NONE;
	for (uint32_t c = 0; c < C; c++) {
		uint64_t csize = coll_part(d->size_bytes, C, c);
		uint32_t root = NONE, maxd = 0;
		parent = tree[c & 1];
		for (uint32_t r = 0; r < n; r++)
			kid[2 * r] = kid[2 * r + 1] = NONE;
		for (uint32_t r = 0; r < n; r++) {
			if (parent[r] == NONE) {
				root = r;
				continue;
			}
			uint32_t *slot = &kid[2 * parent[r]];
			slot[slot[0] != NONE] = r;
		}
		for (uint32_t r = 0; r < n; r++) {
			uint32_t k = 0;
			for (uint32_t x = r; parent[x] != NONE; x = parent[x])
				k++;
			depth[r] = k;
			if (k > maxd)
				maxd = k;
		}
		/* Reduce, deepest ranks first: a rank sends its sum up once every
		 * child's has arrived and, one chunk at a time, once its own
		 * previous chunk is over. */
		for (uint32_t k = maxd; k >= 1; k--)
			for (uint32_t r = 0; r < n; r++) {
				if (depth[r] != k)
					continue;
				struct coll_msg *m = &d->msgs[d->nmsgs];
				add_msg(d, r, parent[r], csize, c, maxd - k, 1);
				for (int j = 0; j < 2; j++)
					if (kid[2 * r + j] != NONE)
						d->deps[d->ndeps++] = up[kid[2 * r + j]];
				if (prev[r] != NONE) {
					m->chunk_start = d->ndeps == m->dep_off;   /* a leaf */
					d->deps[d->ndeps++] = prev[r];
				}
				m->ndeps = d->ndeps - m->dep_off;
				up[r] = d->nmsgs - 1;
			}
		/* Broadcast: the root once it has every child's sum, then each
		 * rank once its parent's copy arrived. */
		for (uint32_t r = 0; r < n; r++)
			got[r] = NONE;
		for (uint32_t k = 0; k < maxd; k++)
			for (uint32_t r = 0; r < n; r++) {
				if (depth[r] != k)
					continue;
				for (int j = 0; j < 2; j++) {
					uint32_t x = kid[2 * r + j];
					if (x == NONE)
						continue;
					struct coll_msg *m = &d->msgs[d->nmsgs];
					add_msg(d, r, x, csize, c, maxd + k, 0);
					if (r == root) {
						for (int i = 0; i < 2; i++)
							if (kid[2 * r + i] != NONE)
								d->deps[d->ndeps++] = up[kid[2 * r + i]];
					} else {
						d->deps[d->ndeps++] = got[r];
					}
					m->ndeps = d->ndeps - m->dep_off;
					got[x] = d->nmsgs - 1;
				}
			}
		for (uint32_t r = 0; r < n; r++)
			prev[r] = r == root ? up[kid[2 * r + (kid[2 * r + 1] != NONE)]] : got[r];
	}
	rc = 0;
out:
	free(tree[0]);
	free(tree[1]);
	free(kid);
	free(depth);
	free(up);
	free(got);
	free(prev);
	return rc;
}
