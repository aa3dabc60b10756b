/*
 * tests/test_topo_flows.c - one flow on each topology: the delivery time is
 * the closed form for the hop count of the shortest path, worked out here
 * from the topology's geometry (not asked of the router).
 *
 * 100 Gb/s, 1 us links, MTU 1000: a data frame is 1062 B (84,960 ps), an ACK
 * 66 B (5,280 ps). A 100 KB flow is 100 frames. Over h store-and-forward hops
 * (every node, hosts that relay included, forwards whole frames):
 *     delivered = h x (84,960 + 1,000,000) + 99 x 84,960 ps
 * and its last ACK returns over the reverse path of h' hops:
 *     fct = delivered + h' x (5,280 + 1,000,000) ps.
 */
#include "tests/scenario.h"
#include "tests/unit_main.h"

#include "net/net.h"
#include "topo/topo.h"

static uint64_t deliver(unsigned h) { return h * (84960ull + 1000000) + 99ull * 84960; }
static uint64_t ack(unsigned h) { return h * (5280ull + 1000000); }

static void one_flow(const char *topology, unsigned src, unsigned dst, unsigned hops,
		     unsigned ack_hops)
{
	struct scen sc;
	char y[1024];
	snprintf(y, sizeof(y), "topology: %s\nworkload: {flows: [{src: %u, dst: %u, size: 100KB}]}\n",
		 topology, src, dst);
	int rc = scen_open(&sc, y, NULL, NULL);
	if (rc)
		fprintf(stderr, "\n  %s: %s\n", topology, sc.err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(&sc), 0);
	size_t nf;
	const struct sim_flow *f = sim_flows(sc.sim, &nf);
	if (f[0].delivered_ps != deliver(hops))
		fprintf(stderr, "\n  %s %u->%u: delivered %llu, want %llu (%u hops)\n", topology, src,
			dst, (unsigned long long)f[0].delivered_ps,
			(unsigned long long)deliver(hops), hops);
	CU_ASSERT_EQUAL(f[0].delivered_ps, deliver(hops));
	CU_ASSERT_EQUAL(f[0].fct_ps, deliver(hops) + ack(ack_hops));
	CU_ASSERT_EQUAL(f[0].ideal_fct_ps, f[0].fct_ps);
	scen_close(&sc);
}

/* Ring of 8: 0 -> 3 is 3 hops clockwise; 0 -> 5 is 3 hops the other way;
 * hosts relay. Unidirectional: 0 -> 7 goes all the way round (7 hops) and
 * its ACK 7 -> 0 is one hop forward; 7 -> 0 is one hop, its ACK seven. */
static void test_ring(void)
{
	one_flow("{kind: ring, hosts: 8}", 0, 3, 3, 3);
	one_flow("{kind: ring, hosts: 8}", 0, 5, 3, 3);
	one_flow("{kind: ring, hosts: 8, unidirectional: true}", 0, 7, 7, 1);
	one_flow("{kind: ring, hosts: 8, unidirectional: true}", 7, 0, 1, 7);
}

/* Fully connected: every pair is one hop. */
static void test_fully_connected(void)
{
	one_flow("{kind: fully-connected, hosts: 6}", 1, 4, 1, 1);
}

/* Fat-tree k=4 (hosts pod-major, 2 per edge switch, 4 per pod): same edge
 * switch 2 hops, same pod 4 (edge-agg-edge), other pod 6 (via a core). */
static void test_fat_tree(void)
{
	one_flow("{kind: fat-tree, k: 4}", 0, 1, 2, 2);
	one_flow("{kind: fat-tree, k: 4}", 0, 2, 4, 4);
	one_flow("{kind: fat-tree, k: 4}", 0, 12, 6, 6);
}

/* Leaf-spine, 4 hosts per leaf, 2 spines, oversubscription 2: uplinks of
 * 4 x 100 / (2 x 2) = 100 Gb/s, so every hop is 100 Gb/s: same leaf 2 hops,
 * other leaf 4. */
