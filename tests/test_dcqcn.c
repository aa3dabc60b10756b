/*
 * tests/test_dcqcn.c - DCQCN's reaction point (cc/dcqcn.c), driven by hand:
 * a real engine for its timers, a struct cc_flow at 100 Gb/s, CNPs and sent
 * bytes delivered by calling the hooks, time moved with
 * net_engine_run_until. Every expected number is derived in the comments
 * from the formulas in doc/cc.md, for both presets:
 *
 *   paper:    g 1/256, K = T = 55us, B 10MB, F 5, R_AI 40M, R_HAI 200M
 *             (scaled), min 10M, clamp 1, no holdoff, no first-CNP alpha
 *   mellanox: g 1/16, K 55us, T 1500us, no byte counter, F 5, R_AI 5M,
 *             R_HAI 50M (constant), min 100M, clamp 0, holdoff 4us,
 *             first CNP sets alpha = 1
 *
 * Rates in b/s; "50G" in a comment is 50,000,000,000.
 */
#include <string.h>

#include "cc/cc.h"
#include "tests/unit_main.h"

/* Defined in cc/dcqcn.c (which keeps the algorithm to one file, no header). */
void cc_dcqcn_peek(const struct cc_flow *f, uint64_t *rt_bps, double *alpha, uint64_t *stage_t,
		   uint64_t *stage_b);

#define LINE 100000000000ull
#define G(x) ((uint64_t)(x) * 1000000000ull)
#define M(x) ((uint64_t)(x) * 1000000ull)
#define US NET_PS_PER_US
#define MAX_NOTES 64
#define MAX_PAIRS 8

static char err[512];

struct rig {
	struct net_engine eng;
	const struct cc_ops *ops;
	void *cfg;
	void *shared;
	struct cc_flow f[2];
	int live[2];
	size_t notes;                 /* rate_notify calls, for every flow */
	uint64_t seen[MAX_NOTES];     /* the rate each of them announced */
};

static void note_rate(struct cc_flow *f)
{
	struct rig *r = f->owner;
	if (r->notes < MAX_NOTES)
		r->seen[r->notes] = f->rate_bps;
	r->notes++;
}

/* Config from a preset plus (name, value) overrides; 0 or -1 as
 * cc_config_build. */
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
	return cc_config_build(ops, cfg, names, values, n, bad, err, sizeof(err));
}

static void flow_start(struct rig *r, int i)
{
	struct cc_flow *f = &r->f[i];
	memset(f, 0, sizeof(*f));
	f->line_rate_bps = f->rate_bps = LINE;
	f->window_bytes = UINT64_MAX;
	f->mtu_bytes = 1000;
	f->flow_id = (uint32_t)i;
	f->eng = &r->eng;
	f->cfg = r->cfg;
	f->shared = r->shared;
	f->priv = calloc(1, r->ops->priv_size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->priv);
	r->ops->init(f);
	/* As the transport does: only after init, whose rate is not a change. */
	f->owner = r;
	f->rate_notify = note_rate;
	r->live[i] = 1;
}

/* One simulation with one flow started at t = 0. */
static void rig_open_kv(struct rig *r, const char *preset, const char *const *kv, size_t npairs)
{
	int bad;
	memset(r, 0, sizeof(*r));
	CU_ASSERT_EQUAL_FATAL(net_engine_init(&r->eng), 0);
	r->ops = cc_find("dcqcn");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->ops);
	r->cfg = calloc(1, r->ops->cfg_size);
	r->shared = calloc(1, r->ops->shared_size);
	CU_ASSERT_FATAL(r->cfg && r->shared);
	CU_ASSERT_EQUAL_FATAL(build(r->ops, r->cfg, preset, kv, npairs, &bad), 0);
	CU_ASSERT_EQUAL_FATAL(r->ops->shared_init(r->shared, r->cfg, &r->eng), 0);
	flow_start(r, 0);
}

static void rig_open(struct rig *r, const char *preset)
{
	rig_open_kv(r, preset, NULL, 0);
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

static void cnp_at(struct rig *r, uint64_t t_ps)
{
	run_to(r, t_ps);
	r->ops->on_cnp(&r->f[0]);
}

static uint64_t rc(struct rig *r) { return r->f[0].rate_bps; }

static uint64_t rt(struct rig *r)
{
	uint64_t v;
	cc_dcqcn_peek(&r->f[0], &v, NULL, NULL, NULL);
	return v;
}

static double alpha(struct rig *r)
{
	double a;
	cc_dcqcn_peek(&r->f[0], NULL, &a, NULL, NULL);
	return a;
}

static uint64_t stage_t(struct rig *r)
{
	uint64_t v;
	cc_dcqcn_peek(&r->f[0], NULL, NULL, &v, NULL);
	return v;
}

static uint64_t stage_b(struct rig *r)
{
	uint64_t v;
	cc_dcqcn_peek(&r->f[0], NULL, NULL, NULL, &v);
	return v;
}

/* A parameter's stored value, found through the table (the config struct is
 * private to cc/dcqcn.c). */
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

static void set_u64(const struct cc_ops *ops, void *cfg, const char *name, uint64_t v)
{
	memcpy((char *)cfg + param(ops, name)->offset, &v, sizeof(v));
}

static void set_double(const struct cc_ops *ops, void *cfg, const char *name, double v)
{
	memcpy((char *)cfg + param(ops, name)->offset, &v, sizeof(v));
}

/* ---- registry, presets, checks ---- */

static void test_registered_and_asks_for_cnps(void)
{
	const struct cc_ops *d = cc_find("dcqcn");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(d->name, "dcqcn");
	CU_ASSERT_EQUAL(cc_registry_check(err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(cc_find("none"));
	CU_ASSERT_PTR_NOT_NULL(strstr(cc_names(), "dcqcn"));
	CU_ASSERT(d->flags & CC_F_NEEDS_CNP);
	CU_ASSERT_FALSE(d->flags & CC_F_USES_WINDOW);
	CU_ASSERT(d->priv_size > 0 && d->shared_size > 0 && d->cfg_size > 0);
}

static void test_presets_set_every_parameter(void)
{
	const struct cc_ops *d = cc_find("dcqcn");
	char cfg[512];
	int bad;
	CU_ASSERT_FATAL(d->cfg_size <= sizeof(cfg));
	CU_ASSERT_EQUAL_FATAL(build(d, cfg, "paper", NULL, 0, &bad), 0);
	CU_ASSERT_DOUBLE_EQUAL(get_double(d, cfg, "g"), 1.0 / 256, 0);
	CU_ASSERT_DOUBLE_EQUAL(get_double(d, cfg, "alpha_init"), 1.0, 0);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "alpha_timer"), 55 * US);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "rate_timer"), 55 * US);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "byte_counter"), 10000000);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "fast_recovery"), 5);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "rai"), M(40));
	CU_ASSERT_EQUAL(get_u64(d, cfg, "rhai"), M(200));
	CU_ASSERT_EQUAL(get_u64(d, cfg, "hai_scale"), 1);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "min_rate"), M(10));
	CU_ASSERT_EQUAL(get_u64(d, cfg, "cnp_interval"), 50 * US);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "rate_decrease_interval"), 0);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "alpha_first_cnp"), 0);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "clamp_target"), 1);

	CU_ASSERT_EQUAL_FATAL(build(d, cfg, "mellanox", NULL, 0, &bad), 0);
	CU_ASSERT_DOUBLE_EQUAL(get_double(d, cfg, "g"), 1.0 / 16, 0);
	CU_ASSERT_DOUBLE_EQUAL(get_double(d, cfg, "alpha_init"), 1.0, 0);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "alpha_timer"), 55 * US);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "rate_timer"), 1500 * US);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "byte_counter"), 0);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "fast_recovery"), 5);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "rai"), M(5));
	CU_ASSERT_EQUAL(get_u64(d, cfg, "rhai"), M(50));
	CU_ASSERT_EQUAL(get_u64(d, cfg, "hai_scale"), 0);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "min_rate"), M(100));
	CU_ASSERT_EQUAL(get_u64(d, cfg, "cnp_interval"), 4 * US);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "rate_decrease_interval"), 4 * US);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "alpha_first_cnp"), 1);
	CU_ASSERT_EQUAL(get_u64(d, cfg, "clamp_target"), 0);
}

