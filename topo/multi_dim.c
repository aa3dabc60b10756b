/*
 * topo/multi_dim.c - the `multi-dim` builder: ASTRA-sim's multi-dimensional
 * fabric, each dimension a Ring, FullyConnected or Switch of npus members.
 *
 * NPU id = sum over d of coord[d] x prod(npus[e], e < d): dimension 0 varies
 * fastest, as in ASTRA-sim. A group of dimension d is the npus[d] NPUs that
 * differ only in coord[d]; groups are taken in increasing id of their first
 * member (coord[d] = 0). Per dimension, in order, per group:
 *   Ring            consecutive members, the last wrapping to the first
 *                   (npus links; one for npus = 2; none for 1)
 *   FullyConnected  every pair (c, c') with c < c', in lexicographic order
 *   Switch          a new switch (ids after all NPUs, in creation order) and
 *                   a link from every member (end a) to it
 * Ring and FullyConnected links have the lower-coordinate member as end a
 * (the wrap link's end a is the last member). Each dimension's links use its
 * own class (bits/s, ps; the default link when its rate is 0). NPUs forward
 * transit traffic whenever a Ring or FullyConnected dimension exists, even
 * next to switches, since a ring's far members are reached through its near
 * ones; and whenever two dimensions have npus >= 2, since only an NPU joins
 * two dimensions. A single Switch dimension leaves it to TOPO_FWD_AUTO.
 */
#include "topo/builder.h"

/* Links of one dimension, over all its groups, for `hosts` NPUs. */
static uint64_t md_dim_links(const struct topo_dim *d, uint64_t hosts)
{
	switch (d->kind) {
	case TOPO_DIM_RING:
		return d->npus >= 3 ? hosts : d->npus == 2 ? hosts / 2 : 0;
	case TOPO_DIM_FC:
		return hosts * (d->npus - 1) / 2;
	case TOPO_DIM_SWITCH:
		return hosts;
	}
	return 0;
}

static int md_validate(const struct topo_params *p, char *err, size_t errlen)
{
	if (p->nmd < 1 || p->nmd > TOPO_MAX_DIMS) {
		snprintf(err, errlen, "multi-dim: dims must have 1 to %d entries (got %u)",
			 TOPO_MAX_DIMS, p->nmd);
		return NET_ERR_INVAL;
	}
	uint64_t hosts = 1;
	for (uint32_t d = 0; d < p->nmd; d++) {
		const struct topo_dim *md = &p->md[d];
		if (md->kind != TOPO_DIM_RING && md->kind != TOPO_DIM_FC &&
		    md->kind != TOPO_DIM_SWITCH) {
			snprintf(err, errlen, "multi-dim: kind must be ring, fully-connected or switch "
				 "in dimension %u (dims[%u])", d, d);
			return NET_ERR_INVAL;
		}
		if (md->npus < 1) {
			snprintf(err, errlen, "multi-dim: npus must be >= 1 in dimension %u (dims[%u]) "
				 "(got 0)", d, d);
			return NET_ERR_INVAL;
		}
		/* Checked before each product, so it never passes 2^52. */
		hosts *= md->npus;
		if (hosts > TOPO_BUILD_MAX_HOSTS) {
			snprintf(err, errlen, "multi-dim: the product of npus over dims is more than "
				 "the %u NPUs this builder accepts", TOPO_BUILD_MAX_HOSTS);
			return NET_ERR_INVAL;
		}
	}
	if (hosts < 2) {
		snprintf(err, errlen, "multi-dim: the product of npus over dims must be >= 2 (got 1)");
		return NET_ERR_INVAL;
	}
	uint64_t links = 0;
	for (uint32_t d = 0; d < p->nmd; d++)
		links += md_dim_links(&p->md[d], hosts);
	if (links > TOPO_BUILD_MAX_LINKS) {
		snprintf(err, errlen, "multi-dim: dims need %llu links, more than the %u this builder "
			 "accepts", (unsigned long long)links, TOPO_BUILD_MAX_LINKS);
		return NET_ERR_INVAL;
	}
	for (uint32_t d = 0; d < p->nmd; d++) {
		char what[32];
		snprintf(what, sizeof(what), "dims[%u]", d);
		int rc = topo_class_check("multi-dim", what, topo_class_resolve(p, p->md[d].link), err,
					  errlen);
		if (rc < 0)
			return rc;
	}
	return NET_OK;
}

