/*
 * collectives/coll.h - collectives as DAGs of point-to-point chunk messages,
 * and analytical models evaluated on the same DAG.
 *
 * An algorithm turns (operation, size, ranks, chunks) into messages, each
 * with the messages its sender must have received first. Every message says
 * which data block it carries and whether the receiver reduces it (adds) or
 * copies it, so the DAG can be checked on real data independently of timing.
 * Executors (packet level: frontend/coll_run.c) and the analytical models
 * (coll_eval below) follow the same rules, ASTRA-sim's: a message is sent
 * endpoint_delay after its dependencies were received (plus the reduction
 * time of reducing receives, 3 x floor(bytes / local_mem_bw)); the
 * collective ends endpoint_delay after a rank's last receive; chunks run one
 * after another (chunk c+1 of a rank waits for its chunk c to finish).
 *
 * Units: bytes, ps.
 */
#ifndef PKTSIM_COLL_H
#define PKTSIM_COLL_H

#include <stddef.h>
#include <stdint.h>

enum coll_op {
	COLL_ALL_REDUCE = 0, COLL_ALL_GATHER = 1, COLL_REDUCE_SCATTER = 2,
	COLL_ALL_TO_ALL = 3          /* rank r's block j goes to rank j's slot r */
};
#define COLL_NOPS 4
enum coll_algo {
	COLL_RING = 0, COLL_DIRECT = 1, COLL_HALVING_DOUBLING = 2, COLL_DOUBLE_BINARY_TREE = 3
};
#define COLL_NALGOS 4

struct coll_msg {
	uint32_t src, dst;           /* ranks; src == dst: a local barrier, no bytes,
					over as soon as its dependencies are */
	uint64_t bytes;
	uint32_t chunk, step;
	uint32_t block;              /* data block of the chunk it carries (0..n-1), */
	uint32_t bmask;              /* or, if bmask != 0, every block b < n with
					(b & bmask) == block */
	/* Hierarchical DAGs: the blocks are digits of a mixed radix; this message
	 * covers the blocks b with b % pre_mod == pre_val whose digit
	 * (b / pre_mod) % radix matches block/bmask as above. 0: flat. */
	uint32_t pre_mod, pre_val, radix;
	uint8_t reduce;              /* receiver adds (1) or copies (0) the block */
	uint8_t chunk_start;         /* waits for the sender's previous chunk to end */
	/* One server per (rank, dimension), as ASTRA-sim runs a dimension's
	 * phases one chunk at a time: a gate (a barrier) takes server - 1 when
	 * its dependencies are over, a release barrier gives it back. */
	uint8_t gate, release;
	uint32_t server;             /* 0: none */
	uint32_t ndeps, dep_off;     /* deps[dep_off ..]: messages src must have received */
};

struct coll_dag {
	enum coll_op op;
	enum coll_algo algo;
	uint32_t n;                  /* ranks */
	uint32_t chunks;
	uint64_t size_bytes;         /* all-gather: the per-rank input; else the buffer */
	uint32_t ndims;              /* hierarchical: dimensions (0 or 1: flat) */
	struct coll_msg *msgs;
	uint32_t nmsgs;
	uint32_t *deps;
	uint32_t ndeps;
};

extern const char *const coll_op_names[COLL_NOPS];
extern const char *const coll_algo_names[COLL_NALGOS];

/* Back ends: fill msgs/deps of a dag whose op, n, chunks and size are set
 * (checked by coll_build); -1 only when out of memory. */
int coll_ring_build(struct coll_dag *d);
int coll_direct_build(struct coll_dag *d);
int coll_hd_build(struct coll_dag *d);
int coll_dbt_build(struct coll_dag *d);
uint64_t coll_part(uint64_t total, uint32_t parts, uint32_t i);

static inline int coll_msg_has(const struct coll_msg *m, uint32_t b)
{
	if (m->pre_mod) {
		if (b % m->pre_mod != m->pre_val)
			return 0;
		b = (b / m->pre_mod) % m->radix;
	}
	return m->bmask ? (b & m->bmask) == m->block : b == m->block;
}

/* The pipelined discipline (NCCL-like): chunks no longer wait for each
 * other, and a ring all-reduce or all-gather sends its odd chunks the other
 * way round (rank r to r-1), so both directions of a bidirectional ring
 * carry data. */
void coll_pipeline(struct coll_dag *d);

