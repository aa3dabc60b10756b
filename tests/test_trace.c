/*
 * tests/test_trace.c - the native trace: writer (net/trace.c) and reader
 * (frontend/trace_read.c) against each other.
 *
 * The topology is built by hand (2 hosts and 1 switch, a 100 Gb/s and a
 * 25 Gb/s link), so the suite does not depend on net_create. Each filter test
 * states the expected records with its own predicate, not net_trace_want(),
 * so a mistake in either shows. Files live in /tmp (mkstemp) and are removed.
 */
#include "tests/unit_main.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <msgpack.h>
#include <zlib.h>

#include "frontend/trace_read.h"
#include "net/net.h"
#include "net/trace.h"
#include "tests/trace_util.h"

/* ---- a fixed event sequence covering every kind but END ---- */

#define T0 (1ull << 33)      /* times above 2^32 ps, so 64-bit fields are exercised */
#define NEV 60
#define SEED 42
#define EVENTS 12345
#define END_PS (T0 + 100000)

struct ev {
	enum net_trace_kind kind;
	uint64_t t_ps;
	uint32_t node, port;
	struct net_pkt p;
	uint64_t qbytes;
	uint32_t reason;
	uint64_t bytes;
};

static struct ev sample_ev(uint32_t i)
{
	struct ev e = {
		.kind = (enum net_trace_kind)(i % 10),
		.t_ps = T0 + i * 50ull,
		.node = i % 3,
		.port = i % 4 == 3 ? UINT32_MAX : i % 2,
		.qbytes = i * 1062ull + (i % 5 == 0 ? (1ull << 32) : 0),
		.reason = i % 3,
		.bytes = 1000000000ull * 8 + i,
	};
	e.p.id = 1000 + i;
	e.p.type = (uint8_t)(i % 5);
	e.p.flow = i % 7;
	e.p.psn = i * 3;
	e.p.src = 0;
	e.p.dst = 1;
	e.p.wire_bytes = 1062;
	e.p.payload_bytes = 1000;
	e.p.prio = 3;
	e.p.flags = (uint8_t)(i & 0x1f);
	e.p.aux = e.p.type == NET_PKT_PFC ? (uint8_t)(1u << (i % 8)) : 0;
	return e;
}

/* As a simulator calls it: ask net_trace_want() first. */
static void emit(struct net_trace *t, const struct ev *e)
{
	if (!net_trace_want(t, e->kind, e->node, e->t_ps))
		return;
	if (net_trace_kind_family(e->kind) == NET_TRF_PACKET)
		net_trace_pkt(t, e->kind, e->t_ps, e->node, e->port, &e->p, e->qbytes, e->reason);
	else
		net_trace_msg(t, e->kind, e->t_ps, e->node, e->p.flow, e->p.src, e->p.dst,
			      e->bytes, 10000 + e->p.flow);
}

static void write_sample(const char *path, const struct net_trace_filter *f, int interrupted)
{
	struct tnet tn;
	tnet_init(&tn);
	struct net_trace *t = NULL;
	char err[256] = "";
	int rc = net_trace_open(&t, path, f, &tn.net, SEED, "test.yaml", err, sizeof(err));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	for (uint32_t i = 0; i < NEV; i++) {
		struct ev e = sample_ev(i);
		emit(t, &e);
	}
	CU_ASSERT_EQUAL(net_trace_close(t, interrupted, EVENTS, END_PS, err, sizeof(err)), 0);
}

static void check_rec(const struct fe_trace_rec *r, const struct ev *e)
{
	CU_ASSERT_EQUAL(r->kind, e->kind);
	CU_ASSERT_EQUAL(r->t_ps, e->t_ps);
	CU_ASSERT_EQUAL(r->node, e->node);
	if (net_trace_kind_family(e->kind) == NET_TRF_PACKET) {
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
	} else {
		CU_ASSERT_EQUAL(r->flow, e->p.flow);
		CU_ASSERT_EQUAL(r->sport, 10000 + e->p.flow);
		CU_ASSERT_EQUAL(r->src, e->p.src);
		CU_ASSERT_EQUAL(r->dst, e->p.dst);
		CU_ASSERT_EQUAL(r->bytes, e->bytes);
	}
}

static uint64_t u64_at(const msgpack_object *map, const char *key)
{
	const msgpack_object *o = fe_trace_map_get(map, key);
	CU_ASSERT_FATAL(o != NULL && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER);
	return o->via.u64;
}

static int str_at(const msgpack_object *map, const char *key, const char *want)
{
	const msgpack_object *o = fe_trace_map_get(map, key);
	return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == strlen(want) &&
	       memcmp(o->via.str.ptr, want, o->via.str.size) == 0;
}

