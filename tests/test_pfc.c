/*
 * tests/test_pfc.c - priority flow control: lossless incast, the headroom
 * bound, pause quanta and refresh, configuration errors.
 *
 * 100 Gb/s, 1 us links, MTU 1000: a data frame is 1062 B (84,960 ps), the
 * default headroom per port is 2 x 12,500 B (bandwidth-delay product each
 * way) + 2 x 1062 B + 64 B = 27,188 B.
 */
#include "tests/scenario.h"
#include "tests/unit_main.h"

#include "net/net.h"
#include "frontend/trace_read.h"

static void incast_yaml(char *buf, size_t n, int senders, const char *fabric, const char *size)
{
	int len = snprintf(buf, n, "topology: {kind: switch, hosts: %d}\nfabric: %s\n"
				   "workload:\n  flows:\n", senders + 1, fabric);
	for (int i = 1; i <= senders; i++)
		len += snprintf(buf + len, n - (size_t)len, "    - {src: %d, dst: 0, size: %s}\n", i,
				size);
}

static void run(struct scen *sc, const char *yaml)
{
	int rc = scen_open(sc, yaml, NULL, NULL);
	if (rc)
		fprintf(stderr, "\n  %s\n", sc->err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(sc), 0);
	char err[256];
	CU_ASSERT_EQUAL(sim_check_conservation(sc->sim, err, sizeof(err)), 0);
}

/* 8:1 incast of 1 MB each into a 1 MB buffer (9 ports x 27,188 B of it are
 * headroom). Without PFC the buffer overflows; with it nothing is lost, the
 * bottleneck never idles (so the last completion is exact, below), and every
 * PFC frame sent is received. */
static void test_pfc_makes_incast_lossless(void)
{
	char y[4096];
	struct scen sc;
	incast_yaml(y, sizeof(y), 8, "{buffer: 1MB}", "1MB");
	run(&sc, y);
	CU_ASSERT_TRUE(sim_net(sc.sim)->ctr.drops[NET_DROP_BUFFER] > 0);
	scen_close(&sc);

	incast_yaml(y, sizeof(y), 8, "{buffer: 1MB, pfc: {enabled: true}}", "1MB");
	run(&sc, y);
	const struct net *net = sim_net(sc.sim);
	CU_ASSERT_EQUAL(net->ctr.drops_total, 0);
	CU_ASSERT_TRUE(net->ctr.pfc_pauses > 0);
	CU_ASSERT_EQUAL(net->ctr.pfc_rx, net->ctr.pfc_pauses + net->ctr.pfc_resumes);
	CU_ASSERT_TRUE(net->nodes[9].buf_max <= 1000000);
	size_t nf;
	const struct sim_flow *f = sim_flows(sc.sim, &nf);
	uint64_t last = 0;
	for (size_t i = 0; i < nf; i++) {
		CU_ASSERT_NOT_EQUAL_FATAL(f[i].fct_ps, NET_TIME_NEVER);
		if (f[i].fct_ps > last)
			last = f[i].fct_ps;
	}
	/* First frame to the switch, 8,000 frames back to back out of it, the
	 * last one's propagation, its ACK's two hops: exact, since pausing the
	 * senders never lets the bottleneck idle. */
	CU_ASSERT_EQUAL(last, 84960 + 1000000 + 8000ull * 84960 + 1000000 + 2 * (5280 + 1000000));
	/* Senders were paused for a while, and never longer than the run. */
	for (uint32_t h = 1; h <= 8; h++) {
		CU_ASSERT_TRUE(net->nodes[h].ports[0].paused_ps > 0);
		CU_ASSERT_TRUE(net->nodes[h].ports[0].paused_ps <= sim_now(sc.sim));
		CU_ASSERT_EQUAL(net->nodes[h].ports[0].paused, 0);
	}
	scen_close(&sc);
}

/* The headroom bound: with a static XOFF threshold X, an ingress never holds
 * more than X + headroom (27,188 B here), however hard it is pushed. */
