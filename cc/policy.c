/*
 * cc/policy.c - the policy registry for the "learned" algorithm, the
 * observation features, the action-to-multiplier map, and the two built-in
 * policies: `rule` (no file) and `linear` (a YAML model file).
 *
 * Tessler et al., arXiv 2102.09337: an action a in [-1, 1] per monitor
 * interval scales the rate by 1 + 0.2a (a >= 0) or 1 / (1 - 0.2a) (a < 0);
 * the 0.2 is the algorithm's `step` here. The linear model is
 * a = tanh(bias + sum_i w_i x_i) over named features x_i (normalised as
 * cc/policy.h lists), optionally clipped to [lo, hi] before the weights so
 * that an observation far outside what the model was fitted on (a huge
 * RTT inflation during a PFC storm) cannot swamp every other term.
 *
 * Model files are YAML only (libyaml's document API, so every error can say
 * FILE:LINE: KEY: what was expected); there is no msgpack or JSON form, a
 * model being a handful of numbers written by a training script once.
 *
 * Units: none inside a policy; features are dimensionless (ratios,
 * fractions) or counts per interval, as listed in cc/policy.h.
 */
#include "cc/policy.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- action map ------------------------------------------------------- */

double cc_action_clamp(double a)
{
	if (isnan(a))
		return 0;
	return a > 1 ? 1 : a < -1 ? -1 : a;
}

double cc_action_multiplier(double step, double a)
{
	a = cc_action_clamp(a);
	return a >= 0 ? 1 + step * a : 1 / (1 - step * a);
}

/* ---- features --------------------------------------------------------- */

enum {
	F_RTT_INFLATION,
	F_CNP_COUNT,
	F_NACK_COUNT,
	F_CNP_RATIO,
	F_NACK_RATIO,
	F_ECN_FRACTION,
	F_RATE_FRACTION,
	F_PKTS_SENT,
	F_PREV_ACTION,
	F_COUNT
};

static const char *const feature_names[F_COUNT] = {
	[F_RTT_INFLATION] = "rtt_inflation",
	[F_CNP_COUNT] = "cnp_count",
	[F_NACK_COUNT] = "nack_count",
	[F_CNP_RATIO] = "cnp_ratio",
	[F_NACK_RATIO] = "nack_ratio",
	[F_ECN_FRACTION] = "ecn_fraction",
	[F_RATE_FRACTION] = "rate_fraction",
	[F_PKTS_SENT] = "pkts_sent",
	[F_PREV_ACTION] = "prev_action",
};

int cc_feature_find(const char *name)
{
	for (int i = 0; i < F_COUNT; i++)
		if (!strcmp(feature_names[i], name))
			return i;
	return -1;
}

const char *cc_feature_name(int id)
{
	return id >= 0 && id < F_COUNT ? feature_names[id] : NULL;
}

/* "a, b, c" for error messages, from the table itself so that it cannot
 * drift; into the caller's buffer (no static one to share). */
#define FEATURE_LIST_MAX 256
static const char *feature_list(char *buf)
{
	size_t len = 0;
	buf[0] = 0;
	for (int i = 0; i < F_COUNT && len < FEATURE_LIST_MAX; i++)
		len += (size_t)snprintf(buf + len, FEATURE_LIST_MAX - len, "%s%s", i ? ", " : "",
					feature_names[i]);
	return buf;
}

static double per_pkt(uint64_t n, uint64_t pkts)
{
	return pkts ? (double)n / (double)pkts : 0;
}

double cc_feature_value(int id, const struct cc_obs *o)
{
	switch (id) {
	case F_RTT_INFLATION:
		return o->base_rtt_ps ? (double)o->rtt_ps / (double)o->base_rtt_ps - 1 : 0;
	case F_CNP_COUNT:
		return (double)o->cnps;
	case F_NACK_COUNT:
		return (double)o->nacks;
	case F_CNP_RATIO:
		return per_pkt(o->cnps, o->pkts_sent);
	case F_NACK_RATIO:
		return per_pkt(o->nacks, o->pkts_sent);
	case F_ECN_FRACTION:
		return o->ecn_fraction;
	case F_RATE_FRACTION:
		return o->rate_fraction;
	case F_PKTS_SENT:
		return (double)o->pkts_sent;
	case F_PREV_ACTION:
		return o->prev_action;
	default:
		return 0;
	}
}

