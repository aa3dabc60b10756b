/*
 * topo/torus.c - the `torus` builder: a 2-D or 3-D torus of hosts, no
 * switch (the wrap-around mesh of TPU pods and Blue Gene).
 *
 * dims = [d0, d1] or [d0, d1, d2]; host id = x0 + d0*x1 + d0*d1*x2. Along a
 * dimension of size d >= 3 every host links to its +1 neighbour, the last of
 * a line wrapping to the first (d links per line); a size of 2 gives one
 * link per pair (the +1 and -1 neighbours are the same host), a size of 1
 * none. Links go dimension by dimension, and within a dimension in host id
 * order, each link added by the host it leaves (end a) towards +1. Hosts
 * forward transit traffic (no switch: TOPO_FWD_AUTO). Rates bits/s, delays
 * ps (the default link).
 */
#include "topo/builder.h"

static int torus_validate(const struct topo_params *p, char *err, size_t errlen)
{
	if (p->ndims < 2 || p->ndims > 3) {
		snprintf(err, errlen, "torus: dims must have 2 or 3 sizes (got %u)", p->ndims);
		return NET_ERR_INVAL;
	}
	uint64_t hosts = 1;
	for (uint32_t d = 0; d < p->ndims; d++) {
		if (p->dims[d] < 1) {
			snprintf(err, errlen, "torus: dims[%u] must be >= 1 (got 0)", d);
			return NET_ERR_INVAL;
		}
		/* Checked before each product, so it never passes 2^52. */
		hosts *= p->dims[d];
		if (hosts > TOPO_BUILD_MAX_HOSTS) {
			snprintf(err, errlen, "torus: dims give more than the %u hosts this builder "
				 "accepts", TOPO_BUILD_MAX_HOSTS);
			return NET_ERR_INVAL;
		}
	}
	if (hosts < 2) {
		snprintf(err, errlen, "torus: dims must give at least 2 hosts (got 1)");
		return NET_ERR_INVAL;
	}
	return topo_class_check("torus", "link", topo_link_default(p), err, errlen);
}

static int torus_build(const struct topo_params *p, struct topo_graph *g, char *err,
		       size_t errlen)
{
	uint32_t n = 1;
	for (uint32_t d = 0; d < p->ndims; d++)
		n *= p->dims[d];
	int rc = topo_graph_init(g, n);

	if (rc < 0)
		goto fail;
	snprintf(g->name, sizeof(g->name), "torus");
	g->coord_ndims = p->ndims;
	for (uint32_t d = 0; d < p->ndims; d++)
		g->coord_dims[d] = p->dims[d];
	for (uint32_t d = 0, stride = 1; d < p->ndims; stride *= p->dims[d], d++) {
		const uint32_t size = p->dims[d];
		const struct topo_linkspec ls = topo_class_resolve(p, p->dim_link[d]);
		if (size < 2)
			continue;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t x = i / stride % size;
			/* The +1 neighbour of the last host wraps to the line's first;
			 * with size 2 that is the pair's link again, already added. */
			uint32_t j = x + 1 < size ? i + stride : i - x * stride;
			if (x + 1 == size && size == 2)
				continue;
			if ((rc = topo_graph_add_link(g, i, j, ls.rate_bps, ls.delay_ps, 0.0)) < 0)
				goto fail;
		}
	}
	return NET_OK;
fail:
	snprintf(err, errlen, "torus: out of memory building %u hosts", n);
	topo_graph_free(g);
	return rc;
}

/* Cut across the middle of the largest dimension: each of its H/dmax lines
 * is a ring cut in two places (one when dmax = 2: the line is one link), and
 * each cut link carries one direction of traffic across. */
static uint64_t torus_bisection_bps(const struct topo_params *p)
{
	if (p->ndims < 2 || p->ndims > 3)
		return 0;
	uint64_t hosts = 1, dmax = 0;
	for (uint32_t d = 0; d < p->ndims; d++) {
		hosts = topo_mul_sat(hosts, p->dims[d]);
		if (p->dims[d] > dmax)
			dmax = p->dims[d];
	}
	if (hosts < 2)
		return 0;
	return topo_mul_sat((dmax >= 3 ? 2 : 1) * (hosts / dmax), p->rate_bps);
}

const struct topo_builder_ops topo_torus_builder = {
	.name = "torus",
	.validate = torus_validate,
	.build = torus_build,
	.bisection_bps = torus_bisection_bps,
};
