/*
 * topo/leaf_spine.c - the `leaf-spine` builder: a two-tier Clos. L leaf
 * switches with H hosts each, S spine switches, every leaf linked once to
 * every spine.
 *
 * Numbering: host leaf*H + i, leaf switch L*H + l, spine L*H + L + s.
 * Links: host-leaf in host order (host as end a), then leaf-spine by (leaf,
 * spine) (leaf as end a). Host links use tiers.host (bits/s, ps; the default
 * link when its rate is 0). Uplinks use `uplink`; when its rate is 0 the rate
 * comes from the oversubscription o (host capacity over uplink capacity per
 * leaf, 1 when 0): uplink = H x host rate / (S x o), rounded down to whole
 * bits/s, with the default link's delay. An explicit uplink rate and an
 * oversubscription together are an error rather than a silent precedence.
 */
#include "topo/builder.h"

#include <math.h>

enum { LS_UP_OK = 0, LS_UP_ZERO = 1, LS_UP_HUGE = 2, LS_UP_BAD = 3 };

/* The uplink rate in bits/s into *bps; LS_UP_OK, or why there is none. */
static int ls_uplink_rate(const struct topo_params *p, uint64_t *bps)
{
	*bps = p->uplink.rate_bps;
	if (*bps)
		return LS_UP_OK;
	double o = p->oversubscription == 0 ? 1.0 : p->oversubscription;
	uint64_t host = topo_class_resolve(p, p->host_link).rate_bps;
	/* Written so that NaN fails too. */
	if (!(o > 0) || !isfinite(o) || p->spines == 0)
		return LS_UP_BAD;
	/* An integral o (the common case) divides exactly in 128 bits; any other
	 * goes through long double, exact enough that floor() only errs when the
	 * true quotient sits within a few ulps below an integer. */
	if (o == floor(o) && o <= (double)UINT32_MAX) {
		unsigned __int128 q = (unsigned __int128)p->hosts_per_leaf * host /
				      ((unsigned __int128)p->spines * (uint64_t)o);
		if (q > UINT64_MAX)
			return LS_UP_HUGE;
		*bps = (uint64_t)q;
	} else {
		long double q = floorl((long double)p->hosts_per_leaf * host /
				       ((long double)p->spines * o));
		if (q >= 18446744073709551616.0L)
			return LS_UP_HUGE;
		*bps = (uint64_t)q;
	}
	return *bps ? LS_UP_OK : LS_UP_ZERO;
}

static int ls_validate(const struct topo_params *p, char *err, size_t errlen)
{
	const char *zero = !p->leaves ? "leaves" : !p->spines ? "spines"
			 : !p->hosts_per_leaf ? "hosts_per_leaf" : NULL;
	if (zero) {
		snprintf(err, errlen, "leaf-spine: %s must be >= 1 (got 0)", zero);
		return NET_ERR_INVAL;
	}
	uint64_t hosts = (uint64_t)p->leaves * p->hosts_per_leaf;
	if (hosts > TOPO_BUILD_MAX_HOSTS) {
		snprintf(err, errlen, "leaf-spine: leaves x hosts_per_leaf = %llu hosts, more than "
			 "the %u this builder accepts", (unsigned long long)hosts,
			 TOPO_BUILD_MAX_HOSTS);
		return NET_ERR_INVAL;
	}
	/* Spines are switches, not hosts, but each adds L links: bound them too. */
	uint64_t links = hosts + (uint64_t)p->leaves * p->spines;
	if (links > TOPO_BUILD_MAX_LINKS) {
		snprintf(err, errlen, "leaf-spine: %u leaves, %u spines and %llu hosts need %llu "
			 "links, more than the %u this builder accepts", p->leaves, p->spines,
			 (unsigned long long)hosts, (unsigned long long)links, TOPO_BUILD_MAX_LINKS);
		return NET_ERR_INVAL;
	}
	int rc = topo_class_check("leaf-spine", "tiers.host", topo_class_resolve(p, p->host_link),
				  err, errlen);
	if (rc < 0)
		return rc;
	if (p->uplink.rate_bps && p->oversubscription != 0) {
		snprintf(err, errlen, "leaf-spine: give uplink rate or oversubscription, not both");
		return NET_ERR_INVAL;
	}
	if (p->uplink.rate_bps)
		return topo_class_check("leaf-spine", "uplink", p->uplink, err, errlen);
	uint64_t up;
	int why = ls_uplink_rate(p, &up);
	if (why == LS_UP_BAD) {
		snprintf(err, errlen, "leaf-spine: oversubscription must be a positive number "
			 "(got %g)", p->oversubscription);
		return NET_ERR_INVAL;
	}
	if (why != LS_UP_OK) {
		snprintf(err, errlen, "leaf-spine: the uplink rate from oversubscription "
			 "(hosts_per_leaf x host rate / (spines x oversubscription)) is %s; give "
			 "uplink rate instead", why == LS_UP_HUGE ? "2^64 b/s or more" : "below 1 b/s");
		return NET_ERR_INVAL;
	}
	/* A derived uplink takes the default link's delay. */
	if (p->delay_ps > TOPO_MAX_DELAY_PS) {
		snprintf(err, errlen, "leaf-spine: link delay must be at most 1s");
		return NET_ERR_INVAL;
	}
	return NET_OK;
}

