/*
 * tests/test_topo_analysis.c - topo/analysis.c (diameter, summary) and
 * frontend/topo_export.c (DOT, JSON, text).
 *
 * Graphs are built by hand with topo_graph_init/topo_graph_add_link, so the
 * expected numbers follow from the drawing; a few builder-made graphs check
 * closed forms (ring N: floor(N/2) hops; k-ary fat-tree: 6). Rates are
 * bits/s, delays ps, distances hops. The DOT and JSON texts are written out
 * in full and compared byte for byte; when python3 is installed the JSON is
 * also fed to its parser.
 */
#include "tests/unit_main.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/topo_export.h"
#include "net/engine.h"
#include "topo/analysis.h"
#include "topo/topo.h"

#define G100 100000000000ull
#define US 1000000ull

/* nhosts hosts 0..nhosts-1, then switches up to nnodes. */
static void graph(struct topo_graph *g, uint32_t nnodes, uint32_t nhosts)
{
	CU_ASSERT_EQUAL_FATAL(topo_graph_init(g, nnodes), 0);
	for (uint32_t v = nhosts; v < nnodes; v++)
		g->kind[v] = TOPO_SWITCH;
	topo_graph_count_hosts(g);
}

static void add_link(struct topo_graph *g, uint32_t a, uint32_t b, int one_way)
{
	CU_ASSERT_EQUAL_FATAL(topo_graph_add_link(g, a, b, G100, US, 0.0), 0);
	g->links[g->nlinks - 1].one_way = (uint8_t)one_way;
}

static void ring6(struct topo_graph *g, int one_way)
{
	graph(g, 6, 6);
	for (uint32_t i = 0; i < 6; i++)
		add_link(g, i, (i + 1) % 6, one_way);
}

/* The diameter, asserting the return code. */
static uint32_t diameter(const struct topo_graph *g, int want_rc)
{
	uint32_t hops = 12345;

	CU_ASSERT_EQUAL(topo_diameter(g, &hops), want_rc);
	if (want_rc != 0)
		CU_ASSERT_EQUAL(hops, UINT32_MAX);
	return hops;
}

/* ---- diameter ---- */

static void test_path_of_switches_is_four_hops(void)
{
	struct topo_graph g;

	/* h0,h1 - s4 - s5 - s6 - h3, and h2 on s5: h0 -> h3 crosses 4 links. */
	graph(&g, 7, 4);
	add_link(&g, 0, 4, 0);
	add_link(&g, 1, 4, 0);
	add_link(&g, 2, 5, 0);
	add_link(&g, 3, 6, 0);
	add_link(&g, 4, 5, 0);
	add_link(&g, 5, 6, 0);
	CU_ASSERT_EQUAL(diameter(&g, 0), 4);
	topo_graph_free(&g);
}

static void test_ring_of_six_is_three_hops(void)
{
	struct topo_graph g;

	ring6(&g, 0);
	CU_ASSERT_EQUAL(g.hosts_forward, TOPO_FWD_AUTO);
	CU_ASSERT_EQUAL(diameter(&g, 0), 3);
	g.hosts_forward = TOPO_FWD_YES;
	CU_ASSERT_EQUAL(diameter(&g, 0), 3);
	/* Hosts that do not relay only reach their two neighbours. */
	g.hosts_forward = TOPO_FWD_NO;
	diameter(&g, -1);
	topo_graph_free(&g);
}

static void test_unidirectional_ring_of_six_is_five_hops(void)
{
	struct topo_graph g;

	ring6(&g, 1);
	CU_ASSERT_EQUAL(diameter(&g, 0), 5);
	topo_graph_free(&g);
}

static void test_unreachable_pair(void)
{
	struct topo_graph g;

	/* h0 - s2 and h1 - s3, the switches not joined. */
	graph(&g, 4, 2);
	add_link(&g, 0, 2, 0);
	add_link(&g, 1, 3, 0);
	diameter(&g, -1);
	topo_graph_free(&g);

	/* Two hosts, no link. */
	graph(&g, 2, 2);
	diameter(&g, -1);
	topo_graph_free(&g);
}

