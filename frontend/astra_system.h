/*
 * frontend/astra_system.h - ASTRA-sim's system configuration (JSON), the
 * part of it that sets how a collective runs.
 *
 *   {"endpoint-delay": 10, "local-mem-bw": 1600,
 *    "preferred-dataset-splits": 4, "active-chunks-per-dimension": 1,
 *    "all-reduce-implementation": ["ring"], "all-gather-implementation": ["ring"],
 *    "reduce-scatter-implementation": ["ring"], "all-to-all-implementation": ["direct"],
 *    "collective-optimization": "baseline", "scheduling-policy": "LIFO", ...}
 *
 * endpoint-delay in ns, local-mem-bw in decimal GB/s (as the congestion-
 * unaware backend reads it), implementations one per dimension (ring,
 * direct, halvingDoubling; doubleBinaryTree and the one* variants are not
 * available yet). JSON is read with libyaml (JSON is YAML flow style), so
 * errors carry lines like every other input.
 */
#ifndef PKTSIM_FRONTEND_ASTRA_SYSTEM_H
#define PKTSIM_FRONTEND_ASTRA_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

struct fe_astra_sys {
	int has_endpoint_delay;
	uint64_t endpoint_delay_ps;
	int has_local_mem_bw;
	uint64_t local_mem_bw_Bps;
	uint32_t splits;             /* preferred-dataset-splits; 0: absent */
	uint32_t active_chunks;      /* 0: absent */
	int impl[4];                 /* per enum coll_op: enum coll_algo, -1 absent */
	uint32_t impl_all[4][8];     /* every dimension's, impl_dims[op] of them */
	uint32_t impl_dims[4];       /* entries in each implementation list */
	int has_optimization;
	int localbw_aware;           /* collective-optimization: localBWAware */
};

/* Load PATH. On success 0, with keys pktsim does not model listed in warn
 * ("PATH: keys not modelled by pktsim: a, b"; "" when none). On failure -1
 * with "PATH:LINE: KEY: what was expected" in err. */
int fe_astra_sys_load(const char *path, struct fe_astra_sys *out, char *err, size_t errlen,
		      char *warn, size_t warnlen);

#endif
