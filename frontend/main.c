/*
 * frontend/main.c - the pktsim command line.
 *
 * The library never prints or exits; this file decides how errors are
 * reported (one line on stderr, "FILE:LINE: what was expected") and the exit
 * status: 0 success, 1 bad input or failed run, 2 usage, 3 interrupted.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/resource.h>
#include <time.h>

#include "config.h"
#include "frontend/experiment.h"
#include "frontend/ns3_config.h"
#include "frontend/serve.h"
#include "frontend/sim.h"
#include "frontend/validate.h"
#include "frontend/summary.h"
#include "frontend/topo_export.h"
#include "frontend/trace_pcap.h"
#include "frontend/trace_perfetto.h"
#include "frontend/trace_plot.h"
#include "frontend/trace_read.h"
#include "frontend/trace_stats.h"
#include "topo/analysis.h"
#include "topo/topo.h"
#include "net/units.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const char usage_text[] =
	"Usage: pktsim COMMAND [ARGS]\n"
	"\n"
	"pktsim is a packet-level network simulator for AI clusters: every packet\n"
	"moves through NICs and switches, with queues, store-and-forward links and\n"
	"RDMA-style reliable transport.\n"
	"\n"
	"Commands:\n"
	"  pktsim run EXP.yaml [--json [--stats]] [--seed N] [--trace FILE]\n"
	"      Run the experiment file EXP.yaml and print its summary.\n"
	"      --json        print the summary as one JSON object (stable keys:\n"
	"                    sim_time_ns, events, wall_s, flows[], collectives[],\n"
	"                    counters{}; every time also as integer *_ps). Same\n"
	"                    input and seed: byte-identical output but wall_s\n"
	"      --stats       add machine measurements to the JSON (peak_rss_kb)\n"
	"      --seed N      override the experiment's seed (ECMP salts, link loss)\n"
	"      --trace FILE  write the packet trace (gzip + msgpack) to FILE,\n"
	"                    overriding output.trace; filters come from the file\n"
	"      --truncate-ns serialization and pacing times in whole ns, as the\n"
	"                    ns-3 clock computes them (fabric.truncate_ns)\n"
	"  pktsim run --ns3 config.txt [--json] [--seed N] [--trace FILE]\n"
	"      Run an HPCC ns-3 experiment directory unchanged (from that\n"
	"      directory, paths as the config writes them): its config, topology,\n"
	"      flow and trace-node files; writes FCT_OUTPUT_FILE and\n"
	"      PFC_OUTPUT_FILE in that code's formats (doc/ns3.md).\n"
	"      Ctrl-C stops the run: the trace is closed as a complete gzip stream\n"
	"      whose last record says \"interrupted\", the summary is marked\n"
	"      INTERRUPTED, and the exit status is 3.\n"
	"\n"
	"  pktsim topo EXP.yaml [--dot | --json]\n"
	"      Build the experiment's topology and print its summary (hosts, switches,\n"
	"      links, diameter in hops, bisection bandwidth by the builder's closed\n"
	"      form, total capacity); --dot: Graphviz; --json: nodes, links, summary.\n"
	"\n"
	"  pktsim validate EXP.yaml --sizes FROM..TO [--factor F] [--algorithms A,B]\n"
	"                 [--attribute] [--out PREFIX]\n"
	"      Run the experiment's collectives at every size FROM, FROM x F, ... up\n"
	"      to TO (default F = 4), for each algorithm listed (default: the\n"
	"      file's), and write PREFIX.csv (packet time, the analytical models,\n"
	"      the error and its causes, busbw) and PREFIX.svg (error vs size).\n"
	"      PREFIX defaults to the experiment's name + \"-validate\".\n"
	"      --attribute   also run each point without CC, then without PFC and\n"
	"                    with an unbounded buffer: the CSV's cc_ns,\n"
	"                    pfc_or_drops_ns and queueing_ns split contention_ns\n"
	"\n"
	"  pktsim trace info FILE   record counts by kind, sizes, run status\n"
	"  pktsim trace dump FILE   the header and every record, one JSON per line\n"
	"  pktsim trace pcap FILE [-o OUT] [--snaplen N] [--format pcap|pcapng]\n"
	"                    [--ingress] [--send] [FILTERS]\n"
	"      RoCEv2 frames for Wireshark: a frame per transmission (--ingress: per\n"
	"      arrival); .pcapng gives an interface per port; .gz compresses.\n"
	"      OUT defaults to FILE's name with .pcap. --snaplen (default 128)\n"
	"      keeps the headers; 0 keeps whole frames (zero payload, real ICRC).\n"
	"      --send: data as SEND instead of RDMA WRITE.\n"
	"  pktsim trace perfetto FILE [-o OUT] [--bucket TIME] [--packets] [FILTERS]\n"
	"      Trace Event JSON for ui.perfetto.dev or chrome://tracing: a process\n"
	"      per node, port and QP tracks, message and collective slices with\n"
	"      dependency arrows, queue / utilization counters per --bucket\n"
	"      (default 1us), CC rates, PAUSE/CNP/drop instants; --packets adds a\n"
	"      slice per transmission. OUT defaults to FILE's name with .json.\n"
	"  pktsim trace stats FILE [--csv [--table ports|flows|matrix]] [-o OUT]\n"
	"                    [FILTERS]\n"
	"      Per port: bytes, utilization, queue p50/p99/max, ECN, PFC, paused\n"
	"      time, drops; per flow: FCT, throughput, retransmits; the traffic\n"
	"      matrix. From the trace alone, by the summary's definitions.\n"
	"  pktsim trace plot FILE [-o DIR] [--bucket TIME] [--top N] [--rows N]\n"
	"                    [FILTERS]\n"
	"      SVG plots, each with a CSV of its numbers: queues.svg (depth over\n"
	"      time of the --top deepest queues, default 8), throughput.svg and\n"
	"      rate.svg (goodput and CC rate of the --top largest flows),\n"
	"      utilization.svg (heat map, port x time, of the --rows busiest\n"
	"      ports, default 64). --bucket: default the round width giving at\n"
	"      most 400 buckets. DIR defaults to FILE's name + \"-plots\".\n"
	"    FILTERS (pcap, perfetto, stats, plot):\n"
	"      --nodes LIST, --flows LIST (ids like 0,3,8-15), --start TIME,\n"
	"      --end TIME; --salvage converts what precedes damage in the trace\n"
	"      (with a warning) instead of failing with the record's offset.\n"
	"      plot: --nodes picks the ports drawn, --flows the flows, --start\n"
	"      and --end the time shown.\n"
	"\n"
	"  pktsim serve [--listen HOST:PORT | --unix PATH] [--max-clients N] [--idle S]\n"
	"      Serve simulations over a socket (doc/server.md): each connection\n"
	"      loads an experiment and drives it with send, recv, schedule, now,\n"
	"      run_until, run_next, stats, close; length-prefixed msgpack frames.\n"
	"      Listens on 127.0.0.1:7421 by default (loopback only; port 0 picks a\n"
	"      free one) and prints \"listening on ADDRESS\" when ready; up to 64\n"
	"      clients; a session silent for --idle seconds (600; 0: never) closes;\n"
	"      one whose unread completions pass --max-output (64MiB) is dropped.\n"
	"\n"
	"  pktsim --help | --version\n"
	"\n"
	"Exit status: 0 success; 1 bad input, failed run or unreadable file;\n"
	"2 bad command line; 3 run interrupted.\n"
	"\n"
	"The experiment file format, the trace format and worked examples are in\n"
	"README.md and doc/ of the source tree.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "pktsim: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry 'pktsim --help'.\n");
	va_end(ap);
	return 2;
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void print_warnings(const struct fe_experiment *e)
{
	if (e->warnings[0])
		fprintf(stderr, "pktsim: warning: %s\n", e->warnings);
}

static int cmd_run(int argc, char **argv)
{
	const char *path = NULL, *trace = NULL;
	int json = 0, stats = 0, ns3 = 0, trunc = 0;
	struct sim_opts opts = { 0 };
	char err[1024];
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--json")) {
			json = 1;
		} else if (!strcmp(a, "--stats")) {
			stats = 1;
		} else if (!strcmp(a, "--seed")) {
			if (++i >= argc)
				return usage_error("%s needs a value", a);
			if (net_parse_uint(argv[i], UINT64_MAX, &opts.seed, err, sizeof(err)))
				return usage_error("--seed: %s", err);
			opts.seed_set = 1;
		} else if (!strcmp(a, "--trace")) {
			if (++i >= argc)
				return usage_error("%s needs a file name", a);
			trace = argv[i];
		} else if (!strcmp(a, "--truncate-ns")) {
			trunc = 1;
		} else if (!strcmp(a, "--ns3")) {
			if (++i >= argc)
				return usage_error("%s needs the ns-3 config file (like mix/config.txt)", a);
			if (path)
				return usage_error("run: give an experiment file or --ns3 CONFIG, not both");
			path = argv[i];
			ns3 = 1;
		} else if (a[0] == '-' && a[1]) {
			return usage_error("run: unknown option %s", a);
		} else if (!path) {
			path = a;
		} else {
			return usage_error(ns3 ? "run: give an experiment file or --ns3 CONFIG, not both"
					       : "run: unexpected argument %s", a);
		}
	}
	if (!path)
		return usage_error("%s", "run: missing the experiment file (pktsim run EXP.yaml, or "
				   "pktsim run --ns3 config.txt)");
	opts.trace_path = trace;
	opts.stop_flag = &stop_requested;

	struct fe_experiment exp;
	if ((ns3 ? fe_ns3_config_load : fe_experiment_load)(path, &exp, err, sizeof(err))) {
		fprintf(stderr, "pktsim: %s\n", err);
		return 1;
	}
	print_warnings(&exp);
	if (trunc)
		exp.truncate_ns = 1;
	struct sim *s;
	if (sim_create(&exp, &opts, &s, err, sizeof(err))) {
		fprintf(stderr, "pktsim: %s\n", err);
		fe_experiment_free(&exp);
		return 1;
	}
	int status = 0;
	if (sim_post_workload(s)) {
		fprintf(stderr, "pktsim: %s\n", sim_errmsg(s));
		sim_destroy(s);
		fe_experiment_free(&exp);
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	double t0 = wall_now();
	int rc = sim_run(s);
	double wall = wall_now() - t0;
	int interrupted = rc == NET_ERR_STOPPED;
	if (rc && !interrupted) {
		fprintf(stderr, "pktsim: %s: %s\n", path, sim_errmsg(s));
		status = 1;
	}
	if (sim_finish(s, interrupted || status, err, sizeof(err))) {
		fprintf(stderr, "pktsim: %s\n", err);
		status = 1;
	}
	struct fe_run_info ri = { .experiment = path, .wall_s = wall, .interrupted = interrupted,
				  .stats = stats };
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		ri.peak_rss_kb = ru.ru_maxrss;
	ri.conservation_ok = sim_check_conservation(s, err, sizeof(err)) == 0;
	if (!ri.conservation_ok) {
		fprintf(stderr, "pktsim: %s: %s\n", path, err);
		status = 1;
	}
	if (json)
		fe_summary_json(stdout, s, &ri);
	else
		fe_summary_text(stdout, s, &ri);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "pktsim: writing the summary failed: %s\n", strerror(errno));
		status = 1;
	}
	if (interrupted) {
		fprintf(stderr, "pktsim: %s\n", sim_errmsg(s));
		status = 3;
	}
	sim_destroy(s);
	fe_experiment_free(&exp);
	return status;
}

static int cmd_topo(int argc, char **argv)
{
	const char *path = NULL;
	int dot = 0, json = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--dot"))
			dot = 1;
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return usage_error("topo: unknown option %s", argv[i]);
		else if (!path)
			path = argv[i];
		else
			return usage_error("topo: unexpected argument %s", argv[i]);
	}
	if (!path)
		return usage_error("%s", "topo: missing the experiment file (pktsim topo EXP.yaml)");
	if (dot && json)
		return usage_error("%s", "topo: give --dot or --json, not both");
	struct fe_experiment exp;
	char err[1024];
	if (fe_experiment_load(path, &exp, err, sizeof(err))) {
		fprintf(stderr, "pktsim: %s\n", err);
		return 1;
	}
	print_warnings(&exp);
	struct topo_graph g;
	memset(&g, 0, sizeof(g));
	int status = 0;
	if (sim_build_graph(&exp, &g, err, sizeof(err))) {
		fprintf(stderr, "pktsim: %s\n", err);
		status = 1;
	} else {
		struct topo_params p;
		struct topo_summary s;
		sim_topo_params(&exp, &p);
		topo_summary(&g, strcmp(exp.topo_kind, "ns3") ? &p : NULL, &s);
		if (dot)
			fe_topo_dot(&g, stdout);
		else if (json)
			fe_topo_json(&g, &s, stdout);
		else
			fe_topo_text(&s, stdout);
		if (fflush(stdout) != 0) {
			fprintf(stderr, "pktsim: writing output failed: %s\n", strerror(errno));
			status = 1;
		}
	}
	topo_graph_free(&g);
	fe_experiment_free(&exp);
	return status;
}

/* What the trace converters share on their command lines: the record
 * filters, --salvage, -o and the one trace file. */