static void test_defaults_are_the_paper_preset_and_overrides_follow_it(void)
{
	const struct cc_ops *d = cc_find("dcqcn");
	char a[512], b[512];
	int bad;
	CU_ASSERT_EQUAL_FATAL(build(d, a, NULL, NULL, 0, &bad), 0);
	CU_ASSERT_EQUAL_FATAL(build(d, b, "paper", NULL, 0, &bad), 0);
	for (size_t i = 0; i < d->nparams; i++)
		CU_ASSERT_EQUAL(memcmp(a + d->params[i].offset, b + d->params[i].offset, 8), 0);
	/* The preset applies first, wherever it is listed. */
	const char *names[] = { "rai", "preset" }, *values[] = { "7Mbps", "mellanox" };
	CU_ASSERT_EQUAL(cc_config_build(d, a, names, values, 2, &bad, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(get_u64(d, a, "rai"), M(7));
	CU_ASSERT_EQUAL(get_u64(d, a, "rhai"), M(50));
}

static void test_unknown_preset_is_an_error_naming_both(void)
{
	const struct cc_ops *d = cc_find("dcqcn");
	char cfg[512];
	int bad = 99;
	const char *kv[] = { "rai", "1Mbps" };
	CU_ASSERT_EQUAL(build(d, cfg, "fast", kv, 1, &bad), -1);
	CU_ASSERT_EQUAL(bad, 0);   /* the preset pair */
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "fast"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "paper"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "mellanox"));
}

static void test_check_rejects_inconsistent_configs(void)
{
	const struct cc_ops *d = cc_find("dcqcn");
	char cfg[512];
	int bad;
	/* By name: the range check points at the offending pair. */
	const char *gneg[] = { "g", "-0.25" };
	CU_ASSERT_EQUAL(build(d, cfg, "paper", gneg, 1, &bad), -1);
	CU_ASSERT_EQUAL(bad, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "g = -0.25"));
	/* g = 0 freezes alpha: what the HPCC code runs when EWMA_GAIN is omitted. */
	const char *g0[] = { "g", "0" };
	CU_ASSERT_EQUAL(build(d, cfg, "paper", g0, 1, &bad), 0);
	const char *g2[] = { "g", "1.5" };
	CU_ASSERT_EQUAL(build(d, cfg, "mellanox", g2, 1, &bad), -1);
	const char *k0[] = { "alpha_timer", "0" };
	CU_ASSERT_EQUAL(build(d, cfg, "paper", k0, 1, &bad), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "alpha_timer"));
	/* (The rate parser itself refuses 0 b/s.) */
	const char *m0[] = { "min_rate", "0bps" };
	CU_ASSERT_EQUAL(build(d, cfg, "paper", m0, 1, &bad), -1);
	CU_ASSERT_EQUAL(bad, 1);
	const char *f0[] = { "fast_recovery", "0" };
	CU_ASSERT_EQUAL(build(d, cfg, "paper", f0, 1, &bad), -1);
	/* A combination: only the check hook sees it (bad = -1). */
	const char *none[] = { "rate_timer", "0", "byte_counter", "0" };
	CU_ASSERT_EQUAL(build(d, cfg, "paper", none, 2, &bad), -1);
	CU_ASSERT_EQUAL(bad, -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "rate_timer and byte_counter"));
	CU_ASSERT_EQUAL(build(d, cfg, "mellanox", none, 1, &bad), -1);   /* B is already 0 */
	CU_ASSERT_EQUAL(bad, -1);
	/* Either trigger alone is fine. */
	CU_ASSERT_EQUAL(build(d, cfg, "paper", none, 1, &bad), 0);
	const char *bytes_only[] = { "rate_timer", "0", "byte_counter", "1MB" };
	CU_ASSERT_EQUAL(build(d, cfg, "mellanox", bytes_only, 2, &bad), 0);

	/* Configs written by code go through the same hook. */
	CU_ASSERT_EQUAL_FATAL(build(d, cfg, "paper", NULL, 0, &bad), 0);
	CU_ASSERT_EQUAL(d->check(cfg, err, sizeof(err)), 0);
	set_double(d, cfg, "g", 0);     /* freezes alpha, as the HPCC code without EWMA_GAIN */
	CU_ASSERT_EQUAL(d->check(cfg, err, sizeof(err)), 0);
	set_double(d, cfg, "g", -0.5);
	CU_ASSERT_EQUAL(d->check(cfg, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "g = -0.5 must be in [0, 1]"));
	set_double(d, cfg, "g", 1.0);   /* the upper end is allowed */
	CU_ASSERT_EQUAL(d->check(cfg, err, sizeof(err)), 0);
	set_u64(d, cfg, "alpha_timer", 0);
	CU_ASSERT_EQUAL(d->check(cfg, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "alpha_timer must be > 0"));
	set_u64(d, cfg, "alpha_timer", 55 * US);
	set_u64(d, cfg, "min_rate", 0);
	CU_ASSERT_EQUAL(d->check(cfg, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "min_rate"));
	set_u64(d, cfg, "min_rate", 1);
	set_double(d, cfg, "alpha_init", -0.5);
	CU_ASSERT_EQUAL(d->check(cfg, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "alpha_init"));
}

static void test_init_sets_line_rate_target_alpha_and_cnp_interval(void)
{
	struct rig r;
	rig_open(&r, "paper");
	CU_ASSERT_EQUAL(rc(&r), LINE);
	CU_ASSERT_EQUAL(rt(&r), LINE);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 1.0, 0);
	CU_ASSERT_EQUAL(r.f[0].cnp_interval_ps, 50 * US);
	CU_ASSERT_EQUAL(r.f[0].window_bytes, UINT64_MAX);
	rig_close(&r);
	const char *kv[] = { "alpha_init", "0.25" };
	rig_open_kv(&r, "mellanox", kv, 1);
	CU_ASSERT_EQUAL(rc(&r), LINE);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 0.25, 0);
	CU_ASSERT_EQUAL(r.f[0].cnp_interval_ps, 4 * US);
	rig_close(&r);
}

