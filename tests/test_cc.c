/*
 * tests/test_cc.c - the congestion-control plug-in point: the registry's
 * rules, parameters by name with units and ranges, and the `none` fallback.
 */
#include <string.h>

#include "cc/cc.h"
#include "tests/unit_main.h"

/* A toy algorithm with one parameter of each type, to exercise the table. */
struct toy_cfg {
	uint64_t rate_bps;
	uint64_t timer_ps;
	uint64_t bytes;
	uint64_t stages;
	double g;
};

static const struct cc_param toy_params[] = {
	{ "rate", CC_P_RATE, offsetof(struct toy_cfg, rate_bps), 1e6, 1e12, "a rate" },
	{ "timer", CC_P_TIME, offsetof(struct toy_cfg, timer_ps), 1e6, 1e12, "a time" },
	{ "bytes", CC_P_BYTES, offsetof(struct toy_cfg, bytes), 1, 1e9, "a size" },
	{ "stages", CC_P_UINT, offsetof(struct toy_cfg, stages), 1, 10, "a count" },
	{ "g", CC_P_DOUBLE, offsetof(struct toy_cfg, g), 0, 1, "a gain" },
};

static void toy_defaults(void *cfg)
{
	struct toy_cfg *c = cfg;
	*c = (struct toy_cfg){ 40000000, 55000000, 10000000, 5, 1.0 / 256 };
}

static void toy_init(struct cc_flow *f) { f->rate_bps = f->line_rate_bps / 2; }

static const struct cc_ops toy = {
	.name = "toy", .cfg_size = sizeof(struct toy_cfg), .params = toy_params,
	.nparams = sizeof(toy_params) / sizeof(toy_params[0]), .defaults = toy_defaults,
	.init = toy_init,
};

static char err[512];

static void test_builtin_registry_passes_its_rules(void)
{
	CU_ASSERT_EQUAL(cc_registry_check(err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(cc_find("none"));
	CU_ASSERT_PTR_NULL(cc_find("warp-drive"));
	CU_ASSERT_PTR_NOT_NULL(strstr(cc_names(), "none"));
}

static void test_registry_rejects_missing_init(void)
{
	const struct cc_ops bad = { .name = "bad" };
	const struct cc_ops *tab[] = { &toy, &bad };
	CU_ASSERT_EQUAL(cc_ops_check(tab, 2, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing name or init"));
}

static void test_registry_rejects_duplicate_names(void)
{
	const struct cc_ops *tab[] = { &toy, &toy };
	CU_ASSERT_EQUAL(cc_ops_check(tab, 2, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "toy: registered twice"));
}

static void test_registry_rejects_config_without_defaults(void)
{
	struct cc_ops nodef = toy;
	nodef.defaults = NULL;
	const struct cc_ops *tab[] = { &nodef };
	CU_ASSERT_EQUAL(cc_ops_check(tab, 1, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no defaults"));
}

static void test_params_set_by_name_with_units(void)
{
	struct toy_cfg c;
	toy_defaults(&c);
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "rate", "40Mbps", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.rate_bps, 40000000ull);
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "timer", "1.5us", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.timer_ps, 1500000ull);
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "bytes", "10MB", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.bytes, 10000000ull);
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "stages", "5", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.stages, 5);
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "g", "0.00390625", err, sizeof(err)), 0);
	CU_ASSERT_DOUBLE_EQUAL(c.g, 1.0 / 256, 0);
}

static void test_params_reject_out_of_range_and_bad_units(void)
{
	struct toy_cfg c;
	toy_defaults(&c);
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "stages", "11", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "out of range"));
	CU_ASSERT_EQUAL(c.stages, 5);   /* unchanged */
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "g", "1.5", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "rate", "40", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "timer", "55", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cc_param_set(&toy, &c, "speed", "1Gbps", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected one of: rate, timer, bytes, stages, g"));
}

static void test_none_sends_at_line_rate_without_window(void)
{
	const struct cc_ops *none = cc_find("none");
	struct cc_flow f = { .line_rate_bps = 100000000000ull, .rate_bps = 1, .window_bytes = 7 };
	none->init(&f);
	CU_ASSERT_EQUAL(f.rate_bps, 100000000000ull);
	CU_ASSERT_EQUAL(f.window_bytes, UINT64_MAX);
	CU_ASSERT_EQUAL(cc_param_set(none, NULL, "g", "0.5", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "takes no parameters"));
}

static const struct unit_test cc_tests[] = {
	{ "builtin_registry_passes_its_rules", test_builtin_registry_passes_its_rules },
	{ "registry_rejects_missing_init", test_registry_rejects_missing_init },
	{ "registry_rejects_duplicate_names", test_registry_rejects_duplicate_names },
	{ "registry_rejects_config_without_defaults", test_registry_rejects_config_without_defaults },
	{ "params_set_by_name_with_units", test_params_set_by_name_with_units },
	{ "params_reject_out_of_range_and_bad_units", test_params_reject_out_of_range_and_bad_units },
	{ "none_sends_at_line_rate_without_window", test_none_sends_at_line_rate_without_window },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "cc", cc_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
