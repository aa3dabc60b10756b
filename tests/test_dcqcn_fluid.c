/*
 * tests/test_dcqcn_fluid.c - packet-level DCQCN against the DCQCN fluid model.
 *
 * The fluid model of Zhu et al. (SIGCOMM 2015, section 5; REFERENCE.md
 * section 1), for N identical flows into one port of capacity C, rates in
 * packets per second, p(t) = RED(q(t)), and every term driven by the
 * feedback delayed by tau* (x' = x(t - tau*)):
 *
 *   a_cnp  = 1 - (1 - p')^(tau Rc')        P(a CNP in a CNP interval tau)
 *   a_alp  = 1 - (1 - p')^(tau_a Rc')      the same over an alpha period
 *   e_byte = Rc' p' / ((1 - p')^(-B) - 1)  byte-counter increase events / s
 *   e_time = Rc' p' / ((1 - p')^(-T Rc') - 1)  timer increase events / s
 *                                          (limits Rc'/B and 1/T at p' = 0)
 *   d alpha/dt = g / tau_a * (a_alp - alpha)
 *   d Rt/dt    = -(Rt - Rc) / tau * a_cnp + R_AI (e_byte + e_time)
 *   d Rc/dt    = -Rc alpha / (2 tau) * a_cnp + (Rt - Rc) / 2 * (e_byte + e_time)
 *   d q/dt     = N Rc - C
 *
 * It has a unique fixed point at Rc = C/N. Integrated here with explicit
 * Euler steps of 50 ns from line rate and an empty queue; its time-averaged
 * queue over the second half of 200 ms is the reference. The packet-level
 * runs use the same parameters (paper preset, default thresholds at
 * 100 Gb/s: Kmin 400 KB, Kmax 1600 KB, Pmax 0.2) with long flows, measured
 * after they settle. Acceptance: every flow within 5% of C/N, time-averaged
 * queue within a factor of 2 of the model's. Both are printed side by side.
 * The model leaves out hyper increase and the stage logic (fast recovery
 * and additive steps both appear as the (Rt - Rc)/2 and R_AI terms), so it
 * checks the operating point, not the transient.
 */
#include <math.h>

#include "tests/scenario.h"
#include "tests/unit_main.h"

#include "net/net.h"

#define WIRE 1062.0                       /* bytes per data packet */
#define C_PPS (100e9 / 8 / WIRE)          /* link, packets / s */

/* p / ((1 - p)^(-x) - 1), with its limit 1/x at p = 0. */
static double ev(double p, double x)
{
	if (p <= 0)
		return 1.0 / x;
	if (p >= 1)
		return 0.0;
	return p / expm1(-x * log1p(-p));
}

static double red(double q_bytes)
{
	return net_red_prob((uint64_t)q_bytes, 400000, 1600000, 0.2);
}

/* The fluid model from line rate and an empty queue. Returns the
 * time-averaged queue (bytes) over [tend/2, tend]; *rc_end the final rate;
 * if deliver_pkts > 0, stops when the port has sent that many packets and
 * returns that time (s) instead. */
static double fluid(int n, double tend, double deliver_pkts, double *rc_end)
{
	const double dt = 50e-9, tau = 50e-6, tau_a = 55e-6, T = 55e-6;
	const double g = 1.0 / 256, B = 10e6 / WIRE, rai = 40e6 / 8 / WIRE;
	enum { D = 80 };                      /* tau* = 4 us (about the idle RTT) / dt */
	double hist_p[D] = { 0 }, hist_rc[D];
	double rc = C_PPS, rt = C_PPS, alpha = 1, q = 0, qsum = 0, sent = 0;
	long steps = (long)(tend / dt), k = 0, nsum = 0;
	for (int i = 0; i < D; i++)
		hist_rc[i] = rc;
	for (long s = 0; s < steps; s++) {
		double p_d = hist_p[k], rc_d = hist_rc[k];
		double a_cnp = 1 - pow(1 - p_d, tau * rc_d), a_alp = 1 - pow(1 - p_d, tau_a * rc_d);
		double inc = rc_d * ev(p_d, B) + rc_d * ev(p_d, T * rc_d);
		double dalpha = g / tau_a * (a_alp - alpha);
		double drt = -(rt - rc) / tau * a_cnp + rai * inc;
		double drc = -rc * alpha / (2 * tau) * a_cnp + (rt - rc) / 2 * inc;
		alpha += dalpha * dt;
		rt += drt * dt;
		rc += drc * dt;
		if (rt > C_PPS)
			rt = C_PPS;
		if (rc > C_PPS)
			rc = C_PPS;
		/* The port sends at C while a queue stands, else what arrives. */
		sent += (q > 0 ? C_PPS : fmin(C_PPS, n * rc)) * dt;
		if (deliver_pkts > 0 && sent >= deliver_pkts)
			return (double)s * dt;
		q += (n * rc - C_PPS) * dt;
		if (q < 0)
			q = 0;
		hist_p[k] = red(q * WIRE);
		hist_rc[k] = rc;
		k = (k + 1) % D;
		if (s >= steps / 2) {
			qsum += q * WIRE;
			nsum++;
		}
	}
	*rc_end = rc;
	return qsum / (double)nsum;
}

/* N long flows at packet level: goodput of each over [from, first end] and
 * the time-averaged (sampled every 10 us) queue at the bottleneck. */
