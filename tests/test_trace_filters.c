/*
 * tests/test_trace_filters.c - the trace writer's port, flow and sample
 * filters, PFC class vectors, and the coll_msg and rate records, written by
 * net/trace.c and read back by frontend/trace_read.c; and the converters on
 * records with the largest ids a record can carry.
 *
 * The topology is the hand-wired one of tests/test_trace.c (h0 -- sw -- h1;
 * node 0 and 1 have one port, the switch, node 2, has two), so the suite does
 * not depend on net_create. Each test states which records survive with its
 * own predicate, written from the filter's definition in
 * doc/trace-format.md, and the sample's expected set is recomputed here with
 * net_mix64, so a mistake in the writer's filter code shows. Files live in
 * /tmp (mkstemp) and are removed.
 */
#include "tests/unit_main.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <msgpack.h>

#include "frontend/trace_pcap.h"
#include "frontend/trace_perfetto.h"
#include "frontend/trace_plot.h"
#include "frontend/trace_read.h"
#include "frontend/trace_stats.h"
#include "net/net.h"
#include "net/rng.h"
#include "net/trace.h"
#include "tests/trace_util.h"

static const uint32_t tnet_nports[3] = { 1, 1, 2 };

/* ---- events of every family, written as a simulator writes them ---- */

#define T0 (1ull << 33)      /* above 2^32 ps, so times take the 64-bit encoding */
#define NO_PORT UINT32_MAX
#define NO_AFTER UINT32_MAX

struct ev {
	enum net_trace_kind kind;
	uint64_t t_ps;
	uint32_t node;
	/* packet family */
	uint32_t port;
	struct net_pkt p;
	uint64_t qbytes;
	uint32_t reason;
	/* message, coll_msg and rate */
	uint32_t flow;
	uint32_t src, dst, sport;
	uint64_t bytes;
	uint32_t coll, msg, chunk, step, after;
	uint64_t rate_bps;
};

static struct ev pkt_ev(enum net_trace_kind k, uint64_t t_ps, uint32_t node, uint32_t port,
			uint8_t type, uint32_t flow, uint32_t psn)
{
	struct ev e = { .kind = k, .t_ps = t_ps, .node = node, .port = port };
	e.p.id = (uint32_t)(t_ps & 0xffffffffu);
	e.p.type = type;
	e.p.flow = flow;
	e.p.psn = psn;
	e.p.src = 0;
	e.p.dst = 1;
	e.p.wire_bytes = type == NET_PKT_DATA ? 1062 : 66;
	e.p.payload_bytes = type == NET_PKT_DATA ? 1000 : 0;
	e.p.prio = type == NET_PKT_PFC ? 7 : 3;
	e.p.flags = NET_PKT_F_ECT;
	e.p.aux = type == NET_PKT_PFC ? 0x08 : 0;
	e.qbytes = k == NET_TR_ENQ || k == NET_TR_TX ? 2124 : 0;
	e.reason = k == NET_TR_DROP ? NET_DROP_BUFFER : 0;
	return e;
}

static struct ev msg_ev(enum net_trace_kind k, uint64_t t_ps, uint32_t node, uint32_t flow)
{
	return (struct ev){ .kind = k, .t_ps = t_ps, .node = node, .port = NO_PORT, .flow = flow,
			    .src = 0, .dst = 1, .sport = 49152 + flow, .bytes = 1000000 + flow };
}

static struct ev coll_msg_ev(uint64_t t_ps, uint32_t node, uint32_t coll, uint32_t msg,
			     uint32_t flow, uint32_t chunk, uint32_t step, uint32_t after)
{
	return (struct ev){ .kind = NET_TR_COLL_MSG, .t_ps = t_ps, .node = node, .port = NO_PORT,
			    .coll = coll, .msg = msg, .flow = flow, .chunk = chunk, .step = step,
			    .after = after };
}

static struct ev rate_ev(uint64_t t_ps, uint32_t node, uint32_t flow, uint64_t rate_bps)
{
	return (struct ev){ .kind = NET_TR_RATE, .t_ps = t_ps, .node = node, .port = NO_PORT,
			    .flow = flow, .rate_bps = rate_bps };
}

/* Packet and message writers leave the kind, node and time test to their
 * caller (net_trace_want); coll_msg and rate writers make it themselves. */
static void emit(struct net_trace *t, const struct ev *e)
{
	switch (net_trace_kind_family(e->kind)) {
	case NET_TRF_PACKET:
		if (net_trace_want(t, e->kind, e->node, e->t_ps))
			net_trace_pkt(t, e->kind, e->t_ps, e->node, e->port, &e->p, e->qbytes,
				      e->reason);
		break;
	case NET_TRF_MESSAGE:
		if (net_trace_want(t, e->kind, e->node, e->t_ps))
			net_trace_msg(t, e->kind, e->t_ps, e->node, e->flow, e->src, e->dst,
				      e->bytes, e->sport);
		break;
	case NET_TRF_COLL_MSG:
		net_trace_coll_msg(t, e->t_ps, e->node, e->coll, e->msg, e->flow, e->chunk,
				   e->step, e->after);
		break;
	case NET_TRF_RATE:
		net_trace_rate(t, e->t_ps, e->node, e->flow, e->rate_bps);
		break;
	default:
		CU_FAIL("test event of an unexpected family");
	}
}

