/*
 * cc/policy.h - the interface for writing a congestion-control policy that
 * the "learned" algorithm (cc/learned.c) calls once per monitor interval.
 *
 * Tessler et al., "Reinforcement Learning for Datacenter Congestion Control",
 * arXiv 2102.09337 (NVlabs/RLCC): one agent per flow, asked for an action
 * when a monitor interval completes, not per packet. The algorithm builds a
 * struct cc_obs from the flow's signals over the interval; the policy maps
 * it to an action a in [-1, 1]; the algorithm turns a into a rate multiplier
 * (cc_action_multiplier) and applies it. A policy therefore never touches a
 * flow, a timer or a rate: it is a function of one observation.
 *
 * A policy is a const ops table registered by name in cc/policy.c (the
 * same shape as the CC registry: a static array, checked for missing hooks
 * and duplicate names, no runtime registration, so two simulations in one
 * process share nothing mutable). Built-ins:
 *   rule    a fixed, documented rule; needs no file (cc/policy.c).
 *   linear  act = tanh(bias + sum w_i x_i) over named, normalised features,
 *           read from a YAML model file (examples/policy-linear.yaml).
 *
 *   external  the action comes from outside the simulation, asynchronously:
 *           `pktsim serve` binds it to a client, which gets each
 *           observation as an event and answers with the action while
 *           simulated time waits (doc/server.md); unbound (pktsim run) or
 *           unanswered in time, the rule policy decides.
 *
 * An asynchronous policy has a start() hook: given the observation it may
 * take the decision on itself (return 1) and deliver the action later with
 * cc_learned_act(); the algorithm then changes nothing until it comes.
 *
 * Units: times in ps, rates as fractions of the line rate, counts per
 * interval. doc/cc.md, "The learned-policy interface", has the details.
 */
#ifndef PKTSIM_CC_POLICY_H
#define PKTSIM_CC_POLICY_H

#include <stddef.h>
#include <stdint.h>

/* What a policy sees at the end of one monitor interval of one flow. Counts
 * are deltas over the interval, not totals. */
struct cc_obs {
	uint64_t now_ps;         /* the end of the interval */
	uint32_t flow_id;
	uint64_t rtt_ps;         /* latest RTT sample; base_rtt_ps before the first */
	uint64_t base_rtt_ps;    /* idle-path RTT (0 if the path had none) */
	uint64_t cnps, nacks;    /* received during the interval */
	double ecn_fraction;     /* ACKs echoing a mark / ACKs, over the interval (0: no ACK) */
	uint64_t bytes_sent;     /* wire bytes of data sent during the interval */
	uint64_t pkts_sent;
	double rate_fraction;    /* sending rate / line rate, before this decision */
	double prev_action;      /* the last action applied (clamped), 0 at first */
	uint64_t interval_ps;    /* length of the interval just ended */
};

struct cc_policy_ops {
	const char *name;
	/* Optional. Build the policy's state from `path` (the "model" parameter,
	 * "" when unset). Called once per simulation, and once more while a
	 * config is checked, so it must be repeatable and free of side effects
	 * beyond its own state. On error: -1 and a message naming the file, line
	 * and key. NULL: the policy has no state and refuses a non-empty path. */
	int (*load)(void **state, const char *path, char *err, size_t errlen);
	void (*free)(void *state);   /* optional; NULL-safe */
	/* Required. The action for one observation, in [-1, 1] (the caller also
	 * clamps, and reads NaN as 0). One state serves every flow of a
	 * simulation: per-flow memory, if any, is the policy's to key by
	 * o->flow_id. Must not block except as the seam above describes. */
	double (*act)(void *state, const struct cc_obs *o);
	/* Optional, for an asynchronous policy: 1 if the action will come
	 * later through cc_learned_act(flow, a) (flow is the struct cc_flow *
	 * of the observation's flow), 0 to let act() decide now. */
	int (*start)(void *state, const struct cc_obs *o, void *flow);
};

struct cc_flow;

/* Apply the action a (clamped) to a learned flow whose policy deferred it
 * (start returned 1): the rate changes now, as act() would have changed it
 * at the decision point. */
void cc_learned_act(struct cc_flow *f, double a);

/* The external policy's binding: ask(ctx, o, flow) returns 1 if it will
 * answer through cc_learned_act, 0 to let the rule policy decide now.
 * state is the learned algorithm's policy state (cc_learned_policy_state). */
typedef int (*cc_external_ask)(void *ctx, const struct cc_obs *o, void *flow);
void cc_policy_external_bind(void *state, cc_external_ask ask, void *ctx);
/* The policy state in the learned algorithm's shared state (only that
 * algorithm's) if its policy is the external one, else NULL. */
void *cc_learned_external_state(void *shared);
/* The rule policy's action, for fallbacks. */
double cc_policy_rule_act(const struct cc_obs *o);

/* Registry. NULL if unknown. */
const struct cc_policy_ops *cc_policy_find(const char *name);
/* The names, comma separated, for error messages. */
const char *cc_policy_names(void);
/* Rejects an ops table without a name or act, and duplicate names. */
int cc_policy_ops_check(const struct cc_policy_ops *const *tab, size_t n, char *err,
			size_t errlen);
int cc_policy_registry_check(char *err, size_t errlen);

/* The action-to-multiplier map of Tessler et al.: a is first clamped to
 * [-1, 1] (NaN -> 0), then
 *     m = 1 + step a          for a >= 0
 *     m = 1 / (1 - step a)    for a < 0
 * so the range is [1 / (1 + step), 1 + step], symmetric in log-rate. */
double cc_action_clamp(double a);
double cc_action_multiplier(double step, double a);

/* Features: named, normalised views of an observation, as the linear policy
 * uses them (and any policy may):
 *   rtt_inflation  rtt / base_rtt - 1 (0 when base_rtt is 0)
 *   cnp_count      CNPs in the interval
 *   nack_count     NACKs in the interval
 *   cnp_ratio      CNPs / packets sent in the interval (0 when none sent)
 *   nack_ratio     NACKs / packets sent in the interval (0 when none sent)
 *   ecn_fraction   as in struct cc_obs
 *   rate_fraction  as in struct cc_obs
 *   pkts_sent      packets sent in the interval
 *   prev_action    as in struct cc_obs
 * The index is stable within a build only: model files name features. */
int cc_feature_find(const char *name);   /* -1 if unknown */
const char *cc_feature_name(int id);      /* NULL past the last */
double cc_feature_value(int id, const struct cc_obs *o);

#endif