/* ---- tests ---- */

static void test_header_describes_topology(void)
{
	char path[64];
	tmp_path(path);
	write_sample(path, NULL, 0);

	struct fe_trace_reader *r;
	char err[256] = "";
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(path, &r, err, sizeof(err)), 0);
	const msgpack_object *h = fe_trace_reader_header(r);
	CU_ASSERT(str_at(h, "format", "pktsim-trace"));
	CU_ASSERT_EQUAL(u64_at(h, "version"), 1);
	CU_ASSERT(str_at(h, "time_unit", "ps"));
	CU_ASSERT_EQUAL(u64_at(h, "seed"), SEED);
	CU_ASSERT(str_at(h, "source", "test.yaml"));

	const msgpack_object *kinds = fe_trace_map_get(h, "kinds");
	CU_ASSERT_FATAL(kinds && kinds->type == MSGPACK_OBJECT_ARRAY);
	CU_ASSERT_EQUAL(kinds->via.array.size, NET_TR_NKINDS);
	const msgpack_object *pf = fe_trace_map_get(fe_trace_map_get(h, "record_fields"), "packet");
	CU_ASSERT_FATAL(pf && pf->type == MSGPACK_OBJECT_ARRAY);
	CU_ASSERT_EQUAL(pf->via.array.size, NET_TR_PKT_PFC_LEN);

	const msgpack_object *nodes = fe_trace_map_get(h, "nodes");
	CU_ASSERT_FATAL(nodes && nodes->type == MSGPACK_OBJECT_ARRAY);
	CU_ASSERT_EQUAL_FATAL(nodes->via.array.size, 3);
	const char *kind[3] = { "host", "host", "switch" };
	uint64_t np[3] = { 1, 1, 2 };
	for (uint32_t i = 0; i < 3; i++) {
		const msgpack_object *n = &nodes->via.array.ptr[i];
		CU_ASSERT_EQUAL(u64_at(n, "id"), i);
		CU_ASSERT(str_at(n, "kind", kind[i]));
		CU_ASSERT_EQUAL(u64_at(n, "ports"), np[i]);
	}

	const msgpack_object *links = fe_trace_map_get(h, "links");
	CU_ASSERT_FATAL(links && links->type == MSGPACK_OBJECT_ARRAY);
	CU_ASSERT_EQUAL_FATAL(links->via.array.size, 2);
	const msgpack_object *l0 = &links->via.array.ptr[0], *l1 = &links->via.array.ptr[1];
	CU_ASSERT_EQUAL(l0->via.map.size, 7);
	CU_ASSERT_EQUAL(u64_at(l0, "id"), 0);
	CU_ASSERT_EQUAL(u64_at(l0, "a"), 0);
	CU_ASSERT_EQUAL(u64_at(l0, "a_port"), 0);
	CU_ASSERT_EQUAL(u64_at(l0, "b"), 2);
	CU_ASSERT_EQUAL(u64_at(l0, "b_port"), 0);
	CU_ASSERT_EQUAL(u64_at(l0, "rate_bps"), 100000000000ull);
	CU_ASSERT_EQUAL(u64_at(l0, "delay_ps"), 1000000);
	CU_ASSERT_EQUAL(u64_at(l1, "id"), 1);
	CU_ASSERT_EQUAL(u64_at(l1, "a"), 1);
	CU_ASSERT_EQUAL(u64_at(l1, "b"), 2);
	CU_ASSERT_EQUAL(u64_at(l1, "b_port"), 1);
	CU_ASSERT_EQUAL(u64_at(l1, "rate_bps"), 25000000000ull);
	CU_ASSERT_EQUAL(u64_at(l1, "delay_ps"), 500000);

	const msgpack_object *f = fe_trace_map_get(h, "filter");
	CU_ASSERT_EQUAL(fe_trace_map_get(f, "kinds")->via.array.size, NET_TR_NKINDS);
	CU_ASSERT_EQUAL(fe_trace_map_get(f, "nodes")->type, MSGPACK_OBJECT_NIL);
	CU_ASSERT_EQUAL(u64_at(f, "start_ps"), 0);
	CU_ASSERT_EQUAL(fe_trace_map_get(f, "end_ps")->type, MSGPACK_OBJECT_NIL);
	fe_trace_reader_close(r);
	unlink(path);
}

