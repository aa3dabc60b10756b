/*
 * cc/learned.c - "learned": rate control by a pluggable policy, asked once
 * per monitor interval of each flow.
 *
 * Tessler et al., "Reinforcement Learning for Datacenter Congestion
 * Control", arXiv 2102.09337 (NVlabs/RLCC). At the end of each interval the
 * flow's cumulative signals (struct cc_flow) are turned into deltas, an
 * observation (struct cc_obs, cc/policy.h) is built, the policy returns an
 * action a in [-1, 1], and the rate becomes
 *     rate' = clamp(floor(rate x m(a)), min_rate, line rate),
 *     m(a) = 1 + step a (a >= 0),  1 / (1 - step a) (a < 0).
 * No hook reacts to a single packet, CNP or ACK: like the paper's agent the
 * algorithm acts only when an interval completes, so its reaction delay is
 * up to one interval. The policy (rule, linear, later an external server) is
 * chosen by the preset and loaded once per simulation into the shared state;
 * one policy state serves every flow.
 *
 * Timers: the default interval is each flow's own base RTT, which differs
 * between flows, so a same-period net_tlist cannot hold them; every flow
 * has one struct net_event instead (one heap entry per live flow, O(log n)
 * per re-arm, once per interval: small next to the per-packet events of the
 * same interval). A fixed `interval` could use a net_tlist, but takes the
 * same path so that there is only one.
 *
 * Units: rates in bits/s (uint64_t; the multiplication in double, rounded
 * down), times in ps, step and start_rate dimensionless (double).
 */
#include "cc/cc.h"

#include <float.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cc/policy.h"

#define POLICY_NAME_MAX 32
#define MODEL_PATH_MAX 512

struct learned_cfg {
	uint64_t interval_ps;         /* 0: the flow's base RTT; else [1us, 1s] */
	double step;                  /* action-to-multiplier scale, (0, 1] */
	uint64_t min_rate_bps;
	double start_rate;            /* initial rate / line rate, (0, 1] */
	uint64_t cnp_interval_ps;     /* receiver CNP pacing, as in dcqcn */
	char policy[POLICY_NAME_MAX]; /* set by the preset only */
	char model[MODEL_PATH_MAX];   /* the policy's file ("" when none) */
};

struct learned_shared {
	const struct cc_policy_ops *ops;
	void *state;
};

struct learned_flow {
	struct cc_flow *f;            /* the event's way back to its flow */
	struct net_event ev;
	uint64_t interval_ps;
	uint64_t start_ps;            /* of the current interval */
	/* The cumulative signals at start_ps. */
	uint64_t tx_bytes, tx_pkts, acks, ecn_echoes, cnps, nacks;
	struct cc_obs last;           /* the last observation (prev_action inside) */
	double prev_action;
	uint64_t decisions;
	int waiting;                  /* an asynchronous policy owes the action */
};

static const struct learned_cfg defaults = {
	.interval_ps = 0,
	.step = 0.2,
	.min_rate_bps = 100000000,
	.start_rate = 1.0,
	.cnp_interval_ps = 0,
	.policy = "rule",
	.model = "",
};

#define ONE_S_PS 1e12
#define MAX_RATE_BPS 1e13
#define P(name, type, field, min, max, help) \
	{ name, type, offsetof(struct learned_cfg, field), min, max, help }

static const struct cc_param learned_params[] = {
	/* 0 or [1us, 1s]: the hole below 1us is for the check hook. */
	P("interval", CC_P_TIME, interval_ps, 0, ONE_S_PS,
	  "monitor interval (time; 0: each flow's base RTT, else 1us .. 1s)"),
	P("step", CC_P_DOUBLE, step, DBL_MIN, 1,
	  "action-to-multiplier scale: m = 1 + step a, or 1 / (1 - step a) for a < 0; (0, 1]"),
	P("min_rate", CC_P_RATE, min_rate_bps, 1, MAX_RATE_BPS, "floor of the rate (rate)"),
	P("start_rate", CC_P_DOUBLE, start_rate, DBL_MIN, 1,
	  "initial rate as a fraction of the line rate, (0, 1]"),
	P("cnp_interval", CC_P_TIME, cnp_interval_ps, 0, ONE_S_PS,
	  "receiver: at most one CNP per flow per interval (time; 0: one per marked packet)"),
	P("model", CC_P_PATH, model, 0, MODEL_PATH_MAX,
	  "the policy's model file (linear: a YAML path, relative to the working directory)"),
};

static void learned_defaults(void *cfg)
{
	memcpy(cfg, &defaults, sizeof(defaults));
}

/* A preset names the policy: the defaults with that policy, so its meaning
 * does not depend on what came before. Any registered policy is a preset. */
static int learned_preset(void *cfg, const char *name, char *err, size_t errlen)
{
	struct learned_cfg *c = cfg;
	if (!cc_policy_find(name) || strlen(name) >= sizeof(c->policy)) {
		snprintf(err, errlen, "unknown learned preset \"%s\" (expected a policy: %s)", name,
			 cc_policy_names());
		return -1;
	}
	memcpy(c, &defaults, sizeof(defaults));
	memcpy(c->policy, name, strlen(name) + 1);
	return 0;
}