static void test_one_way_link_to_a_host_cannot_carry_its_traffic(void)
{
	struct topo_graph g;

	/* h1 hangs off s2 by s2 -> h1 only: it hears but cannot send. */
	graph(&g, 3, 2);
	add_link(&g, 0, 2, 0);
	add_link(&g, 2, 1, 1);
	diameter(&g, -1);
	/* A return link h1 -> s2 fixes it. */
	add_link(&g, 1, 2, 1);
	CU_ASSERT_EQUAL(diameter(&g, 0), 2);
	topo_graph_free(&g);
}

static void test_dual_homed_host_relays_only_when_hosts_forward(void)
{
	struct topo_graph g;

	/* h0 - s3, h1 - s4, and h2 joined to both switches. */
	graph(&g, 5, 3);
	add_link(&g, 0, 3, 0);
	add_link(&g, 1, 4, 0);
	add_link(&g, 2, 3, 0);
	add_link(&g, 2, 4, 0);
	diameter(&g, -1);          /* AUTO with switches: hosts do not relay */
	g.hosts_forward = TOPO_FWD_NO;
	diameter(&g, -1);
	g.hosts_forward = TOPO_FWD_YES;
	CU_ASSERT_EQUAL(diameter(&g, 0), 4);   /* h0 s3 h2 s4 h1 */
	topo_graph_free(&g);
}

static void test_fewer_than_two_hosts_is_zero(void)
{
	struct topo_graph g;

	graph(&g, 1, 1);
	CU_ASSERT_EQUAL(diameter(&g, 0), 0);
	topo_graph_free(&g);
	graph(&g, 3, 1);
	add_link(&g, 0, 1, 0);
	CU_ASSERT_EQUAL(diameter(&g, 0), 0);
	topo_graph_free(&g);
}

/*
 * Floyd-Warshall, with only relaying nodes allowed as intermediates: an
 * independent O(N^3) reference for the BFS (and its shared-switch
 * shortcut).
 */
static int reference_diameter(const struct topo_graph *g, uint32_t *hops)
{
	enum { N = 16, INF = 1 << 20 };
	int d[N][N], nsw = 0;
	uint32_t n = g->nnodes;

	CU_ASSERT_FATAL(n <= N);
	for (uint32_t v = 0; v < n; v++)
		nsw += g->kind[v] != TOPO_HOST;
	int hosts_fwd = g->hosts_forward == TOPO_FWD_AUTO ? nsw == 0 : g->hosts_forward;
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < n; j++)
			d[i][j] = i == j ? 0 : INF;
	for (uint32_t i = 0; i < g->nlinks; i++) {
		d[g->links[i].a][g->links[i].b] = 1;
		if (!g->links[i].one_way)
			d[g->links[i].b][g->links[i].a] = 1;
	}
	for (uint32_t k = 0; k < n; k++) {
		if (g->kind[k] == TOPO_HOST && !hosts_fwd)
			continue;
		for (uint32_t i = 0; i < n; i++)
			for (uint32_t j = 0; j < n; j++)
				if (d[i][k] + d[k][j] < d[i][j])
					d[i][j] = d[i][k] + d[k][j];
	}
	int max = 0;
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < n; j++)
			if (i != j && g->kind[i] == TOPO_HOST && g->kind[j] == TOPO_HOST &&
			    d[i][j] > max)
				max = d[i][j];
	if (max >= INF)
		return -1;
	*hops = (uint32_t)max;
	return 0;
}