struct trace_args {
	const char *cmd;
	struct fe_tfilter filter;
	const char *trace, *out;
	int salvage;
};

/* argv[*i], consuming a value it takes: 1 if it was one of the shared
 * options, 0 if not, -1 after printing a usage error. */
static int trace_arg(struct trace_args *ta, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	char err[1024];
	int rc = fe_tfilter_arg(&ta->filter, argc, argv, i, err, sizeof(err));
	if (rc < 0) {
		usage_error("trace %s: %s", ta->cmd, err);
		return -1;
	}
	if (rc > 0)
		return 1;
	if (!strcmp(a, "--salvage")) {
		ta->salvage = 1;
		return 1;
	}
	if (strcmp(a, "-o"))
		return 0;
	if (++*i >= argc) {
		usage_error("trace %s: -o needs a value", ta->cmd);
		return -1;
	}
	ta->out = argv[*i];
	return 1;
}

/* An argument no command option took: the trace file, or an error. */
static int trace_file_arg(struct trace_args *ta, const char *a)
{
	if (a[0] == '-' && a[1]) {
		usage_error("trace %s: unknown option %s", ta->cmd, a);
		return -1;
	}
	if (ta->trace) {
		usage_error("trace %s: expected exactly one trace file", ta->cmd);
		return -1;
	}
	ta->trace = a;
	return 0;
}

