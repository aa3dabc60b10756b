/*
 * cc/dcqcn.c - DCQCN's reaction point: the sender NIC's rate control.
 *
 * Zhu et al., "Congestion Control for Large-Scale RDMA Deployments",
 * SIGCOMM 2015, with the switches that also let it play the variant of the
 * HPCC ns-3 code ("mellanox" preset: alpha = 1 on the first CNP, a
 * rate-decrease holdoff, no target clamp, timer-only increase). DCQCN's
 * other roles live where they belong: ECN marking in the switch (net/), CNP
 * generation at the receiver (transport/, switched on by CC_F_NEEDS_CNP and
 * paced by f->cnp_interval_ps, which init sets).
 *
 * Per flow: the current rate Rc (it is f->rate_bps, changed only through
 * cc_set_rate), the target Rt, alpha, a timer stage and a byte stage. A CNP
 * cuts Rc by alpha/2 and raises alpha; an alpha period without a CNP decays
 * alpha; each rate-increase event (a timer every T, a byte counter every B
 * bytes) moves Rc halfway to Rt, and from stage F on also raises Rt
 * (additive, then hyper increase). doc/cc.md has the formulas, the presets
 * and where this model departs from the paper and the HPCC code.
 *
 * Every flow's alpha timer has the same period K, and every rate timer the
 * same T, so each kind is a net_tlist (one engine event per kind per
 * simulation, O(1) per re-arm) kept in the algorithm's shared state. The
 * cost: two O(1) timer callbacks per flow per period for the flow's life,
 * congested or not.
 *
 * Units: rates in bits/s (uint64_t; integer arithmetic, averages round
 * down), times in ps, the byte counter in bytes, g and alpha dimensionless
 * (double).
 */
#include "cc/cc.h"

#include <float.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "net/tlist.h"

struct dcqcn_cfg {
	double g;                     /* alpha gain, [0, 1] */
	double alpha_init;            /* alpha at flow start, [0, 1] */
	uint64_t alpha_timer_ps;      /* K */
	uint64_t rate_timer_ps;       /* T; 0: no timer increase events */
	uint64_t byte_counter_bytes;  /* B; 0: no byte-counter events */
	uint64_t fast_recovery;       /* F */
	uint64_t rai_bps;             /* R_AI */
	uint64_t rhai_bps;            /* R_HAI */
	uint64_t hai_scale;           /* 1: hyper step (stage - F) R_HAI; 0: R_HAI */
	uint64_t min_rate_bps;
	uint64_t cnp_interval_ps;     /* NP: at most one CNP per flow per interval */
	uint64_t rate_decrease_interval_ps; /* RP: at most one cut per interval */
	uint64_t alpha_first_cnp;     /* 1: the first CNP sets alpha = 1 */
	uint64_t clamp_target;        /* 1: every cut sets Rt = Rc */
	uint64_t ns3_timers;          /* 1: the HPCC ns-3 timer machine (below) */
};

struct dcqcn_shared {
	struct net_tlist alpha_timers;
	struct net_tlist rate_timers;  /* holds nothing when rate_timer_ps is 0 */
};

struct dcqcn_flow {
	struct cc_flow *f;             /* the timers' way back to their flow */
	uint64_t rt_bps;
	double alpha;
	uint64_t stage_t, stage_b;     /* increase events since the last cut */
	uint64_t bytes;                /* sent since the last byte-counter event */
	uint64_t last_cut_ps;          /* NET_TIME_NEVER before the first cut */
	int cnp_in_alpha_period;
	int cnp_seen;
	struct net_tnode alpha_node, rate_node;
	/* ns3_timers: a CNP arrived since the last alpha update / decrease
	 * check, and the flow's own three timers (engine events, so that
	 * timers falling due at one instant run in the order they were set, as
	 * in ns-3, whatever their kind). */
	int ns3_alpha_cnp, ns3_dec_cnp;
	struct net_event ev_alpha, ev_dec, ev_rp;
};

#define FLOW_OF(node, member) \
	((struct dcqcn_flow *)(void *)((char *)(node) - offsetof(struct dcqcn_flow, member)))

/* Presets: whole configs, so that a preset fully defines what it names and
 * later parameters override it field by field. */
