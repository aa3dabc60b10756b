/*
 * topo/ring.c - the `ring` builder: N hosts in a cycle, no switch.
 *
 * Link i joins host i (end a) to host i+1 mod N (end b), so every host's
 * ports are "towards i-1" and "towards i+1" in an order set by link order
 * (host 0 sees link 0 before link N-1). Hosts forward transit traffic (the
 * graph has no switch, so TOPO_FWD_AUTO says yes). Unidirectional: each link
 * carries only a -> b, so all traffic, ACKs included, travels forwards;
 * with N = 2 that takes two links (0 -> 1 and 1 -> 0), where the
 * bidirectional ring has one. Rates bits/s, delays ps (the default link).
 */
#include "topo/builder.h"

static int ring_validate(const struct topo_params *p, char *err, size_t errlen)
{
	if (p->hosts < 2 || p->hosts > TOPO_BUILD_MAX_HOSTS) {
		snprintf(err, errlen, "ring: hosts must be 2..%u (got %u)", TOPO_BUILD_MAX_HOSTS,
			 p->hosts);
		return NET_ERR_INVAL;
	}
	return topo_class_check("ring", "link", topo_link_default(p), err, errlen);
}

static int ring_build(const struct topo_params *p, struct topo_graph *g, char *err,
		      size_t errlen)
{
	uint32_t n = p->hosts;
	/* A bidirectional pair needs one link; a one-way pair needs both. */
	uint32_t nlinks = n == 2 && !p->unidirectional ? 1 : n;
	int rc = topo_graph_init(g, n);

	if (rc < 0)
		goto fail;
	snprintf(g->name, sizeof(g->name), "ring");
	g->coord_ndims = 1;
	g->coord_dims[0] = n;
	for (uint32_t i = 0; i < nlinks; i++) {
		rc = topo_graph_add_link(g, i, (i + 1) % n, p->rate_bps, p->delay_ps, 0.0);
		if (rc < 0)
			goto fail;
		g->links[g->nlinks - 1].one_way = p->unidirectional != 0;
	}
	return NET_OK;
fail:
	snprintf(err, errlen, "ring: out of memory building %u hosts", n);
	topo_graph_free(g);
	return rc;
}

/* Halving the ring cuts two links (one for N = 2); one-way, only one of
 * them carries traffic from a given half to the other. */
static uint64_t ring_bisection_bps(const struct topo_params *p)
{
	if (p->hosts < 2)
		return 0;
	uint64_t links = p->unidirectional || p->hosts == 2 ? 1 : 2;
	return topo_mul_sat(links, p->rate_bps);
}

const struct topo_builder_ops topo_ring_builder = {
	.name = "ring",
	.validate = ring_validate,
	.build = ring_build,
	.bisection_bps = ring_bisection_bps,
};