/* Resolve the policy and load its model; the same steps for check and for
 * shared_init, so a config that passes check also loads. */
static int policy_open(const struct learned_cfg *c, const struct cc_policy_ops **ops,
		       void **state, char *err, size_t errlen)
{
	*ops = NULL;
	*state = NULL;
	if (!memchr(c->policy, 0, sizeof(c->policy)) || !(*ops = cc_policy_find(c->policy))) {
		snprintf(err, errlen, "learned: unknown policy (expected one of: %s)",
			 cc_policy_names());
		return -1;
	}
	if (!memchr(c->model, 0, sizeof(c->model))) {
		snprintf(err, errlen, "learned: model is not a terminated string");
		return -1;
	}
	if (!(*ops)->load) {
		if (c->model[0]) {
			snprintf(err, errlen, "learned: the %s policy takes no model file (model = %s)",
				 (*ops)->name, c->model);
			return -1;
		}
		return 0;
	}
	char msg[400];
	if ((*ops)->load(state, c->model, msg, sizeof(msg))) {
		snprintf(err, errlen, "learned: %s policy: %s", (*ops)->name, msg);
		return -1;
	}
	return 0;
}

/* Everything but the model, which only loading can judge. */
static int check_numbers(const struct learned_cfg *c, char *err, size_t errlen)
{
	if (c->interval_ps && (c->interval_ps < NET_PS_PER_US || c->interval_ps > NET_PS_PER_S)) {
		snprintf(err, errlen, "learned: interval = %llu ps is out of range (0 for the base "
			 "RTT, else 1us .. 1s)", (unsigned long long)c->interval_ps);
		return -1;
	}
	/* Written so that NaN fails too. */
	if (!(c->step > 0 && c->step <= 1)) {
		snprintf(err, errlen, "learned: step = %g must be in (0, 1]", c->step);
		return -1;
	}
	if (!(c->start_rate > 0 && c->start_rate <= 1)) {
		snprintf(err, errlen, "learned: start_rate = %g must be in (0, 1]", c->start_rate);
		return -1;
	}
	if (c->min_rate_bps == 0) {
		snprintf(err, errlen, "learned: min_rate must be > 0");
		return -1;
	}
	return 0;
}

static int learned_check(const void *cfg, char *err, size_t errlen)
{
	const struct learned_cfg *c = cfg;
	if (check_numbers(c, err, errlen))
		return -1;
	/* Loading here costs a second read of the model (shared_init reads it
	 * again), but the error then points at the experiment's cc entry
	 * instead of surfacing only when the simulation is built. */
	const struct cc_policy_ops *ops;
	void *state;
	if (policy_open(c, &ops, &state, err, errlen))
		return -1;
	if (ops->free)
		ops->free(state);
	return 0;
}

static int learned_shared_init(void *shared, const void *cfg, struct net_engine *eng)
{
	struct learned_shared *s = shared;
	char msg[480];
	if (check_numbers(cfg, msg, sizeof(msg)) ||
	    policy_open(cfg, &s->ops, &s->state, msg, sizeof(msg))) {
		net_seterr(eng, "%s", msg);
		return NET_ERR_INVAL;
	}
	return NET_OK;
}

static void learned_shared_fini(void *shared)
{
	struct learned_shared *s = shared;
	if (s->ops && s->ops->free)
		s->ops->free(s->state);
	s->state = NULL;
}

static void snapshot(struct learned_flow *p)
{
	const struct cc_flow *f = p->f;
	p->start_ps = f->eng->now_ps;
	p->tx_bytes = f->tx_bytes;
	p->tx_pkts = f->tx_pkts;
	p->acks = f->acks;
	p->ecn_echoes = f->ecn_echoes;
	p->cnps = f->cnps;
	p->nacks = f->nacks;
}

static void observe(const struct learned_flow *p, struct cc_obs *o)
{
	const struct cc_flow *f = p->f;
	uint64_t acks = f->acks - p->acks;
	*o = (struct cc_obs){
		.now_ps = f->eng->now_ps,
		.flow_id = f->flow_id,
		/* Before the first sample the path is taken as idle (inflation 0);
		 * afterwards the latest sample stands, even if no new one came in
		 * this interval (the transport keeps one RTT probe in flight). */
		.rtt_ps = f->rtt_samples ? f->rtt_ps : f->base_rtt_ps,
		.base_rtt_ps = f->base_rtt_ps,
		.cnps = f->cnps - p->cnps,
		.nacks = f->nacks - p->nacks,
		.ecn_fraction = acks ? (double)(f->ecn_echoes - p->ecn_echoes) / (double)acks : 0,
		.bytes_sent = f->tx_bytes - p->tx_bytes,
		.pkts_sent = f->tx_pkts - p->tx_pkts,
		.rate_fraction = (double)f->rate_bps / (double)f->line_rate_bps,
		.prev_action = p->prev_action,
		.interval_ps = f->eng->now_ps - p->start_ps,
	};
}