static void test_header_asymmetric_link_and_nil_source(void)
{
	char path[64], err[256] = "";
	tmp_path(path);
	struct tnet tn;
	tnet_init(&tn);
	tn.sw[1].rate_bps = 40000000000ull;  /* switch -> h1 differs from h1 -> switch */
	struct net_trace *t;
	CU_ASSERT_EQUAL_FATAL(net_trace_open(&t, path, NULL, &tn.net, 1, NULL, err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(net_trace_close(t, 0, 0, 0, err, sizeof(err)), 0);

	struct fe_trace_reader *r;
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(path, &r, err, sizeof(err)), 0);
	const msgpack_object *h = fe_trace_reader_header(r);
	CU_ASSERT_EQUAL(fe_trace_map_get(h, "source")->type, MSGPACK_OBJECT_NIL);
	const msgpack_object *links = fe_trace_map_get(h, "links");
	const msgpack_object *l1 = &links->via.array.ptr[1];
	CU_ASSERT_EQUAL(l1->via.map.size, 9);
	CU_ASSERT_EQUAL(u64_at(l1, "rate_bps"), 25000000000ull);
	CU_ASSERT_EQUAL(u64_at(l1, "b_rate_bps"), 40000000000ull);
	CU_ASSERT_EQUAL(u64_at(l1, "b_delay_ps"), 500000);
	fe_trace_reader_close(r);
	unlink(path);
}

static void test_records_round_trip_exactly(void)
{
	char path[64], err[256] = "";
	tmp_path(path);
	write_sample(path, NULL, 0);

	struct fe_trace_reader *r;
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(path, &r, err, sizeof(err)), 0);
	struct fe_trace_rec rec;
	for (uint32_t i = 0; i < NEV; i++) {
		CU_ASSERT_EQUAL_FATAL(fe_trace_reader_next_rec(r, &rec), 1);
		struct ev e = sample_ev(i);
		check_rec(&rec, &e);
	}
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_next_rec(r, &rec), 1);
	CU_ASSERT_EQUAL(rec.kind, NET_TR_END);
	CU_ASSERT_EQUAL(rec.t_ps, END_PS);
	CU_ASSERT_EQUAL(rec.interrupted, 0);
	CU_ASSERT_EQUAL(rec.records, NEV);
	CU_ASSERT_EQUAL(rec.events, EVENTS);
	CU_ASSERT_EQUAL(fe_trace_reader_next_rec(r, &rec), 0);
	const struct fe_trace_stats *st = fe_trace_reader_stats(r);
	CU_ASSERT_EQUAL(st->records, NEV + 1);
	CU_ASSERT(st->end_seen);
	CU_ASSERT(!st->truncated);
	fe_trace_reader_close(r);
	unlink(path);
}

/* Write the sample through filter f; read it back and expect exactly the
 * events the filter's plain definition keeps, then END. */
static void check_filter(const struct net_trace_filter *f)
{
	char path[64], err[256] = "";
	tmp_path(path);
	write_sample(path, f, 0);

	struct fe_trace_reader *r;
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(path, &r, err, sizeof(err)), 0);
	struct fe_trace_rec rec;
	uint64_t kept = 0;
	for (uint32_t i = 0; i < NEV; i++) {
		struct ev e = sample_ev(i);
		int keep = (!f->kinds || (f->kinds >> e.kind) & 1u) && e.t_ps >= f->start_ps &&
			   e.t_ps <= f->end_ps;
		if (f->nnodes) {
			int in = 0;
			for (size_t j = 0; j < f->nnodes; j++)
				in |= f->nodes[j] == e.node;
			keep &= in;
		}
		if (!keep)
			continue;
		CU_ASSERT_EQUAL_FATAL(fe_trace_reader_next_rec(r, &rec), 1);
		check_rec(&rec, &e);
		kept++;
	}
	CU_ASSERT(kept > 0);
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_next_rec(r, &rec), 1);
	CU_ASSERT_EQUAL(rec.kind, NET_TR_END);
	CU_ASSERT_EQUAL(rec.records, kept);
	CU_ASSERT_EQUAL(fe_trace_reader_next_rec(r, &rec), 0);
	fe_trace_reader_close(r);
	unlink(path);
}

static void test_filter_kind_mask_keeps_only_those_kinds(void)
{
	struct net_trace_filter f = {
		.kinds = 1u << NET_TR_TX | 1u << NET_TR_DROP | 1u << NET_TR_MSG_DONE,
		.end_ps = NET_TIME_NEVER,
	};
	check_filter(&f);
}

static void test_filter_node_list_keeps_only_those_nodes(void)
{
	uint32_t nodes[] = { 1 };
	struct net_trace_filter f = { .nodes = nodes, .nnodes = 1, .end_ps = NET_TIME_NEVER };
	check_filter(&f);
	uint32_t two[] = { 2, 0, 2 };
	struct net_trace_filter g = { .nodes = two, .nnodes = 3, .end_ps = NET_TIME_NEVER };
	check_filter(&g);
}

