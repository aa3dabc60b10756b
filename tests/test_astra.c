/*
 * tests/test_astra.c - topo/astra.c: ASTRA-sim network YAML files read into
 * struct topo_params (multi-dim).
 *
 * Each test writes its file under /tmp (mkstemp) and removes it. Expected
 * values are worked out by hand in pktsim's units: one ASTRA-sim GB/s is
 * 2^30 bytes/s = 8,589,934,592 bits/s, one ns is 1000 ps. Error tests check
 * the "PATH:LINE: KEY:" prefix exactly and the message by a fragment.
 */
#include "tests/unit_main.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/engine.h"
#include "topo/astra.h"

static char err[512], warn[512];
static char path[64];

static void write_tmp(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/pktsim-astra-XXXXXX");
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	FILE *f = fdopen(fd, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
}

/* Load text; on failure print the message so a broken test says why. */
static int load(const char *text, struct topo_params *p)
{
	memset(p, 0, sizeof(*p));
	err[0] = warn[0] = '\0';
	write_tmp(text);
	int rc = topo_load_astra(path, p, err, sizeof(err), warn, sizeof(warn));
	unlink(path);
	if (rc != 0)
		fprintf(stderr, "\n  load failed: %s\n", err);
	return rc;
}

static int params_is_zero(const struct topo_params *p)
{
	static const struct topo_params zero;
	return !memcmp(p, &zero, sizeof(zero));
}

/* Loading text fails; err is "PATH:LINE: KEY: ..." (line 0: "PATH: ...";
 * key NULL: no key) and contains needle; p is left as it was. */
static void expect_error(const char *text, int line, const char *key, const char *needle)
{
	struct topo_params p;
	char where[200];
	int n;

	memset(&p, 0, sizeof(p));
	err[0] = '\0';
	snprintf(warn, sizeof(warn), "untouched");
	write_tmp(text);
	CU_ASSERT(topo_load_astra(path, &p, err, sizeof(err), warn, sizeof(warn)) < 0);
	unlink(path);
	n = line > 0 ? snprintf(where, sizeof(where), "%s:%d: ", path, line)
		     : snprintf(where, sizeof(where), "%s: ", path);
	if (key)
		snprintf(where + n, sizeof(where) - (size_t)n, "%s: ", key);
	int ok_where = !strncmp(err, where, strlen(where));
	int ok_needle = strstr(err, needle) != NULL;
	if (!ok_where || !ok_needle)
		fprintf(stderr, "\n  got \"%s\"\n  wanted \"%s... %s\"\n", err, where, needle);
	CU_ASSERT(ok_where);
	CU_ASSERT(ok_needle);
	CU_ASSERT(params_is_zero(&p));
	CU_ASSERT_STRING_EQUAL(warn, "");
}

/* 50 x 2^30 x 8 */
#define BPS_50 429496729600ull

/* ---- valid files ---- */

static void test_one_dim_ring(void)
{
	struct topo_params p;

	CU_ASSERT_EQUAL_FATAL(load("topology: [ Ring ]\n"
				   "npus_count: [ 8 ]\n"
				   "bandwidth: [ 50 ]  # GB/s\n"
				   "latency: [ 500 ]   # ns\n",
				   &p), 0);
	CU_ASSERT_STRING_EQUAL(p.kind, "multi-dim");
	CU_ASSERT_EQUAL(p.nmd, 1);
	CU_ASSERT_EQUAL(p.md[0].kind, TOPO_DIM_RING);
	CU_ASSERT_EQUAL(p.md[0].npus, 8);
	CU_ASSERT_EQUAL(p.md[0].link.rate_bps, BPS_50);
	CU_ASSERT_EQUAL(p.md[0].link.delay_ps, 500000);
	CU_ASSERT_STRING_EQUAL(warn, "");
	/* Only kind, nmd and md are the loader's. */
	p.kind = NULL;
	p.nmd = 0;
	memset(p.md, 0, sizeof(p.md));
	CU_ASSERT(params_is_zero(&p));
}

static void test_two_dims_ring_switch(void)
{
	struct topo_params p;

	CU_ASSERT_EQUAL_FATAL(load("topology: [ Ring, Switch ]\n"
				   "npus_count: [ 4, 8 ]\n"
				   "bandwidth: [ 50, 12.5 ]\n"
				   "latency: [ 500, 500.5 ]\n",
				   &p), 0);
	CU_ASSERT_STRING_EQUAL(p.kind, "multi-dim");
	CU_ASSERT_EQUAL(p.nmd, 2);
	CU_ASSERT_EQUAL(p.md[0].kind, TOPO_DIM_RING);
	CU_ASSERT_EQUAL(p.md[0].npus, 4);
	CU_ASSERT_EQUAL(p.md[0].link.rate_bps, BPS_50);
	CU_ASSERT_EQUAL(p.md[0].link.delay_ps, 500000);
	CU_ASSERT_EQUAL(p.md[1].kind, TOPO_DIM_SWITCH);
	CU_ASSERT_EQUAL(p.md[1].npus, 8);
	/* 12.5 x 2^33 = 107,374,182,400 exactly */
	CU_ASSERT_EQUAL(p.md[1].link.rate_bps, 107374182400ull);
	CU_ASSERT_EQUAL(p.md[1].link.delay_ps, 500500);
	CU_ASSERT_EQUAL(p.md[2].npus, 0);
}

static void test_three_dims_block_lists(void)
{
	struct topo_params p;

	CU_ASSERT_EQUAL_FATAL(load("topology:\n"
				   "  - Ring\n"
				   "  - FullyConnected\n"
				   "  - Switch\n"
				   "npus_count:\n"
				   "  - 2\n"
				   "  - 4\n"
				   "  - 4\n"
				   "bandwidth: [200, 100, 50]\n"
				   "latency: [100, 250, 0]\n",
				   &p), 0);
	CU_ASSERT_EQUAL(p.nmd, 3);
	CU_ASSERT_EQUAL(p.md[0].kind, TOPO_DIM_RING);
	CU_ASSERT_EQUAL(p.md[1].kind, TOPO_DIM_FC);
	CU_ASSERT_EQUAL(p.md[2].kind, TOPO_DIM_SWITCH);
	CU_ASSERT_EQUAL(p.md[0].npus, 2);
	CU_ASSERT_EQUAL(p.md[1].npus, 4);
	CU_ASSERT_EQUAL(p.md[2].npus, 4);
	CU_ASSERT_EQUAL(p.md[0].link.rate_bps, 4 * BPS_50);
	CU_ASSERT_EQUAL(p.md[1].link.rate_bps, 2 * BPS_50);
	CU_ASSERT_EQUAL(p.md[2].link.rate_bps, BPS_50);
	CU_ASSERT_EQUAL(p.md[0].link.delay_ps, 100000);
	CU_ASSERT_EQUAL(p.md[1].link.delay_ps, 250000);
	CU_ASSERT_EQUAL(p.md[2].link.delay_ps, 0);
}

static void test_lower_case_kinds(void)
{
	struct topo_params p;

	CU_ASSERT_EQUAL_FATAL(load("topology: [ring, fully-connected, switch]\n"
				   "npus_count: [2, 2, 2]\n"
				   "bandwidth: [1, 1, 1]\n"
				   "latency: [1, 1, 1]\n",
				   &p), 0);
	CU_ASSERT_EQUAL(p.md[0].kind, TOPO_DIM_RING);
	CU_ASSERT_EQUAL(p.md[1].kind, TOPO_DIM_FC);
	CU_ASSERT_EQUAL(p.md[2].kind, TOPO_DIM_SWITCH);
	CU_ASSERT_EQUAL(p.md[0].link.rate_bps, 8589934592ull);
	CU_ASSERT_EQUAL(p.md[0].link.delay_ps, 1000);
}

static void test_decimal_forms_convert_exactly(void)
{
	struct topo_params p;

	CU_ASSERT_EQUAL_FATAL(load("topology: [Ring, Ring, Ring, Ring]\n"
				   "npus_count: [2, 2, 2, 2]\n"
				   "bandwidth: [0.25, \"25\", 1e2, 3.125]\n"
				   "latency: [0.001, 1.5e3, 0.0004, 0.0006]\n",
				   &p), 0);
	CU_ASSERT_EQUAL(p.md[0].link.rate_bps, 2147483648ull);       /* 2^31 */
	CU_ASSERT_EQUAL(p.md[1].link.rate_bps, 214748364800ull);     /* 25 x 2^33 */
	CU_ASSERT_EQUAL(p.md[2].link.rate_bps, 858993459200ull);     /* 100 x 2^33 */
	CU_ASSERT_EQUAL(p.md[3].link.rate_bps, 26843545600ull);      /* 3.125 x 2^33 */
	CU_ASSERT_EQUAL(p.md[0].link.delay_ps, 1);
	CU_ASSERT_EQUAL(p.md[1].link.delay_ps, 1500000);
	/* Below a ps: rounded to the nearest. */
	CU_ASSERT_EQUAL(p.md[2].link.delay_ps, 0);
	CU_ASSERT_EQUAL(p.md[3].link.delay_ps, 1);
}

static void test_inexact_bandwidth_rounds_to_nearest_bit(void)
{
	struct topo_params p;

	/* 0.1 x 2^33 = 858,993,459.2 -> 858,993,459; 0.3 x 2^33 =
	 * 2,576,980,377.6 -> 2,576,980,378. */
	CU_ASSERT_EQUAL_FATAL(load("topology: [Ring, Switch]\n"
				   "npus_count: [2, 2]\n"
				   "bandwidth: [0.1, 0.3]\n"
				   "latency: [1, 1]\n",
				   &p), 0);
	CU_ASSERT_EQUAL(p.md[0].link.rate_bps, 858993459ull);
	CU_ASSERT_EQUAL(p.md[1].link.rate_bps, 2576980378ull);
}

static void test_eight_dims_accepted(void)
{
	struct topo_params p;

	CU_ASSERT_EQUAL_FATAL(load("topology: [Ring, Ring, Ring, Ring, Ring, Ring, Ring, Switch]\n"
				   "npus_count: [2, 2, 2, 2, 2, 2, 2, 2]\n"
				   "bandwidth: [1, 2, 3, 4, 5, 6, 7, 8]\n"
				   "latency: [1, 2, 3, 4, 5, 6, 7, 8]\n",
				   &p), 0);
	CU_ASSERT_EQUAL(p.nmd, 8);
	CU_ASSERT_EQUAL(p.md[7].kind, TOPO_DIM_SWITCH);
	CU_ASSERT_EQUAL(p.md[7].link.rate_bps, 8 * 8589934592ull);
	CU_ASSERT_EQUAL(p.md[7].link.delay_ps, 8000);
}

static void test_extra_keys_give_a_warning(void)
{
	struct topo_params p;
	char want[256];

	CU_ASSERT_EQUAL_FATAL(load("topology: [Ring]\n"
				   "links_count: [7]\n"
				   "npus_count: [8]\n"
				   "bandwidth: [50]\n"
				   "latency: [500]\n"
				   "topology_name: ring8\n",
				   &p), 0);
	CU_ASSERT_EQUAL(p.md[0].npus, 8);
	snprintf(want, sizeof(want), "%s: keys not modelled by pktsim: links_count, topology_name",
		 path);
	CU_ASSERT_STRING_EQUAL(warn, want);
}

static void test_warning_is_optional_and_truncates_safely(void)
{
	struct topo_params p;
	char small[12];
	const char *text = "topology: [Ring]\nnpus_count: [8]\nbandwidth: [50]\nlatency: [500]\n"
			   "a_long_foreign_key: 1\n";

	write_tmp(text);
	CU_ASSERT_EQUAL(topo_load_astra(path, &p, err, sizeof(err), NULL, 0), 0);
	memset(small, 'x', sizeof(small));
	CU_ASSERT_EQUAL(topo_load_astra(path, &p, err, sizeof(err), small, sizeof(small)), 0);
	CU_ASSERT_EQUAL(strlen(small), sizeof(small) - 1);
	CU_ASSERT(!strncmp(small, path, sizeof(small) - 1));
	unlink(path);
}

/* ---- errors ---- */

static void test_missing_file(void)
{
	struct topo_params p;

	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(topo_load_astra("/nonexistent/network.yml", &p, err, sizeof(err), warn,
					sizeof(warn)), NET_ERR_IO);
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/network.yml: cannot open: No such file or "
			       "directory");
	CU_ASSERT(params_is_zero(&p));
}

