/*
 * tests/test_coll.c - collective DAGs: correctness on real data (timing
 * aside), byte accounting, and ASTRA-sim's congestion-unaware model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectives/coll.h"
#include "tests/unit_main.h"

static char err[256];

/*
 * Run the DAG on data: rank r starts with value 1000 r + b + 100000 c in
 * block b of chunk c (all-gather: only its own block, the others 0). A
 * message carries its sender's block as it is when the message runs; the
 * receiver adds or copies it. Messages run in a dependency order chosen to
 * be unlike their ids (always the newest ready one, as a stack), so a
 * dependency the DAG forgot shows up as wrong data.
 */
static int run_on_data(const struct coll_dag *d, int64_t *out /* [n][chunks][n] */)
{
	uint32_t n = d->n, C = d->chunks, M = d->nmsgs;
	int64_t *v = out;
	for (uint32_t r = 0; r < n; r++)
		for (uint32_t c = 0; c < C; c++)
			for (uint32_t b = 0; b < n; b++)
				v[(r * C + c) * n + b] = d->op == COLL_ALL_GATHER && b != r
					? 0 : 1000 * (int64_t)r + b + 100000 * (int64_t)c;
	/* All-to-all is not in place: it reads the input, writes an output
	 * that starts as a copy (a rank's own block stays where it is). */
	size_t total = (size_t)n * C * n;
	int64_t *o = v;
	if (d->op == COLL_ALL_TO_ALL) {
		v = malloc(total * sizeof(*v));
		memcpy(v, o, total * sizeof(*v));
	}
	uint32_t *left = calloc(M, sizeof(*left)), *stack = calloc(M, sizeof(*stack));
	uint32_t *coff, *child, top = 0, done = 0;
	CU_ASSERT_EQUAL_FATAL(coll_children(d, &coff, &child), 0);
	for (uint32_t i = 0; i < M; i++)
		if (!(left[i] = d->msgs[i].ndeps))
			stack[top++] = i;
	while (top) {
		const struct coll_msg *m = &d->msgs[stack[--top]];
		uint32_t id = (uint32_t)(m - d->msgs);
		for (uint32_t b = 0; b < n; b++) {
			if (!coll_msg_has(m, b))
				continue;
			/* All-to-all lands block b (= dst) in the sender's slot. */
			uint32_t slot = d->op == COLL_ALL_TO_ALL ? m->src : b;
			int64_t x = v[(m->src * C + m->chunk) * n + b];
			int64_t *y = &o[(m->dst * C + m->chunk) * n + slot];
			*y = m->reduce ? *y + x : x;
		}
		done++;
		for (uint32_t k = coff[id]; k < coff[id + 1]; k++)
			if (!--left[child[k]])
				stack[top++] = child[k];
	}
	free(left);
	free(stack);
	free(coff);
	free(child);
	if (v != o)
		free(v);
	return done == M ? 0 : -1;
}

static int pipelined;                     /* check_op applies coll_pipeline */

static void check_op(enum coll_algo algo, enum coll_op op, uint32_t n, uint32_t chunks)
{
	struct coll_dag d;
	uint64_t size = 1000003;                 /* not a multiple of anything */
	CU_ASSERT_EQUAL_FATAL(coll_build(op, algo, n, size, chunks, &d, err, sizeof(err)), 0);
	if (pipelined)
		coll_pipeline(&d);
	int64_t *v = calloc((size_t)n * chunks * n, sizeof(*v));
	CU_ASSERT_EQUAL(run_on_data(&d, v), 0);   /* every message runs: no cycle */
	int ok = 1;
	for (uint32_t r = 0; r < n; r++)
		for (uint32_t c = 0; c < chunks; c++)
			for (uint32_t b = 0; b < n; b++) {
				int64_t sum = 0, own = 1000 * (int64_t)b + b + 100000 * (int64_t)c;
				for (uint32_t q = 0; q < n; q++)
					sum += 1000 * (int64_t)q + b + 100000 * (int64_t)c;
				int64_t got = v[(r * chunks + c) * n + b];
				if (op == COLL_ALL_REDUCE)
					ok &= got == sum;
				else if (op == COLL_ALL_TO_ALL)   /* rank b's block r */
					ok &= got == 1000 * (int64_t)b + r + 100000 * (int64_t)c;
				else if (op == COLL_ALL_GATHER)
					ok &= got == own;    /* rank b's input block */
				else if (b == (algo == COLL_RING ? (r + 1) % n : r))
					ok &= got == sum;    /* reduce-scatter: ring rank r owns
								block r+1, direct block r */
			}
	CU_ASSERT_TRUE(ok);
	if (!ok)
		fprintf(stderr, "\n    wrong data: %s %s, n %u, chunks %u", coll_algo_names[algo],
			coll_op_names[op], n, chunks);
	/* Bytes: every message has one receiver; per chunk a step moves the whole
	 * chunk once around (n blocks), 2(n-1) steps for all-reduce, n-1 else;
	 * all-gather moves n-1 copies of every rank's input. */
	uint64_t total = 0;
	for (uint32_t i = 0; i < d.nmsgs; i++)
		total += d.msgs[i].bytes;
	/* All-to-all: each rank sends all but its own block. */
	uint64_t want = op == COLL_ALL_REDUCE ? 2ull * (n - 1) * size
			: op == COLL_ALL_GATHER ? (uint64_t)n * (n - 1) * size : (uint64_t)(n - 1) * size;
	CU_ASSERT_EQUAL(total, want);
	free(v);
	coll_dag_free(&d);
}