/* After the arguments: 1 (with a usage error printed) if no trace was given. */
static int trace_file_missing(const struct trace_args *ta)
{
	if (ta->trace)
		return 0;
	usage_error("trace %s: expected a trace file", ta->cmd);
	return 1;
}

/* The exit status of a conversion: 0, or 1 with err printed. */
static int trace_status(int rc, const char *err)
{
	if (!rc)
		return 0;
	fprintf(stderr, "pktsim: %s\n", err);
	return 1;
}

static int trace_pcap(int argc, char **argv)
{
	struct trace_args ta = { .cmd = "pcap" };
	struct fe_pcap_opts o = { .snaplen = FE_PCAP_SNAPLEN };
	char err[1024];
	int rc, status = 2;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if ((rc = trace_arg(&ta, argc, argv, &i)) != 0) {
			if (rc < 0)
				goto out;
			continue;
		}
		if (!strcmp(a, "--snaplen") || !strcmp(a, "--format")) {
			if (++i >= argc) {
				usage_error("trace pcap: %s needs a value", a);
				goto out;
			}
			uint64_t v;
			if (!strcmp(a, "--format")) {
				if (!strcmp(argv[i], "pcap")) {
					o.format = FE_PCAP_PCAP;
				} else if (!strcmp(argv[i], "pcapng")) {
					o.format = FE_PCAP_PCAPNG;
				} else {
					usage_error("trace pcap: --format: expected pcap or pcapng, "
						    "found \"%.40s\"", argv[i]);
					goto out;
				}
			} else if (net_parse_uint(argv[i], 65535, &v, err, sizeof(err))) {
				usage_error("trace pcap: --snaplen: %s", err);
				goto out;
			} else {
				o.snaplen = (uint32_t)v;
			}
		} else if (!strcmp(a, "--ingress")) {
			o.ingress = 1;
		} else if (!strcmp(a, "--send")) {
			o.send = 1;
		} else if (trace_file_arg(&ta, a)) {
			goto out;
		}
	}
	if (trace_file_missing(&ta))
		goto out;
	o.out = ta.out;
	o.salvage = ta.salvage;
	o.filter = ta.filter;
	status = trace_status(fe_trace_pcap(ta.trace, &o, stdout, err, sizeof(err)), err);