static int md_build(const struct topo_params *p, struct topo_graph *g, char *err, size_t errlen)
{
	uint32_t nh = 1, nsw = 0, sw, stride = 1;
	int rc, direct = 0, spanned = 0;

	for (uint32_t d = 0; d < p->nmd; d++)
		nh *= p->md[d].npus;
	for (uint32_t d = 0; d < p->nmd; d++) {
		if (p->md[d].kind == TOPO_DIM_SWITCH)
			nsw += nh / p->md[d].npus;
		else
			direct = 1;
		spanned += p->md[d].npus >= 2;
	}
	if ((rc = topo_graph_init(g, nh + nsw)) < 0)
		goto fail;
	snprintf(g->name, sizeof(g->name), "multi-dim");
	for (uint32_t s = nh; s < g->nnodes; s++)
		g->kind[s] = TOPO_SWITCH;
	g->nhosts = nh;
	/* Two switched dimensions also need NPUs to relay: NPUs that differ in
	 * both coordinates share no switch, and the route between them turns at
	 * an NPU (as GPU traffic turns from NVSwitch to the NIC). */
	g->hosts_forward = direct || spanned >= 2 ? TOPO_FWD_YES : TOPO_FWD_AUTO;
	g->coord_ndims = p->nmd;
	for (uint32_t d = 0; d < p->nmd; d++) {
		g->coord_dims[d] = p->md[d].npus;
		g->coord_kind[d] = (uint8_t)p->md[d].kind;
	}
	sw = nh;
	for (uint32_t d = 0; d < p->nmd; stride *= p->md[d].npus, d++) {
		const uint32_t n = p->md[d].npus;
		const struct topo_linkspec ls = topo_class_resolve(p, p->md[d].link);
		for (uint32_t first = 0; first < nh; first++) {
			if (first / stride % n)
				continue;     /* not coord[d] = 0: not a group's first */
			switch (p->md[d].kind) {
			case TOPO_DIM_RING:
				/* c = n - 1 is the wrap link, a duplicate when n = 2. */
				for (uint32_t c = 0; c < n && n >= 2; c++) {
					if (c == n - 1 && n == 2)
						break;
					uint32_t a = first + c * stride;
					uint32_t b = first + (c + 1) % n * stride;
					if ((rc = topo_graph_add_link(g, a, b, ls.rate_bps, ls.delay_ps,
								      0.0)) < 0)
						goto fail;
				}
				break;
			case TOPO_DIM_FC:
				for (uint32_t c = 0; c < n; c++)
					for (uint32_t c2 = c + 1; c2 < n; c2++)
						if ((rc = topo_graph_add_link(g, first + c * stride,
									      first + c2 * stride,
									      ls.rate_bps, ls.delay_ps,
									      0.0)) < 0)
							goto fail;
				break;
			case TOPO_DIM_SWITCH:
				for (uint32_t c = 0; c < n; c++)
					if ((rc = topo_graph_add_link(g, first + c * stride, sw,
								      ls.rate_bps, ls.delay_ps, 0.0)) < 0)
						goto fail;
				sw++;
				break;
			}
		}
	}
	return NET_OK;
fail:
	snprintf(err, errlen, "multi-dim: out of memory building %u NPUs", nh);
	topo_graph_free(g);
	return rc;
}

const struct topo_builder_ops topo_multi_dim_builder = {
	.name = "multi-dim",
	.validate = md_validate,
	.build = md_build,
};
