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

static const struct unit_test flow_tests[] = {
	{ "ring", test_ring },
	{ "fully_connected", test_fully_connected },
	{ "fat_tree", test_fat_tree },
	{ "leaf_spine", test_leaf_spine },
	{ "torus", test_torus },
	{ "multi_dim", test_multi_dim },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "topology_one_flow", flow_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