static void check_rec(const struct fe_trace_rec *r, const struct ev *e)
{
	CU_ASSERT_EQUAL(r->kind, e->kind);
	CU_ASSERT_EQUAL(r->t_ps, e->t_ps);
	CU_ASSERT_EQUAL(r->node, e->node);
	switch (net_trace_kind_family(e->kind)) {
	case NET_TRF_PACKET:
		CU_ASSERT_EQUAL(r->port, e->port);
		CU_ASSERT_EQUAL(r->id, e->p.id);
		CU_ASSERT_EQUAL(r->type, e->p.type);
		CU_ASSERT_EQUAL(r->flow, e->p.flow);
		CU_ASSERT_EQUAL(r->psn, e->p.psn);
		CU_ASSERT_EQUAL(r->src, e->p.src);
		CU_ASSERT_EQUAL(r->dst, e->p.dst);
		CU_ASSERT_EQUAL(r->wire_bytes, e->p.wire_bytes);
		CU_ASSERT_EQUAL(r->payload_bytes, e->p.payload_bytes);
		CU_ASSERT_EQUAL(r->prio, e->p.prio);
		CU_ASSERT_EQUAL(r->flags, e->p.flags);
		CU_ASSERT_EQUAL(r->qbytes, e->qbytes);
		CU_ASSERT_EQUAL(r->reason, e->kind == NET_TR_DROP ? e->reason : 0);
		CU_ASSERT_EQUAL(r->classes, e->p.type == NET_PKT_PFC ? e->p.aux : 0u);
		break;
	case NET_TRF_MESSAGE:
		CU_ASSERT_EQUAL(r->flow, e->flow);
		CU_ASSERT_EQUAL(r->src, e->src);
		CU_ASSERT_EQUAL(r->dst, e->dst);
		CU_ASSERT_EQUAL(r->bytes, e->bytes);
		CU_ASSERT_EQUAL(r->sport, e->sport);
		break;
	case NET_TRF_COLL_MSG:
		CU_ASSERT_EQUAL(r->coll, e->coll);
		CU_ASSERT_EQUAL(r->msg, e->msg);
		CU_ASSERT_EQUAL(r->flow, e->flow);
		CU_ASSERT_EQUAL(r->chunk, e->chunk);
		CU_ASSERT_EQUAL(r->step, e->step);
		CU_ASSERT_EQUAL(r->after, e->after);
		break;
	case NET_TRF_RATE:
		CU_ASSERT_EQUAL(r->flow, e->flow);
		CU_ASSERT_EQUAL(r->rate_bps, e->rate_bps);
		break;
	default:
		CU_FAIL("record of an unexpected family");
	}
}

static void write_events(const char *path, const struct net_trace_filter *f,
			 const struct ev *evs, size_t n)
{
	struct tnet tn;
	tnet_init(&tn);
	struct net_trace *t = NULL;
	char err[256] = "";
	int rc = net_trace_open(&t, path, f, &tn.net, 7, "filters.yaml", err, sizeof(err));
	if (rc != 0)
		printf("\n    net_trace_open: %s\n    ", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	for (size_t i = 0; i < n; i++)
		emit(t, &evs[i]);
	CU_ASSERT_EQUAL(net_trace_close(t, 0, n, T0 + 1000000000ull, err, sizeof(err)), 0);
}

/* Read path back: exactly the events with keep[i] set, in order, then END
 * counting them. Returns how many were kept. */
static size_t expect_records(const char *path, const struct ev *evs, const char *keep, size_t n)
{
	struct fe_trace_reader *r;
	char err[256] = "";
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(path, &r, err, sizeof(err)), 0);
	struct fe_trace_rec rec;
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		CU_ASSERT_EQUAL_FATAL(fe_trace_reader_next_rec(r, &rec), 1);
		if (rec.kind != evs[i].kind || rec.t_ps != evs[i].t_ps)
			printf("\n    expected event %zu (%s at %llu), read %s at %llu\n    ", i,
			       net_trace_kind_names[evs[i].kind],
			       (unsigned long long)evs[i].t_ps, net_trace_kind_names[rec.kind],
			       (unsigned long long)rec.t_ps);
		check_rec(&rec, &evs[i]);
		kept++;
	}
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_next_rec(r, &rec), 1);
	CU_ASSERT_EQUAL(rec.kind, NET_TR_END);
	CU_ASSERT_EQUAL(rec.records, kept);
	CU_ASSERT_EQUAL(fe_trace_reader_next_rec(r, &rec), 0);
	fe_trace_reader_close(r);
	return kept;
}

/* The header's filter map; r stays open for the caller to close. */
static const msgpack_object *header_filter(const char *path, struct fe_trace_reader **r)
{
	char err[256] = "";
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(path, r, err, sizeof(err)), 0);
	const msgpack_object *f = fe_trace_map_get(fe_trace_reader_header(*r), "filter");
	CU_ASSERT_FATAL(f != NULL && f->type == MSGPACK_OBJECT_MAP);
	return f;
}

static int is_uint(const msgpack_object *o, uint64_t v)
{
	return o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 == v;
}

static int is_nil(const msgpack_object *o)
{
	return o && o->type == MSGPACK_OBJECT_NIL;
}

/* ---- ports ---- */

static int port_listed(const struct net_trace_port *ports, size_t n, uint32_t node,
		       uint32_t port)
{
	for (size_t i = 0; i < n; i++)
		if (ports[i].node == node && ports[i].port == port)
			return 1;
	return 0;
}

