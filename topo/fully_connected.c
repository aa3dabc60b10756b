/*
 * topo/fully_connected.c - the `fully-connected` builder: N hosts, a direct
 * link between every pair, no switch.
 *
 * Links come in lexicographic pair order (0,1), (0,2), ..., (0,N-1), (1,2),
 * ..., the lower id as end a, so host i's port j < i faces host j and its
 * port j >= i faces host j+1. N(N-1)/2 links: the link cap, not the host
 * cap, bounds N (2828 hosts). Hosts forward transit traffic (no switch:
 * TOPO_FWD_AUTO), though shortest paths never need it. Rates bits/s, delays
 * ps (the default link).
 */
#include "topo/builder.h"

static int fc_validate(const struct topo_params *p, char *err, size_t errlen)
{
	if (p->hosts < 2 || p->hosts > TOPO_BUILD_MAX_HOSTS) {
		snprintf(err, errlen, "fully-connected: hosts must be 2..%u (got %u)",
			 TOPO_BUILD_MAX_HOSTS, p->hosts);
		return NET_ERR_INVAL;
	}
	uint64_t links = (uint64_t)p->hosts * (p->hosts - 1) / 2;
	if (links > TOPO_BUILD_MAX_LINKS) {
		snprintf(err, errlen, "fully-connected: hosts = %u needs %llu links, more than the "
			 "%u this builder accepts", p->hosts, (unsigned long long)links,
			 TOPO_BUILD_MAX_LINKS);
		return NET_ERR_INVAL;
	}
	return topo_class_check("fully-connected", "link", topo_link_default(p), err, errlen);
}

static int fc_build(const struct topo_params *p, struct topo_graph *g, char *err, size_t errlen)
{
	uint32_t n = p->hosts;
	int rc = topo_graph_init(g, n);

	if (rc < 0)
		goto fail;
	snprintf(g->name, sizeof(g->name), "fully-connected");
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = i + 1; j < n; j++) {
			rc = topo_graph_add_link(g, i, j, p->rate_bps, p->delay_ps, 0.0);
			if (rc < 0)
				goto fail;
		}
	return NET_OK;
fail:
	snprintf(err, errlen, "fully-connected: out of memory building %u hosts", n);
	topo_graph_free(g);
	return rc;
}

/* Every host of one half links to every host of the other. */
static uint64_t fc_bisection_bps(const struct topo_params *p)
{
	uint64_t lo = p->hosts / 2, hi = p->hosts - lo;
	return topo_mul_sat(lo * hi, p->rate_bps);
}

const struct topo_builder_ops topo_fully_connected_builder = {
	.name = "fully-connected",
	.validate = fc_validate,
	.build = fc_build,
	.bisection_bps = fc_bisection_bps,
};
