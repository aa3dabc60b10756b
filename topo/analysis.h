/*
 * topo/analysis.h - numbers that describe a built topology graph: node and
 * link counts, the hop diameter between hosts, bisection bandwidth and total
 * capacity. Rates are bits/s; distances are hops (links traversed).
 */
#ifndef PKTSIM_TOPO_ANALYSIS_H
#define PKTSIM_TOPO_ANALYSIS_H

#include <stdint.h>

#include "topo/topo.h"

/*
 * The largest shortest-path hop count between two hosts, on the paths
 * traffic can take: only switches relay, and hosts too when the graph's
 * hosts forward (TOPO_FWD_YES, or TOPO_FWD_AUTO in a graph without
 * switches); a one-way link carries a -> b only. Fewer than two hosts: 0.
 *
 * Returns 0 with *hops set; -1 when some host cannot reach another
 * (*hops = UINT32_MAX); NET_ERR_NOMEM (*hops = UINT32_MAX) if the O(N + L)
 * working memory cannot be allocated.
 *
 * Cost: one BFS, O(N + L), per source; the sources are the hosts, except
 * that the hosts hanging off one switch by a single two-way link share that
 * switch's BFS. So O(H x (N + L)) at worst (direct-connect fabrics: a
 * 1024-NPU 3-D torus is ~10^7 steps) and O(switches x (N + L)) on switched
 * fabrics (a k = 32 fat-tree: 512 edge switches x 34,000 nodes and links).
 */
int topo_diameter(const struct topo_graph *g, uint32_t *hops);

struct topo_summary {
	char name[64];            /* the graph's name */
	uint32_t hosts, switches, links;
	uint32_t diameter;        /* hops; UINT32_MAX when not known */
	int diameter_rc;          /* topo_diameter's result: 0, -1 (a host pair is
				   * unreachable) or NET_ERR_NOMEM */
	uint64_t bisection_bps;   /* the builder's closed form, one direction; 0: unknown */
	uint64_t capacity_bps;    /* the sum over links of the capacity in each
				   * direction they carry (a full-duplex link counts
				   * twice, a one-way link once); saturates at UINT64_MAX */
};

/*
 * Fill s from g. p_or_null: the parameters g was built from; when given,
 * the bisection comes from the builder topo_builder_find(p->kind) (0 if it
 * has no bisection_bps hook); when NULL, the bisection is 0 (unknown).
 */
void topo_summary(const struct topo_graph *g, const struct topo_params *p_or_null,
		  struct topo_summary *s);

#endif
