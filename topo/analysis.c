/*
 * topo/analysis.c - the hop diameter and the summary numbers of a topology
 * graph (rates in bits/s, distances in hops).
 *
 * The diameter is a BFS per source over an adjacency array (CSR) built once
 * from the link list, honouring the same relay rule as routing (net/route.c):
 * switches always forward, hosts only when the graph says they do. A host
 * whose only link is a two-way link to a switch starts every path through
 * that switch, so all such hosts of one switch share one BFS from it, their
 * distance to any other host being one more than the switch's. That turns
 * O(H x (N + L)) into O(switches x (N + L)) on switched fabrics; direct-
 * connect fabrics (no switches) still pay one BFS per host.
 */
#include "topo/analysis.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/engine.h"

#define UNSEEN UINT32_MAX

/* The graph as out-neighbour lists: node v's neighbours are
 * adj[off[v] .. off[v + 1]). */
struct csr {
	uint32_t *off;
	uint32_t *adj;
};

static int csr_build(const struct topo_graph *g, struct csr *c)
{
	uint32_t n = g->nnodes;

	c->off = calloc((size_t)n + 1, sizeof(*c->off));
	c->adj = malloc(((size_t)g->nlinks * 2 + 1) * sizeof(*c->adj));
	if (!c->off || !c->adj)
		return NET_ERR_NOMEM;
	/* Count into off[v + 1], prefix-sum, then fill using off[v] as a cursor
	 * and shift back: the classic two-pass CSR build. */
	for (uint32_t i = 0; i < g->nlinks; i++) {
		const struct topo_link *l = &g->links[i];
		c->off[l->a + 1]++;
		if (!l->one_way)
			c->off[l->b + 1]++;
	}
	for (uint32_t v = 0; v < n; v++)
		c->off[v + 1] += c->off[v];
	for (uint32_t i = 0; i < g->nlinks; i++) {
		const struct topo_link *l = &g->links[i];
		c->adj[c->off[l->a]++] = l->b;
		if (!l->one_way)
			c->adj[c->off[l->b]++] = l->a;
	}
	for (uint32_t v = n; v > 0; v--)
		c->off[v] = c->off[v - 1];
	c->off[0] = 0;
	return NET_OK;
}

static void csr_free(struct csr *c)
{
	free(c->off);
	free(c->adj);
}

/* Hop counts from src to every node (UNSEEN where unreachable). Only src
 * itself, switches, and (hosts_fwd) hosts pass traffic on. */
static void bfs(const struct topo_graph *g, const struct csr *c, bool hosts_fwd, uint32_t src,
		uint32_t *dist, uint32_t *queue)
{
	uint32_t head = 0, tail = 0;

	for (uint32_t v = 0; v < g->nnodes; v++)
		dist[v] = UNSEEN;
	dist[src] = 0;
	queue[tail++] = src;
	while (head < tail) {
		uint32_t u = queue[head++];
		if (u != src && g->kind[u] == TOPO_HOST && !hosts_fwd)
			continue;
		for (uint32_t i = c->off[u]; i < c->off[u + 1]; i++) {
			uint32_t v = c->adj[i];
			if (dist[v] == UNSEEN) {
				dist[v] = dist[u] + 1;
				queue[tail++] = v;
			}
		}
	}
}

int topo_diameter(const struct topo_graph *g, uint32_t *hops)
{
	uint32_t n = g->nnodes, nhosts = 0, max = 0;
	struct csr c = { NULL, NULL };
	int rc;

	*hops = UINT32_MAX;
	for (uint32_t v = 0; v < n; v++)
		nhosts += g->kind[v] == TOPO_HOST;
	if (nhosts < 2) {
		*hops = 0;
		return 0;
	}
	bool hosts_fwd = g->hosts_forward == TOPO_FWD_AUTO ? nhosts == n
							     : g->hosts_forward != TOPO_FWD_NO;

	uint32_t *dist = malloc((size_t)n * sizeof(*dist));
	uint32_t *queue = malloc((size_t)n * sizeof(*queue));
	/* Per node: how many links touch it, and the last one's index. */
	uint32_t *nlinks = calloc(n, sizeof(*nlinks));
	uint32_t *last = malloc((size_t)n * sizeof(*last));
	uint8_t *switch_done = calloc(n, 1);
	if (!dist || !queue || !nlinks || !last || !switch_done || csr_build(g, &c) < 0) {
		rc = NET_ERR_NOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < g->nlinks; i++) {
		const struct topo_link *l = &g->links[i];
		nlinks[l->a]++;
		nlinks[l->b]++;
		last[l->a] = last[l->b] = i;
	}

	rc = 0;
	for (uint32_t h = 0; h < n && rc == 0; h++) {
		if (g->kind[h] != TOPO_HOST)
			continue;
		uint32_t src = h, extra = 0;
		if (nlinks[h] == 1 && !g->links[last[h]].one_way) {
			const struct topo_link *l = &g->links[last[h]];
			uint32_t peer = l->a == h ? l->b : l->a;
			if (g->kind[peer] != TOPO_HOST) {
				if (switch_done[peer])
					continue;
				switch_done[peer] = 1;
				src = peer;
				extra = 1;
			}
		}
		bfs(g, &c, hosts_fwd, src, dist, queue);
		/* From a shared switch, its own hosts sit at distance 1 and every
		 * other host at least 1, so the maximum over all hosts is the
		 * maximum over the others: no need to exclude the source. */
		for (uint32_t t = 0; t < n; t++) {
			if (g->kind[t] != TOPO_HOST || t == src)
				continue;
			if (dist[t] == UNSEEN) {
				rc = -1;
				break;
			}
			if (dist[t] + extra > max)
				max = dist[t] + extra;
		}
	}
	if (rc == 0)
		*hops = max;
out:
	csr_free(&c);
	free(dist);
	free(queue);
	free(nlinks);
	free(last);
	free(switch_done);
	return rc;
}

void topo_summary(const struct topo_graph *g, const struct topo_params *p_or_null,
		  struct topo_summary *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->name, g->name, sizeof(s->name));
	s->name[sizeof(s->name) - 1] = '\0';
	for (uint32_t v = 0; v < g->nnodes; v++) {
		if (g->kind[v] == TOPO_HOST)
			s->hosts++;
		else
			s->switches++;
	}
	s->links = g->nlinks;
	for (uint32_t i = 0; i < g->nlinks; i++) {
		const struct topo_link *l = &g->links[i];
		uint64_t add = l->rate_bps;
		/* Saturate rather than wrap: a summary that says "at least this
		 * much" beats a small wrong number. */
		if (!l->one_way)
			add = add > UINT64_MAX / 2 ? UINT64_MAX : add * 2;
		s->capacity_bps = add > UINT64_MAX - s->capacity_bps ? UINT64_MAX
								     : s->capacity_bps + add;
	}
	s->diameter_rc = topo_diameter(g, &s->diameter);
	if (p_or_null) {
		const struct topo_builder_ops *ops = topo_builder_find(p_or_null->kind);
		if (ops && ops->bisection_bps)
			s->bisection_bps = ops->bisection_bps(p_or_null);
	}
}