/* ---- rule ------------------------------------------------------------- */

/* The additive step, in action units per unit of 1/rate_fraction: a =
 * RULE_AI / rate_fraction makes the multiplier 1 + step RULE_AI /
 * rate_fraction, i.e. the rate grows by step x RULE_AI x line rate per
 * interval (1% of line rate with step 0.2), whatever the rate, until a
 * reaches 1 (below 5% of line rate the growth is the policy's largest
 * multiplicative step, 1 + step, instead). */
#define RULE_AI 0.05

/* Congestion (any CNP, NACK or ECN echo in the interval): the largest cut,
 * a = -1. Nothing sent in the interval: hold (a = 0), because growing a
 * rate the flow does not use would let it start its next burst far above
 * what the path took last (the idea of RFC 7661's cwnd validation).
 * Otherwise additive growth. Deterministic: a function of o alone. */
static double rule_act(void *state, const struct cc_obs *o)
{
	(void)state;
	if (o->cnps || o->nacks || o->ecn_fraction > 0)
		return -1;
	if (!o->pkts_sent)
		return 0;
	if (!(o->rate_fraction > RULE_AI))
		return 1;
	return RULE_AI / o->rate_fraction;
}

static const struct cc_policy_ops policy_rule = {
	.name = "rule",
	.act = rule_act,
};

/* ---- linear ----------------------------------------------------------- */

struct linear_model {
	size_t n;
	int *feat;                /* feature ids, n of them */
	double *w;                /* weights, n of them */
	double bias;
	int clipped;
	double lo, hi;            /* each feature clipped to [lo, hi] when clipped */
};

static void linear_free(void *state)
{
	struct linear_model *m = state;
	if (!m)
		return;
	free(m->feat);
	free(m->w);
	free(m);
}

static double linear_act(void *state, const struct cc_obs *o)
{
	const struct linear_model *m = state;
	double z = m->bias;
	for (size_t i = 0; i < m->n; i++) {
		double x = cc_feature_value(m->feat[i], o);
		if (m->clipped)
			x = x < m->lo ? m->lo : x > m->hi ? m->hi : x;
		z += m->w[i] * x;
	}
	return tanh(z);
}

/* The loader's context: the file for messages, the tree, the result. */
struct mload {
	const char *path;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
};

static int node_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 1;
}

/* "PATH:LINE: KEY: message" (KEY may be NULL). Returns -1. */
static int __attribute__((format(printf, 4, 5)))
mfail(struct mload *c, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
	int len = snprintf(c->err, c->errlen, "%s:%d: %s%s", c->path, node_line(n), key ? key : "",
			   key ? ": " : "");
	if (len >= 0 && (size_t)len < c->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err + len, c->errlen - (size_t)len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const char *kind_of(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE ? "a map"
	     : n->type == YAML_SEQUENCE_NODE ? "a list" : "a single value";
}

/* A finite number: YAML's .inf/.nan and trailing junk are refused. */
static int get_number(struct mload *c, const yaml_node_t *n, const char *key, double *out)
{
	if (n->type != YAML_SCALAR_NODE)
		return mfail(c, n, key, "expected a number, found %s", kind_of(n));
	const char *s = (const char *)n->data.scalar.value;
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (end == s || *end || errno == ERANGE || !isfinite(d))
		return mfail(c, n, key, "expected a finite number, found \"%s\"", s);
	*out = d;
	return 0;
}

static yaml_node_t *node_at(struct mload *c, yaml_node_item_t id)
{
	return yaml_document_get_node(c->doc, id);
}

static size_t seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static int load_features(struct mload *c, const yaml_node_t *n, struct linear_model *m)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return mfail(c, n, "features", "expected a list of feature names, found %s",
			     kind_of(n));
	m->n = seq_len(n);
	m->feat = calloc(m->n ? m->n : 1, sizeof(*m->feat));
	if (!m->feat)
		return mfail(c, n, "features", "out of memory");
	for (size_t i = 0; i < m->n; i++) {
		const yaml_node_t *v = node_at(c, n->data.sequence.items.start[i]);
		char key[32];
		snprintf(key, sizeof(key), "features[%zu]", i);
		if (v->type != YAML_SCALAR_NODE)
			return mfail(c, v, key, "expected a feature name, found %s", kind_of(v));
		const char *name = (const char *)v->data.scalar.value;
		m->feat[i] = cc_feature_find(name);
		char list[FEATURE_LIST_MAX];
		if (m->feat[i] < 0)
			return mfail(c, v, key, "unknown feature \"%s\" (expected one of: %s)", name,
				     feature_list(list));
	}
	return 0;
}

static int load_weights(struct mload *c, const yaml_node_t *n, struct linear_model *m,
			size_t *count)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return mfail(c, n, "weights", "expected a list of numbers, found %s", kind_of(n));
	*count = seq_len(n);
	m->w = calloc(*count ? *count : 1, sizeof(*m->w));
	if (!m->w)
		return mfail(c, n, "weights", "out of memory");
	for (size_t i = 0; i < *count; i++) {
		char key[32];
		snprintf(key, sizeof(key), "weights[%zu]", i);
		if (get_number(c, node_at(c, n->data.sequence.items.start[i]), key, &m->w[i]))
			return -1;
	}
	return 0;
}