static void test_ports_filter_keeps_listed_ports_and_portless_records(void)
{
	/* Given out of order, so the header has to sort them. */
	static const struct net_trace_port ports[] = { { 2, 1 }, { 0, 0 } };
	static const enum net_trace_kind kinds[] = { NET_TR_ENQ, NET_TR_TX, NET_TR_RX,
						     NET_TR_DROP, NET_TR_ECN, NET_TR_PFC,
						     NET_TR_CNP };
	const size_t nk = sizeof(kinds) / sizeof(kinds[0]);
	struct ev evs[200];
	char keep[200];
	size_t n = 0;
	uint64_t t = T0;

	/* Every kind at every port of every node, and once not at a port. */
	for (uint32_t node = 0; node < 3; node++) {
		for (uint32_t port = 0; port <= tnet_nports[node]; port++) {
			uint32_t at = port == tnet_nports[node] ? NO_PORT : port;
			for (size_t k = 0; k < nk; k++) {
				uint8_t type = kinds[k] == NET_TR_PFC ? NET_PKT_PFC : NET_PKT_DATA;
				evs[n] = pkt_ev(kinds[k], t += 100, node, at, type, 1, (uint32_t)n);
				keep[n] = at == NO_PORT || port_listed(ports, 2, node, at);
				n++;
			}
		}
	}
	/* Records not at a port at all. */
	evs[n] = msg_ev(NET_TR_MSG_START, t += 100, 0, 1);
	keep[n++] = 1;
	evs[n] = coll_msg_ev(t += 100, 1, 0, 3, 1, 0, 0, NO_AFTER);
	keep[n++] = 1;
	evs[n] = rate_ev(t += 100, 1, 1, 25000000000ull);
	keep[n++] = 1;
	CU_ASSERT_FATAL(n <= sizeof(evs) / sizeof(evs[0]));

	struct net_trace_filter f = { .ports = ports, .nports = 2, .end_ps = NET_TIME_NEVER };
	char path[64];
	tmp_path(path);
	write_events(path, &f, evs, n);
	/* 2 of the 4 ports, and the 3 not-at-a-port slots, for every kind; and
	 * the 3 records of other families. */
	CU_ASSERT_EQUAL(expect_records(path, evs, keep, n), (2 + 3) * nk + 3);

	struct fe_trace_reader *r;
	const msgpack_object *hf = header_filter(path, &r);
	const msgpack_object *hp = fe_trace_map_get(hf, "ports");
	CU_ASSERT_FATAL(hp && hp->type == MSGPACK_OBJECT_ARRAY && hp->via.array.size == 2);
	static const uint32_t want[2][2] = { { 0, 0 }, { 2, 1 } };
	for (uint32_t i = 0; i < 2; i++) {
		const msgpack_object *pair = &hp->via.array.ptr[i];
		CU_ASSERT_FATAL(pair->type == MSGPACK_OBJECT_ARRAY && pair->via.array.size == 2);
		CU_ASSERT(is_uint(&pair->via.array.ptr[0], want[i][0]));
		CU_ASSERT(is_uint(&pair->via.array.ptr[1], want[i][1]));
	}
	CU_ASSERT(is_nil(fe_trace_map_get(hf, "flows")));
	CU_ASSERT(is_uint(fe_trace_map_get(hf, "sample"), 1));
	fe_trace_reader_close(r);
	unlink(path);
}

static void test_no_ports_filter_is_nil_in_header(void)
{
	char path[64];
	tmp_path(path);
	write_events(path, NULL, NULL, 0);
	struct fe_trace_reader *r;
	const msgpack_object *hf = header_filter(path, &r);
	CU_ASSERT(is_nil(fe_trace_map_get(hf, "ports")));
	CU_ASSERT(is_nil(fe_trace_map_get(hf, "flows")));
	CU_ASSERT(is_uint(fe_trace_map_get(hf, "sample"), 1));
	fe_trace_reader_close(r);
	unlink(path);
}

/* Opening with f fails with NET_ERR_INVAL, err holds needle, and path is not
 * created. */