static void test_static_threshold_bounded_by_headroom(void)
{
	char y[4096];
	struct scen sc;
	incast_yaml(y, sizeof(y), 4, "{pfc: {threshold: static, xoff: 20KB}}", "2MB");
	run(&sc, y);
	const struct net *net = sim_net(sc.sim);
	const struct net_node *sw = &net->nodes[5];
	CU_ASSERT_EQUAL(sw->ports[1].headroom_bytes, 27188);
	for (uint32_t p = 1; p <= 4; p++) {
		CU_ASSERT_TRUE(sw->ports[p].in_max_bytes >= 20000);
		CU_ASSERT_TRUE(sw->ports[p].in_max_bytes <= 20000 + 27188);
	}
	CU_ASSERT_EQUAL(net->ctr.drops_total, 0);
	scen_close(&sc);
}

/* Pause quanta: 100 quanta = 100 x 512 bits = 512 ns at 100 Gb/s. The
 * switch must refresh its PAUSE every 256 ns while congested, so it sends
 * many more frames than with the maximum 65,535 quanta (335 us), and the
 * fabric stays lossless either way. */
static void test_short_quanta_are_refreshed(void)
{
	char y[4096];
	struct scen sc;
	incast_yaml(y, sizeof(y), 4, "{buffer: 200KB, pfc: {quanta: 65535}}", "1MB");
	run(&sc, y);
	uint64_t long_q = sim_net(sc.sim)->ctr.pfc_pauses;
	CU_ASSERT_EQUAL(sim_net(sc.sim)->ctr.drops_total, 0);
	scen_close(&sc);
	incast_yaml(y, sizeof(y), 4, "{buffer: 200KB, pfc: {quanta: 100}}", "1MB");
	run(&sc, y);
	CU_ASSERT_EQUAL(sim_net(sc.sim)->ctr.drops_total, 0);
	CU_ASSERT_TRUE(sim_net(sc.sim)->ctr.pfc_pauses > 4 * long_q);
	scen_close(&sc);
}

/* PFC frames are real: 64 B at the highest priority on the reverse link,
 * counted as packet hops and in conservation, and the lone flow that never
 * queues causes none. */
static void test_no_pause_without_congestion(void)
{
	struct scen sc;
	run(&sc, "topology: {kind: switch, hosts: 2}\nfabric: {pfc: {enabled: true}}\n"
		 "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n");
	CU_ASSERT_EQUAL(sim_net(sc.sim)->ctr.pfc_pauses, 0);
	CU_ASSERT_EQUAL(sim_net(sc.sim)->ctr.pfc_rx, 0);
	scen_close(&sc);
}

/* Cyclic buffer dependency: five switches in a ring, each host sending two
 * hops clockwise with a small static threshold. Every inter-switch link gets
 * two line-rate flows, every switch pauses its ring predecessor, and the
 * pauses form the cycle 5 -> 6 -> 7 -> 8 -> 9 -> 5 that never clears. */
static const char ring5[] =
	"10 5 10\n5 6 7 8 9\n"
	"0 5 100Gbps 1us 0\n1 6 100Gbps 1us 0\n2 7 100Gbps 1us 0\n3 8 100Gbps 1us 0\n"
	"4 9 100Gbps 1us 0\n5 6 100Gbps 1us 0\n6 7 100Gbps 1us 0\n7 8 100Gbps 1us 0\n"
	"8 9 100Gbps 1us 0\n9 5 100Gbps 1us 0\n";
static const char ring5_flows[] =
	"workload:\n  flows:\n"
	"    - {src: 0, dst: 2, size: 10MB}\n    - {src: 1, dst: 3, size: 10MB}\n"
	"    - {src: 2, dst: 4, size: 10MB}\n    - {src: 3, dst: 0, size: 10MB}\n"
	"    - {src: 4, dst: 1, size: 10MB}\n";

static void test_deadlock_detected_and_stops_the_run(void)
{
	struct scen sc;
	char y[2048];
	const char *files[] = { "ring.txt", ring5, NULL };
	snprintf(y, sizeof(y), "topology: {ns3: ring.txt}\n"
			       "fabric: {pfc: {threshold: static, xoff: 20KB, deadlock_timeout: 100us}}\n%s",
		 ring5_flows);
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, y, files, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(sim_post_workload(sc.sim), 0);
	CU_ASSERT_EQUAL(sim_run(sc.sim), NET_ERR_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(sim_errmsg(sc.sim), "PFC deadlock: nodes 5 -> 6 -> 7 -> 8 -> 9 -> 5"));
	const struct net_deadlock *d = &sim_net(sc.sim)->deadlock;
	CU_ASSERT_TRUE(d->found);
	CU_ASSERT_EQUAL(d->cls, 3);
	CU_ASSERT_EQUAL(d->nnodes, 5);
	/* Reported once the cycle had lasted the timeout (checks every 25 us). */
	CU_ASSERT_TRUE(d->detected_ps - d->since_ps >= 100000000ull);
	CU_ASSERT_TRUE(d->detected_ps - d->since_ps < 125000000ull);
	scen_close(&sc);
}

