/*
 * tests/test_topo_builders.c - the generated-topology builders (ring,
 * fully-connected, fat-tree, leaf-spine, torus, multi-dim) and the switch
 * builder's bisection, all through topo_build() so the registry is exercised.
 *
 * For each fabric the counts of hosts, switches and links, every host's
 * degree, the host-to-host diameter and the bisection bandwidth are derived
 * by hand in the comments. The diameter comes from a breadth-first search
 * written here, independent of net/route.c: it follows one-way links only
 * forwards and relays only through switches, and through hosts when the
 * graph says hosts forward. Rates are bits/s and delays ps throughout.
 */
#include "tests/unit_main.h"

#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

#define R 100000000000ull     /* 100 Gb/s, the default link of every test */
#define D 1000000ull          /* 1 us */

static char err[512];

static struct topo_params params(const char *kind)
{
	return (struct topo_params){ .kind = kind, .rate_bps = R, .delay_ps = D };
}

static int graph_is_zero(const struct topo_graph *g)
{
	static const struct topo_graph zero;
	return !memcmp(g, &zero, sizeof(zero));
}

static uint32_t nswitches(const struct topo_graph *g)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < g->nnodes; i++)
		n += g->kind[i] == TOPO_SWITCH;
	return n;
}

static uint32_t degree(const struct topo_graph *g, uint32_t node)
{
	uint32_t n = 0;
	for (uint32_t l = 0; l < g->nlinks; l++)
		n += (g->links[l].a == node) + (g->links[l].b == node);
	return n;
}

/* Is there a link a - b (a -> b only, if it is one-way)? How many? */
static uint32_t links_between(const struct topo_graph *g, uint32_t a, uint32_t b)
{
	uint32_t n = 0;
	for (uint32_t l = 0; l < g->nlinks; l++) {
		const struct topo_link *lk = &g->links[l];
		n += (lk->a == a && lk->b == b) || (!lk->one_way && lk->a == b && lk->b == a);
	}
	return n;
}

/* The largest hop count of a shortest path between two hosts, or -1 when a
 * host cannot reach another. Quadratic in the links per BFS: the graphs here
 * have at most a few hundred. */
static int host_diameter(const struct topo_graph *g)
{
	int hosts_relay = g->hosts_forward == TOPO_FWD_YES ||
			  (g->hosts_forward == TOPO_FWD_AUTO && nswitches(g) == 0);
	int *dist = malloc(g->nnodes * sizeof(*dist));
	uint32_t *queue = malloc(g->nnodes * sizeof(*queue));
	int diam = 0;

	CU_ASSERT_FATAL(dist && queue);
	for (uint32_t s = 0; s < g->nnodes && diam >= 0; s++) {
		if (g->kind[s] != TOPO_HOST)
			continue;
		for (uint32_t i = 0; i < g->nnodes; i++)
			dist[i] = -1;
		uint32_t head = 0, tail = 0;
		dist[s] = 0;
		queue[tail++] = s;
		while (head < tail) {
			uint32_t u = queue[head++];
			if (u != s && g->kind[u] == TOPO_HOST && !hosts_relay)
				continue;
			for (uint32_t l = 0; l < g->nlinks; l++) {
				const struct topo_link *lk = &g->links[l];
				uint32_t v = lk->a == u ? lk->b
					   : lk->b == u && !lk->one_way ? lk->a : UINT32_MAX;
				if (v != UINT32_MAX && dist[v] < 0) {
					dist[v] = dist[u] + 1;
					queue[tail++] = v;
				}
			}
		}
		for (uint32_t t = 0; t < g->nnodes; t++) {
			if (g->kind[t] != TOPO_HOST)
				continue;
			if (dist[t] < 0) {
				diam = -1;
				break;
			}
			if (dist[t] > diam)
				diam = dist[t];
		}
	}
	free(dist);
	free(queue);
	return diam;
}

struct shape {
	uint32_t hosts, switches, links;
	uint32_t host_degree;     /* the same for every host in these fabrics */
	int diameter;             /* hops, host to host */
	uint64_t bisection_bps;
};

/* Build p and check it against want; the graph is left in g for spot checks
 * (the caller frees it). */
static void build_and_check(const struct topo_params *p, const struct shape *want,
			    struct topo_graph *g)
{
	int rc = topo_build(p, g, err, sizeof(err));
	if (rc)
		fprintf(stderr, "\n  %s: %s\n", p->kind, err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(g->name, p->kind);
	CU_ASSERT_EQUAL(g->nhosts, want->hosts);
	CU_ASSERT_EQUAL(topo_graph_count_hosts(g), want->hosts);
	CU_ASSERT_EQUAL(nswitches(g), want->switches);
	CU_ASSERT_EQUAL(g->nnodes, want->hosts + want->switches);
	CU_ASSERT_EQUAL(g->nlinks, want->links);
	/* Hosts first, switches after. */
	for (uint32_t i = 0; i < g->nnodes; i++)
		CU_ASSERT_EQUAL(g->kind[i], i < want->hosts ? TOPO_HOST : TOPO_SWITCH);
	for (uint32_t h = 0; h < want->hosts; h++)
		CU_ASSERT_EQUAL(degree(g, h), want->host_degree);
	CU_ASSERT_EQUAL(host_diameter(g), want->diameter);
	const struct topo_builder_ops *ops = topo_builder_find(p->kind);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ops->bisection_bps);
	CU_ASSERT_EQUAL(ops->bisection_bps(p), want->bisection_bps);
}