/* ---- rate decrease ---- */

static void test_paper_one_cnp_halves_rate(void)
{
	struct rig r;
	rig_open(&r, "paper");
	/* alpha = 1: Rt = Rc = 100G (clamp), Rc = 100G (1 - 1/2) = 50G,
	 * alpha = (255/256) 1 + 1/256 = 1 (exact in binary). */
	cnp_at(&r, 0);
	CU_ASSERT_EQUAL(rc(&r), G(50));
	CU_ASSERT_EQUAL(rt(&r), G(100));
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 1.0, 0);
	CU_ASSERT_EQUAL(stage_t(&r), 0);
	rig_close(&r);
}

static void test_mellanox_one_cnp_halves_rate(void)
{
	struct rig r;
	rig_open(&r, "mellanox");
	/* First CNP: alpha = 1; no clamp and no increase yet, so Rt stays at
	 * 100G; Rc = 50G; alpha = (15/16) 1 + 1/16 = 1. */
	cnp_at(&r, 0);
	CU_ASSERT_EQUAL(rc(&r), G(50));
	CU_ASSERT_EQUAL(rt(&r), G(100));
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 1.0, 0);
	rig_close(&r);
}

static void test_paper_second_cnp_moves_target_down(void)
{
	struct rig r;
	rig_open(&r, "paper");
	/* No holdoff: a second CNP at the same instant cuts again. Rt = Rc =
	 * 50G, Rc = 25G, alpha stays 1. */
	cnp_at(&r, 0);
	cnp_at(&r, 0);
	CU_ASSERT_EQUAL(rc(&r), G(25));
	CU_ASSERT_EQUAL(rt(&r), G(50));
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 1.0, 0);
	rig_close(&r);
}

static void test_mellanox_second_cnp_keeps_target(void)
{
	struct rig r;
	rig_open(&r, "mellanox");
	/* Second cut 4us later (the holdoff): still no increase event since the
	 * first cut (T = 1500us), so Rt stays 100G; Rc = 25G; no alpha period
	 * has ended (K = 55us), alpha = 1. */
	cnp_at(&r, 0);
	cnp_at(&r, 4 * US);
	CU_ASSERT_EQUAL(rc(&r), G(25));
	CU_ASSERT_EQUAL(rt(&r), G(100));
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 1.0, 0);
	rig_close(&r);
}

static void test_mellanox_rate_decrease_interval_holds_off_cuts(void)
{
	struct rig r;
	rig_open(&r, "mellanox");
	cnp_at(&r, 0);                 /* cut: 50G */
	cnp_at(&r, 2 * US);            /* 2us < 4us after the cut: ignored */
	CU_ASSERT_EQUAL(rc(&r), G(50));
	cnp_at(&r, 4 * US - 1);        /* one ps short: still ignored */
	CU_ASSERT_EQUAL(rc(&r), G(50));
	cnp_at(&r, 4 * US);            /* 4us after: cuts, 25G */
	CU_ASSERT_EQUAL(rc(&r), G(25));
	cnp_at(&r, 6 * US);            /* 2us after the new cut: ignored */
	CU_ASSERT_EQUAL(rc(&r), G(25));
	cnp_at(&r, 8 * US);            /* 12.5G */
	CU_ASSERT_EQUAL(rc(&r), 12500000000ull);
	CU_ASSERT_EQUAL(r.notes, 3);
	rig_close(&r);
}

static void test_paper_min_rate_floor_and_truncated_cut(void)
{
	struct rig r;
	rig_open(&r, "paper");
	/* alpha stays 1, so each cut halves (truncating): 100G / 2^k gives
	 * 48,828,125 after 11 cuts, 24,414,062 (not .5) after 12, 12,207,031
	 * after 13, then 6,103,515 < 10M: the floor. */
	for (int k = 0; k < 11; k++)
		cnp_at(&r, 0);
	CU_ASSERT_EQUAL(rc(&r), 48828125);
	cnp_at(&r, 0);
	CU_ASSERT_EQUAL(rc(&r), 24414062);
	cnp_at(&r, 0);
	CU_ASSERT_EQUAL(rc(&r), 12207031);
	cnp_at(&r, 0);
	CU_ASSERT_EQUAL(rc(&r), M(10));
	CU_ASSERT_EQUAL(rt(&r), 12207031);
	for (int k = 0; k < 20; k++)
		cnp_at(&r, 0);
	CU_ASSERT_EQUAL(rc(&r), M(10));
	CU_ASSERT_EQUAL(rt(&r), M(10));
	rig_close(&r);
}

static void test_mellanox_min_rate_floor(void)
{
	struct rig r;
	rig_open(&r, "mellanox");
	/* A cut every 4us keeps alpha at 1 (no alpha period ends): 100G / 2^9
	 * = 195,312,500 after 9 cuts; the 10th would give 97,656,250 < 100M. */
	for (int k = 0; k < 9; k++)
		cnp_at(&r, (uint64_t)k * 4 * US);
	CU_ASSERT_EQUAL(rc(&r), 195312500);
	cnp_at(&r, 36 * US);
	CU_ASSERT_EQUAL(rc(&r), M(100));
	for (int k = 10; k < 30; k++)
		cnp_at(&r, (uint64_t)k * 4 * US);
	CU_ASSERT_EQUAL(rc(&r), M(100));
	CU_ASSERT_EQUAL(rt(&r), LINE);   /* never clamped: no increase event */
	rig_close(&r);
}

/* ---- alpha ---- */

static void test_paper_alpha_decays_per_quiet_period(void)
{
	struct rig r;
	rig_open(&r, "paper");
	/* No CNP: every K = 55us alpha = (1 - g) alpha, from 1. */
	double want = 1.0;
	for (int k = 1; k <= 12; k++) {
		run_to(&r, (uint64_t)k * 55 * US - 1);
		CU_ASSERT_DOUBLE_EQUAL(alpha(&r), want, 0);   /* not yet */
		run_to(&r, (uint64_t)k * 55 * US);
		want = (1.0 - 1.0 / 256) * want;
		CU_ASSERT_DOUBLE_EQUAL(alpha(&r), want, 0);
	}
	CU_ASSERT_EQUAL(rc(&r), LINE);   /* increase events at line rate: no change */
	CU_ASSERT_EQUAL(r.notes, 0);
	rig_close(&r);
}

static void test_mellanox_alpha_decays_per_quiet_period(void)
{
	struct rig r;
	rig_open(&r, "mellanox");
	double want = 1.0;
	for (int k = 1; k <= 12; k++) {
		run_to(&r, (uint64_t)k * 55 * US);
		want = (1.0 - 1.0 / 16) * want;
		CU_ASSERT_DOUBLE_EQUAL(alpha(&r), want, 0);
	}
	rig_close(&r);
}