/* Observing a deadlock to stop_time: the only traffic left is PAUSE refresh.
 * 10 ingresses are paused (5 from hosts, 5 from the ring), each sending its
 * XOFF in the first 9 us and refreshing every half pause (65,535 quanta at
 * 100 Gb/s = 335,539,200 ps, half 167,769,600 ps): 11 refreshes before 2 ms,
 * 12 frames each, 120 in all, no RESUME. */
static void test_deadlock_observed_until_stop_time(void)
{
	struct scen sc;
	char y[2048];
	const char *files[] = { "ring.txt", ring5, NULL };
	snprintf(y, sizeof(y), "stop_time: 2ms\ntopology: {ns3: ring.txt}\n"
			       "fabric: {pfc: {threshold: static, xoff: 20KB, deadlock_timeout: 100us,"
			       " deadlock_stop: false}}\n%s", ring5_flows);
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, y, files, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(&sc), 0);
	const struct net *net = sim_net(sc.sim);
	CU_ASSERT_EQUAL(sim_now(sc.sim), 2000000000ull);
	CU_ASSERT_TRUE(net->deadlock.found);
	CU_ASSERT_EQUAL(net->ctr.pfc_pauses, 120);
	CU_ASSERT_EQUAL(net->ctr.pfc_resumes, 0);
	/* Hosts have been paused since their switch's first XOFF reached them. */
	for (uint32_t h = 0; h < 5; h++) {
		uint64_t paused = net_port_paused_ps(&net->nodes[h].ports[0], sim_now(sc.sim));
		CU_ASSERT_TRUE(paused > 1990000000ull && paused < 2000000000ull);
	}
	size_t nf;
	const struct sim_flow *f = sim_flows(sc.sim, &nf);
	for (size_t i = 0; i < nf; i++)
		CU_ASSERT_EQUAL(f[i].fct_ps, NET_TIME_NEVER);
	scen_close(&sc);
}

/* The victim flow (examples/lossless/victim-*.yaml): hosts 0-2 send to
 * host 4, host 3 sends to host 5; all four share a 400 Gb/s trunk, only the
 * incast crosses the hot port to host 4. The victim's fair share is its own
 * line rate: 100 Gb/s x 1000/1062 = 94.16 Gb/s of payload. Its goodput is
 * measured over 400..1400 us, after the start-up transient. */
static const char victim_topo[] =
	"8 2 7\n6 7\n0 6 100Gbps 1us 0\n1 6 100Gbps 1us 0\n2 6 100Gbps 1us 0\n"
	"3 6 100Gbps 1us 0\n6 7 400Gbps 1us 0\n4 7 100Gbps 1us 0\n5 7 100Gbps 1us 0\n";

static double victim_goodput_gbps(const char *cc, uint64_t *pauses)
{
	struct scen sc;
	char y[1024];
	const char *files[] = { "topo.txt", victim_topo, NULL };
	snprintf(y, sizeof(y), "topology: {ns3: topo.txt}\n"
			       "fabric: {buffer: 4MB, pfc: {enabled: true}, cc: %s}\n"
			       "workload:\n  flows:\n"
			       "    - {src: 0, dst: 4, size: 20MB}\n    - {src: 1, dst: 4, size: 20MB}\n"
			       "    - {src: 2, dst: 4, size: 20MB}\n    - {src: 3, dst: 5, size: 20MB}\n",
		 cc);
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, y, files, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(sim_post_workload(sc.sim), 0);
	const struct tp *tp = sim_tp(sc.sim);
	sim_run_until(sc.sim, 400000000ull);
	uint64_t b0 = tp->qps[3]->rcv_nxt;
	sim_run_until(sc.sim, 1400000000ull);
	uint64_t b1 = tp->qps[3]->rcv_nxt;
	CU_ASSERT_EQUAL(sim_run(sc.sim), 0);
	CU_ASSERT_EQUAL(sim_net(sc.sim)->ctr.drops_total, 0);
	*pauses = sim_net(sc.sim)->ctr.pfc_pauses;
	scen_close(&sc);
	return (double)(b1 - b0) * 8 / 1e-3 / 1e9;
}