out:
	fe_tfilter_free(&ta.filter);
	return status;
}

static int trace_stats(int argc, char **argv)
{
	struct trace_args ta = { .cmd = "stats" };
	int csv = 0, rc, status = 2;
	enum fe_stats_table table = FE_ST_ALL;
	char err[1024];
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if ((rc = trace_arg(&ta, argc, argv, &i)) != 0) {
			if (rc < 0)
				goto out;
			continue;
		}
		if (!strcmp(a, "--csv")) {
			csv = 1;
		} else if (!strcmp(a, "--table")) {
			if (++i >= argc) {
				usage_error("trace stats: %s needs a value", a);
				goto out;
			}
			if (!strcmp(argv[i], "ports")) {
				table = FE_ST_PORTS;
			} else if (!strcmp(argv[i], "flows")) {
				table = FE_ST_FLOWS;
			} else if (!strcmp(argv[i], "matrix")) {
				table = FE_ST_MATRIX;
			} else {
				usage_error("trace stats: --table: expected ports, flows or matrix, "
					    "found \"%.40s\"", argv[i]);
				goto out;
			}
		} else if (trace_file_arg(&ta, a)) {
			goto out;
		}
	}
	if (trace_file_missing(&ta))
		goto out;
	struct fe_tstats st;
	status = 1;
	if (fe_tstats_read(ta.trace, &ta.filter, ta.salvage, &st, err, sizeof(err))) {
		fprintf(stderr, "pktsim: %s\n", err);
		goto out;
	}
	const char *out_path = ta.out;
	struct stat sa, sb;
	if (out_path && stat(ta.trace, &sa) == 0 && stat(out_path, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino) {
		fprintf(stderr, "pktsim: %s: the output would overwrite the trace itself\n", out_path);
		fe_tstats_free(&st);
		goto out;
	}
	FILE *out = out_path ? fopen(out_path, "w") : stdout;
	if (!out) {
		fprintf(stderr, "pktsim: %s: cannot open for writing: %s\n", out_path, strerror(errno));
		fe_tstats_free(&st);
		goto out;
	}
	rc = fe_tstats_print(&st, out, csv, table);
	fe_tstats_free(&st);
	if (fflush(out) != 0 || ferror(out) || rc) {
		fprintf(stderr, "pktsim: writing the statistics failed: %s\n",
			rc ? "out of memory" : strerror(errno));
		if (out_path) {
			fclose(out);
			unlink(out_path);
		}
		goto out;
	}
	if (out_path && fclose(out) != 0) {
		fprintf(stderr, "pktsim: %s: %s\n", out_path, strerror(errno));
		unlink(out_path);
		goto out;
	}
	status = 0;
out:
	fe_tfilter_free(&ta.filter);
	return status;
}