static void test_filter_time_window_is_inclusive(void)
{
	/* events are 50 ps apart from T0: exactly 11 fall in [T0+500, T0+1000] */
	struct net_trace_filter f = { .start_ps = T0 + 500, .end_ps = T0 + 1000 };
	check_filter(&f);
}

static void test_filter_combined_and_in_header(void)
{
	uint32_t nodes[] = { 0, 2 };
	struct net_trace_filter f = {
		.kinds = 1u << NET_TR_ENQ | 1u << NET_TR_TX | 1u << NET_TR_MSG_START,
		.nodes = nodes, .nnodes = 2, .start_ps = T0 + 100, .end_ps = T0 + 2000,
	};
	check_filter(&f);

	char path[64], err[256] = "";
	tmp_path(path);
	write_sample(path, &f, 0);
	struct fe_trace_reader *r;
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(path, &r, err, sizeof(err)), 0);
	const msgpack_object *hf = fe_trace_map_get(fe_trace_reader_header(r), "filter");
	const msgpack_object *k = fe_trace_map_get(hf, "kinds");
	CU_ASSERT_FATAL(k && k->type == MSGPACK_OBJECT_ARRAY && k->via.array.size == 4);
	/* END is always on, and listed */
	const msgpack_object *last = &k->via.array.ptr[3];
	CU_ASSERT(last->via.str.size == 3 && memcmp(last->via.str.ptr, "end", 3) == 0);
	const msgpack_object *n = fe_trace_map_get(hf, "nodes");
	CU_ASSERT_FATAL(n && n->type == MSGPACK_OBJECT_ARRAY && n->via.array.size == 2);
	CU_ASSERT_EQUAL(n->via.array.ptr[0].via.u64, 0);
	CU_ASSERT_EQUAL(n->via.array.ptr[1].via.u64, 2);
	CU_ASSERT_EQUAL(u64_at(hf, "start_ps"), T0 + 100);
	CU_ASSERT_EQUAL(u64_at(hf, "end_ps"), T0 + 2000);
	fe_trace_reader_close(r);
	unlink(path);
}

static void test_filter_rejects_bad_input_before_touching_file(void)
{
	char path[64], err[256] = "";
	tmp_path(path);
	unlink(path);
	struct tnet tn;
	tnet_init(&tn);
	static char sentinel;
	struct net_trace *t = (struct net_trace *)(void *)&sentinel;  /* open must reset it */

	uint32_t bad[] = { 0, 3 };
	struct net_trace_filter f = { .nodes = bad, .nnodes = 2, .end_ps = NET_TIME_NEVER };
	CU_ASSERT_EQUAL(net_trace_open(&t, path, &f, &tn.net, 1, NULL, err, sizeof(err)),
			NET_ERR_INVAL);
	CU_ASSERT_PTR_NULL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "node 3"));
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);

	struct net_trace_filter g = { .kinds = 1u << 20, .end_ps = NET_TIME_NEVER };
	CU_ASSERT_EQUAL(net_trace_open(&t, path, &g, &tn.net, 1, NULL, err, sizeof(err)),
			NET_ERR_INVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "kind"));

	struct net_trace_filter w = { .start_ps = 10, .end_ps = 5 };
	CU_ASSERT_EQUAL(net_trace_open(&t, path, &w, &tn.net, 1, NULL, err, sizeof(err)),
			NET_ERR_INVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "after"));
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
}

static void test_open_unwritable_path_says_why(void)
{
	char err[256] = "";
	struct net_trace *t;
	const char *path = "/tmp/pktsim-no-such-dir/x.trace";
	CU_ASSERT_EQUAL(net_trace_open(&t, path, NULL, NULL, 1, NULL, err, sizeof(err)),
			NET_ERR_IO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot open for writing"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, strerror(ENOENT)));
}

static void test_end_record_says_interrupted(void)
{
	char path[64], err[256] = "";
	tmp_path(path);
	write_sample(path, NULL, 1);
	char *buf;
	size_t len;
	FILE *out = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(fe_trace_info(path, out, err, sizeof(err)), 0);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "end:           interrupted at 8590034.592 ns"));
	free(buf);
	unlink(path);
}

static void test_null_trace_is_safe(void)
{
	struct net_pkt p = { 0 };
	CU_ASSERT_FALSE(net_trace_want(NULL, NET_TR_TX, 0, 0));
	net_trace_pkt(NULL, NET_TR_TX, 0, 0, 0, &p, 0, 0);
	net_trace_msg(NULL, NET_TR_MSG_START, 0, 0, 0, 0, 1, 100, 0);
	CU_ASSERT_EQUAL(net_trace_close(NULL, 0, 0, 0, NULL, 0), 0);
}