static void expect_open_rejects(const struct net_trace_filter *f, const char *needle)
{
	char path[64], err[256] = "";
	tmp_path(path);
	unlink(path);
	struct tnet tn;
	tnet_init(&tn);
	static char sentinel;
	struct net_trace *t = (struct net_trace *)(void *)&sentinel;  /* open must reset it */

	CU_ASSERT_EQUAL(net_trace_open(&t, path, f, &tn.net, 1, NULL, err, sizeof(err)),
			NET_ERR_INVAL);
	CU_ASSERT_PTR_NULL(t);
	if (!strstr(err, needle))
		printf("\n    expected \"%s\" in \"%s\"\n    ", needle, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	unlink(path);
}

static void test_ports_filter_rejects_ports_not_in_topology(void)
{
	/* h0 has only port 0 */
	static const struct net_trace_port h0_port1[] = { { 0, 0 }, { 0, 1 } };
	struct net_trace_filter f = { .ports = h0_port1, .nports = 2, .end_ps = NET_TIME_NEVER };
	expect_open_rejects(&f, "port 0:1");

	/* the switch has ports 0 and 1 */
	static const struct net_trace_port sw_port2[] = { { 2, 2 } };
	f = (struct net_trace_filter){ .ports = sw_port2, .nports = 1, .end_ps = NET_TIME_NEVER };
	expect_open_rejects(&f, "port 2:2");

	/* node 3 does not exist (nodes 0..2) */
	static const struct net_trace_port node3[] = { { 1, 0 }, { 3, 0 } };
	f = (struct net_trace_filter){ .ports = node3, .nports = 2, .end_ps = NET_TIME_NEVER };
	expect_open_rejects(&f, "port 3:0");

	static const struct net_trace_port huge[] = { { UINT32_MAX, 0 } };
	f = (struct net_trace_filter){ .ports = huge, .nports = 1, .end_ps = NET_TIME_NEVER };
	expect_open_rejects(&f, "port 4294967295:0");

	/* a count without its list is a caller's mistake, not a crash */
	f = (struct net_trace_filter){ .ports = NULL, .nports = 1, .end_ps = NET_TIME_NEVER };
	expect_open_rejects(&f, "without its list");
	f = (struct net_trace_filter){ .flows = NULL, .nflows = 2, .end_ps = NET_TIME_NEVER };
	expect_open_rejects(&f, "without its list");
}

/* ---- flows ---- */

static int flow_in(const uint32_t *flows, size_t n, uint32_t flow)
{
	for (size_t i = 0; i < n; i++)
		if (flows[i] == flow)
			return 1;
	return 0;
}

static void test_flows_filter_keeps_listed_flows_and_pfc_frames(void)
{
	static const uint32_t flows[] = { 9, 2, 9, 5, 2, 0xfffffffeu };
	const size_t nf = sizeof(flows) / sizeof(flows[0]);
	static const uint32_t probe[] = { 0, 1, 2, 3, 5, 9, 10, 0xfffffffeu, 0xffffffffu };
	const size_t nt = sizeof(probe) / sizeof(probe[0]);
	static const uint8_t types[] = { NET_PKT_DATA, NET_PKT_ACK, NET_PKT_NACK, NET_PKT_CNP,
					 NET_PKT_PFC };
	struct ev evs[256];
	char keep[256];
	size_t n = 0;
	uint64_t t = T0;

	for (size_t i = 0; i < nt; i++) {
		uint32_t fl = probe[i];
		int in = flow_in(flows, nf, fl);
		for (size_t j = 0; j < sizeof(types); j++) {
			enum net_trace_kind k = types[j] == NET_PKT_PFC ? NET_TR_PFC : NET_TR_TX;
			evs[n] = pkt_ev(k, t += 10, 2, 1, types[j], fl, (uint32_t)j);
			/* A PFC frame belongs to no flow: its flow field is whatever. */
			keep[n++] = in || types[j] == NET_PKT_PFC;
		}
		/* a PFC frame at a port, also as tx and drop */
		evs[n] = pkt_ev(NET_TR_TX, t += 10, 1, 0, NET_PKT_PFC, fl, 0);
		keep[n++] = 1;
		evs[n] = pkt_ev(NET_TR_DROP, t += 10, 2, 0, NET_PKT_PFC, fl, 0);
		keep[n++] = 1;
		evs[n] = pkt_ev(NET_TR_DROP, t += 10, 2, NO_PORT, NET_PKT_DATA, fl, 4);
		keep[n++] = in;
		evs[n] = pkt_ev(NET_TR_CNP, t += 10, 1, NO_PORT, NET_PKT_DATA, fl, 4);
		keep[n++] = in;
		evs[n] = msg_ev(NET_TR_MSG_START, t += 10, 0, fl);
		keep[n++] = in;
		evs[n] = msg_ev(NET_TR_MSG_DONE, t += 10, 0, fl);
		keep[n++] = in;
		evs[n] = msg_ev(NET_TR_MSG_DELIVERED, t += 10, 1, fl);
		keep[n++] = in;
		evs[n] = coll_msg_ev(t += 10, 0, 4, (uint32_t)i, fl, 1, 2,
				     i ? (uint32_t)i - 1 : NO_AFTER);
		keep[n++] = in;
		evs[n] = rate_ev(t += 10, 0, fl, 12500000000ull + fl);
		keep[n++] = in;
	}
	CU_ASSERT_FATAL(n <= sizeof(evs) / sizeof(evs[0]));

	struct net_trace_filter f = { .flows = flows, .nflows = nf, .end_ps = NET_TIME_NEVER };
	char path[64];
	tmp_path(path);
	write_events(path, &f, evs, n);
	size_t want = 0;
	for (size_t i = 0; i < n; i++)
		want += keep[i] != 0;
	CU_ASSERT_EQUAL(expect_records(path, evs, keep, n), want);
	/* 14 records of each of the 4 listed flows, and the 3 PFC frames of
	 * each of the 5 others */
	CU_ASSERT_EQUAL(want, 4 * 14 + 5 * 3);

	struct fe_trace_reader *r;
	const msgpack_object *hf = header_filter(path, &r);
	const msgpack_object *hl = fe_trace_map_get(hf, "flows");
	static const uint32_t sorted[] = { 2, 5, 9, 0xfffffffeu };
	CU_ASSERT_FATAL(hl && hl->type == MSGPACK_OBJECT_ARRAY && hl->via.array.size == 4);
	for (uint32_t i = 0; i < 4; i++)
		CU_ASSERT(is_uint(&hl->via.array.ptr[i], sorted[i]));
	CU_ASSERT(is_nil(fe_trace_map_get(hf, "ports")));
	CU_ASSERT(is_uint(fe_trace_map_get(hf, "sample"), 1));
	fe_trace_reader_close(r);
	unlink(path);
}

static void test_flows_filter_with_one_flow(void)
{
	/* The smallest list: a binary search of one element has no middle. */
	static const uint32_t one[] = { 0 };
	struct ev evs[6];
	char keep[6];
	size_t n = 0;
	for (uint32_t fl = 0; fl < 3; fl++) {
		evs[n] = pkt_ev(NET_TR_RX, T0 + n, 1, 0, NET_PKT_DATA, fl, fl);
		keep[n++] = fl == 0;
		evs[n] = rate_ev(T0 + n, 0, fl, 1000);
		keep[n++] = fl == 0;
	}
	struct net_trace_filter f = { .flows = one, .nflows = 1, .end_ps = NET_TIME_NEVER };
	char path[64];
	tmp_path(path);
	write_events(path, &f, evs, n);
	CU_ASSERT_EQUAL(expect_records(path, evs, keep, n), 2);
	unlink(path);
}

/* ---- sample ---- */

/* The definition: data packet (flow, psn) is kept when the 64-bit mix of
 * flow in the high word and psn in the low word is 0 modulo N. */
static int in_sample(uint32_t n, uint32_t flow, uint32_t psn)
{
	uint64_t key = ((uint64_t)flow << 32) | psn;
	return n <= 1 || net_mix64(key) % n == 0;
}

/* nflows * npsn distinct data packets, one tx record each. */
static size_t data_events(struct ev *evs, uint32_t flow0, uint32_t nflows, uint32_t psn0,
			  uint32_t npsn)
{
	size_t n = 0;
	for (uint32_t i = 0; i < nflows; i++)
		for (uint32_t j = 0; j < npsn; j++, n++)
			evs[n] = pkt_ev(NET_TR_TX, T0 + n, 0, 0, NET_PKT_DATA, flow0 + i, psn0 + j);
	return n;
}

static void test_sample_keeps_exactly_the_hashed_data_packets(void)
{
	const uint32_t nflows = 20, npsn = 1000, N = 10;
	struct ev *evs = malloc(nflows * npsn * sizeof(*evs));
	char *keep = malloc(nflows * npsn);
	CU_ASSERT_FATAL(evs && keep);
	size_t n = data_events(evs, 0, nflows, 0, npsn);
	size_t want = 0;
	for (size_t i = 0; i < n; i++)
		want += keep[i] = (char)in_sample(N, evs[i].p.flow, evs[i].p.psn);

	struct net_trace_filter f = { .sample = N, .end_ps = NET_TIME_NEVER };
	char path[64];
	tmp_path(path);
	write_events(path, &f, evs, n);
	CU_ASSERT_EQUAL(expect_records(path, evs, keep, n), want);
	/* 20,000 distinct pairs: 1 in 10, within a percentage point */
	double frac = (double)want / (double)n;
	CU_ASSERT(frac >= 0.09 && frac <= 0.11);

	struct fe_trace_reader *r;
	const msgpack_object *hf = header_filter(path, &r);
	CU_ASSERT(is_uint(fe_trace_map_get(hf, "sample"), N));
	fe_trace_reader_close(r);
	unlink(path);
	free(evs);
	free(keep);
}

static void test_sample_uses_all_bits_of_flow_and_psn(void)
{
	/* Flow ids and PSNs near 2^32: a key built in 32 bits, or with the
	 * halves swapped, picks a different set. */
	const uint32_t nflows = 8, npsn = 500, N = 7;
	struct ev *evs = malloc(nflows * npsn * sizeof(*evs));
	char *keep = malloc(nflows * npsn);
	CU_ASSERT_FATAL(evs && keep);
	size_t n = data_events(evs, 0xfffffff0u, nflows, 0xfffffe00u, npsn);
	size_t want = 0, swapped = 0;
	for (size_t i = 0; i < n; i++) {
		want += keep[i] = (char)in_sample(N, evs[i].p.flow, evs[i].p.psn);
		swapped += keep[i] != (char)in_sample(N, evs[i].p.psn, evs[i].p.flow);
	}
	CU_ASSERT(swapped > 0);  /* the test can tell the two apart */

	struct net_trace_filter f = { .sample = N, .end_ps = NET_TIME_NEVER };
	char path[64];
	tmp_path(path);
	write_events(path, &f, evs, n);
	CU_ASSERT_EQUAL(expect_records(path, evs, keep, n), want);
	unlink(path);
	free(evs);
	free(keep);
}

static void test_sample_keeps_a_packet_at_every_hop_and_on_retransmission(void)
{
	/* Each data packet h0 -> sw -> h1 as a simulator traces it: enq and tx
	 * at h0, rx, enq, ecn and tx at the switch, rx at h1, then the same PSN
	 * retransmitted (a new packet id, the retx flag) at h0. */
	enum { HOPS = 9, NPAIRS = 600 };
	const uint32_t N = 4;
	struct ev *evs = malloc(NPAIRS * HOPS * sizeof(*evs));
	char *keep = malloc(NPAIRS * HOPS);
	CU_ASSERT_FATAL(evs && keep);
	static const struct {
		enum net_trace_kind kind;
		uint32_t node, port;
	} path_of[HOPS] = {
		{ NET_TR_ENQ, 0, 0 }, { NET_TR_TX, 0, 0 }, { NET_TR_RX, 2, 0 },
		{ NET_TR_ENQ, 2, 1 }, { NET_TR_ECN, 2, 1 }, { NET_TR_TX, 2, 1 },
		{ NET_TR_RX, 1, 0 }, { NET_TR_ENQ, 0, 0 }, { NET_TR_TX, 0, 0 },
	};
	size_t n = 0;
	for (uint32_t i = 0; i < NPAIRS; i++) {
		uint32_t fl = i % 3, psn = i / 3;
		struct ev hop[HOPS];
		for (int h = 0; h < HOPS; h++)
			hop[h] = pkt_ev(path_of[h].kind, T0 + 10 * (uint64_t)(n + h),
					path_of[h].node, path_of[h].port, NET_PKT_DATA, fl, psn);
		for (int h = 0; h < HOPS; h++) {
			hop[h].p.id = i;  /* one packet ... */
			if (h >= 7) {     /* ... then its retransmission */
				hop[h].p.id = 100000 + i;
				hop[h].p.flags |= NET_PKT_F_RETX;
			}
			evs[n] = hop[h];
			keep[n++] = (char)in_sample(N, fl, psn);
		}
	}
	struct net_trace_filter f = { .sample = N, .end_ps = NET_TIME_NEVER };
	char path[64];
	tmp_path(path);
	write_events(path, &f, evs, n);
	size_t want = 0;
	for (size_t i = 0; i < n; i++)
		want += keep[i] != 0;
	CU_ASSERT(want > 0 && want < n);
	CU_ASSERT_EQUAL(want % HOPS, 0);
	CU_ASSERT_EQUAL(expect_records(path, evs, keep, n), want);
	unlink(path);
	free(evs);
	free(keep);
}

static void test_sample_keeps_every_ack_nack_cnp_and_pfc(void)
{
	static const uint8_t types[] = { NET_PKT_ACK, NET_PKT_NACK, NET_PKT_CNP, NET_PKT_PFC };
	enum { PER = 500 };
	struct ev *evs = malloc(PER * 2 * sizeof(types) * sizeof(*evs));
	char *keep = malloc(PER * 2 * sizeof(types));
	CU_ASSERT_FATAL(evs && keep);
	const uint32_t N = 10;
	size_t n = 0, nout = 0;
	uint64_t t = T0;
	for (size_t j = 0; j < sizeof(types); j++) {
		for (uint32_t i = 0; i < PER; i++) {
			enum net_trace_kind k = types[j] == NET_PKT_PFC ? NET_TR_PFC : NET_TR_TX;
			uint32_t fl = i % 5, psn = i;
			evs[n] = pkt_ev(k, t += 10, 1, 0, types[j], fl, psn);
			keep[n++] = 1;
			/* the same (flow, PSN) as data: dropped unless in the sample */
			evs[n] = pkt_ev(NET_TR_TX, t += 10, 0, 0, NET_PKT_DATA, fl, psn);
			keep[n] = (char)in_sample(N, fl, psn);
			nout += !keep[n++];
		}
	}
	CU_ASSERT(nout > 0);
	struct net_trace_filter f = { .sample = N, .end_ps = NET_TIME_NEVER };
	char path[64];
	tmp_path(path);
	write_events(path, &f, evs, n);
	CU_ASSERT_EQUAL(expect_records(path, evs, keep, n), n - nout);
	unlink(path);
	free(evs);
	free(keep);
}

static void test_sample_zero_and_one_keep_everything(void)
{
	const uint32_t nflows = 4, npsn = 250;
	struct ev *evs = malloc(nflows * npsn * sizeof(*evs));
	char *keep = malloc(nflows * npsn);
	CU_ASSERT_FATAL(evs && keep);
	size_t n = data_events(evs, 0, nflows, 0, npsn);
	memset(keep, 1, n);
	for (uint32_t s = 0; s <= 1; s++) {
		struct net_trace_filter f = { .sample = s, .end_ps = NET_TIME_NEVER };
		char path[64];
		tmp_path(path);
		write_events(path, &f, evs, n);
		CU_ASSERT_EQUAL(expect_records(path, evs, keep, n), n);
		struct fe_trace_reader *r;
		const msgpack_object *hf = header_filter(path, &r);
		CU_ASSERT(is_uint(fe_trace_map_get(hf, "sample"), 1));
		fe_trace_reader_close(r);
		unlink(path);
	}
	free(evs);
	free(keep);
}

static void test_filters_combine(void)
{
	/* A record is written when port, flow and sample all pass. */
	static const struct net_trace_port ports[] = { { 2, 1 } };
	static const uint32_t flows[] = { 1, 2 };
	const uint32_t N = 3;
	struct ev evs[4 * 2 * 60];
	char keep[4 * 2 * 60];
	size_t n = 0;
	uint64_t t = T0;
	for (uint32_t fl = 0; fl < 4; fl++) {
		for (uint32_t port = 0; port < 2; port++) {
			for (uint32_t psn = 0; psn < 60; psn++) {
				uint8_t type = psn % 10 == 9 ? NET_PKT_ACK : NET_PKT_DATA;
				evs[n] = pkt_ev(NET_TR_TX, t += 10, 2, port, type, fl, psn);
				keep[n++] = port == 1 && (fl == 1 || fl == 2) &&
					    (type != NET_PKT_DATA || in_sample(N, fl, psn));
			}
		}
	}
	struct net_trace_filter f = { .ports = ports, .nports = 1, .flows = flows, .nflows = 2,
				      .sample = N, .end_ps = NET_TIME_NEVER };
	char path[64];
	tmp_path(path);
	write_events(path, &f, evs, n);
	size_t want = 0;
	for (size_t i = 0; i < n; i++)
		want += keep[i] != 0;
	CU_ASSERT(want > 12);  /* more than the ACKs */
	CU_ASSERT_EQUAL(expect_records(path, evs, keep, n), want);
	unlink(path);
}

/* ---- coll_msg and rate records ---- */

static void test_coll_msg_and_rate_round_trip(void)
{
	struct ev evs[] = {
		coll_msg_ev(T0 + 1, 0, 0, 0, 7, 0, 0, NO_AFTER),
		coll_msg_ev(T0 + 2, 1, 3, 17, 8, 2, 5, 0),
		coll_msg_ev(T0 + 3, 0, UINT32_MAX, UINT32_MAX - 1, UINT32_MAX, 1u << 31,
			    UINT32_MAX, UINT32_MAX - 1),
		coll_msg_ev(5, 1, 1, 1, 1, 1, 1, 70000),
		rate_ev(T0 + 4, 0, 7, 100000000000ull),
		rate_ev(T0 + 5, 1, 8, 1),
		rate_ev(T0 + 6, 1, UINT32_MAX, UINT64_MAX),
		rate_ev(6, 0, 0, 0),
	};
	const size_t n = sizeof(evs) / sizeof(evs[0]);
	char keep[sizeof(evs) / sizeof(evs[0])];
	memset(keep, 1, n);
	char path[64];
	tmp_path(path);
	write_events(path, NULL, evs, n);
	CU_ASSERT_EQUAL(expect_records(path, evs, keep, n), n);

	/* The raw records: the documented lengths, and `after` nil when none. */
	struct fe_trace_reader *r;
	char err[256] = "";
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(path, &r, err, sizeof(err)), 0);
	for (size_t i = 0; i < n; i++) {
		msgpack_object o;
		CU_ASSERT_EQUAL_FATAL(fe_trace_reader_next(r, &o), 1);
		CU_ASSERT_FATAL(o.type == MSGPACK_OBJECT_ARRAY);
		if (evs[i].kind == NET_TR_COLL_MSG) {
			CU_ASSERT_EQUAL_FATAL(o.via.array.size, 9);
			CU_ASSERT(is_uint(&o.via.array.ptr[0], 13));
			const msgpack_object *after = &o.via.array.ptr[8];
			/* CU_ASSERT is a braced block: no if/else around it bare */
			int ok = evs[i].after == NO_AFTER ? is_nil(after)
							  : is_uint(after, evs[i].after);
			CU_ASSERT(ok);
		} else {
			CU_ASSERT_EQUAL(o.via.array.size, 5);
			CU_ASSERT(is_uint(&o.via.array.ptr[0], 14));
		}
	}
	fe_trace_reader_close(r);

	/* The header names both families' fields. */
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(path, &r, err, sizeof(err)), 0);
	const msgpack_object *h = fe_trace_reader_header(r);
	const msgpack_object *rf = fe_trace_map_get(h, "record_fields");
	const msgpack_object *cm = fe_trace_map_get(rf, "coll_msg");
	const msgpack_object *rt = fe_trace_map_get(rf, "rate");
	CU_ASSERT(cm && cm->type == MSGPACK_OBJECT_ARRAY && cm->via.array.size == 9);
	CU_ASSERT(rt && rt->type == MSGPACK_OBJECT_ARRAY && rt->via.array.size == 5);
	fe_trace_reader_close(r);
	unlink(path);
}