static void test_leaf_spine(void)
{
	const char *ls = "{kind: leaf-spine, leaves: 4, spines: 2, hosts_per_leaf: 4, "
			 "oversubscription: 2}";
	one_flow(ls, 0, 3, 2, 2);
	one_flow(ls, 0, 13, 4, 4);
}

/* Torus 4x4, id = x + 4y: (0,0) -> (2,2) = 10 is 2 + 2 hops; (0,0) ->
 * (3,1) = 7 is 1 (wrap) + 1 hops. */
static void test_torus(void)
{
	one_flow("{kind: torus, dims: [4, 4]}", 0, 10, 4, 4);
	one_flow("{kind: torus, dims: [4, 4]}", 0, 7, 2, 2);
	/* 4x4x4, id = x + 4y + 16z: (0,0,0) -> (2,2,2) = 42: 6 hops. */
	one_flow("{kind: torus, dims: [4, 4, 4]}", 0, 42, 6, 6);
}

/* Multi-dim [ring 4, switch 8] (id = x + 4y): NPUs 0 and 2 differ in the
 * ring coordinate only: 2 hops around the ring; 0 and 4 in the switch
 * coordinate only: 2 hops through that dimension's switch. */
static void test_multi_dim(void)
{
	const char *md = "{kind: multi-dim, dims: [{kind: ring, npus: 4, rate: 100Gbps, delay: 1us},"
			 " {kind: switch, npus: 8, rate: 100Gbps, delay: 1us}]}";
	one_flow(md, 0, 2, 2, 2);
	one_flow(md, 0, 4, 2, 2);
	one_flow(md, 0, 1, 1, 1);
}

/* An ASTRA-sim network file and the equivalent inline multi-dim description
 * build the same graph: same nodes, same links in the same order, same
 * rates (ASTRA's GB/s is 2^30 bytes: 50 GB/s there is 50GiB/s here) and
 * delays. */
