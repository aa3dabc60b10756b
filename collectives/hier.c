/*
 * collectives/hier.c - hierarchical all-reduce on a multi-dimensional
 * fabric, ASTRA-sim style: reduce-scatter up the dimensions, all-reduce on
 * the last, all-gather back down.
 *
 * Baseline (collective-optimization: baseline) instead runs a whole flat
 * all-reduce of the full chunk along each dimension in turn.
 *
 * Every phase reuses a flat DAG: for dimension d < k-1 the flat all-reduce
 * of that dimension's group is built and split, its reducing messages
 * forming the reduce-scatter phase and the others the all-gather phase; the
 * last dimension runs the whole flat all-reduce. Blocks are mixed-radix
 * digits: after reduce-scatter along dimension 0 a rank owns the blocks
 * whose digit 0 is its own (the flat algorithm decides which), so along
 * dimension 1 it splits only those, and so on.
 *
 * Order: every message of a phase at a rank waits for that rank's gate,
 * which opens when all of its receives in the phases before are in (its data
 * is what they brought) and it holds the phase's dimension: one server per
 * (rank, dimension), taken by the gate and given back by the barrier that
 * ends the phase there. Chunks thus pipeline across dimensions as a flow
 * shop; coll_order_servers fixes who is served first.
 */
#include "collectives/coll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vec {
	uint32_t *v;
	size_t n, cap;
};

static int push(struct vec *a, uint32_t x)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 16;
		uint32_t *nv = realloc(a->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		a->v = nv;
		a->cap = cap;
	}
	a->v[a->n++] = x;
	return 0;
}

struct builder {
	struct coll_dag *d;
	size_t mcap;
	struct vec deps;
};

static struct coll_msg *new_msg(struct builder *b)
{
	struct coll_dag *d = b->d;
	if (d->nmsgs == b->mcap) {
		size_t cap = b->mcap ? 2 * b->mcap : 256;
		struct coll_msg *nm = realloc(d->msgs, cap * sizeof(*nm));
		if (!nm)
			return NULL;
		d->msgs = nm;
		b->mcap = cap;
	}
	struct coll_msg *m = &d->msgs[d->nmsgs++];
	memset(m, 0, sizeof(*m));
	return m;
}

/* A barrier: a local message of no bytes at rank r that is over when the
 * messages in list and the earlier barrier `after` (if any) are. */
static int barrier(struct builder *b, uint32_t r, uint32_t c, uint32_t ph, const struct vec *list,
		   uint32_t after, uint32_t *out)
{
	uint32_t id = b->d->nmsgs;
	struct coll_msg *m = new_msg(b);
	if (!m)
		return -1;
	m->src = m->dst = r;    /* local: no network, no endpoint delay */
	m->chunk = c;
	m->step = ph;
	m->bmask = 0x80000000u;     /* with block 1: no block at all */
	m->block = 1;
	m->dep_off = (uint32_t)b->deps.n;
	for (size_t q = 0; q < list->n; q++)
		if (push(&b->deps, list->v[q]))
			return -1;
	if (after != UINT32_MAX && push(&b->deps, after))
		return -1;
	m->ndeps = (uint32_t)b->deps.n - m->dep_off;
	*out = id;
	return 0;
}

/* Which block a rank of a flat all-reduce holds reduced after its
 * reduce-scatter half: the block of its last reducing receive. */
static int owners(uint32_t n, enum coll_algo algo, uint32_t *own, char *err, size_t errlen)
{
	struct coll_dag f;
	if (coll_build(COLL_ALL_REDUCE, algo, n, n, 1, &f, err, errlen))
		return -1;
	for (uint32_t i = 0; i < f.nmsgs; i++)
		if (f.msgs[i].reduce)
			own[f.msgs[i].dst] = f.msgs[i].block;
	coll_dag_free(&f);
	return 0;
}