static int trace_perfetto(int argc, char **argv)
{
	struct trace_args ta = { .cmd = "perfetto" };
	struct fe_perfetto_opts o = { 0 };
	char err[1024] = "";
	int rc, status = 2;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if ((rc = trace_arg(&ta, argc, argv, &i)) != 0) {
			if (rc < 0)
				goto out;
			continue;
		}
		if (!strcmp(a, "--bucket")) {
			if (++i >= argc) {
				usage_error("trace perfetto: %s needs a value", a);
				goto out;
			}
			if (net_parse_time(argv[i], &o.bucket_ps, err, sizeof(err)) ||
			    o.bucket_ps < 1000) {
				usage_error("trace perfetto: --bucket: %s",
					    o.bucket_ps < 1000 && !*err ? "expected at least 1ns" : err);
				goto out;
			}
		} else if (!strcmp(a, "--packets")) {
			o.packets = 1;
		} else if (trace_file_arg(&ta, a)) {
			goto out;
		}
	}
	if (trace_file_missing(&ta))
		goto out;
	o.out = ta.out;
	o.salvage = ta.salvage;
	o.filter = ta.filter;
	status = trace_status(fe_trace_perfetto(ta.trace, &o, stdout, err, sizeof(err)), err);
out:
	fe_tfilter_free(&ta.filter);
	return status;
}

