/*
 * tests/test_coll_run.c - collectives at packet level against the
 * analytical models, on idle fabrics.
 *
 * Ring of 8 at 50 GB/s (ASTRA-sim's GB: 2^30 B, so 50GiB/s here) and 500 ns;
 * MTU 4096. On an idle fabric with no header overhead the packet-level ring
 * differs from ASTRA-sim's congestion-unaware model only by store-and-
 * forward of the first packet at extra hops and the floor() of each message
 * (well under 1%); RoCEv2 headers (62 B per 4096 B packet) stretch every
 * serialization by 62/4096 = 1.514%.
 */
#include "tests/scenario.h"
#include "tests/unit_main.h"

#include "frontend/coll_run.h"
#include "frontend/trace_read.h"
#include "collectives/coll.h"
#include "net/trace.h"

#include <unistd.h>

static const struct fe_coll_result *run_coll(struct scen *sc, const char *topo, const char *fabric,
					     const char *coll)
{
	char y[1024];
	snprintf(y, sizeof(y), "topology: %s\nfabric: %s\nworkload:\n  collectives:\n    - %s\n", topo,
		 fabric, coll);
	int rc = scen_open(sc, y, NULL, NULL);
	if (rc)
		fprintf(stderr, "\n  %s\n", sc->err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(sc), 0);
	size_t n;
	struct fe_coll_run *const *cr = sim_colls(sc->sim, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	const struct fe_coll_result *r = fe_coll_result(cr[0]);
	CU_ASSERT_NOT_EQUAL_FATAL(r->time_ps, NET_TIME_NEVER);
	return r;
}

/* ASTRA-sim's own example, on a real ring: the model gives 64,440 ns from
 * the topology's links, and the packet level lands within 0.1%. */
static void test_astra_example_on_a_ring(void)
{
	struct scen sc;
	const struct fe_coll_result *r = run_coll(&sc,
		"{kind: ring, hosts: 8, link: {rate: 50GiB/s, delay: 500ns}}",
		"{mtu: 4096B, headers: {data: 0B}}",
		"{op: all-reduce, size: 1MiB, chunks: 4, endpoint_delay: 10ns, local_mem_bw: 1600GB/s}");
	CU_ASSERT_EQUAL(r->astra_unaware_ps, 64440000ull);
	CU_ASSERT_DOUBLE_EQUAL((double)r->time_ps / (double)r->astra_unaware_ps, 1.0, 0.001);
	/* Neighbours only, one hop each: nothing to queue for. */
	CU_ASSERT_EQUAL(r->astra_aware_ps, 64440000ull);
	/* The whole difference is packetization: a 32 KiB message is 8 packets
	 * of 4096 B at 76,294 ps (76.2939 ns rounded to the ps) plus 500 ns,
	 * 1,110.352 ns where the model floors 1,110.35 to 1,110: 352 ps on each
	 * of the 56 messages on the critical path (4 chunks x 14 steps). With
	 * no header and nothing else on the fabric, contention is exactly 0:
	 * the executor runs the DAG exactly as the model reads it. */
	CU_ASSERT_EQUAL(r->wire_model_ps, r->astra_unaware_ps);
	CU_ASSERT_EQUAL(r->idle_ps - r->astra_unaware_ps, 56 * 352ull);
	CU_ASSERT_EQUAL(r->time_ps, r->idle_ps);
	scen_close(&sc);
}

static const char *const ring_ar = "{op: all-reduce, size: 64MiB, algorithm: ring, discipline: astra}";

static void ratio_checks_of(const char *topo, const char *what, const char *bare_fabric,
			    const char *hdr_fabric, const char *coll)
{
	struct scen a, b;
	const struct fe_coll_result *bare = run_coll(&a, topo, bare_fabric, coll);
	const struct fe_coll_result *hdr = run_coll(&b, topo, hdr_fabric, coll);
	double err = (double)bare->time_ps / (double)bare->astra_unaware_ps - 1;
	double extra = (double)hdr->time_ps / (double)bare->time_ps - 1;
	printf("\n    %s: packet %.3f us vs astra %.3f us (%+.3f%%); with headers %+.3f%% "
	       "(62/4096 = %.3f%%)", what, (double)bare->time_ps / 1e6,
	       (double)bare->astra_unaware_ps / 1e6, 100 * err, 100 * extra, 100.0 * 62 / 4096);
	CU_ASSERT_TRUE(err >= 0 && err < 0.01);
	CU_ASSERT_DOUBLE_EQUAL(extra, 62.0 / 4096, 0.005);
	scen_close(&a);
	scen_close(&b);
}

static void ratio_checks(const char *topo, const char *what, const char *bare_fabric,
			 const char *hdr_fabric)
{
	ratio_checks_of(topo, what, bare_fabric, hdr_fabric, ring_ar);
}

static void test_ring8_matches_astra_and_header_ratio(void)
{
	ratio_checks("{kind: ring, hosts: 8, link: {rate: 50GiB/s, delay: 500ns}}", "ring 8",
		     "{mtu: 4096B, headers: {data: 0B}}", "{mtu: 4096B}");
}

/*
 * Through one switch, the egress port towards host i carries rank i-1's
 * data to i and also rank i+1's ACKs back to i: per 4096 B data packet one
 * 66 B ACK, so the ring runs 66/4096 = 1.611% slower than the model, which
 * has no ACKs. On a real ring the ACKs ride the opposite direction of the
 * link and cost nothing. With one ACK per 64 packets the share is 0.025%.
 */
static const char *const switch16 = "{kind: switch, hosts: 16, link: {rate: 50GiB/s, delay: 500ns}}";

static void test_switch16_matches_astra_and_header_ratio(void)
{
	ratio_checks(switch16, "switch 16", "{mtu: 4096B, ack_every: 64, headers: {data: 0B}}",
		     "{mtu: 4096B, ack_every: 64}");
}

/* Halving-doubling through a switch: each step is a pairwise exchange, so
 * no port carries two messages and the model holds; partners' ACKs share
 * the egress as on the ring. */
static void test_hd_switch16_matches_astra(void)
{
	ratio_checks_of(switch16, "halving-doubling, switch 16",
			"{mtu: 4096B, ack_every: 64, headers: {data: 0B}}", "{mtu: 4096B, ack_every: 64}",
			"{op: all-reduce, size: 64MiB, algorithm: halving-doubling}");
}

/*
 * [Ring 4, Switch 8], 50 GiB/s and 500 ns per link, 32 NPUs: the all-reduce
 * of 64 MiB decomposes into a reduce-scatter on the rings (3 steps of 16 MiB:
 * floor(500 + 312,500) + 10 = 313,010 ns each), an all-reduce on the
 * switches of the 16 MiB each rank keeps (14 steps of 2 MiB through 2 hops:
 * floor(1,000 + 39,062.5) + 10 = 40,072 ns each) and an all-gather on the
 * rings: 2 x 939,030 + 561,008 + 10 = 2,439,078 ns.
 */
static const char *const ring4_switch8 =
	"{kind: multi-dim, dims: [{kind: ring, npus: 4, rate: 50GiB/s, delay: 500ns}, "
	"{kind: switch, npus: 8, rate: 50GiB/s, delay: 500ns}]}";

static void test_ring4_switch8_hierarchical_matches_astra(void)
{
	struct scen sc;
	const struct fe_coll_result *r = run_coll(&sc, ring4_switch8,
		"{mtu: 4096B, ack_every: 64, headers: {data: 0B}}", "{op: all-reduce, size: 64MiB}");
	CU_ASSERT_EQUAL(r->ndims, 2);
	CU_ASSERT_EQUAL(r->astra_unaware_ps, 2439078000ull);
	scen_close(&sc);
	ratio_checks_of(ring4_switch8, "[ring 4, switch 8]",
			"{mtu: 4096B, ack_every: 64, headers: {data: 0B}}",
			"{mtu: 4096B, ack_every: 64}", "{op: all-reduce, size: 64MiB}");
}

/*
 * The same in 4 chunks, one server per (NPU, dimension): a dimension runs
 * one chunk's phase at a time, its reduce-scatter and all-gather in the
 * order they asked, as ASTRA-sim's flow shop. Phases take 3 x (78,625 +
 * 10) = 235,905 ns on the ring and 14 x (10,765 + 10) = 150,850 on the
 * switch. The ring serves the four reduce-scatters first (all asked at 0),
 * ending at 943,620; the switch's all-reduces end at 386,755, 622,660,
 * 858,565 and 1,094,470; the ring's all-gathers, queued behind, then run
 * back to back from 943,620: the last ends at 943,620 + 4 x 235,905 =
 * 1,887,240, + 10 = 1,887,250 ns. The packet level follows the same
 * schedule, and as no ring link carries two phases at once, contention is
 * nil.
 */
static void test_ring4_switch8_chunks_flow_shop(void)
{
	struct scen sc;
	const struct fe_coll_result *r = run_coll(&sc, ring4_switch8,
		"{mtu: 4096B, ack_every: 64, headers: {data: 0B}}",
		"{op: all-reduce, size: 64MiB, chunks: 4}");
	CU_ASSERT_EQUAL(r->astra_unaware_ps, 1887250000ull);
	double contention = (double)r->time_ps - (double)r->idle_ps;
	printf("\n    [ring 4, switch 8] x 4 chunks: packet %.3f us, model %.3f us, contention "
	       "%.3f us", r->time_ps / 1e6, r->astra_unaware_ps / 1e6, contention / 1e6);
	CU_ASSERT_DOUBLE_EQUAL((double)r->time_ps / (double)r->astra_unaware_ps, 1.0, 0.01);
	CU_ASSERT_TRUE(contention < 0.001 * (double)r->astra_unaware_ps);
	scen_close(&sc);
}

/* active_chunks: 2 lets each (NPU, dimension) run two chunks' phases at
 * once. The model, with no contention, then halves the schedule: ring
 * reduce-scatters of chunks 0-1 end at 235,905 and 2-3 at 471,810; switch
 * all-reduces at 386,755 and 622,660; the all-gathers wait for the ring
 * (471,810 -> 707,715, then -> 943,620): 943,630 ns. At packet level two
 * chunks on one ring share its links, so it takes about as long as one at
 * a time: the difference is all contention. */
static void test_ring4_switch8_two_active_chunks(void)
{
	struct scen sc;
	const struct fe_coll_result *r = run_coll(&sc, ring4_switch8,
		"{mtu: 4096B, ack_every: 64, headers: {data: 0B}}",
		"{op: all-reduce, size: 64MiB, chunks: 4, active_chunks: 2}");
	CU_ASSERT_EQUAL(r->astra_unaware_ps, 943630000ull);
	double gap = (double)r->time_ps - (double)r->astra_unaware_ps;
	CU_ASSERT_TRUE(gap > 0.5 * (double)r->astra_unaware_ps);
	CU_ASSERT_TRUE((double)r->time_ps - (double)r->idle_ps > 0.99 * gap);
	scen_close(&sc);
}

/* collective_optimization: baseline runs a whole all-reduce of the 64 MiB
 * along each dimension: the ring of 4 in 6 steps of 16 MiB (313,010 ns
 * each), then the switch of 8 in 14 steps of 8 MiB (floor(1,000 +
 * 156,250) + 10 = 157,260 ns each): 1,878,060 + 2,201,640 + 10 = 4,079,710
 * ns, 67% longer than the hierarchical decomposition. */
static void test_ring4_switch8_baseline(void)
{
	struct scen sc;
	const struct fe_coll_result *r = run_coll(&sc, ring4_switch8,
		"{mtu: 4096B, ack_every: 64, headers: {data: 0B}}",
		"{op: all-reduce, size: 64MiB, collective_optimization: baseline}");
	CU_ASSERT_EQUAL(r->astra_unaware_ps, 4079710000ull);
	CU_ASSERT_DOUBLE_EQUAL((double)r->time_ps / (double)r->astra_unaware_ps, 1.0, 0.01);
	scen_close(&sc);
}

/* Reduce-scatter of 64 MiB goes up the dimensions: 3 ring steps of 16 MiB
 * (313,010 ns each) then 7 switch steps of 2 MiB (40,072 ns each):
 * 939,030 + 280,504 + 10 = 1,219,544 ns. The all-gather of 2 MiB per NPU
 * (64 MiB out) is its mirror image, switch first, and takes the same. */
static void test_ring4_switch8_rs_and_ag(void)
{
	static const char *const colls[] = {
		"{op: reduce-scatter, size: 64MiB}", "{op: all-gather, size: 2MiB}" };
	for (int i = 0; i < 2; i++) {
		struct scen sc;
		const struct fe_coll_result *r = run_coll(&sc, ring4_switch8,
			"{mtu: 4096B, ack_every: 64, headers: {data: 0B}}", colls[i]);
		CU_ASSERT_EQUAL(r->ndims, 2);
		CU_ASSERT_EQUAL(r->astra_unaware_ps, 1219544000ull);
		CU_ASSERT_DOUBLE_EQUAL((double)r->time_ps / (double)r->astra_unaware_ps, 1.0, 0.01);
		scen_close(&sc);
	}
}

static void test_switch16_acks_share_the_egress(void)
{
	struct scen a, b;
	const struct fe_coll_result *sparse =
		run_coll(&a, switch16, "{mtu: 4096B, ack_every: 64, headers: {data: 0B}}", ring_ar);
	const struct fe_coll_result *every =
		run_coll(&b, switch16, "{mtu: 4096B, headers: {data: 0B}}", ring_ar);
	double extra = (double)every->time_ps / (double)sparse->time_ps - 1;
	printf("\n    switch 16: ACK per packet %+.3f%% (66/4096 = %.3f%%)", 100 * extra,
	       100.0 * 66 / 4096);
	CU_ASSERT_DOUBLE_EQUAL(extra, 66.0 / 4096 - 66.0 / (64 * 4096), 0.002);
	scen_close(&a);
	scen_close(&b);
}

/*
 * Direct all-reduce of 16 MiB on a 16-host switch: in each of its two phases
 * every NIC sends 15 blocks of 1 MiB (256 packets of 4096 + 62 B) at once,
 * and the egress towards it also carries the ACKs of its own 15 streams
 * (66 B each). The congestion-unaware model prices the 15 as if each were
 * alone (41 us); the NICs serialize them: at least 2 x 15 x 256 x (4158 +
 * 66) B at 50 GiB/s = 604.25 us, plus two phases' worth of latency. The
 * arrivals at each egress sum to exactly the line rate (15 senders, each
 * giving 1/15 of its NIC), so no queue stands and DCQCN, with nothing to
 * mark, changes nothing.
 */
static void test_direct_on_a_switch_is_far_from_the_model(void)
{
	const double B = 50.0 * 1073741824 / 1e12;     /* bytes per ps */
	double lb = 2 * 15 * 256 * (4158.0 + 66) / B;
	for (int dcqcn = 0; dcqcn <= 1; dcqcn++) {
		struct scen sc;
		const struct fe_coll_result *r = run_coll(&sc,
			"{kind: switch, hosts: 16, link: {rate: 50GiB/s, delay: 500ns}}",
			dcqcn ? "{mtu: 4096B, cc: dcqcn, pfc: {enabled: true}}"
			      : "{mtu: 4096B, pfc: {enabled: true}}",
			"{op: all-reduce, size: 16MiB, algorithm: direct}");
		double t = (double)r->time_ps, model = (double)r->astra_unaware_ps;
		printf("\n    direct, dcqcn %s: packet %.3f us, NIC bound %.3f us, model %.3f us "
		       "(%+.0f%%)", dcqcn ? "on" : "off", t / 1e6, lb / 1e6, model / 1e6,
		       100 * (t / model - 1));
		CU_ASSERT_TRUE(t >= lb && t <= lb * 1.005);
		/* Model by hand: a 1 MiB block costs floor(2 x 500 + 19,531.25) =
		 * 20,531 ns; two phases plus three 10 ns endpoint delays. */
		CU_ASSERT_EQUAL(r->astra_unaware_ps, 41092000ull);
		/* The congestion-aware model queues the 15 messages on each uplink
		 * and downlink, whole messages store-and-forward: 20,031 ns a hop;
		 * each phase ends 16 hop times after it starts (15 on the uplink,
		 * one more on the last downlink): 10 + 16 x 20,031 = 320,506, the
		 * all-gather from 320,516 to 641,012, the end 641,022 ns. Closer,
		 * and now above the packet level, which pipelines packets. */
		CU_ASSERT_EQUAL(r->astra_aware_ps, 641022000ull);
		CU_ASSERT_TRUE(t / model > 14);
		/* And the report blames contention for almost all of it. */
		CU_ASSERT_TRUE((t - (double)r->idle_ps) > 0.99 * (t - model));
		CU_ASSERT_EQUAL(sim_tp(sc.sim)->ctr.retransmits, 0);
		scen_close(&sc);
	}
}

/* All-to-all of 16 MiB per rank on the same switch: one phase of the same
 * 15 x 1 MiB per NIC, so half the direct all-reduce: the model gives
 * 10 + 20,531 + 10 = 20,551 ns, the NICs need 302.124 us. */
static void test_all_to_all_on_a_switch(void)
{
	const double B = 50.0 * 1073741824 / 1e12;
	double lb = 15 * 256 * (4158.0 + 66) / B;
	struct scen sc;
	const struct fe_coll_result *r = run_coll(&sc,
		"{kind: switch, hosts: 16, link: {rate: 50GiB/s, delay: 500ns}}", "{mtu: 4096B}",
		"{op: all-to-all, size: 16MiB}");
	CU_ASSERT_EQUAL(r->astra_unaware_ps, 20551000ull);
	CU_ASSERT_TRUE((double)r->time_ps >= lb && (double)r->time_ps <= lb * 1.005);
	/* 16 ranks x 15 blocks of 1 MiB, each delivered once. */
	CU_ASSERT_EQUAL(sim_tp(sc.sim)->ctr.bytes_delivered, 16 * 15 * 1048576ull);
	scen_close(&sc);
}

/* The pipelined discipline on a bidirectional ring: the two chunks of a
 * 64 MiB all-reduce go round in opposite directions at once, each on its
 * own set of links, so the whole takes half the astra discipline's time
 * (which runs them one after another in one direction). ACKs are sparse so that the
 * reverse ring's ACKs do not share the other direction's links. */
static void test_pipelined_ring_uses_both_directions(void)
{
	struct scen a, b;
	const char *topo = "{kind: ring, hosts: 8, link: {rate: 50GiB/s, delay: 500ns}}";
	const char *fab = "{mtu: 4096B, ack_every: 64, headers: {data: 0B}}";
	const struct fe_coll_result *seq =
		run_coll(&a, topo, fab, "{op: all-reduce, size: 64MiB, chunks: 2}");
	const struct fe_coll_result *pip = run_coll(&b, topo, fab,
		"{op: all-reduce, size: 64MiB, chunks: 2, discipline: pipelined}");
	double ratio = (double)pip->time_ps / (double)seq->time_ps;
	printf("\n    pipelined / astra: %.4f", ratio);
	CU_ASSERT_DOUBLE_EQUAL(ratio, 0.5, 0.002);
	/* Nothing shares a link: the run is its idle-fabric DAG but for the
	 * sparse ACKs. */
	CU_ASSERT_TRUE((double)pip->time_ps - (double)pip->idle_ps < 0.001 * (double)pip->time_ps);
	scen_close(&a);
	scen_close(&b);
}

/* Double binary tree through a switch: every message is the whole buffer,
 * 2 (n - 1) of them per chunk, all delivered; a rank with two children
 * takes both sums through its one downlink, which the model does not see,
 * so the packet level is slower and the gap is contention. */
static void test_dbt_on_a_switch(void)
{
	struct scen sc;
	const struct fe_coll_result *r = run_coll(&sc,
		"{kind: switch, hosts: 16, link: {rate: 50GiB/s, delay: 500ns}}", "{mtu: 4096B}",
		"{op: all-reduce, size: 4MiB, algorithm: double-binary-tree, chunks: 2}");
	CU_ASSERT_EQUAL(sim_tp(sc.sim)->ctr.bytes_delivered, 2 * 15 * 4194304ull);
	double gap = (double)r->time_ps - (double)r->astra_unaware_ps;
	CU_ASSERT_TRUE(gap > 0.5 * (double)r->astra_unaware_ps);
	CU_ASSERT_TRUE((double)r->time_ps - (double)r->idle_ps > 0.95 * gap);
	scen_close(&sc);
}

/* Two collectives at once on disjoint halves of a non-blocking switch do
 * not touch each other's ports: each takes exactly as long as alone. */
static void test_disjoint_collectives_run_side_by_side(void)
{
	struct scen sc, lone;
	const char *base = "topology: {kind: switch, hosts: 8}\nfabric: {mtu: 4096B}\n"
			   "workload:\n  collectives:\n";
	char y[1024];
	snprintf(y, sizeof(y), "%s    - {op: all-reduce, size: 8MiB, group: [0, 1, 2, 3]}\n"
		 "    - {op: all-reduce, size: 8MiB, group: [4, 5, 6, 7]}\n", base);
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, y, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(&sc), 0);
	snprintf(y, sizeof(y), "%s    - {op: all-reduce, size: 8MiB, group: [0, 1, 2, 3]}\n", base);
	CU_ASSERT_EQUAL_FATAL(scen_open(&lone, y, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(&lone), 0);
	size_t n, m;
	struct fe_coll_run *const *two = sim_colls(sc.sim, &n);
	struct fe_coll_run *const *one = sim_colls(lone.sim, &m);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	uint64_t t0 = fe_coll_result(two[0])->time_ps, t1 = fe_coll_result(two[1])->time_ps;
	CU_ASSERT_NOT_EQUAL(t0, NET_TIME_NEVER);
	CU_ASSERT_EQUAL(t0, t1);
	CU_ASSERT_EQUAL(t0, fe_coll_result(one[0])->time_ps);
	scen_close(&sc);
	scen_close(&lone);
}

/* The trace brackets each collective: coll_start at its start, coll_end at
 * the time the summary reports, and a node filter does not hide them. Two
 * staggered collectives, the second starting at 10 us. */
static void test_trace_brackets_collectives(void)
{
	struct scen sc;
	char y[1024], tr[128];
	snprintf(tr, sizeof(tr), "/tmp/pktsim-coll-%d.trace.gz", (int)getpid());
	snprintf(y, sizeof(y), "topology: {kind: switch, hosts: 4}\n"
		 "workload:\n  collectives:\n"
		 "    - {op: all-gather, size: 100KB}\n"
		 "    - {op: reduce-scatter, size: 1MB, algorithm: direct, start: 10us, "
		 "group: [0, 2]}\n"
		 "output: {trace: {file: %s, kinds: [coll_start, coll_end, msg_start], "
		 "nodes: [3]}}\n", tr);
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, y, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(&sc), 0);
	size_t n;
	struct fe_coll_run *const *cr = sim_colls(sc.sim, &n);
	uint64_t end0 = fe_coll_result(cr[0])->time_ps, end1 = fe_coll_result(cr[1])->time_ps;
	scen_close(&sc);
	struct fe_trace_reader *r;
	char err[256];
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(tr, &r, err, sizeof(err)), 0);
	struct fe_trace_rec rec;
	int starts = 0, ends = 0, msgs = 0;
	while (fe_trace_reader_next_rec(r, &rec) == 1) {
		if (rec.kind == NET_TR_COLL_START) {
			CU_ASSERT_EQUAL(rec.t_ps, rec.coll ? 10000000ull : 0);
			CU_ASSERT_EQUAL(rec.npus, rec.coll ? 2 : 4);
			CU_ASSERT_EQUAL(rec.op, rec.coll ? COLL_REDUCE_SCATTER : COLL_ALL_GATHER);
			starts++;
		} else if (rec.kind == NET_TR_COLL_END) {
			CU_ASSERT_EQUAL(rec.t_ps, rec.coll ? 10000000ull + end1 : end0);
			CU_ASSERT_EQUAL(rec.algo, rec.coll ? COLL_DIRECT : COLL_RING);
			CU_ASSERT_EQUAL(rec.bytes, rec.coll ? 1000000 : 100000);
			ends++;
		} else if (rec.kind == NET_TR_MSG_START) {
			CU_ASSERT_EQUAL(rec.node, 3);
			msgs++;
		}
	}
	fe_trace_reader_close(r);
	remove(tr);
	CU_ASSERT_EQUAL(starts, 2);
	CU_ASSERT_EQUAL(ends, 2);
	/* Host 3 sends 3 all-gather messages (ring of 4) and none of the other. */
	CU_ASSERT_EQUAL(msgs, 3);
}