/* ---- registry ---- */

static void test_registry_lists_every_builder(void)
{
	static const char *const names[] = {
		"switch", "ring", "fully-connected", "fat-tree", "leaf-spine", "torus", "multi-dim",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct topo_builder_ops *ops = topo_builder_find(names[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
		CU_ASSERT_STRING_EQUAL(ops->name, names[i]);
		CU_ASSERT_PTR_NOT_NULL(ops->validate);
		CU_ASSERT_PTR_NOT_NULL(ops->build);
	}
	/* multi-dim has no closed form; every other builder has one. */
	CU_ASSERT_PTR_NULL(topo_builder_find("multi-dim")->bisection_bps);
	struct topo_params p = params("hypercube");
	struct topo_graph g;
	CU_ASSERT(topo_build(&p, &g, err, sizeof(err)) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "switch, ring, fully-connected, fat-tree, leaf-spine, "
					   "torus, multi-dim"));
}

/* ---- switch ---- */

/* A non-blocking star: floor(N/2) host links cross any even split. */
static void test_switch_bisection_is_half_the_hosts(void)
{
	struct topo_params p = params("switch");
	p.hosts = 8;
	CU_ASSERT_EQUAL(topo_switch_builder.bisection_bps(&p), 4 * R);
	p.hosts = 5;
	CU_ASSERT_EQUAL(topo_switch_builder.bisection_bps(&p), 2 * R);
	p.hosts = 1;
	CU_ASSERT_EQUAL(topo_switch_builder.bisection_bps(&p), 0);
}

/* ---- ring ---- */

/* 8 hosts, 8 links (i, i+1 mod 8), degree 2; the farthest host is 4 hops
 * either way round; a cut through the ring severs 2 links: 2R. */
static void test_ring_8_bidirectional(void)
{
	struct topo_params p = params("ring");
	struct topo_graph g;
	p.hosts = 8;
	build_and_check(&p, &(struct shape){ 8, 0, 8, 2, 4, 2 * R }, &g);
	for (uint32_t i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(g.links[i].a, i);
		CU_ASSERT_EQUAL(g.links[i].b, (i + 1) % 8);
		CU_ASSERT_EQUAL(g.links[i].one_way, 0);
		CU_ASSERT_EQUAL(g.links[i].rate_bps, R);
		CU_ASSERT_EQUAL(g.links[i].delay_ps, D);
	}
	CU_ASSERT_EQUAL(g.hosts_forward, TOPO_FWD_AUTO);
	topo_graph_free(&g);
}

/* One-way: host 1 reaches host 0 only the long way round, 7 hops; of the two
 * links a cut severs, one carries traffic from a given half: R. */
static void test_ring_8_unidirectional(void)
{
	struct topo_params p = params("ring");
	struct topo_graph g;
	p.hosts = 8;
	p.unidirectional = 1;
	build_and_check(&p, &(struct shape){ 8, 0, 8, 2, 7, R }, &g);
	for (uint32_t i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(g.links[i].a, i);
		CU_ASSERT_EQUAL(g.links[i].b, (i + 1) % 8);
		CU_ASSERT_EQUAL(g.links[i].one_way, 1);
	}
	topo_graph_free(&g);
}

/* Two hosts: one full-duplex link, or two one-way links (0 -> 1, 1 -> 0) so
 * that ACKs still go forwards. Bisection R either way. */
static void test_ring_2_one_link_or_two_one_way(void)
{
	struct topo_params p = params("ring");
	struct topo_graph g;
	p.hosts = 2;
	build_and_check(&p, &(struct shape){ 2, 0, 1, 1, 1, R }, &g);
	topo_graph_free(&g);
	p.unidirectional = 1;
	build_and_check(&p, &(struct shape){ 2, 0, 2, 2, 1, R }, &g);
	CU_ASSERT_EQUAL(links_between(&g, 0, 1), 1);
	CU_ASSERT_EQUAL(links_between(&g, 1, 0), 1);
	topo_graph_free(&g);
}

/* ---- fully-connected ---- */

/* N = 5: 5*4/2 = 10 links, degree 4, 1 hop; halves of 2 and 3: 2*3 = 6 links
 * cross. */
static void test_fully_connected_5(void)
{
	struct topo_params p = params("fully-connected");
	struct topo_graph g;
	p.hosts = 5;
	build_and_check(&p, &(struct shape){ 5, 0, 10, 4, 1, 6 * R }, &g);
	/* Pair order: (0,1) (0,2) (0,3) (0,4) (1,2) ... (3,4). */
	CU_ASSERT_EQUAL(g.links[0].a, 0);
	CU_ASSERT_EQUAL(g.links[0].b, 1);
	CU_ASSERT_EQUAL(g.links[3].a, 0);
	CU_ASSERT_EQUAL(g.links[3].b, 4);
	CU_ASSERT_EQUAL(g.links[4].a, 1);
	CU_ASSERT_EQUAL(g.links[4].b, 2);
	CU_ASSERT_EQUAL(g.links[9].a, 3);
	CU_ASSERT_EQUAL(g.links[9].b, 4);
	for (uint32_t i = 0; i < 5; i++)
		for (uint32_t j = i + 1; j < 5; j++)
			CU_ASSERT_EQUAL(links_between(&g, i, j), 1);
	topo_graph_free(&g);
}

/* N = 8: 28 links, degree 7, 1 hop; 4 x 4 = 16 links cross. */
static void test_fully_connected_8(void)
{
	struct topo_params p = params("fully-connected");
	struct topo_graph g;
	p.hosts = 8;
	build_and_check(&p, &(struct shape){ 8, 0, 28, 7, 1, 16 * R }, &g);
	topo_graph_free(&g);
}

/* ---- fat-tree ---- */

/* k = 4: 4^3/4 = 16 hosts; 5*16/4 = 20 switches (8 edge 16..23, 8 agg
 * 24..31, 4 core 32..35); 3 x 16 = 48 links; hosts have one link; the
 * farthest pair (other pod) is host-edge-agg-core-agg-edge-host, 6 hops;
 * bisection 4^3/8 = 8 links of R. */
static void test_fat_tree_4(void)
{
	struct topo_params p = params("fat-tree");
	struct topo_graph g;
	p.k = 4;
	build_and_check(&p, &(struct shape){ 16, 20, 48, 1, 6, 8 * R }, &g);
	CU_ASSERT_EQUAL(g.hosts_forward, TOPO_FWD_AUTO);
	/* Host links first, in host order: host i to edge 16 + i/2. */
	CU_ASSERT_EQUAL(g.links[0].a, 0);
	CU_ASSERT_EQUAL(g.links[0].b, 16);
	CU_ASSERT_EQUAL(g.links[15].a, 15);
	CU_ASSERT_EQUAL(g.links[15].b, 23);
	/* Then edge-agg by (pod, edge, agg): edge 16 to aggs 24, 25. */
	CU_ASSERT_EQUAL(g.links[16].a, 16);
	CU_ASSERT_EQUAL(g.links[16].b, 24);
	CU_ASSERT_EQUAL(g.links[17].a, 16);
	CU_ASSERT_EQUAL(g.links[17].b, 25);
	/* Then agg-core by (pod, agg, core): agg 24 to cores 32, 33. */
	CU_ASSERT_EQUAL(g.links[32].a, 24);
	CU_ASSERT_EQUAL(g.links[32].b, 32);
	CU_ASSERT_EQUAL(g.links[33].b, 33);
	/* Core 32 (c = 0, the first) reaches aggregation a = 0 of every pod:
	 * 24 + 2*pod; core 35 (c = 3) reaches a = 1: 25 + 2*pod. */
	CU_ASSERT_EQUAL(degree(&g, 32), 4);
	CU_ASSERT_EQUAL(degree(&g, 35), 4);
	for (uint32_t pod = 0; pod < 4; pod++) {
		CU_ASSERT_EQUAL(links_between(&g, 24 + 2 * pod, 32), 1);
		CU_ASSERT_EQUAL(links_between(&g, 25 + 2 * pod, 32), 0);
		CU_ASSERT_EQUAL(links_between(&g, 25 + 2 * pod, 35), 1);
	}
	/* Every switch has k = 4 ports. */
	for (uint32_t s = 16; s < 36; s++)
		CU_ASSERT_EQUAL(degree(&g, s), 4);
	topo_graph_free(&g);
}

/* k = 8: 128 hosts; 80 switches; 384 links; 6 hops; 8^3/8 = 64 links of R. */
static void test_fat_tree_8(void)
{
	struct topo_params p = params("fat-tree");
	struct topo_graph g;
	p.k = 8;
	build_and_check(&p, &(struct shape){ 128, 80, 384, 1, 6, 64 * R }, &g);
	topo_graph_free(&g);
}

/* Each tier takes its own class; the slowest tier sets the bisection. */
static void test_fat_tree_tier_classes(void)
{
	struct topo_params p = params("fat-tree");
	struct topo_graph g;
	p.k = 4;
	p.agg_link = (struct topo_linkspec){ .rate_bps = 400000000000ull, .delay_ps = 7 };
	p.core_link = (struct topo_linkspec){ .rate_bps = 25000000000ull, .delay_ps = 9 };
	build_and_check(&p, &(struct shape){ 16, 20, 48, 1, 6, 8 * 25000000000ull }, &g);
	CU_ASSERT_EQUAL(g.links[0].rate_bps, R);
	CU_ASSERT_EQUAL(g.links[0].delay_ps, D);
	CU_ASSERT_EQUAL(g.links[16].rate_bps, 400000000000ull);
	CU_ASSERT_EQUAL(g.links[16].delay_ps, 7);
	CU_ASSERT_EQUAL(g.links[47].rate_bps, 25000000000ull);
	CU_ASSERT_EQUAL(g.links[47].delay_ps, 9);
	topo_graph_free(&g);
}

/* ---- leaf-spine ---- */

/* 4 leaves x 2 spines x 4 hosts: 16 hosts, 4 + 2 = 6 switches, 16 + 4*2 = 24
 * links, host degree 1, host-leaf-spine-leaf-host = 4 hops. Uplink with
 * o = 1: 4 x R / (2 x 1) = 2R. Bisection min(16/2 x R, 4/2 x 2 x 2R) = 8R. */
static void test_leaf_spine_4x2x4(void)
{
	struct topo_params p = params("leaf-spine");
	struct topo_graph g;
	p.leaves = 4;
	p.spines = 2;
	p.hosts_per_leaf = 4;
	build_and_check(&p, &(struct shape){ 16, 6, 24, 1, 4, 8 * R }, &g);
	/* Host 5 is on leaf 1: switch 16 + 1. */
	CU_ASSERT_EQUAL(links_between(&g, 5, 17), 1);
	/* Uplinks after the host links, by (leaf, spine); spines are 20, 21. */
	CU_ASSERT_EQUAL(g.links[16].a, 16);
	CU_ASSERT_EQUAL(g.links[16].b, 20);
	CU_ASSERT_EQUAL(g.links[17].b, 21);
	CU_ASSERT_EQUAL(g.links[23].a, 19);
	CU_ASSERT_EQUAL(g.links[23].b, 21);
	for (uint32_t l = 16; l < 24; l++) {
		CU_ASSERT_EQUAL(g.links[l].rate_bps, 2 * R);
		CU_ASSERT_EQUAL(g.links[l].delay_ps, D);
	}
	for (uint32_t s = 20; s < 22; s++)
		CU_ASSERT_EQUAL(degree(&g, s), 4);
	topo_graph_free(&g);
}

/* o = 2: uplink 4R / (2 x 2) = R; bisection min(8R, 2 x 2 x R) = 4R. */
static void test_leaf_spine_oversubscription_2(void)
{
	struct topo_params p = params("leaf-spine");
	struct topo_graph g;
	p.leaves = 4;
	p.spines = 2;
	p.hosts_per_leaf = 4;
	p.oversubscription = 2;
	build_and_check(&p, &(struct shape){ 16, 6, 24, 1, 4, 4 * R }, &g);
	CU_ASSERT_EQUAL(g.links[16].rate_bps, R);
	topo_graph_free(&g);
}

/* A derived uplink is rounded down to whole bits/s: 4 x 100e9 / (2 x 3) =
 * 66,666,666,666.67 and 4 x 100e9 / (2 x 1.5) = 133,333,333,333.33. */
static void test_leaf_spine_uplink_rounds_down(void)
{
	struct topo_params p = params("leaf-spine");
	struct topo_graph g;
	p.leaves = 2;
	p.spines = 2;
	p.hosts_per_leaf = 4;
	p.oversubscription = 3;
	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(g.links[8].rate_bps, 66666666666ull);
	topo_graph_free(&g);
	p.oversubscription = 1.5;
	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(g.links[8].rate_bps, 133333333333ull);
	topo_graph_free(&g);
}

/* An explicit uplink class is used as given; one leaf has only its hosts'
 * links to cut: floor(3/2) x R. */
static void test_leaf_spine_explicit_uplink_and_one_leaf(void)
{
	struct topo_params p = params("leaf-spine");
	struct topo_graph g;
	p.leaves = 1;
	p.spines = 3;
	p.hosts_per_leaf = 3;
	p.uplink = (struct topo_linkspec){ .rate_bps = 400000000000ull, .delay_ps = 5 };
	build_and_check(&p, &(struct shape){ 3, 4, 6, 1, 2, R }, &g);
	CU_ASSERT_EQUAL(g.links[3].rate_bps, 400000000000ull);
	CU_ASSERT_EQUAL(g.links[3].delay_ps, 5);
	topo_graph_free(&g);
}

/* ---- torus ---- */

/* 4x4: 16 hosts, 4 lines x 4 links per dimension = 32 links, degree 4;
 * farthest is 2 + 2 = 4 hops; cut across a dimension of 4: 2 x 16/4 = 8. */
static void test_torus_4x4(void)
{
	struct topo_params p = params("torus");
	struct topo_graph g;
	p.ndims = 2;
	p.dims[0] = p.dims[1] = 4;
	build_and_check(&p, &(struct shape){ 16, 0, 32, 4, 4, 8 * R }, &g);
	/* Dimension 0 first in host order: 0-1, 1-2, 2-3, 3-0 (wrap), 4-5 ... */
	CU_ASSERT_EQUAL(g.links[0].a, 0);
	CU_ASSERT_EQUAL(g.links[0].b, 1);
	CU_ASSERT_EQUAL(g.links[3].a, 3);
	CU_ASSERT_EQUAL(g.links[3].b, 0);
	CU_ASSERT_EQUAL(g.links[4].a, 4);
	CU_ASSERT_EQUAL(g.links[4].b, 5);
	/* Dimension 1 from link 16, host order: 0-4, 1-5, ..., 12-0. */
	CU_ASSERT_EQUAL(g.links[16].a, 0);
	CU_ASSERT_EQUAL(g.links[16].b, 4);
	CU_ASSERT_EQUAL(g.links[17].a, 1);
	CU_ASSERT_EQUAL(g.links[17].b, 5);
	CU_ASSERT_EQUAL(g.links[28].a, 12);
	CU_ASSERT_EQUAL(g.links[28].b, 0);
	/* Host 5 = (1, 1): neighbours 4, 6 in x and 1, 9 in y. */
	CU_ASSERT_EQUAL(links_between(&g, 5, 4), 1);
	CU_ASSERT_EQUAL(links_between(&g, 5, 6), 1);
	CU_ASSERT_EQUAL(links_between(&g, 5, 1), 1);
	CU_ASSERT_EQUAL(links_between(&g, 5, 9), 1);
	topo_graph_free(&g);
}

/* 4x4x4: 64 hosts, 3 x 64 = 192 links, degree 6, 2+2+2 = 6 hops; 2 x 64/4 =
 * 32 links cross. */
static void test_torus_4x4x4(void)
{
	struct topo_params p = params("torus");
	struct topo_graph g;
	p.ndims = 3;
	p.dims[0] = p.dims[1] = p.dims[2] = 4;
	build_and_check(&p, &(struct shape){ 64, 0, 192, 6, 6, 32 * R }, &g);
	/* Host 21 = (1, 1, 1); its z neighbours are 5 and 37. */
	CU_ASSERT_EQUAL(links_between(&g, 21, 5), 1);
	CU_ASSERT_EQUAL(links_between(&g, 21, 37), 1);
	topo_graph_free(&g);
}

/* 3x5: 15 hosts; dimension 0: 5 lines x 3 links, dimension 1: 3 lines x 5
 * links, 30 in all; degree 4; 1 + 2 = 3 hops; cut across the 5: 2 x 15/5 =
 * 6 links. */
static void test_torus_3x5(void)
{
	struct topo_params p = params("torus");
	struct topo_graph g;
	p.ndims = 2;
	p.dims[0] = 3;
	p.dims[1] = 5;
	build_and_check(&p, &(struct shape){ 15, 0, 30, 4, 3, 6 * R }, &g);
	/* Host 2 = (2, 0) wraps to 0 in x and to 14 = (2, 4) in y. */
	CU_ASSERT_EQUAL(links_between(&g, 2, 0), 1);
	CU_ASSERT_EQUAL(links_between(&g, 14, 2), 1);
	topo_graph_free(&g);
}

/* Sizes 2 and 1: [2, 3, 1] has 3 pairs in x (one link each), 2 lines of 3 in
 * y (6 links), nothing in z: 9 links, degree 1 + 2 = 3, 1 + 1 = 2 hops; cut
 * across the 3: 2 x 6/3 = 4. */
static void test_torus_sizes_2_and_1(void)
{
	struct topo_params p = params("torus");
	struct topo_graph g;
	p.ndims = 3;
	p.dims[0] = 2;
	p.dims[1] = 3;
	p.dims[2] = 1;
	build_and_check(&p, &(struct shape){ 6, 0, 9, 3, 2, 4 * R }, &g);
	CU_ASSERT_EQUAL(links_between(&g, 0, 1), 1);
	topo_graph_free(&g);
}

/* ---- multi-dim ---- */

static struct topo_dim dim(enum topo_dim_kind kind, uint32_t npus)
{
	return (struct topo_dim){ .kind = kind, .npus = npus };
}

/* [Ring 4, Switch 8]: 32 NPUs; 32 / 8 = 4 switches (32..35); ring links
 * 8 groups x 4 = 32, switch links 32: 64. Degree 2 (ring) + 1 = 3. Farthest:
 * 2 ring hops + NPU-switch-NPU = 4. No bisection hook. */
static void test_multi_dim_ring4_switch8(void)
{
	struct topo_params p = params("multi-dim");
	struct topo_graph g;
	p.nmd = 2;
	p.md[0] = dim(TOPO_DIM_RING, 4);
	p.md[1] = dim(TOPO_DIM_SWITCH, 8);
	p.md[1].link = (struct topo_linkspec){ .rate_bps = 400000000000ull, .delay_ps = 3 };
	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(g.name, "multi-dim");
	CU_ASSERT_EQUAL(g.nhosts, 32);
	CU_ASSERT_EQUAL(nswitches(&g), 4);
	CU_ASSERT_EQUAL(g.nnodes, 36);
	CU_ASSERT_EQUAL(g.nlinks, 64);
	CU_ASSERT_EQUAL(g.hosts_forward, TOPO_FWD_YES);
	for (uint32_t h = 0; h < 32; h++)
		CU_ASSERT_EQUAL(degree(&g, h), 3);
	CU_ASSERT_EQUAL(host_diameter(&g), 4);
	/* NPU 5 = 1 + 4 x 1, coords (1, 1): its ring is 4..7, so neighbours 4
	 * and 6, not 7. Its switch group is coord0 = 1: NPUs 1, 5, 9, ..., 29,
	 * whose first member (1) is the second of groups 0, 1, 2, 3: switch 33. */
	CU_ASSERT_EQUAL(links_between(&g, 4, 5), 1);
	CU_ASSERT_EQUAL(links_between(&g, 5, 6), 1);
	CU_ASSERT_EQUAL(links_between(&g, 5, 7), 0);
	for (uint32_t c1 = 0; c1 < 8; c1++) {
		CU_ASSERT_EQUAL(links_between(&g, 1 + 4 * c1, 33), 1);
		CU_ASSERT_EQUAL(links_between(&g, 1 + 4 * c1, 32), 0);
	}
	CU_ASSERT_EQUAL(degree(&g, 33), 8);
	/* Ring links first, group by group: (0,1) (1,2) (2,3) (3,0) (4,5) ...;
	 * then the switch links, member order, switch 32 first. */
	CU_ASSERT_EQUAL(g.links[3].a, 3);
	CU_ASSERT_EQUAL(g.links[3].b, 0);
	CU_ASSERT_EQUAL(g.links[4].a, 4);
	CU_ASSERT_EQUAL(g.links[4].b, 5);
	CU_ASSERT_EQUAL(g.links[0].rate_bps, R);
	CU_ASSERT_EQUAL(g.links[32].a, 0);
	CU_ASSERT_EQUAL(g.links[32].b, 32);
	CU_ASSERT_EQUAL(g.links[33].a, 4);
	CU_ASSERT_EQUAL(g.links[33].b, 32);
	CU_ASSERT_EQUAL(g.links[32].rate_bps, 400000000000ull);
	CU_ASSERT_EQUAL(g.links[32].delay_ps, 3);
	CU_ASSERT_PTR_NULL(topo_builder_find("multi-dim")->bisection_bps);
	topo_graph_free(&g);
}

/* [Ring 4, FullyConnected 4, Switch 4]: 64 NPUs; 16 switches (64..79);
 * links: ring 16 groups x 4 = 64, FC 16 groups x 6 = 96, switch 64: 224.
 * Degree 2 + 3 + 1 = 6. Farthest: 2 (ring) + 1 (FC) + 2 (switch) = 5. */
static void test_multi_dim_ring4_fc4_switch4(void)
{
	struct topo_params p = params("multi-dim");
	struct topo_graph g;
	p.nmd = 3;
	p.md[0] = dim(TOPO_DIM_RING, 4);
	p.md[1] = dim(TOPO_DIM_FC, 4);
	p.md[2] = dim(TOPO_DIM_SWITCH, 4);
	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(g.nhosts, 64);
	CU_ASSERT_EQUAL(nswitches(&g), 16);
	CU_ASSERT_EQUAL(g.nlinks, 224);
	CU_ASSERT_EQUAL(g.hosts_forward, TOPO_FWD_YES);
	for (uint32_t h = 0; h < 64; h++)
		CU_ASSERT_EQUAL(degree(&g, h), 6);
	for (uint32_t s = 64; s < 80; s++)
		CU_ASSERT_EQUAL(degree(&g, s), 4);
	CU_ASSERT_EQUAL(host_diameter(&g), 5);
	/* NPU 21 = 1 + 4 x 1 + 16 x 1: FC peers 17, 25, 29 (coord1 0, 2, 3);
	 * switch group coord0 + 4 coord1 = 5: switch 69 with 5, 21, 37, 53. */
	CU_ASSERT_EQUAL(links_between(&g, 17, 21), 1);
	CU_ASSERT_EQUAL(links_between(&g, 21, 25), 1);
	CU_ASSERT_EQUAL(links_between(&g, 21, 29), 1);
	for (uint32_t c2 = 0; c2 < 4; c2++)
		CU_ASSERT_EQUAL(links_between(&g, 5 + 16 * c2, 69), 1);
	/* FC links follow the 64 ring links: group 0 = {0, 4, 8, 12}, pairs in
	 * order (0,4) (0,8) (0,12) (4,8) ... */
	CU_ASSERT_EQUAL(g.links[64].a, 0);
	CU_ASSERT_EQUAL(g.links[64].b, 4);
	CU_ASSERT_EQUAL(g.links[66].b, 12);
	CU_ASSERT_EQUAL(g.links[67].a, 4);
	CU_ASSERT_EQUAL(g.links[67].b, 8);
	topo_graph_free(&g);
}

/* Two Switch dimensions, [Switch 4, Switch 2]: 8 NPUs, 2 + 4 = 6 switches,
 * 16 links, degree 2. NPUs 0 and 5 share no switch, so NPUs must relay:
 * 0-sw-1-sw-5 is 4 hops. One Switch dimension leaves forwarding AUTO. */
static void test_multi_dim_two_switch_dims_relay_at_npus(void)
{
	struct topo_params p = params("multi-dim");
	struct topo_graph g;
	p.nmd = 2;
	p.md[0] = dim(TOPO_DIM_SWITCH, 4);
	p.md[1] = dim(TOPO_DIM_SWITCH, 2);
	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(g.nhosts, 8);
	CU_ASSERT_EQUAL(nswitches(&g), 6);
	CU_ASSERT_EQUAL(g.nlinks, 16);
	CU_ASSERT_EQUAL(g.hosts_forward, TOPO_FWD_YES);
	CU_ASSERT_EQUAL(host_diameter(&g), 4);
	topo_graph_free(&g);
	p.nmd = 1;
	p.md[0] = dim(TOPO_DIM_SWITCH, 4);
	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(g.hosts_forward, TOPO_FWD_AUTO);
	CU_ASSERT_EQUAL(host_diameter(&g), 2);
	topo_graph_free(&g);
}

/* Ring sizes 2 and 1: [Ring 2, Ring 1, Ring 3] has 6 NPUs, 3 pairs (one link
 * each) + 2 rings of 3 = 9 links, nothing for the 1. */
static void test_multi_dim_small_rings(void)
{
	struct topo_params p = params("multi-dim");
	struct topo_graph g;
	p.nmd = 3;
	p.md[0] = dim(TOPO_DIM_RING, 2);
	p.md[1] = dim(TOPO_DIM_RING, 1);
	p.md[2] = dim(TOPO_DIM_RING, 3);
	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(g.nnodes, 6);
	CU_ASSERT_EQUAL(g.nlinks, 9);
	CU_ASSERT_EQUAL(host_diameter(&g), 2);
	topo_graph_free(&g);
}

/* ---- validation ---- */

/* Build p, expect failure with needle in the message and a zeroed graph. */
static void expect_error(const struct topo_params *p, const char *needle)
{
	struct topo_graph g;
	err[0] = '\0';
	CU_ASSERT(topo_build(p, &g, err, sizeof(err)) < 0);
	if (!strstr(err, needle))
		fprintf(stderr, "\n  got \"%s\", wanted \"%s\"\n", err, needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
	CU_ASSERT(graph_is_zero(&g));
}

static void test_fat_tree_rejects_bad_k(void)
{
	struct topo_params p = params("fat-tree");
	p.k = 5;
	expect_error(&p, "fat-tree: k must be even and >= 2 (got 5)");
	p.k = 0;
	expect_error(&p, "k must be even and >= 2 (got 0)");
	p.k = 160;
	expect_error(&p, "k must be at most 158");
	p.k = 4;
	p.rate_bps = 0;
	expect_error(&p, "tiers.host rate must be positive");
	p.host_link.rate_bps = R;
	p.agg_link.rate_bps = R;
	expect_error(&p, "tiers.core rate must be positive");
}

static void test_multi_dim_rejects_bad_dims(void)
{
	struct topo_params p = params("multi-dim");
	p.nmd = 3;
	p.md[0] = dim(TOPO_DIM_RING, 4);
	p.md[1] = dim(TOPO_DIM_SWITCH, 4);
	p.md[2] = dim(TOPO_DIM_SWITCH, 0);
	expect_error(&p, "npus must be >= 1 in dimension 2");
	p.nmd = 0;
	expect_error(&p, "dims must have 1 to 8 entries (got 0)");
	p.nmd = 9;
	expect_error(&p, "dims must have 1 to 8 entries (got 9)");
	p.nmd = 2;
	p.md[0] = dim(TOPO_DIM_RING, 1);
	p.md[1] = dim(TOPO_DIM_SWITCH, 1);
	expect_error(&p, "must be >= 2 (got 1)");
	/* 1000 x 1001 NPUs passes the NPU cap. */
	p.md[0] = dim(TOPO_DIM_RING, 1000);
	p.md[1] = dim(TOPO_DIM_RING, 1001);
	expect_error(&p, "1000000 NPUs");
	/* 500,000 NPUs in fully connected groups of 20 (500,000 x 19/2 =
	 * 4,750,000 links) plus one switch link each: 5,250,000. */
	p.md[0] = dim(TOPO_DIM_FC, 20);
	p.md[1] = dim(TOPO_DIM_SWITCH, 25000);
	expect_error(&p, "5250000 links");
	p.md[0] = dim(TOPO_DIM_RING, 4);
	p.md[1] = dim(TOPO_DIM_SWITCH, 4);
	p.rate_bps = 0;
	p.md[0].link.rate_bps = R;
	expect_error(&p, "dims[1] rate must be positive");
}

static void test_torus_rejects_bad_dims(void)
{
	struct topo_params p = params("torus");
	p.ndims = 1;
	p.dims[0] = 8;
	expect_error(&p, "torus: dims must have 2 or 3 sizes (got 1)");
	p.ndims = 4;
	p.dims[1] = p.dims[2] = p.dims[3] = 2;
	expect_error(&p, "dims must have 2 or 3 sizes (got 4)");
	p.ndims = 2;
	p.dims[0] = 1;
	p.dims[1] = 1;
	expect_error(&p, "at least 2 hosts");
	p.dims[1] = 0;
	expect_error(&p, "dims[1] must be >= 1 (got 0)");
	p.dims[0] = 1001;
	p.dims[1] = 1000;
	expect_error(&p, "1000000 hosts");
}

static void test_leaf_spine_rejects_bad_params(void)
{
	struct topo_params p = params("leaf-spine");
	p.leaves = 4;
	p.spines = 2;
	p.hosts_per_leaf = 4;
	p.uplink.rate_bps = R;
	p.oversubscription = 2;
	expect_error(&p, "give uplink rate or oversubscription, not both");
	p.uplink.rate_bps = 0;
	p.oversubscription = -1;
	expect_error(&p, "oversubscription must be a positive number");
	/* 4 x 1 b/s / (2 x 3): below one bit per second. */
	p.oversubscription = 3;
	p.rate_bps = 1;
	expect_error(&p, "below 1 b/s");
	p.rate_bps = R;
	p.oversubscription = 0;
	p.spines = 0;
	expect_error(&p, "spines must be >= 1 (got 0)");
	p.spines = 2;
	p.hosts_per_leaf = 0;
	expect_error(&p, "hosts_per_leaf must be >= 1 (got 0)");
	p.leaves = 1001;
	p.hosts_per_leaf = 1000;
	expect_error(&p, "1001000 hosts");
	p.leaves = 1000;
	p.hosts_per_leaf = 1;
	p.spines = 5000;
	expect_error(&p, "5001000 links");
}

static void test_ring_and_fully_connected_reject_bad_hosts(void)
{
	struct topo_params p = params("fully-connected");
	p.hosts = 1;
	expect_error(&p, "fully-connected: hosts must be 2..1000000 (got 1)");
	p.hosts = 3000;
	expect_error(&p, "4498500 links");
	p.hosts = 4;
	p.rate_bps = 0;
	expect_error(&p, "link rate must be positive");
	p = params("ring");
	p.hosts = 1;
	expect_error(&p, "ring: hosts must be 2..1000000 (got 1)");
	p.hosts = 1000001;
	expect_error(&p, "(got 1000001)");
	p.hosts = 4;
	p.delay_ps = TOPO_MAX_DELAY_PS + 1;
	expect_error(&p, "link delay must be at most 1s");
}

static const struct unit_test builder_tests[] = {
	{ "test_registry_lists_every_builder", test_registry_lists_every_builder },
	{ "test_switch_bisection_is_half_the_hosts", test_switch_bisection_is_half_the_hosts },
	{ "test_ring_8_bidirectional", test_ring_8_bidirectional },
	{ "test_ring_8_unidirectional", test_ring_8_unidirectional },
	{ "test_ring_2_one_link_or_two_one_way", test_ring_2_one_link_or_two_one_way },
	{ "test_fully_connected_5", test_fully_connected_5 },
	{ "test_fully_connected_8", test_fully_connected_8 },
	{ "test_fat_tree_4", test_fat_tree_4 },
	{ "test_fat_tree_8", test_fat_tree_8 },
	{ "test_fat_tree_tier_classes", test_fat_tree_tier_classes },
	{ "test_leaf_spine_4x2x4", test_leaf_spine_4x2x4 },
	{ "test_leaf_spine_oversubscription_2", test_leaf_spine_oversubscription_2 },
	{ "test_leaf_spine_uplink_rounds_down", test_leaf_spine_uplink_rounds_down },
	{ "test_leaf_spine_explicit_uplink_and_one_leaf",
	  test_leaf_spine_explicit_uplink_and_one_leaf },
	{ "test_torus_4x4", test_torus_4x4 },
	{ "test_torus_4x4x4", test_torus_4x4x4 },
	{ "test_torus_3x5", test_torus_3x5 },
	{ "test_torus_sizes_2_and_1", test_torus_sizes_2_and_1 },
	{ "test_multi_dim_ring4_switch8", test_multi_dim_ring4_switch8 },
	{ "test_multi_dim_ring4_fc4_switch4", test_multi_dim_ring4_fc4_switch4 },
	{ "test_multi_dim_two_switch_dims_relay_at_npus",
	  test_multi_dim_two_switch_dims_relay_at_npus },
	{ "test_multi_dim_small_rings", test_multi_dim_small_rings },
	{ NULL, NULL },
};

static const struct unit_test validation_tests[] = {
	{ "test_fat_tree_rejects_bad_k", test_fat_tree_rejects_bad_k },
	{ "test_multi_dim_rejects_bad_dims", test_multi_dim_rejects_bad_dims },
	{ "test_torus_rejects_bad_dims", test_torus_rejects_bad_dims },
	{ "test_leaf_spine_rejects_bad_params", test_leaf_spine_rejects_bad_params },
	{ "test_ring_and_fully_connected_reject_bad_hosts",
	  test_ring_and_fully_connected_reject_bad_hosts },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "topo_builders", builder_tests },
	{ "topo_builders_validation", validation_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