static void test_same_run_gives_identical_bytes(void)
{
	char a[64], b[64];
	tmp_path(a);
	tmp_path(b);
	write_sample(a, NULL, 0);
	write_sample(b, NULL, 0);
	size_t la = 0, lb = 0;
	char *da = slurp(a, &la), *db = slurp(b, &lb);
	CU_ASSERT_FATAL(da && db);
	CU_ASSERT(la > 0);
	CU_ASSERT_EQUAL(la, lb);
	CU_ASSERT(la == lb && memcmp(da, db, la) == 0);
	free(da);
	free(db);
	unlink(a);
	unlink(b);
}

/* ---- a plausible run, for size measurement and truncation ----
 *
 * One flow h0 -> h1, 1000 B payload (1062 B frames), sent at 100 Gb/s into
 * a switch whose port to h1 runs at 25 Gb/s: the queue grows, packets above
 * 100 KB of queue are CE-marked (ECN record, CNP from h1), above 400 KB
 * dropped. h1 ACKs every packet (66 B). About 12 records per data packet,
 * as a full trace of this run would have. */
static uint64_t scenario(struct net_trace *t, uint64_t want_records)
{
	const uint64_t ser_h = 1062 * 80, ser_s = 1062 * 320, ack_h = 66 * 80, ack_s = 66 * 320;
	const uint64_t d0 = 1000000, d1 = 500000;
	uint64_t sw_free = 0, id = 0, psn = 0, n = 0;
	struct net_pkt p = { .src = 0, .dst = 1, .flow = 7, .wire_bytes = 1062,
			     .payload_bytes = 1000, .prio = 3 };
	struct net_pkt ack = { .src = 1, .dst = 0, .flow = 7, .wire_bytes = 66,
			       .type = NET_PKT_ACK, .prio = 3 };
	struct net_pkt cnp = { .src = 1, .dst = 0, .flow = 7, .wire_bytes = 66,
			       .type = NET_PKT_CNP, .prio = 7 };
#define PK(k, tt, node, port, pk, q) \
	do { \
		if (net_trace_want(t, (k), (node), (tt))) \
			net_trace_pkt(t, (k), (tt), (node), (port), (pk), (q), 0); \
		n++; \
	} while (0)

	net_trace_msg(t, NET_TR_MSG_START, 0, 0, 7, 0, 1, 1000000000, 10007);
	n++;
	for (uint64_t k = 0; n < want_records; k++) {
		uint64_t t0 = k * ser_h;
		p.id = (uint32_t)id++;
		p.psn = (uint32_t)psn;
		p.flags = NET_PKT_F_ECT | (k == 0 ? NET_PKT_F_FIRST : 0);
		PK(NET_TR_ENQ, t0, 0, 0, &p, 1062);
		PK(NET_TR_TX, t0, 0, 0, &p, 0);
		uint64_t arr = t0 + ser_h + d0;
		PK(NET_TR_RX, arr, 2, UINT32_MAX, &p, 0);
		uint64_t start = arr > sw_free ? arr : sw_free;
		uint64_t q = (start - arr + ser_s - 1) / ser_s * 1062 + 1062;
		if (q > 400000) {
			if (net_trace_want(t, NET_TR_DROP, 2, arr))
				net_trace_pkt(t, NET_TR_DROP, arr, 2, 1, &p, q - 1062,
					      NET_DROP_BUFFER);
			n++;
			continue;
		}
		psn++;
		PK(NET_TR_ENQ, arr, 2, 1, &p, q);
		if (q > 100000) {
			p.flags |= NET_PKT_F_CE;
			PK(NET_TR_ECN, arr, 2, 1, &p, q);
		}
		sw_free = start + ser_s;
		PK(NET_TR_TX, start, 2, 1, &p, q - 1062);
		uint64_t rx = sw_free + d1;
		PK(NET_TR_RX, rx, 1, 0, &p, 0);
		ack.id = (uint32_t)id++;
		ack.psn = p.psn;
		ack.flags = p.flags & NET_PKT_F_CE ? NET_PKT_F_ECE : 0;
		PK(NET_TR_ENQ, rx, 1, 0, &ack, 66);
		PK(NET_TR_TX, rx, 1, 0, &ack, 0);
		if (p.flags & NET_PKT_F_CE) {
			cnp.id = (uint32_t)id++;
			PK(NET_TR_CNP, rx, 1, 0, &cnp, 0);
		}
		uint64_t back = rx + ack_s + d1;
		PK(NET_TR_RX, back, 2, UINT32_MAX, &ack, 0);
		PK(NET_TR_ENQ, back, 2, 0, &ack, 66);
		PK(NET_TR_TX, back, 2, 0, &ack, 0);
		PK(NET_TR_RX, back + ack_h + d0, 0, 0, &ack, 0);
	}
#undef PK
	return sw_free;
}