/* A collective over part of the hosts, next to nothing else, completes,
 * and every message goes where the DAG says: 2 (n - 1) n messages. */
static void test_group_subset(void)
{
	struct scen sc;
	const struct fe_coll_result *r = run_coll(&sc, "{kind: switch, hosts: 8}", "{mtu: 1000B}",
		"{op: all-gather, size: 100KB, group: [1, 3, 5, 7]}");
	CU_ASSERT_EQUAL(r->npus, 4);
	/* 3 steps x 4 ranks x 100 KB, all delivered. */
	CU_ASSERT_EQUAL(sim_tp(sc.sim)->ctr.bytes_delivered, 3 * 4 * 100000ull);
	scen_close(&sc);
}

static const struct unit_test run_tests[] = {
	{ "astra_example_on_a_ring", test_astra_example_on_a_ring },
	{ "ring8_matches_astra_and_header_ratio", test_ring8_matches_astra_and_header_ratio },
	{ "switch16_matches_astra_and_header_ratio", test_switch16_matches_astra_and_header_ratio },
	{ "switch16_acks_share_the_egress", test_switch16_acks_share_the_egress },
	{ "hd_switch16_matches_astra", test_hd_switch16_matches_astra },
	{ "ring4_switch8_hierarchical_matches_astra", test_ring4_switch8_hierarchical_matches_astra },
	{ "ring4_switch8_chunks_flow_shop", test_ring4_switch8_chunks_flow_shop },
	{ "ring4_switch8_two_active_chunks", test_ring4_switch8_two_active_chunks },
	{ "ring4_switch8_baseline", test_ring4_switch8_baseline },
	{ "ring4_switch8_rs_and_ag", test_ring4_switch8_rs_and_ag },
	{ "direct_on_a_switch_is_far_from_the_model", test_direct_on_a_switch_is_far_from_the_model },
	{ "all_to_all_on_a_switch", test_all_to_all_on_a_switch },
	{ "pipelined_ring_uses_both_directions", test_pipelined_ring_uses_both_directions },
	{ "dbt_on_a_switch", test_dbt_on_a_switch },
	{ "disjoint_collectives_run_side_by_side", test_disjoint_collectives_run_side_by_side },
	{ "trace_brackets_collectives", test_trace_brackets_collectives },
	{ "group_subset", test_group_subset },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "collectives_at_packet_level", run_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