static void test_yaml_syntax_error(void)
{
	struct topo_params p;
	char where[100];

	memset(&p, 0, sizeof(p));
	write_tmp("topology: [Ring\nnpus_count: [8]\n");
	CU_ASSERT_EQUAL(topo_load_astra(path, &p, err, sizeof(err), warn, sizeof(warn)),
			NET_ERR_INVAL);
	unlink(path);
	/* Line and column, like the experiment loader: libyaml notices the
	 * unclosed list where the next key's ':' appears. */
	snprintf(where, sizeof(where), "%s:2:11: YAML syntax error: ", path);
	if (strncmp(err, where, strlen(where)))
		fprintf(stderr, "\n  got \"%s\"\n  wanted \"%s...\"\n", err, where);
	CU_ASSERT(!strncmp(err, where, strlen(where)));
	CU_ASSERT(params_is_zero(&p));
}

static void test_empty_file(void)
{
	expect_error("# nothing\n", 0, NULL, "empty file");
}

static void test_not_a_map(void)
{
	expect_error("- Ring\n- Switch\n", 1, NULL, "expected a map with keys topology, "
		     "npus_count, bandwidth, latency, found a list");
}

static void test_missing_key(void)
{
	expect_error("topology: [Ring]\nnpus_count: [8]\nlatency: [500]\n", 1, "bandwidth",
		     "missing (expected a list with one entry per dimension, like bandwidth: [50])");
	expect_error("npus_count: [8]\nbandwidth: [50]\nlatency: [500]\n", 1, "topology",
		     "missing");
}