static void test_victim_flow_blocked_by_pfc_recovers_with_dcqcn(void)
{
	uint64_t p_pfc, p_dcqcn;
	double fair = 100.0 * 1000 / 1062;
	double g_pfc = victim_goodput_gbps("none", &p_pfc);
	double g_dcqcn = victim_goodput_gbps("{algorithm: dcqcn, preset: paper}", &p_dcqcn);
	printf("\n    victim goodput 400-1400 us: PFC only %.2f Gb/s (%llu pauses), "
	       "DCQCN %.2f Gb/s (%llu pauses), fair share %.2f Gb/s\n",
	       g_pfc, (unsigned long long)p_pfc, g_dcqcn, (unsigned long long)p_dcqcn, fair);
	CU_ASSERT_TRUE(p_pfc > 0);
	CU_ASSERT_TRUE(g_pfc < 0.5 * fair);
	CU_ASSERT_TRUE(g_dcqcn >= 0.9 * fair && g_dcqcn <= fair * 1.0001);
}

/* Regression (review B1): with DCQCN's byte counter changing a rate from
 * inside the NIC's choice of packet, the port was re-entered and started two
 * frames at once. The invariant checked on the whole trace: a port never
 * starts a frame before the previous one is serialized (100 Gb/s: 80 ps
 * per byte). */
static void test_port_never_starts_two_frames_at_once(void)
{
	struct scen sc;
	char y[1024], tr[128];
	snprintf(tr, sizeof(tr), "/tmp/pktsim-b1-%d.trace.gz", (int)getpid());
	snprintf(y, sizeof(y), "topology: {kind: switch, hosts: 5}\n"
			       "fabric: {pfc: {enabled: true}, cc: {algorithm: dcqcn, preset: paper,"
			       " byte_counter: 100KB}}\n"
			       "workload:\n  flows:\n"
			       "    - {src: 1, dst: 0, size: 2MB}\n    - {src: 2, dst: 0, size: 2MB}\n"
			       "    - {src: 3, dst: 0, size: 2MB}\n"
			       "    - {src: 1, dst: 4, size: 4MB, prio: 1}\n"
			       "output: {trace: {file: %s, kinds: [tx]}}\n", tr);
	run(&sc, y);
	scen_close(&sc);
	struct fe_trace_reader *r;
	char err[256];
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(tr, &r, err, sizeof(err)), 0);
	static uint64_t free_at[64][8];
	memset(free_at, 0, sizeof(free_at));
	struct fe_trace_rec rec;
	uint64_t n = 0, overlaps = 0;
	while (fe_trace_reader_next_rec(r, &rec) == 1) {
		if (rec.kind != NET_TR_TX || rec.node >= 64 || rec.port >= 8)
			continue;
		if (rec.t_ps < free_at[rec.node][rec.port])
			overlaps++;
		free_at[rec.node][rec.port] = rec.t_ps + (uint64_t)rec.wire_bytes * 80;
		n++;
	}
	fe_trace_reader_close(r);
	remove(tr);
	CU_ASSERT_TRUE(n > 20000);
	CU_ASSERT_EQUAL(overlaps, 0);
}

/* Regression (review B2): an ingress whose threshold fell below the resume
 * offset (here a buffer barely above the headroom: free shared buffer
 * ~ 0) was never resumed, and the run never ended. An empty ingress always
 * resumes, so every flow completes. */
static void test_empty_ingress_always_resumes(void)
{
	char y[4096];
	struct scen sc;
	/* 9 ports x 27,188 B of headroom = 244,692 B: 250 KB leaves ~5 KB. */
	incast_yaml(y, sizeof(y), 8, "{buffer: 250KB, pfc: {enabled: true}}", "200KB");
	run(&sc, y);
	size_t nf;
	const struct sim_flow *f = sim_flows(sc.sim, &nf);
	for (size_t i = 0; i < nf; i++)
		CU_ASSERT_NOT_EQUAL(f[i].fct_ps, NET_TIME_NEVER);
	CU_ASSERT_EQUAL(sim_net(sc.sim)->ctr.drops_total, 0);
	scen_close(&sc);
}