static void check_all(enum coll_algo algo)
{
	static const uint32_t ns[] = { 2, 3, 4, 7, 8, 16 };
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if (algo != COLL_HALVING_DOUBLING || !(ns[i] & (ns[i] - 1)))
		for (uint32_t chunks = 1; chunks <= 4; chunks++)
			for (int op = 0; op < COLL_NOPS; op++)
				if ((op != COLL_ALL_TO_ALL || algo == COLL_DIRECT) &&
				    (op == COLL_ALL_REDUCE || algo != COLL_DOUBLE_BINARY_TREE))
					check_op(algo, (enum coll_op)op, ns[i], chunks);
}

static void test_ring_ops_compute_the_right_data(void)
{
	check_all(COLL_RING);
}

static void test_direct_ops_compute_the_right_data(void)
{
	check_all(COLL_DIRECT);
}

static void test_hd_ops_compute_the_right_data(void)
{
	check_all(COLL_HALVING_DOUBLING);
}

static void test_dbt_all_reduce_computes_the_right_data(void)
{
	check_all(COLL_DOUBLE_BINARY_TREE);
}

/* Pipelined: chunks independent, odd ring chunks the other way round. */
static void test_pipelined_ops_compute_the_right_data(void)
{
	pipelined = 1;
	check_all(COLL_RING);
	check_all(COLL_DIRECT);
	check_all(COLL_HALVING_DOUBLING);
	check_all(COLL_DOUBLE_BINARY_TREE);
	pipelined = 0;
	/* Odd chunks of a ring all-reduce run from rank r to r-1. */
	struct coll_dag d;
	CU_ASSERT_EQUAL_FATAL(coll_build(COLL_ALL_REDUCE, COLL_RING, 8, 1 << 20, 2, &d, err,
					 sizeof(err)), 0);
	coll_pipeline(&d);
	for (uint32_t i = 0; i < d.nmsgs; i++) {
		const struct coll_msg *m = &d.msgs[i];
		CU_ASSERT_EQUAL(m->dst, (m->src + (m->chunk ? 7 : 1)) % 8);
		CU_ASSERT_FALSE(m->chunk_start);
	}
	coll_dag_free(&d);
}

/* ASTRA-sim's congestion-unaware model: floor(hops x latency + bytes / B)
 * ns per message, B = bandwidth x 2^30 / 1e9 bytes per ns; one hop on a ring
 * to the successor. */
struct astra_link {
	uint64_t lat_ns;
	double gbps;                 /* GB/s, GB = 2^30 B */
};
static uint64_t astra_cost(void *ctx, const struct coll_msg *m)
{
	const struct astra_link *l = ctx;
	double B = l->gbps * 1073741824.0 / 1e9;
	return (uint64_t)((double)l->lat_ns + (double)m->bytes / B) * 1000;
}