static void test_not_a_list(void)
{
	expect_error("topology: [Ring]\nnpus_count: 8\nbandwidth: [50]\nlatency: [500]\n", 2,
		     "npus_count", "expected a list with one entry per dimension, like "
		     "npus_count: [8], found a single value");
	expect_error("topology: [Ring]\nnpus_count: [8]\nbandwidth: {x: 1}\nlatency: [500]\n", 3,
		     "bandwidth", "found a map");
}

static void test_mismatched_lengths(void)
{
	expect_error("topology: [Ring, Switch]\n"
		     "npus_count: [2, 4, 8]\n"
		     "bandwidth: [50, 50]\n"
		     "latency: [500, 500]\n",
		     2, "npus_count", "npus_count has 3 entries but topology has 2");
	expect_error("topology: [Ring, Switch]\n"
		     "npus_count: [2, 4]\n"
		     "bandwidth: [50, 50]\n"
		     "latency: [500]\n",
		     4, "latency", "latency has 1 entry but topology has 2");
}

static void test_dimension_count_bounds(void)
{
	expect_error("topology: []\nnpus_count: []\nbandwidth: []\nlatency: []\n", 1, "topology",
		     "expected 1 to 8 dimensions, found 0");
	expect_error("topology: [Ring, Ring, Ring, Ring, Ring, Ring, Ring, Ring, Ring]\n"
		     "npus_count: [2, 2, 2, 2, 2, 2, 2, 2, 2]\n"
		     "bandwidth: [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
		     "latency: [1, 1, 1, 1, 1, 1, 1, 1, 1]\n",
		     1, "topology", "expected 1 to 8 dimensions, found 9");
}

