/*
 * topo/graph.c - the topology graph every builder fills, and the registry of
 * builders by name.
 *
 * Links are kept in one growable array in the order they are added, because
 * that order defines port numbers (a node's port i is its i-th link). Rates
 * are bits/s, delays picoseconds, error rates a per-packet loss probability.
 * The registry is a static const array: adding a builder is one file and
 * one line here.
 */
#include "topo/topo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/engine.h"

static const struct topo_builder_ops *const builders[] = {
	&topo_switch_builder,
	&topo_ring_builder,
	&topo_fully_connected_builder,
	&topo_fat_tree_builder,
	&topo_leaf_spine_builder,
	&topo_torus_builder,
	&topo_multi_dim_builder,
};
#define NBUILDERS (sizeof(builders) / sizeof(builders[0]))

int topo_graph_init(struct topo_graph *g, uint32_t nnodes)
{
	memset(g, 0, sizeof(*g));
	if (nnodes == 0)
		return NET_ERR_INVAL;
	/* calloc makes every node TOPO_HOST (0) until a builder says otherwise. */
	g->kind = calloc(nnodes, sizeof(*g->kind));
	if (!g->kind)
		return NET_ERR_NOMEM;
	g->nnodes = nnodes;
	g->nhosts = nnodes;
	g->hosts_forward = TOPO_FWD_AUTO;
	return NET_OK;
}

void topo_graph_free(struct topo_graph *g)
{
	if (!g)
		return;
	free(g->kind);
	free(g->links);
	memset(g, 0, sizeof(*g));
}

int topo_graph_add_link(struct topo_graph *g, uint32_t a, uint32_t b, uint64_t rate_bps,
			uint64_t delay_ps, double error_rate)
{
	if (a >= g->nnodes || b >= g->nnodes || a == b || rate_bps == 0 ||
	    delay_ps > TOPO_MAX_DELAY_PS)
		return NET_ERR_INVAL;
	/* Written so that NaN fails too. */
	if (!(error_rate >= 0.0 && error_rate < 1.0))
		return NET_ERR_INVAL;
	if (g->nlinks == g->cap) {
		if (g->cap >= UINT32_MAX / 2)
			return NET_ERR_NOMEM;
		uint32_t cap = g->cap ? g->cap * 2 : 16;
		struct topo_link *l = realloc(g->links, (size_t)cap * sizeof(*l));
		if (!l)
			return NET_ERR_NOMEM;
		g->links = l;
		g->cap = cap;
	}
	g->links[g->nlinks++] = (struct topo_link){
		.a = a,
		.b = b,
		.rate_bps = rate_bps,
		.delay_ps = delay_ps,
		.error_rate = error_rate,
	};
	return NET_OK;
}

uint32_t topo_graph_count_hosts(struct topo_graph *g)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < g->nnodes; i++)
		n += g->kind[i] == TOPO_HOST;
	g->nhosts = n;
	return n;
}

const struct topo_builder_ops *topo_builder_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < NBUILDERS; i++)
		if (strcmp(builders[i]->name, name) == 0)
			return builders[i];
	return NULL;
}

/* "switch, ring, ..." for error messages. */
static void list_builders(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NBUILDERS && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? ", " : "", builders[i]->name);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

int topo_build(const struct topo_params *p, struct topo_graph *g, char *err, size_t errlen)
{
	char avail[256];
	const struct topo_builder_ops *ops = topo_builder_find(p->kind);

	/* A failed build must leave a graph that topo_graph_free accepts, even
	 * if the builder never got as far as topo_graph_init. */
	memset(g, 0, sizeof(*g));
	if (!ops) {
		list_builders(avail, sizeof(avail));
		if (p->kind)
			net_fmt_err(err, errlen, "unknown topology kind \"%s\" (available: %s)", p->kind,
			       avail);
		else
			net_fmt_err(err, errlen, "no topology kind given (available: %s)", avail);
		return NET_ERR_INVAL;
	}
	int rc = ops->validate(p, err, errlen);
	if (rc < 0)
		return rc;
	rc = ops->build(p, g, err, errlen);
	if (rc < 0)
		topo_graph_free(g);
	return rc;
}