static void test_paper_alpha_decays_one_period_after_a_cut(void)
{
	struct rig r;
	rig_open(&r, "paper");
	/* The cut at 30us restarts the alpha period: the next decays are at
	 * 85us and 140us, not at 55us and 110us. */
	run_to(&r, 30 * US);
	double a0 = alpha(&r);
	CU_ASSERT_DOUBLE_EQUAL(a0, 1.0, 0);   /* nothing ended yet */
	r.ops->on_cnp(&r.f[0]);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 1.0, 0);
	run_to(&r, 84 * US);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 1.0, 0);
	run_to(&r, 85 * US);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 255.0 / 256, 0);
	run_to(&r, 140 * US);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), (1.0 - 1.0 / 256) * (255.0 / 256), 0);
	rig_close(&r);
}

static void test_mellanox_cnp_without_cut_blocks_one_decay(void)
{
	struct rig r;
	rig_open(&r, "mellanox");
	/* Cut at 0 (alpha 1), a held-off CNP at 2us marks the period 0..55us:
	 * no decay at 55us; the next period is quiet: 15/16 at 110us. */
	cnp_at(&r, 0);
	cnp_at(&r, 2 * US);
	run_to(&r, 55 * US);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 1.0, 0);
	run_to(&r, 110 * US);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 15.0 / 16, 0);
	CU_ASSERT_EQUAL(rc(&r), G(50));
	rig_close(&r);
}

static void test_mellanox_first_cnp_sets_alpha_to_one(void)
{
	struct rig r;
	rig_open(&r, "mellanox");
	/* Ten quiet periods: alpha = (15/16)^10 ~ 0.524; the first CNP resets
	 * it to 1 before cutting, so Rc = 50G exactly, alpha = 1 after. */
	double a = 1.0;
	for (int k = 0; k < 10; k++)
		a = (1.0 - 1.0 / 16) * a;
	run_to(&r, 550 * US);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), a, 0);
	r.ops->on_cnp(&r.f[0]);
	CU_ASSERT_EQUAL(rc(&r), G(50));
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 1.0, 0);
	/* Only the first: after ten more quiet periods (ending at 605us ..
	 * 1100us) the decayed alpha is used. */
	a = 1.0;
	for (int k = 0; k < 10; k++)
		a = (1.0 - 1.0 / 16) * a;
	run_to(&r, 1100 * US);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), a, 0);
	r.ops->on_cnp(&r.f[0]);
	CU_ASSERT_EQUAL(rc(&r), (uint64_t)((double)G(50) * (1.0 - a / 2)));
	rig_close(&r);
	/* With a lower alpha_init the reset is visible at once. */
	const char *kv[] = { "alpha_init", "0.5" };
	rig_open_kv(&r, "mellanox", kv, 1);
	cnp_at(&r, 0);
	CU_ASSERT_EQUAL(rc(&r), G(50));
	rig_close(&r);
}

static void test_paper_first_cnp_uses_the_decayed_alpha(void)
{
	struct rig r;
	rig_open(&r, "paper");
	/* alpha_first_cnp = 0: after ten quiet periods alpha = (255/256)^10
	 * ~ 0.96162, so Rc = floor(100G (1 - alpha/2)) ~ 51.919G and
	 * alpha = (1-g) alpha + g ~ 0.96177. */
	double a = 1.0;
	for (int k = 0; k < 10; k++)
		a = (1.0 - 1.0 / 256) * a;
	run_to(&r, 550 * US);
	r.ops->on_cnp(&r.f[0]);
	CU_ASSERT_EQUAL(rc(&r), (uint64_t)(1e11 * (1.0 - a / 2)));
	CU_ASSERT(rc(&r) > 51919000000ull && rc(&r) < 51920000000ull);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), (1.0 - 1.0 / 256) * a + 1.0 / 256, 0);
	rig_close(&r);
}

/* ---- rate increase ---- */

static void test_paper_fast_recovery_then_additive(void)
{
	struct rig r;
	rig_open(&r, "paper");
	cnp_at(&r, 0);
	cnp_at(&r, 0);   /* Rt 50G, Rc 25G; the timer restarts: events at 55us k */
	/* Events 1..4 (stage < F): Rc_k = Rt - (Rt - Rc_0) / 2^k, Rt fixed:
	 * 37.5G, 43.75G, 46.875G, 48.4375G (all exact). */
	const uint64_t fr[] = { 37500000000ull, 43750000000ull, 46875000000ull, 48437500000ull };
	for (int k = 1; k <= 4; k++) {
		run_to(&r, (uint64_t)k * 55 * US);
		CU_ASSERT_EQUAL(stage_t(&r), (uint64_t)k);
		CU_ASSERT_EQUAL(rc(&r), fr[k - 1]);
		CU_ASSERT_EQUAL(rt(&r), G(50));
	}
	/* Event 5, stage F: additive (the byte stage, 0, keeps it out of
	 * hyper): Rt = 50.04G, Rc = (50.04G + 48.4375G) / 2 = 49,238,750,000. */
	run_to(&r, 5 * 55 * US);
	CU_ASSERT_EQUAL(rt(&r), 50040000000ull);
	CU_ASSERT_EQUAL(rc(&r), 49238750000ull);
	/* Event 6: additive again (min stage 0 <= F): Rt = 50.08G,
	 * Rc = (50.08G + 49.23875G) / 2 = 49,659,375,000. */
	run_to(&r, 6 * 55 * US);
	CU_ASSERT_EQUAL(rt(&r), 50080000000ull);
	CU_ASSERT_EQUAL(rc(&r), 49659375000ull);
	rig_close(&r);
}

static void test_paper_hyper_needs_both_stages_and_scales(void)
{
	struct rig r;
	rig_open(&r, "paper");
	cnp_at(&r, 0);
	cnp_at(&r, 0);   /* Rt 50G, Rc 25G */
	/* Six byte events at t = 0 (stage_t 0): 1..4 fast recovery as above,
	 * 5 and 6 additive: Rt 50.08G, Rc 49,659,375,000. */
	for (int k = 0; k < 6; k++)
		r.ops->on_send(&r.f[0], 10000000);
	CU_ASSERT_EQUAL(stage_b(&r), 6);
	CU_ASSERT_EQUAL(rt(&r), 50080000000ull);
	CU_ASSERT_EQUAL(rc(&r), 49659375000ull);
	/* Timer events 1..5: max stage 6 >= F, min = stage_t <= F: additive,
	 * Rt += 40M each -> 50.28G; Rc halves towards it each time:
	 * 49,889,687,500; 50,024,843,750; 50,112,421,875; 50,176,210,937
	 * (100,352,421,875 / 2 rounds down); 50,228,105,468. */
	run_to(&r, 4 * 55 * US);
	CU_ASSERT_EQUAL(rc(&r), 50176210937ull);
	run_to(&r, 5 * 55 * US);
	CU_ASSERT_EQUAL(rt(&r), 50280000000ull);
	CU_ASSERT_EQUAL(rc(&r), 50228105468ull);
	/* Timer event 6: min(6, 6) > F: hyper, i = 6 - 5 = 1: Rt = 50.48G,
	 * Rc = (50.48G + 50,228,105,468) / 2 = 50,354,052,734. */
	run_to(&r, 6 * 55 * US);
	CU_ASSERT_EQUAL(rt(&r), 50480000000ull);
	CU_ASSERT_EQUAL(rc(&r), 50354052734ull);
	/* Byte event 7: min(6, 7) = 6, i = 1: Rt = 50.68G,
	 * Rc = (50.68G + 50,354,052,734) / 2 = 50,517,026,367. */
	r.ops->on_send(&r.f[0], 10000000);
	CU_ASSERT_EQUAL(rt(&r), 50680000000ull);
	CU_ASSERT_EQUAL(rc(&r), 50517026367ull);
	/* Timer event 7: min(7, 7) = 7, i = 2: Rt += 400M = 51.08G,
	 * Rc = (51.08G + 50,517,026,367) / 2 = 50,798,513,183. */
	run_to(&r, 7 * 55 * US);
	CU_ASSERT_EQUAL(rt(&r), 51080000000ull);
	CU_ASSERT_EQUAL(rc(&r), 50798513183ull);
	rig_close(&r);
}