static void test_unknown_kind(void)
{
	expect_error("topology:\n  - Ring\n  - Torus\n"
		     "npus_count: [2, 2]\nbandwidth: [1, 1]\nlatency: [1, 1]\n",
		     3, "topology[1]",
		     "unknown dimension kind \"Torus\" (expected Ring, FullyConnected or Switch)");
	/* Exact spellings only: ASTRA-sim's or the experiment file's. */
	expect_error("topology: [RING]\nnpus_count: [2]\nbandwidth: [1]\nlatency: [1]\n", 1,
		     "topology[0]", "unknown dimension kind \"RING\"");
	expect_error("topology: [[Ring]]\nnpus_count: [2]\nbandwidth: [1]\nlatency: [1]\n", 1,
		     "topology[0]", "expected a single value, found a list");
}

static void test_bad_npus(void)
{
	expect_error("topology: [Ring, Switch]\nnpus_count: [4, 0]\nbandwidth: [1, 1]\n"
		     "latency: [1, 1]\n", 2, "npus_count[1]", "must be at least 1 NPU (got \"0\")");
	expect_error("topology: [Ring]\nnpus_count: [-4]\nbandwidth: [1]\nlatency: [1]\n", 2,
		     "npus_count[0]", "must be at least 1 NPU (got \"-4\")");
	expect_error("topology: [Ring]\nnpus_count: [4.5]\nbandwidth: [1]\nlatency: [1]\n", 2,
		     "npus_count[0]", "\"4.5\": expected a whole number of NPUs");
	expect_error("topology: [Ring]\nnpus_count: [eight]\nbandwidth: [1]\nlatency: [1]\n", 2,
		     "npus_count[0]", "\"eight\": expected a whole number of NPUs");
	expect_error("topology: [Ring]\nnpus_count: [2000000]\nbandwidth: [1]\nlatency: [1]\n", 2,
		     "npus_count[0]", "too many NPUs (at most 1000000)");
}