static void test_coll_msg_and_rate_obey_kind_time_and_node_filters(void)
{
	struct ev evs[40];
	size_t n = 0;
	for (uint32_t i = 0; i < 10; i++) {
		uint64_t t = T0 + 100ull * i;
		evs[n++] = coll_msg_ev(t, i % 2, 0, i, i, 0, i, i ? i - 1 : NO_AFTER);
		evs[n++] = rate_ev(t, i % 2, i, 1000000000ull * (i + 1));
		evs[n++] = coll_msg_ev(t + 50, 2, 1, i, 20 + i, 1, i, NO_AFTER);
		evs[n++] = rate_ev(t + 50, 2, 20 + i, 7);
	}
	static const uint32_t nodes[] = { 1, 2 };
	const struct net_trace_filter filters[] = {
		{ .kinds = 1u << NET_TR_COLL_MSG, .end_ps = NET_TIME_NEVER },
		{ .kinds = 1u << NET_TR_RATE, .end_ps = NET_TIME_NEVER },
		{ .kinds = 1u << NET_TR_TX, .end_ps = NET_TIME_NEVER },
		{ .start_ps = T0 + 200, .end_ps = T0 + 550 },
		{ .kinds = 1u << NET_TR_RATE, .start_ps = T0 + 150, .end_ps = T0 + 700 },
		{ .nodes = nodes, .nnodes = 2, .end_ps = NET_TIME_NEVER },
	};
	for (size_t fi = 0; fi < sizeof(filters) / sizeof(filters[0]); fi++) {
		const struct net_trace_filter *f = &filters[fi];
		char keep[40];
		for (size_t i = 0; i < n; i++) {
			const struct ev *e = &evs[i];
			int k = (!f->kinds || (f->kinds >> e->kind) & 1u) &&
				e->t_ps >= f->start_ps && e->t_ps <= f->end_ps;
			if (f->nnodes)
				k &= flow_in(f->nodes, f->nnodes, e->node);
			keep[i] = (char)k;
		}
		char path[64];
		tmp_path(path);
		write_events(path, f, evs, n);
		expect_records(path, evs, keep, n);
		unlink(path);
	}
}