/* ASTRA-sim's own example: Ring of 8, 50 GB/s, 500 ns, all-reduce 1 MiB in 4
 * chunks, endpoint-delay 10 ns, local-mem-bw 1600 GB/s -> 64,440 ns. By
 * hand: 32,768 B messages cost floor(500 + 610.35) = 1,110 ns; reduce-scatter
 * steps add 10 + 3 x floor(32768 / 1600) = 70 ns, all-gather steps 10;
 * per chunk 7 x 1,180 + 7 x 1,120 + 10 = 16,110 ns; 4 chunks 64,440 ns. */
static void test_astra_unaware_check_value(void)
{
	struct coll_dag d;
	CU_ASSERT_EQUAL_FATAL(coll_build(COLL_ALL_REDUCE, COLL_RING, 8, 1 << 20, 4, &d, err,
					 sizeof(err)), 0);
	struct astra_link l = { 500, 50 };
	struct coll_sys sys = { .endpoint_delay_ps = 10000, .local_mem_bw_Bps = 1600000000000ull };
	CU_ASSERT_EQUAL(coll_eval(&d, &sys, astra_cost, &l), 64440000ull);
	coll_dag_free(&d);
	/* One chunk of 1 MiB: 131,072 B messages, floor(500 + 2,441.4) = 2,941 ns;
	 * reduce 3 x floor(131072/1600) = 3 x 81 = 243 ns; 7 x (2,941 + 10 +
	 * 243) + 7 x (2,941 + 10) + 10 = 22,358 + 20,657 + 10 = 43,025 ns. */
	CU_ASSERT_EQUAL_FATAL(coll_build(COLL_ALL_REDUCE, COLL_RING, 8, 1 << 20, 1, &d, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(coll_eval(&d, &sys, astra_cost, &l), 43025000ull);
	coll_dag_free(&d);
	/* All-gather of 64 KiB per rank on 4 ranks, 1 chunk, no reduction:
	 * 3 steps of 65,536 B: floor(500 + 1,220.7) = 1,720; 3 x (1,720 + 10)
	 * + 10 = 5,200 ns. */
	CU_ASSERT_EQUAL_FATAL(coll_build(COLL_ALL_GATHER, COLL_RING, 4, 65536, 1, &d, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(coll_eval(&d, &sys, astra_cost, &l), 5200000ull);
	coll_dag_free(&d);
}

/*
 * Direct all-reduce through a switch (2 hops of 500 ns, so 1,000 ns of
 * latency per message), 50 GB/s, 4 ranks, 64 KiB. The model charges every
 * one of a rank's 3 concurrent messages as if alone. One chunk: 16,384 B
 * blocks cost floor(1000 + 305.2) = 1,305 ns; reduce-scatter receives at
 * 10 + 1,305 = 1,315, reduced 3 x floor(16384 / 1600) = 30 ns later; the
 * all-gather leaves at 1,345 + 10, arrives at 2,660, and the collective
 * ends 10 ns after: 2,670 ns. Two chunks: 8,192 B blocks cost 1,152 ns,
 * reductions 15 ns; chunk 0's all-gather arrives at 10 + 1,152 + 15 + 10 +
 * 1,152 = 2,339; chunk 1 starts 10 ns after, arrives at 2,339 + 10 + 10 +
 * 1,152 = 3,511, all-gathers at 3,511 + 15 + 10 + 1,152 = 4,688 and ends at
 * 4,698 ns.
 */
static void test_direct_unaware_by_hand(void)
{
	struct coll_dag d;
	struct astra_link l = { 1000, 50 };
	struct coll_sys sys = { .endpoint_delay_ps = 10000, .local_mem_bw_Bps = 1600000000000ull };
	CU_ASSERT_EQUAL_FATAL(coll_build(COLL_ALL_REDUCE, COLL_DIRECT, 4, 65536, 1, &d, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(d.nmsgs, 2 * 4 * 3);
	CU_ASSERT_EQUAL(coll_eval(&d, &sys, astra_cost, &l), 2670000ull);
	coll_dag_free(&d);
	CU_ASSERT_EQUAL_FATAL(coll_build(COLL_ALL_REDUCE, COLL_DIRECT, 4, 65536, 2, &d, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(coll_eval(&d, &sys, astra_cost, &l), 4698000ull);
	coll_dag_free(&d);
}

/*
 * Halving-doubling all-reduce, same switch (1,000 ns a message), 4 ranks,
 * 64 KiB, one chunk. Reduce-scatter: 32 KiB to r^1, floor(1000 + 610.35)
 * = 1,610 ns, arriving at 10 + 1,610 = 1,620, reduced 3 x 20 = 60 ns later;
 * 16 KiB to r^2, 1,305 ns: 1,680 + 10 + 1,305 = 2,995, reduced by 3,025.
 * All-gather: 16 KiB to r^2 arrives at 3,025 + 10 + 1,305 = 4,340; 32 KiB
 * to r^1 at 4,340 + 10 + 1,610 = 5,960; the end 10 ns later, 5,970 ns.
 */
static void test_hd_unaware_by_hand(void)
{
	struct coll_dag d;
	struct astra_link l = { 1000, 50 };
	struct coll_sys sys = { .endpoint_delay_ps = 10000, .local_mem_bw_Bps = 1600000000000ull };
	CU_ASSERT_EQUAL_FATAL(coll_build(COLL_ALL_REDUCE, COLL_HALVING_DOUBLING, 4, 65536, 1, &d,
					 err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(d.msgs[0].bytes, 32768);
	CU_ASSERT_EQUAL(d.msgs[4].bytes, 16384);
	CU_ASSERT_EQUAL(coll_eval(&d, &sys, astra_cost, &l), 5970000ull);
	coll_dag_free(&d);
	CU_ASSERT_EQUAL(coll_build(COLL_ALL_REDUCE, COLL_HALVING_DOUBLING, 6, 65536, 1, &d, err,
				   sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "power-of-two"));
}

/* Hierarchical all-reduce: the composite DAG computes the right sums on
 * every rank for 2-D and 3-D shapes, each dimension's algorithm, 1-3
 * chunks; and moves 2 (n_d - 1)/n_d of what reaches each level, per level. */
static void check_hier(enum coll_op op, const uint32_t *dims, uint32_t k, enum coll_algo algo,
		       uint32_t chunks, int baseline)
{
	enum coll_algo algos[4] = { algo, algo, algo, algo };
	struct coll_dag d;
	uint64_t size = 1 << 20;
	CU_ASSERT_EQUAL_FATAL(coll_build_hier(op, dims, algos, k, baseline, size, chunks, &d, err,
					      sizeof(err)), 0);
	uint32_t n = d.n;
	int64_t *v = calloc((size_t)n * chunks * n, sizeof(*v));
	CU_ASSERT_EQUAL(run_on_data(&d, v), 0);
	int ok = 1;
	for (uint32_t r = 0; r < n; r++)
		for (uint32_t c = 0; c < chunks; c++)
			for (uint32_t b = 0; b < n; b++) {
				int64_t sum = 0;
				for (uint32_t q = 0; q < n; q++)
					sum += 1000 * (int64_t)q + b + 100000 * (int64_t)c;
				int64_t got = v[(r * chunks + c) * n + b];
				if (op == COLL_ALL_REDUCE)
					ok &= got == sum;
				else if (op == COLL_ALL_GATHER)   /* rank b's input */
					ok &= got == 1000 * (int64_t)b + b + 100000 * (int64_t)c;
				else if (b == r)                   /* reduce-scatter */
					ok &= got == sum;
			}
	CU_ASSERT_TRUE(ok);
	if (!ok)
		fprintf(stderr, "\n    wrong data: hierarchical %s %s%s, %u dims [%u, %u, ...], "
			"chunks %u", coll_algo_names[algo], coll_op_names[op],
			baseline ? " baseline" : "", k, dims[0], dims[1], chunks);
	/* Bytes, when every split is exact (1 MiB over powers of two): level
	 * i holds size / (n_0 ... n_{i-1}) per rank and moves (n_i - 1)/n_i
	 * of it from every rank, twice (down and up); the last level is a
	 * whole all-reduce, also twice. */
	if (!(n & (n - 1))) {
		uint64_t total = 0, want = 0, per = size;
		for (uint32_t i = 0; i < d.nmsgs; i++)
			total += d.msgs[i].bytes;
		for (uint32_t i = 0; i < k; i++) {
			want += 2ull * n * per / dims[i] * (dims[i] - 1);
			if (!baseline)          /* baseline: the whole size each time */
				per /= dims[i];
		}
		/* Reduce-scatter is the first half of that, all-gather of
		 * size x n the second: each (n_i - 1)/n_i of its level. */
		if (op != COLL_ALL_REDUCE)
			want /= 2;
		if (op == COLL_ALL_GATHER) {
			want = 0;
			for (uint32_t i = 0, above = 1; i < k; above *= dims[i], i++)
				want += (uint64_t)n * size * n / above / dims[i] * (dims[i] - 1);
		}
		CU_ASSERT_EQUAL(total, want);
	}
	free(v);
	coll_dag_free(&d);
}

static void test_hier_all_reduce_computes_the_right_data(void)
{
	static const uint32_t shapes[][4] = { { 2, 2 }, { 2, 3 }, { 4, 2 }, { 3, 4, 2 }, { 4, 8 } };
	static const uint32_t ks[] = { 2, 2, 2, 3, 2 };
	for (size_t i = 0; i < 5; i++)
		for (uint32_t chunks = 1; chunks <= 3; chunks++)
			for (int a = 0; a < COLL_NALGOS; a++) {
				int pow2 = 1;
				for (uint32_t j = 0; j < ks[i]; j++)
					pow2 &= !(shapes[i][j] & (shapes[i][j] - 1));
				if ((a != COLL_HALVING_DOUBLING || pow2) &&
				    a != COLL_DOUBLE_BINARY_TREE)
					for (int op = 0; op < 3; op++)
						for (int base = 0; base <= (op == 0); base++)
							check_hier((enum coll_op)op, shapes[i], ks[i],
								   (enum coll_algo)a, chunks, base);
			}
}

/* Congestion-aware paths: through a switch, a message crosses its sender's
 * uplink (link src) and its receiver's downlink (link n + dst); on a ring,
 * the sender's link to its successor (link src). Each hop floor(500 +
 * bytes / B) ns, B = 50 GB/s in ASTRA-sim's GB. */
struct aware_ctx {
	uint32_t n;
	int ring;
};

static int aware_path(void *ctx, const struct coll_msg *m, uint32_t *links, uint64_t *hop_ps,
		      int max)
{
	const struct aware_ctx *a = ctx;
	double B = 50 * 1073741824.0 / 1e9;
	uint64_t hop = (uint64_t)(500 + (double)m->bytes / B) * 1000;
	if (max < 2)
		return -1;
	links[0] = m->src;
	hop_ps[0] = hop;
	if (a->ring)
		return 1;
	links[1] = a->n + m->dst;
	hop_ps[1] = hop;
	return 2;
}

/*
 * Direct all-reduce of 64 KiB over 4 ranks on a switch: 16 KiB messages take
 * floor(500 + 305.2) = 805 ns per hop. Each rank's three reduce-scatter
 * messages leave at 10 ns and queue on its uplink (done at 815, 1,620,
 * 2,425); each downlink gets one at each of those times and passes them on
 * by 1,620, 2,425, 3,230. The all-gather leaves at 3,240 and repeats the
 * pattern 3,230 ns later: last arrival 6,460, the end 6,470 ns. The
 * congestion-unaware model says 2 x (10 + 1,305) + 10 = 2,640 ns (one message
 * time per phase). On a ring, neighbours only: aware = unaware = 64,440 ns.
 */
static void test_aware_model_by_hand(void)
{
	struct coll_dag d;
	struct coll_sys sys = { .endpoint_delay_ps = 10000 };
	struct aware_ctx sw = { 4, 0 }, ring = { 8, 1 };
	CU_ASSERT_EQUAL_FATAL(coll_build(COLL_ALL_REDUCE, COLL_DIRECT, 4, 65536, 1, &d, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(coll_eval_aware(&d, &sys, aware_path, &sw, 8), 6470000ull);
	coll_dag_free(&d);
	sys.local_mem_bw_Bps = 1600000000000ull;
	CU_ASSERT_EQUAL_FATAL(coll_build(COLL_ALL_REDUCE, COLL_RING, 8, 1 << 20, 4, &d, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(coll_eval_aware(&d, &sys, aware_path, &ring, 8), 64440000ull);
	coll_dag_free(&d);
}

/*
 * Double binary tree all-reduce of 64 KiB over 4 ranks through a switch
 * (1,000 ns a message), one chunk, ASTRA-sim's "root max" tree: 3 -> 1 ->
 * {0, 2}. Whole-chunk messages: floor(1000 + 1220.7) = 2,220 ns. 0 -> 1 and
 * 2 -> 1 arrive at 10 + 2,220 = 2,230; 1 -> 3 at 2,230 + 10 + 2,220 =
 * 4,460; the broadcast 3 -> 1 at 6,690, 1 -> 0 and 1 -> 2 at 8,920; the end
 * 10 ns later, 8,930 ns. The second chunk takes the "root min" tree: 0 -> 2
 * -> {1, 3}.
 */
static void test_dbt_unaware_by_hand(void)
{
	struct coll_dag d;
	struct astra_link l = { 1000, 50 };
	struct coll_sys sys = { .endpoint_delay_ps = 10000 };
	CU_ASSERT_EQUAL_FATAL(coll_build(COLL_ALL_REDUCE, COLL_DOUBLE_BINARY_TREE, 4, 65536, 1, &d,
					 err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(d.nmsgs, 6);
	CU_ASSERT_EQUAL(coll_eval(&d, &sys, astra_cost, &l), 8930000ull);
	coll_dag_free(&d);
	CU_ASSERT_EQUAL_FATAL(coll_build(COLL_ALL_REDUCE, COLL_DOUBLE_BINARY_TREE, 4, 65536, 2, &d,
					 err, sizeof(err)), 0);
	int seen = 0;
	for (uint32_t i = 0; i < d.nmsgs; i++)
		if (d.msgs[i].chunk == 1 && d.msgs[i].reduce && d.msgs[i].dst == 2)
			seen |= 1 << d.msgs[i].src;
	CU_ASSERT_EQUAL(seen, (1 << 1) | (1 << 3));
	/* n = 8, chunk 0: 7 -> 3 -> {1, 5}, leaves even. */
	coll_dag_free(&d);
	CU_ASSERT_EQUAL_FATAL(coll_build(COLL_ALL_REDUCE, COLL_DOUBLE_BINARY_TREE, 8, 65536, 1, &d,
					 err, sizeof(err)), 0);
	uint32_t up_to[8];
	memset(up_to, 0xff, sizeof(up_to));
	for (uint32_t i = 0; i < d.nmsgs; i++)
		if (d.msgs[i].reduce)
			up_to[d.msgs[i].src] = d.msgs[i].dst;
	CU_ASSERT_EQUAL(up_to[3], 7);
	CU_ASSERT_EQUAL(up_to[1], 3);
	CU_ASSERT_EQUAL(up_to[5], 3);
	CU_ASSERT_EQUAL(up_to[0], 1);
	CU_ASSERT_EQUAL(up_to[6], 5);
	CU_ASSERT_EQUAL(up_to[7], UINT32_MAX);
	coll_dag_free(&d);
	CU_ASSERT_EQUAL(coll_build(COLL_ALL_GATHER, COLL_DOUBLE_BINARY_TREE, 4, 65536, 1, &d, err,
				   sizeof(err)), -1);
}

static void test_bad_shapes_are_errors(void)
{
	struct coll_dag d;
	CU_ASSERT_EQUAL(coll_build(COLL_ALL_REDUCE, COLL_RING, 1, 1000, 1, &d, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at least 2 ranks"));
	CU_ASSERT_EQUAL(coll_build(COLL_ALL_REDUCE, COLL_RING, 8, 10, 4, &d, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too small"));
}

static const struct unit_test coll_tests[] = {
	{ "ring_ops_compute_the_right_data", test_ring_ops_compute_the_right_data },
	{ "direct_ops_compute_the_right_data", test_direct_ops_compute_the_right_data },
	{ "astra_unaware_check_value", test_astra_unaware_check_value },
	{ "direct_unaware_by_hand", test_direct_unaware_by_hand },
	{ "hd_ops_compute_the_right_data", test_hd_ops_compute_the_right_data },
	{ "hd_unaware_by_hand", test_hd_unaware_by_hand },
	{ "dbt_all_reduce_computes_the_right_data", test_dbt_all_reduce_computes_the_right_data },
	{ "dbt_unaware_by_hand", test_dbt_unaware_by_hand },
	{ "pipelined_ops_compute_the_right_data", test_pipelined_ops_compute_the_right_data },
	{ "hier_all_reduce_computes_the_right_data", test_hier_all_reduce_computes_the_right_data },
	{ "aware_model_by_hand", test_aware_model_by_hand },
	{ "bad_shapes_are_errors", test_bad_shapes_are_errors },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "collectives", coll_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