static const struct dcqcn_cfg preset_paper = {
	.g = 1.0 / 256,
	.alpha_init = 1.0,
	.alpha_timer_ps = 55 * NET_PS_PER_US,
	.rate_timer_ps = 55 * NET_PS_PER_US,
	.byte_counter_bytes = 10000000,
	.fast_recovery = 5,
	.rai_bps = 40000000,
	.rhai_bps = 200000000,
	.hai_scale = 1,
	.min_rate_bps = 10000000,
	.cnp_interval_ps = 50 * NET_PS_PER_US,
	.rate_decrease_interval_ps = 0,
	.alpha_first_cnp = 0,
	.clamp_target = 1,
};

static const struct dcqcn_cfg preset_mellanox = {
	.g = 1.0 / 16,
	.alpha_init = 1.0,
	.alpha_timer_ps = 55 * NET_PS_PER_US,
	.rate_timer_ps = 1500 * NET_PS_PER_US,
	.byte_counter_bytes = 0,
	.fast_recovery = 5,
	.rai_bps = 5000000,
	.rhai_bps = 50000000,
	.hai_scale = 0,
	.min_rate_bps = 100000000,
	.cnp_interval_ps = 4 * NET_PS_PER_US,
	.rate_decrease_interval_ps = 4 * NET_PS_PER_US,
	.alpha_first_cnp = 1,
	.clamp_target = 0,
};

/* The HPCC ns-3 code's DCQCN with the values of its run.py at 100 Gb/s. */
static const struct dcqcn_cfg preset_hpcc_ns3 = {
	.g = 1.0 / 256,
	.alpha_init = 1.0,
	.alpha_timer_ps = 1 * NET_PS_PER_US,
	.rate_timer_ps = 300 * NET_PS_PER_US,
	.byte_counter_bytes = 0,
	.fast_recovery = 1,
	.rai_bps = 20000000,
	.rhai_bps = 200000000,
	.hai_scale = 0,
	.min_rate_bps = 1000000000,
	.cnp_interval_ps = 0,
	.rate_decrease_interval_ps = 4 * NET_PS_PER_US,
	.alpha_first_cnp = 1,
	.clamp_target = 0,
	.ns3_timers = 1,
};

static const struct {
	const char *name;
	const struct dcqcn_cfg *cfg;
} presets[] = {
	{ "paper", &preset_paper },
	{ "mellanox", &preset_mellanox },
	{ "hpcc-ns3", &preset_hpcc_ns3 },
};

#define ONE_S_PS 1e12
#define MAX_RATE_BPS 1e13
#define MAX_BYTES 1e12
#define P(name, type, field, min, max, help) \
	{ name, type, offsetof(struct dcqcn_cfg, field), min, max, help }

static const struct cc_param dcqcn_params[] = {
	/* 0 freezes alpha: what the HPCC ns-3 code does when EWMA_GAIN is
	 * omitted (its default is an integer division that evaluates to 0). */
	P("g", CC_P_DOUBLE, g, 0, 1, "alpha gain g, in [0, 1] (0 freezes alpha)"),
	P("alpha_init", CC_P_DOUBLE, alpha_init, 0, 1, "alpha at flow start, [0, 1]"),
	/* A zero period would fire forever at one instant. */
	P("alpha_timer", CC_P_TIME, alpha_timer_ps, 1, ONE_S_PS,
	  "K: alpha decays after a whole period without a CNP (time, > 0)"),
	P("rate_timer", CC_P_TIME, rate_timer_ps, 0, ONE_S_PS,
	  "T: a rate-increase event every T (time; 0 disables)"),
	P("byte_counter", CC_P_BYTES, byte_counter_bytes, 0, MAX_BYTES,
	  "B: a rate-increase event every B bytes sent (size; 0 disables)"),
	P("fast_recovery", CC_P_UINT, fast_recovery, 1, 100, "F: fast-recovery stages"),
	P("rai", CC_P_RATE, rai_bps, 1, MAX_RATE_BPS, "R_AI: additive increase step (rate)"),
	P("rhai", CC_P_RATE, rhai_bps, 1, MAX_RATE_BPS, "R_HAI: hyper increase step (rate)"),
	P("hai_scale", CC_P_UINT, hai_scale, 0, 1,
	  "1: hyper step (min stage - F) x R_HAI; 0: a constant R_HAI"),
	P("min_rate", CC_P_RATE, min_rate_bps, 1, MAX_RATE_BPS, "floor of the rate (rate)"),
	P("cnp_interval", CC_P_TIME, cnp_interval_ps, 0, ONE_S_PS,
	  "receiver: at most one CNP per flow per interval (time; 0: one per marked packet)"),
	P("rate_decrease_interval", CC_P_TIME, rate_decrease_interval_ps, 0, ONE_S_PS,
	  "sender: at most one rate cut per interval (time; 0: every CNP cuts)"),
	P("alpha_first_cnp", CC_P_UINT, alpha_first_cnp, 0, 1,
	  "1: a flow's first CNP sets alpha = 1 before the cut"),
	P("clamp_target", CC_P_UINT, clamp_target, 0, 1,
	  "1: every cut sets Rt = Rc; 0: only after an increase event since the last cut"),
	P("ns3_timers", CC_P_UINT, ns3_timers, 0, 1,
	  "1: the HPCC ns-3 timer machine (first CNP starts the timers, periodic decrease checks)"),
};