static double packet_level(int n, const char *size, uint64_t from_ps, double *gbps)
{
	char y[2048];
	int len = snprintf(y, sizeof(y),
			   "topology: {kind: switch, hosts: %d}\n"
			   "fabric: {pfc: {enabled: true}, cc: {algorithm: dcqcn, preset: paper}}\n"
			   "workload:\n  flows:\n", n + 1);
	for (int i = 1; i <= n; i++)
		len += snprintf(y + len, sizeof(y) - (size_t)len,
				"    - {src: %d, dst: 0, size: %s}\n", i, size);
	struct scen sc;
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, y, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(sim_post_workload(sc.sim), 0);
	const struct net *net = sim_net(sc.sim);
	const struct tp *tp = sim_tp(sc.sim);
	uint64_t b0[8] = { 0 }, t = 0, t0 = 0;
	double qsum = 0;
	long qn = 0;
	for (;;) {
		t += 10000000;                /* 10 us */
		sim_run_until(sc.sim, t);
		int done = 0;
		for (int i = 0; i < n; i++)
			done |= tp->qps[i]->done_ps != NET_TIME_NEVER;
		if (done)
			break;
		if (!t0 && t >= from_ps) {
			t0 = t;
			for (int i = 0; i < n; i++)
				b0[i] = tp->qps[i]->rcv_nxt;
		}
		if (t0) {
			qsum += (double)net->nodes[n + 1].ports[0].queued_bytes;
			qn++;
		}
	}
	CU_ASSERT_TRUE_FATAL(t0 && qn > 1000);
	for (int i = 0; i < n; i++)
		gbps[i] = (double)(tp->qps[i]->rcv_nxt - b0[i]) * 8 / ((double)(t - t0) * 1e-12) / 1e9;
	CU_ASSERT_EQUAL(net->ctr.drops_total, 0);
	scen_close(&sc);
	return qsum / (double)qn;
}

static void check_n(int n, const char *size)
{
	double rc_model, g[8];
	double q_model = fluid(n, 0.2, 0, &rc_model);
	double q_pkt = packet_level(n, size, 80000000000ull, g);
	double fair = 100.0 * 1000 / WIRE / n;   /* payload goodput of C/N */
	printf("\n    N=%d  model: Rc %.2f Gb/s (C/N %.2f), queue %.0f B | packet level: queue %.0f B"
	       " (ratio %.2f), goodput", n, rc_model * 8 * WIRE / 1e9, 100.0 / n, q_model, q_pkt,
	       q_pkt / q_model);
	for (int i = 0; i < n; i++) {
		printf(" %.2f", g[i]);
		CU_ASSERT_DOUBLE_EQUAL(g[i] / fair, 1.0, 0.05);
	}
	printf(" Gb/s (fair %.2f)", fair);
	CU_ASSERT_DOUBLE_EQUAL(rc_model / (C_PPS / n), 1.0, 0.01);
	CU_ASSERT_TRUE(q_pkt >= q_model / 2 && q_pkt <= q_model * 2);
}

/*
 * The start-up transient. 8:1 incast of 10 MB flows from line rate: the
 * queue overshoots to several MB before the cuts bite; while it drains each
 * flow is cut every CNP interval with alpha near 1, down to a small fraction
 * of its fair share, and climbs back by additive increase. The fluid model
 * does the same (it is the paper's own dynamics with these parameters, not a
 * packet-level artefact): the packet-level completion of the last flow must
 * agree with the model's time to deliver the 80,000 packets within 5%.
 * (So the paper preset with the default 400 KB / 1600 KB thresholds leaves
 * the bottleneck ~55% idle over such an incast: see doc/cc.md.)
 */
static void test_incast_transient_matches_the_fluid_model(void)
{
	double rc;
	double t_model = fluid(8, 0.1, 8 * 10e6 / 1000, &rc);
	struct scen sc;
	char y[2048];
	int len = snprintf(y, sizeof(y),
			   "topology: {kind: switch, hosts: 9}\n"
			   "fabric: {pfc: {enabled: true}, cc: {algorithm: dcqcn, preset: paper}}\n"
			   "workload:\n  flows:\n");
	for (int i = 1; i <= 8; i++)
		len += snprintf(y + len, sizeof(y) - (size_t)len,
				"    - {src: %d, dst: 0, size: 10MB}\n", i);
	CU_ASSERT_EQUAL_FATAL(scen_open(&sc, y, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(&sc), 0);
	size_t nf;
	const struct sim_flow *f = sim_flows(sc.sim, &nf);
	uint64_t last = 0;
	for (size_t i = 0; i < nf; i++) {
		CU_ASSERT_NOT_EQUAL_FATAL(f[i].fct_ps, NET_TIME_NEVER);
		if (f[i].fct_ps > last)
			last = f[i].fct_ps;
	}
	CU_ASSERT_EQUAL(sim_net(sc.sim)->ctr.drops_total, 0);
	printf("\n    8:1 incast of 10 MB: packet level %.3f ms, fluid model %.3f ms, "
	       "work-conserving bound %.3f ms", (double)last / 1e9, t_model * 1e3,
	       80000 * WIRE * 8 / 100e9 * 1e3);
	CU_ASSERT_DOUBLE_EQUAL((double)last / 1e12 / t_model, 1.0, 0.05);
	scen_close(&sc);
}

static void test_two_flows(void) { check_n(2, "1500MB"); }
static void test_four_flows(void) { check_n(4, "800MB"); }
static void test_eight_flows(void) { check_n(8, "400MB"); }

static const struct unit_test fluid_tests[] = {
	{ "two_flows_match_the_fluid_model", test_two_flows },
	{ "four_flows_match_the_fluid_model", test_four_flows },
	{ "eight_flows_match_the_fluid_model", test_eight_flows },
	{ "incast_transient_matches_the_fluid_model", test_incast_transient_matches_the_fluid_model },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "dcqcn_fluid", fluid_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