/* ---- PFC frames ---- */

static void test_pfc_frame_records_carry_classes_and_zero_reason(void)
{
	static const uint8_t classes[] = { 0x01, 0x08, 0xa5, 0xff, 0x80 };
	struct ev evs[4 * sizeof(classes) + 2];
	size_t n = 0;
	uint64_t t = T0;
	for (size_t i = 0; i < sizeof(classes); i++) {
		static const enum net_trace_kind kinds[] = { NET_TR_PFC, NET_TR_TX, NET_TR_RX,
							     NET_TR_DROP };
		for (int k = 0; k < 4; k++) {
			evs[n] = pkt_ev(kinds[k], t += 10, 2, kinds[k] == NET_TR_RX ? NO_PORT : 0,
					NET_PKT_PFC, 0, 65535u >> i);
			evs[n].p.aux = classes[i];
			/* a stray reason: only a drop record may carry it */
			evs[n].reason = kinds[k] == NET_TR_DROP ? NET_DROP_LINK_ERROR : 2 + k;
			n++;
		}
	}
	/* Not PFC frames: no classes even when aux holds something. */
	evs[n] = pkt_ev(NET_TR_TX, t += 10, 0, 0, NET_PKT_DATA, 3, 1);
	evs[n++].p.aux = 0x5a;
	evs[n] = pkt_ev(NET_TR_DROP, t += 10, 2, 1, NET_PKT_DATA, 3, 1);
	evs[n].p.aux = 0x5a;
	evs[n++].reason = NET_DROP_NO_ROUTE;

	char path[64], err[256] = "";
	tmp_path(path);
	write_events(path, NULL, evs, n);

	struct fe_trace_reader *r;
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(path, &r, err, sizeof(err)), 0);
	struct fe_trace_rec rec;
	for (size_t i = 0; i < n; i++) {
		const struct ev *e = &evs[i];
		int pfc = e->p.type == NET_PKT_PFC;
		CU_ASSERT_EQUAL_FATAL(fe_trace_reader_next_rec(r, &rec), 1);
		CU_ASSERT_EQUAL(rec.kind, e->kind);
		CU_ASSERT_EQUAL(rec.type, e->p.type);
		CU_ASSERT_EQUAL(rec.psn, e->p.psn);
		CU_ASSERT_EQUAL(rec.port, e->port);
		CU_ASSERT_EQUAL(rec.classes, pfc ? e->p.aux : 0u);
		CU_ASSERT_EQUAL(rec.reason, e->kind == NET_TR_DROP ? e->reason : 0u);
	}
	fe_trace_reader_close(r);

	/* Raw: a PFC frame's record is 17 elements whatever its kind, reason
	 * then classes; other records 15, or 16 for a drop. */
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(path, &r, err, sizeof(err)), 0);
	for (size_t i = 0; i < n; i++) {
		const struct ev *e = &evs[i];
		msgpack_object o;
		CU_ASSERT_EQUAL_FATAL(fe_trace_reader_next(r, &o), 1);
		CU_ASSERT_FATAL(o.type == MSGPACK_OBJECT_ARRAY);
		if (e->p.type == NET_PKT_PFC) {
			CU_ASSERT_EQUAL_FATAL(o.via.array.size, 17);
			CU_ASSERT(is_uint(&o.via.array.ptr[15],
					  e->kind == NET_TR_DROP ? e->reason : 0));
			CU_ASSERT(is_uint(&o.via.array.ptr[16], e->p.aux));
		} else {
			CU_ASSERT_EQUAL(o.via.array.size, e->kind == NET_TR_DROP ? 16u : 15u);
		}
	}
	fe_trace_reader_close(r);
	unlink(path);
}