static void test_mellanox_increase_to_line_rate(void)
{
	struct rig r;
	rig_open(&r, "mellanox");
	/* One cut: Rc 50G, Rt stays 100G; timer events every 1500us. Fast
	 * recovery 75G, 87.5G, 93.75G, 96.875G; event 5 additive: Rt =
	 * 100.005G, Rc = (100.005G + 96.875G) / 2 = 98.44G, Rt clamped to
	 * 100G; events 6.. hyper with a constant 50M: Rc = (100.05G + Rc) / 2:
	 * 99.245G, 99.6475G, 99.84875G, 99.949375G, 99.9996875G, then
	 * 100.02484375G, clamped: exactly 100G at event 11. */
	const uint64_t want[] = { 75000000000ull, 87500000000ull, 93750000000ull, 96875000000ull,
				  98440000000ull, 99245000000ull, 99647500000ull, 99848750000ull,
				  99949375000ull, 99999687500ull, LINE, LINE, LINE };
	cnp_at(&r, 0);
	for (int k = 1; k <= 13; k++) {
		run_to(&r, (uint64_t)k * 1500 * US);
		CU_ASSERT_EQUAL(rc(&r), want[k - 1]);
		CU_ASSERT_EQUAL(rt(&r), LINE);
	}
	/* One notification for the cut and one for each of events 1..11. */
	CU_ASSERT_EQUAL(r.notes, 12);
	rig_close(&r);
}

static void test_mellanox_additive_then_constant_hyper_below_line(void)
{
	struct rig r;
	/* clamp_target = 1 so that the second cut moves Rt below line rate,
	 * where the steps show. */
	const char *kv[] = { "clamp_target", "1" };
	rig_open_kv(&r, "mellanox", kv, 1);
	cnp_at(&r, 0);
	cnp_at(&r, 4 * US);   /* Rt 50G, Rc 25G; timer events at 4us + 1500us k */
	run_to(&r, 4 * US + 4 * 1500 * US);
	CU_ASSERT_EQUAL(rc(&r), 48437500000ull);   /* four fast-recovery steps */
	CU_ASSERT_EQUAL(rt(&r), G(50));
	/* Event 5: Rt = 50.005G, Rc = (50.005G + 48.4375G) / 2 = 49.22125G. */
	run_to(&r, 4 * US + 5 * 1500 * US);
	CU_ASSERT_EQUAL(rt(&r), 50005000000ull);
	CU_ASSERT_EQUAL(rc(&r), 49221250000ull);
	/* Events 6, 7: hyper, + 50M each whatever the stage (hai_scale 0):
	 * Rt 50.055G, Rc 49.638125G; Rt 50.105G, Rc 49.8715625G. */
	run_to(&r, 4 * US + 6 * 1500 * US);
	CU_ASSERT_EQUAL(rt(&r), 50055000000ull);
	CU_ASSERT_EQUAL(rc(&r), 49638125000ull);
	run_to(&r, 4 * US + 7 * 1500 * US);
	CU_ASSERT_EQUAL(rt(&r), 50105000000ull);
	CU_ASSERT_EQUAL(rc(&r), 49871562500ull);
	rig_close(&r);
}

static void test_paper_increase_to_line_rate(void)
{
	struct rig r;
	rig_open(&r, "paper");
	/* One cut: Rc 50G, Rt 100G. Fast recovery 75G .. 96.875G; then
	 * additive (byte stage 0): Rc = (100.04G + Rc) / 2 with Rt clamped
	 * back to 100G each time: 98.4575G, 99.24875G, 99.644375G,
	 * 99.8421875G, 99.94109375G, 99.990546875G, then 100.0152734375G,
	 * clamped: exactly 100G at event 11, and no change after. */
	const uint64_t want[] = { 75000000000ull, 87500000000ull, 93750000000ull, 96875000000ull,
				  98457500000ull, 99248750000ull, 99644375000ull, 99842187500ull,
				  99941093750ull, 99990546875ull, LINE, LINE, LINE };
	cnp_at(&r, 0);
	for (int k = 1; k <= 13; k++) {
		run_to(&r, (uint64_t)k * 55 * US);
		CU_ASSERT_EQUAL(rc(&r), want[k - 1]);
		CU_ASSERT_EQUAL(rt(&r), LINE);
	}
	rig_close(&r);
}

static void test_paper_fast_recovery_rounds_down(void)
{
	struct rig r;
	rig_open(&r, "paper");
	/* 14 cuts: Rt = 12,207,031, Rc = 10M (floor), as above. Fast recovery
	 * (Rt + Rc) / 2, rounding down: 22,207,031 / 2 -> 11,103,515;
	 * 23,310,546 / 2 = 11,655,273; 23,862,304 / 2 = 11,931,152;
	 * 24,138,183 / 2 -> 12,069,091. */
	for (int k = 0; k < 14; k++)
		cnp_at(&r, 0);
	const uint64_t want[] = { 11103515, 11655273, 11931152, 12069091 };
	for (int k = 1; k <= 4; k++) {
		run_to(&r, (uint64_t)k * 55 * US);
		CU_ASSERT_EQUAL(rc(&r), want[k - 1]);
	}
	CU_ASSERT_EQUAL(rt(&r), 12207031);
	rig_close(&r);
}