static void dcqcn_defaults(void *cfg)
{
	memcpy(cfg, &preset_paper, sizeof(preset_paper));
}

static int dcqcn_preset(void *cfg, const char *name, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (!strcmp(presets[i].name, name)) {
			memcpy(cfg, presets[i].cfg, sizeof(struct dcqcn_cfg));
			return 0;
		}
	snprintf(err, errlen, "unknown dcqcn preset \"%s\" (expected paper, mellanox or hpcc-ns3)",
		 name);
	return -1;
}

/* The parameter table already bounds each value; this rejects what it cannot
 * see (combinations) and configs filled in by code rather than by name. */
static int dcqcn_check(const void *cfg, char *err, size_t errlen)
{
	const struct dcqcn_cfg *c = cfg;
	/* Written so that NaN fails too. */
	if (!(c->g >= 0 && c->g <= 1)) {
		snprintf(err, errlen, "dcqcn: g = %g must be in [0, 1]", c->g);
		return -1;
	}
	if (!(c->alpha_init >= 0 && c->alpha_init <= 1)) {
		snprintf(err, errlen, "dcqcn: alpha_init = %g must be in [0, 1]", c->alpha_init);
		return -1;
	}
	if (c->alpha_timer_ps == 0) {
		snprintf(err, errlen, "dcqcn: alpha_timer must be > 0");
		return -1;
	}
	if (c->min_rate_bps == 0) {
		snprintf(err, errlen, "dcqcn: min_rate must be > 0");
		return -1;
	}
	if (c->fast_recovery == 0) {
		snprintf(err, errlen, "dcqcn: fast_recovery must be >= 1");
		return -1;
	}
	if (c->rate_timer_ps == 0 && c->byte_counter_bytes == 0) {
		snprintf(err, errlen, "dcqcn: rate_timer and byte_counter are both 0, so the rate "
			 "would never increase after a cut (enable at least one)");
		return -1;
	}
	if (c->hai_scale > 1 || c->alpha_first_cnp > 1 || c->clamp_target > 1 || c->ns3_timers > 1) {
		snprintf(err, errlen, "dcqcn: hai_scale, alpha_first_cnp, clamp_target and ns3_timers "
			 "are 0 or 1");
		return -1;
	}
	if (c->ns3_timers && (!c->rate_decrease_interval_ps || !c->rate_timer_ps ||
			      c->byte_counter_bytes)) {
		snprintf(err, errlen, "dcqcn: ns3_timers needs rate_decrease_interval > 0 and "
			 "rate_timer > 0 (its decrease checks and increase timer), and no byte_counter");
		return -1;
	}
	return 0;
}

static int dcqcn_shared_init(void *shared, const void *cfg, struct net_engine *eng)
{
	const struct dcqcn_cfg *c = cfg;
	struct dcqcn_shared *s = shared;
	if (c->alpha_timer_ps == 0) {
		net_seterr(eng, "dcqcn: alpha_timer must be > 0");
		return NET_ERR_INVAL;
	}
	net_tlist_init(&s->alpha_timers, eng, c->alpha_timer_ps);
	/* Initialised even when disabled, so fini and disarm need no test. */
	net_tlist_init(&s->rate_timers, eng, c->rate_timer_ps);
	return NET_OK;
}