static int load_clip(struct mload *c, const yaml_node_t *n, struct linear_model *m)
{
	if (n->type != YAML_SEQUENCE_NODE || seq_len(n) != 2)
		return mfail(c, n, "clip", "expected [lo, hi], two numbers");
	if (get_number(c, node_at(c, n->data.sequence.items.start[0]), "clip[0]", &m->lo) ||
	    get_number(c, node_at(c, n->data.sequence.items.start[1]), "clip[1]", &m->hi))
		return -1;
	if (!(m->lo < m->hi))
		return mfail(c, n, "clip", "lo = %g must be below hi = %g", m->lo, m->hi);
	m->clipped = 1;
	return 0;
}

static int load_root(struct mload *c, const yaml_node_t *root, struct linear_model *m)
{
	static const char *const keys[] = { "features", "weights", "bias", "clip" };
	const yaml_node_t *seen[4] = { NULL, NULL, NULL, NULL };
	const yaml_node_t *weights_n = NULL;
	size_t nweights = 0;

	if (root->type != YAML_MAPPING_NODE)
		return mfail(c, root, NULL, "expected a map with features, weights, bias "
			     "(and optional clip), found %s", kind_of(root));
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *k = node_at(c, p->key), *v = node_at(c, p->value);
		const char *name = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
		size_t i = 0;
		while (i < 4 && strcmp(keys[i], name))
			i++;
		if (i == 4)
			return mfail(c, k, name, "unknown key (expected features, weights, bias, clip)");
		if (seen[i])
			return mfail(c, k, name, "given twice (first on line %d)", node_line(seen[i]));
		seen[i] = k;
		int rc = 0;
		switch (i) {
		case 0:
			rc = load_features(c, v, m);
			break;
		case 1:
			weights_n = v;
			rc = load_weights(c, v, m, &nweights);
			break;
		case 2:
			rc = get_number(c, v, "bias", &m->bias);
			break;
		default:
			rc = load_clip(c, v, m);
			break;
		}
		if (rc)
			return -1;
	}
	char list[FEATURE_LIST_MAX];
	if (!seen[0])
		return mfail(c, root, "features", "missing (expected a list of feature names: %s)",
			     feature_list(list));
	if (!seen[1])
		return mfail(c, root, "weights", "missing (expected a list of %zu numbers, one per "
			     "feature)", m->n);
	if (!seen[2])
		return mfail(c, root, "bias", "missing (expected a number)");
	if (nweights != m->n)
		return mfail(c, weights_n, "weights", "%zu weights for %zu features (expected one "
			     "per feature, in the same order)", nweights, m->n);
	return 0;
}

static int yaml_fail(struct mload *c, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unknown error";
	if (p->error == YAML_MEMORY_ERROR)
		snprintf(c->err, c->errlen, "%s: out of memory reading YAML", c->path);
	else if (p->error == YAML_READER_ERROR)
		snprintf(c->err, c->errlen, "%s: cannot read as YAML: %s (at byte %zu)", c->path,
			 problem, p->problem_offset);
	else
		snprintf(c->err, c->errlen, "%s:%zu:%zu: YAML syntax error: %s", c->path,
			 p->problem_mark.line + 1, p->problem_mark.column + 1, problem);
	return -1;
}

