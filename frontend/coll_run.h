/*
 * frontend/coll_run.h - run a collective's DAG at packet level through the
 * NetworkAPI (ASTRA-sim's `astra` discipline), and predict it analytically.
 */
#ifndef PKTSIM_FE_COLL_RUN_H
#define PKTSIM_FE_COLL_RUN_H

#include <stdint.h>

#include "collectives/coll.h"
#include "frontend/experiment.h"

struct sim;

struct fe_coll_result {
	const struct fe_coll *cfg;
	uint32_t npus;
	uint32_t dims[8], ndims;     /* decomposed by dimension: the sizes; else 0 */
	uint64_t start_ps;
	uint64_t time_ps;            /* NET_TIME_NEVER until it completes */
	uint64_t alpha_beta_ps;      /* textbook alpha-beta (no chunks, no overheads) */
	uint64_t astra_unaware_ps;   /* ASTRA-sim's congestion-unaware model on the DAG */
	/* For the error's causes, the same DAG evaluated with: the unaware rule
	 * over wire bytes (headers included); each message's exact packet-level
	 * time alone on the idle fabric. packet - unaware = (wire - unaware)
	 * headers + (idle - wire) packetization + (packet - idle) contention. */
	uint64_t wire_model_ps;
	uint64_t astra_aware_ps;     /* ASTRA-sim's congestion-aware model; 0: n/a */
	uint64_t idle_ps;
};

struct fe_coll_run;

/* Build the DAG and the predictions, and schedule the collective's start.
 * Errors (a group member that is not a host, an impossible shape) return -1
 * with err set. */
int fe_coll_start(struct sim *s, const struct fe_coll *cfg, uint32_t index,
		  struct fe_coll_run **out, char *err, size_t errlen);
const struct fe_coll_result *fe_coll_result(const struct fe_coll_run *r);

/* nccl-tests' figures for a finished collective of size_bytes: algbw = S / t
 * with S the size nccl-tests would name (all-gather: the whole output, n x
 * our per-rank input), busbw = algbw x 2(n-1)/n for all-reduce, x (n-1)/n
 * otherwise; GB/s = 1e9 B/s. */
void fe_coll_bandwidth(const struct fe_coll_result *r, uint64_t size_bytes, double *algbw,
		       double *busbw);
void fe_coll_free(struct fe_coll_run *r);

#endif