static void test_random_graphs_match_floyd_warshall(void)
{
	uint64_t x = 42;
	int connected = 0;

	for (int round = 0; round < 500; round++) {
		struct topo_graph g;
#define RND(m) ((x = x * 6364136223846793005ull + 1442695040888963407ull), (uint32_t)((x >> 33) % (m)))
		uint32_t n = 2 + RND(15), nh = 1 + RND(n);
		graph(&g, n, nh);
		g.hosts_forward = (int)RND(3) - 1;
		/* Sparse enough that some graphs are disconnected; many hosts
		 * get a single link to a switch, the shortcut's case. */
		uint32_t nl = RND(2 * n + 1);
		for (uint32_t i = 0; i < nl; i++) {
			uint32_t a = RND(n), b = RND(n);
			if (a != b)
				add_link(&g, a, b, RND(4) == 0);
		}
		uint32_t want = 0, got = 0;
		int want_rc = reference_diameter(&g, &want);
		int rc = topo_diameter(&g, &got);
		CU_ASSERT_EQUAL(rc, want_rc);
		if (rc == 0 && want_rc == 0)
			CU_ASSERT_EQUAL(got, want);
		if (rc != want_rc || (rc == 0 && got != want))
			fprintf(stderr, "\n  round %d: got rc %d hops %u, want rc %d hops %u\n",
				round, rc, got, want_rc, want);
		connected += want_rc == 0;
		topo_graph_free(&g);
#undef RND
	}
	/* Both outcomes were exercised. */
	CU_ASSERT(connected > 50 && connected < 450);
}

static void test_builder_graphs_have_closed_form_diameters(void)
{
	struct topo_params p;
	struct topo_graph g;
	char err[256];

	memset(&p, 0, sizeof(p));
	p.kind = "ring";
	p.hosts = 8;
	p.rate_bps = G100;
	p.delay_ps = US;
	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(diameter(&g, 0), 4);
	topo_graph_free(&g);
	p.unidirectional = 1;
	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(diameter(&g, 0), 7);
	topo_graph_free(&g);

	/* Fat-tree: host, edge, agg, core, agg, edge, host. */
	memset(&p, 0, sizeof(p));
	p.kind = "fat-tree";
	p.k = 4;
	p.rate_bps = G100;
	p.delay_ps = US;
	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(diameter(&g, 0), 6);
	topo_graph_free(&g);
}

/* ---- summary ---- */

/* Two hosts on one switch, as the `switch` builder makes it. */
static void two_hosts_one_switch(struct topo_graph *g)
{
	graph(g, 3, 2);
	snprintf(g->name, sizeof(g->name), "switch");
	add_link(g, 0, 2, 0);
	add_link(g, 1, 2, 0);
}

static void test_summary_counts(void)
{
	struct topo_graph g;
	struct topo_summary s;

	two_hosts_one_switch(&g);
	topo_summary(&g, NULL, &s);
	CU_ASSERT_STRING_EQUAL(s.name, "switch");
	CU_ASSERT_EQUAL(s.hosts, 2);
	CU_ASSERT_EQUAL(s.switches, 1);
	CU_ASSERT_EQUAL(s.links, 2);
	CU_ASSERT_EQUAL(s.diameter, 2);
	CU_ASSERT_EQUAL(s.diameter_rc, 0);
	CU_ASSERT_EQUAL(s.bisection_bps, 0);
	/* Two full-duplex links: 4 x 100 Gb/s. */
	CU_ASSERT_EQUAL(s.capacity_bps, 4 * G100);
	topo_graph_free(&g);

	/* One-way links count once. */
	ring6(&g, 1);
	topo_summary(&g, NULL, &s);
	CU_ASSERT_EQUAL(s.capacity_bps, 6 * G100);
	CU_ASSERT_EQUAL(s.diameter, 5);
	topo_graph_free(&g);

	/* Unreachable. */
	graph(&g, 2, 2);
	topo_summary(&g, NULL, &s);
	CU_ASSERT_EQUAL(s.diameter_rc, -1);
	CU_ASSERT_EQUAL(s.diameter, UINT32_MAX);
	CU_ASSERT_EQUAL(s.links, 0);
	CU_ASSERT_EQUAL(s.capacity_bps, 0);
	topo_graph_free(&g);
}

static void test_summary_capacity_saturates(void)
{
	struct topo_graph g;
	struct topo_summary s;

	graph(&g, 2, 2);
	CU_ASSERT_EQUAL_FATAL(topo_graph_add_link(&g, 0, 1, UINT64_MAX / 3, 0, 0.0), 0);
	CU_ASSERT_EQUAL_FATAL(topo_graph_add_link(&g, 0, 1, UINT64_MAX / 3, 0, 0.0), 0);
	topo_summary(&g, NULL, &s);
	CU_ASSERT_EQUAL(s.capacity_bps, UINT64_MAX);
	topo_graph_free(&g);
}