static int trace_plot(int argc, char **argv)
{
	struct trace_args ta = { .cmd = "plot" };
	struct fe_plot_opts o = { 0 };
	char err[1024] = "", *def = NULL;
	int rc, status = 2;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if ((rc = trace_arg(&ta, argc, argv, &i)) != 0) {
			if (rc < 0)
				goto out;
			continue;
		}
		if (!strcmp(a, "--bucket") || !strcmp(a, "--top") || !strcmp(a, "--rows")) {
			if (++i >= argc) {
				usage_error("trace plot: %s needs a value", a);
				goto out;
			}
			uint64_t v;
			if (!strcmp(a, "--bucket")) {
				if (net_parse_time(argv[i], &o.bucket_ps, err, sizeof(err)) ||
				    !o.bucket_ps) {
					usage_error("trace plot: --bucket: %s",
						    *err ? err : "expected a positive time");
					goto out;
				}
				continue;
			}
			unsigned lim = !strcmp(a, "--top") ? FE_PLOT_MAX_LINES : 1024;
			if (net_parse_uint(argv[i], lim, &v, err, sizeof(err)) || !v) {
				usage_error("trace plot: %s: %s", a,
					    *err ? err : "expected at least 1");
				goto out;
			}
			if (!strcmp(a, "--top"))
				o.top = (unsigned)v;
			else
				o.rows = (unsigned)v;
		} else if (trace_file_arg(&ta, a)) {
			goto out;
		}
	}
	if (trace_file_missing(&ta))
		goto out;
	o.dir = ta.out;
	if (!o.dir && !(o.dir = def = fe_tout_default(ta.trace, "-plots"))) {
		status = trace_status(-1, "out of memory");
		goto out;
	}
	o.salvage = ta.salvage;
	o.filter = ta.filter;
	status = trace_status(fe_trace_plot(ta.trace, &o, stdout, err, sizeof(err)), err);
out:
	free(def);
	fe_tfilter_free(&ta.filter);
	return status;
}

static int cmd_trace(int argc, char **argv)
{
	if (argc < 1)
		return usage_error("%s", "trace: missing subcommand (info, dump, pcap, perfetto, "
				   "stats or plot)");
	if (!strcmp(argv[0], "pcap"))
		return trace_pcap(argc - 1, argv + 1);
	if (!strcmp(argv[0], "stats"))
		return trace_stats(argc - 1, argv + 1);
	if (!strcmp(argv[0], "perfetto"))
		return trace_perfetto(argc - 1, argv + 1);
	if (!strcmp(argv[0], "plot"))
		return trace_plot(argc - 1, argv + 1);
	if (argc != 2)
		return usage_error("trace %s: expected exactly one trace file", argv[0]);
	char err[1024];
	int rc;
	if (!strcmp(argv[0], "info"))
		rc = fe_trace_info(argv[1], stdout, err, sizeof(err));
	else if (!strcmp(argv[0], "dump"))
		rc = fe_trace_dump(argv[1], stdout, err, sizeof(err));
	else
		return usage_error("trace: unknown subcommand %s (expected info, dump, pcap, "
				   "perfetto, stats or plot)", argv[0]);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "pktsim: writing output failed: %s\n", strerror(errno));
		return 1;
	}
	if (rc) {
		fprintf(stderr, "pktsim: %s\n", err);
		return 1;
	}
	return 0;
}

