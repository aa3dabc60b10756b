/*
 * tests/test_scenario.c - whole runs whose numbers are derived by hand.
 *
 * Constants used throughout (100 Gb/s = 80 ps per byte):
 *   data packet  = 1000 B payload + 62 B RoCEv2 headers = 1062 B -> 84,960 ps
 *   ACK          = 66 B                                          ->  5,280 ps
 *   propagation  = 1 us = 1,000,000 ps per link
 *   10 MB        = 10,000 packets of 1000 B
 */
#include "tests/scenario.h"
#include "tests/unit_main.h"

#include <stdint.h>

#include "net/net.h"

#define SER_DATA 84960ull
#define SER_ACK 5280ull
#define PROP 1000000ull

static const struct sim_flow *run_one(struct scen *sc, const char *yaml, const char *const *files,
				      size_t *nf)
{
	int rc = scen_open(sc, yaml, files, NULL);
	if (rc)
		fprintf(stderr, "\n  setup failed: %s\n", sc->err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	rc = scen_run(sc);
	if (rc)
		fprintf(stderr, "\n  run failed: %s\n", sc->err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	char err[256];
	CU_ASSERT_EQUAL(sim_check_conservation(sc->sim, err, sizeof(err)), 0);
	return sim_flows(sc->sim, nf);
}

/*
 * h hops in a chain at 100 Gb/s, n = 10,000 packets, no other traffic:
 * the first packet is store-and-forwarded across every hop, h * (84,960 +
 * 1,000,000) ps; every later packet follows one serialization behind it at
 * every hop, (n - 1) * 84,960 ps. The last ACK returns over h hops:
 * h * (5,280 + 1,000,000) ps.
 */
static uint64_t chain_delivered(unsigned h) { return h * (SER_DATA + PROP) + 9999 * SER_DATA; }
static uint64_t chain_fct(unsigned h) { return chain_delivered(h) + h * (SER_ACK + PROP); }

static void check_single_flow(const struct sim_flow *f, unsigned hops)
{
	CU_ASSERT_EQUAL(f->delivered_ps, chain_delivered(hops));
	CU_ASSERT_EQUAL(f->fct_ps, chain_fct(hops));
	CU_ASSERT_EQUAL(f->ideal_delivered_ps, chain_delivered(hops));
	CU_ASSERT_EQUAL(f->ideal_fct_ps, chain_fct(hops));
	CU_ASSERT_EQUAL(f->retransmits, 0);
}

static void test_one_flow_two_hops_exact(void)
{
	struct scen sc;
	size_t nf;
	const struct sim_flow *f = run_one(&sc,
		"seed: 1\n"
		"topology: {kind: switch, hosts: 2, link: {rate: 100Gbps, delay: 1us}}\n"
		"fabric: {mtu: 1000B, cc: none}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 10MB, start: 0us}]}\n",
		NULL, &nf);
	CU_ASSERT_EQUAL_FATAL(nf, 1);
	/* 2 * 1,084,960 + 9,999 * 84,960 = 851,684,960 ps;
	 * + 2 * 1,005,280 = 853,695,520 ps. */
	CU_ASSERT_EQUAL(chain_delivered(2), 851684960ull);
	CU_ASSERT_EQUAL(chain_fct(2), 853695520ull);
	check_single_flow(&f[0], 2);
	const struct tp *tp = sim_tp(sc.sim);
	const struct net *net = sim_net(sc.sim);
	CU_ASSERT_EQUAL(tp->ctr.bytes_delivered, 10000000ull);
	CU_ASSERT_EQUAL(tp->ctr.data_pkts, 10000);
	CU_ASSERT_EQUAL(tp->ctr.acks, 10000);          /* ACK every packet */
	CU_ASSERT_EQUAL(tp->ctr.packets_sent, 20000);
	CU_ASSERT_EQUAL(net->ctr.packet_hops, 40000);  /* 2 hops each way */
	CU_ASSERT_EQUAL(net->ctr.drops_total, 0);
	CU_ASSERT_EQUAL(net->pool.created, 20000);
	CU_ASSERT_EQUAL(net->ctr.consumed, 20000);
	/* The run ends when the last ACK arrives. */
	CU_ASSERT_EQUAL(sim_now(sc.sim), chain_fct(2));
	scen_close(&sc);
}

static const char chain3[] =
	"4 2 3\n"
	"2 3\n"
	"0 2 100Gbps 0.001ms 0\n"
	"2 3 100Gbps 0.001ms 0\n"
	"3 1 100Gbps 0.001ms 0\n";
static const char chain5[] =
	"6 4 5\n"
	"2 3 4 5\n"
	"0 2 100Gbps 0.001ms 0\n"
	"2 3 100Gbps 0.001ms 0\n"
	"3 4 100Gbps 0.001ms 0\n"
	"4 5 100Gbps 0.001ms 0\n"
	"5 1 100Gbps 0.001ms 0\n";

static void test_one_flow_three_hops_ns3_file_exact(void)
{
	struct scen sc;
	size_t nf;
	const char *files[] = { "topo.txt", chain3, NULL };
	const struct sim_flow *f = run_one(&sc,
		"topology: {ns3: topo.txt}\n"
		"fabric: {mtu: 1000B}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 10MB}]}\n",
		files, &nf);
	/* 3 * 1,084,960 + 849,515,040 = 852,769,920; + 3 * 1,005,280 = 855,785,760. */
	CU_ASSERT_EQUAL(chain_delivered(3), 852769920ull);
	CU_ASSERT_EQUAL(chain_fct(3), 855785760ull);
	check_single_flow(&f[0], 3);
	scen_close(&sc);
}

static void test_one_flow_five_hops_ns3_file_exact(void)
{
	struct scen sc;
	size_t nf;
	const char *files[] = { "topo.txt", chain5, NULL };
	const struct sim_flow *f = run_one(&sc,
		"topology: {ns3: topo.txt}\n"
		"workload: {flows: [{src: 1, dst: 0, size: 10MB}]}\n",
		files, &nf);
	/* 5 * 1,084,960 + 849,515,040 = 854,939,840; + 5 * 1,005,280 = 859,966,240. */
	CU_ASSERT_EQUAL(chain_delivered(5), 854939840ull);
	CU_ASSERT_EQUAL(chain_fct(5), 859966240ull);
	check_single_flow(&f[0], 5);
	scen_close(&sc);
}

/*
 * 100G - 25G - 100G chain (25 Gb/s = 320 ps/B: 1062 B -> 339,840 ps, ACK
 * 66 B -> 21,120 ps). The middle hop paces everything: delivered =
 * (84,960 + 339,840 + 84,960) + 3 us + 9,999 * 339,840 = 3,401,569,920 ps;
 * the last ACK returns in 5,280 + 21,120 + 5,280 + 3 us = 3,031,680 ps.
 */
static void test_bottleneck_in_the_middle_exact(void)
{
	struct scen sc;
	size_t nf;
	const char *files[] = { "topo.txt",
				"4 2 3\n2 3\n0 2 100Gbps 1us 0\n2 3 25Gbps 1us 0\n3 1 100Gbps 1us 0\n",
				NULL };
	const struct sim_flow *f = run_one(&sc,
		"topology: {ns3: topo.txt}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 10MB}]}\n",
		files, &nf);
	CU_ASSERT_EQUAL(f[0].delivered_ps, 3401569920ull);
	CU_ASSERT_EQUAL(f[0].fct_ps, 3401569920ull + 3031680ull);
	CU_ASSERT_EQUAL(f[0].ideal_fct_ps, f[0].fct_ps);
	scen_close(&sc);
}

/*
 * A message that is not a whole number of MTUs: 2500 B = 1000 + 1000 + 500.
 * Last packet 562 B -> 44,960 ps. Two hops: packet 2 leaves the switch at
 * 84,960 + 1 us + 2 * 84,960 = 1,254,880; packet 3 arrives at the switch at
 * 3 * 84,960 - 40,000 + 1 us = 1,214,880 (it is shorter), waits, leaves at
 * 1,254,880 + 44,960 = 1,299,840 and is delivered 1 us later: 2,299,840.
 */
static void test_partial_last_packet_exact(void)
{
	struct scen sc;
	size_t nf;
	const struct sim_flow *f = run_one(&sc,
		"topology: {kind: switch, hosts: 2}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 2500B}]}\n",
		NULL, &nf);
	CU_ASSERT_EQUAL(f[0].delivered_ps, 2299840ull);
	CU_ASSERT_EQUAL(f[0].fct_ps, 2299840ull + 2 * (SER_ACK + PROP));
	CU_ASSERT_EQUAL(f[0].ideal_delivered_ps, 2299840ull);
	CU_ASSERT_EQUAL(sim_tp(sc.sim)->ctr.bytes_delivered, 2500);
	scen_close(&sc);
}

/*
 * Two 10 MB flows into one egress port: 20,000 packets leave it back to back
 * from the first arrival (84,960 + 1 us), so the later flow is delivered at
 * 1,084,960 + 20,000 * 84,960 + 1 us = 1,701,284,960 ps, the earlier one
 * exactly one packet before it; each got half the port.
 */
static void test_two_flows_share_an_egress_fairly(void)
{
	struct scen sc;
	size_t nf;
	const struct sim_flow *f = run_one(&sc,
		"topology: {kind: switch, hosts: 3}\n"
		"workload:\n"
		"  flows:\n"
		"    - {src: 0, dst: 2, size: 10MB}\n"
		"    - {src: 1, dst: 2, size: 10MB}\n",
		NULL, &nf);
	CU_ASSERT_EQUAL_FATAL(nf, 2);
	uint64_t hi = f[0].delivered_ps > f[1].delivered_ps ? f[0].delivered_ps : f[1].delivered_ps;
	uint64_t lo = f[0].delivered_ps < f[1].delivered_ps ? f[0].delivered_ps : f[1].delivered_ps;
	CU_ASSERT_EQUAL(hi, 1701284960ull);
	CU_ASSERT_EQUAL(hi - lo, SER_DATA);
	/* Within 1% of each other and of the closed form, as the issue asks. */
	CU_ASSERT_TRUE((double)(hi - lo) / (double)hi < 0.01);
	double closed = 1701284960.0;
	CU_ASSERT_DOUBLE_EQUAL((double)f[0].fct_ps / closed, 1.0, 0.01);
	CU_ASSERT_DOUBLE_EQUAL((double)f[1].fct_ps / closed, 1.0, 0.01);
	/* Each slowdown is close to 2: the flow got half the bottleneck. */
	CU_ASSERT_DOUBLE_EQUAL((double)f[0].fct_ps / (double)f[0].ideal_fct_ps, 2.0, 0.01);
	scen_close(&sc);
}

/* ACK every 4 packets: 10 packets -> ACKs after packets 4, 8 and 10. */
static void test_ack_every_n_counts(void)
{
	struct scen sc;
	size_t nf;
	const struct sim_flow *f = run_one(&sc,
		"topology: {kind: switch, hosts: 2}\n"
		"fabric: {ack_every: 4}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 10000B}]}\n",
		NULL, &nf);
	CU_ASSERT_EQUAL(sim_tp(sc.sim)->ctr.acks, 3);
	/* The ACK of packet 8 leaves 2 * 84,960 before the last one: no queueing,
	 * so completion = 2-hop delivery of 10 packets + the ACK's return. */
	uint64_t deliv = 2 * (SER_DATA + PROP) + 9 * SER_DATA;
	CU_ASSERT_EQUAL(f[0].delivered_ps, deliv);
	CU_ASSERT_EQUAL(f[0].fct_ps, deliv + 2 * (SER_ACK + PROP));
	CU_ASSERT_EQUAL(f[0].ideal_fct_ps, f[0].fct_ps);
	scen_close(&sc);
}

/* A buffer too small for an 8-way incast: tail drops, NACK/go-back-N and
 * the RTO recover every byte, and every packet is accounted for. */
static void test_tail_drop_recovers_and_conserves(void)
{
	struct scen sc;
	size_t nf;
	const struct sim_flow *f = run_one(&sc,
		"topology: {kind: switch, hosts: 9}\n"
		"fabric: {buffer: 20KB, rto: 100us}\n"
		"workload:\n"
		"  flows:\n"
		"    - {src: 1, dst: 0, size: 200KB}\n"
		"    - {src: 2, dst: 0, size: 200KB}\n"
		"    - {src: 3, dst: 0, size: 200KB}\n"
		"    - {src: 4, dst: 0, size: 200KB}\n"
		"    - {src: 5, dst: 0, size: 200KB}\n"
		"    - {src: 6, dst: 0, size: 200KB}\n"
		"    - {src: 7, dst: 0, size: 200KB}\n"
		"    - {src: 8, dst: 0, size: 200KB}\n",
		NULL, &nf);
	const struct net *net = sim_net(sc.sim);
	const struct tp *tp = sim_tp(sc.sim);
	CU_ASSERT_TRUE(net->ctr.drops[NET_DROP_BUFFER] > 0);
	CU_ASSERT_EQUAL(net->ctr.drops_total, net->ctr.drops[NET_DROP_BUFFER]);
	/* Retransmits account for the drops: every dropped data packet was sent
	 * again (go-back-N also resends what followed a loss, so >=), and the
	 * receivers got every byte exactly once (below). */
	CU_ASSERT_TRUE(net->ctr.drops_by_type[NET_PKT_DATA] > 0);
	CU_ASSERT_TRUE(tp->ctr.retransmits >= net->ctr.drops_by_type[NET_PKT_DATA]);
	CU_ASSERT_EQUAL(tp->ctr.data_pkts, 8 * 200 + tp->ctr.retransmits);
	CU_ASSERT_EQUAL(tp->ctr.bytes_delivered, 8 * 200000ull);
	for (size_t i = 0; i < nf; i++) {
		CU_ASSERT_NOT_EQUAL(f[i].fct_ps, NET_TIME_NEVER);
		CU_ASSERT_TRUE(f[i].fct_ps > f[i].ideal_fct_ps);
	}
	/* The switch never held more than its buffer. */
	CU_ASSERT_TRUE(net->nodes[9].buf_max <= 20000);
	CU_ASSERT_EQUAL(net->nodes[9].buf_used, 0);
	CU_ASSERT_EQUAL(net->pool.created, net->ctr.consumed + net->ctr.drops_total);
	scen_close(&sc);
}

/* 5% loss per link: link_error drops, recovery, exact byte count. */
static void test_lossy_link_recovers(void)
{
	struct scen sc;
	size_t nf;
	const char *files[] = { "topo.txt", "3 1 2\n2\n0 2 100Gbps 1us 0.05\n2 1 100Gbps 1us 0\n",
				NULL };
	const struct sim_flow *f = run_one(&sc,
		"topology: {ns3: topo.txt}\n"
		"fabric: {rto: 50us}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		files, &nf);
	const struct net *net = sim_net(sc.sim);
	CU_ASSERT_TRUE(net->ctr.drops[NET_DROP_LINK_ERROR] > 0);
	CU_ASSERT_EQUAL(sim_tp(sc.sim)->ctr.bytes_delivered, 1000000);
	CU_ASSERT_NOT_EQUAL(f[0].fct_ps, NET_TIME_NEVER);
	scen_close(&sc);
}

/* h0 - s4 - {s5, s6, s7} - s8 - h1.. : three equal-cost middles. */
static const char diamond[] =
	"9 5 8\n"
	"4 5 6 7 8\n"
	"0 4 100Gbps 1us 0\n"
	"1 8 100Gbps 1us 0\n"
	"2 4 100Gbps 1us 0\n"
	"3 8 100Gbps 1us 0\n"
	"4 5 100Gbps 1us 0\n"
	"4 6 100Gbps 1us 0\n"
	"5 8 100Gbps 1us 0\n"
	"6 8 100Gbps 1us 0\n";

static void ecmp_split(uint64_t seed, uint64_t out[2])
{
	struct scen sc;
	struct sim_opts o = { .seed_set = 1, .seed = seed };
	const char *files[] = { "topo.txt", diamond, NULL };
	char yaml[2048];
	int len = snprintf(yaml, sizeof(yaml), "topology: {ns3: topo.txt}\nworkload:\n  flows:\n");
	for (int i = 0; i < 16; i++)
		len += snprintf(yaml + len, sizeof(yaml) - (size_t)len,
				"    - {src: %d, dst: %d, size: 10KB}\n", i % 2 ? 2 : 0, i % 2 ? 3 : 1);
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, yaml, files, &o), 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(&sc), 0);
	const struct net *net = sim_net(sc.sim);
	/* Switch 4's ports: 0 -> h0, 1 -> h2, 2 -> s5, 3 -> s6. */
	out[0] = net->nodes[4].ports[2].tx_pkts;
	out[1] = net->nodes[4].ports[3].tx_pkts;
	scen_close(&sc);
}

static void test_ecmp_uses_both_paths_and_depends_on_seed(void)
{
	uint64_t a[2], b[2], c[2];
	ecmp_split(1, a);
	ecmp_split(1, b);
	ecmp_split(2, c);
	/* 16 flows of 10 data packets each cross switch 4 toward the middle. */
	CU_ASSERT_EQUAL(a[0] + a[1], 160);
	CU_ASSERT_TRUE(a[0] > 0 && a[1] > 0);
	CU_ASSERT_EQUAL(a[0], b[0]);
	CU_ASSERT_EQUAL(a[1], b[1]);
	uint64_t d[2];
	int differs = a[0] != c[0];
	for (uint64_t seed = 3; !differs && seed < 10; seed++) {
		ecmp_split(seed, d);
		differs = d[0] != a[0];
	}
	CU_ASSERT_TRUE(differs);
}

/* The NetworkAPI: a receive posted after the message arrived fires at once;
 * receives match by (src, dst, tag), not by order of sends. */
struct api_log {
	uint64_t t[8];
	int who[8];
	int n;
};
struct api_ctx {
	struct api_log *log;
	int id;
};
static void api_mark(struct sim *s, void *arg)
{
	struct api_ctx *c = arg;
	c->log->t[c->log->n] = sim_now(s);
	c->log->who[c->log->n++] = c->id;
}
static struct api_log late_log;
static struct api_ctx late_ctx = { &late_log, 9 };
static void post_late_recv(struct sim *s, void *arg)
{
	(void)arg;
	CU_ASSERT_EQUAL(sim_recv(s, 0, 1, 1000, 77, api_mark, &late_ctx), 0);
}

static void test_api_recv_matching_by_tag_and_late_post(void)
{
	struct scen sc;
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc,
		"topology: {kind: switch, hosts: 2}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1B}]}\n", NULL, NULL), 0);
	struct sim *s = sc.sim;
	struct api_log log = { 0 };
	struct api_ctx ra = { &log, 1 }, rb = { &log, 2 }, sa = { &log, 3 };
	memset(&late_log, 0, sizeof(late_log));
	/* Recvs for tags 5 then 6; sends with tag 6 first (small), then 5 (large). */
	CU_ASSERT_EQUAL(sim_recv(s, 0, 1, 1000, 5, api_mark, &ra), 0);
	CU_ASSERT_EQUAL(sim_recv(s, 0, 1, 1000, 6, api_mark, &rb), 0);
	CU_ASSERT_EQUAL(sim_send(s, 0, 1, 1000, 6, api_mark, &sa), 0);
	CU_ASSERT_EQUAL(sim_send(s, 0, 1, 5000, 5, NULL, NULL), 0);
	/* Tag 77 arrives long before its recv is posted at 1 ms. */
	CU_ASSERT_EQUAL(sim_send(s, 0, 1, 1000, 77, NULL, NULL), 0);
	CU_ASSERT_EQUAL(sim_schedule(s, 1000000000ull, post_late_recv, NULL), 0);
	/* Bad calls are refused with a message. */
	CU_ASSERT_NOT_EQUAL(sim_send(s, 0, 0, 10, 1, NULL, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(sim_errmsg(s), "both"));
	CU_ASSERT_NOT_EQUAL(sim_send(s, 0, 2, 10, 1, NULL, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(sim_errmsg(s), "not a host"));
	CU_ASSERT_EQUAL(sim_run(s), 0);
	/* The NIC serves the three QPs round-robin: tag 6's packet, tag 5's
	 * first, tag 77's, then tag 5's other four: tag 5's last packet is the
	 * 7th to leave (7 * 84,960 = 594,720 ps). Two hops later:
	 *   tag 6 delivered at 2 * 1,084,960            = 2,169,920 (rb fires)
	 *   tag 5 delivered at 594,720 + 1 us + 84,960 + 1 us = 2,679,680 (ra)
	 *   tag 6's ACK returns at 2,169,920 + 2 * 1,005,280 = 4,180,480 (sa)
	 * so rb fires first although ra was posted first. */
	CU_ASSERT_EQUAL_FATAL(log.n, 3);
	CU_ASSERT_EQUAL(log.who[0], 2);
	CU_ASSERT_EQUAL(log.t[0], 2169920ull);
	CU_ASSERT_EQUAL(log.who[1], 1);
	CU_ASSERT_EQUAL(log.t[1], 2679680ull);
	CU_ASSERT_EQUAL(log.who[2], 3);
	CU_ASSERT_EQUAL(log.t[2], 4180480ull);
	CU_ASSERT_EQUAL(late_log.n, 1);
	CU_ASSERT_EQUAL(late_log.t[0], 1000000000ull);
	scen_close(&sc);
}

/* Two simulations in one process, interleaved, give the same answers as one. */
static void test_two_sims_in_one_process(void)
{
	struct scen a, b;
	const char *y = "topology: {kind: switch, hosts: 3}\n"
			"workload: {flows: [{src: 0, dst: 2, size: 1MB}, {src: 1, dst: 2, size: 1MB}]}\n";
	CU_ASSERT_EQUAL_FATAL(scen_open(&a, y, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(scen_open(&b, y, NULL, NULL), 0);
	CU_ASSERT_EQUAL(sim_post_workload(a.sim), 0);
	CU_ASSERT_EQUAL(sim_post_workload(b.sim), 0);
	for (uint64_t t = 100000000; t < 400000000; t += 100000000) {
		sim_run_until(a.sim, t);
		sim_run_until(b.sim, t);
	}
	sim_run(a.sim);
	sim_run(b.sim);
	size_t na, nb;
	const struct sim_flow *fa = sim_flows(a.sim, &na), *fb = sim_flows(b.sim, &nb);
	CU_ASSERT_EQUAL(fa[0].fct_ps, fb[0].fct_ps);
	CU_ASSERT_EQUAL(fa[1].fct_ps, fb[1].fct_ps);
	CU_ASSERT_NOT_EQUAL(fa[1].fct_ps, NET_TIME_NEVER);
	CU_ASSERT_EQUAL(sim_engine(a.sim)->events, sim_engine(b.sim)->events);
	scen_close(&a);
	scen_close(&b);
}


/* Conservation holds mid-run too, with packets in queues and on wires, and
 * tearing down a half-finished simulation returns every packet to the pool
 * (ASan/valgrind runs of this test check the memory side). */
static void test_conservation_mid_run(void)
{
	struct scen sc;
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc,
		"topology: {kind: switch, hosts: 4}\n"
		"fabric: {buffer: 30KB}\n"
		"workload:\n"
		"  flows:\n"
		"    - {src: 1, dst: 0, size: 1MB}\n"
		"    - {src: 2, dst: 0, size: 1MB}\n"
		"    - {src: 3, dst: 0, size: 1MB}\n", NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(sim_post_workload(sc.sim), 0);
	char err[256];
	int checked = 0;
	for (uint64_t t = 3000000; t < 60000000; t += 7000000) {
		CU_ASSERT_EQUAL(sim_run_until(sc.sim, t), 0);
		const struct net *net = sim_net(sc.sim);
		CU_ASSERT_EQUAL(sim_check_conservation(sc.sim, err, sizeof(err)), 0);
		checked += net_in_flight(net) > 0;
		/* The switch's buffer and ingress accounting match its queues. */
		const struct net_node *sw = &net->nodes[4];
		uint64_t queued = 0, ingress = 0;
		for (uint32_t p = 0; p < sw->nports; p++) {
			queued += sw->ports[p].queued_bytes;
			for (int c = 0; c < NET_NPRIO; c++)
				ingress += sw->ports[p].in_bytes[c];
		}
		CU_ASSERT_EQUAL(sw->buf_used, queued);
		CU_ASSERT_EQUAL(sw->buf_used, ingress);
		CU_ASSERT_TRUE(sw->buf_used <= 30000);
	}
	CU_ASSERT_TRUE(checked >= 3);
	CU_ASSERT_TRUE(sim_net(sc.sim)->ctr.drops_total > 0);
	/* Teardown with traffic in flight: every packet goes back to the pool. */
	struct net *net = (struct net *)sim_net(sc.sim);
	CU_ASSERT_TRUE(net_pool_in_use(&net->pool) > 0);
	net_drain(net);
	CU_ASSERT_EQUAL(net_pool_in_use(&net->pool), 0);
	CU_ASSERT_EQUAL(net->pool.created, net->pool.freed);
	scen_close(&sc);
}

/* RTO timing: every QP times out rto after its last progress, even when
 * another QP's timeout re-arms the shared timer first. The link into host 2
 * loses (almost) everything; QP 0 sends at 0, QP 1 at 500 us, rto 1 ms:
 * timeouts at 1000 us and 1500 us, then every 1 ms each. */
static void test_rto_fires_on_time_for_every_qp(void)
{
	struct scen sc;
	const char *files[] = { "topo.txt",
				"4 1 3\n3\n0 3 100Gbps 1us 0\n1 3 100Gbps 1us 0\n2 3 100Gbps 1us 0.9999999\n",
				NULL };
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc,
		"topology: {ns3: topo.txt}\n"
		"fabric: {rto: 1ms}\n"
		"workload:\n"
		"  flows:\n"
		"    - {src: 0, dst: 2, size: 1000B}\n"
		"    - {src: 1, dst: 2, size: 1000B, start: 500us}\n", files, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(sim_post_workload(sc.sim), 0);
	const struct tp *tp = sim_tp(sc.sim);
	sim_run_until(sc.sim, 999999999ull);
	CU_ASSERT_EQUAL(tp->ctr.rto_fires, 0);
	sim_run_until(sc.sim, 1000000000ull);
	CU_ASSERT_EQUAL(tp->ctr.rto_fires, 1);
	sim_run_until(sc.sim, 1499999999ull);
	CU_ASSERT_EQUAL(tp->ctr.rto_fires, 1);
	sim_run_until(sc.sim, 1500000000ull);
	CU_ASSERT_EQUAL(tp->ctr.rto_fires, 2);
	sim_run_until(sc.sim, 2500000000ull);
	CU_ASSERT_EQUAL(tp->ctr.rto_fires, 4);
	scen_close(&sc);
}

/* 100 QPs share one NIC with ACKs coalesced 16:1, so 16 packets of one QP
 * take 16 x 100 x 84.96 ns = 136 us, longer than the 50 us RTO: timeouts are
 * spurious and the sender goes back over data the receiver already has. The
 * receiver must ACK those duplicates, or the QPs never advance. */
static void test_coalesced_acks_with_spurious_rto_still_complete(void)
{
	struct scen sc;
	char yaml[8192];
	int len = snprintf(yaml, sizeof(yaml),
			   "topology: {kind: switch, hosts: 2}\n"
			   "fabric: {ack_every: 16, rto: 50us}\n"
			   "workload:\n  flows:\n");
	for (int i = 0; i < 100; i++)
		len += snprintf(yaml + len, sizeof(yaml) - (size_t)len,
				"    - {src: 0, dst: 1, size: 20KB}\n");
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, yaml, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(sim_post_workload(sc.sim), 0);
	/* Ideal: 2,000 packets back to back, about 170 us; allow 100x. */
	CU_ASSERT_EQUAL(sim_run_until(sc.sim, 17000000000ull), 0);
	size_t nf;
	const struct sim_flow *f = sim_flows(sc.sim, &nf);
	for (size_t i = 0; i < nf; i++)
		CU_ASSERT_NOT_EQUAL(f[i].fct_ps, NET_TIME_NEVER);
	CU_ASSERT_EQUAL(sim_tp(sc.sim)->ctr.bytes_delivered, 2000000);
	CU_ASSERT_TRUE(sim_tp(sc.sim)->ctr.rto_fires > 0);
	scen_close(&sc);
}

/* A QP with everything acknowledged has no timer: waiting 200 x 84.96 ns =
 * 17 us for its round-robin turn with a 10 us RTO is not a timeout. */
static void test_no_rto_without_data_in_flight(void)
{
	struct scen sc;
	char yaml[16384];
	int len = snprintf(yaml, sizeof(yaml),
			   "topology: {kind: switch, hosts: 2}\n"
			   "fabric: {rto: 10us}\n"
			   "workload:\n  flows:\n");
	for (int i = 0; i < 200; i++)
		len += snprintf(yaml + len, sizeof(yaml) - (size_t)len,
				"    - {src: 0, dst: 1, size: 3KB}\n");
	size_t nf;
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, yaml, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(&sc), 0);
	sim_flows(sc.sim, &nf);
	CU_ASSERT_EQUAL(sim_tp(sc.sim)->ctr.rto_fires, 0);
	CU_ASSERT_EQUAL(sim_tp(sc.sim)->ctr.retransmits, 0);
	/* 600 data packets leave back to back; the last is delivered two hops
	 * after it leaves: 600 x 84,960 + 1 us + 84,960 + 1 us. */
	CU_ASSERT_EQUAL(sim_tp(sc.sim)->ctr.bytes_delivered, 600000);
	scen_close(&sc);
}

/* Strict priority at the NIC: host 0 sends 1 MB in class 1 to host 1 and
 * 1 MB in class 6 to host 2, both posted at 0. The class-1 flow is posted
 * first and its first packet is already on the wire (0..84,960 ps); then the
 * class-6 flow's 1000 packets go back to back: its last leaves at
 * 84,960 + 1000 x 84,960 = 85,044,960 and is delivered 2 us + 84,960 later,
 * 87,129,920 ps (fct + 2 x 1,005,280 = 89,140,480). The class-1 flow's other
 * 999 packets follow: last leaves at 85,044,960 + 999 x 84,960 =
 * 169,920,000, delivered at 172,004,960 ps. */
static void test_nic_serves_classes_by_strict_priority(void)
{
	struct scen sc;
	size_t nf;
	const struct sim_flow *f = run_one(&sc,
		"topology: {kind: switch, hosts: 3}\n"
		"workload:\n"
		"  flows:\n"
		"    - {src: 0, dst: 1, size: 1MB, prio: 1}\n"
		"    - {src: 0, dst: 2, size: 1MB, prio: 6}\n",
		NULL, &nf);
	CU_ASSERT_EQUAL(f[1].delivered_ps, 87129920ull);
	CU_ASSERT_EQUAL(f[1].fct_ps, 89140480ull);
	CU_ASSERT_EQUAL(f[1].fct_ps - f[1].ideal_fct_ps, SER_DATA);
	CU_ASSERT_EQUAL(f[0].delivered_ps, 172004960ull);
	scen_close(&sc);
}

/* A host dual-homed to two switches is not a path between them: traffic
 * 1 -> 2 goes 1-4-6-5-2, never through host 0; host 0's own flow to host 2
 * takes its direct link to switch 5 (two hops, the closed form). */
static void test_multihomed_host_does_not_forward(void)
{
	struct scen sc;
	size_t nf;
	const char *files[] = { "topo.txt",
				"7 3 6\n4 5 6\n0 4 100Gbps 1us 0\n0 5 100Gbps 1us 0\n"
				"1 4 100Gbps 1us 0\n2 5 100Gbps 1us 0\n4 6 100Gbps 1us 0\n"
				"5 6 100Gbps 1us 0\n",
				NULL };
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct sim_opts o = { .seed_set = 1, .seed = seed };
		CU_ASSERT_EQUAL_FATAL(scen_open(&sc,
			"topology: {ns3: topo.txt}\n"
			"workload:\n"
			"  flows:\n"
			"    - {src: 1, dst: 2, size: 10KB}\n"
			"    - {src: 1, dst: 2, size: 10KB}\n"
			"    - {src: 0, dst: 2, size: 10KB, start: 1ms}\n", files, &o), 0);
		CU_ASSERT_EQUAL_FATAL(scen_run(&sc), 0);
		const struct net *net = sim_net(sc.sim);
		/* Host 0 sends only its own 10 packets, all on port 1 (to switch 5). */
		CU_ASSERT_EQUAL(net->nodes[0].ports[0].tx_pkts, 0);
		CU_ASSERT_EQUAL(net->nodes[0].ports[1].tx_pkts, 10);
		const struct sim_flow *f = sim_flows(sc.sim, &nf);
		CU_ASSERT_EQUAL(f[2].delivered_ps, 2 * (SER_DATA + PROP) + 9 * SER_DATA);
		CU_ASSERT_EQUAL(f[0].ideal_fct_ps, 4 * (SER_DATA + PROP) + 9 * SER_DATA +
							   4 * (SER_ACK + PROP));
		scen_close(&sc);
	}
}

/* Receive matching under load: 300 messages with distinct tags; receives for
 * even tags are posted before the sends, odd ones after everything arrived.
 * Every callback fires once, with its own tag, and no key stays behind. */
static int fired[300];
static void count_fire(struct sim *s, void *arg)
{
	(void)s;
	fired[(intptr_t)arg]++;
}
static void test_api_matching_many_tags_leaves_no_entries(void)
{
	struct scen sc;
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc,
		"topology: {kind: switch, hosts: 3}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1B}]}\n", NULL, NULL), 0);
	struct sim *s = sc.sim;
	memset(fired, 0, sizeof(fired));
	for (intptr_t i = 0; i < 300; i += 2)
		CU_ASSERT_EQUAL(sim_recv(s, (uint32_t)(i % 2), 2, 100, (uint64_t)i * 7919, count_fire,
					 (void *)i), 0);
	for (intptr_t i = 0; i < 300; i++)
		CU_ASSERT_EQUAL(sim_send(s, (uint32_t)(i % 2), 2, 100, (uint64_t)i * 7919, NULL, NULL), 0);
	CU_ASSERT_EQUAL(sim_run(s), 0);
	CU_ASSERT_EQUAL(sim_pending_matches(s), 150);   /* odd tags wait */
	for (intptr_t i = 1; i < 300; i += 2)
		CU_ASSERT_EQUAL(sim_recv(s, (uint32_t)(i % 2), 2, 100, (uint64_t)i * 7919, count_fire,
					 (void *)i), 0);
	CU_ASSERT_EQUAL(sim_run(s), 0);
	for (int i = 0; i < 300; i++)
		CU_ASSERT_EQUAL(fired[i], 1);
	CU_ASSERT_EQUAL(sim_pending_matches(s), 0);
	scen_close(&sc);
}