static void test_summary_bisection_from_builder(void)
{
	struct topo_params p;
	struct topo_graph g;
	struct topo_summary s;
	char err[256];

	memset(&p, 0, sizeof(p));
	p.kind = "switch";
	p.hosts = 2;
	p.rate_bps = G100;
	p.delay_ps = US;
	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	topo_summary(&g, &p, &s);
	/* Halving {0, 1} cuts one host link. */
	CU_ASSERT_EQUAL(s.bisection_bps, G100);
	CU_ASSERT_EQUAL(s.diameter, 2);
	topo_graph_free(&g);

	/* k = 4 fat-tree: k^3/8 = 8 core-facing links of 100 Gb/s. */
	memset(&p, 0, sizeof(p));
	p.kind = "fat-tree";
	p.k = 4;
	p.rate_bps = G100;
	p.delay_ps = US;
	CU_ASSERT_EQUAL_FATAL(topo_build(&p, &g, err, sizeof(err)), 0);
	topo_summary(&g, &p, &s);
	CU_ASSERT_EQUAL(s.hosts, 16);
	CU_ASSERT_EQUAL(s.switches, 20);
	CU_ASSERT_EQUAL(s.links, 48);
	CU_ASSERT_EQUAL(s.bisection_bps, 8 * G100);
	topo_graph_free(&g);

	/* A kind no builder has: unknown, not an error. */
	two_hosts_one_switch(&g);
	p.kind = "no-such-builder";
	topo_summary(&g, &p, &s);
	CU_ASSERT_EQUAL(s.bisection_bps, 0);
	topo_graph_free(&g);
}

/* ---- export ---- */

/* What fn wrote, as a malloc'd string. */
static char *capture_dot(const struct topo_graph *g)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(fe_topo_dot(g, f), 0);
	fclose(f);
	return buf;
}

static char *capture_json(const struct topo_graph *g, const struct topo_summary *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(fe_topo_json(g, s, f), 0);
	fclose(f);
	return buf;
}

static char *capture_text(const struct topo_summary *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_FATAL(f != NULL);
	fe_topo_text(s, f);
	fclose(f);
	return buf;
}