/* Regression (review B3/B4): a trunk paused in both directions that keeps
 * flickering XOFF/XON is congestion, not deadlock: no report, the run
 * completes, and its end is the last completion, not a stale detector
 * event. Two switches, 4 hosts each, 4:1 incast across a 200 Gb/s trunk in
 * both directions. */
static void test_flickering_pauses_are_not_a_deadlock(void)
{
	struct scen sc;
	const char *files[] = { "topo.txt",
				"10 2 9\n8 9\n0 8 100Gbps 1us 0\n1 8 100Gbps 1us 0\n2 8 100Gbps 1us 0\n"
				"3 8 100Gbps 1us 0\n4 9 100Gbps 1us 0\n5 9 100Gbps 1us 0\n"
				"6 9 100Gbps 1us 0\n7 9 100Gbps 1us 0\n8 9 200Gbps 1us 0\n",
				NULL };
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc,
		"topology: {ns3: topo.txt}\n"
		"fabric: {buffer: 500KB, pfc: {enabled: true, deadlock_timeout: 1ms}}\n"
		"workload:\n  flows:\n"
		"    - {src: 0, dst: 4, size: 5MB}\n    - {src: 1, dst: 4, size: 5MB}\n"
		"    - {src: 2, dst: 4, size: 5MB}\n    - {src: 3, dst: 4, size: 5MB}\n"
		"    - {src: 4, dst: 0, size: 5MB}\n    - {src: 5, dst: 0, size: 5MB}\n"
		"    - {src: 6, dst: 0, size: 5MB}\n    - {src: 7, dst: 0, size: 5MB}\n",
		files, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(&sc), 0);
	const struct net *net = sim_net(sc.sim);
	CU_ASSERT_FALSE(net->deadlock.found);
	CU_ASSERT_TRUE(net->ctr.pfc_resumes > 0);
	size_t nf;
	const struct sim_flow *f = sim_flows(sc.sim, &nf);
	uint64_t last = 0;
	for (size_t i = 0; i < nf; i++)
		if (f[i].start_ps + f[i].fct_ps > last)
			last = f[i].start_ps + f[i].fct_ps;
	CU_ASSERT_EQUAL(sim_now(sc.sim), last);
	scen_close(&sc);
}

/* Configurations PFC cannot honour are refused with the reason. */
static void test_unworkable_pfc_configs_are_errors(void)
{
	struct scen sc;
	/* 9 ports of 27,188 B headroom exceed a 200 KB buffer. */
	char y[4096];
	incast_yaml(y, sizeof(y), 8, "{buffer: 200KB, pfc: {enabled: true}}", "1MB");
	CU_ASSERT_NOT_EQUAL(scen_open(&sc, y, NULL, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.err, "does not exceed the PFC headroom"));
	scen_close(&sc);
	/* A pause shorter than two 1062 B frames + a PAUSE: 36 quanta at least. */
	incast_yaml(y, sizeof(y), 2, "{pfc: {quanta: 35}}", "1MB");
	CU_ASSERT_NOT_EQUAL(scen_open(&sc, y, NULL, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.err, "at least 36 quanta"));
	scen_close(&sc);
	incast_yaml(y, sizeof(y), 2, "{pfc: {quanta: 36}}", "1MB");
	CU_ASSERT_EQUAL(scen_open(&sc, y, NULL, NULL), 0);
	scen_close(&sc);
	incast_yaml(y, sizeof(y), 2, "{pfc: {threshold: static, xoff: 2KB}}", "1MB");
	CU_ASSERT_NOT_EQUAL(scen_open(&sc, y, NULL, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.err, "must exceed resume_offset"));
	scen_close(&sc);
	incast_yaml(y, sizeof(y), 2, "{pfc: {deadlock_timeout: 3ps}}", "1MB");
	CU_ASSERT_NOT_EQUAL(scen_open(&sc, y, NULL, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.err, "must be 0 (off) or at least 1us"));
	scen_close(&sc);
}

/* The lossless-fabric acceptance scenario: 8:1 incast at 100 Gb/s, 10 MB
 * flows, DCQCN (paper preset, default ECN thresholds) with PFC, on a
 * shallow 1 MB shared buffer. PFC then caps the start-up overshoot near
 * 560 KB (with a 32 MiB buffer it grows to 4 MB and DCQCN over-reacts while
 * it drains: doc/design.md), so: no drops, every flow completes, Jain
 * fairness of per-flow throughput over the middle 80% of the run >= 0.99,
 * bottleneck utilization while all 8 are active >= 95%; the report's max and
 * median queue and PAUSE count are printed. */