static const struct unit_test scenario_tests[] = {
	{ "one_flow_two_hops_exact", test_one_flow_two_hops_exact },
	{ "one_flow_three_hops_ns3_file_exact", test_one_flow_three_hops_ns3_file_exact },
	{ "one_flow_five_hops_ns3_file_exact", test_one_flow_five_hops_ns3_file_exact },
	{ "bottleneck_in_the_middle_exact", test_bottleneck_in_the_middle_exact },
	{ "partial_last_packet_exact", test_partial_last_packet_exact },
	{ "two_flows_share_an_egress_fairly", test_two_flows_share_an_egress_fairly },
	{ "ack_every_n_counts", test_ack_every_n_counts },
	{ "tail_drop_recovers_and_conserves", test_tail_drop_recovers_and_conserves },
	{ "lossy_link_recovers", test_lossy_link_recovers },
	{ "ecmp_uses_both_paths_and_depends_on_seed", test_ecmp_uses_both_paths_and_depends_on_seed },
	{ "api_recv_matching_by_tag_and_late_post", test_api_recv_matching_by_tag_and_late_post },
	{ "two_sims_in_one_process", test_two_sims_in_one_process },
	{ "conservation_mid_run", test_conservation_mid_run },
	{ "rto_fires_on_time_for_every_qp", test_rto_fires_on_time_for_every_qp },
	{ "coalesced_acks_with_spurious_rto_still_complete",
	  test_coalesced_acks_with_spurious_rto_still_complete },
	{ "no_rto_without_data_in_flight", test_no_rto_without_data_in_flight },
	{ "nic_serves_classes_by_strict_priority", test_nic_serves_classes_by_strict_priority },
	{ "multihomed_host_does_not_forward", test_multihomed_host_does_not_forward },
	{ "api_matching_many_tags_leaves_no_entries", test_api_matching_many_tags_leaves_no_entries },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "scenario", scenario_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
