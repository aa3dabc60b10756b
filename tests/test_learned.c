/*
 * tests/test_learned.c - the learned-policy interface (cc/policy.c) and the
 * "learned" algorithm (cc/learned.c).
 *
 * Three suites: the policies on hand-made observations (the action map, the
 * features, `rule`, `linear` with model files written here, the model
 * errors); the algorithm driven by hand (a real engine for its per-flow
 * events, a struct cc_flow at 100 Gb/s whose cumulative signals the test
 * bumps, time moved with net_engine_run_until); whole runs through the
 * experiment file, which need no change to transport/ or net/.
 *
 * Expected numbers are derived in the comments from Tessler et al.'s map
 * (step 0.2): m(a) = 1 + 0.2a for a >= 0, 1 / (1 - 0.2a) for a < 0, the new
 * rate floor(rate x m) clamped to [min_rate, line rate]. Rates in b/s;
 * "50G" in a comment is 50,000,000,000.
 */
#include <math.h>
#include <string.h>

#include "cc/cc.h"
#include "cc/policy.h"
#include "tests/scenario.h"
#include "tests/unit_main.h"

#include "net/net.h"
#include "transport/rdma.h"

/* Defined in cc/learned.c (one file per algorithm, no header). */
void cc_learned_peek(const struct cc_flow *f, struct cc_obs *last, uint64_t *interval_ps,
		     uint64_t *decisions);

#define LINE 100000000000ull
#define G(x) ((uint64_t)(x) * 1000000000ull)
#define US NET_PS_PER_US
#define MAX_PAIRS 8

static char err[1024];

/* ---- model files ---- */

struct tmpfile {
	char path[64];
};