static int ls_build(const struct topo_params *p, struct topo_graph *g, char *err,
		    size_t errlen)
{
	const uint32_t nl = p->leaves, ns = p->spines, hpl = p->hosts_per_leaf;
	const uint32_t nh = nl * hpl, leaf0 = nh, spine0 = nh + nl;
	const struct topo_linkspec hl = topo_class_resolve(p, p->host_link);
	uint64_t up_bps;
	const uint64_t up_ps = p->uplink.rate_bps ? p->uplink.delay_ps : p->delay_ps;
	int rc = topo_graph_init(g, spine0 + ns);

	(void)ls_uplink_rate(p, &up_bps);
	if (rc < 0)
		goto fail;
	snprintf(g->name, sizeof(g->name), "leaf-spine");
	for (uint32_t s = nh; s < g->nnodes; s++)
		g->kind[s] = TOPO_SWITCH;
	g->nhosts = nh;
	for (uint32_t i = 0; i < nh; i++)
		if ((rc = topo_graph_add_link(g, i, leaf0 + i / hpl, hl.rate_bps, hl.delay_ps, 0.0)) < 0)
			goto fail;
	for (uint32_t l = 0; l < nl; l++)
		for (uint32_t s = 0; s < ns; s++)
			if ((rc = topo_graph_add_link(g, leaf0 + l, spine0 + s, up_bps, up_ps, 0.0)) < 0)
				goto fail;
	return NET_OK;
fail:
	snprintf(err, errlen, "leaf-spine: out of memory building %u leaves x %u spines", nl, ns);
	topo_graph_free(g);
	return rc;
}

/* The lesser of the hosts' own links and the uplinks: an even split of the
 * leaves cuts floor(L/2) x S uplinks (one direction), and no cut does better
 * than floor(LH/2) host links. One leaf has no uplink to cut. */
static uint64_t ls_bisection_bps(const struct topo_params *p)
{
	uint64_t host = topo_class_resolve(p, p->host_link).rate_bps;
	if (p->leaves == 0)
		return 0;
	if (p->leaves == 1)
		return topo_mul_sat(p->hosts_per_leaf / 2, host);
	uint64_t by_hosts = topo_mul_sat((uint64_t)p->leaves * p->hosts_per_leaf / 2, host);
	uint64_t up;
	if (ls_uplink_rate(p, &up) != LS_UP_OK)
		return 0;
	uint64_t by_spines = topo_mul_sat((uint64_t)(p->leaves / 2) * p->spines, up);
	return by_hosts < by_spines ? by_hosts : by_spines;
}

const struct topo_builder_ops topo_leaf_spine_builder = {
	.name = "leaf-spine",
	.validate = ls_validate,
	.build = ls_build,
	.bisection_bps = ls_bisection_bps,
};