static void write_scenario(const char *path, uint64_t nrec)
{
	struct tnet tn;
	tnet_init(&tn);
	struct net_trace *t;
	char err[256] = "";
	CU_ASSERT_EQUAL_FATAL(net_trace_open(&t, path, NULL, &tn.net, 1, "scenario", err,
					     sizeof(err)), 0);
	uint64_t end = scenario(t, nrec);
	CU_ASSERT_EQUAL(net_trace_close(t, 0, nrec, end, err, sizeof(err)), 0);
}

static void test_bytes_per_record_measured(void)
{
	char path[64], err[256] = "";
	tmp_path(path);
	const uint64_t nrec = 200000;
	write_scenario(path, nrec);

	struct fe_trace_reader *r;
	CU_ASSERT_EQUAL_FATAL(fe_trace_reader_open(path, &r, err, sizeof(err)), 0);
	msgpack_object o;
	int rc;
	while ((rc = fe_trace_reader_next(r, &o)) == 1)
		;
	CU_ASSERT_EQUAL(rc, 0);
	const struct fe_trace_stats *st = fe_trace_reader_stats(r);
	CU_ASSERT(st->records >= nrec);
	double raw = (double)(st->raw_bytes - st->header_bytes) / (double)st->records;
	double gz = (double)st->file_bytes / (double)st->records;
	printf("\n    %" PRIu64 " records: %" PRIu64 " B compressed (%.2f B/record), %" PRIu64
	       " B msgpack (%.2f B/record), header %" PRIu64 " B\n    ",
	       st->records, st->file_bytes, gz, st->raw_bytes, raw, st->header_bytes);
	/* A packet record is 15 small integers plus the time (9 bytes). */
	CU_ASSERT(raw > 20 && raw < 45);
	CU_ASSERT(gz < raw / 2);
	fe_trace_reader_close(r);
	unlink(path);
}

static void test_truncated_file_is_reported(void)
{
	char path[64], cut[64], err[256] = "";
	tmp_path(path);
	tmp_path(cut);
	write_scenario(path, 50000);
	size_t len;
	char *data = slurp(path, &len);
	CU_ASSERT_FATAL(data && len > 4096);
	spit(cut, data, len / 2);
	free(data);

	char *buf;
	size_t blen;
	FILE *out = open_memstream(&buf, &blen);
	CU_ASSERT_EQUAL(fe_trace_info(cut, out, err, sizeof(err)), -1);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, cut));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "truncated gzip stream after "));
	CU_ASSERT_PTR_NULL(strstr(err, "after 0 records"));
	/* what was read is still summarized */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "MISSING: trace truncated"));
	free(buf);

	err[0] = '\0';
	out = open_memstream(&buf, &blen);
	CU_ASSERT_EQUAL(fe_trace_dump(cut, out, err, sizeof(err)), -1);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "truncated"));
	free(buf);
	unlink(path);
	unlink(cut);
}

static void expect_info_error(const char *path, const char *what)
{
	char err[256] = "";
	char *buf;
	size_t len;
	FILE *out = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(fe_trace_info(path, out, err, sizeof(err)), -1);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	if (!strstr(err, what))
		printf("\n    expected \"%s\" in \"%s\"\n    ", what, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, what));
	free(buf);
}

static void test_unreadable_inputs_give_clear_errors(void)
{
	expect_info_error("/tmp/pktsim-no-such-dir/x.trace", strerror(ENOENT));

	char path[64];
	tmp_path(path);
	expect_info_error(path, "empty file");
	spit(path, "hello, world\n", 13);
	expect_info_error(path, "not a gzip file");

	/* gzip, but of text: the first msgpack object is an integer */
	gzFile gz = gzopen(path, "wb");
	CU_ASSERT_FATAL(gz != NULL);
	gzputs(gz, "hello, world\n");
	gzclose(gz);
	expect_info_error(path, "not a pktsim trace");

	/* gzip with no data at all */
	gz = gzopen(path, "wb");
	gzclose(gz);
	expect_info_error(path, "empty gzip stream");
	unlink(path);
}

/* A gzip file of a minimal header followed by raw bytes. */
static void write_raw_trace(const char *path, const void *body, size_t len, uint32_t version)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2);
	msgpack_pack_str_with_body(&pk, "format", 6);
	msgpack_pack_str_with_body(&pk, "pktsim-trace", 12);
	msgpack_pack_str_with_body(&pk, "version", 7);
	msgpack_pack_uint32(&pk, version);
	gzFile gz = gzopen(path, "wb");
	CU_ASSERT_FATAL(gz != NULL);
	gzwrite(gz, sb.data, (unsigned)sb.size);
	if (len)
		gzwrite(gz, body, (unsigned)len);
	gzclose(gz);
	msgpack_sbuffer_destroy(&sb);
}