static void arm(struct learned_flow *p)
{
	uint64_t now = p->f->eng->now_ps;
	uint64_t at = now > NET_TIME_NEVER - p->interval_ps ? NET_TIME_NEVER - 1 : now + p->interval_ps;
	/* A failure is remembered by the engine and stops the run. */
	(void)net_event_schedule(p->f->eng, &p->ev, at);
}

static void apply(struct cc_flow *f, double act);

static void interval_end(struct net_engine *eng, struct net_event *ev)
{
	struct learned_flow *p = ev->arg;
	struct cc_flow *f = p->f;
	const struct learned_shared *s = f->shared;
	(void)eng;
	observe(p, &p->last);
	snapshot(p);
	/* Re-armed before the rate changes: rate_notify then sees a consistent
	 * flow, and a release from inside it would stick. */
	arm(p);
	/* An asynchronous policy may take the decision away; the rate then
	 * stays until cc_learned_act brings the action. */
	if (s->ops->start && s->ops->start(s->state, &p->last, f)) {
		p->waiting = 1;
		return;
	}
	apply(f, s->ops->act(s->state, &p->last));
}

void cc_learned_act(struct cc_flow *f, double a)
{
	struct learned_flow *p = f->priv;
	p->waiting = 0;
	apply(f, a);
}

void *cc_learned_external_state(void *shared)
{
	struct learned_shared *s = shared;
	return s && s->ops && !strcmp(s->ops->name, "external") ? s->state : NULL;
}

static void apply(struct cc_flow *f, double act)
{
	struct learned_flow *p = f->priv;
	const struct learned_cfg *c = f->cfg;
	double a = cc_action_clamp(act);
	double r = (double)f->rate_bps * cc_action_multiplier(c->step, a);
	uint64_t bps = r >= (double)f->line_rate_bps ? f->line_rate_bps : (uint64_t)r;
	if (bps < c->min_rate_bps)
		bps = c->min_rate_bps;
	p->prev_action = a;
	p->decisions++;
	cc_set_rate(f, bps);   /* also caps at the line rate, should min_rate pass it */
}

static void learned_init(struct cc_flow *f)
{
	const struct learned_cfg *c = f->cfg;
	struct learned_flow *p = f->priv;
	p->f = f;
	f->window_bytes = UINT64_MAX;
	f->cnp_interval_ps = c->cnp_interval_ps;
	/* A base RTT of 0 (no path) or beyond 1 s would make the interval
	 * degenerate; the configurable range bounds it instead. */
	p->interval_ps = c->interval_ps;
	if (!p->interval_ps) {
		p->interval_ps = f->base_rtt_ps;
		if (p->interval_ps < NET_PS_PER_US)
			p->interval_ps = NET_PS_PER_US;
		if (p->interval_ps > NET_PS_PER_S)
			p->interval_ps = NET_PS_PER_S;
	}
	double r = c->start_rate * (double)f->line_rate_bps;
	uint64_t bps = r >= (double)f->line_rate_bps ? f->line_rate_bps : (uint64_t)r;
	if (bps < c->min_rate_bps)
		bps = c->min_rate_bps;
	cc_set_rate(f, bps);
	snapshot(p);
	net_event_init(&p->ev, interval_end, p);
	arm(p);
}

static void learned_release(struct cc_flow *f)
{
	struct learned_flow *p = f->priv;
	net_event_cancel(f->eng, &p->ev);
}

/* For tests and traces: what struct cc_flow does not show. Declared by its
 * callers (no header, as cc_dcqcn_peek); any output pointer may be NULL. */
void cc_learned_peek(const struct cc_flow *f, struct cc_obs *last, uint64_t *interval_ps,
		     uint64_t *decisions);
void cc_learned_peek(const struct cc_flow *f, struct cc_obs *last, uint64_t *interval_ps,
		     uint64_t *decisions)
{
	const struct learned_flow *p = f->priv;
	if (last)
		*last = p->last;
	if (interval_ps)
		*interval_ps = p->interval_ps;
	if (decisions)
		*decisions = p->decisions;
}

const struct cc_ops cc_learned_ops = {
	.name = "learned",
	.priv_size = sizeof(struct learned_flow),
	.cfg_size = sizeof(struct learned_cfg),
	.shared_size = sizeof(struct learned_shared),
	/* CNPs are one of the observation's signals. */
	.flags = CC_F_NEEDS_CNP,
	.params = learned_params,
	.nparams = sizeof(learned_params) / sizeof(learned_params[0]),
	.defaults = learned_defaults,
	.preset = learned_preset,
	.check = learned_check,
	.shared_init = learned_shared_init,
	.shared_fini = learned_shared_fini,
	.init = learned_init,
	.release = learned_release,
};