static void test_npus_product(void)
{
	expect_error("topology: [Ring, Switch]\nnpus_count: [1, 1]\nbandwidth: [1, 1]\n"
		     "latency: [1, 1]\n", 2, "npus_count",
		     "1 NPU in all; a fabric needs at least 2");
	expect_error("topology: [Ring, Switch, Ring]\nnpus_count: [1000, 1000, 2]\n"
		     "bandwidth: [1, 1, 1]\nlatency: [1, 1, 1]\n", 2, "npus_count",
		     "more than 1000000 NPUs in all");
}

static void test_bad_bandwidth(void)
{
	expect_error("topology: [Ring]\nnpus_count: [8]\nbandwidth: [0]\nlatency: [1]\n", 3,
		     "bandwidth[0]", "must be positive (got \"0\"");
	expect_error("topology: [Ring]\nnpus_count: [8]\nbandwidth: [-50]\nlatency: [1]\n", 3,
		     "bandwidth[0]", "must be positive (got \"-50\"");
	expect_error("topology: [Ring]\nnpus_count: [8]\nbandwidth: [50GB/s]\nlatency: [1]\n", 3,
		     "bandwidth[0]", "\"50GB/s\": expected a bandwidth in GB/s");
	expect_error("topology: [Ring]\nnpus_count: [8]\nbandwidth: [1e-12]\nlatency: [1]\n", 3,
		     "bandwidth[0]", "below 1 bit/s");
	expect_error("topology: [Ring]\nnpus_count: [8]\nbandwidth: [1e10]\nlatency: [1]\n", 3,
		     "bandwidth[0]", "too large");
}

static void test_bad_latency(void)
{
	expect_error("topology: [Ring]\nnpus_count: [8]\nbandwidth: [50]\nlatency: [-1]\n", 4,
		     "latency[0]", "must not be negative (got \"-1\"");
	expect_error("topology: [Ring]\nnpus_count: [8]\nbandwidth: [50]\nlatency: [.inf]\n", 4,
		     "latency[0]", "expected a latency in ns");
	expect_error("topology: [Ring]\nnpus_count: [8]\nbandwidth: [50]\nlatency: [2e9]\n", 4,
		     "latency[0]", "too large (at most 1000000000 ns)");
}

static void test_duplicate_key(void)
{
	expect_error("topology: [Ring]\nnpus_count: [8]\nbandwidth: [50]\nlatency: [500]\n"
		     "npus_count: [4]\n", 5, "npus_count", "given twice (first on line 2)");
}

static void test_second_document(void)
{
	expect_error("topology: [Ring]\nnpus_count: [8]\nbandwidth: [50]\nlatency: [500]\n"
		     "---\ntopology: [Ring]\n", 6, NULL, "a second YAML document");
}

static const struct unit_test valid_tests[] = {
	{ "one_dim_ring", test_one_dim_ring },
	{ "two_dims_ring_switch", test_two_dims_ring_switch },
	{ "three_dims_block_lists", test_three_dims_block_lists },
	{ "lower_case_kinds", test_lower_case_kinds },
	{ "decimal_forms_convert_exactly", test_decimal_forms_convert_exactly },
	{ "inexact_bandwidth_rounds_to_nearest_bit", test_inexact_bandwidth_rounds_to_nearest_bit },
	{ "eight_dims_accepted", test_eight_dims_accepted },
	{ "extra_keys_give_a_warning", test_extra_keys_give_a_warning },
	{ "warning_is_optional_and_truncates_safely",
	  test_warning_is_optional_and_truncates_safely },
	{ NULL, NULL },
};

static const struct unit_test error_tests[] = {
	{ "missing_file", test_missing_file },
	{ "yaml_syntax_error", test_yaml_syntax_error },
	{ "empty_file", test_empty_file },
	{ "not_a_map", test_not_a_map },
	{ "missing_key", test_missing_key },
	{ "not_a_list", test_not_a_list },
	{ "mismatched_lengths", test_mismatched_lengths },
	{ "dimension_count_bounds", test_dimension_count_bounds },
	{ "unknown_kind", test_unknown_kind },
	{ "bad_npus", test_bad_npus },
	{ "npus_product", test_npus_product },
	{ "bad_bandwidth", test_bad_bandwidth },
	{ "bad_latency", test_bad_latency },
	{ "duplicate_key", test_duplicate_key },
	{ "second_document", test_second_document },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "astra_valid", valid_tests },
	{ "astra_errors", error_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