/* Hierarchical all-reduce over ndims dimensions of sizes dims[] (rank =
 * c0 + dims[0] c1 + ..., as multi-dim NPU ids): reduce-scatter along
 * dimension 0, 1, ..., k-2, all-reduce along k-1, all-gather back along
 * k-2 .. 0, each phase by algos[d] within every group of that dimension
 * (ASTRA-sim's localBWAware); with baseline set, a whole all-reduce of the
 * full chunk along each dimension in turn (ASTRA-sim's baseline). op may
 * also be reduce-scatter (dimensions 0 .. k-1) or all-gather (k-1 .. 0,
 * size the per-rank input); rank r ends with block r, as flat. Same error
 * conventions as coll_build. */
int coll_build_hier(enum coll_op op, const uint32_t *dims, const enum coll_algo *algos,
		    uint32_t ndims, int baseline, uint64_t size, uint32_t chunks,
		    struct coll_dag *out, char *err, size_t errlen);

/* Build; chunk sizes split size evenly (the last chunk takes the rest), each
 * chunk into n blocks the same way. Errors (n < 2, size < n x chunks, ...)
 * return -1 with err set. */
int coll_build(enum coll_op op, enum coll_algo algo, uint32_t n, uint64_t size_bytes,
	       uint32_t chunks, struct coll_dag *out, char *err, size_t errlen);
void coll_dag_free(struct coll_dag *d);

/* The time of one message from rank src to rank dst (ps). */
typedef uint64_t (*coll_msg_cost)(void *ctx, const struct coll_msg *m);

struct coll_sys {
	uint64_t endpoint_delay_ps;
	uint64_t local_mem_bw_Bps;   /* bytes/s, decimal; 0: no reduction cost */
};

/* Reduction time of a reducing receive: 3 x floor(bytes / local_mem_bw) ns. */
uint64_t coll_reduce_ps(const struct coll_sys *sys, uint64_t bytes);

/* When a child may go on, counting from its parent's receive at t: after
 * the receiver's reduction of the parent and, for a new chunk, one endpoint
 * delay. Every evaluation and the packet-level executor use this rule. */
uint64_t coll_after(const struct coll_sys *sys, const struct coll_msg *parent,
		    const struct coll_msg *child, uint64_t t);

/* Children lists (who waits for whom): the messages waiting for i are
 * child[coff[i] .. coff[i+1]). Returns 0, or -1 when out of memory (both
 * NULL then); the caller frees both. */
int coll_children(const struct coll_dag *d, uint32_t **coff, uint32_t **child);

/* Longest path through the DAG with the given message costs and the rules
 * above (no contention): the collective's time, ps. */
uint64_t coll_eval(const struct coll_dag *d, const struct coll_sys *sys, coll_msg_cost cost,
		   void *ctx);

/* Fix the order in which each server serves its gates: run the DAG with
 * the given costs, each server holding up to `slots` gates at once
 * (ASTRA-sim's active-chunks-per-dimension) and granting requests first
 * come, first served (ties by message id), and add to every gate beyond
 * the first `slots` a dependency on the release that made room for it. Afterwards the DAG holds that order as
 * plain dependencies, so every evaluation and the packet-level run follow
 * the same schedule (and ranks cannot order a server differently and
 * deadlock). Returns 0, or -1 (out of memory, or a DAG that cannot finish). */
int coll_order_servers(struct coll_dag *d, const struct coll_sys *sys, coll_msg_cost cost,
		       void *ctx, uint32_t nservers, uint32_t slots);

/* A message's route for the congestion-aware model: the ids (< nlinks) of
 * the links it crosses in order and each hop's time (ps); returns the hop
 * count (<= max), or -1. */
typedef int (*coll_msg_path)(void *ctx, const struct coll_msg *m, uint32_t *links,
			     uint64_t *hop_ps, int max);

/* ASTRA-sim's congestion-aware model: every message crosses its links
 * store-and-forward as a whole, each link serving one message at a time in
 * arrival order (ties by message id) for the hop's time; dependencies,
 * endpoint delays and reductions as coll_eval. Returns the collective's
 * time (ps), or 0 on a bad path or out of memory. */
uint64_t coll_eval_aware(const struct coll_dag *d, const struct coll_sys *sys, coll_msg_path path,
			 void *ctx, uint32_t nlinks);

#endif