static int cmd_validate(int argc, char **argv)
{
	const char *path = NULL, *sizes = NULL, *algos = NULL, *prefix = NULL;
	uint64_t factor = 4;
	int attr = 0;
	char err[1024], def[1024];
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--sizes") || !strcmp(a, "--factor") || !strcmp(a, "--algorithms") ||
		    !strcmp(a, "--out")) {
			if (++i >= argc)
				return usage_error("%s needs a value", a);
			if (!strcmp(a, "--sizes"))
				sizes = argv[i];
			else if (!strcmp(a, "--algorithms"))
				algos = argv[i];
			else if (!strcmp(a, "--out"))
				prefix = argv[i];
			else if (net_parse_uint(argv[i], 1024, &factor, err, sizeof(err)))
				return usage_error("--factor: %s", err);
		} else if (!strcmp(a, "--attribute")) {
			attr = 1;
		} else if (a[0] == '-' && a[1]) {
			return usage_error("validate: unknown option %s", a);
		} else if (!path) {
			path = a;
		} else {
			return usage_error("validate: unexpected argument %s", a);
		}
	}
	if (!path)
		return usage_error("%s", "validate: missing the experiment file");
	if (!sizes)
		return usage_error("%s", "validate: give --sizes FROM..TO (like 1KiB..1GiB)");
	if (!prefix) {
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		snprintf(def, sizeof(def), "%s", base);
		char *dot = strrchr(def, '.');
		if (dot && dot != def)
			*dot = '\0';
		size_t l = strlen(def);
		snprintf(def + l, sizeof(def) - l, "-validate");
		prefix = def;
	}
	int rc = fe_validate(path, sizes, (unsigned)factor, algos, attr, prefix, stdout, err,
			     sizeof(err));
	if (rc == 2)
		return usage_error("%s", err);
	if (rc)
		fprintf(stderr, "pktsim: %s\n", err);
	return rc;
}

static int cmd_serve(int argc, char **argv)
{
	struct fe_serve_opts o = { .log = stderr, .ready = stdout, .idle_s = 600 };
	char err[1024];
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--max-output")) {
			if (++i >= argc)
				return usage_error("serve: %s needs a value", a);
			if (net_parse_size(argv[i], &o.max_output, err, sizeof(err)) || !o.max_output)
				return usage_error("serve: --max-output: %s",
						   *err ? err : "expected a positive size");
			continue;
		}
		if (!strcmp(a, "--listen") || !strcmp(a, "--unix") || !strcmp(a, "--max-clients") ||
		    !strcmp(a, "--idle")) {
			if (++i >= argc)
				return usage_error("serve: %s needs a value", a);
			uint64_t v;
			if (!strcmp(a, "--listen")) {
				o.listen = argv[i];
			} else if (!strcmp(a, "--unix")) {
				o.unix_path = argv[i];
			} else if (net_parse_uint(argv[i], !strcmp(a, "--idle") ? 86400 * 365 : 100000,
						  &v, err, sizeof(err)) ||
				   (!v && strcmp(a, "--idle"))) {
				return usage_error("serve: %s: %s", a, *err ? err : "expected at least 1");
			} else if (!strcmp(a, "--idle")) {
				o.idle_s = (unsigned)v;
			} else {
				o.max_clients = (unsigned)v;
			}
		} else {
			return usage_error("serve: unexpected argument %s", a);
		}
	}
	if (o.listen && o.unix_path)
		return usage_error("%s", "serve: give --listen or --unix, not both");
	if (fe_serve(&o, err, sizeof(err))) {
		fprintf(stderr, "pktsim: %s\n", err);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("%s", "missing command");
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("pktsim %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(cmd, "trace"))
		return cmd_trace(argc - 2, argv + 2);
	if (!strcmp(cmd, "topo"))
		return cmd_topo(argc - 2, argv + 2);
	if (!strcmp(cmd, "validate"))
		return cmd_validate(argc - 2, argv + 2);
	if (!strcmp(cmd, "serve"))
		return cmd_serve(argc - 2, argv + 2);
	return usage_error("unknown command %s", cmd);
}