static void dcqcn_shared_fini(void *shared)
{
	struct dcqcn_shared *s = shared;
	net_tlist_fini(&s->alpha_timers);
	net_tlist_fini(&s->rate_timers);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* floor((a + b) / 2) without overflow. */
static uint64_t avg_down(uint64_t a, uint64_t b)
{
	return a / 2 + b / 2 + (a & b & 1);
}

static void set_rc(struct dcqcn_flow *p, const struct dcqcn_cfg *c, uint64_t rc)
{
	if (rc < c->min_rate_bps)
		rc = c->min_rate_bps;
	cc_set_rate(p->f, rc);   /* also clamps to the line rate */
}

/* One rate-increase event; the caller has already bumped its own stage. Only
 * the enabled triggers count: with the byte counter off, its stage (always 0)
 * must not hold the flow out of hyper increase forever. */
static void increase(struct dcqcn_flow *p)
{
	struct cc_flow *f = p->f;
	const struct dcqcn_cfg *c = f->cfg;
	uint64_t mx, mn;
	if (c->rate_timer_ps && c->byte_counter_bytes) {
		mx = p->stage_t > p->stage_b ? p->stage_t : p->stage_b;
		mn = p->stage_t < p->stage_b ? p->stage_t : p->stage_b;
	} else {
		mx = mn = c->rate_timer_ps ? p->stage_t : p->stage_b;
	}
	uint64_t rt = p->rt_bps;
	if (mx >= c->fast_recovery) {
		uint64_t step = c->rai_bps;
		if (mn > c->fast_recovery)
			step = c->hai_scale ? sat_mul(mn - c->fast_recovery, c->rhai_bps) : c->rhai_bps;
		rt = sat_add(rt, step);
	}
	/* The average uses Rt before its line-rate clamp (see doc/cc.md): once Rt
	 * is at the line rate, Rc then lands exactly on it instead of creeping
	 * up to one b/s short, which the rounded-down average alone would do. */
	uint64_t rc = avg_down(rt, f->rate_bps);
	p->rt_bps = rt < f->line_rate_bps ? rt : f->line_rate_bps;
	set_rc(p, c, rc);
}

static void alpha_expired(struct net_tnode *n)
{
	struct dcqcn_flow *p = FLOW_OF(n, alpha_node);
	const struct dcqcn_cfg *c = p->f->cfg;
	struct dcqcn_shared *s = p->f->shared;
	if (!p->cnp_in_alpha_period)
		p->alpha = (1.0 - c->g) * p->alpha;
	p->cnp_in_alpha_period = 0;
	net_tlist_arm(&s->alpha_timers, n);
}

static void rate_expired(struct net_tnode *n)
{
	struct dcqcn_flow *p = FLOW_OF(n, rate_node);
	struct dcqcn_shared *s = p->f->shared;
	/* Re-armed before the rate changes: the rate_notify callback then sees
	 * a consistent flow, and a release from inside it would stick. */
	net_tlist_arm(&s->rate_timers, n);
	p->stage_t++;
	increase(p);
}

/* ---- the HPCC ns-3 timer machine (ns3_timers) ----
 *
 * As that code runs it (doc/ns3-hpcc-code.md, section 8): no timer before
 * the first CNP; the first CNP sets alpha = 1 and starts the alpha update
 * (every K) and the decrease check (every D, the first at D + 1 ns, after
 * an alpha update due at the same time); a CNP marks both periods. A check
 * that finds a CNP cuts Rc by alpha/2 (Rt = Rc first when clamp_target or
 * the stage is not 0), resets the stage and restarts the increase timer
 * (every T). Each increase event uses the stage, then advances it: stage <
 * F fast recovery, = F additive (R_AI), > F hyper (a constant R_HAI); Rt is
 * capped at the line rate before Rc = Rc/2 + Rt/2, each half truncated to
 * whole b/s. Timers reschedule themselves before acting, and all stop when
 * the flow completes (release). */

static void ns3_alpha(struct net_engine *eng, struct net_event *ev)
{
	struct dcqcn_flow *p = ev->arg;
	const struct dcqcn_cfg *c = p->f->cfg;
	p->alpha = (1.0 - c->g) * p->alpha + (p->ns3_alpha_cnp ? c->g : 0.0);
	p->ns3_alpha_cnp = 0;
	net_event_schedule(eng, ev, eng->now_ps + c->alpha_timer_ps);
}

static void ns3_rp(struct net_engine *eng, struct net_event *ev)
{
	struct dcqcn_flow *p = ev->arg;
	struct cc_flow *f = p->f;
	const struct dcqcn_cfg *c = f->cfg;
	net_event_schedule(eng, ev, eng->now_ps + c->rate_timer_ps);
	if (p->stage_t >= c->fast_recovery) {
		p->rt_bps = sat_add(p->rt_bps, p->stage_t == c->fast_recovery ? c->rai_bps : c->rhai_bps);
		if (p->rt_bps > f->line_rate_bps)
			p->rt_bps = f->line_rate_bps;
	}
	uint64_t rc = f->rate_bps / 2 + p->rt_bps / 2;
	p->stage_t++;
	set_rc(p, c, rc);
}

static void ns3_dec(struct net_engine *eng, struct net_event *ev)
{
	struct dcqcn_flow *p = ev->arg;
	struct cc_flow *f = p->f;
	const struct dcqcn_cfg *c = f->cfg;
	net_event_schedule(eng, ev, eng->now_ps + c->rate_decrease_interval_ps);
	if (!p->ns3_dec_cnp)
		return;
	if (c->clamp_target || p->stage_t)
		p->rt_bps = f->rate_bps;
	uint64_t rc = (uint64_t)((double)f->rate_bps * (1.0 - p->alpha / 2));
	p->stage_t = 0;
	p->ns3_dec_cnp = 0;
	p->last_cut_ps = eng->now_ps;
	net_event_schedule(eng, &p->ev_rp, eng->now_ps + c->rate_timer_ps);
	set_rc(p, c, rc);
}

static void ns3_on_cnp(struct dcqcn_flow *p)
{
	const struct dcqcn_cfg *c = p->f->cfg;
	struct net_engine *eng = p->f->eng;
	p->ns3_alpha_cnp = p->ns3_dec_cnp = 1;
	if (p->cnp_seen)
		return;
	p->cnp_seen = 1;
	p->alpha = 1.0;
	p->ns3_alpha_cnp = 0;
	p->rt_bps = p->f->rate_bps;
	net_event_schedule(eng, &p->ev_alpha, eng->now_ps + c->alpha_timer_ps);
	net_event_schedule(eng, &p->ev_dec, eng->now_ps + c->rate_decrease_interval_ps + 1000);
}

static void dcqcn_init(struct cc_flow *f)
{
	const struct dcqcn_cfg *c = f->cfg;
	struct dcqcn_shared *s = f->shared;
	struct dcqcn_flow *p = f->priv;
	p->f = f;
	p->rt_bps = f->line_rate_bps;
	p->alpha = c->alpha_init;
	p->last_cut_ps = NET_TIME_NEVER;
	f->window_bytes = UINT64_MAX;
	f->cnp_interval_ps = c->cnp_interval_ps;
	cc_set_rate(f, f->line_rate_bps);
	net_tnode_init(&p->alpha_node, alpha_expired);
	net_tnode_init(&p->rate_node, rate_expired);
	net_event_init(&p->ev_alpha, ns3_alpha, p);
	net_event_init(&p->ev_dec, ns3_dec, p);
	net_event_init(&p->ev_rp, ns3_rp, p);
	if (c->ns3_timers)
		return;
	net_tlist_arm(&s->alpha_timers, &p->alpha_node);
	if (c->rate_timer_ps)
		net_tlist_arm(&s->rate_timers, &p->rate_node);
}

static void dcqcn_release(struct cc_flow *f)
{
	struct dcqcn_shared *s = f->shared;
	struct dcqcn_flow *p = f->priv;
	net_tlist_disarm(&s->alpha_timers, &p->alpha_node);
	net_tlist_disarm(&s->rate_timers, &p->rate_node);
	net_event_cancel(f->eng, &p->ev_alpha);
	net_event_cancel(f->eng, &p->ev_dec);
	net_event_cancel(f->eng, &p->ev_rp);
}

static void dcqcn_on_cnp(struct cc_flow *f)
{
	const struct dcqcn_cfg *c = f->cfg;
	struct dcqcn_shared *s = f->shared;
	struct dcqcn_flow *p = f->priv;
	uint64_t now = f->eng->now_ps;
	if (c->ns3_timers) {
		ns3_on_cnp(p);
		return;
	}
	int first = !p->cnp_seen;
	p->cnp_seen = 1;
	/* Even a CNP that does not cut keeps this alpha period from decaying. */
	p->cnp_in_alpha_period = 1;
	if (c->rate_decrease_interval_ps && p->last_cut_ps != NET_TIME_NEVER &&
	    now - p->last_cut_ps < c->rate_decrease_interval_ps)
		return;
	if (c->alpha_first_cnp && first)
		p->alpha = 1.0;
	if (c->clamp_target || p->stage_t || p->stage_b)
		p->rt_bps = f->rate_bps;
	/* alpha <= 1, so the product is at most Rc and fits; truncated. */
	uint64_t rc = (uint64_t)((double)f->rate_bps * (1.0 - p->alpha / 2));
	p->alpha = (1.0 - c->g) * p->alpha + c->g;
	p->stage_t = p->stage_b = 0;
	p->bytes = 0;
	p->last_cut_ps = now;
	if (c->rate_timer_ps)
		net_tlist_arm(&s->rate_timers, &p->rate_node);
	/* The alpha period restarts now, empty: this CNP has already raised
	 * alpha, so it must not also cancel the next period's decay. */
	net_tlist_arm(&s->alpha_timers, &p->alpha_node);
	p->cnp_in_alpha_period = 0;
	set_rc(p, c, rc);
}

static void dcqcn_on_send(struct cc_flow *f, uint32_t wire_bytes)
{
	const struct dcqcn_cfg *c = f->cfg;
	struct dcqcn_flow *p = f->priv;
	if (!c->byte_counter_bytes)
		return;
	/* The argument, not f->tx_bytes deltas: the byte counter then counts
	 * exactly the packets this hook has seen. */
	p->bytes += wire_bytes;
	while (p->bytes >= c->byte_counter_bytes) {
		p->bytes -= c->byte_counter_bytes;
		p->stage_b++;
		increase(p);
	}
}

/* For tests and traces: the state struct cc_flow does not show. Declared by
 * its callers (no header, so that an algorithm stays one file); any output
 * pointer may be NULL. */
void cc_dcqcn_peek(const struct cc_flow *f, uint64_t *rt_bps, double *alpha, uint64_t *stage_t,
		   uint64_t *stage_b);
void cc_dcqcn_peek(const struct cc_flow *f, uint64_t *rt_bps, double *alpha, uint64_t *stage_t,
		   uint64_t *stage_b)
{
	const struct dcqcn_flow *p = f->priv;
	if (rt_bps)
		*rt_bps = p->rt_bps;
	if (alpha)
		*alpha = p->alpha;
	if (stage_t)
		*stage_t = p->stage_t;
	if (stage_b)
		*stage_b = p->stage_b;
}

const struct cc_ops cc_dcqcn_ops = {
	.name = "dcqcn",
	.priv_size = sizeof(struct dcqcn_flow),
	.cfg_size = sizeof(struct dcqcn_cfg),
	.shared_size = sizeof(struct dcqcn_shared),
	.flags = CC_F_NEEDS_CNP,
	.params = dcqcn_params,
	.nparams = sizeof(dcqcn_params) / sizeof(dcqcn_params[0]),
	.defaults = dcqcn_defaults,
	.preset = dcqcn_preset,
	.check = dcqcn_check,
	.shared_init = dcqcn_shared_init,
	.shared_fini = dcqcn_shared_fini,
	.init = dcqcn_init,
	.release = dcqcn_release,
	.on_send = dcqcn_on_send,
	.on_cnp = dcqcn_on_cnp,
};