static void test_malformed_records_name_their_index(void)
{
	char path[64];
	tmp_path(path);
	/* [1, 5, ...] is fine msgpack but a short tx record; 0xc1 is never valid */
	static const unsigned char good_end[] = { 0x95, 0x0a, 0x00, 0xa8, 'c', 'o', 'm', 'p',
						  'l', 'e', 't', 'e', 0x00, 0x00 };
	unsigned char body[64];
	memcpy(body, good_end, sizeof(good_end));
	body[sizeof(good_end)] = 0xc1;
	write_raw_trace(path, body, sizeof(good_end) + 1, 1);
	/* The header is 30 bytes: map(2) 1 + "format" 7 + "pktsim-trace" 13 +
	 * "version" 8 + 1; the END record 14. */
	expect_info_error(path, "malformed msgpack at record index 1 (uncompressed byte offset 44)");

	static const unsigned char short_tx[] = { 0x92, 0x01, 0x05 };
	write_raw_trace(path, short_tx, sizeof(short_tx), 1);
	expect_info_error(path, "record index 0 (uncompressed byte offset 30): tx record has 2 "
			  "elements, expected 15");

	memcpy(body, good_end, sizeof(good_end));
	memcpy(body + sizeof(good_end), good_end, sizeof(good_end));
	write_raw_trace(path, body, 2 * sizeof(good_end), 1);
	expect_info_error(path, "record index 1 follows the END record");

	write_raw_trace(path, good_end, sizeof(good_end), 2);
	expect_info_error(path, "version 2 is not supported");

	/* a clean gzip stream that stops inside a record */
	write_raw_trace(path, good_end, sizeof(good_end) - 2, 1);
	expect_info_error(path, "ends inside a record");

	/* Damaged counts are refused from the bytes, before msgpack would
	 * allocate for them (24 bytes per claimed element: 96 GB here) or wait
	 * for elements to the end of the file. */
	static const unsigned char huge_array[] = { 0xdd, 0xff, 0xff, 0xff, 0xff, 0x01 };
	write_raw_trace(path, huge_array, sizeof(huge_array), 1);
	expect_info_error(path, "record index 0 (uncompressed byte offset 30): an array of "
			  "4294967295 entries (at most 64)");
	static const unsigned char huge_map[] = { 0x91, 0xdf, 0x00, 0x01, 0x00, 0x00 };
	write_raw_trace(path, huge_map, sizeof(huge_map), 1);
	expect_info_error(path, "a map of 65536 entries (at most 64)");
	static const unsigned char huge_str[] = { 0x92, 0x00, 0xdb, 0x7f, 0xff, 0xff, 0xff, 'x' };
	write_raw_trace(path, huge_str, sizeof(huge_str), 1);
	expect_info_error(path, "a string or binary field longer than 4096 bytes");
	static const unsigned char deep[] = { 0x91, 0x91, 0x91, 0x91, 0x91, 0x00 };
	write_raw_trace(path, deep, sizeof(deep), 1);
	expect_info_error(path, "containers nested more than 4 deep");
	/* A plausible count with too few elements after it: the stream ends
	 * inside the record, whatever the count says. */
	static const unsigned char short_array[] = { 0xdc, 0x00, 0x30, 0x01, 0x02 };
	write_raw_trace(path, short_array, sizeof(short_array), 1);
	expect_info_error(path, "the stream ends inside a record (5 bytes left over)");

	/* header only: readable, END missing */
	write_raw_trace(path, NULL, 0, 1);
	char err[256] = "";
	char *buf;
	size_t len;
	FILE *out = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(fe_trace_info(path, out, err, sizeof(err)), 0);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "MISSING"));
	free(buf);
	unlink(path);
}

static void test_info_summarizes(void)
{
	char path[64], err[256] = "";
	tmp_path(path);
	write_sample(path, NULL, 0);
	char *buf;
	size_t len;
	FILE *out = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL_FATAL(fe_trace_info(path, out, err, sizeof(err)), 0);
	fclose(out);
	static const char *const want[] = {
		"format:        pktsim-trace version 1\n",
		"seed:          42\n",
		"source:        test.yaml\n",
		"nodes:         3 (2 hosts, 1 switch)\n",
		"links:         2\n",
		"filter:        kinds all; nodes all; time 0.000 ns to end\n",
		"records:       61\n",
		"  enq           6\n",
		"  msg_delivered 6\n",
		"  end           1\n",
		"first record:  8589934.592 ns\n",
		"last record:   8589937.542 ns\n",
		"end:           complete at 8590034.592 ns (12345 events)\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!strstr(buf, want[i]))
			printf("\n    missing line: %s", want[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, want[i]));
	}
	free(buf);
	unlink(path);
}