static void same_graph(const char *astra_yaml, const char *inline_dims)
{
	struct scen a, b;
	const char *files[] = { "net.yml", astra_yaml, NULL };
	char y[1024];
	CU_ASSERT_EQUAL_FATAL(scen_open(&a, "topology: {astra: net.yml}\n"
				       "workload: {flows: [{src: 0, dst: 1, size: 1KB}]}\n", files, NULL), 0);
	snprintf(y, sizeof(y), "topology: {kind: multi-dim, dims: %s}\n"
			       "workload: {flows: [{src: 0, dst: 1, size: 1KB}]}\n", inline_dims);
	CU_ASSERT_EQUAL_FATAL(scen_open(&b, y, NULL, NULL), 0);
	struct topo_graph ga, gb;
	char err[512];
	CU_ASSERT_EQUAL_FATAL(sim_build_graph(&a.exp, &ga, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(sim_build_graph(&b.exp, &gb, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ga.nnodes, gb.nnodes);
	CU_ASSERT_EQUAL(ga.nhosts, gb.nhosts);
	CU_ASSERT_EQUAL_FATAL(ga.nlinks, gb.nlinks);
	CU_ASSERT_EQUAL(ga.hosts_forward, gb.hosts_forward);
	int same = !memcmp(ga.kind, gb.kind, ga.nnodes);
	for (uint32_t l = 0; l < ga.nlinks; l++) {
		const struct topo_link *x = &ga.links[l], *z = &gb.links[l];
		same &= x->a == z->a && x->b == z->b && x->rate_bps == z->rate_bps &&
			x->delay_ps == z->delay_ps && x->one_way == z->one_way;
	}
	CU_ASSERT_TRUE(same);
	topo_graph_free(&ga);
	topo_graph_free(&gb);
	scen_close(&a);
	scen_close(&b);
}

static void test_astra_file_matches_inline_multi_dim(void)
{
	same_graph("topology: [Ring, Switch]\nnpus_count: [4, 8]\nbandwidth: [50, 25]\n"
		   "latency: [500, 500]\n",
		   "[{kind: ring, npus: 4, rate: 50GiB/s, delay: 500ns},"
		   " {kind: switch, npus: 8, rate: 25GiB/s, delay: 500ns}]");
	same_graph("topology: [Ring, FullyConnected, Switch]\nnpus_count: [2, 4, 4]\n"
		   "bandwidth: [100, 50, 12.5]\nlatency: [100, 250.5, 700]\n",
		   "[{kind: ring, npus: 2, rate: 100GiB/s, delay: 100ns},"
		   " {kind: fully-connected, npus: 4, rate: 50GiB/s, delay: 250.5ns},"
		   " {kind: switch, npus: 4, rate: 12.5GiB/s, delay: 700ns}]");
}

/* ECMP on a k = 8 fat-tree: a permutation where host i sends to the host
 * in the next pod (i + 16 mod 128) crosses the core for every flow; the
 * per-flow hash must spread the 128 flows over all 16 core switches (none
 * idle). The max/min load ratio is printed. */
static void test_ecmp_uses_every_core_switch(void)
{
	char y[16384];
	int len = snprintf(y, sizeof(y), "topology: {kind: fat-tree, k: 8}\nworkload:\n  flows:\n");
	for (int i = 0; i < 128; i++)
		len += snprintf(y + len, sizeof(y) - (size_t)len,
				"    - {src: %d, dst: %d, size: 10KB}\n", i, (i + 16) % 128);
	struct scen sc;
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, y, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(&sc), 0);
	const struct net *net = sim_net(sc.sim);
	/* Cores are the last (k/2)^2 = 16 nodes; count data packets they sent. */
	uint64_t mn = UINT64_MAX, mx = 0, total = 0;
	for (uint32_t c = net->nnodes - 16; c < net->nnodes; c++) {
		uint64_t tx = 0;
		for (uint32_t p = 0; p < net->nodes[c].nports; p++)
			tx += net->nodes[c].ports[p].tx_bytes;
		total += tx;
		if (tx < mn)
			mn = tx;
		if (tx > mx)
			mx = tx;
	}
	printf("\n    k=8 permutation over 16 cores: bytes per core min %llu, max %llu, "
	       "max/min %.2f", (unsigned long long)mn, (unsigned long long)mx,
	       mn ? (double)mx / (double)mn : 0.0);
	CU_ASSERT_TRUE(mn > 0);
	/* Every flow's 10 data packets and 10 ACKs cross one core each way. */
	CU_ASSERT_EQUAL(total, 128ull * 10 * (1062 + 66));
	scen_close(&sc);
}

/* All pairs: the route the simulator takes between every two hosts has the
 * graph's shortest length, measured by a BFS written here over the raw link
 * list (relaying through switches, and through hosts where the fabric's
 * hosts relay; one-way links forward only). */
static void check_all_pairs(const char *topology, int hosts_relay)
{
	struct scen sc;
	char y[1024];
	snprintf(y, sizeof(y), "topology: %s\nworkload: {flows: [{src: 0, dst: 1, size: 1KB}]}\n",
		 topology);
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, y, NULL, NULL), 0);
	struct topo_graph g;
	char err[512];
	CU_ASSERT_EQUAL_FATAL(sim_build_graph(&sc.exp, &g, err, sizeof(err)), 0);
	const struct net *net = sim_net(sc.sim);
	uint32_t n = g.nnodes, *dist = malloc(n * sizeof(*dist)), *queue = malloc(n * sizeof(*queue));
	struct net_port *path[64];
	int mismatches = 0, pairs = 0;
	for (uint32_t s = 0; s < n; s++) {
		if (g.kind[s] != TOPO_HOST)
			continue;
		for (uint32_t i = 0; i < n; i++)
			dist[i] = UINT32_MAX;
		uint32_t qh = 0, qt = 0;
		dist[s] = 0;
		queue[qt++] = s;
		while (qh < qt) {
			uint32_t u = queue[qh++];
			if (u != s && g.kind[u] == TOPO_HOST && !hosts_relay)
				continue;
			for (uint32_t l = 0; l < g.nlinks; l++) {
				const struct topo_link *lk = &g.links[l];
				uint32_t v = lk->a == u ? lk->b : (lk->b == u && !lk->one_way ? lk->a : UINT32_MAX);
				if (v != UINT32_MAX && dist[v] == UINT32_MAX) {
					dist[v] = dist[u] + 1;
					queue[qt++] = v;
				}
			}
		}
		for (uint32_t d = 0; d < n; d++) {
			if (d == s || g.kind[d] != TOPO_HOST)
				continue;
			int h = net_path(net, s, d, (uint32_t)(s * 7919 + d), path, 64);
			pairs++;
			if (h < 0 || (uint32_t)h != dist[d])
				mismatches++;
		}
	}
	printf("\n    %s: %d host pairs, %d routes longer than the shortest path", topology, pairs,
	       mismatches);
	CU_ASSERT_EQUAL(mismatches, 0);
	free(dist);
	free(queue);
	topo_graph_free(&g);
	scen_close(&sc);
}