int coll_build_hier(enum coll_op op, const uint32_t *dims, const enum coll_algo *algos, uint32_t k,
		    int baseline, uint64_t size, uint32_t chunks, struct coll_dag *d, char *err,
		    size_t errlen)
{
	memset(d, 0, sizeof(*d));
	uint32_t n = 1;
	for (uint32_t i = 0; i < k; i++) {
		if (dims[i] < 2) {
			snprintf(err, errlen, "dimension %u has %u NPUs; a collective needs 2 or "
				 "more per dimension", i, dims[i]);
			return -1;
		}
		n *= dims[i];
	}
	if (op == COLL_ALL_TO_ALL || (baseline && op != COLL_ALL_REDUCE)) {
		snprintf(err, errlen, "%s is not decomposed by dimension%s",
			 op == COLL_ALL_TO_ALL ? "all-to-all" : coll_op_names[op],
			 baseline ? " with baseline" : "");
		return -1;
	}
	if (op == COLL_ALL_GATHER)
		size *= n;           /* below, sizes are of the whole output */
	if (k < 2 || chunks < 1 || size < (uint64_t)n * chunks) {
		snprintf(err, errlen, "size %llu B is too small for %u chunks over %u ranks",
			 (unsigned long long)size, chunks, n);
		return -1;
	}
	/* Phases: all-reduce 2k - 1 (k with baseline), the others k. */
	uint32_t nph = baseline || op != COLL_ALL_REDUCE ? k : 2 * k - 1;
	uint32_t *own[8] = { 0 }, *inv[8] = { 0 }, stride[8];
	/* Per chunk, [phase][rank]: the messages a rank receives and sends. */
	struct vec *cur = calloc((size_t)nph * n, sizeof(*cur));
	struct vec *sent = calloc((size_t)nph * n, sizeof(*sent));
	/* Barriers, zero-cost local messages: bcur[phase][rank] is
	 * over when the rank has received everything of that phase and the
	 * ones before; ball (baseline) also when its sends have arrived. */
	uint32_t *bcur = malloc((size_t)nph * n * sizeof(*bcur));
	uint32_t *ball = malloc((size_t)nph * n * sizeof(*ball));
	/* Per rank: the size of its piece at each level. */
	uint64_t *piece = calloc((size_t)(k + 1) * n, sizeof(*piece));
	uint32_t *gid = malloc(n * sizeof(*gid)), *map = NULL;
	uint32_t *gate = malloc(n * sizeof(*gate));
	struct builder b = { .d = d };
	int rc = -1;
	if (k > 8) {
		snprintf(err, errlen, "at most 8 dimensions");
		goto out;
	}
	if (!cur || !sent || !bcur || !ball || !piece || !gid || !gate)
		goto nomem;
	for (uint32_t i = 0, s = 1; i < k; s *= dims[i], i++) {
		stride[i] = s;
		if (algos[i] == COLL_DOUBLE_BINARY_TREE) {
			snprintf(err, errlen, "dimension %u: double-binary-tree has no reduce-scatter "
				 "half to run per dimension", i);
			goto out;
		}
		if (algos[i] == COLL_HALVING_DOUBLING && (dims[i] & (dims[i] - 1))) {
			snprintf(err, errlen, "dimension %u: halving-doubling needs a power-of-two "
				 "number of NPUs (got %u)", i, dims[i]);
			goto out;
		}
		if (!(own[i] = calloc(dims[i], sizeof(*own[i]))) ||
		    !(inv[i] = calloc(dims[i], sizeof(*inv[i]))))
			goto nomem;
		if (owners(dims[i], algos[i], own[i], err, errlen))
			goto out;
		/* Blocks are renamed so that the rank with coordinate j keeps
		 * digit j: then rank r's block is r at every level, as a flat
		 * reduce-scatter or all-gather over all ranks would have it. */
		for (uint32_t j = 0; j < dims[i]; j++)
			inv[i][own[i][j]] = j;
	}
	d->op = op;
	d->algo = algos[0];
	d->n = n;
	d->chunks = chunks;
	d->size_bytes = op == COLL_ALL_GATHER ? size / n : size;
	d->ndims = k;
	for (uint32_t c = 0; c < chunks; c++) {
		for (size_t i = 0; i < (size_t)nph * n; i++)
			cur[i].n = sent[i].n = 0;
		/* All-gather: chunk c of every rank's input, n of them. */
		uint64_t csize = op == COLL_ALL_GATHER ? coll_part(size / n, chunks, c) * n
						       : coll_part(size, chunks, c);
		/* An all-gather, having no reduce-scatter to size them, starts
		 * with pieces of its input times the group sizes above level L. */
		for (uint32_t L = 0; L <= k; L++)
			for (uint32_t r = 0; r < n; r++)
				piece[L * n + r] = op == COLL_ALL_GATHER ? csize / (L < k ? stride[L] : n)
									 : csize;
		for (uint32_t ph = 0; ph < nph; ph++) {
			/* Dimension and half: 0 reduce-scatter, 1 all-gather, 2 whole. */
			uint32_t dim;
			int half;
			if (baseline) {
				dim = ph;
				half = 2;
			} else if (op == COLL_REDUCE_SCATTER) {
				dim = ph;
				half = 0;
			} else if (op == COLL_ALL_GATHER) {
				dim = k - 1 - ph;   /* back down from the last dimension */
				half = 1;
			} else {
				dim = ph < k - 1 ? ph : ph == k - 1 ? k - 1 : 2 * k - 2 - ph;
				half = ph < k - 1 ? 0 : ph == k - 1 ? 2 : 1;
			}
			uint32_t nd = dims[dim];
			/* Level L: rank r keeps the blocks b with b mod stride_L =
			 * r mod stride_L. Baseline: every phase covers the whole
			 * chunk, its n_d blocks being the residues b mod n_d
			 * (level 0). */
			uint32_t L = baseline ? 0 : dim, mod = stride[L];
			/* Gates: rank r may start this phase once its phases before
			 * are over and it holds dimension dim's server. */
			for (uint32_t r = 0; r < n; r++) {
				static const struct vec none;
				if (barrier(&b, r, c, ph, &none, ph ? bcur[(ph - 1) * n + r] : UINT32_MAX,
					    &gate[r]))
					goto nomem;
				d->msgs[gate[r]].gate = 1;
				d->msgs[gate[r]].server = r * k + dim + 1;
			}
			/* Every group of this dimension: the ranks whose coordinate
			 * dim is 0 lead one each. */
			for (uint32_t lead = 0; lead < n; lead++) {
				if ((lead / stride[dim]) % nd)
					continue;
				for (uint32_t j = 0; j < nd; j++)
					gid[j] = lead + j * stride[dim];
				struct coll_dag f;
				/* size >= n x chunks keeps every piece >= its group. */
				if (coll_build(COLL_ALL_REDUCE, algos[dim], nd, piece[L * n + gid[0]], 1,
					       &f, err, errlen))
					goto out;
				free(map);
				if (!(map = malloc(f.nmsgs * sizeof(*map)))) {
					coll_dag_free(&f);
					goto nomem;
				}
				for (uint32_t i = 0; i < f.nmsgs; i++) {
					const struct coll_msg *fm = &f.msgs[i];
					map[i] = UINT32_MAX;
					if ((half == 0 && !fm->reduce) || (half == 1 && fm->reduce))
						continue;
					uint32_t src = gid[fm->src], id = d->nmsgs;
					struct coll_msg *m = new_msg(&b);
					if (!m) {
						coll_dag_free(&f);
						goto nomem;
					}
					map[i] = id;
					m->src = src;
					m->dst = gid[fm->dst];
					m->bytes = fm->bytes;
					m->chunk = c;
					m->step = ph;
					/* Halving-doubling and direct keep digit j at
					 * rank j already (their multi-block messages
					 * need no renaming); the ring's single blocks
					 * are renamed. */
					m->block = fm->bmask ? fm->block : inv[dim][fm->block];
					m->bmask = fm->bmask;
					m->reduce = fm->reduce;
					m->pre_mod = mod;
					m->pre_val = src % mod;
					m->radix = nd;
					m->dep_off = (uint32_t)b.deps.n;
					uint32_t intra = 0;
					for (uint32_t q = 0; q < fm->ndeps; q++) {
						uint32_t dq = f.deps[fm->dep_off + q];
						if (map[dq] != UINT32_MAX) {
							if (push(&b.deps, map[dq]))
								goto nomem_f;
							intra++;
						}
					}
					/* The rank's gate for this phase: the phases
					 * before are over here (their barrier; the last
					 * receive alone would not imply the others) and
					 * the dimension's server is ours. */
					if (push(&b.deps, gate[src]))
						goto nomem_f;
					/* Baseline phases work on the same blocks, so data
					 * may enter a rank only once the phase before is
					 * over there: all it had to send has gone and all
					 * it had to receive has come (a late copy would
					 * overwrite the new sum). */
					if (baseline && ph > 0 && push(&b.deps, ball[(ph - 1) * n + m->dst]))
						goto nomem_f;
					m->ndeps = (uint32_t)b.deps.n - m->dep_off;
					if (push(&cur[ph * n + m->dst], id) || push(&sent[ph * n + src], id))
						goto nomem_f;
					continue;
nomem_f:
					coll_dag_free(&f);
					goto nomem;
				}
				coll_dag_free(&f);
				/* After reduce-scatter along dim, each rank keeps its own
				 * digit: the next level's prefix and piece. */
				if (half == 0)
					for (uint32_t j = 0; j < nd; j++) {
						uint32_t r = gid[j], o = own[dim][j];
						piece[(L + 1) * n + r] = coll_part(piece[L * n + r], nd, o);
					}
			}
			for (uint32_t r = 0; r < n; r++) {
				if (barrier(&b, r, c, ph, &cur[ph * n + r], gate[r], &bcur[ph * n + r]))
					goto nomem;
				d->msgs[bcur[ph * n + r]].release = 1;
				d->msgs[bcur[ph * n + r]].server = r * k + dim + 1;
				if (baseline && barrier(&b, r, c, ph, &sent[ph * n + r], bcur[ph * n + r],
							&ball[ph * n + r]))
					goto nomem;
			}
		}
	}
	d->deps = b.deps.v;
	d->ndeps = (uint32_t)b.deps.n;
	b.deps.v = NULL;
	rc = 0;
	goto out;
nomem:
	snprintf(err, errlen, "out of memory building the collective");
out:
	if (rc) {
		free(d->msgs);
		memset(d, 0, sizeof(*d));
	}
	free(b.deps.v);
	if (cur)
		for (size_t i = 0; i < (size_t)nph * n; i++)
			free(cur[i].v);
	free(cur);
	free(bcur);
	free(ball);
	if (sent)
		for (size_t i = 0; i < (size_t)nph * n; i++)
			free(sent[i].v);
	free(sent);
	free(piece);
	free(gid);
	free(gate);
	free(map);
	for (uint32_t i = 0; i < 8; i++) {
		free(own[i]);
		free(inv[i]);
	}
	return rc;
}
