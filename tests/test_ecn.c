/*
 * tests/test_ecn.c - ECN marking: the RED function, thresholds scaled by
 * link rate, and marking in whole runs.
 */
#include "tests/scenario.h"
#include "tests/unit_main.h"

#include "net/net.h"

/* Kmin 100, Kmax 300, Pmax 0.2: p = 0.2 (q - 100) / 200 in between. */
static void test_red_probability_by_hand(void)
{
	CU_ASSERT_DOUBLE_EQUAL(net_red_prob(0, 100, 300, 0.2), 0.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(net_red_prob(100, 100, 300, 0.2), 0.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(net_red_prob(101, 100, 300, 0.2), 0.001, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(net_red_prob(200, 100, 300, 0.2), 0.1, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(net_red_prob(300, 100, 300, 0.2), 0.2, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(net_red_prob(301, 100, 300, 0.2), 1.0, 0);
	/* Kmin = Kmax: a step from 0 to 1. */
	CU_ASSERT_DOUBLE_EQUAL(net_red_prob(5, 5, 5, 0.2), 0.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(net_red_prob(6, 5, 5, 0.2), 1.0, 0);
}

static const struct sim_flow *run(struct scen *sc, const char *yaml, const char *const *files)
{
	CU_ASSERT_EQUAL_FATAL(scen_open(sc, yaml, files, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(sc), 0);
	size_t nf;
	return sim_flows(sc->sim, &nf);
}

/* Default thresholds: 100 KB / 400 KB per 25 Gb/s, on switch ports only. */
static void test_thresholds_scale_with_link_rate(void)
{
	struct scen sc;
	const char *files[] = { "topo.txt",
				"4 2 3\n2 3\n0 2 100Gbps 1us 0\n2 3 25Gbps 1us 0\n3 1 400Gbps 1us 0\n",
				NULL };
	run(&sc, "topology: {ns3: topo.txt}\nworkload: {flows: [{src: 0, dst: 1, size: 1KB}]}\n",
	    files);
	const struct net *net = sim_net(sc.sim);
	const struct net_port *p100 = &net->nodes[2].ports[0], *p25 = &net->nodes[2].ports[1];
	const struct net_port *p400 = &net->nodes[3].ports[1];
	CU_ASSERT_EQUAL(p100->ecn_kmin_bytes, 400000);
	CU_ASSERT_EQUAL(p100->ecn_kmax_bytes, 1600000);
	CU_ASSERT_EQUAL(p25->ecn_kmin_bytes, 100000);
	CU_ASSERT_EQUAL(p25->ecn_kmax_bytes, 400000);
	CU_ASSERT_EQUAL(p400->ecn_kmin_bytes, 1600000);
	CU_ASSERT_EQUAL(p400->ecn_kmax_bytes, 6400000);
	CU_ASSERT_DOUBLE_EQUAL(p100->ecn_pmax, 0.2, 0);
	CU_ASSERT_TRUE(p100->ecn_on);
	CU_ASSERT_FALSE(net->nodes[0].ports[0].ecn_on);   /* hosts do not mark */
	scen_close(&sc);
}

/* by_rate entries replace the thresholds of ports of their rate only. */
static void test_thresholds_by_rate(void)
{
	struct scen sc;
	const char *files[] = { "topo.txt",
				"4 2 3\n2 3\n0 2 100Gbps 1us 0\n2 3 25Gbps 1us 0\n3 1 400Gbps 1us 0\n",
				NULL };
	run(&sc, "topology: {ns3: topo.txt}\n"
		 "fabric: {ecn: {by_rate: [{rate: 25Gbps, kmin: 7KB, kmax: 9KB, pmax: 0.5}]}}\n"
		 "workload: {flows: [{src: 0, dst: 1, size: 1KB}]}\n", files);
	const struct net *net = sim_net(sc.sim);
	const struct net_port *p100 = &net->nodes[2].ports[0], *p25 = &net->nodes[2].ports[1];
	CU_ASSERT_EQUAL(p25->ecn_kmin_bytes, 7000);
	CU_ASSERT_EQUAL(p25->ecn_kmax_bytes, 9000);
	CU_ASSERT_DOUBLE_EQUAL(p25->ecn_pmax, 0.5, 0);
	CU_ASSERT_EQUAL(p100->ecn_kmin_bytes, 400000);     /* not listed: the default */
	CU_ASSERT_DOUBLE_EQUAL(p100->ecn_pmax, 0.2, 0);
	scen_close(&sc);
}

static uint64_t echoes(const struct scen *sc)
{
	const struct tp *tp = sim_tp(sc->sim);
	uint64_t e = 0;
	for (uint32_t i = 0; i < tp->nqps; i++)
		e += tp->qps[i]->cc.ecn_echoes;
	return e;
}

static const char incast4[] =
	"workload:\n"
	"  flows:\n"
	"    - {src: 1, dst: 0, size: 200KB}\n"
	"    - {src: 2, dst: 0, size: 200KB}\n"
	"    - {src: 3, dst: 0, size: 200KB}\n"
	"    - {src: 4, dst: 0, size: 200KB}\n";

/* A 4:1 incast of 200 packets each. With Kmin = Kmax = 1 B every data packet
 * that leaves a packet behind it is marked (p = 1 above Kmax): at least the
 * 600 that leave while the senders' packets keep arriving, never the last
 * one. Each mark comes back as exactly one ECN echo (ACK per packet, no
 * loss). With the default thresholds (400 KB / 1600 KB at 100 Gb/s) the
 * queue, growing by three packets per slot to about 600 x 1062 B = 637 KB,
 * passes Kmin: some marks, fewer. Disabled: none. */
static void test_marks_are_echoed_one_for_one(void)
{
	char y[1024];
	struct scen sc;
	snprintf(y, sizeof(y), "topology: {kind: switch, hosts: 5}\n"
			       "fabric: {ecn: {kmin: 1B, kmax: 1B}}\n%s", incast4);
	run(&sc, y, NULL);
	uint64_t all = sim_net(sc.sim)->ctr.ecn_marks;
	CU_ASSERT_TRUE(all >= 600 && all <= 799);
	CU_ASSERT_EQUAL(echoes(&sc), all);
	scen_close(&sc);

	snprintf(y, sizeof(y), "topology: {kind: switch, hosts: 5}\n%s", incast4);
	run(&sc, y, NULL);
	uint64_t dflt = sim_net(sc.sim)->ctr.ecn_marks;
	CU_ASSERT_TRUE(dflt > 0 && dflt < all);
	CU_ASSERT_EQUAL(echoes(&sc), dflt);
	scen_close(&sc);

	snprintf(y, sizeof(y), "topology: {kind: switch, hosts: 5}\n"
			       "fabric: {ecn: {enabled: false}}\n%s", incast4);
	run(&sc, y, NULL);
	CU_ASSERT_EQUAL(sim_net(sc.sim)->ctr.ecn_marks, 0);
	CU_ASSERT_EQUAL(echoes(&sc), 0);
	scen_close(&sc);
}

/* A lone flow never queues at the switch: no marks even at Kmin = Kmax = 1 B,
 * at dequeue or at enqueue. */
static void test_no_marks_without_queueing(void)
{
	struct scen sc;
	run(&sc, "topology: {kind: switch, hosts: 2}\n"
		 "fabric: {ecn: {kmin: 1B, kmax: 1B, mark: enqueue}}\n"
		 "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", NULL);
	CU_ASSERT_EQUAL(sim_net(sc.sim)->ctr.ecn_marks, 0);
	scen_close(&sc);
}

/* Marking is random between Kmin and Kmax but drawn from each port's own
 * stream: the same seed gives the same marks, turning ECN on does not change
 * where a lossy link drops. */
static void test_marking_is_deterministic_and_isolated(void)
{
	struct scen a, b;
	char y[1024];
	snprintf(y, sizeof(y), "topology: {kind: switch, hosts: 5}\n"
			       "fabric: {ecn: {kmin: 10KB, kmax: 500KB, pmax: 0.5}}\n%s", incast4);
	run(&a, y, NULL);
	run(&b, y, NULL);
	uint64_t ma = sim_net(a.sim)->ctr.ecn_marks;
	CU_ASSERT_TRUE(ma > 0);
	CU_ASSERT_EQUAL(ma, sim_net(b.sim)->ctr.ecn_marks);
	scen_close(&a);
	scen_close(&b);

	const char *files[] = { "topo.txt", "3 1 2\n2\n0 2 100Gbps 1us 0.01\n1 2 100Gbps 1us 0\n", NULL };
	run(&a, "topology: {ns3: topo.txt}\nfabric: {ecn: {enabled: false}, rto: 20us}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", files);
	run(&b, "topology: {ns3: topo.txt}\nfabric: {ecn: {kmin: 1B, kmax: 1B}, rto: 20us}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", files);
	CU_ASSERT_EQUAL(sim_net(a.sim)->ctr.drops[NET_DROP_LINK_ERROR],
			sim_net(b.sim)->ctr.drops[NET_DROP_LINK_ERROR]);
	scen_close(&a);
	scen_close(&b);
}

static const struct unit_test ecn_tests[] = {
	{ "red_probability_by_hand", test_red_probability_by_hand },
	{ "thresholds_scale_with_link_rate", test_thresholds_scale_with_link_rate },
	{ "thresholds_by_rate", test_thresholds_by_rate },
	{ "marks_are_echoed_one_for_one", test_marks_are_echoed_one_for_one },
	{ "no_marks_without_queueing", test_no_marks_without_queueing },
	{ "marking_is_deterministic_and_isolated", test_marking_is_deterministic_and_isolated },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "ecn", ecn_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