static void expect_text(char *got, const char *want)
{
	if (strcmp(got, want))
		fprintf(stderr, "\n  got:\n%s\n  want:\n%s\n", got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static void test_dot_two_hosts_one_switch(void)
{
	struct topo_graph g;

	two_hosts_one_switch(&g);
	expect_text(capture_dot(&g),
		    "graph pktsim {\n"
		    "  label=\"switch\";\n"
		    "  0 [shape=box, label=\"0\"];\n"
		    "  1 [shape=box, label=\"1\"];\n"
		    "  2 [shape=ellipse, label=\"2\"];\n"
		    "  0 -- 2 [label=\"100 Gb/s, 1 us\"];\n"
		    "  1 -- 2 [label=\"100 Gb/s, 1 us\"];\n"
		    "}\n");
	topo_graph_free(&g);
}

static void test_dot_one_way_loss_and_odd_units(void)
{
	struct topo_graph g;

	graph(&g, 2, 2);
	snprintf(g.name, sizeof(g.name), "a\"b\\c");
	/* 50 GiB/s and 500.5 ns, as an ASTRA-sim file gives them. */
	CU_ASSERT_EQUAL_FATAL(topo_graph_add_link(&g, 0, 1, 429496729600ull, 500500, 0.001), 0);
	g.links[0].one_way = 1;
	CU_ASSERT_EQUAL_FATAL(topo_graph_add_link(&g, 1, 0, 999999999999ull, 0, 0.0), 0);
	expect_text(capture_dot(&g),
		    "graph pktsim {\n"
		    "  label=\"a\\\"b\\\\c\";\n"
		    "  0 [shape=box, label=\"0\"];\n"
		    "  1 [shape=box, label=\"1\"];\n"
		    "  0 -- 1 [label=\"429.497 Gb/s, 500.5 ns, loss 0.001\", dir=forward];\n"
		    "  1 -- 0 [label=\"1 Tb/s, 0 ns\"];\n"
		    "}\n");
	topo_graph_free(&g);
}

static const char json_two_hosts[] =
	"{\n"
	"  \"name\": \"switch\",\n"
	"  \"hosts\": 2,\n"
	"  \"switches\": 1,\n"
	"  \"link_count\": 2,\n"
	"  \"diameter\": 2,\n"
	"  \"bisection_bps\": null,\n"
	"  \"capacity_bps\": 400000000000,\n"
	"  \"nodes\": [\n"
	"    {\"id\": 0, \"kind\": \"host\"},\n"
	"    {\"id\": 1, \"kind\": \"host\"},\n"
	"    {\"id\": 2, \"kind\": \"switch\"}\n"
	"  ],\n"
	"  \"links\": [\n"
	"    {\"a\": 0, \"b\": 2, \"rate_bps\": 100000000000, \"delay_ps\": 1000000, "
	"\"error_rate\": 0, \"one_way\": false},\n"
	"    {\"a\": 1, \"b\": 2, \"rate_bps\": 100000000000, \"delay_ps\": 1000000, "
	"\"error_rate\": 0, \"one_way\": false}\n"
	"  ]\n"
	"}\n";

static void test_json_two_hosts_one_switch(void)
{
	struct topo_graph g;
	struct topo_summary s;

	two_hosts_one_switch(&g);
	topo_summary(&g, NULL, &s);
	expect_text(capture_json(&g, &s), json_two_hosts);
	/* Without a summary, the same (it is computed from g). */
	expect_text(capture_json(&g, NULL), json_two_hosts);
	topo_graph_free(&g);
}

static void test_json_unknowns_are_null_and_strings_escaped(void)
{
	struct topo_graph g;
	struct topo_summary s;

	graph(&g, 2, 2);
	snprintf(g.name, sizeof(g.name), "q\"\\\t");
	CU_ASSERT_EQUAL_FATAL(topo_graph_add_link(&g, 0, 1, 1000, 7, 0.1), 0);
	g.links[0].one_way = 1;
	topo_summary(&g, NULL, &s);
	s.bisection_bps = 0;
	expect_text(capture_json(&g, &s),
		    "{\n"
		    "  \"name\": \"q\\\"\\\\\\u0009\",\n"
		    "  \"hosts\": 2,\n"
		    "  \"switches\": 0,\n"
		    "  \"link_count\": 1,\n"
		    "  \"diameter\": null,\n"
		    "  \"bisection_bps\": null,\n"
		    "  \"capacity_bps\": 1000,\n"
		    "  \"nodes\": [\n"
		    "    {\"id\": 0, \"kind\": \"host\"},\n"
		    "    {\"id\": 1, \"kind\": \"host\"}\n"
		    "  ],\n"
		    "  \"links\": [\n"
		    "    {\"a\": 0, \"b\": 1, \"rate_bps\": 1000, \"delay_ps\": 7, "
		    "\"error_rate\": 0.1, \"one_way\": true}\n"
		    "  ]\n"
		    "}\n");
	topo_graph_free(&g);

	/* No links at all: empty arrays stay valid JSON. */
	graph(&g, 1, 1);
	char *out = capture_json(&g, NULL);
	CU_ASSERT(strstr(out, "\"links\": []\n}\n") != NULL);
	free(out);
	topo_graph_free(&g);
}

/* Feed JSON to python3's parser; skipped (returns without asserting) when
 * python3 is not installed. */
static void test_json_parses_with_python(void)
{
	struct topo_graph g;
	struct topo_summary s;
	char path[] = "/tmp/pktsim-json-XXXXXX", cmd[160];

	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		fprintf(stderr, " (python3 not found: skipped) ");
		return;
	}
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	FILE *f = fdopen(fd, "w");
	CU_ASSERT_FATAL(f != NULL);
	two_hosts_one_switch(&g);
	topo_summary(&g, NULL, &s);
	s.bisection_bps = G100;
	snprintf(g.name, sizeof(g.name), "odd \"name\"\\\n");
	memcpy(s.name, g.name, sizeof(s.name));
	CU_ASSERT_EQUAL(fe_topo_json(&g, &s, f), 0);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; d = json.load(sys.stdin); "
		 "assert d[\"links\"][1][\"b\"] == 2 and d[\"bisection_bps\"] == 100000000000' < %s",
		 path);
	CU_ASSERT_EQUAL(system(cmd), 0);
	unlink(path);
	topo_graph_free(&g);
}