static void test_paper_byte_counter_event_every_10MB(void)
{
	struct rig r;
	rig_open(&r, "paper");
	cnp_at(&r, 0);   /* Rc 50G, Rt 100G */
	/* 9,999,999 bytes: no event. */
	for (int k = 0; k < 9999; k++)
		r.ops->on_send(&r.f[0], 1000);
	r.ops->on_send(&r.f[0], 999);
	CU_ASSERT_EQUAL(stage_b(&r), 0);
	CU_ASSERT_EQUAL(rc(&r), G(50));
	/* The 10,000,000th byte: stage 1, fast recovery to 75G. */
	r.ops->on_send(&r.f[0], 1);
	CU_ASSERT_EQUAL(stage_b(&r), 1);
	CU_ASSERT_EQUAL(stage_t(&r), 0);
	CU_ASSERT_EQUAL(rc(&r), G(75));
	/* One 25MB call crosses B twice and keeps 5MB: 87.5G, 93.75G; 5MB
	 * more makes the fourth event: 96.875G. */
	r.ops->on_send(&r.f[0], 25000000);
	CU_ASSERT_EQUAL(stage_b(&r), 3);
	CU_ASSERT_EQUAL(rc(&r), 93750000000ull);
	r.ops->on_send(&r.f[0], 4999999);
	CU_ASSERT_EQUAL(stage_b(&r), 3);
	r.ops->on_send(&r.f[0], 1);
	CU_ASSERT_EQUAL(stage_b(&r), 4);
	CU_ASSERT_EQUAL(rc(&r), 96875000000ull);
	/* A cut forgets the partial count: 9MB, cut, 9MB: no event. */
	r.ops->on_send(&r.f[0], 9000000);
	cnp_at(&r, 0);
	CU_ASSERT_EQUAL(stage_b(&r), 0);
	r.ops->on_send(&r.f[0], 9000000);
	CU_ASSERT_EQUAL(stage_b(&r), 0);
	rig_close(&r);
}

static void test_mellanox_byte_counter_off(void)
{
	struct rig r;
	rig_open(&r, "mellanox");
	cnp_at(&r, 0);
	for (int k = 0; k < 100; k++)
		r.ops->on_send(&r.f[0], 1000000000);
	CU_ASSERT_EQUAL(stage_b(&r), 0);
	CU_ASSERT_EQUAL(rc(&r), G(50));
	rig_close(&r);
}

static void test_mellanox_target_set_only_after_an_increase(void)
{
	struct rig r;
	rig_open(&r, "mellanox");
	/* clamp_target 0. Cut at 0: Rt stays 100G. The timer event at 1500us
	 * (stage 1, fast recovery) gives Rc 75G; a cut then sets Rt = 75G
	 * first. Alpha: 1 after the first cut, then 27 quiet periods end by
	 * 1500us (the 27th at 1485us): a = (15/16)^27 ~ 0.17508, so
	 * Rc = floor(75G (1 - a/2)) ~ 68.4347G, alpha = (15/16) a + 1/16. */
	double a = 1.0;
	for (int k = 0; k < 27; k++)
		a = (1.0 - 1.0 / 16) * a;
	cnp_at(&r, 0);
	run_to(&r, 1500 * US);
	CU_ASSERT_EQUAL(rc(&r), G(75));
	CU_ASSERT_EQUAL(rt(&r), LINE);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), a, 0);
	r.ops->on_cnp(&r.f[0]);
	CU_ASSERT_EQUAL(rt(&r), G(75));
	CU_ASSERT_EQUAL(rc(&r), (uint64_t)((double)G(75) * (1.0 - a / 2)));
	CU_ASSERT(rc(&r) > 68434000000ull && rc(&r) < 68435000000ull);
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), (1.0 - 1.0 / 16) * a + 1.0 / 16, 0);
	rig_close(&r);
}

/* ---- notifications, release, invariants ---- */

static void test_rate_notify_on_every_change(void)
{
	struct rig r;
	rig_open(&r, "paper");
	cnp_at(&r, 0);
	cnp_at(&r, 0);
	run_to(&r, 6 * 55 * US);
	/* Two cuts and six increase events, every one a change: 50G, 25G, then
	 * the rates of test_paper_fast_recovery_then_additive. */
	const uint64_t want[] = { G(50), G(25), 37500000000ull, 43750000000ull, 46875000000ull,
				  48437500000ull, 49238750000ull, 49659375000ull };
	CU_ASSERT_EQUAL_FATAL(r.notes, 8);
	for (size_t i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(r.seen[i], want[i]);
	/* At the floor a cut changes nothing and announces nothing. */
	rig_close(&r);
	rig_open(&r, "paper");
	for (int k = 0; k < 30; k++)
		cnp_at(&r, 0);
	CU_ASSERT_EQUAL(r.notes, 14);
	rig_close(&r);
}

static void test_release_disarms_timers(void)
{
	struct rig r;
	rig_open(&r, "paper");
	flow_start(&r, 1);       /* a second flow sharing the timer lists */
	cnp_at(&r, 0);           /* flow 0: 50G */
	r.ops->on_cnp(&r.f[1]);  /* flow 1: 50G */
	flow_release(&r, 0);
	/* Flow 1's timers still run: fast recovery to 75G at 55us. */
	run_to(&r, 55 * US);
	CU_ASSERT_EQUAL(r.f[1].rate_bps, G(75));
	CU_ASSERT_EQUAL(rc(&r), G(50));
	flow_release(&r, 1);
	/* Nothing left: the engine has no event and drains at once. */
	CU_ASSERT_EQUAL(net_engine_next_time(&r.eng), NET_TIME_NEVER);
	size_t notes = r.notes;
	CU_ASSERT_EQUAL(net_engine_run(&r.eng), 0);
	CU_ASSERT_EQUAL(r.eng.now_ps, 55 * US);
	CU_ASSERT_EQUAL(r.notes, notes);
	CU_ASSERT_EQUAL(rc(&r), G(50));
	CU_ASSERT_EQUAL(r.f[1].rate_bps, G(75));
	rig_close(&r);
}

/* Random CNPs, sends and time steps (a fixed LCG): the rate stays within
 * [min_rate, line rate] and under the target, alpha within [0, 1]. */
static void bounds_under_random_signals(const char *preset, uint64_t min_bps, uint64_t max_step_ps)
{
	struct rig r;
	rig_open(&r, preset);
	uint64_t x = 12345, t = 0;
	for (int i = 0; i < 5000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		unsigned pick = (unsigned)(x >> 60);
		if (pick < 5)
			r.ops->on_cnp(&r.f[0]);
		else if (pick < 10)
			r.ops->on_send(&r.f[0], (uint32_t)(x >> 40));
		else
			run_to(&r, t += (x >> 20) % max_step_ps);
		CU_ASSERT(rc(&r) >= min_bps && rc(&r) <= LINE);
		CU_ASSERT(rc(&r) <= rt(&r) && rt(&r) <= LINE);
		CU_ASSERT(alpha(&r) >= 0 && alpha(&r) <= 1);
	}
	rig_close(&r);
}

static void test_rate_stays_in_bounds_under_random_signals(void)
{
	bounds_under_random_signals("paper", M(10), 200 * US);
	bounds_under_random_signals("mellanox", M(100), 4000 * US);
}

static void test_shared_init_rejects_zero_alpha_timer(void)
{
	const struct cc_ops *d = cc_find("dcqcn");
	struct net_engine eng;
	char cfg[512];
	int bad;
	CU_ASSERT_EQUAL_FATAL(net_engine_init(&eng), 0);
	CU_ASSERT_EQUAL_FATAL(build(d, cfg, "paper", NULL, 0, &bad), 0);
	set_u64(d, cfg, "alpha_timer", 0);
	void *shared = calloc(1, d->shared_size);
	CU_ASSERT_EQUAL(d->shared_init(shared, cfg, &eng), NET_ERR_INVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(net_errmsg(&eng), "alpha_timer"));
	free(shared);
	net_engine_fini(&eng);
}

/* ---- the HPCC ns-3 timer machine (preset hpcc-ns3: g 1/256, K 1us, D 4us,
 * T 300us, F 1, R_AI 20M, R_HAI 200M, min 1G, clamp off) ---- */

#define NS 1000ull

/* The first CNP cuts nothing: it sets alpha = 1 and starts the timers. Alpha
 * then decays at 1, 2, 3, 4 us ((255/256)^4 = 0.98446631...), and the
 * decrease check at 4 us + 1 ns finds the CNP: stage 0 and no clamp keep
 * Rt = 100G; Rc = floor(100G x (1 - 0.98446631/2)) = 50,776,684,272. The
 * increase timer starts then: at 304 us + 1 ns, stage 0 < F: fast recovery,
 * Rc = Rc/2 + Rt/2 = 25,388,342,136 + 50G; at 604 us + 1 ns, stage 1 = F:
 * additive, Rt = min(100G + 20M, 100G) = 100G, Rc = 37,694,171,068 + 50G;
 * at 904 us + 1 ns, stage 2 > F: hyper, Rt capped again, Rc =
 * 43,847,085,534 + 50G. */
static void test_ns3_first_cnp_starts_timers_then_cuts_at_the_check(void)
{
	struct rig r;
	rig_open(&r, "hpcc-ns3");
	CU_ASSERT_EQUAL(r.eng.n, 0);                 /* no timer before a CNP */
	cnp_at(&r, 0);
	CU_ASSERT_EQUAL(rc(&r), G(100));
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 1.0, 0);
	run_to(&r, 4 * US);
	CU_ASSERT_EQUAL(rc(&r), G(100));             /* the check is 1 ns later */
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), 0.98446631454862654, 1e-15);
	run_to(&r, 4 * US + NS);
	CU_ASSERT_EQUAL(rc(&r), 50776684272ull);
	CU_ASSERT_EQUAL(rt(&r), G(100));
	CU_ASSERT_EQUAL(stage_t(&r), 0);
	run_to(&r, 304 * US);
	CU_ASSERT_EQUAL(rc(&r), 50776684272ull);
	run_to(&r, 304 * US + NS);
	CU_ASSERT_EQUAL(rc(&r), 75388342136ull);
	CU_ASSERT_EQUAL(stage_t(&r), 1);
	run_to(&r, 604 * US + NS);
	CU_ASSERT_EQUAL(rt(&r), G(100));
	CU_ASSERT_EQUAL(rc(&r), 87694171068ull);
	run_to(&r, 904 * US + NS);
	CU_ASSERT_EQUAL(rc(&r), 93847085534ull);
	CU_ASSERT_EQUAL(stage_t(&r), 3);
	CU_ASSERT_EQUAL(r.notes, 4);
	rig_close(&r);
}