/* Converters keep per-flow, per-collective and per-message state by id; a
 * record with id 2^32 - 2 (damage, or a simulator numbering sparsely) must
 * cost one entry, not an array that reaches it (2^32 x ~100 bytes). */
static void test_converters_handle_the_largest_ids(void)
{
	const uint32_t big = UINT32_MAX - 1;
	struct ev evs[] = {
		msg_ev(NET_TR_MSG_START, T0, 0, big),
		rate_ev(T0, 0, big, 100000000000ull),
		coll_msg_ev(T0, 0, big, big, big, 0, 0, big - 1),
		pkt_ev(NET_TR_TX, T0 + 10, 0, 0, NET_PKT_DATA, big, 0),
		pkt_ev(NET_TR_RX, T0 + 20, 1, 0, NET_PKT_DATA, big, 0),
		msg_ev(NET_TR_MSG_DELIVERED, T0 + 30, 1, big),
		coll_msg_ev(T0 + 31, 1, big, big - 1, 3, 0, 1, big),
		msg_ev(NET_TR_MSG_START, T0 + 31, 1, 3),
		msg_ev(NET_TR_MSG_DONE, T0 + 40, 0, big),
	};
	evs[3].p.flags |= NET_PKT_F_RETX;
	evs[4].p.dst = 1;
	const size_t n = sizeof(evs) / sizeof(evs[0]);
	char path[64], out[96], err[512] = "";
	tmp_path(path);
	write_events(path, NULL, evs, n);

	struct fe_tfilter none = { 0 };
	struct fe_tstats st;
	CU_ASSERT_EQUAL_FATAL(fe_tstats_read(path, &none, 0, &st, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(st.nflows, 2);
	CU_ASSERT_EQUAL(st.flow[0].id, 3);
	CU_ASSERT_EQUAL(st.flow[1].id, big);
	CU_ASSERT_EQUAL(st.flow[1].bytes, evs[0].bytes);
	CU_ASSERT_EQUAL(st.flow[1].retx, 1);
	CU_ASSERT_EQUAL(st.flow[1].done_ps - st.flow[1].start_ps, 40);
	fe_tstats_free(&st);

	snprintf(out, sizeof(out), "%s.json", path);
	struct fe_perfetto_opts po = { .out = out };
	CU_ASSERT_EQUAL(fe_trace_perfetto(path, &po, NULL, err, sizeof(err)), 0);
	size_t len;
	char *json = slurp(out, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	json = realloc(json, len + 1);
	json[len] = '\0';
	/* The message's slice, named by its collective, and the arrow from the
	 * message it waited for to the one that waited. */
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"name\":\"coll 4294967294 chunk 0 step 0\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"ph\":\"s\""));
	free(json);
	unlink(out);

	snprintf(out, sizeof(out), "%s.pcap", path);
	struct fe_pcap_opts pc = { .out = out, .snaplen = FE_PCAP_SNAPLEN };
	CU_ASSERT_EQUAL(fe_trace_pcap(path, &pc, NULL, err, sizeof(err)), 0);
	unlink(out);

	snprintf(out, sizeof(out), "%s.plots", path);
	struct fe_plot_opts pl = { .dir = out };
	FILE *log = fopen("/dev/null", "w");
	CU_ASSERT_EQUAL(fe_trace_plot(path, &pl, log, err, sizeof(err)), 0);
	fclose(log);
	static const char *const files[] = { "throughput.csv", "throughput.svg", "rate.csv",
					     "rate.svg", "utilization.csv", "utilization.svg",
					     "queues.csv", "queues.svg" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char f[160];
		snprintf(f, sizeof(f), "%s/%s", out, files[i]);
		unlink(f);
	}
	rmdir(out);
	if (*err)
		printf("\n    %s\n    ", err);
	unlink(path);
}

static const struct unit_test filter_tests[] = {
	{ "converters_handle_the_largest_ids", test_converters_handle_the_largest_ids },
	{ "ports_filter_keeps_listed_ports_and_portless_records",
	  test_ports_filter_keeps_listed_ports_and_portless_records },
	{ "no_ports_filter_is_nil_in_header", test_no_ports_filter_is_nil_in_header },
	{ "ports_filter_rejects_ports_not_in_topology",
	  test_ports_filter_rejects_ports_not_in_topology },
	{ "flows_filter_keeps_listed_flows_and_pfc_frames",
	  test_flows_filter_keeps_listed_flows_and_pfc_frames },
	{ "flows_filter_with_one_flow", test_flows_filter_with_one_flow },
	{ "sample_keeps_exactly_the_hashed_data_packets",
	  test_sample_keeps_exactly_the_hashed_data_packets },
	{ "sample_uses_all_bits_of_flow_and_psn", test_sample_uses_all_bits_of_flow_and_psn },
	{ "sample_keeps_a_packet_at_every_hop_and_on_retransmission",
	  test_sample_keeps_a_packet_at_every_hop_and_on_retransmission },
	{ "sample_keeps_every_ack_nack_cnp_and_pfc", test_sample_keeps_every_ack_nack_cnp_and_pfc },
	{ "sample_zero_and_one_keep_everything", test_sample_zero_and_one_keep_everything },
	{ "filters_combine", test_filters_combine },
	{ NULL, NULL },
};

static const struct unit_test record_tests[] = {
	{ "coll_msg_and_rate_round_trip", test_coll_msg_and_rate_round_trip },
	{ "coll_msg_and_rate_obey_kind_time_and_node_filters",
	  test_coll_msg_and_rate_obey_kind_time_and_node_filters },
	{ "pfc_frame_records_carry_classes_and_zero_reason",
	  test_pfc_frame_records_carry_classes_and_zero_reason },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "trace_filters", filter_tests },
	{ "trace_records", record_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
