/*
 * frontend/trace_perfetto.c - `pktsim trace perfetto` (see
 * trace_perfetto.h).
 *
 * Layout: one process per node (pid = node + 1) and one for the
 * collectives; in a node, a thread per port (tid = port + 1) and per QP
 * that starts there (tid = QP_TID + flow). A message is a complete slice on
 * its QP's thread, from msg_start to msg_done; a collective message is named
 * by its collective, chunk and step, and a flow arrow runs from the arrival
 * of the message it waited for (`after`) to its start. Port threads carry
 * counters per time bucket (the deepest queue in the bucket; utilization =
 * bytes whose transmission started in the bucket x 8 / (rate x bucket)) and
 * instants for PFC frames sent and drops; QP threads carry the CC rate as a
 * counter and a node's CNPs are instants on its node thread.
 *
 * Streaming: a slice is written when it ends, counters when their bucket
 * closes; memory is per port, per flow and per collective message.
 * Timestamps are microseconds with three decimals (nanoseconds).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "frontend/trace_perfetto.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "collectives/coll.h"
#include "net/engine.h"

#define QP_TID 1000000u
#define NODE_TID 999999u
#define NO_TIME UINT64_MAX

struct pport {
	struct fe_tqueue q;
	uint64_t bucket;             /* the open bucket's index */
	uint64_t bytes;              /* started in the open bucket */
	uint64_t qmax;               /* deepest queue in the open bucket */
	int64_t last_q;              /* last emitted values; -1: none */
	double last_util;
	int active;
};

struct pflow {
	uint64_t start_ps, delivered_ps;
	uint64_t bytes;
	uint32_t src, dst;
	uint32_t coll, msg, chunk, step; /* coll UINT32_MAX: not a collective's */
	uint8_t started;             /* msg_start seen, msg_done not yet */
	uint8_t seen;                /* msg_start seen */
	uint8_t named;               /* its QP thread's name written */
};

struct pcoll {
	struct fe_idtab msgs;        /* msg -> uint32_t flow */
	uint64_t start_ps;
	uint32_t op, algo, npus;
	uint64_t bytes;
	uint8_t started;
};

struct pf {
	const struct fe_perfetto_opts *o;
	struct fe_ttopo topo;
	struct fe_tout out;
	struct pport *port;
	struct fe_idtab flows;       /* of struct pflow */
	struct fe_idtab colls;       /* of struct pcoll */
	uint64_t bucket_ps;
	uint64_t events, arrows;
	int first;
};