static void test_routes_are_shortest_paths_for_all_pairs(void)
{
	check_all_pairs("{kind: ring, hosts: 9}", 1);
	check_all_pairs("{kind: ring, hosts: 8, unidirectional: true}", 1);
	check_all_pairs("{kind: fully-connected, hosts: 6}", 1);
	check_all_pairs("{kind: fat-tree, k: 4}", 0);
	check_all_pairs("{kind: leaf-spine, leaves: 4, spines: 2, hosts_per_leaf: 3}", 0);
	check_all_pairs("{kind: torus, dims: [4, 4]}", 1);
	check_all_pairs("{kind: torus, dims: [3, 4, 5]}", 1);
	check_all_pairs("{kind: multi-dim, dims: [{kind: ring, npus: 4}, {kind: switch, npus: 8}]}", 1);
	check_all_pairs("{kind: multi-dim, dims: [{kind: ring, npus: 4}, "
			"{kind: fully-connected, npus: 4}, {kind: switch, npus: 4}]}", 1);
}

/* Per-dimension links on a torus: dimension 1 at 25 Gb/s (1062 B -> 339,840
 * ps, an ACK 66 B -> 21,120 ps) with 2 us. 0 -> 4 is one hop in dimension
 * 1: delivered = 100 x 339,840 + 2,000,000 = 35,984,000 ps, fct + 2,021,120.
 * 0 -> 1 is one hop in dimension 0 at the default 100 Gb/s, 1 us. */
static void test_torus_per_dimension_links(void)
{
	const char *t = "{kind: torus, dims: [4, 4], dim_links: [{rate: 100Gbps, delay: 1us}, "
			"{rate: 25Gbps, delay: 2us}]}";
	struct scen sc;
	char y[1024];
	snprintf(y, sizeof(y), "topology: %s\nworkload: {flows: [{src: 0, dst: 4, size: 100KB}]}\n", t);
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, y, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(&sc), 0);
	size_t nf;
	const struct sim_flow *f = sim_flows(sc.sim, &nf);
	CU_ASSERT_EQUAL(f[0].delivered_ps, 35984000ull);
	CU_ASSERT_EQUAL(f[0].fct_ps, 35984000ull + 2021120ull);
	scen_close(&sc);
	one_flow(t, 0, 1, 1, 1);
}

static const struct unit_test flow_tests[] = {
	{ "ring", test_ring },
	{ "fully_connected", test_fully_connected },
	{ "fat_tree", test_fat_tree },
	{ "leaf_spine", test_leaf_spine },
	{ "torus", test_torus },
	{ "torus_per_dimension_links", test_torus_per_dimension_links },
	{ "multi_dim", test_multi_dim },
	{ "astra_file_matches_inline_multi_dim", test_astra_file_matches_inline_multi_dim },
	{ "ecmp_uses_every_core_switch", test_ecmp_uses_every_core_switch },
	{ "routes_are_shortest_paths_for_all_pairs", test_routes_are_shortest_paths_for_all_pairs },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "topology_one_flow", flow_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