static void test_incast_dcqcn_pfc_fair_and_efficient(void)
{
	struct scen sc;
	char y[4096];
	incast_yaml(y, sizeof(y), 8, "{buffer: 1MB, pfc: {enabled: true}, "
				     "cc: {algorithm: dcqcn, preset: paper}}", "10MB");
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, y, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(sim_post_workload(sc.sim), 0);
	const struct tp *tp = sim_tp(sc.sim);
	const struct net *net = sim_net(sc.sim);
	const struct net_port *bott = &net->nodes[9].ports[0];
	enum { MAXS = 4000 };
	static uint64_t rx[MAXS][8], txb[MAXS];
	uint64_t step = 5000000, t = 0;        /* 5 us samples */
	int ns = 0, first_done = -1;
	for (;;) {
		t += step;
		sim_run_until(sc.sim, t);
		CU_ASSERT_FATAL(ns < MAXS);
		int done = 0, all = 1;
		for (int i = 0; i < 8; i++) {
			rx[ns][i] = tp->qps[i]->rcv_nxt;
			done |= tp->qps[i]->done_ps != NET_TIME_NEVER;
			all &= tp->qps[i]->done_ps != NET_TIME_NEVER;
		}
		txb[ns++] = bott->tx_bytes;
		if (done && first_done < 0)
			first_done = ns - 1;
		if (all)
			break;
	}
	CU_ASSERT_EQUAL_FATAL(sim_run(sc.sim), 0);
	CU_ASSERT_EQUAL(net->ctr.drops_total, 0);
	/* Middle 80% of the run (samples 10%..90% of the last completion). */
	int a = ns / 10, b = ns * 9 / 10;
	double sum = 0, sum2 = 0;
	for (int i = 0; i < 8; i++) {
		double thr = (double)(rx[b][i] - rx[a][i]);
		sum += thr;
		sum2 += thr * thr;
	}
	double jain = sum * sum / (8 * sum2);
	/* While all 8 are active: from the first sample to the first completion. */
	double util = (double)(txb[first_done] - txb[0]) * 8 /
		      ((double)((uint64_t)first_done * step) * 1e-12 * 100e9);
	printf("\n    8:1 DCQCN+PFC, 1 MB buffer: Jain %.4f over the middle 80%%, utilization %.3f "
	       "while all active, max queue %llu B, median %llu B, %llu PAUSE frames",
	       jain, util, (unsigned long long)bott->max_queue_bytes,
	       (unsigned long long)net_qhist_percentile(bott, 0.5, sim_now(sc.sim)),
	       (unsigned long long)net->ctr.pfc_pauses);
	CU_ASSERT_TRUE(jain >= 0.99);
	CU_ASSERT_TRUE(util >= 0.95);
	CU_ASSERT_TRUE(net->ctr.pfc_pauses > 0);
	scen_close(&sc);
}

static const struct unit_test pfc_tests[] = {
	{ "pfc_makes_incast_lossless", test_pfc_makes_incast_lossless },
	{ "static_threshold_bounded_by_headroom", test_static_threshold_bounded_by_headroom },
	{ "short_quanta_are_refreshed", test_short_quanta_are_refreshed },
	{ "no_pause_without_congestion", test_no_pause_without_congestion },
	{ "deadlock_detected_and_stops_the_run", test_deadlock_detected_and_stops_the_run },
	{ "deadlock_observed_until_stop_time", test_deadlock_observed_until_stop_time },
	{ "victim_flow_blocked_by_pfc_recovers_with_dcqcn",
	  test_victim_flow_blocked_by_pfc_recovers_with_dcqcn },
	{ "port_never_starts_two_frames_at_once", test_port_never_starts_two_frames_at_once },
	{ "empty_ingress_always_resumes", test_empty_ingress_always_resumes },
	{ "flickering_pauses_are_not_a_deadlock", test_flickering_pauses_are_not_a_deadlock },
	{ "unworkable_pfc_configs_are_errors", test_unworkable_pfc_configs_are_errors },
	{ "incast_dcqcn_pfc_fair_and_efficient", test_incast_dcqcn_pfc_fair_and_efficient },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "pfc", pfc_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