static void ts(char *b, size_t n, uint64_t t_ps)
{
	uint64_t ns = t_ps / 1000;
	snprintf(b, n, "%" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
}

/* One event object; the caller gives everything after the opening brace. */
static void ev(struct pf *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ev(struct pf *c, const char *fmt, ...)
{
	va_list ap;
	fe_tout_write(&c->out, c->first ? "\n{" : ",\n{", c->first ? 2 : 3);
	va_start(ap, fmt);
	fe_tout_vprintf(&c->out, fmt, ap);
	va_end(ap);
	fe_tout_write(&c->out, "}", 1);
	c->first = 0;
	c->events++;
}

static void names(struct pf *c)
{
	const struct fe_ttopo *t = &c->topo;
	char a[32], b[32];
	for (uint32_t n = 0; n < t->nnodes; n++) {
		fe_ttopo_node_name(t, n, a, sizeof(a));
		ev(c, "\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":0,\"name\":\"process_name\","
		      "\"args\":{\"name\":\"%s\"}", n + 1, a);
		ev(c, "\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":0,\"name\":\"process_sort_index\","
		      "\"args\":{\"sort_index\":%" PRIu32 "}", n + 1, n + 1);
		ev(c, "\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":%u,\"name\":\"thread_name\","
		      "\"args\":{\"name\":\"%s events\"}", n + 1, NODE_TID, a);
		for (uint32_t g = t->port_off[n]; g < t->port_off[n + 1]; g++) {
			uint32_t p = g - t->port_off[n];
			if (t->peer_node[g] == UINT32_MAX)
				snprintf(b, sizeof(b), "unconnected");
			else
				fe_ttopo_node_name(t, t->peer_node[g], b, sizeof(b));
			ev(c, "\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"name\":"
			      "\"thread_name\",\"args\":{\"name\":\"port %" PRIu32 " -> %s\"}", n + 1,
			   p + 1, p, b);
			ev(c, "\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"name\":"
			      "\"thread_sort_index\",\"args\":{\"sort_index\":%" PRIu32 "}", n + 1, p + 1,
			   p + 1);
		}
	}
	ev(c, "\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":0,\"name\":\"process_name\","
	      "\"args\":{\"name\":\"collectives\"}", t->nnodes + 1);
}

static struct pflow *flow_at(struct pf *c, uint32_t f)
{
	int added;
	struct pflow *fl = fe_idtab_get(&c->flows, f, &added);
	if (fl && added)
		fl->coll = UINT32_MAX;
	return fl;
}

static struct pcoll *coll_at(struct pf *c, uint32_t id)
{
	int added;
	struct pcoll *co = fe_idtab_get(&c->colls, id, &added);
	if (co && added)
		fe_idtab_init(&co->msgs, sizeof(uint32_t));
	return co;
}

static void qp_thread(struct pf *c, struct pflow *fl, uint32_t flow, uint32_t node, uint32_t peer)
{
	if (fl->named)
		return;
	fl->named = 1;
	char b[32];
	fe_ttopo_node_name(&c->topo, peer, b, sizeof(b));
	ev(c, "\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"name\":\"thread_name\","
	      "\"args\":{\"name\":\"QP %" PRIu32 " -> %s\"}", node + 1, QP_TID + flow, flow, b);
}

/* A port's counter event, unless it would repeat the last one (force:
 * write it anyway). */
static void port_counter(struct pf *c, uint32_t g, uint64_t t_ps, uint64_t q, double util,
			 int force)
{
	struct pport *p = &c->port[g];
	if (!force && (int64_t)q == p->last_q && util == p->last_util)
		return;
	uint32_t node = fe_ttopo_node_of(&c->topo, g), port = g - c->topo.port_off[node];
	char at[32];
	ts(at, sizeof(at), t_ps);
	ev(c, "\"ph\":\"C\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ts\":%s,\"name\":"
	      "\"port %" PRIu32 "\",\"args\":{\"queue_bytes\":%" PRIu64 ",\"utilization\":%.9g}",
	   node + 1, port + 1, at, port, q, util);
	p->last_q = (int64_t)q;
	p->last_util = util;
}

/* Close the port's bucket if t is past it, emitting the counters that
 * changed, including idle buckets in between; at the run's end (final),
 * close the open bucket and end the track at 0. */
static void port_advance(struct pf *c, uint32_t g, uint64_t t, int final)
{
	struct pport *p = &c->port[g];
	uint64_t b = t / c->bucket_ps;
	if (!p->active) {
		p->active = 1;
		p->bucket = b;
		p->last_q = -1;
		p->last_util = -1;
		p->qmax = p->q.total;
		return;
	}
	if (b == p->bucket && !final)
		return;
	uint64_t rate = c->topo.rate_bps[g];
	double util = rate ? (double)p->bytes * 8.0 * 1e12 / ((double)rate * (double)c->bucket_ps)
			   : 0;
	port_counter(c, g, p->bucket * c->bucket_ps, p->qmax, util, 0);
	if (final) {
		port_counter(c, g, (p->bucket + 1) * c->bucket_ps, p->q.total, 0, 1);
		return;
	}
	/* Buckets with nothing sent: utilization 0 and the depth that held. */
	if (b > p->bucket + 1)
		port_counter(c, g, (p->bucket + 1) * c->bucket_ps, p->q.total, 0, 0);
	p->bucket = b;
	p->bytes = 0;
	p->qmax = p->q.total;
}

static const char *pkt_name(uint32_t type)
{
	static const char *const n[NET_PKT_NTYPES] = { "data", "ACK", "NAK", "CNP", "PFC" };
	return type < NET_PKT_NTYPES ? n[type] : "?";
}

static int on_packet(struct pf *c, const struct fe_trace_rec *r)
{
	char at[32], dur[32];
	ts(at, sizeof(at), r->t_ps);
	if (r->kind == NET_TR_CNP) {
		ev(c, "\"ph\":\"i\",\"s\":\"t\",\"pid\":%" PRIu32 ",\"tid\":%u,\"ts\":%s,\"name\":"
		      "\"CNP\",\"cat\":\"cnp\",\"args\":{\"flow\":%" PRIu32 ",\"to\":%" PRIu32 "}",
		   r->node + 1, NODE_TID, at, r->flow, r->src);
		return 0;
	}
	if (r->port == UINT32_MAX) {
		if (r->kind == NET_TR_DROP)
			ev(c, "\"ph\":\"i\",\"s\":\"t\",\"pid\":%" PRIu32 ",\"tid\":%u,\"ts\":%s,"
			      "\"name\":\"drop %s\",\"cat\":\"drop\",\"args\":{\"flow\":%" PRIu32
			      ",\"psn\":%" PRIu32 ",\"reason\":%" PRIu32 "}", r->node + 1, NODE_TID, at,
			   pkt_name(r->type), r->flow, r->psn, r->reason);
		return 0;
	}
	uint32_t g = fe_ttopo_port(&c->topo, r->node, r->port);
	if (g == UINT32_MAX)
		return -1;
	struct pport *p = &c->port[g];
	uint32_t pid = r->node + 1, tid = r->port + 1;
	switch (r->kind) {
	case NET_TR_ENQ:
		port_advance(c, g, r->t_ps, 0);
		if (fe_tqueue_update(&p->q, r) > p->qmax)
			p->qmax = p->q.total;
		break;
	case NET_TR_TX:
		port_advance(c, g, r->t_ps, 0);
		fe_tqueue_update(&p->q, r);
		p->bytes += r->wire_bytes;
		if (c->o->packets && c->topo.rate_bps[g]) {
			ts(dur, sizeof(dur), net_ser_ps(r->wire_bytes, c->topo.rate_bps[g]));
			ev(c, "\"ph\":\"X\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ts\":%s,\"dur\":%s,"
			      "\"name\":\"%s\",\"cat\":\"packet\",\"args\":{\"flow\":%" PRIu32 ",\"psn\":%"
			      PRIu32 ",\"bytes\":%" PRIu32 ",\"flags\":%" PRIu32 "}", pid, tid, at, dur,
			   pkt_name(r->type), r->flow, r->psn, r->wire_bytes, r->flags);
		}
		break;
	case NET_TR_DROP:
		ev(c, "\"ph\":\"i\",\"s\":\"t\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ts\":%s,"
		      "\"name\":\"drop %s\",\"cat\":\"drop\",\"args\":{\"flow\":%" PRIu32 ",\"psn\":%"
		      PRIu32 ",\"reason\":%" PRIu32 "}", pid, tid, at, pkt_name(r->type), r->flow, r->psn,
		   r->reason);
		break;
	case NET_TR_PFC:
		if (r->src != r->node)
			break;               /* the receiving end: the sender's instant says it */
		ev(c, "\"ph\":\"i\",\"s\":\"t\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ts\":%s,"
		      "\"name\":\"%s\",\"cat\":\"pfc\",\"args\":{\"classes\":%" PRIu32 ",\"quanta\":%"
		      PRIu32 "}", pid, tid, at, r->psn ? "PAUSE" : "RESUME", r->classes, r->psn);
		break;
	default:
		break;
	}
	return 0;
}

static void qp_slice(struct pf *c, struct pflow *fl, uint32_t f, uint64_t end_ps, int done)
{
	char at[32], dur[32], name[96], b[32];
	ts(at, sizeof(at), fl->start_ps);
	ts(dur, sizeof(dur), end_ps - fl->start_ps);
	fe_ttopo_node_name(&c->topo, fl->dst, b, sizeof(b));
	if (fl->coll != UINT32_MAX)
		snprintf(name, sizeof(name), "coll %" PRIu32 " chunk %" PRIu32 " step %" PRIu32,
			 fl->coll, fl->chunk, fl->step);
	else
		snprintf(name, sizeof(name), "flow %" PRIu32 " -> %s", f, b);
	ev(c, "\"ph\":\"X\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ts\":%s,\"dur\":%s,"
	      "\"name\":\"%s\",\"cat\":\"%s\",\"args\":{\"flow\":%" PRIu32 ",\"bytes\":%" PRIu64
	      ",\"src\":%" PRIu32 ",\"dst\":%" PRIu32 ",\"complete\":%s}", fl->src + 1, QP_TID + f,
	   at, dur, name, fl->coll != UINT32_MAX ? "collective" : "message", f, fl->bytes, fl->src,
	   fl->dst, done ? "true" : "false");
	fl->started = 0;
}

static int on_coll_msg(struct pf *c, const struct fe_trace_rec *r)
{
	struct pcoll *co = coll_at(c, r->coll);
	uint32_t *m = co ? fe_idtab_get(&co->msgs, r->msg, NULL) : NULL;
	if (!m)
		return -1;
	*m = r->flow;
	struct pflow *fl = flow_at(c, r->flow);
	if (!fl)
		return -1;
	fl->coll = r->coll;
	fl->msg = r->msg;
	fl->chunk = r->chunk;
	fl->step = r->step;
	const uint32_t *after = r->after == UINT32_MAX ? NULL : fe_idtab_find(&co->msgs, r->after);
	if (!after)
		return 0;
	uint32_t pf = *after;
	const struct pflow *pred = fe_idtab_find(&c->flows, pf);
	if (!pred || !pred->seen || pred->delivered_ps == NO_TIME)
		return 0;
	char a[32], b[32];
	ts(a, sizeof(a), pred->delivered_ps);
	ts(b, sizeof(b), r->t_ps);
	uint64_t id = ++c->arrows;
	ev(c, "\"ph\":\"s\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ts\":%s,\"id\":%" PRIu64
	      ",\"name\":\"after\",\"cat\":\"dependency\"", pred->src + 1, QP_TID + pf, a, id);
	ev(c, "\"ph\":\"f\",\"bp\":\"e\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ts\":%s,\"id\":%"
	      PRIu64 ",\"name\":\"after\",\"cat\":\"dependency\"", r->node + 1, QP_TID + r->flow, b, id);
	return 0;
}

static int on_record(struct pf *c, const struct fe_trace_rec *r)
{
	char at[32], dur[32];
	switch (net_trace_kind_family(r->kind)) {
	case NET_TRF_PACKET:
		return on_packet(c, r);
	case NET_TRF_MESSAGE: {
		struct pflow *fl = flow_at(c, r->flow);
		if (!fl)
			return -1;
		if (r->kind == NET_TR_MSG_START) {
			fl->start_ps = r->t_ps;
			fl->delivered_ps = NO_TIME;
			fl->bytes = r->bytes;
			fl->src = r->src;
			fl->dst = r->dst;
			fl->started = 1;
			fl->seen = 1;
			qp_thread(c, fl, r->flow, r->src, r->dst);
		} else if (r->kind == NET_TR_MSG_DELIVERED) {
			fl->delivered_ps = r->t_ps;
		} else if (fl->started) {
			qp_slice(c, fl, r->flow, r->t_ps, 1);
		}
		return 0;
	}
	case NET_TRF_RATE:
		if (!flow_at(c, r->flow))
			return -1;
		ts(at, sizeof(at), r->t_ps);
		ev(c, "\"ph\":\"C\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ts\":%s,\"name\":"
		      "\"QP %" PRIu32 " rate\",\"args\":{\"Gbps\":%.6f}", r->node + 1, QP_TID + r->flow,
		   at, r->flow, (double)r->rate_bps / 1e9);
		return 0;
	case NET_TRF_COLL_MSG:
		return on_coll_msg(c, r);
	case NET_TRF_COLL: {
		struct pcoll *co = coll_at(c, r->coll);
		if (!co)
			return -1;
		if (r->kind == NET_TR_COLL_START) {
			co->start_ps = r->t_ps;
			co->started = 1;
			co->op = r->op;
			co->algo = r->algo;
			co->npus = r->npus;
			co->bytes = r->bytes;
			ev(c, "\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"name\":"
			      "\"thread_name\",\"args\":{\"name\":\"collective %" PRIu32 "\"}",
			   c->topo.nnodes + 1, r->coll + 1, r->coll);
		} else if (co->started) {
			ts(at, sizeof(at), co->start_ps);
			ts(dur, sizeof(dur), r->t_ps - co->start_ps);
			ev(c, "\"ph\":\"X\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ts\":%s,\"dur\":%s,"
			      "\"name\":\"%s %s\",\"cat\":\"collective\",\"args\":{\"coll\":%" PRIu32
			      ",\"npus\":%" PRIu32 ",\"bytes\":%" PRIu64 "}", c->topo.nnodes + 1,
			   r->coll + 1, at, dur, r->op < COLL_NOPS ? coll_op_names[r->op] : "?",
			   r->algo < COLL_NALGOS ? coll_algo_names[r->algo] : "?", r->coll, r->npus,
			   r->bytes);
			co->started = 0;
		}
		return 0;
	}
	default:
		return 0;
	}
}

int fe_trace_perfetto(const char *trace, const struct fe_perfetto_opts *o, FILE *log, char *err,
		      size_t errlen)
{
	struct pf c = { .o = o, .first = 1 };
	struct fe_trace_reader *r = NULL;
	char *def = NULL;
	const char *out = o->out;
	int rc = -1, opened = 0;
	uint64_t end_ps = 0;

	c.bucket_ps = o->bucket_ps ? o->bucket_ps : 1000000;
	fe_idtab_init(&c.flows, sizeof(struct pflow));
	fe_idtab_init(&c.colls, sizeof(struct pcoll));
	if (fe_trace_reader_open(trace, &r, err, errlen))
		return -1;
	if (!out && !(out = def = fe_tout_default(trace, ".json")))
		goto nomem;
	if (fe_tconv_begin(r, trace, out, &o->filter, &c.topo, err, errlen))
		goto done;
	c.port = calloc(c.topo.nports ? c.topo.nports : 1, sizeof(*c.port));
	if (!c.port)
		goto nomem;
	if (fe_tout_open(&c.out, out, err, errlen))
		goto done;
	opened = 1;
	fe_tout_printf(&c.out, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
	names(&c);

	struct fe_trace_rec rec;
	int got;
	while ((got = fe_trace_reader_next_rec(r, &rec)) == 1) {
		if (rec.t_ps > end_ps)
			end_ps = rec.t_ps;
		if (rec.kind == NET_TR_END || !fe_tfilter_pass(&o->filter, &rec))
			continue;
		if (on_record(&c, &rec)) {
			if (!c.out.failed)
				net_fmt_err(err, errlen, "%s: record index %" PRIu64 ": port %" PRIu32
					    " of node %" PRIu32 " is not in the header's topology, or "
					    "out of memory", trace,
					    fe_trace_reader_stats(r)->records - 1, rec.port, rec.node);
			goto done;
		}
		if (c.out.failed)
			break;
	}
	if (got < 0 && fe_tconv_damage(r, o->salvage, out, err, errlen))
		goto done;
	/* The run's end closes what is still open. */
	for (uint32_t g = 0; g < c.topo.nports; g++)
		if (c.port[g].active)
			port_advance(&c, g, end_ps, 1);
	size_t *order = fe_idtab_order(&c.flows);
	if (c.flows.n && !order)
		goto nomem;
	for (size_t i = 0; i < c.flows.n; i++) {
		struct pflow *fl = fe_idtab_at(&c.flows, order[i]);
		if (fl->started)
			qp_slice(&c, fl, c.flows.ids[order[i]], end_ps, 0);
	}
	free(order);
	fe_tout_printf(&c.out, "\n],\"metadata\":{\"source\":\"pktsim trace perfetto\","
			       "\"bucket_ns\":%.3f}}\n", (double)c.bucket_ps / 1000.0);
	rc = 0;
	goto done;
nomem:
	net_fmt_err(err, errlen, "out of memory");
done:
	if (opened && fe_tout_close(&c.out, rc != 0, err, errlen))
		rc = -1;
	if (rc == 0 && log)
		fprintf(log, "%s: %" PRIu64 " events (%" PRIu64 " dependency arrows) from %" PRIu64
			" records\n", out, c.events, c.arrows, fe_trace_reader_stats(r)->records);
	fe_trace_reader_close(r);
	fe_ttopo_free(&c.topo);
	free(c.port);
	fe_idtab_free(&c.flows);
	for (size_t i = 0; i < c.colls.n; i++)
		fe_idtab_free(&((struct pcoll *)fe_idtab_at(&c.colls, i))->msgs);
	fe_idtab_free(&c.colls);
	free(def);
	return rc;
}