/* A CNP between checks cuts at the next check, never at the CNP; checks
 * without a CNP change nothing. CNPs at 0 and 6.5 us: alpha decays at 1..6
 * us, rises at 7 us ((1-g) a + g) and decays at 8 us; the checks at 4 us + 1
 * ns and 8 us + 1 ns cut with the alpha of that moment, the second with
 * stage 0 (no increase yet: T = 300 us), so Rt stays 100G. The check at
 * 12 us + 1 ns finds no CNP. */
static void test_ns3_cnp_between_checks_cuts_at_the_next(void)
{
	struct rig r;
	const double g = 1.0 / 256;
	rig_open(&r, "hpcc-ns3");
	cnp_at(&r, 0);
	run_to(&r, 4 * US + NS);
	double a = 1.0;
	for (int i = 0; i < 4; i++)
		a = (1 - g) * a;
	uint64_t r1 = (uint64_t)((double)G(100) * (1 - a / 2));
	CU_ASSERT_EQUAL(rc(&r), r1);
	cnp_at(&r, 6500 * NS);
	CU_ASSERT_EQUAL(rc(&r), r1);
	run_to(&r, 8 * US + NS);
	a = (1 - g) * a;                 /* 5 us */
	a = (1 - g) * a;                 /* 6 us */
	a = (1 - g) * a + g;             /* 7 us: the CNP at 6.5 us */
	a = (1 - g) * a;                 /* 8 us */
	CU_ASSERT_DOUBLE_EQUAL(alpha(&r), a, 1e-15);
	uint64_t r2 = (uint64_t)((double)r1 * (1 - a / 2));
	CU_ASSERT_EQUAL(rc(&r), r2);
	CU_ASSERT_EQUAL(rt(&r), G(100));
	run_to(&r, 12 * US + NS);
	CU_ASSERT_EQUAL(rc(&r), r2);
	CU_ASSERT_EQUAL(r.notes, 2);
	rig_close(&r);
}

/* The clamp: off, a cut after an increase (stage > 0) still sets Rt = Rc;
 * on, every cut does. With g = 0 (EWMA_GAIN omitted) alpha stays 1, so
 * every cut halves. CNP at 0: cut at 4 us + 1 ns to 50G (Rt 100G). Fast
 * recovery at 304 us + 1 ns: 25G + 50G = 75G, stage 1. CNP at 305 us: the
 * check at 308 us + 1 ns cuts with stage 1: Rt = 75G, Rc = 37.5G. With
 * clamp_target 1 the first cut already sets Rt = 100G (= Rc then). */
static void test_ns3_clamp_rule(void)
{
	for (int clamp = 0; clamp < 2; clamp++) {
		struct rig r;
		const char *kv[] = { "g", "0", "clamp_target", clamp ? "1" : "0" };
		rig_open_kv(&r, "hpcc-ns3", kv, 2);
		cnp_at(&r, 0);
		run_to(&r, 4 * US + NS);
		CU_ASSERT_EQUAL(rc(&r), G(50));
		CU_ASSERT_EQUAL(rt(&r), G(100));
		run_to(&r, 304 * US + NS);
		CU_ASSERT_EQUAL(rc(&r), G(75));
		cnp_at(&r, 305 * US);
		run_to(&r, 308 * US + NS);
		CU_ASSERT_EQUAL(rt(&r), G(75));
		CU_ASSERT_EQUAL(rc(&r), 37500000000ull);
		CU_ASSERT_EQUAL(stage_t(&r), 0);
		rig_close(&r);
	}
	/* Clamp on differs where the stage is 0: two cuts in a row. */
	struct rig r;
	const char *on[] = { "g", "0", "clamp_target", "1" }, *off[] = { "g", "0" };
	rig_open_kv(&r, "hpcc-ns3", on, 2);
	cnp_at(&r, 0);
	cnp_at(&r, 5 * US);
	run_to(&r, 8 * US + NS);                     /* second cut, stage 0 */
	CU_ASSERT_EQUAL(rt(&r), G(50));
	CU_ASSERT_EQUAL(rc(&r), G(25));
	rig_close(&r);
	rig_open_kv(&r, "hpcc-ns3", off, 1);
	cnp_at(&r, 0);
	cnp_at(&r, 5 * US);
	run_to(&r, 8 * US + NS);
	CU_ASSERT_EQUAL(rt(&r), G(100));
	CU_ASSERT_EQUAL(rc(&r), G(25));
	rig_close(&r);
}

