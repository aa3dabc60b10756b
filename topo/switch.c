/*
 * topo/switch.c - the `switch` builder: N hosts on one switch (a star).
 *
 * Hosts are 0..N-1 and the switch is node N; link i joins host i (end a) to
 * the switch, so host i's only port is 0 and the switch's port i faces host
 * i. Every link has the same rate (bits/s, > 0) and one-way delay (ps), and
 * no loss.
 */
#include "topo/topo.h"

#include <stdio.h>

#include "net/engine.h"

static int switch_validate(const struct topo_params *p, char *err, size_t errlen)
{
	if (p->hosts < 1 || p->hosts > TOPO_SWITCH_MAX_HOSTS) {
		snprintf(err, errlen, "switch: hosts must be 1..%u (got %u)",
			 TOPO_SWITCH_MAX_HOSTS, p->hosts);
		return NET_ERR_INVAL;
	}
	if (p->rate_bps == 0) {
		snprintf(err, errlen, "switch: the link rate must be positive, like 100Gbps");
		return NET_ERR_INVAL;
	}
	return NET_OK;
}

static int switch_build(const struct topo_params *p, struct topo_graph *g, char *err,
			size_t errlen)
{
	int rc = topo_graph_init(g, p->hosts + 1);

	if (rc < 0)
		goto fail;
	g->kind[p->hosts] = TOPO_SWITCH;
	g->nhosts = p->hosts;
	snprintf(g->name, sizeof(g->name), "switch");
	for (uint32_t h = 0; h < p->hosts; h++) {
		rc = topo_graph_add_link(g, h, p->hosts, p->rate_bps, p->delay_ps, 0.0);
		if (rc < 0)
			goto fail;
	}
	return NET_OK;
fail:
	snprintf(err, errlen, "switch: out of memory building %u hosts", p->hosts);
	topo_graph_free(g);
	return rc;
}

/* A non-blocking switch: any even split of the hosts is limited only by the
 * smaller half's own links, floor(N/2) of them. */
static uint64_t switch_bisection_bps(const struct topo_params *p)
{
	uint64_t half = p->hosts / 2;
	return p->rate_bps && half > UINT64_MAX / p->rate_bps ? UINT64_MAX : half * p->rate_bps;
}

const struct topo_builder_ops topo_switch_builder = {
	.name = "switch",
	.validate = switch_validate,
	.build = switch_build,
	.bisection_bps = switch_bisection_bps,
};
