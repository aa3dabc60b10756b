/*
 * topo/fat_tree.c - the `fat-tree` builder: the three-tier k-ary fat tree of
 * Al-Fares, Loukissas and Vahdat (SIGCOMM 2008).
 *
 * k pods, each with k/2 edge and k/2 aggregation switches; every edge switch
 * has k/2 hosts; (k/2)^2 core switches, core c linking to aggregation switch
 * c / (k/2) of every pod. With h = k/2 and H = k^3/4 hosts:
 *   host      pod*h^2 + edge*h + i           (0 .. H-1)
 *   edge      H + pod*h + e
 *   agg       H + k^2/2 + pod*h + a
 *   core      H + k^2 + c                    (c = a*h + j, j = 0 .. h-1)
 * Links: host-edge in host order, then edge-agg by (pod, edge, agg), then
 * agg-core by (pod, agg, core), the lower tier as end a; 3H links in all.
 * Link classes tiers.host, tiers.agg (edge-agg), tiers.core (agg-core), each
 * in bits/s and ps, default link when its rate is 0.
 */
#include "topo/builder.h"

/* The largest even k with k^3/4 <= TOPO_BUILD_MAX_HOSTS: 158^3/4 = 986,078. */
#define FT_MAX_K 158u

static int ft_validate(const struct topo_params *p, char *err, size_t errlen)
{
	if (p->k < 2 || p->k % 2) {
		snprintf(err, errlen, "fat-tree: k must be even and >= 2 (got %u)", p->k);
		return NET_ERR_INVAL;
	}
	if (p->k > FT_MAX_K) {
		snprintf(err, errlen, "fat-tree: k must be at most %u (k^3/4 hosts, at most %u) "
			 "(got %u)", FT_MAX_K, TOPO_BUILD_MAX_HOSTS, p->k);
		return NET_ERR_INVAL;
	}
	int rc = topo_class_check("fat-tree", "tiers.host", topo_class_resolve(p, p->host_link),
				  err, errlen);
	if (rc == 0)
		rc = topo_class_check("fat-tree", "tiers.agg", topo_class_resolve(p, p->agg_link),
				      err, errlen);
	if (rc == 0)
		rc = topo_class_check("fat-tree", "tiers.core",
				      topo_class_resolve(p, p->core_link), err, errlen);
	return rc;
}

static int ft_build(const struct topo_params *p, struct topo_graph *g, char *err, size_t errlen)
{
	const uint32_t k = p->k, h = k / 2, nh = k * k * k / 4;
	const uint32_t edge0 = nh, agg0 = nh + k * k / 2, core0 = nh + k * k;
	const struct topo_linkspec hl = topo_class_resolve(p, p->host_link);
	const struct topo_linkspec al = topo_class_resolve(p, p->agg_link);
	const struct topo_linkspec cl = topo_class_resolve(p, p->core_link);
	int rc = topo_graph_init(g, core0 + h * h);

	if (rc < 0)
		goto fail;
	snprintf(g->name, sizeof(g->name), "fat-tree");
	for (uint32_t s = nh; s < g->nnodes; s++)
		g->kind[s] = TOPO_SWITCH;
	g->nhosts = nh;
	/* Hosts of one edge switch are consecutive, h of them. */
	for (uint32_t i = 0; i < nh; i++)
		if ((rc = topo_graph_add_link(g, i, edge0 + i / h, hl.rate_bps, hl.delay_ps, 0.0)) < 0)
			goto fail;
	for (uint32_t pod = 0; pod < k; pod++)
		for (uint32_t e = 0; e < h; e++)
			for (uint32_t a = 0; a < h; a++)
				if ((rc = topo_graph_add_link(g, edge0 + pod * h + e, agg0 + pod * h + a,
							      al.rate_bps, al.delay_ps, 0.0)) < 0)
					goto fail;
	for (uint32_t pod = 0; pod < k; pod++)
		for (uint32_t a = 0; a < h; a++)
			for (uint32_t j = 0; j < h; j++)
				if ((rc = topo_graph_add_link(g, agg0 + pod * h + a, core0 + a * h + j,
							      cl.rate_bps, cl.delay_ps, 0.0)) < 0)
					goto fail;
	return NET_OK;
fail:
	snprintf(err, errlen, "fat-tree: out of memory building k = %u", k);
	topo_graph_free(g);
	return rc;
}

/* Every tier has k^3/4 links and a cut can sever half of any one tier while
 * splitting the hosts evenly (half the pods; or half the hosts from their
 * edges), so the slowest tier bounds it: k^3/8 of its links. With equal rates
 * that is full bisection, half the hosts at line rate. */
static uint64_t ft_bisection_bps(const struct topo_params *p)
{
	if (p->k < 2 || p->k % 2 || p->k > FT_MAX_K)
		return 0;
	uint64_t r = topo_class_resolve(p, p->host_link).rate_bps;
	uint64_t ra = topo_class_resolve(p, p->agg_link).rate_bps;
	uint64_t rc = topo_class_resolve(p, p->core_link).rate_bps;
	if (ra < r)
		r = ra;
	if (rc < r)
		r = rc;
	return topo_mul_sat((uint64_t)p->k * p->k * p->k / 8, r);
}

const struct topo_builder_ops topo_fat_tree_builder = {
	.name = "fat-tree",
	.validate = ft_validate,
	.build = ft_build,
	.bisection_bps = ft_bisection_bps,
};