/* Hyper increase adds a constant R_HAI to Rt once it is below the line rate
 * (F = 1, alpha 1): cut to 50G at 4 us + 1 ns; CNP at 305 us after fast
 * recovery (75G) cuts at 308 us + 1 ns with Rt = 75G, Rc = 37.5G; then
 * 608 us + 1 ns fast recovery (stage 0): 18.75G + 37.5G = 56.25G; 908 us + 1
 * ns additive (stage 1): Rt = 75.02G, Rc = 28.125G + 37.51G = 65.635G;
 * 1208 us + 1 ns hyper (stage 2): Rt = 75.22G, Rc = 32.8175G + 37.61G. And
 * the floor: repeated cuts stop at the 1G minimum. */
static void test_ns3_increase_stages_and_floor(void)
{
	struct rig r;
	const char *kv[] = { "g", "0" };
	rig_open_kv(&r, "hpcc-ns3", kv, 1);
	cnp_at(&r, 0);
	cnp_at(&r, 305 * US);
	run_to(&r, 308 * US + NS);
	CU_ASSERT_EQUAL(rc(&r), 37500000000ull);
	run_to(&r, 608 * US + NS);
	CU_ASSERT_EQUAL(rc(&r), 56250000000ull);
	CU_ASSERT_EQUAL(rt(&r), G(75));
	run_to(&r, 908 * US + NS);
	CU_ASSERT_EQUAL(rt(&r), 75020000000ull);
	CU_ASSERT_EQUAL(rc(&r), 65635000000ull);
	run_to(&r, 1208 * US + NS);
	CU_ASSERT_EQUAL(rt(&r), 75220000000ull);
	CU_ASSERT_EQUAL(rc(&r), 70427500000ull);
	rig_close(&r);

	/* 100G halves at every check with a CNP: 50, 25, 12.5, 6.25, 3.125,
	 * 1.5625, then 0.78125 is raised to the 1G floor. */
	rig_open_kv(&r, "hpcc-ns3", kv, 1);
	for (int i = 0; i < 8; i++)
		cnp_at(&r, (uint64_t)i * 4 * US + 2 * US);
	run_to(&r, 32 * US + NS);
	CU_ASSERT_EQUAL(rc(&r), G(1));
	rig_close(&r);
}

/* Release (the QP completed) stops all three timers. */
static void test_ns3_release_stops_timers(void)
{
	struct rig r;
	rig_open(&r, "hpcc-ns3");
	cnp_at(&r, 0);
	run_to(&r, 5 * US);
	CU_ASSERT(r.eng.n >= 3);          /* alpha, decrease check, increase timer */
	flow_release(&r, 0);
	CU_ASSERT_EQUAL(r.eng.n, 0);
	rig_close(&r);
}

static const struct unit_test dcqcn_tests[] = {
	{ "ns3_first_cnp_starts_timers_then_cuts_at_the_check",
	  test_ns3_first_cnp_starts_timers_then_cuts_at_the_check },
	{ "ns3_cnp_between_checks_cuts_at_the_next", test_ns3_cnp_between_checks_cuts_at_the_next },
	{ "ns3_clamp_rule", test_ns3_clamp_rule },
	{ "ns3_increase_stages_and_floor", test_ns3_increase_stages_and_floor },
	{ "ns3_release_stops_timers", test_ns3_release_stops_timers },
	{ "registered_and_asks_for_cnps", test_registered_and_asks_for_cnps },
	{ "presets_set_every_parameter", test_presets_set_every_parameter },
	{ "defaults_are_the_paper_preset_and_overrides_follow_it",
	  test_defaults_are_the_paper_preset_and_overrides_follow_it },
	{ "unknown_preset_is_an_error_naming_both", test_unknown_preset_is_an_error_naming_both },
	{ "check_rejects_inconsistent_configs", test_check_rejects_inconsistent_configs },
	{ "shared_init_rejects_zero_alpha_timer", test_shared_init_rejects_zero_alpha_timer },
	{ "init_sets_line_rate_target_alpha_and_cnp_interval",
	  test_init_sets_line_rate_target_alpha_and_cnp_interval },
	{ "paper_one_cnp_halves_rate", test_paper_one_cnp_halves_rate },
	{ "mellanox_one_cnp_halves_rate", test_mellanox_one_cnp_halves_rate },
	{ "paper_second_cnp_moves_target_down", test_paper_second_cnp_moves_target_down },
	{ "mellanox_second_cnp_keeps_target", test_mellanox_second_cnp_keeps_target },
	{ "mellanox_rate_decrease_interval_holds_off_cuts",
	  test_mellanox_rate_decrease_interval_holds_off_cuts },
	{ "paper_min_rate_floor_and_truncated_cut", test_paper_min_rate_floor_and_truncated_cut },
	{ "mellanox_min_rate_floor", test_mellanox_min_rate_floor },
	{ "paper_alpha_decays_per_quiet_period", test_paper_alpha_decays_per_quiet_period },
	{ "mellanox_alpha_decays_per_quiet_period", test_mellanox_alpha_decays_per_quiet_period },
	{ "paper_alpha_decays_one_period_after_a_cut", test_paper_alpha_decays_one_period_after_a_cut },
	{ "mellanox_cnp_without_cut_blocks_one_decay",
	  test_mellanox_cnp_without_cut_blocks_one_decay },
	{ "mellanox_first_cnp_sets_alpha_to_one", test_mellanox_first_cnp_sets_alpha_to_one },
	{ "paper_first_cnp_uses_the_decayed_alpha", test_paper_first_cnp_uses_the_decayed_alpha },
	{ "paper_fast_recovery_then_additive", test_paper_fast_recovery_then_additive },
	{ "paper_hyper_needs_both_stages_and_scales", test_paper_hyper_needs_both_stages_and_scales },
	{ "mellanox_increase_to_line_rate", test_mellanox_increase_to_line_rate },
	{ "mellanox_additive_then_constant_hyper_below_line",
	  test_mellanox_additive_then_constant_hyper_below_line },
	{ "paper_increase_to_line_rate", test_paper_increase_to_line_rate },
	{ "paper_fast_recovery_rounds_down", test_paper_fast_recovery_rounds_down },
	{ "paper_byte_counter_event_every_10MB", test_paper_byte_counter_event_every_10MB },
	{ "mellanox_byte_counter_off", test_mellanox_byte_counter_off },
	{ "mellanox_target_set_only_after_an_increase",
	  test_mellanox_target_set_only_after_an_increase },
	{ "rate_notify_on_every_change", test_rate_notify_on_every_change },
	{ "release_disarms_timers", test_release_disarms_timers },
	{ "rate_stays_in_bounds_under_random_signals",
	  test_rate_stays_in_bounds_under_random_signals },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "dcqcn", dcqcn_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
