/*
 * tests/test_config.c - frontend/experiment.c: experiment files (YAML) and
 * ns-3 HPCC flow files loaded into struct fe_experiment.
 *
 * Each test writes its files under /tmp (mkstemp/mkdtemp) and removes them.
 * Values are in the loader's units: bytes, ps, bits/s. Error tests check the
 * "FILE:LINE: key: message" shape: the prefix exactly, the message by a
 * characteristic fragment.
 */
#include "tests/unit_main.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collectives/coll.h"
#include "frontend/experiment.h"
#include "net/trace.h"

static char err[1024];

/* A temporary directory holding the files of one test. */
struct tmpdir {
	char path[64];
	char files[4][128];
	int nfiles;
};

static void tmpdir_make(struct tmpdir *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "/tmp/pktsim-cfg-XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(d->path) != NULL);
}

/* Write text to DIR/name and return the path (valid until tmpdir_remove). */
static const char *tmpdir_write(struct tmpdir *d, const char *name, const char *text)
{
	CU_ASSERT_FATAL(d->nfiles < 4);
	char *p = d->files[d->nfiles++], buf[sizeof(d->files[0])];
	/* Via buf: gcc's -Wrestrict cannot tell d->path from d->files. */
	snprintf(buf, sizeof(buf), "%s/%s", d->path, name);
	memcpy(p, buf, sizeof(buf));
	FILE *f = fopen(p, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
	return p;
}

static void tmpdir_remove(struct tmpdir *d)
{
	for (int i = 0; i < d->nfiles; i++)
		unlink(d->files[i]);
	rmdir(d->path);
}

static int exp_is_zero(const struct fe_experiment *e)
{
	static const struct fe_experiment zero;
	return !memcmp(e, &zero, sizeof(zero));
}

/* The experiment `text`, loaded; the caller frees exp and removes d. */
static int load_text(struct tmpdir *d, const char *text, struct fe_experiment *exp)
{
	tmpdir_make(d);
	const char *path = tmpdir_write(d, "exp.yaml", text);
	err[0] = '\0';
	int rc = fe_experiment_load(path, exp, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "\n  load failed: %s\n", err);
	return rc;
}

/* Check that err starts with "PATH:LINE:" and contains needle. */
static void check_error(const char *path, int line, const char *needle)
{
	char where[160];

	snprintf(where, sizeof(where), "%s:%d:", path, line);
	int ok_where = !strncmp(err, where, strlen(where));
	int ok_needle = strstr(err, needle) != NULL;
	if (!ok_where || !ok_needle)
		fprintf(stderr, "\n  got \"%s\"\n  wanted \"%s ... %s\"\n", err, where, needle);
	CU_ASSERT(ok_where);
	CU_ASSERT(ok_needle);
}

/* Loading `text` fails at `line` with needle in the message, and leaves the
 * struct zeroed. */
static void expect_error(const char *text, int line, const char *needle)
{
	struct tmpdir d;
	struct fe_experiment exp;

	tmpdir_make(&d);
	const char *path = tmpdir_write(&d, "exp.yaml", text);
	err[0] = '\0';
	CU_ASSERT_EQUAL(fe_experiment_load(path, &exp, err, sizeof(err)), -1);
	check_error(path, line, needle);
	CU_ASSERT(exp_is_zero(&exp));
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

/* The DESIGN.md section 4 example, as written there. */
static const char design_example[] =
	"seed: 1\n"
	"topology:\n"
	"  kind: switch                 # ring | switch | fully-connected\n"
	"  hosts: 2\n"
	"  link: {rate: 100Gbps, delay: 1us}\n"
	"fabric:\n"
	"  mtu: 1000B                   # payload bytes per data packet\n"
	"  cc: none\n"
	"  # buffer: 32MiB\n"
	"workload:\n"
	"  flows:\n"
	"    - {src: 0, dst: 1, size: 10MB, start: 0us}\n"
	"  # ns3_flows: flow.txt\n";

/* ---- valid files ---- */

static void test_design_example_loads_with_defaults(void)
{
	struct tmpdir d;
	struct fe_experiment exp;

	CU_ASSERT_EQUAL_FATAL(load_text(&d, design_example, &exp), 0);
	CU_ASSERT_EQUAL(exp.seed, 1);
	CU_ASSERT_STRING_EQUAL(exp.topo_kind, "switch");
	CU_ASSERT_EQUAL(exp.topo_line, 3);
	CU_ASSERT_EQUAL(exp.hosts, 2);
	CU_ASSERT_EQUAL(exp.link_rate_bps, 100000000000ull);
	CU_ASSERT_EQUAL(exp.link_delay_ps, 1000000);
	CU_ASSERT_PTR_NULL(exp.ns3_topology);
	CU_ASSERT_EQUAL(exp.mtu_bytes, 1000);
	CU_ASSERT_EQUAL(exp.hdr_data_bytes, 62);
	CU_ASSERT_EQUAL(exp.hdr_ack_bytes, 66);
	CU_ASSERT_EQUAL(exp.hdr_cnp_bytes, 78);
	CU_ASSERT_EQUAL(exp.wire_overhead_bytes, 0);
	CU_ASSERT_EQUAL(exp.buffer_bytes, 33554432);
	CU_ASSERT_EQUAL(exp.ack_every, 1);
	CU_ASSERT_EQUAL(exp.rto_ps, 1000000000ull);
	CU_ASSERT_EQUAL(exp.nack_interval_ps, 500000000ull);
	CU_ASSERT_EQUAL(exp.data_prio, 3);
	CU_ASSERT_EQUAL(exp.ack_prio, 7);
	CU_ASSERT_STRING_EQUAL(exp.cc, "none");
	CU_ASSERT_EQUAL(exp.cc_line, 8);
	CU_ASSERT_EQUAL(exp.ncc_params, 0);
	CU_ASSERT_EQUAL_FATAL(exp.nflows, 1);
	CU_ASSERT_EQUAL(exp.flows[0].src, 0);
	CU_ASSERT_EQUAL(exp.flows[0].dst, 1);
	CU_ASSERT_EQUAL(exp.flows[0].size_bytes, 10000000);
	CU_ASSERT_EQUAL(exp.flows[0].start_ps, 0);
	CU_ASSERT_EQUAL(exp.flows[0].prio, 3);
	CU_ASSERT_EQUAL(exp.flows[0].dport, 100);
	CU_ASSERT_EQUAL(exp.flows[0].line, 12);
	CU_ASSERT_STRING_EQUAL(exp.flows[0].file, d.files[0]);
	CU_ASSERT_STRING_EQUAL(exp.path, d.files[0]);
	CU_ASSERT_STRING_EQUAL(exp.dir, d.path);
	CU_ASSERT_PTR_NULL(exp.trace.path);
	CU_ASSERT_EQUAL(exp.trace.kinds, NET_TR_ALL);
	CU_ASSERT_EQUAL(exp.trace.start_ps, 0);
	CU_ASSERT_EQUAL(exp.trace.end_ps, UINT64_MAX);
	fe_experiment_free(&exp);
	CU_ASSERT(exp_is_zero(&exp));
	tmpdir_remove(&d);
}

static void test_every_fabric_key_is_read_with_units(void)
{
	struct tmpdir d;
	struct fe_experiment exp;

	CU_ASSERT_EQUAL_FATAL(load_text(&d,
		"seed: 18446744073709551615\n"
		"topology: {kind: switch, hosts: 8, link: {rate: 50GB/s, delay: 0.5us}}\n"
		"fabric:\n"
		"  mtu: 4KiB\n"
		"  headers: {data: 48B, ack: 60, cnp: 64B, wire_overhead: 20B}\n"
		"  buffer: 12MiB\n"
		"  ack_every: 4\n"
		"  rto: 4ms\n"
		"  nack_interval: 1.5us\n"
		"  priority: {data: 1, ack: 6}\n"
		"workload: {flows: [{src: 7, dst: 0, size: 1}]}\n", &exp), 0);
	CU_ASSERT_EQUAL(exp.seed, UINT64_MAX);
	CU_ASSERT_EQUAL(exp.hosts, 8);
	CU_ASSERT_EQUAL(exp.link_rate_bps, 400000000000ull);
	CU_ASSERT_EQUAL(exp.link_delay_ps, 500000);
	CU_ASSERT_EQUAL(exp.mtu_bytes, 4096);
	CU_ASSERT_EQUAL(exp.hdr_data_bytes, 48);
	CU_ASSERT_EQUAL(exp.hdr_ack_bytes, 60);
	CU_ASSERT_EQUAL(exp.hdr_cnp_bytes, 64);
	CU_ASSERT_EQUAL(exp.wire_overhead_bytes, 20);
	CU_ASSERT_EQUAL(exp.buffer_bytes, 12582912);
	CU_ASSERT_EQUAL(exp.ack_every, 4);
	CU_ASSERT_EQUAL(exp.rto_ps, 4000000000ull);
	CU_ASSERT_EQUAL(exp.nack_interval_ps, 1500000);
	CU_ASSERT_EQUAL(exp.data_prio, 1);
	CU_ASSERT_EQUAL(exp.ack_prio, 6);
	CU_ASSERT_EQUAL(exp.flows[0].prio, 1);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

static void test_cc_map_keeps_algorithm_and_raw_params_with_lines(void)
{
	struct tmpdir d;
	struct fe_experiment exp;

	CU_ASSERT_EQUAL_FATAL(load_text(&d,
		"topology: {kind: switch, hosts: 2}\n"
		"fabric:\n"
		"  cc:\n"
		"    algorithm: dcqcn\n"
		"    preset: paper\n"
		"    g: 0.00390625\n"
		"    rai: 40Mbps\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", &exp), 0);
	CU_ASSERT_STRING_EQUAL(exp.cc, "dcqcn");
	CU_ASSERT_EQUAL(exp.cc_line, 4);
	CU_ASSERT_EQUAL_FATAL(exp.ncc_params, 3);
	CU_ASSERT_STRING_EQUAL(exp.cc_params[0].key, "preset");
	CU_ASSERT_STRING_EQUAL(exp.cc_params[0].value, "paper");
	CU_ASSERT_EQUAL(exp.cc_params[0].line, 5);
	CU_ASSERT_STRING_EQUAL(exp.cc_params[1].key, "g");
	CU_ASSERT_STRING_EQUAL(exp.cc_params[1].value, "0.00390625");
	CU_ASSERT_EQUAL(exp.cc_params[1].line, 6);
	CU_ASSERT_STRING_EQUAL(exp.cc_params[2].key, "rai");
	CU_ASSERT_STRING_EQUAL(exp.cc_params[2].value, "40Mbps");
	CU_ASSERT_EQUAL(exp.cc_params[2].line, 7);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

static void test_cc_name_is_not_validated_here(void)
{
	struct tmpdir d;
	struct fe_experiment exp;

	CU_ASSERT_EQUAL_FATAL(load_text(&d,
		"topology: {kind: switch, hosts: 2}\n"
		"fabric: {cc: no-such-algorithm}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", &exp), 0);
	CU_ASSERT_STRING_EQUAL(exp.cc, "no-such-algorithm");
	CU_ASSERT_EQUAL(exp.cc_line, 2);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

static void test_flow_prio_defaults_to_data_priority_given_later(void)
{
	struct tmpdir d;
	struct fe_experiment exp;

	/* The fabric comes after the workload: the default still applies. */
	CU_ASSERT_EQUAL_FATAL(load_text(&d,
		"workload:\n"
		"  flows:\n"
		"    - {src: 0, dst: 1, size: 1MB}\n"
		"    - {src: 1, dst: 0, size: 2.5KB, start: 1.5us, prio: 6}\n"
		"    - src: 2\n"
		"      dst: 0\n"
		"      size: 1KiB\n"
		"topology: {kind: switch, hosts: 3}\n"
		"fabric: {priority: {data: 5}}\n", &exp), 0);
	CU_ASSERT_EQUAL_FATAL(exp.nflows, 3);
	CU_ASSERT_EQUAL(exp.flows[0].prio, 5);
	CU_ASSERT_EQUAL(exp.flows[0].line, 3);
	CU_ASSERT_EQUAL(exp.flows[1].prio, 6);
	CU_ASSERT_EQUAL(exp.flows[1].size_bytes, 2500);
	CU_ASSERT_EQUAL(exp.flows[1].start_ps, 1500000);
	CU_ASSERT_EQUAL(exp.flows[2].prio, 5);
	CU_ASSERT_EQUAL(exp.flows[2].size_bytes, 1024);
	CU_ASSERT_EQUAL(exp.flows[2].line, 5);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

static void test_trace_path_string_is_kept_as_written(void)
{
	struct tmpdir d;
	struct fe_experiment exp;

	CU_ASSERT_EQUAL_FATAL(load_text(&d,
		"topology: {kind: switch, hosts: 2}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n"
		"output: {trace: out.trace.gz}\n", &exp), 0);
	CU_ASSERT_STRING_EQUAL(exp.trace.path, "out.trace.gz");
	CU_ASSERT_EQUAL(exp.trace.kinds, NET_TR_ALL);
	CU_ASSERT_PTR_NULL(exp.trace.nodes);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

static void test_trace_map_sets_filters_and_keeps_end(void)
{
	struct tmpdir d;
	struct fe_experiment exp;

	CU_ASSERT_EQUAL_FATAL(load_text(&d,
		"topology: {kind: switch, hosts: 4}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n"
		"output:\n"
		"  trace:\n"
		"    file: t.gz\n"
		"    kinds: [tx, drop, msg_done]\n"
		"    nodes: [4, 1]\n"
		"    start: 1us\n"
		"    end: 2ms\n", &exp), 0);
	CU_ASSERT_STRING_EQUAL(exp.trace.path, "t.gz");
	CU_ASSERT_EQUAL(exp.trace.kinds, (1u << NET_TR_TX) | (1u << NET_TR_DROP) |
					 (1u << NET_TR_MSG_DONE) | (1u << NET_TR_END));
	CU_ASSERT_EQUAL_FATAL(exp.trace.nnodes, 2);
	CU_ASSERT_EQUAL(exp.trace.nodes[0], 4);
	CU_ASSERT_EQUAL(exp.trace.nodes[1], 1);
	CU_ASSERT_EQUAL(exp.trace.start_ps, 1000000);
	CU_ASSERT_EQUAL(exp.trace.end_ps, 2000000000ull);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

static void test_trace_ports_flows_and_sample_load(void)
{
	struct tmpdir d;
	struct fe_experiment exp;

	CU_ASSERT_EQUAL_FATAL(load_text(&d,
		"topology: {kind: switch, hosts: 2}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n"
		"output:\n"
		"  trace:\n"
		"    file: t.gz\n"
		"    ports: [\"0:0\", [1, 0]]\n"
		"    flows: [3, 1]\n"
		"    sample: 7\n", &exp), 0);
	CU_ASSERT_EQUAL_FATAL(exp.trace.nports, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(exp.trace.ports);
	CU_ASSERT_EQUAL(exp.trace.ports[0].node, 0);
	CU_ASSERT_EQUAL(exp.trace.ports[0].port, 0);
	CU_ASSERT_EQUAL(exp.trace.ports[1].node, 1);
	CU_ASSERT_EQUAL(exp.trace.ports[1].port, 0);
	/* kept as written: the trace writer sorts them */
	CU_ASSERT_EQUAL_FATAL(exp.trace.nflows, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(exp.trace.flows);
	CU_ASSERT_EQUAL(exp.trace.flows[0], 3);
	CU_ASSERT_EQUAL(exp.trace.flows[1], 1);
	CU_ASSERT_EQUAL(exp.trace.sample, 7);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);

	/* Left out: every port, every flow, every packet. */
	CU_ASSERT_EQUAL_FATAL(load_text(&d,
		"topology: {kind: switch, hosts: 2}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n"
		"output: {trace: {file: t.gz, kinds: [tx]}}\n", &exp), 0);
	CU_ASSERT_PTR_NULL(exp.trace.ports);
	CU_ASSERT_EQUAL(exp.trace.nports, 0);
	CU_ASSERT_PTR_NULL(exp.trace.flows);
	CU_ASSERT_EQUAL(exp.trace.nflows, 0);
	CU_ASSERT(exp.trace.sample <= 1);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

static void test_empty_sections_are_allowed(void)
{
	struct tmpdir d;
	struct fe_experiment exp;

	CU_ASSERT_EQUAL_FATAL(load_text(&d,
		"topology: {kind: switch, hosts: 2}\n"
		"fabric:\n"
		"  # mtu: 1000B\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n"
		"output:\n", &exp), 0);
	CU_ASSERT_EQUAL(exp.mtu_bytes, 1000);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

static const char ns3_topology[] =
	"3 1 2\n"
	"2\n"
	"0 2 100Gbps 0.001ms 0\n"
	"1 2 100Gbps 0.001ms 0\n";

static const char ns3_flows[] =
	"2\n"
	"0 1 3 100 1000000 2.000000001\n"
	"1 0 5 200 64 2\n";

static void test_ns3_paths_resolve_against_experiment_dir(void)
{
	struct tmpdir d;
	struct fe_experiment exp;
	char want[160];

	tmpdir_make(&d);
	tmpdir_write(&d, "topo.txt", ns3_topology);
	tmpdir_write(&d, "flow.txt", ns3_flows);
	const char *path = tmpdir_write(&d, "exp.yaml",
		"topology: {ns3: topo.txt}\n"
		"workload:\n"
		"  flows: [{src: 0, dst: 1, size: 1MB}]\n"
		"  ns3_flows: flow.txt\n");
	CU_ASSERT_EQUAL_FATAL(fe_experiment_load(path, &exp, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(exp.topo_kind, "ns3");
	CU_ASSERT_EQUAL(exp.topo_line, 1);
	snprintf(want, sizeof(want), "%s/topo.txt", d.path);
	CU_ASSERT_STRING_EQUAL(exp.ns3_topology, want);
	snprintf(want, sizeof(want), "%s/flow.txt", d.path);
	CU_ASSERT_STRING_EQUAL(exp.ns3_flows, want);
	CU_ASSERT_EQUAL_FATAL(exp.nflows, 3);
	CU_ASSERT_EQUAL(exp.flows[0].size_bytes, 1000000);
	CU_ASSERT_STRING_EQUAL(exp.flows[0].file, path);
	/* The file's flows come after the YAML ones. */
	CU_ASSERT_EQUAL(exp.flows[1].src, 0);
	CU_ASSERT_EQUAL(exp.flows[1].dst, 1);
	CU_ASSERT_EQUAL(exp.flows[1].prio, 3);
	CU_ASSERT_EQUAL(exp.flows[1].dport, 100);
	CU_ASSERT_EQUAL(exp.flows[1].size_bytes, 1000000);
	CU_ASSERT_EQUAL(exp.flows[1].start_ps, 2000000001000ull);
	CU_ASSERT_EQUAL(exp.flows[1].line, 2);
	CU_ASSERT_STRING_EQUAL(exp.flows[1].file, want);
	CU_ASSERT_EQUAL(exp.flows[2].prio, 5);
	CU_ASSERT_EQUAL(exp.flows[2].dport, 200);
	CU_ASSERT_EQUAL(exp.flows[2].start_ps, 2000000000000ull);
	CU_ASSERT_EQUAL(exp.flows[2].line, 3);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

/* ---- ASTRA-sim system files ---- */

static const char astra_system[] =
	"{\n"
	"  \"scheduling-policy\": \"LIFO\",\n"
	"  \"endpoint-delay\": 10,\n"
	"  \"active-chunks-per-dimension\": 3,\n"
	"  \"preferred-dataset-splits\": 4,\n"
	"  \"all-reduce-implementation\": [\"halvingDoubling\"],\n"
	"  \"all-gather-implementation\": [\"ring\"],\n"
	"  \"reduce-scatter-implementation\": [\"ring\"],\n"
	"  \"all-to-all-implementation\": [\"direct\"],\n"
	"  \"collective-optimization\": \"localBWAware\",\n"
	"  \"local-mem-bw\": 1600,\n"
	"  \"boost-mode\": 0\n"
	"}\n";

/* The system file fills what the entry leaves out; the entry's keys win;
 * keys not modelled are named in a warning. */
static void test_astra_system_file_sets_collective_defaults(void)
{
	struct tmpdir d;
	struct fe_experiment exp;
	tmpdir_make(&d);
	tmpdir_write(&d, "system.json", astra_system);
	const char *path = tmpdir_write(&d, "exp.yaml",
		"topology: {kind: switch, hosts: 4}\n"
		"workload:\n"
		"  collectives:\n"
		"    - {op: all-reduce, size: 1MiB, system: system.json}\n"
		"    - {op: all-gather, size: 1MiB, system: system.json, chunks: 2, "
		"endpoint_delay: 20ns}\n");
	CU_ASSERT_EQUAL_FATAL(fe_experiment_load(path, &exp, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(exp.ncolls, 2);
	CU_ASSERT_EQUAL(exp.colls[0].algo, COLL_HALVING_DOUBLING);
	CU_ASSERT_EQUAL(exp.colls[0].chunks, 4);
	CU_ASSERT_EQUAL(exp.colls[0].endpoint_delay_ps, 10000);
	CU_ASSERT_EQUAL(exp.colls[0].local_mem_bw_Bps, 1600000000000ull);
	CU_ASSERT_EQUAL(exp.colls[1].algo, COLL_RING);
	CU_ASSERT_EQUAL(exp.colls[1].chunks, 2);
	CU_ASSERT_EQUAL(exp.colls[1].endpoint_delay_ps, 20000);
	CU_ASSERT_FALSE(exp.colls[0].baseline);   /* the file says localBWAware */
	CU_ASSERT_EQUAL(exp.colls[0].active_chunks, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(exp.warnings, "keys not modelled by pktsim: "
					     "scheduling-policy, boost-mode"));
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

static void test_algorithm_list_is_one_per_dimension(void)
{
	struct tmpdir d;
	struct fe_experiment exp;
	CU_ASSERT_EQUAL_FATAL(load_text(&d, "topology: {kind: switch, hosts: 4}\n"
					"workload:\n  collectives:\n"
					"    - {op: all-reduce, size: 1MiB, "
					"algorithm: [ring, halving-doubling], "
					"collective_optimization: baseline}\n", &exp), 0);
	CU_ASSERT_EQUAL(exp.colls[0].nalgo_dims, 2);
	CU_ASSERT_EQUAL(exp.colls[0].algo, COLL_RING);
	CU_ASSERT_EQUAL(exp.colls[0].algo_dims[1], COLL_HALVING_DOUBLING);
	CU_ASSERT_FALSE(exp.colls[0].pipelined);
	CU_ASSERT_TRUE(exp.colls[0].baseline);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

static void expect_system_error(const char *json, const char *needle)
{
	struct tmpdir d;
	struct fe_experiment exp;
	tmpdir_make(&d);
	tmpdir_write(&d, "s.json", json);
	const char *path = tmpdir_write(&d, "exp.yaml",
		"topology: {kind: switch, hosts: 4}\n"
		"workload:\n"
		"  collectives: [{op: all-reduce, size: 1MiB, system: s.json}]\n");
	CU_ASSERT_NOT_EQUAL(fe_experiment_load(path, &exp, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
	if (!strstr(err, needle))
		fprintf(stderr, "\n    got: %s", err);
	CU_ASSERT_TRUE(exp_is_zero(&exp));
	tmpdir_remove(&d);
}

static void test_astra_system_file_errors_name_file_line_and_key(void)
{
	expect_system_error("{\n  \"endpoint-delay\": \"ten\"\n}\n",
			    "exp.yaml:3: workload.collectives[0].system: ");
	expect_system_error("{\n  \"endpoint-delay\": \"ten\"\n}\n",
			    "s.json:2: endpoint-delay: \"ten\" is not a number");
	expect_system_error("{\"all-reduce-implementation\": [\"ring\", \"ring\", \"ring\", \"ring\", "
			    "\"ring\", \"ring\", \"ring\", \"ring\", \"ring\"]}", "at most 8 dimensions");
	expect_system_error("{\"all-reduce-implementation\": [\"oneRing\"]}",
			    "\"oneRing\" is not available yet");
	expect_system_error("{\"preferred-dataset-splits\": 2.5}", "2.5 is not a whole number");
	expect_system_error("{\"collective-optimization\": \"fast\"}",
			    "expected \"baseline\" or \"localBWAware\"");
	expect_system_error("{\"local-mem-bw\": 1600", "s.json:2:1: YAML syntax error");
	expect_system_error("{\"endpoint-delay\": 10}\n---\n{\"local-mem-bw\": 1}\n",
			    "s.json:3: a second YAML document; a system file holds one");
	expect_system_error("[1, 2]", "expected a JSON object");
}

/* ---- ns-3 flow files on their own ---- */

static void test_ns3_flow_file_appends_to_experiment(void)
{
	struct tmpdir d;
	struct fe_experiment exp;

	memset(&exp, 0, sizeof(exp));
	tmpdir_make(&d);
	const char *path = tmpdir_write(&d, "flow.txt", ns3_flows);
	CU_ASSERT_EQUAL_FATAL(fe_load_ns3_flows(path, &exp, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(fe_load_ns3_flows(path, &exp, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(exp.nflows, 4);
	CU_ASSERT_EQUAL(exp.flows[3].start_ps, 2000000000000ull);
	CU_ASSERT_STRING_EQUAL(exp.flows[3].file, path);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

/* fe_load_ns3_flows on text fails at line with needle, leaving exp as it
 * was (no flows). */
static void expect_flow_file_error(const char *text, int line, const char *needle)
{
	struct tmpdir d;
	struct fe_experiment exp;

	memset(&exp, 0, sizeof(exp));
	tmpdir_make(&d);
	const char *path = tmpdir_write(&d, "flow.txt", text);
	err[0] = '\0';
	CU_ASSERT_EQUAL(fe_load_ns3_flows(path, &exp, err, sizeof(err)), -1);
	check_error(path, line, needle);
	CU_ASSERT_EQUAL(exp.nflows, 0);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

static void test_ns3_flow_file_with_fewer_flows_than_count(void)
{
	expect_flow_file_error("3\n0 1 3 100 1000 2.0\n1 0 3 100 1000 2.0\n", 3,
			       "the header says 3 flows but the file ends after 2");
	expect_flow_file_error("1\n0 1 3 100 1000\n", 2,
			       "the header says 1 flows but the file ends after 0");
	expect_flow_file_error("", 1, "empty flow file");
}

static void test_ns3_flow_file_with_extra_content(void)
{
	expect_flow_file_error("1\n0 1 3 100 1000 2.0\n\n1 0 3 100 1000 2.0\n", 4,
			       "the header says 1 flows; unexpected extra content");
}

static void test_ns3_flow_file_rejects_bad_fields(void)
{
	expect_flow_file_error("x\n", 1, "flow count \"x\"");
	expect_flow_file_error("1\n0 1 8 100 1000 2.0\n", 2, "flow 0: pg \"8\": too large");
	expect_flow_file_error("1\n0 1 3 65536 1000 2.0\n", 2, "dport \"65536\"");
	expect_flow_file_error("1\n0 1 3 100 0 2.0\n", 2, "flow 0: size must be at least 1");
	expect_flow_file_error("1\n0 -1 3 100 10 2.0\n", 2, "negative");
	expect_flow_file_error("1\n1 1 3 100 10 2.0\n", 2, "src and dst are both 1");
	expect_flow_file_error("1\n0 1 3 100 10\n1e-3\n", 3, "start \"1e-3\"");
	expect_flow_file_error("1\n0 1 3 100 10 2.0000000000001\n", 2, "12 decimal places");
	expect_flow_file_error("1\n0 1 3 100 10 1m\n", 2, "start \"1m\"");
}

static void test_ns3_flow_file_missing(void)
{
	struct fe_experiment exp;

	memset(&exp, 0, sizeof(exp));
	CU_ASSERT_EQUAL(fe_load_ns3_flows("/tmp/pktsim-no-such-flow.txt", &exp, err,
					  sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "/tmp/pktsim-no-such-flow.txt: cannot open: "
			       "No such file or directory");
}

/* ---- errors in experiment files ---- */

static void test_missing_file_is_reported(void)
{
	struct fe_experiment exp;

	CU_ASSERT_EQUAL(fe_experiment_load("/tmp/pktsim-no-such-exp.yaml", &exp, err,
					   sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "/tmp/pktsim-no-such-exp.yaml: cannot open: "
			       "No such file or directory");
	CU_ASSERT(exp_is_zero(&exp));
	fe_experiment_free(&exp);
}

static void test_empty_file_is_reported(void)
{
	struct tmpdir d;
	struct fe_experiment exp;
	char want[256];

	tmpdir_make(&d);
	const char *path = tmpdir_write(&d, "exp.yaml", "# only a comment\n\n");
	CU_ASSERT_EQUAL(fe_experiment_load(path, &exp, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: empty experiment file (expected a map with topology, "
		 "fabric, workload)", path);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT(exp_is_zero(&exp));
	tmpdir_remove(&d);
}

static void test_yaml_syntax_error_has_line_and_column(void)
{
	expect_error("seed: 1\ntopology: {kind: switch\nworkload: x\n", 3, "YAML syntax error: ");
	expect_error("seed: 1\nfabric:\n  mtu: 1000: 3\n", 3, ":12: YAML syntax error: ");
}

static void test_root_must_be_a_map(void)
{
	expect_error("- 1\n- 2\n", 1, "expected a map with topology, fabric, workload");
	expect_error("just text\n", 1, "expected a map");
}

static void test_second_document_is_an_error(void)
{
	expect_error("seed: 1\n---\nseed: 2\n", 3, "second YAML document");
}

static void test_unknown_key_names_it_and_lists_valid_keys(void)
{
	expect_error("topology: {kind: switch, hosts: 2}\n"
		     "fabric:\n"
		     "  mtu: 1000B\n"
		     "  bufer: 1MB\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		     4, "fabric.bufer: unknown key (valid keys in fabric: mtu, headers, buffer, "
		     "ack_every, rto, nack_interval, priority, ecn, pfc, cc, truncate_ns)");
	expect_error("sed: 1\n", 1, "sed: unknown key (valid keys at the top level: profile, seed, "
		     "stop_time, topology, fabric, workload, output)");
	expect_error("topology: {kind: switch, hosts: 2}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB, sport: 5}]}\n",
		     2, "workload.flows[0].sport: unknown key");
	expect_error("topology: {kind: switch, hosts: 2, link: {rate: 1Gbps, latency: 1us}}\n",
		     1, "topology.link.latency: unknown key (valid keys in topology.link: rate, "
		     "delay)");
	expect_error("topology: {kind: switch, hosts: 2}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n"
		     "output: {trace: {file: t.gz, filter: x}}\n",
		     3, "output.trace.filter: unknown key");
}

static void test_duplicate_key_is_an_error(void)
{
	expect_error("seed: 1\nseed: 2\n", 2, "seed: given twice (first on line 1)");
}

static void test_negative_rate_names_key_and_line(void)
{
	expect_error("topology:\n"
		     "  kind: switch\n"
		     "  hosts: 2\n"
		     "  link: {rate: -100Gbps}\n",
		     4, "topology.link.rate: \"-100Gbps\": negative rate");
}

static void test_bad_values_name_key_and_line(void)
{
	expect_error("seed: -1\n", 1, "seed: \"-1\": negative");
	expect_error("seed: [1]\n", 1, "seed: expected a single value, found a list");
	expect_error("fabric: {mtu: 10B}\n", 1, "fabric.mtu: must be 64..65536 bytes");
	expect_error("fabric: {mtu: 1.5KB, buffer: 0B}\n", 1, "fabric.buffer: must be greater "
		     "than 0");
	expect_error("fabric: {rto: 0us}\n", 1, "fabric.rto: must be 1..1000000000000000 ps");
	expect_error("fabric: {rto: 1001s}\n", 1, "fabric.rto: must be 1..1000000000000000 ps");
	expect_error("fabric: {ack_every: 65536}\n", 1, "fabric.ack_every: must be 1..65535");
	expect_error("fabric:\n  priority:\n    ack: 8\n", 3, "fabric.priority.ack: must be 0..7");
	expect_error("fabric: {headers: {data: 62}, rto: 5}\n", 1,
		     "fabric.rto: \"5\": expected a time with a unit");
	expect_error("topology: {kind: switch, hosts: 2, link: {rate: 100Gbs}}\n", 1,
		     "unknown rate unit \"Gbs\"");
	expect_error("fabric: 5\n", 1, "fabric: expected a map with keys mtu, headers");
}

static void test_topology_errors(void)
{
	expect_error("seed: 3\n", 1, "topology: missing");
	expect_error("topology: switch\n", 1, "topology: expected a map like {kind: switch");
	expect_error("topology: {hosts: 2}\n", 1, "topology: missing kind");
	expect_error("topology: {kind: switch}\n", 1, "topology.hosts: required for kind switch");
	expect_error("topology: {kind: switch, hosts: 0}\n", 1, "topology.hosts: must be "
		     "1..1000000");
	expect_error("topology:\n  kind: ring\n  hosts: 4\n  k: 4\n", 4, "topology.k: not used by "
		     "kind ring (like {kind: ring, hosts: 8})");
	expect_error("topology: {kind: fat-tree}\n", 1, "topology.k: required for kind fat-tree");
	expect_error("topology: {kind: leaf-spine, leaves: 4, spines: 2}\n", 1,
		     "topology.hosts_per_leaf: required for kind leaf-spine");
	expect_error("topology: {kind: torus, dims: 4}\n", 1, "topology.dims: expected a list, "
		     "like [4, 4]");
	expect_error("topology:\n  kind: multi-dim\n  dims:\n    - {kind: mesh, npus: 4}\n", 4,
		     "topology.dims[0].kind: unknown dimension kind \"mesh\"");
	expect_error("topology:\n  kind: multi-dim\n  dims:\n    - {kind: ring}\n", 4,
		     "topology.dims[0]: missing npus");
	expect_error("topology:\n  kind: multi-dim\n  npus: 30\n  dims: [{kind: ring, npus: 4}, "
		     "{kind: switch, npus: 8}]\n", 3, "topology.npus: 30 does not equal the product "
		     "of the dimensions' npus (32)");
	expect_error("topology: {kind: torus, dims: [4, 4], dim_links: [{rate: 100Gbps}]}\n", 1,
		     "topology.dim_links: has 1 entries but dims has 2");
	expect_error("topology: {kind: torus, dims: [4, 4], dim_links: [{rate: 1Gbps}, {delay: 1us}]}\n",
		     1, "topology.dim_links[1]: needs a rate");
	expect_error("topology: {kind: ring, hosts: 4, unidirectional: maybe}\n", 1,
		     "topology.unidirectional: expected true or false");
	expect_error("topology: {astra: network.yml}\n", 1, "topology.astra: ");
	expect_error("topology: {astra: network.yml}\n", 1, "network.yml: cannot open: No such file");
	expect_error("topology: {kind: star}\n", 1, "unknown topology kind \"star\" (expected "
		     "switch, ring, fully-connected, fat-tree, leaf-spine, torus or multi-dim");
	expect_error("topology: {kind: switch, ns3: t.txt}\n", 1, "give one of kind, ns3 or astra");
	expect_error("topology:\n  ns3: t.txt\n  hosts: 4\n", 3, "topology.hosts: not used "
		     "with ns3");
}

static void test_flow_to_host_out_of_range(void)
{
	expect_error("topology: {kind: switch, hosts: 8}\n"
		     "workload:\n"
		     "  flows:\n"
		     "    - {src: 0, dst: 1, size: 1MB}\n"
		     "    - {src: 0, dst: 1, size: 1MB}\n"
		     "    - {src: 0, dst: 1, size: 1MB}\n"
		     "    - src: 2\n"
		     "      dst: 9\n"
		     "      size: 1MB\n",
		     8, "workload.flows[3].dst: flow 3: dst 9 is not a host (hosts are 0..7)");
	/* The switch itself (node 8) is not a host either. */
	expect_error("topology: {kind: switch, hosts: 8}\n"
		     "workload: {flows: [{src: 8, dst: 1, size: 1MB}]}\n",
		     2, "flow 0: src 8 is not a host (hosts are 0..7)");
}

static void test_ns3_flow_to_host_out_of_range_names_flow_file(void)
{
	struct tmpdir d;
	struct fe_experiment exp;

	tmpdir_make(&d);
	const char *flows = tmpdir_write(&d, "flow.txt", "2\n0 1 3 100 10 0\n1 5 3 100 10 0\n");
	const char *path = tmpdir_write(&d, "exp.yaml",
		"topology: {kind: switch, hosts: 2}\n"
		"workload: {ns3_flows: flow.txt}\n");
	CU_ASSERT_EQUAL(fe_experiment_load(path, &exp, err, sizeof(err)), -1);
	check_error(flows, 3, "flow 1: dst 5 is not a host (hosts are 0..1)");
	CU_ASSERT(exp_is_zero(&exp));
	tmpdir_remove(&d);
}

static void test_ns3_flow_file_wrong_count_fails_the_experiment(void)
{
	struct tmpdir d;
	struct fe_experiment exp;

	tmpdir_make(&d);
	const char *flows = tmpdir_write(&d, "flow.txt", "2\n0 1 3 100 10 0\n");
	const char *path = tmpdir_write(&d, "exp.yaml",
		"topology: {kind: switch, hosts: 2}\n"
		"workload: {ns3_flows: flow.txt}\n");
	CU_ASSERT_EQUAL(fe_experiment_load(path, &exp, err, sizeof(err)), -1);
	check_error(flows, 2, "the header says 2 flows but the file ends after 1");
	CU_ASSERT(exp_is_zero(&exp));
	tmpdir_remove(&d);
}

static void test_flow_errors(void)
{
	const char *topo = "topology: {kind: switch, hosts: 4}\n";
	char text[512];

	snprintf(text, sizeof(text), "%sworkload: {flows: [{src: 0, dst: 1}]}\n", topo);
	expect_error(text, 2, "workload.flows[0]: flow 0: missing size (required: src, dst, "
		     "size)");
	snprintf(text, sizeof(text), "%sworkload: {flows: [{src: 0, dst: 1, size: 0B}]}\n", topo);
	expect_error(text, 2, "workload.flows[0].size: must be greater than 0");
	snprintf(text, sizeof(text), "%sworkload: {flows: [{src: 2, dst: 2, size: 1}]}\n", topo);
	expect_error(text, 2, "flow 0: src and dst are both 2");
	snprintf(text, sizeof(text), "%sworkload: {flows: [{src: 0, dst: 1, size: 1, prio: 8}]}\n",
		 topo);
	expect_error(text, 2, "workload.flows[0].prio: must be 0..7");
	snprintf(text, sizeof(text), "%sworkload: {flows: {src: 0, dst: 1, size: 1}}\n", topo);
	expect_error(text, 2, "workload.flows: expected a list of flows, found a map");
	snprintf(text, sizeof(text), "%sworkload: {flows: [7]}\n", topo);
	expect_error(text, 2, "workload.flows[0]: expected a map like {src: 0");
}

static void test_workload_must_give_flows(void)
{
	const char *topo = "topology: {kind: switch, hosts: 4}\n";
	char text[512];

	expect_error(topo, 1, "workload: missing");
	snprintf(text, sizeof(text), "%sworkload:\n  flows: []\n", topo);
	expect_error(text, 2, "workload: nothing to run");
	snprintf(text, sizeof(text), "%sworkload:\n  collectives: [{op: all-reduce}]\n", topo);
	expect_error(text, 3, "workload.collectives[0]: missing size (like size: 64MiB)");
	snprintf(text, sizeof(text), "%sworkload:\n  collectives: [{op: broadcast, size: 1MB}]\n", topo);
	expect_error(text, 3, "workload.collectives[0].op: \"broadcast\" is not available");
	snprintf(text, sizeof(text), "%sworkload:\n  collectives: [{op: all-reduce, size: 1MB, "
		 "discipline: nccl}]\n", topo);
	expect_error(text, 3, "workload.collectives[0].discipline: \"nccl\" is not available "
		     "(available: astra, pipelined)");
	snprintf(text, sizeof(text), "%sworkload:\n  collectives: [{op: all-to-all, size: 1MB, "
		 "algorithm: ring}]\n", topo);
	expect_error(text, 3, "workload.collectives[0].algorithm: all-to-all runs with algorithm "
		     "direct only");
	snprintf(text, sizeof(text), "%sworkload:\n  collectives: [{op: all-reduce, size: 1MB, "
		 "algorithm: tree}]\n", topo);
	expect_error(text, 3, "workload.collectives[0].algorithm: \"tree\" is not available yet (available: ring, direct, halving-doubling, double-binary-tree)");
	snprintf(text, sizeof(text), "%sworkload:\n  collectives: [{op: all-reduce, size: 1MB, "
		 "group: [1, 1]}]\n", topo);
	expect_error(text, 3, "workload.collectives[0].group: host 1 twice");
}

static void test_missing_ns3_flow_file_points_at_experiment_line(void)
{
	expect_error("topology: {kind: switch, hosts: 4}\n"
		     "workload:\n"
		     "  ns3_flows: no-such-flow.txt\n",
		     3, "workload.ns3_flows: ");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/no-such-flow.txt: cannot open: No such file or "
				      "directory"));
}

static void test_cc_errors(void)
{
	const char *rest = "topology: {kind: switch, hosts: 2}\n"
			   "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n";
	char text[512];

	snprintf(text, sizeof(text), "%sfabric:\n  cc: {g: 0.5}\n", rest);
	expect_error(text, 4, "fabric.cc: missing algorithm");
	snprintf(text, sizeof(text), "%sfabric:\n  cc: {algorithm: dcqcn, ecn: [1, 2]}\n", rest);
	expect_error(text, 4, "fabric.cc.ecn: expected a single value, found a list");
	snprintf(text, sizeof(text), "%sfabric:\n  cc: [dcqcn]\n", rest);
	expect_error(text, 4, "fabric.cc: expected an algorithm name or a map");
	snprintf(text, sizeof(text), "%sfabric:\n  cc: {algorithm: dcqcn, g: 1, g: 2}\n", rest);
	expect_error(text, 4, "fabric.cc.g: given twice");
}

static void test_trace_errors(void)
{
	const char *rest = "topology: {kind: switch, hosts: 2}\n"
			   "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n";
	char text[512];

	snprintf(text, sizeof(text), "%soutput:\n  trace: {file: t.gz, kinds: [tx, rxx]}\n", rest);
	expect_error(text, 4, "output.trace.kinds: unknown event kind \"rxx\" (expected one of enq, tx");
	snprintf(text, sizeof(text), "%soutput:\n  trace: {kinds: [tx]}\n", rest);
	expect_error(text, 4, "output.trace: missing file");
	snprintf(text, sizeof(text), "%soutput:\n  trace: {file: t, start: 2us, end: 1us}\n", rest);
	expect_error(text, 4, "output.trace: start is after end");
	snprintf(text, sizeof(text), "%soutput:\n  trace: {file: t, nodes: [3]}\n", rest);
	expect_error(text, 4, "output.trace.nodes: must be 0..2");
}

static void test_trace_ports_flows_sample_errors(void)
{
	/* The trace map is in block style so each key has its own line. */
	const char *head = "topology: {kind: switch, hosts: 2}\n"
			   "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n"
			   "output:\n"
			   "  trace:\n"
			   "    file: t.gz\n";
	char text[512];

	snprintf(text, sizeof(text), "%s    ports: [\"4-0\"]\n", head);
	expect_error(text, 6, "output.trace.ports: expected \"NODE:PORT\"");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"4-0\""));
	snprintf(text, sizeof(text), "%s    ports: [\"1:0x\"]\n", head);
	expect_error(text, 6, "output.trace.ports: expected \"NODE:PORT\"");
	snprintf(text, sizeof(text), "%s    ports: [4]\n", head);
	expect_error(text, 6, "output.trace.ports: expected \"NODE:PORT\"");
	snprintf(text, sizeof(text), "%s    ports: [[1]]\n", head);
	expect_error(text, 6, "output.trace.ports: expected [NODE, PORT]");
	snprintf(text, sizeof(text), "%s    ports: [[1, 0, 2]]\n", head);
	expect_error(text, 6, "output.trace.ports: expected [NODE, PORT]");
	/* the line of the bad item, not of the key */
	snprintf(text, sizeof(text), "%s    ports: [\"0:0\",\n            [1]]\n", head);
	expect_error(text, 7, "output.trace.ports: expected [NODE, PORT]");
	snprintf(text, sizeof(text), "%s    ports: [[-1, 0]]\n", head);
	expect_error(text, 6, "output.trace.ports: \"-1\": negative");
	snprintf(text, sizeof(text), "%s    ports: \"0:0\"\n", head);
	expect_error(text, 6, "output.trace.ports: expected a list of ports");
	snprintf(text, sizeof(text), "%s    ports: []\n", head);
	expect_error(text, 6, "output.trace.ports: expected at least one port");

	snprintf(text, sizeof(text), "%s    sample: 0\n", head);
	expect_error(text, 6, "output.trace.sample: must be 1..");
	snprintf(text, sizeof(text), "%s    sample: -3\n", head);
	expect_error(text, 6, "output.trace.sample: \"-3\": negative");

	snprintf(text, sizeof(text), "%s    flows: []\n", head);
	expect_error(text, 6, "output.trace.flows: expected at least one flow id");
	snprintf(text, sizeof(text), "%s    flows: [1, x]\n", head);
	expect_error(text, 6, "output.trace.flows: \"x\": expected an integer");
}

static void test_free_is_null_safe_and_idempotent(void)
{
	struct fe_experiment exp;

	fe_experiment_free(NULL);
	memset(&exp, 0, sizeof(exp));
	fe_experiment_free(&exp);
	fe_experiment_free(&exp);
	CU_ASSERT(exp_is_zero(&exp));
}

static void test_ecn_defaults_and_values(void)
{
	struct tmpdir d;
	struct fe_experiment exp;
	/* Defaults: on, dequeue marking, thresholds scaled by rate (0), Pmax 0.2. */
	CU_ASSERT_EQUAL_FATAL(load_text(&d, "topology: {kind: switch, hosts: 2}\n"
				   "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", &exp), 0);
	CU_ASSERT_EQUAL(exp.ecn_enabled, 1);
	CU_ASSERT_EQUAL(exp.ecn_mark_enqueue, 0);
	CU_ASSERT_EQUAL(exp.ecn_kmin_bytes, 0);
	CU_ASSERT_EQUAL(exp.ecn_kmax_bytes, 0);
	CU_ASSERT_DOUBLE_EQUAL(exp.ecn_pmax, 0.2, 0);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
	CU_ASSERT_EQUAL_FATAL(load_text(&d, "topology: {kind: switch, hosts: 2}\n"
				   "fabric: {ecn: {kmin: 50KB, kmax: 200KB, pmax: 0.5, mark: enqueue}}\n"
				   "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", &exp), 0);
	CU_ASSERT_EQUAL(exp.ecn_kmin_bytes, 50000);
	CU_ASSERT_EQUAL(exp.ecn_kmax_bytes, 200000);
	CU_ASSERT_DOUBLE_EQUAL(exp.ecn_pmax, 0.5, 0);
	CU_ASSERT_EQUAL(exp.ecn_mark_enqueue, 1);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
	CU_ASSERT_EQUAL_FATAL(load_text(&d, "topology: {kind: switch, hosts: 2}\n"
				   "fabric: {ecn: {enabled: false}}\n"
				   "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", &exp), 0);
	CU_ASSERT_EQUAL(exp.ecn_enabled, 0);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
}

/* ECN thresholds per link rate and the ns-3 output files: read with units,
 * pmax defaulting to the fabric's. */
static void test_ecn_by_rate_and_ns3_outputs(void)
{
	struct tmpdir d;
	struct fe_experiment e;
	CU_ASSERT_EQUAL_FATAL(load_text(&d, "topology: {kind: switch, hosts: 2}\n"
					"fabric: {ecn: {pmax: 0.5, by_rate: [\n"
					"  {rate: 100Gbps, kmin: 400KB, kmax: 1600KB},\n"
					"  {rate: 25Gbps, kmin: 100KB, kmax: 400KB, pmax: 0.2}]}}\n"
					"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n"
					"output: {fct: out/fct.txt, pfc: pfc.txt}\n", &e), 0);
	CU_ASSERT_EQUAL_FATAL(e.necn_rates, 2);
	CU_ASSERT_EQUAL(e.ecn_rates[0].rate_bps, 100000000000ull);
	CU_ASSERT_EQUAL(e.ecn_rates[0].kmin_bytes, 400000);
	CU_ASSERT_EQUAL(e.ecn_rates[0].kmax_bytes, 1600000);
	CU_ASSERT_DOUBLE_EQUAL(e.ecn_rates[0].pmax, 0.5, 0);
	CU_ASSERT_EQUAL(e.ecn_rates[1].rate_bps, 25000000000ull);
	CU_ASSERT_DOUBLE_EQUAL(e.ecn_rates[1].pmax, 0.2, 0);
	CU_ASSERT_STRING_EQUAL(e.fct_path, "out/fct.txt");
	CU_ASSERT_STRING_EQUAL(e.pfc_path, "pfc.txt");
	fe_experiment_free(&e);
	tmpdir_remove(&d);

	expect_error("topology: {kind: switch, hosts: 2}\n"
		     "fabric: {ecn: {by_rate: [{rate: 100Gbps, kmin: 400KB}]}}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		     2, "fabric.ecn.by_rate[0]: missing kmax");
	expect_error("topology: {kind: switch, hosts: 2}\n"
		     "fabric: {ecn: {by_rate: [{rate: 100Gbps, kmin: 4KB, kmax: 8KB},\n"
		     "  {rate: 100Gbps, kmin: 4KB, kmax: 8KB}]}}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		     3, "fabric.ecn.by_rate[1]: a second entry for the same rate");
	expect_error("topology: {kind: switch, hosts: 2}\n"
		     "fabric: {ecn: {by_rate: {rate: 100Gbps}}}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		     2, "fabric.ecn.by_rate: expected a list");
}

/* profile: ns3-hpcc sets the HPCC code's choices first; the file's own keys
 * override them, and its cc parameters stay under the file's for DCQCN. */
static void test_profile_ns3_hpcc(void)
{
	struct tmpdir d;
	struct fe_experiment e;
	CU_ASSERT_EQUAL_FATAL(load_text(&d, "profile: ns3-hpcc\n"
					"topology: {kind: switch, hosts: 2}\n"
					"fabric: {headers: {ack: 64B}, cc: {algorithm: dcqcn, g: 0.5}}\n"
					"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", &e), 0);
	CU_ASSERT_EQUAL(e.profile_ns3, 1);
	CU_ASSERT_EQUAL(e.hdr_data_bytes, 48);
	CU_ASSERT_EQUAL(e.hdr_ack_bytes, 64);          /* the file's own */
	CU_ASSERT_EQUAL(e.pfc_enabled, 1);
	CU_ASSERT_STRING_EQUAL(e.cc, "dcqcn");
	CU_ASSERT_EQUAL_FATAL(e.ncc_params, 2);
	CU_ASSERT_STRING_EQUAL(e.cc_params[0].key, "preset");
	CU_ASSERT_STRING_EQUAL(e.cc_params[0].value, "hpcc-ns3");
	CU_ASSERT_STRING_EQUAL(e.cc_params[1].key, "g");
	fe_experiment_free(&e);
	tmpdir_remove(&d);

	CU_ASSERT_EQUAL_FATAL(load_text(&d, "profile: ns3-hpcc\n"
					"topology: {kind: switch, hosts: 2}\n"
					"fabric: {cc: none}\n"
					"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", &e), 0);
	CU_ASSERT_STRING_EQUAL(e.cc, "none");
	CU_ASSERT_EQUAL(e.ncc_params, 0);
	fe_experiment_free(&e);
	tmpdir_remove(&d);

	CU_ASSERT_EQUAL_FATAL(load_text(&d, "profile: ns3-hpcc\n"
					"topology: {kind: switch, hosts: 2}\n"
					"fabric: {cc: {algorithm: dcqcn, preset: paper}}\n"
					"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", &e), 0);
	CU_ASSERT_EQUAL_FATAL(e.ncc_params, 1);
	CU_ASSERT_STRING_EQUAL(e.cc_params[0].value, "paper");
	fe_experiment_free(&e);
	tmpdir_remove(&d);

	CU_ASSERT_EQUAL_FATAL(load_text(&d, "topology: {kind: switch, hosts: 2}\n"
					"fabric: {truncate_ns: true}\n"
					"workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", &e), 0);
	CU_ASSERT_EQUAL(e.truncate_ns, 1);
	CU_ASSERT_EQUAL(e.profile_ns3, 0);
	fe_experiment_free(&e);
	tmpdir_remove(&d);
	expect_error("topology: {kind: switch, hosts: 2}\nfabric: {truncate_ns: 83}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		     2, "fabric.truncate_ns: expected true or false");

	expect_error("profile: ns-3\ntopology: {kind: switch, hosts: 2}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		     1, "profile: unknown profile \"ns-3\" (expected ns3-hpcc)");
}

static void test_ecn_errors(void)
{
	expect_error("topology: {kind: switch, hosts: 2}\n"
		     "fabric: {ecn: {kmin: 400KB, kmax: 100KB}}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		     2, "fabric.ecn.kmin: kmin (400000 bytes) is above kmax (100000 bytes)");
	expect_error("topology: {kind: switch, hosts: 2}\n"
		     "fabric: {ecn: {pmax: 1.5}}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		     2, "fabric.ecn.pmax: must be in [0, 1]");
	expect_error("topology: {kind: switch, hosts: 2}\n"
		     "fabric: {ecn: {pmax: -0.1}}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		     2, "fabric.ecn.pmax: must be in [0, 1]");
	expect_error("topology: {kind: switch, hosts: 2}\n"
		     "fabric: {ecn: {kmin: 100KB}}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		     2, "fabric.ecn: give kmin and kmax together");
	expect_error("topology: {kind: switch, hosts: 2}\n"
		     "fabric: {ecn: {mark: sometimes}}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		     2, "fabric.ecn.mark: expected enqueue or dequeue");
	expect_error("topology: {kind: switch, hosts: 2}\n"
		     "fabric: {ecn: {enabled: maybe}}\n"
		     "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n",
		     2, "fabric.ecn.enabled: expected true or false");
}

static void test_pfc_defaults_values_and_errors(void)
{
	struct tmpdir d;
	struct fe_experiment exp;
	CU_ASSERT_EQUAL_FATAL(load_text(&d, "topology: {kind: switch, hosts: 2}\n"
				   "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", &exp), 0);
	CU_ASSERT_EQUAL(exp.pfc_enabled, 0);
	CU_ASSERT_EQUAL(exp.pfc_dynamic, 1);
	CU_ASSERT_DOUBLE_EQUAL(exp.pfc_alpha, 0.125, 0);
	CU_ASSERT_EQUAL(exp.pfc_resume_offset_bytes, 3072);
	CU_ASSERT_EQUAL(exp.pfc_quanta, 65535);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
	CU_ASSERT_EQUAL_FATAL(load_text(&d, "topology: {kind: switch, hosts: 2}\n"
				   "fabric: {pfc: {threshold: static, xoff: 100KB, resume_offset: 2KB,"
				   " headroom: 40KB, quanta: 1000}}\n"
				   "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n", &exp), 0);
	CU_ASSERT_EQUAL(exp.pfc_enabled, 1);
	CU_ASSERT_EQUAL(exp.pfc_dynamic, 0);
	CU_ASSERT_EQUAL(exp.pfc_xoff_bytes, 100000);
	CU_ASSERT_EQUAL(exp.pfc_resume_offset_bytes, 2000);
	CU_ASSERT_EQUAL(exp.pfc_headroom_bytes, 40000);
	CU_ASSERT_EQUAL(exp.pfc_quanta, 1000);
	fe_experiment_free(&exp);
	tmpdir_remove(&d);
	const char *w = "workload: {flows: [{src: 0, dst: 1, size: 1MB}]}\n";
	char t[512];
	snprintf(t, sizeof(t), "topology: {kind: switch, hosts: 2}\nfabric: {pfc: {threshold: static}}\n%s", w);
	expect_error(t, 2, "fabric.pfc: threshold: static needs xoff");
	snprintf(t, sizeof(t), "topology: {kind: switch, hosts: 2}\nfabric: {pfc: {xoff: 10KB}}\n%s", w);
	expect_error(t, 2, "fabric.pfc.xoff: only with threshold: static");
	snprintf(t, sizeof(t), "topology: {kind: switch, hosts: 2}\nfabric: {pfc: {alpha: 0}}\n%s", w);
	expect_error(t, 2, "fabric.pfc.alpha: must be in (0, 64]");
	snprintf(t, sizeof(t), "topology: {kind: switch, hosts: 2}\nfabric: {pfc: {quanta: 70000}}\n%s", w);
	expect_error(t, 2, "fabric.pfc.quanta: must be 1..65535");
	snprintf(t, sizeof(t), "topology: {kind: switch, hosts: 2}\nfabric: {pfc: {threshold: adaptive}}\n%s", w);
	expect_error(t, 2, "fabric.pfc.threshold: expected dynamic, static or ns3");

	/* threshold: ns3 is the HPCC code's MMU; headers.pfc the frame size. */
	struct tmpdir td;
	struct fe_experiment e;
	snprintf(t, sizeof(t), "topology: {kind: switch, hosts: 2}\n"
		 "fabric: {pfc: {threshold: ns3}, headers: {pfc: 43B}}\n%s", w);
	CU_ASSERT_EQUAL_FATAL(load_text(&td, t, &e), 0);
	CU_ASSERT_EQUAL(e.pfc_ns3_mmu, 1);
	CU_ASSERT_EQUAL(e.pfc_frame_bytes, 43);
	fe_experiment_free(&e);
	tmpdir_remove(&td);
	/* The profile sets them; the file's threshold: dynamic takes the MMU back. */
	snprintf(t, sizeof(t), "profile: ns3-hpcc\ntopology: {kind: switch, hosts: 2}\n"
		 "fabric: {pfc: {threshold: dynamic}}\n%s", w);
	CU_ASSERT_EQUAL_FATAL(load_text(&td, t, &e), 0);
	CU_ASSERT_EQUAL(e.pfc_ns3_mmu, 0);
	CU_ASSERT_EQUAL(e.pfc_frame_bytes, 43);
	CU_ASSERT_EQUAL(e.ack_prio, e.data_prio);
	CU_ASSERT_EQUAL(e.ack_first_at_nic, 1);
	fe_experiment_free(&e);
	tmpdir_remove(&td);
}

static const struct unit_test load_tests[] = {
	{ "test_design_example_loads_with_defaults", test_design_example_loads_with_defaults },
	{ "test_ecn_defaults_and_values", test_ecn_defaults_and_values },
	{ "test_ecn_errors", test_ecn_errors },
	{ "test_profile_ns3_hpcc", test_profile_ns3_hpcc },
	{ "test_ecn_by_rate_and_ns3_outputs", test_ecn_by_rate_and_ns3_outputs },
	{ "test_pfc_defaults_values_and_errors", test_pfc_defaults_values_and_errors },
	{ "test_every_fabric_key_is_read_with_units", test_every_fabric_key_is_read_with_units },
	{ "test_cc_map_keeps_algorithm_and_raw_params_with_lines",
	  test_cc_map_keeps_algorithm_and_raw_params_with_lines },
	{ "test_cc_name_is_not_validated_here", test_cc_name_is_not_validated_here },
	{ "test_flow_prio_defaults_to_data_priority_given_later",
	  test_flow_prio_defaults_to_data_priority_given_later },
	{ "test_trace_path_string_is_kept_as_written", test_trace_path_string_is_kept_as_written },
	{ "test_trace_map_sets_filters_and_keeps_end", test_trace_map_sets_filters_and_keeps_end },
	{ "test_trace_ports_flows_and_sample_load", test_trace_ports_flows_and_sample_load },
	{ "test_empty_sections_are_allowed", test_empty_sections_are_allowed },
	{ "test_ns3_paths_resolve_against_experiment_dir",
	  test_ns3_paths_resolve_against_experiment_dir },
	{ "algorithm_list_is_one_per_dimension", test_algorithm_list_is_one_per_dimension },
	{ "astra_system_file_sets_collective_defaults",
	  test_astra_system_file_sets_collective_defaults },
	{ "astra_system_file_errors_name_file_line_and_key",
	  test_astra_system_file_errors_name_file_line_and_key },
	{ "test_free_is_null_safe_and_idempotent", test_free_is_null_safe_and_idempotent },
	{ NULL, NULL },
};

static const struct unit_test flow_file_tests[] = {
	{ "test_ns3_flow_file_appends_to_experiment", test_ns3_flow_file_appends_to_experiment },
	{ "test_ns3_flow_file_with_fewer_flows_than_count",
	  test_ns3_flow_file_with_fewer_flows_than_count },
	{ "test_ns3_flow_file_with_extra_content", test_ns3_flow_file_with_extra_content },
	{ "test_ns3_flow_file_rejects_bad_fields", test_ns3_flow_file_rejects_bad_fields },
	{ "test_ns3_flow_file_missing", test_ns3_flow_file_missing },
	{ NULL, NULL },
};

static const struct unit_test error_tests[] = {
	{ "test_missing_file_is_reported", test_missing_file_is_reported },
	{ "test_empty_file_is_reported", test_empty_file_is_reported },
	{ "test_yaml_syntax_error_has_line_and_column", test_yaml_syntax_error_has_line_and_column },
	{ "test_root_must_be_a_map", test_root_must_be_a_map },
	{ "test_second_document_is_an_error", test_second_document_is_an_error },
	{ "test_unknown_key_names_it_and_lists_valid_keys",
	  test_unknown_key_names_it_and_lists_valid_keys },
	{ "test_duplicate_key_is_an_error", test_duplicate_key_is_an_error },
	{ "test_negative_rate_names_key_and_line", test_negative_rate_names_key_and_line },
	{ "test_bad_values_name_key_and_line", test_bad_values_name_key_and_line },
	{ "test_topology_errors", test_topology_errors },
	{ "test_flow_to_host_out_of_range", test_flow_to_host_out_of_range },
	{ "test_ns3_flow_to_host_out_of_range_names_flow_file",
	  test_ns3_flow_to_host_out_of_range_names_flow_file },
	{ "test_ns3_flow_file_wrong_count_fails_the_experiment",
	  test_ns3_flow_file_wrong_count_fails_the_experiment },
	{ "test_flow_errors", test_flow_errors },
	{ "test_workload_must_give_flows", test_workload_must_give_flows },
	{ "test_missing_ns3_flow_file_points_at_experiment_line",
	  test_missing_ns3_flow_file_points_at_experiment_line },
	{ "test_cc_errors", test_cc_errors },
	{ "test_trace_errors", test_trace_errors },
	{ "test_trace_ports_flows_sample_errors", test_trace_ports_flows_sample_errors },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "config_load", load_tests },
	{ "config_ns3_flows", flow_file_tests },
	{ "config_errors", error_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