static void test_text_summary(void)
{
	struct topo_graph g;
	struct topo_summary s;

	two_hosts_one_switch(&g);
	topo_summary(&g, NULL, &s);
	expect_text(capture_text(&s), "switch: hosts 2, switches 1, links 2, diameter 2 hops, "
		    "bisection unknown, capacity 400 Gb/s\n");
	topo_graph_free(&g);

	/* A k = 8 fat-tree at 100 Gb/s: 128 hosts, 80 switches, 384 links,
	 * k^3/8 = 64 links across the bisection, 2 x 384 directions. */
	memset(&s, 0, sizeof(s));
	s.hosts = 128;
	s.switches = 80;
	s.links = 384;
	s.diameter = 6;
	s.bisection_bps = 6400000000000ull;
	s.capacity_bps = 76800000000000ull;
	expect_text(capture_text(&s), "hosts 128, switches 80, links 384, diameter 6 hops, "
		    "bisection 6.4 Tb/s, capacity 76.8 Tb/s\n");

	s.diameter = 1;
	s.bisection_bps = 1;
	s.capacity_bps = 1500;
	expect_text(capture_text(&s), "hosts 128, switches 80, links 384, diameter 1 hop, "
		    "bisection 1 b/s, capacity 1.5 Kb/s\n");

	s.diameter_rc = -1;
	s.diameter = UINT32_MAX;
	expect_text(capture_text(&s), "hosts 128, switches 80, links 384, diameter infinite "
		    "(some hosts cannot reach others), bisection 1 b/s, capacity 1.5 Kb/s\n");
}

static const struct unit_test diameter_tests[] = {
	{ "path_of_switches_is_four_hops", test_path_of_switches_is_four_hops },
	{ "ring_of_six_is_three_hops", test_ring_of_six_is_three_hops },
	{ "unidirectional_ring_of_six_is_five_hops", test_unidirectional_ring_of_six_is_five_hops },
	{ "unreachable_pair", test_unreachable_pair },
	{ "one_way_link_to_a_host_cannot_carry_its_traffic",
	  test_one_way_link_to_a_host_cannot_carry_its_traffic },
	{ "dual_homed_host_relays_only_when_hosts_forward",
	  test_dual_homed_host_relays_only_when_hosts_forward },
	{ "fewer_than_two_hosts_is_zero", test_fewer_than_two_hosts_is_zero },
	{ "random_graphs_match_floyd_warshall", test_random_graphs_match_floyd_warshall },
	{ "builder_graphs_have_closed_form_diameters",
	  test_builder_graphs_have_closed_form_diameters },
	{ NULL, NULL },
};

static const struct unit_test summary_tests[] = {
	{ "summary_counts", test_summary_counts },
	{ "summary_capacity_saturates", test_summary_capacity_saturates },
	{ "summary_bisection_from_builder", test_summary_bisection_from_builder },
	{ NULL, NULL },
};

static const struct unit_test export_tests[] = {
	{ "dot_two_hosts_one_switch", test_dot_two_hosts_one_switch },
	{ "dot_one_way_loss_and_odd_units", test_dot_one_way_loss_and_odd_units },
	{ "json_two_hosts_one_switch", test_json_two_hosts_one_switch },
	{ "json_unknowns_are_null_and_strings_escaped",
	  test_json_unknowns_are_null_and_strings_escaped },
	{ "json_parses_with_python", test_json_parses_with_python },
	{ "text_summary", test_text_summary },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "topo_diameter", diameter_tests },
	{ "topo_summary", summary_tests },
	{ "topo_export", export_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