static void test_dump_names_fields(void)
{
	char path[64], err[256] = "";
	tmp_path(path);
	write_sample(path, NULL, 0);
	char *buf;
	size_t len;
	FILE *out = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL_FATAL(fe_trace_dump(path, out, err, sizeof(err)), 0);
	fclose(out);
	CU_ASSERT(strncmp(buf, "{\"format\":\"pktsim-trace\",\"version\":1,\"time_unit\":\"ps\","
			       "\"seed\":42,\"source\":\"test.yaml\",", 79) == 0);
	static const char *const want[] = {
		"\n{\"kind\":\"tx\",\"t_ps\":8589934642,\"node\":1,\"port\":1,\"id\":1001,"
		"\"type\":\"ack\",\"flow\":1,\"psn\":3,\"src\":0,\"dst\":1,\"wire_bytes\":1062,"
		"\"payload_bytes\":1000,\"prio\":3,\"flags\":1,\"qbytes\":1062}\n",
		"\n{\"kind\":\"drop\",\"t_ps\":8589934742,\"node\":0,\"port\":null,\"id\":1003,"
		"\"type\":\"cnp\",\"flow\":3,\"psn\":9,\"src\":0,\"dst\":1,\"wire_bytes\":1062,"
		"\"payload_bytes\":1000,\"prio\":3,\"flags\":3,\"qbytes\":3186,"
		"\"reason\":\"buffer\"}\n",
		"\n{\"kind\":\"msg_start\",\"t_ps\":8589934942,\"node\":1,\"flow\":0,\"src\":0,"
		"\"dst\":1,\"bytes\":8000000007,\"sport\":10000}\n",
		"\n{\"kind\":\"end\",\"t_ps\":8590034592,\"status\":\"complete\",\"records\":60,"
		"\"events\":12345}\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!strstr(buf, want[i]))
			printf("\n    missing line: %s", want[i] + 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, want[i]));
	}
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	CU_ASSERT_EQUAL(lines, 1 + NEV + 1);
	free(buf);
	unlink(path);
}

static void test_write_failure_is_reported_at_close(void)
{
	if (access("/dev/full", W_OK) != 0)
		return;  /* no /dev/full here: nothing to test with */
	char err[256] = "";
	struct net_trace *t;
	CU_ASSERT_EQUAL_FATAL(net_trace_open(&t, "/dev/full", NULL, NULL, 1, NULL, err,
					     sizeof(err)), 0);
	scenario(t, 100000);
	CU_ASSERT(t->failed);
	CU_ASSERT_EQUAL(net_trace_close(t, 0, 0, 0, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/dev/full: write failed: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, strerror(ENOSPC)));
}

static const struct unit_test trace_tests[] = {
	{ "header_describes_topology", test_header_describes_topology },
	{ "header_asymmetric_link_and_nil_source", test_header_asymmetric_link_and_nil_source },
	{ "records_round_trip_exactly", test_records_round_trip_exactly },
	{ "filter_kind_mask_keeps_only_those_kinds", test_filter_kind_mask_keeps_only_those_kinds },
	{ "filter_node_list_keeps_only_those_nodes", test_filter_node_list_keeps_only_those_nodes },
	{ "filter_time_window_is_inclusive", test_filter_time_window_is_inclusive },
	{ "filter_combined_and_in_header", test_filter_combined_and_in_header },
	{ "filter_rejects_bad_input_before_touching_file",
	  test_filter_rejects_bad_input_before_touching_file },
	{ "open_unwritable_path_says_why", test_open_unwritable_path_says_why },
	{ "end_record_says_interrupted", test_end_record_says_interrupted },
	{ "null_trace_is_safe", test_null_trace_is_safe },
	{ "same_run_gives_identical_bytes", test_same_run_gives_identical_bytes },
	{ "bytes_per_record_measured", test_bytes_per_record_measured },
	{ "truncated_file_is_reported", test_truncated_file_is_reported },
	{ "unreadable_inputs_give_clear_errors", test_unreadable_inputs_give_clear_errors },
	{ "malformed_records_name_their_index", test_malformed_records_name_their_index },
	{ "info_summarizes", test_info_summarizes },
	{ "dump_names_fields", test_dump_names_fields },
	{ "write_failure_is_reported_at_close", test_write_failure_is_reported_at_close },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "trace", trace_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