static int linear_load(void **state, const char *path, char *err, size_t errlen)
{
	struct mload c = { .path = path, .err = err, .errlen = errlen };
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	int rc = -1;

	*state = NULL;
	if (!path || !*path) {
		snprintf(err, errlen, "no model file: set the parameter model to the path of a "
			 "YAML model (like examples/policy-linear.yaml)");
		return -1;
	}
	struct linear_model *m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open the linear model: %s", path, strerror(errno));
		free(m);
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out_file;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_fail(&c, &parser);
		goto out_parser;
	}
	c.doc = &doc;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) {
		snprintf(err, errlen, "%s: empty model file (expected a map with features, weights, "
			 "bias)", path);
		goto out_doc;
	}
	/* A second document would otherwise be ignored without a word. */
	if (!yaml_parser_load(&parser, &extra)) {
		yaml_fail(&c, &parser);
		goto out_doc;
	}
	yaml_node_t *second = yaml_document_get_root_node(&extra);
	if (second)
		snprintf(err, errlen, "%s:%d: a second YAML document; a model file holds one", path,
			 node_line(second));
	yaml_document_delete(&extra);
	if (!second)
		rc = load_root(&c, root, m);
out_doc:
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
out_file:
	fclose(f);
	if (rc) {
		linear_free(m);
		return -1;
	}
	*state = m;
	return 0;
}

static const struct cc_policy_ops policy_linear = {
	.name = "linear",
	.load = linear_load,
	.free = linear_free,
	.act = linear_act,
};

/* ---- registry --------------------------------------------------------- */

/* ---- external: answered from outside (pktsim serve) ----------------- */

struct external_state {
	cc_external_ask ask;         /* NULL until bound: the rule decides */
	void *ctx;
};

static int external_load(void **state, const char *path, char *err, size_t errlen)
{
	if (path && path[0]) {
		snprintf(err, errlen, "the external policy takes no model file (the client of "
			 "pktsim serve is the policy)");
		return -1;
	}
	struct external_state *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*state = s;
	return 0;
}

static void external_free(void *state)
{
	free(state);
}

static int external_start(void *state, const struct cc_obs *o, void *flow)
{
	struct external_state *s = state;
	return s && s->ask ? s->ask(s->ctx, o, flow) : 0;
}

static double external_act(void *state, const struct cc_obs *o)
{
	(void)state;
	return rule_act(NULL, o);
}

static const struct cc_policy_ops policy_external = {
	.name = "external",
	.load = external_load,
	.free = external_free,
	.act = external_act,
	.start = external_start,
};

void cc_policy_external_bind(void *state, cc_external_ask ask, void *ctx)
{
	struct external_state *s = state;
	s->ask = ask;
	s->ctx = ctx;
}

double cc_policy_rule_act(const struct cc_obs *o)
{
	return rule_act(NULL, o);
}

static const struct cc_policy_ops *const registry[] = {
	&policy_rule,
	&policy_linear,
	&policy_external,
};
#define NREG (sizeof(registry) / sizeof(registry[0]))

const struct cc_policy_ops *cc_policy_find(const char *name)
{
	for (size_t i = 0; i < NREG; i++)
		if (!strcmp(registry[i]->name, name))
			return registry[i];
	return NULL;
}

const char *cc_policy_names(void)
{
	/* A literal, not a buffer built at first use: nothing mutable is shared
	 * between simulations. A test checks it against the registry. */
	return "rule, linear, external";
}

int cc_policy_ops_check(const struct cc_policy_ops *const *tab, size_t n, char *err,
			size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (!tab[i]->name || !tab[i]->name[0] || !tab[i]->act) {
			snprintf(err, errlen, "policy #%zu: missing name or act hook", i);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(tab[j]->name, tab[i]->name)) {
				snprintf(err, errlen, "policy %s: registered twice", tab[i]->name);
				return -1;
			}
	}
	return 0;
}

int cc_policy_registry_check(char *err, size_t errlen)
{
	return cc_policy_ops_check(registry, NREG, err, errlen);
}