static void tmp_write(struct tmpfile *t, const char *text)
{
	strcpy(t->path, "/tmp/pktsim-model-XXXXXX");
	int fd = mkstemp(t->path);
	CU_ASSERT_FATAL(fd >= 0);
	FILE *f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void tmp_remove(struct tmpfile *t)
{
	unlink(t->path);
}

/* Load `text` as a linear model; returns load's result (state in *st). */
static int linear_from(const char *text, struct tmpfile *t, void **st)
{
	const struct cc_policy_ops *lin = cc_policy_find("linear");
	CU_ASSERT_PTR_NOT_NULL_FATAL(lin);
	tmp_write(t, text);
	err[0] = 0;
	return lin->load(st, t->path, err, sizeof(err));
}

/* err starts with "PATH:LINE:" and contains needle. */
static void expect_model_error(const char *text, int line, const char *needle)
{
	struct tmpfile t;
	void *st = (void *)1;
	CU_ASSERT_EQUAL(linear_from(text, &t, &st), -1);
	CU_ASSERT_PTR_NULL(st);
	char where[96];
	snprintf(where, sizeof(where), "%s:%d:", t.path, line);
	int ok = !strncmp(err, where, strlen(where)) && strstr(err, needle);
	if (!ok)
		fprintf(stderr, "\n  got \"%s\"\n  wanted \"%s ... %s\"\n", err, where, needle);
	CU_ASSERT(ok);
	tmp_remove(&t);
}

/* ---- suite policy: the map, features, rule, linear ---- */

static void test_multiplier_maps_actions_to_tessler_range(void)
{
	/* a = 1: 1 + 0.2 = 1.2; a = -1: 1 / (1 + 0.2) = 1/1.2; a = 0: 1;
	 * a = 0.5: 1.1; a = -0.5: 1/1.1. */
	CU_ASSERT_DOUBLE_EQUAL(cc_action_multiplier(0.2, 1), 1.2, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(cc_action_multiplier(0.2, -1), 1 / 1.2, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(cc_action_multiplier(0.2, 0), 1.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(cc_action_multiplier(0.2, 0.5), 1.1, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(cc_action_multiplier(0.2, -0.5), 1 / 1.1, 1e-15);
	/* Out of range: clamped to [-1, 1] first, NaN read as "hold". */
	CU_ASSERT_DOUBLE_EQUAL(cc_action_multiplier(0.2, 5), 1.2, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(cc_action_multiplier(0.2, -5), 1 / 1.2, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(cc_action_multiplier(0.2, NAN), 1.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(cc_action_clamp(5), 1.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(cc_action_clamp(-INFINITY), -1.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(cc_action_clamp(NAN), 0.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(cc_action_clamp(-0.25), -0.25, 0);
	/* Symmetric in log-rate: m(a) m(-a) = (1 + 0.2a) / (1 + 0.2a) = 1. */
	CU_ASSERT_DOUBLE_EQUAL(cc_action_multiplier(0.2, 0.7) * cc_action_multiplier(0.2, -0.7), 1.0,
			       1e-15);
	/* Another step: a = 1 with step 0.5 is 1.5, a = -1 is 1/1.5. */
	CU_ASSERT_DOUBLE_EQUAL(cc_action_multiplier(0.5, 1), 1.5, 0);
	CU_ASSERT_DOUBLE_EQUAL(cc_action_multiplier(0.5, -1), 1 / 1.5, 0);
}

static void test_policy_registry_has_rule_and_linear(void)
{
	CU_ASSERT_EQUAL(cc_policy_registry_check(err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(cc_policy_find("rule"));
	CU_ASSERT_PTR_NOT_NULL(cc_policy_find("linear"));
	CU_ASSERT_PTR_NULL(cc_policy_find("oracle"));
	CU_ASSERT_STRING_EQUAL(cc_policy_names(), "rule, linear, external");
	CU_ASSERT_PTR_NOT_NULL(cc_policy_find("external"));
	/* The checks a new entry must pass. */
	const struct cc_policy_ops noact = { .name = "noact" };
	const struct cc_policy_ops *tab1[] = { cc_policy_find("rule"), &noact };
	CU_ASSERT_EQUAL(cc_policy_ops_check(tab1, 2, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing name or act"));
	const struct cc_policy_ops *tab2[] = { cc_policy_find("rule"), cc_policy_find("rule") };
	CU_ASSERT_EQUAL(cc_policy_ops_check(tab2, 2, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "rule: registered twice"));
}

/* rtt 12us over a base of 8us, 2 CNPs and 1 NACK for 8 packets. */
static struct cc_obs sample_obs(void)
{
	return (struct cc_obs){ .now_ps = 100 * US, .flow_id = 3, .rtt_ps = 12 * US,
				.base_rtt_ps = 8 * US, .cnps = 2, .nacks = 1, .ecn_fraction = 0.5,
				.bytes_sent = 8496, .pkts_sent = 8, .rate_fraction = 0.8,
				.prev_action = -0.25, .interval_ps = 8 * US };
}

static double feature(const char *name, const struct cc_obs *o)
{
	int id = cc_feature_find(name);
	CU_ASSERT_FATAL(id >= 0);
	CU_ASSERT_STRING_EQUAL(cc_feature_name(id), name);
	return cc_feature_value(id, o);
}

static void test_features_normalise_the_observation(void)
{
	struct cc_obs o = sample_obs();
	CU_ASSERT_DOUBLE_EQUAL(feature("rtt_inflation", &o), 0.5, 0);   /* 12/8 - 1 */
	CU_ASSERT_DOUBLE_EQUAL(feature("cnp_count", &o), 2, 0);
	CU_ASSERT_DOUBLE_EQUAL(feature("nack_count", &o), 1, 0);
	CU_ASSERT_DOUBLE_EQUAL(feature("cnp_ratio", &o), 0.25, 0);      /* 2/8 */
	CU_ASSERT_DOUBLE_EQUAL(feature("nack_ratio", &o), 0.125, 0);    /* 1/8 */
	CU_ASSERT_DOUBLE_EQUAL(feature("ecn_fraction", &o), 0.5, 0);
	CU_ASSERT_DOUBLE_EQUAL(feature("rate_fraction", &o), 0.8, 0);
	CU_ASSERT_DOUBLE_EQUAL(feature("pkts_sent", &o), 8, 0);
	CU_ASSERT_DOUBLE_EQUAL(feature("prev_action", &o), -0.25, 0);
	/* No base RTT, no packets: 0 rather than a division by zero. */
	o.base_rtt_ps = 0;
	o.pkts_sent = 0;
	CU_ASSERT_DOUBLE_EQUAL(feature("rtt_inflation", &o), 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(feature("cnp_ratio", &o), 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(feature("nack_ratio", &o), 0, 0);
	CU_ASSERT_EQUAL(cc_feature_find("queue_depth"), -1);
	CU_ASSERT_PTR_NULL(cc_feature_name(-1));
	int n = 0;
	while (cc_feature_name(n))
		n++;
	CU_ASSERT_EQUAL(n, 9);
}

static void test_rule_cuts_on_congestion_and_grows_additively(void)
{
	const struct cc_policy_ops *rule = cc_policy_find("rule");
	CU_ASSERT_PTR_NULL(rule->load);   /* needs no file */
	struct cc_obs o = { .pkts_sent = 10, .rate_fraction = 0.5, .base_rtt_ps = 8 * US,
			    .rtt_ps = 8 * US };
	/* No congestion: a = 0.05 / rate_fraction: 0.1 at half the line rate
	 * (x1.02 = +1% of line rate), 0.05 at line rate, 0.5 at 10%. */
	CU_ASSERT_DOUBLE_EQUAL(rule->act(NULL, &o), 0.1, 1e-15);
	o.rate_fraction = 1;
	CU_ASSERT_DOUBLE_EQUAL(rule->act(NULL, &o), 0.05, 1e-15);
	o.rate_fraction = 0.1;
	CU_ASSERT_DOUBLE_EQUAL(rule->act(NULL, &o), 0.5, 1e-15);
	/* At and below 5% of line rate the growth saturates at a = 1. */
	o.rate_fraction = 0.05;
	CU_ASSERT_DOUBLE_EQUAL(rule->act(NULL, &o), 1, 0);
	o.rate_fraction = 0.001;
	CU_ASSERT_DOUBLE_EQUAL(rule->act(NULL, &o), 1, 0);
	/* Any CNP, NACK or marked ACK: a = -1, whatever else. */
	o.rate_fraction = 0.5;
	o.cnps = 1;
	CU_ASSERT_DOUBLE_EQUAL(rule->act(NULL, &o), -1, 0);
	o.cnps = 0;
	o.nacks = 1;
	CU_ASSERT_DOUBLE_EQUAL(rule->act(NULL, &o), -1, 0);
	o.nacks = 0;
	o.ecn_fraction = 0.01;
	CU_ASSERT_DOUBLE_EQUAL(rule->act(NULL, &o), -1, 0);
	/* Nothing sent and no congestion: hold. Congestion still cuts. */
	o.ecn_fraction = 0;
	o.pkts_sent = 0;
	CU_ASSERT_DOUBLE_EQUAL(rule->act(NULL, &o), 0, 0);
	o.cnps = 3;
	CU_ASSERT_DOUBLE_EQUAL(rule->act(NULL, &o), -1, 0);
	/* RTT inflation alone is not a congestion signal for the rule. */
	o.cnps = 0;
	o.pkts_sent = 10;
	o.rtt_ps = 80 * US;
	CU_ASSERT_DOUBLE_EQUAL(rule->act(NULL, &o), 0.1, 1e-15);
}

static const char model_text[] =
	"# hand-written\n"
	"features: [rtt_inflation, cnp_ratio, ecn_fraction, rate_fraction]\n"
	"weights: [-1.5, -2, 0.5, 0.25]\n"
	"bias: 0.1\n";

static void test_linear_act_is_tanh_of_the_weighted_sum(void)
{
	struct tmpfile t;
	void *st = NULL;
	const struct cc_policy_ops *lin = cc_policy_find("linear");
	CU_ASSERT_EQUAL_FATAL(linear_from(model_text, &t, &st), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	struct cc_obs o = sample_obs();
	/* x = (0.5, 0.25, 0.5, 0.8): z = 0.1 - 0.75 - 0.5 + 0.25 + 0.2 = -0.7,
	 * tanh(-0.7) = -0.6043677771171636. */
	CU_ASSERT_DOUBLE_EQUAL(lin->act(st, &o), -0.6043677771171636, 1e-12);
	/* Idle at line rate: x = (0, 0, 0, 1): z = 0.35, tanh = 0.3363755443363322. */
	struct cc_obs idle = { .rtt_ps = 8 * US, .base_rtt_ps = 8 * US, .pkts_sent = 8,
			       .rate_fraction = 1 };
	CU_ASSERT_DOUBLE_EQUAL(lin->act(st, &idle), 0.3363755443363322, 1e-12);
	lin->free(st);
	tmp_remove(&t);

	/* clip [-0.2, 0.2]: every x above is clipped to 0.2:
	 * z = 0.1 + 0.2 (-1.5 - 2 + 0.5 + 0.25) = -0.45, tanh = -0.4218990052500079. */
	char clipped[256];
	snprintf(clipped, sizeof(clipped), "%sclip: [-0.2, 0.2]\n", model_text);
	CU_ASSERT_EQUAL_FATAL(linear_from(clipped, &t, &st), 0);
	CU_ASSERT_DOUBLE_EQUAL(lin->act(st, &o), -0.4218990052500079, 1e-12);
	lin->free(st);
	tmp_remove(&t);

	/* No features: a constant tanh(bias); saturating sums stay in [-1, 1]. */
	CU_ASSERT_EQUAL_FATAL(linear_from("features: []\nweights: []\nbias: -0.5\n", &t, &st), 0);
	CU_ASSERT_DOUBLE_EQUAL(lin->act(st, &o), tanh(-0.5), 0);
	lin->free(st);
	tmp_remove(&t);
	CU_ASSERT_EQUAL_FATAL(linear_from("features: [cnp_count]\nweights: [1e300]\nbias: 0\n", &t,
					  &st), 0);
	CU_ASSERT_DOUBLE_EQUAL(lin->act(st, &o), 1.0, 0);
	lin->free(st);
	tmp_remove(&t);
	lin->free(NULL);
}

static void test_linear_model_errors_name_file_line_and_key(void)
{
	/* Required keys, reported at the map (line 1). */
	expect_model_error("features: [cnp_ratio]\nbias: 0\n", 1, "weights: missing");
	expect_model_error("weights: [1]\nbias: 0\n", 1, "features: missing");
	expect_model_error("features: [cnp_ratio]\nweights: [1]\n", 1, "bias: missing");
	/* One weight per feature, reported at the weights. */
	expect_model_error("features: [cnp_ratio, ecn_fraction]\nbias: 0\nweights: [1]\n", 3,
			   "weights: 1 weights for 2 features");
	expect_model_error("features: [cnp_ratio]\nweights: [1, 2, 3]\nbias: 0\n", 2,
			   "weights: 3 weights for 1 features");
	/* Unknown feature, at its own line, with the list of known ones. */
	expect_model_error("features:\n  - cnp_ratio\n  - queue_depth\nweights: [1, 2]\nbias: 0\n",
			   3, "features[1]: unknown feature \"queue_depth\" (expected one of: "
			   "rtt_inflation, cnp_count");
	/* YAML syntax: libyaml's line and column. */
	expect_model_error("features: [cnp_ratio\nweights: [1]\nbias: 0\n", 2,
			   "YAML syntax error");
	expect_model_error("features: [cnp_ratio]\nweights: [1]\n  bias: 0\n", 3,
			   "YAML syntax error");
	/* Values. */
	expect_model_error("features: [a]\n", 1, "features[0]: unknown feature \"a\"");
	expect_model_error("features: [cnp_ratio]\nweights: [x]\nbias: 0\n", 2,
			   "weights[0]: expected a finite number, found \"x\"");
	expect_model_error("features: [cnp_ratio]\nweights: [1]\nbias: .nan\n", 3,
			   "bias: expected a finite number");
	expect_model_error("features: [cnp_ratio]\nweights: 1\nbias: 0\n", 2,
			   "weights: expected a list of numbers, found a single value");
	expect_model_error("features: {cnp_ratio: 1}\nweights: [1]\nbias: 0\n", 1,
			   "features: expected a list of feature names, found a map");
	expect_model_error("features: []\nweights: []\nbias: 0\nbais: 1\n", 4,
			   "bais: unknown key (expected features, weights, bias, clip)");
	expect_model_error("features: []\nweights: []\nbias: 0\nbias: 1\n", 4,
			   "bias: given twice (first on line 3)");
	expect_model_error("features: []\nweights: []\nbias: 0\nclip: [1]\n", 4,
			   "clip: expected [lo, hi]");
	expect_model_error("features: []\nweights: []\nbias: 0\nclip: [1, -1]\n", 4,
			   "clip: lo = 1 must be below hi = -1");
	expect_model_error("- 1\n- 2\n", 1, "expected a map with features, weights, bias");
	expect_model_error("features: []\nweights: []\nbias: 0\n---\nbias: 1\n", 5,
			   "a second YAML document");

	/* No file, an empty file, no path at all. */
	const struct cc_policy_ops *lin = cc_policy_find("linear");
	void *st = (void *)1;
	CU_ASSERT_EQUAL(lin->load(&st, "/nonexistent/model.yaml", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NULL(st);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/model.yaml: cannot open the linear model"));
	CU_ASSERT_EQUAL(lin->load(&st, "", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no model file: set the parameter model"));
	struct tmpfile t;
	CU_ASSERT_EQUAL(linear_from("# nothing\n", &t, &st), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ": empty model file"));
	tmp_remove(&t);
}

/* The example in examples/ loads and acts as its comments say. SRCDIR is
 * set by `make check` (the source tree, also in a VPATH build). */
/* Absolute: a relative model path would be looked up beside the
 * experiment file (in its temporary directory), not here. */
static void example_path(char *buf, size_t n)
{
	const char *src = getenv("SRCDIR");
	char cwd[400];
	if (!(src && *src) && !getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	snprintf(buf, n, "%s/examples/policy-linear.yaml", src && *src ? src : cwd);
}

static void test_example_model_loads(void)
{
	char path[512];
	example_path(path, sizeof(path));
	const struct cc_policy_ops *lin = cc_policy_find("linear");
	void *st = NULL;
	int rc = lin->load(&st, path, err, sizeof(err));
	if (rc)
		fprintf(stderr, "\n  %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	/* Idle at line rate: z = 0.3 + (-0.2)(1) = 0.1, tanh = 0.0996679946249558. */
	struct cc_obs idle = { .rtt_ps = 8 * US, .base_rtt_ps = 8 * US, .pkts_sent = 8,
			       .rate_fraction = 1 };
	CU_ASSERT_DOUBLE_EQUAL(lin->act(st, &idle), 0.0996679946249558, 1e-12);
	/* Every packet marked: z = 0.3 - 4 - 3 - 0.2 = -6.9: a cut of almost
	 * the whole step. */
	struct cc_obs hot = idle;
	hot.cnps = 8;
	hot.ecn_fraction = 1;
	CU_ASSERT(lin->act(st, &hot) < -0.99);
	lin->free(st);
}

/* ---- suite learned: the algorithm driven by hand ---- */

struct rig {
	struct net_engine eng;
	const struct cc_ops *ops;
	void *cfg;
	void *shared;
	struct cc_flow f[2];
	int live[2];
	size_t notes;                 /* rate_notify calls */
};

static void note_rate(struct cc_flow *f)
{
	struct rig *r = f->owner;
	r->notes++;
}

static int build(const struct cc_ops *ops, void *cfg, const char *preset, const char *const *kv,
		 size_t npairs, int *bad)
{
	const char *names[MAX_PAIRS + 1], *values[MAX_PAIRS + 1];
	size_t n = 0;
	if (preset) {
		names[n] = "preset";
		values[n++] = preset;
	}
	for (size_t i = 0; i < npairs && n <= MAX_PAIRS; i++) {
		names[n] = kv[2 * i];
		values[n++] = kv[2 * i + 1];
	}
	err[0] = 0;
	return cc_config_build(ops, cfg, names, values, n, bad, err, sizeof(err));
}

static void flow_start(struct rig *r, int i, uint64_t base_rtt_ps)
{
	struct cc_flow *f = &r->f[i];
	memset(f, 0, sizeof(*f));
	f->line_rate_bps = f->rate_bps = LINE;
	f->window_bytes = 7;
	f->base_rtt_ps = base_rtt_ps;
	f->mtu_bytes = 1000;
	f->flow_id = (uint32_t)i;
	f->eng = &r->eng;
	f->cfg = r->cfg;
	f->shared = r->shared;
	f->priv = calloc(1, r->ops->priv_size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->priv);
	r->ops->init(f);
	/* As the transport does: only after init. */
	f->owner = r;
	f->rate_notify = note_rate;
	r->live[i] = 1;
}

/* One simulation, one flow with an 8us base RTT started at t = 0. */
static void rig_open(struct rig *r, const char *preset, const char *const *kv, size_t npairs)
{
	int bad;
	memset(r, 0, sizeof(*r));
	CU_ASSERT_EQUAL_FATAL(net_engine_init(&r->eng), 0);
	r->ops = cc_find("learned");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->ops);
	r->cfg = calloc(1, r->ops->cfg_size);
	r->shared = calloc(1, r->ops->shared_size);
	CU_ASSERT_FATAL(r->cfg && r->shared);
	int rc = build(r->ops, r->cfg, preset, kv, npairs, &bad);
	if (rc)
		fprintf(stderr, "\n  %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL_FATAL(r->ops->shared_init(r->shared, r->cfg, &r->eng), 0);
	flow_start(r, 0, 8 * US);
}

static void flow_release(struct rig *r, int i)
{
	if (!r->live[i])
		return;
	r->ops->release(&r->f[i]);
	r->live[i] = 0;
}

static void rig_close(struct rig *r)
{
	for (int i = 0; i < 2; i++) {
		flow_release(r, i);
		free(r->f[i].priv);
	}
	r->ops->shared_fini(r->shared);
	free(r->shared);
	free(r->cfg);
	net_engine_fini(&r->eng);
}

static void run_to(struct rig *r, uint64_t t_ps)
{
	CU_ASSERT_EQUAL(net_engine_run_until(&r->eng, t_ps), 0);
	CU_ASSERT_EQUAL(r->eng.now_ps, t_ps);
}

/* What the transport would count for `pkts` data packets of 1062 B. */
static void sent(struct cc_flow *f, uint64_t pkts)
{
	f->tx_pkts += pkts;
	f->tx_bytes += pkts * 1062;
}

static struct cc_obs last_obs(const struct rig *r, int i)
{
	struct cc_obs o;
	cc_learned_peek(&r->f[i], &o, NULL, NULL);
	return o;
}

static uint64_t decisions(const struct rig *r, int i)
{
	uint64_t d;
	cc_learned_peek(&r->f[i], NULL, NULL, &d);
	return d;
}

static uint64_t interval_of(const struct rig *r, int i)
{
	uint64_t v;
	cc_learned_peek(&r->f[i], NULL, &v, NULL);
	return v;
}

static const struct cc_param *param(const struct cc_ops *ops, const char *name)
{
	for (size_t i = 0; i < ops->nparams; i++)
		if (!strcmp(ops->params[i].name, name))
			return &ops->params[i];
	CU_FAIL_FATAL("no such parameter");
	return NULL;
}

static uint64_t get_u64(const struct cc_ops *ops, const void *cfg, const char *name)
{
	uint64_t v;
	memcpy(&v, (const char *)cfg + param(ops, name)->offset, sizeof(v));
	return v;
}

static double get_double(const struct cc_ops *ops, const void *cfg, const char *name)
{
	double v;
	memcpy(&v, (const char *)cfg + param(ops, name)->offset, sizeof(v));
	return v;
}

static void test_registered_and_asks_for_cnps(void)
{
	const struct cc_ops *l = cc_find("learned");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(cc_registry_check(err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(cc_names(), "learned"));
	CU_ASSERT(l->flags & CC_F_NEEDS_CNP);
	CU_ASSERT_FALSE(l->flags & CC_F_USES_WINDOW);
	CU_ASSERT(l->priv_size > 0 && l->shared_size > 0 && l->cfg_size > 0);
	CU_ASSERT_PTR_NOT_NULL(l->release);
	/* A path: resolved against the experiment file's directory. */
	CU_ASSERT_EQUAL(param(l, "model")->type, CC_P_PATH);
}

static void test_defaults_and_presets(void)
{
	const struct cc_ops *l = cc_find("learned");
	char *cfg = calloc(1, l->cfg_size);
	int bad;
	/* No preset: the rule policy, which needs no file. */
	CU_ASSERT_EQUAL_FATAL(build(l, cfg, NULL, NULL, 0, &bad), 0);
	CU_ASSERT_EQUAL(get_u64(l, cfg, "interval"), 0);
	CU_ASSERT_DOUBLE_EQUAL(get_double(l, cfg, "step"), 0.2, 0);
	CU_ASSERT_EQUAL(get_u64(l, cfg, "min_rate"), 100000000);
	CU_ASSERT_DOUBLE_EQUAL(get_double(l, cfg, "start_rate"), 1.0, 0);
	CU_ASSERT_EQUAL(get_u64(l, cfg, "cnp_interval"), 0);
	CU_ASSERT_STRING_EQUAL(cfg + param(l, "model")->offset, "");
	CU_ASSERT_EQUAL(build(l, cfg, "rule", NULL, 0, &bad), 0);
	/* Parameters by name, with units; the preset applies first wherever
	 * it is listed. */
	struct tmpfile t;
	tmp_write(&t, model_text);
	const char *names[] = { "interval", "model", "preset", "step", "min_rate", "start_rate" };
	const char *values[] = { "20us", t.path, "linear", "0.5", "1Gbps", "0.25" };
	CU_ASSERT_EQUAL(cc_config_build(l, cfg, names, values, 6, &bad, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(get_u64(l, cfg, "interval"), 20 * US);
	CU_ASSERT_DOUBLE_EQUAL(get_double(l, cfg, "step"), 0.5, 0);
	CU_ASSERT_EQUAL(get_u64(l, cfg, "min_rate"), G(1));
	CU_ASSERT_DOUBLE_EQUAL(get_double(l, cfg, "start_rate"), 0.25, 0);
	CU_ASSERT_STRING_EQUAL(cfg + param(l, "model")->offset, t.path);
	tmp_remove(&t);
	free(cfg);
}

static void expect_config_error(const char *preset, const char *const *kv, size_t npairs,
				int want_bad, const char *needle)
{
	const struct cc_ops *l = cc_find("learned");
	char *cfg = calloc(1, l->cfg_size);
	int bad = 99;
	CU_ASSERT_EQUAL(build(l, cfg, preset, kv, npairs, &bad), -1);
	CU_ASSERT_EQUAL(bad, want_bad);
	if (!strstr(err, needle))
		fprintf(stderr, "\n  got \"%s\"\n  wanted \"%s\"\n", err, needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
	free(cfg);
}

static void test_config_errors(void)
{
	/* Unknown preset: the pair at fault, and the policies there are. */
	expect_config_error("dqn", NULL, 0, 0,
			    "unknown learned preset \"dqn\" (expected a policy: rule, linear, external)");
	/* linear without a model, or with one that is not there: the check
	 * hook (the whole cc entry, bad = -1). */
	expect_config_error("linear", NULL, 0, -1, "learned: linear policy: no model file: set "
			    "the parameter model");
	const char *missing[] = { "model", "/nonexistent/m.yaml" };
	expect_config_error("linear", missing, 1, -1,
			    "learned: linear policy: /nonexistent/m.yaml: cannot open the linear model");
	/* A broken model surfaces with its own file and line. */
	struct tmpfile t;
	tmp_write(&t, "features: [cnp_ratio]\nbias: 0\n");
	const char *broken[] = { "model", t.path };
	char needle[128];
	snprintf(needle, sizeof(needle), "learned: linear policy: %s:1: weights: missing", t.path);
	expect_config_error("linear", broken, 1, -1, needle);
	tmp_remove(&t);
	/* rule takes no file: a model given to it is a mistake, not ignored. */
	const char *stray[] = { "model", "m.yaml" };
	expect_config_error("rule", stray, 1, -1, "the rule policy takes no model file");
	/* interval: 0 or 1us .. 1s. Above: the table's range (bad = the
	 * pair); inside the hole below 1us: the check hook. */
	const char *big[] = { "interval", "2s" };
	expect_config_error("rule", big, 1, 1, "interval = 2s is out of range");
	const char *small[] = { "interval", "500ns" };
	expect_config_error("rule", small, 1, -1, "interval = 500000 ps is out of range");
	const char *step0[] = { "step", "0" };
	expect_config_error(NULL, step0, 1, 0, "step = 0 is out of range");
	const char *step2[] = { "step", "1.5" };
	expect_config_error(NULL, step2, 1, 0, "step = 1.5 is out of range");
	const char *start0[] = { "start_rate", "0" };
	expect_config_error(NULL, start0, 1, 0, "start_rate = 0 is out of range");
	const char *policy[] = { "policy", "linear" };
	expect_config_error(NULL, policy, 1, 0, "unknown parameter for learned");
	/* The string parameter refuses to truncate a path. */
	char longpath[700];
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = 0;
	const char *toolong[] = { "model", longpath };
	expect_config_error("linear", toolong, 1, 1, "model is too long (699 characters, at most 511)");
	/* Edges that pass: exactly 1us and 1s. */
	const struct cc_ops *l = cc_find("learned");
	char *cfg = calloc(1, l->cfg_size);
	int bad;
	const char *lo[] = { "interval", "1us" }, *hi[] = { "interval", "1s" };
	CU_ASSERT_EQUAL(build(l, cfg, "rule", lo, 1, &bad), 0);
	CU_ASSERT_EQUAL(build(l, cfg, "rule", hi, 1, &bad), 0);
	free(cfg);
}

/* The framework's string parameter (cc/cc.h, CC_P_STRING), on a toy
 * config: copied whole, refused when too long or too short, and the
 * registry check wants the whole array inside the config. */
struct str_cfg {
	uint64_t n;
	char name[8];
};

static void str_defaults(void *cfg) { memset(cfg, 0, sizeof(struct str_cfg)); }
static void str_init(struct cc_flow *f) { (void)f; }

static void test_string_parameters(void)
{
	struct cc_param params[] = {
		{ "name", CC_P_STRING, offsetof(struct str_cfg, name), 1, 8, "a short name" },
	};
	struct cc_ops toy = { .name = "toy", .cfg_size = sizeof(struct str_cfg), .params = params,
			      .nparams = 1, .defaults = str_defaults, .init = str_init };
	const struct cc_ops *tab[] = { &toy };
	struct str_cfg c;
	str_defaults(&c);
	CU_ASSERT_EQUAL(cc_ops_check(tab, 1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "name", "seven77", err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.name, "seven77");
	/* 8 characters need 9 bytes: refused, the old value kept. */
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "name", "eight888", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "name is too long (8 characters, at most 7)"));
	CU_ASSERT_STRING_EQUAL(c.name, "seven77");
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "name", "", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "name must have at least 1 character"));
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "name", "a", err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.name, "a");
	/* An array that would run past the config. */
	params[0].max = 9;
	CU_ASSERT_EQUAL(cc_ops_check(tab, 1, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "parameter name outside its config"));
	params[0].max = 0;
	CU_ASSERT_EQUAL(cc_ops_check(tab, 1, err, sizeof(err)), -1);
}

static void test_shared_init_reports_a_model_that_went_away(void)
{
	const struct cc_ops *l = cc_find("learned");
	struct net_engine eng;
	char *cfg = calloc(1, l->cfg_size);
	void *shared = calloc(1, l->shared_size);
	int bad;
	struct tmpfile t;
	tmp_write(&t, model_text);
	const char *kv[] = { "model", t.path };
	CU_ASSERT_EQUAL_FATAL(net_engine_init(&eng), 0);
	CU_ASSERT_EQUAL_FATAL(build(l, cfg, "linear", kv, 1, &bad), 0);
	tmp_remove(&t);   /* between the check and the simulation */
	CU_ASSERT_EQUAL(l->shared_init(shared, cfg, &eng), NET_ERR_INVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(net_errmsg(&eng), "cannot open the linear model"));
	free(shared);
	free(cfg);
	net_engine_fini(&eng);
}

static void test_init_sets_start_rate_interval_and_cnp_pacing(void)
{
	struct rig r;
	rig_open(&r, "rule", NULL, 0);
	/* Defaults: line rate, interval = the base RTT (8us), one CNP per
	 * marked packet, no window; nothing decided yet. */
	CU_ASSERT_EQUAL(r.f[0].rate_bps, LINE);
	CU_ASSERT_EQUAL(interval_of(&r, 0), 8 * US);
	CU_ASSERT_EQUAL(r.f[0].cnp_interval_ps, 0);
	CU_ASSERT_EQUAL(r.f[0].window_bytes, UINT64_MAX);
	CU_ASSERT_EQUAL(decisions(&r, 0), 0);
	CU_ASSERT_EQUAL(net_engine_next_time(&r.eng), 8 * US);
	/* The base RTT bounded to [1us, 1s]. */
	flow_start(&r, 1, 0);
	CU_ASSERT_EQUAL(interval_of(&r, 1), US);
	flow_release(&r, 1);
	free(r.f[1].priv);
	flow_start(&r, 1, 3 * NET_PS_PER_S);
	CU_ASSERT_EQUAL(interval_of(&r, 1), NET_PS_PER_S);
	rig_close(&r);

	/* A fixed interval overrides the base RTT; start_rate 0.25 = 25G;
	 * cnp_interval passed to the receiver side. */
	const char *kv[] = { "interval", "10us", "start_rate", "0.25", "cnp_interval", "4us" };
	rig_open(&r, "rule", kv, 3);
	CU_ASSERT_EQUAL(r.f[0].rate_bps, G(25));
	CU_ASSERT_EQUAL(interval_of(&r, 0), 10 * US);
	CU_ASSERT_EQUAL(r.f[0].cnp_interval_ps, 4 * US);
	CU_ASSERT_EQUAL(r.notes, 0);
	rig_close(&r);

	/* A start below min_rate starts at min_rate: 1e-3 x 100G = 100M < 1G. */
	const char *kv2[] = { "start_rate", "0.001", "min_rate", "1Gbps" };
	rig_open(&r, "rule", kv2, 2);
	CU_ASSERT_EQUAL(r.f[0].rate_bps, G(1));
	rig_close(&r);
}

/* The external policy. Unbound (pktsim run): the rule decides, so it cuts
 * like rule (3 CNPs: a = -1, 100G / 1.2). Bound to a client that defers:
 * nothing changes at the decision; cc_learned_act(-1) later, at 15 us,
 * applies it then (step 1: 1 / (1 + 1), 50G), and prev_action follows. */
struct deferral {
	int asked;
	struct cc_obs obs;
	void *flow;
};

static int defer_ask(void *ctx, const struct cc_obs *o, void *flow)
{
	struct deferral *d = ctx;
	d->asked++;
	d->obs = *o;
	d->flow = flow;
	return 1;
}

static void test_external_policy_unbound_is_rule_bound_defers(void)
{
	struct rig r;
	const char *kv[] = { "interval", "10us" };
	rig_open(&r, "external", kv, 1);
	CU_ASSERT_PTR_NOT_NULL(cc_learned_external_state(r.shared));
	struct cc_flow *f = &r.f[0];
	sent(f, 12);
	f->cnps += 3;
	run_to(&r, 10 * US);
	CU_ASSERT_EQUAL(f->rate_bps, 83333333333ull);
	rig_close(&r);

	const char *kv1[] = { "interval", "10us", "step", "1" };
	rig_open(&r, "external", kv1, 2);
	struct deferral d = { 0 };
	cc_policy_external_bind(cc_learned_external_state(r.shared), defer_ask, &d);
	f = &r.f[0];
	sent(f, 12);
	f->cnps += 3;
	run_to(&r, 10 * US);
	CU_ASSERT_EQUAL(d.asked, 1);
	CU_ASSERT_EQUAL(d.obs.cnps, 3);
	CU_ASSERT_EQUAL(d.obs.now_ps, 10 * US);
	CU_ASSERT_PTR_EQUAL(d.flow, f);
	CU_ASSERT_EQUAL(f->rate_bps, LINE);          /* deferred: unchanged */
	CU_ASSERT_EQUAL(r.notes, 0);
	run_to(&r, 15 * US);
	cc_learned_act(f, -1);
	CU_ASSERT_EQUAL(f->rate_bps, LINE / 2);
	CU_ASSERT_EQUAL(decisions(&r, 0), 1);
	run_to(&r, 20 * US);                         /* the next interval asks again */
	CU_ASSERT_EQUAL(d.asked, 2);
	CU_ASSERT_DOUBLE_EQUAL(d.obs.prev_action, -1, 0);
	CU_ASSERT_DOUBLE_EQUAL(d.obs.rate_fraction, 0.5, 0);
	rig_close(&r);
	/* Not the learned algorithm's external policy: no state to bind. */
	rig_open(&r, "rule", kv, 1);
	CU_ASSERT_PTR_NULL(cc_learned_external_state(r.shared));
	rig_close(&r);
}

static void test_cnps_cut_by_exactly_one_step(void)
{
	struct rig r;
	const char *kv[] = { "interval", "10us" };
	rig_open(&r, "rule", kv, 1);
	/* Interval 1 (0..10us): 12 packets sent, 3 CNPs, 12 ACKs of which 6
	 * marked, an RTT sample of 12us. rule: a = -1, m = 1/1.2:
	 * 100G / 1.2 = 83,333,333,333.3 -> 83,333,333,333. */
	run_to(&r, 5 * US);
	struct cc_flow *f = &r.f[0];
	sent(f, 12);
	f->cnps += 3;
	f->acks += 12;
	f->ecn_echoes += 6;
	f->rtt_ps = 12 * US;
	f->rtt_samples = 1;
	run_to(&r, 10 * US);
	CU_ASSERT_EQUAL(f->rate_bps, 83333333333ull);
	CU_ASSERT_EQUAL(r.notes, 1);
	CU_ASSERT_EQUAL(decisions(&r, 0), 1);
	/* The observation it acted on: deltas, before the rate changed. */
	struct cc_obs o = last_obs(&r, 0);
	CU_ASSERT_EQUAL(o.now_ps, 10 * US);
	CU_ASSERT_EQUAL(o.interval_ps, 10 * US);
	CU_ASSERT_EQUAL(o.flow_id, 0);
	CU_ASSERT_EQUAL(o.cnps, 3);
	CU_ASSERT_EQUAL(o.nacks, 0);
	CU_ASSERT_EQUAL(o.pkts_sent, 12);
	CU_ASSERT_EQUAL(o.bytes_sent, 12 * 1062);
	CU_ASSERT_DOUBLE_EQUAL(o.ecn_fraction, 0.5, 0);
	CU_ASSERT_EQUAL(o.rtt_ps, 12 * US);
	CU_ASSERT_EQUAL(o.base_rtt_ps, 8 * US);
	CU_ASSERT_DOUBLE_EQUAL(o.rate_fraction, 1.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(o.prev_action, 0, 0);
	/* Interval 2 (10..20us): one more CNP. 83,333,333,333 / 1.2 =
	 * 69,444,444,444.2 -> 69,444,444,444; the counts are new deltas and
	 * prev_action is the -1 just applied. */
	sent(f, 4);
	f->cnps += 1;
	run_to(&r, 20 * US);
	CU_ASSERT_EQUAL(f->rate_bps, 69444444444ull);
	o = last_obs(&r, 0);
	CU_ASSERT_EQUAL(o.cnps, 1);
	CU_ASSERT_EQUAL(o.pkts_sent, 4);
	CU_ASSERT_DOUBLE_EQUAL(o.ecn_fraction, 0, 0);   /* no ACK in the interval */
	CU_ASSERT_DOUBLE_EQUAL(o.prev_action, -1, 0);
	CU_ASSERT_DOUBLE_EQUAL(o.rate_fraction, 0.83333333333, 1e-11);
	/* A NACK alone cuts too: 69,444,444,444 / 1.2 = 57,870,370,370. */
	sent(f, 4);
	f->nacks += 1;
	run_to(&r, 30 * US);
	CU_ASSERT_EQUAL(f->rate_bps, 57870370370ull);
	CU_ASSERT_EQUAL(r.notes, 3);
	rig_close(&r);
}

static void test_grows_to_line_rate_and_stays_clamped(void)
{
	struct rig r;
	const char *kv[] = { "interval", "10us", "start_rate", "0.5" };
	rig_open(&r, "rule", kv, 2);
	struct cc_flow *f = &r.f[0];
	CU_ASSERT_EQUAL(f->rate_bps, G(50));
	/* Sending, no congestion: a = 0.05 / (rate / line), so
	 * rate x m = rate + 0.2 x 0.05 x 100G = rate + 1G per interval (each
	 * floor may lose under 1 b/s): 51G, 52G, ... 100G after 50 intervals,
	 * the 51st clamped to exactly 100G. */
	for (uint64_t k = 1; k <= 50; k++) {
		sent(f, 10);
		run_to(&r, k * 10 * US);
		uint64_t want = G(50) + k * G(1);
		CU_ASSERT(f->rate_bps <= want && f->rate_bps + k >= want);
		CU_ASSERT(f->rate_bps <= LINE);
	}
	/* Interval 51 idle: nothing sent, so hold (a = 0) rather than grow. */
	uint64_t held = f->rate_bps;
	run_to(&r, 510 * US);
	CU_ASSERT_EQUAL(f->rate_bps, held);
	CU_ASSERT_EQUAL(last_obs(&r, 0).pkts_sent, 0);
	/* From interval 52 on: at most 100G - 50 + 1G, clamped to exactly
	 * 100G; the observation of 52 shows the hold of 51. */
	size_t notes = 0;
	for (uint64_t k = 52; k <= 70; k++) {
		sent(f, 10);
		run_to(&r, k * 10 * US);
		CU_ASSERT_EQUAL(f->rate_bps, LINE);
		if (k == 52)
			CU_ASSERT_DOUBLE_EQUAL(last_obs(&r, 0).prev_action, 0, 0);
		if (k == 53)
			notes = r.notes;
	}
	/* At line rate a = 0.05 asks for 101G: clamped, no change, no
	 * notification. */
	CU_ASSERT_EQUAL(r.notes, notes);
	CU_ASSERT_DOUBLE_EQUAL(last_obs(&r, 0).rate_fraction, 1.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(last_obs(&r, 0).prev_action, 0.05, 1e-15);
	rig_close(&r);
}

static void test_never_below_min_rate(void)
{
	struct rig r;
	const char *kv[] = { "interval", "10us", "min_rate", "1Gbps" };
	rig_open(&r, "rule", kv, 2);
	struct cc_flow *f = &r.f[0];
	/* A CNP every interval: 100G / 1.2^n, rounded down each time:
	 * n = 24: 1,257,911,520; n = 25: 1,048,259,600; n = 26 would be
	 * 873,549,666 < 1G: the floor, and there it stays. */
	for (uint64_t n = 1; n <= 40; n++) {
		f->cnps++;
		run_to(&r, n * 10 * US);
		CU_ASSERT(f->rate_bps >= G(1));
		if (n == 24)
			CU_ASSERT_EQUAL(f->rate_bps, 1257911520ull);
		if (n == 25)
			CU_ASSERT_EQUAL(f->rate_bps, 1048259600ull);
		if (n >= 26)
			CU_ASSERT_EQUAL(f->rate_bps, G(1));
	}
	/* 26 changes, then none at the floor. */
	CU_ASSERT_EQUAL(r.notes, 26);
	rig_close(&r);
}

static void test_linear_policy_drives_every_flow(void)
{
	struct rig r;
	struct tmpfile t;
	tmp_write(&t, "features: [cnp_count]\nweights: [-1]\nbias: 0.5\n");
	const char *kv[] = { "model", t.path, "start_rate", "0.5", "interval", "10us" };
	rig_open(&r, "linear", kv, 3);
	tmp_remove(&t);   /* loaded once per simulation: no longer needed */
	flow_start(&r, 1, 8 * US);
	/* Flow 0 quiet: a = tanh(0.5), m = 1 + 0.2 tanh(0.5) ~ 1.0924234;
	 * flow 1 with 2 CNPs: a = tanh(-1.5), m = 1 / (1 - 0.2 tanh(-1.5))
	 * ~ 1 / 1.1810297: 54.621G and 42.336G, one model, each its own rate. */
	r.f[1].cnps = 2;
	run_to(&r, 10 * US);
	double a0 = tanh(0.5), a1 = tanh(-1.5);
	CU_ASSERT_EQUAL(r.f[0].rate_bps, (uint64_t)(5e10 * (1 + 0.2 * a0)));
	CU_ASSERT_EQUAL(r.f[1].rate_bps, (uint64_t)(5e10 * (1 / (1 - 0.2 * a1))));
	CU_ASSERT(r.f[0].rate_bps > 54620000000ull && r.f[0].rate_bps < 54622000000ull);
	CU_ASSERT(r.f[1].rate_bps > 42335000000ull && r.f[1].rate_bps < 42336000000ull);
	CU_ASSERT_DOUBLE_EQUAL(last_obs(&r, 1).prev_action, 0, 0);
	rig_close(&r);
}

static void test_release_stops_the_timer(void)
{
	struct rig r;
	const char *kv[] = { "interval", "10us" };
	rig_open(&r, "rule", kv, 1);
	flow_start(&r, 1, 8 * US);
	r.f[0].cnps = r.f[1].cnps = 1;
	run_to(&r, 10 * US);
	CU_ASSERT_EQUAL(r.f[0].rate_bps, 83333333333ull);
	CU_ASSERT_EQUAL(r.f[1].rate_bps, 83333333333ull);
	flow_release(&r, 0);
	r.f[0].cnps = r.f[1].cnps = 2;
	run_to(&r, 20 * US);
	CU_ASSERT_EQUAL(r.f[0].rate_bps, 83333333333ull);
	CU_ASSERT_EQUAL(r.f[1].rate_bps, 69444444444ull);
	CU_ASSERT_EQUAL(decisions(&r, 0), 1);
	CU_ASSERT_EQUAL(decisions(&r, 1), 2);
	flow_release(&r, 1);
	CU_ASSERT_EQUAL(net_engine_next_time(&r.eng), NET_TIME_NEVER);
	CU_ASSERT_EQUAL(net_engine_run(&r.eng), 0);
	CU_ASSERT_EQUAL(decisions(&r, 1), 2);
	rig_close(&r);
}

/* Random signals and time steps (a fixed LCG): the rate stays within
 * [min_rate, line rate], the applied action within [-1, 1]. */
static void test_rate_stays_in_bounds_under_random_signals(void)
{
	struct rig r;
	const char *kv[] = { "min_rate", "2Gbps", "start_rate", "0.3" };
	rig_open(&r, "rule", kv, 2);
	struct cc_flow *f = &r.f[0];
	uint64_t x = 777, t = 0;
	for (int i = 0; i < 5000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		unsigned pick = (unsigned)(x >> 60);
		if (pick < 3) {
			f->cnps++;
		} else if (pick < 5) {
			f->ecn_echoes++;
			f->acks++;
		} else if (pick < 10) {
			sent(f, (x >> 40) % 16);
			f->acks += (x >> 36) % 16;
		} else {
			t += (x >> 20) % (40 * US);
			run_to(&r, t);
		}
		CU_ASSERT(f->rate_bps >= G(2) && f->rate_bps <= LINE);
		struct cc_obs o = last_obs(&r, 0);
		CU_ASSERT(o.prev_action >= -1 && o.prev_action <= 1);
		CU_ASSERT(o.ecn_fraction >= 0 && o.ecn_fraction <= 1);
	}
	CU_ASSERT(decisions(&r, 0) > 100);
	rig_close(&r);
}

/* ---- suite scenario: whole runs through the experiment file ---- */

static void incast_yaml(char *buf, size_t n, const char *cc)
{
	snprintf(buf, n,
		 "topology: {kind: switch, hosts: 5}\n"
		 "fabric:\n"
		 "  cc: %s\n"
		 "  ecn: {kmin: 20KB, kmax: 200KB, pmax: 0.2}\n"
		 "workload:\n"
		 "  flows:\n"
		 "    - {src: 1, dst: 0, size: 2MB}\n"
		 "    - {src: 2, dst: 0, size: 2MB}\n"
		 "    - {src: 3, dst: 0, size: 2MB}\n"
		 "    - {src: 4, dst: 0, size: 2MB}\n", cc);
}

static void run_ok(struct scen *sc, const char *yaml)
{
	int rc = scen_open(sc, yaml, NULL, NULL);
	if (rc)
		fprintf(stderr, "\n  %s\n", sc->err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL_FATAL(scen_run(sc), 0);
	char msg[256];
	CU_ASSERT_EQUAL(sim_check_conservation(sc->sim, msg, sizeof(msg)), 0);
	size_t nf;
	const struct sim_flow *f = sim_flows(sc->sim, &nf);
	CU_ASSERT_EQUAL(nf, 4);
	for (size_t i = 0; i < nf; i++)
		CU_ASSERT_NOT_EQUAL(f[i].fct_ps, NET_TIME_NEVER);
	CU_ASSERT_EQUAL(sim_net(sc->sim)->ctr.drops_total, 0);
}

/* The sum over flows of a cumulative signal, and of the decisions taken. */
static uint64_t total_cnps(const struct scen *sc)
{
	const struct tp *tp = sim_tp(sc->sim);
	uint64_t n = 0;
	for (uint32_t i = 0; i < tp->nqps; i++)
		n += tp->qps[i]->cc.cnps;
	return n;
}

static uint64_t total_decisions(const struct scen *sc)
{
	const struct tp *tp = sim_tp(sc->sim);
	uint64_t n = 0, d;
	for (uint32_t i = 0; i < tp->nqps; i++) {
		cc_learned_peek(&tp->qps[i]->cc, NULL, NULL, &d);
		n += d;
	}
	return n;
}

/* 4:1 incast, 2 MB each at 100 Gb/s, marking from 20 KB. With `none` the
 * senders never slow down: the receiver link queues up to 3 x 2 MB
 * (every mark ignored). With learned + rule the flag it declares makes the
 * receiver send CNPs (the transport's generic path), the per-interval
 * decisions cut the rates, and far fewer packets are marked; nothing is
 * dropped and every packet is accounted for. Only cc/ changed to get here. */
static void test_rule_incast_through_the_experiment_file(void)
{
	char y[1024];
	struct scen sc;
	incast_yaml(y, sizeof(y), "none");
	run_ok(&sc, y);
	uint64_t marks_none = sim_net(sc.sim)->ctr.ecn_marks;
	CU_ASSERT(marks_none > 0);
	CU_ASSERT_EQUAL(total_cnps(&sc), 0);
	scen_close(&sc);

	incast_yaml(y, sizeof(y), "{algorithm: learned, preset: rule}");
	run_ok(&sc, y);
	uint64_t marks = sim_net(sc.sim)->ctr.ecn_marks;
	CU_ASSERT(marks > 0);
	CU_ASSERT(marks < marks_none / 2);
	CU_ASSERT(total_cnps(&sc) > 0);
	CU_ASSERT(total_decisions(&sc) > 4);
	/* min_rate default 100M <= every rate <= line rate, at the end too. */
	const struct tp *tp = sim_tp(sc.sim);
	for (uint32_t i = 0; i < tp->nqps; i++)
		CU_ASSERT(tp->qps[i]->cc.rate_bps >= 100000000 && tp->qps[i]->cc.rate_bps <= LINE);
	scen_close(&sc);

	/* Same seed, same run: the decisions are deterministic. */
	run_ok(&sc, y);
	CU_ASSERT_EQUAL(sim_net(sc.sim)->ctr.ecn_marks, marks);
	scen_close(&sc);
}

static void test_linear_incast_through_the_experiment_file(void)
{
	char path[512], cc[700], y[1536];
	struct scen sc;
	example_path(path, sizeof(path));
	snprintf(cc, sizeof(cc), "{algorithm: learned, preset: linear, model: \"%s\"}", path);
	incast_yaml(y, sizeof(y), cc);
	run_ok(&sc, y);
	CU_ASSERT(total_cnps(&sc) > 0);
	CU_ASSERT(total_decisions(&sc) > 4);
	scen_close(&sc);
}

static void expect_scen_error(const char *cc, const char *needle)
{
	char y[1024];
	struct scen sc;
	incast_yaml(y, sizeof(y), cc);
	CU_ASSERT_NOT_EQUAL(scen_open(&sc, y, NULL, NULL), 0);
	if (!strstr(sc.err, needle))
		fprintf(stderr, "\n  got \"%s\"\n  wanted \"%s\"\n", sc.err, needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(sc.err, needle));
	scen_close(&sc);
}

static void test_experiment_file_errors(void)
{
	expect_scen_error("{algorithm: learned, preset: dqn}",
			  "exp.yaml:3: fabric.cc.preset: unknown learned preset \"dqn\" "
			  "(expected a policy: rule, linear, external)");
	expect_scen_error("{algorithm: learned, preset: linear}",
			  "exp.yaml:3: fabric.cc: learned: linear policy: no model file");
	/* The relative model path is looked up beside the experiment file. */
	expect_scen_error("{algorithm: learned, preset: linear, model: nowhere.yaml}",
			  "exp.yaml:3: fabric.cc: learned: linear policy: /tmp/pktsim-test-");
	expect_scen_error("{algorithm: learned, preset: linear, model: nowhere.yaml}",
			  "/nowhere.yaml: cannot open");
	expect_scen_error("{algorithm: learned, interval: 5s}",
			  "exp.yaml:3: fabric.cc.interval: interval = 5s is out of range");
	expect_scen_error("{algorithm: learned, interval: 10ns}",
			  "exp.yaml:3: fabric.cc: learned: interval = 10000 ps is out of range");
}

static const struct unit_test policy_tests[] = {
	{ "multiplier_maps_actions_to_tessler_range", test_multiplier_maps_actions_to_tessler_range },
	{ "policy_registry_has_rule_and_linear", test_policy_registry_has_rule_and_linear },
	{ "features_normalise_the_observation", test_features_normalise_the_observation },
	{ "rule_cuts_on_congestion_and_grows_additively",
	  test_rule_cuts_on_congestion_and_grows_additively },
	{ "linear_act_is_tanh_of_the_weighted_sum", test_linear_act_is_tanh_of_the_weighted_sum },
	{ "linear_model_errors_name_file_line_and_key",
	  test_linear_model_errors_name_file_line_and_key },
	{ "example_model_loads", test_example_model_loads },
	{ NULL, NULL },
};

static const struct unit_test learned_tests[] = {
	{ "registered_and_asks_for_cnps", test_registered_and_asks_for_cnps },
	{ "defaults_and_presets", test_defaults_and_presets },
	{ "config_errors", test_config_errors },
	{ "string_parameters", test_string_parameters },
	{ "shared_init_reports_a_model_that_went_away",
	  test_shared_init_reports_a_model_that_went_away },
	{ "init_sets_start_rate_interval_and_cnp_pacing",
	  test_init_sets_start_rate_interval_and_cnp_pacing },
	{ "cnps_cut_by_exactly_one_step", test_cnps_cut_by_exactly_one_step },
	{ "external_policy_unbound_is_rule_bound_defers",
	  test_external_policy_unbound_is_rule_bound_defers },
	{ "grows_to_line_rate_and_stays_clamped", test_grows_to_line_rate_and_stays_clamped },
	{ "never_below_min_rate", test_never_below_min_rate },
	{ "linear_policy_drives_every_flow", test_linear_policy_drives_every_flow },
	{ "release_stops_the_timer", test_release_stops_the_timer },
	{ "rate_stays_in_bounds_under_random_signals",
	  test_rate_stays_in_bounds_under_random_signals },
	{ NULL, NULL },
};

static const struct unit_test scenario_tests[] = {
	{ "rule_incast_through_the_experiment_file", test_rule_incast_through_the_experiment_file },
	{ "linear_incast_through_the_experiment_file",
	  test_linear_incast_through_the_experiment_file },
	{ "experiment_file_errors", test_experiment_file_errors },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "policy", policy_tests },
	{ "learned", learned_tests },
	{ "scenario", scenario_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
