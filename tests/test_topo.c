/*
 * tests/test_topo.c - topo/: the graph, the builder registry, the `switch`
 * builder and the ns-3 topology file loader.
 *
 * Rates are bits/s and delays ps throughout; ns-3 files are written to
 * temporary files under /tmp and removed by each test.
 */
#include "tests/unit_main.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topo/topo.h"

static char err[512];

/* Write text to a fresh temporary file; the path is returned in path. */
static void write_tmp(char *path, size_t len, const char *text)
{
	snprintf(path, len, "/tmp/pktsim-topo-XXXXXX");
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	FILE *f = fdopen(fd, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
}

static int graph_is_zero(const struct topo_graph *g)
{
	static const struct topo_graph zero;
	return !memcmp(g, &zero, sizeof(zero));
}

/* ---- graph ---- */

static void test_graph_init_makes_all_hosts(void)
{
	struct topo_graph g;

	CU_ASSERT_EQUAL_FATAL(topo_graph_init(&g, 3), 0);
	CU_ASSERT_EQUAL(g.nnodes, 3);
	CU_ASSERT_EQUAL(g.nhosts, 3);
	for (uint32_t i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(g.kind[i], TOPO_HOST);
	CU_ASSERT_EQUAL(g.nlinks, 0);
	topo_graph_free(&g);
	CU_ASSERT(graph_is_zero(&g));
}

static void test_graph_init_rejects_zero_nodes(void)
{
	struct topo_graph g;

	CU_ASSERT(topo_graph_init(&g, 0) < 0);
	CU_ASSERT(graph_is_zero(&g));
}

static void test_graph_free_is_null_safe(void)
{
	topo_graph_free(NULL);
}

static void test_graph_add_link_rejects_bad_links(void)
{
	struct topo_graph g;

	CU_ASSERT_EQUAL_FATAL(topo_graph_init(&g, 2), 0);
	CU_ASSERT(topo_graph_add_link(&g, 1, 1, 1000, 0, 0.0) < 0);
	CU_ASSERT(topo_graph_add_link(&g, 0, 2, 1000, 0, 0.0) < 0);
	CU_ASSERT(topo_graph_add_link(&g, 5, 0, 1000, 0, 0.0) < 0);
	CU_ASSERT(topo_graph_add_link(&g, 0, 1, 0, 0, 0.0) < 0);
	CU_ASSERT(topo_graph_add_link(&g, 0, 1, 1000, 0, 1.0) < 0);
	CU_ASSERT(topo_graph_add_link(&g, 0, 1, 1000, 0, -0.1) < 0);
	CU_ASSERT_EQUAL(g.nlinks, 0);
	topo_graph_free(&g);
}

static void test_graph_add_link_grows_and_keeps_order(void)
{
	struct topo_graph g;

	CU_ASSERT_EQUAL_FATAL(topo_graph_init(&g, 2), 0);
	for (uint64_t i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(topo_graph_add_link(&g, (uint32_t)(i % 2), (uint32_t)(1 - i % 2),
						    1000 + i, i, 0.0), 0);
	CU_ASSERT_EQUAL(g.nlinks, 100);
	CU_ASSERT(g.cap >= 100);
	for (uint32_t i = 0; i < 100; i++) {
		CU_ASSERT_EQUAL(g.links[i].a, i % 2);
		CU_ASSERT_EQUAL(g.links[i].rate_bps, 1000 + i);
		CU_ASSERT_EQUAL(g.links[i].delay_ps, i);
	}
	topo_graph_free(&g);
	CU_ASSERT(graph_is_zero(&g));
}

static void test_graph_count_hosts_counts_non_switches(void)
{
	struct topo_graph g;

	CU_ASSERT_EQUAL_FATAL(topo_graph_init(&g, 5), 0);
	g.kind[1] = TOPO_SWITCH;
	g.kind[4] = TOPO_SWITCH;
	CU_ASSERT_EQUAL(topo_graph_count_hosts(&g), 3);
	CU_ASSERT_EQUAL(g.nhosts, 3);
	topo_graph_free(&g);
}

/* ---- registry and switch builder ---- */

static void test_registry_finds_switch_only(void)
{
	const struct topo_builder_ops *ops = topo_builder_find("switch");

	CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
	CU_ASSERT_STRING_EQUAL(ops->name, "switch");
	CU_ASSERT_PTR_NOT_NULL(ops->validate);
	CU_ASSERT_PTR_NOT_NULL(ops->build);
	CU_ASSERT_PTR_NOT_NULL(topo_builder_find("ring"));
	CU_ASSERT_PTR_NULL(topo_builder_find("hypercube"));
	CU_ASSERT_PTR_NULL(topo_builder_find(NULL));
}

static void test_build_unknown_kind_lists_available(void)
{
	struct topo_params p = { .kind = "hypercube", .hosts = 4, .rate_bps = 1 };
	struct topo_graph g;

	CU_ASSERT(topo_build(&p, &g, err, sizeof(err)) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"hypercube\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "available: switch"));
	CU_ASSERT(graph_is_zero(&g));
	topo_graph_free(&g);
}

static void test_switch_star_layout(void)
{
	struct topo_params p = {
		.kind = "switch", .hosts = 4, .rate_bps = 100000000000ull, .delay_ps = 1000000,
	};
	struct topo_graph g;

	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(g.nnodes, 5);
	CU_ASSERT_EQUAL(g.nhosts, 4);
	CU_ASSERT_EQUAL(g.kind[4], TOPO_SWITCH);
	CU_ASSERT_STRING_EQUAL(g.name, "switch");
	CU_ASSERT_EQUAL_FATAL(g.nlinks, 4);
	for (uint32_t i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(g.kind[i], TOPO_HOST);
		CU_ASSERT_EQUAL(g.links[i].a, i);
		CU_ASSERT_EQUAL(g.links[i].b, 4);
		CU_ASSERT_EQUAL(g.links[i].rate_bps, 100000000000ull);
		CU_ASSERT_EQUAL(g.links[i].delay_ps, 1000000);
		CU_ASSERT_EQUAL(g.links[i].error_rate, 0.0);
	}
	topo_graph_free(&g);
}

static void test_switch_one_host_is_allowed(void)
{
	struct topo_params p = { .kind = "switch", .hosts = 1, .rate_bps = 1 };
	struct topo_graph g;

	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(g.nnodes, 2);
	CU_ASSERT_EQUAL(g.nlinks, 1);
	topo_graph_free(&g);
}

static void test_switch_rejects_bad_params(void)
{
	struct topo_params p = { .kind = "switch", .hosts = 0, .rate_bps = 1 };
	struct topo_graph g;

	CU_ASSERT(topo_build(&p, &g, err, sizeof(err)) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "hosts"));
	p.hosts = TOPO_SWITCH_MAX_HOSTS + 1;
	CU_ASSERT(topo_build(&p, &g, err, sizeof(err)) < 0);
	p.hosts = 2;
	p.rate_bps = 0;
	CU_ASSERT(topo_build(&p, &g, err, sizeof(err)) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "rate"));
	CU_ASSERT(graph_is_zero(&g));
}

/* ---- ns-3 topology files ---- */

/* Switches at ids 1 and 3, hosts 0, 2, 4; link 2 spans two lines as `>>`
 * allows. */
static const char ns3_ok[] =
	"5 2 4\n"
	"1 3\n"
	"0 1 100Gbps 0.001ms 0\n"
	"2 1 100Gbps 1000ns 0\n"
	"1 3\n"
	"   400Gbps 0.0005ms 0.01\n"
	"4 3 25Gbps 1us 0\n";

static void test_ns3_loads_hpcc_format(void)
{
	char path[64];
	struct topo_graph g;

	write_tmp(path, sizeof(path), ns3_ok);
	CU_ASSERT_EQUAL_FATAL(topo_load_ns3(path, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(g.nnodes, 5);
	CU_ASSERT_EQUAL(g.nhosts, 3);
	CU_ASSERT_EQUAL(g.kind[0], TOPO_HOST);
	CU_ASSERT_EQUAL(g.kind[1], TOPO_SWITCH);
	CU_ASSERT_EQUAL(g.kind[2], TOPO_HOST);
	CU_ASSERT_EQUAL(g.kind[3], TOPO_SWITCH);
	CU_ASSERT_EQUAL(g.kind[4], TOPO_HOST);
	CU_ASSERT_EQUAL_FATAL(g.nlinks, 4);
	CU_ASSERT_EQUAL(g.links[0].a, 0);
	CU_ASSERT_EQUAL(g.links[0].b, 1);
	CU_ASSERT_EQUAL(g.links[0].rate_bps, 100000000000ull);
	CU_ASSERT_EQUAL(g.links[0].delay_ps, 1000000);
	CU_ASSERT_EQUAL(g.links[1].delay_ps, 1000000);
	CU_ASSERT_EQUAL(g.links[2].a, 1);
	CU_ASSERT_EQUAL(g.links[2].b, 3);
	CU_ASSERT_EQUAL(g.links[2].rate_bps, 400000000000ull);
	CU_ASSERT_EQUAL(g.links[2].delay_ps, 500000);
	CU_ASSERT_DOUBLE_EQUAL(g.links[2].error_rate, 0.01, 1e-12);
	CU_ASSERT_EQUAL(g.links[3].rate_bps, 25000000000ull);
	const char *base = strrchr(path, '/') + 1;
	char want[80];
	snprintf(want, sizeof(want), "ns3:%s", base);
	CU_ASSERT_STRING_EQUAL(g.name, want);
	topo_graph_free(&g);
	unlink(path);
}

static void test_ns3_host_without_link_is_fine(void)
{
	char path[64];
	struct topo_graph g;

	write_tmp(path, sizeof(path), "3 1 1\n2\n0 2 10Gbps 1us 0\n");
	CU_ASSERT_EQUAL(topo_load_ns3(path, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(g.nhosts, 2);
	topo_graph_free(&g);
	unlink(path);
}

/* Load text and expect failure with "PATH:LINE:" and needle in the error,
 * and a zeroed graph. */
static void expect_ns3_error(const char *text, int line, const char *needle)
{
	char path[64], where[96];
	struct topo_graph g;

	write_tmp(path, sizeof(path), text);
	err[0] = '\0';
	CU_ASSERT(topo_load_ns3(path, &g, err, sizeof(err)) < 0);
	snprintf(where, sizeof(where), "%s:%d: ", path, line);
	if (strncmp(err, where, strlen(where)) || !strstr(err, needle))
		fprintf(stderr, "\n  got \"%s\", wanted \"%s...%s\"\n", err, where, needle);
	CU_ASSERT_EQUAL(strncmp(err, where, strlen(where)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
	CU_ASSERT(graph_is_zero(&g));
	unlink(path);
}

static void test_ns3_missing_file(void)
{
	struct topo_graph g;

	CU_ASSERT(topo_load_ns3("/tmp/pktsim-no-such-topology.txt", &g, err, sizeof(err)) < 0);
	CU_ASSERT_STRING_EQUAL(err, "/tmp/pktsim-no-such-topology.txt: cannot open: "
			       "No such file or directory");
	CU_ASSERT(graph_is_zero(&g));
}

static void test_ns3_bad_header(void)
{
	expect_ns3_error("", 1, "the file ends in the header");
	expect_ns3_error("4 x 2\n", 1, "header switch_num: \"x\"");
	expect_ns3_error("4 1\n", 1, "the file ends in the header");
	expect_ns3_error("-4 1 2\n", 1, "negative");
	expect_ns3_error("0 0 0\n", 1, "at least one node");
	expect_ns3_error("2 3 0\n", 1, "more than node_num");
}

static void test_ns3_bad_switch_ids(void)
{
	expect_ns3_error("3 1 0\n\n7\n", 3, "switch id 7 is out of range (node ids are 0..2)");
	expect_ns3_error("3 2 0\n1 1\n", 2, "switch id 1 is listed twice");
	expect_ns3_error("3 2 0\n1\n", 2, "the header says 2 switches but the file ends after 1");
}

static void test_ns3_fewer_links_than_header(void)
{
	expect_ns3_error("3 1 3\n2\n0 2 10Gbps 1us 0\n1 2 10Gbps 1us 0\n", 4,
			 "the header says 3 links but the file ends after 2");
	/* A link cut short counts as missing too. */
	expect_ns3_error("3 1 2\n2\n0 2 10Gbps 1us 0\n1 2 10Gbps\n", 4,
			 "the header says 2 links but the file ends after 1");
}

static void test_ns3_extra_content_after_links(void)
{
	expect_ns3_error("3 1 1\n2\n0 2 10Gbps 1us 0\n\n1 2 10Gbps 1us 0\n", 5,
			 "the header says 1 links; unexpected extra content \"1\"");
}

static void test_ns3_bad_link_fields(void)
{
	expect_ns3_error("3 1 1\n2\n0 5 10Gbps 1us 0\n", 3,
			 "link 0: node 5 is out of range (node ids are 0..2)");
	expect_ns3_error("3 1 1\n2\n2 2 10Gbps 1us 0\n", 3, "linked to itself");
	expect_ns3_error("3 1 1\n2\n0 2 10Gbs 1us 0\n", 3, "unknown rate unit \"Gbs\"");
	expect_ns3_error("3 1 1\n2\n0 2 0Gbps 1us 0\n", 3, "must be positive");
	expect_ns3_error("3 1 1\n2\n0 2 10Gbps 1 0\n", 3, "expected a time with a unit");
	expect_ns3_error("3 1 1\n2\n0 2 10Gbps 1us 1.5\n", 3, "must be in [0, 1)");
	expect_ns3_error("3 1 1\n2\n0 2 10Gbps 1us\nbad\n", 4, "error rate \"bad\"");
}

static void test_ns3_text_reader_tracks_lines(void)
{
	char path[64];
	struct topo_ns3_text t;
	int line;

	write_tmp(path, sizeof(path), "a\n\n  b c\n\nd");
	CU_ASSERT_EQUAL_FATAL(topo_ns3_text_open(&t, path, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(topo_ns3_text_next(&t, &line), "a");
	CU_ASSERT_EQUAL(line, 1);
	CU_ASSERT_STRING_EQUAL(topo_ns3_text_next(&t, &line), "b");
	CU_ASSERT_EQUAL(line, 3);
	CU_ASSERT_STRING_EQUAL(topo_ns3_text_next(&t, &line), "c");
	CU_ASSERT_EQUAL(line, 3);
	CU_ASSERT_STRING_EQUAL(topo_ns3_text_next(&t, &line), "d");
	CU_ASSERT_EQUAL(line, 5);
	CU_ASSERT_PTR_NULL(topo_ns3_text_next(&t, &line));
	CU_ASSERT_EQUAL(line, 5);
	topo_ns3_text_close(&t);
	unlink(path);
}

static const struct unit_test graph_tests[] = {
	{ "test_graph_init_makes_all_hosts", test_graph_init_makes_all_hosts },
	{ "test_graph_init_rejects_zero_nodes", test_graph_init_rejects_zero_nodes },
	{ "test_graph_free_is_null_safe", test_graph_free_is_null_safe },
	{ "test_graph_add_link_rejects_bad_links", test_graph_add_link_rejects_bad_links },
	{ "test_graph_add_link_grows_and_keeps_order", test_graph_add_link_grows_and_keeps_order },
	{ "test_graph_count_hosts_counts_non_switches",
	  test_graph_count_hosts_counts_non_switches },
	{ NULL, NULL },
};

static const struct unit_test builder_tests[] = {
	{ "test_registry_finds_switch_only", test_registry_finds_switch_only },
	{ "test_build_unknown_kind_lists_available", test_build_unknown_kind_lists_available },
	{ "test_switch_star_layout", test_switch_star_layout },
	{ "test_switch_one_host_is_allowed", test_switch_one_host_is_allowed },
	{ "test_switch_rejects_bad_params", test_switch_rejects_bad_params },
	{ NULL, NULL },
};

static const struct unit_test ns3_tests[] = {
	{ "test_ns3_loads_hpcc_format", test_ns3_loads_hpcc_format },
	{ "test_ns3_host_without_link_is_fine", test_ns3_host_without_link_is_fine },
	{ "test_ns3_missing_file", test_ns3_missing_file },
	{ "test_ns3_bad_header", test_ns3_bad_header },
	{ "test_ns3_bad_switch_ids", test_ns3_bad_switch_ids },
	{ "test_ns3_fewer_links_than_header", test_ns3_fewer_links_than_header },
	{ "test_ns3_extra_content_after_links", test_ns3_extra_content_after_links },
	{ "test_ns3_bad_link_fields", test_ns3_bad_link_fields },
	{ "test_ns3_text_reader_tracks_lines", test_ns3_text_reader_tracks_lines },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "topo_graph", graph_tests },
	{ "topo_builders", builder_tests },
	{ "topo_ns3", ns3_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
