/*
 * frontend/trace_stats.c - `pktsim trace stats` (see trace_stats.h).
 *
 * The queue histogram is rebuilt exactly as net.c keeps it: the time since
 * the last change is charged to the depth that held, at every enqueue and
 * dequeue, so on a trace with every enq and tx record the percentiles equal
 * the summary's (fe_tqueue_update rebuilds the depth).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "frontend/trace_stats.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "net/engine.h"

static struct fe_fstat *flow_of(struct fe_idtab *t, uint32_t flow)
{
	int added;
	struct fe_fstat *f = fe_idtab_get(t, flow, &added);
	if (f && added)
		*f = (struct fe_fstat){ .id = flow, .start_ps = UINT64_MAX,
					.delivered_ps = UINT64_MAX, .done_ps = UINT64_MAX };
	return f;
}

/* The flows, from first-seen order into id order. */
static int flows_sorted(struct fe_tstats *st, struct fe_idtab *t)
{
	if (!t->n)
		return 0;
	size_t *o = fe_idtab_order(t);
	if (!o || !(st->flow = malloc(t->n * sizeof(*st->flow)))) {
		free(o);
		return -1;
	}
	for (size_t i = 0; i < t->n; i++)
		st->flow[i] = *(struct fe_fstat *)fe_idtab_at(t, o[i]);
	st->nflows = t->n;
	free(o);
	return 0;
}

static void q_charge(struct fe_pstat *p, uint64_t now)
{
	p->qh[net_qh_bucket(p->q.total)] += now - p->last_ps;
	p->last_ps = now;
}

static int q_update(struct fe_pstat *p, const struct fe_trace_rec *r)
{
	if (!p->qh && !(p->qh = calloc(NET_QH_BUCKETS, sizeof(*p->qh))))
		return -1;
	q_charge(p, r->t_ps);
	uint64_t now = fe_tqueue_update(&p->q, r);
	if (now > p->max_queue_bytes)
		p->max_queue_bytes = now;
	return 0;
}

/* Pauses that ran out by `now` end when they ran out. */
static void pause_expire(struct fe_pstat *p, uint64_t now)
{
	for (int c = 0; c < NET_NPRIO; c++)
		if ((p->paused >> c & 1) && p->pause_until[c] <= now) {
			p->paused &= (uint8_t)~(1u << c);
			p->paused_ps += p->pause_until[c] - p->paused_since[c];
		}
}

static void pfc_received(struct fe_pstat *p, const struct fe_trace_rec *r, uint64_t rate_bps)
{
	p->pfc_received++;
	pause_expire(p, r->t_ps);
	for (int c = 0; c < NET_NPRIO; c++) {
		if (!(r->classes >> c & 1))
			continue;
		uint8_t bit = (uint8_t)(1u << c);
		if (r->psn == 0) {
			if (p->paused & bit) {
				p->paused &= (uint8_t)~bit;
				p->paused_ps += r->t_ps - p->paused_since[c];
			}
			continue;
		}
		if (!(p->paused & bit)) {
			p->paused |= bit;
			p->paused_since[c] = r->t_ps;
		}
		/* A quantum is 512 bit times of the paused port. */
		p->pause_until[c] = r->t_ps + (rate_bps ? net_ser_ps((uint64_t)r->psn * 64, rate_bps)
							: 0);
	}
}

static int filter_has(const msgpack_object *filter, const char *kind)
{
	const msgpack_object *k = fe_trace_map_get(filter, "kinds");
	if (!k || k->type != MSGPACK_OBJECT_ARRAY)
		return 1;
	for (uint32_t i = 0; i < k->via.array.size; i++) {
		const msgpack_object *e = &k->via.array.ptr[i];
		if (e->type == MSGPACK_OBJECT_STR && e->via.str.size == strlen(kind) &&
		    !memcmp(e->via.str.ptr, kind, e->via.str.size))
			return 1;
	}
	return 0;
}

/* Queue depths are known only from a trace that kept every enq and tx
 * record of the ports: no kind, port or sampling filter on them. */
static int queues_known(const msgpack_object *hdr, const struct fe_tfilter *f)
{
	const msgpack_object *flt = fe_trace_map_get(hdr, "filter");
	const msgpack_object *o;
	if (!filter_has(flt, "enq") || !filter_has(flt, "tx"))
		return 0;
	if ((o = fe_trace_map_get(flt, "ports")) && o->type != MSGPACK_OBJECT_NIL)
		return 0;
	if ((o = fe_trace_map_get(flt, "flows")) && o->type != MSGPACK_OBJECT_NIL)
		return 0;
	if ((o = fe_trace_map_get(flt, "sample")) && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
	    o->via.u64 > 1)
		return 0;
	if ((o = fe_trace_map_get(flt, "start_ps")) && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
	    o->via.u64 > 0)
		return 0;
	return !f->flows && !f->start_ps;
}

int fe_tstats_read(const char *trace, const struct fe_tfilter *f, int salvage,
		   struct fe_tstats *st, char *err, size_t errlen)
{
	struct fe_trace_reader *r;
	struct fe_idtab flows;
	memset(st, 0, sizeof(*st));
	fe_idtab_init(&flows, sizeof(struct fe_fstat));
	if (fe_trace_reader_open(trace, &r, err, errlen))
		return -1;
	int rc = -1;
	if (fe_tconv_begin(r, trace, NULL, f, &st->topo, err, errlen))
		goto done;
	st->queues_known = queues_known(fe_trace_reader_header(r), f);
	st->port = calloc(st->topo.nports ? st->topo.nports : 1, sizeof(*st->port));
	if (!st->port)
		goto nomem;

	struct fe_trace_rec rec;
	int got;
	while ((got = fe_trace_reader_next_rec(r, &rec)) == 1) {
		if (rec.kind == NET_TR_END) {
			st->end_ps = rec.t_ps;
			st->have_end = 1;
			continue;
		}
		if (rec.t_ps > st->end_ps)
			st->end_ps = rec.t_ps;
		if (!fe_tfilter_pass(f, &rec))
			continue;
		st->records++;
		enum net_trace_family fam = net_trace_kind_family(rec.kind);
		if (fam == NET_TRF_MESSAGE) {
			struct fe_fstat *fl = flow_of(&flows, rec.flow);
			if (!fl)
				goto nomem;
			fl->seen = 1;
			fl->src = rec.src;
			fl->dst = rec.dst;
			fl->bytes = rec.bytes;
			if (rec.kind == NET_TR_MSG_START)
				fl->start_ps = rec.t_ps;
			else if (rec.kind == NET_TR_MSG_DONE)
				fl->done_ps = rec.t_ps;
			else
				fl->delivered_ps = rec.t_ps;
			continue;
		}
		if (fam != NET_TRF_PACKET || rec.port == UINT32_MAX)
			continue;
		uint32_t g = fe_ttopo_port(&st->topo, rec.node, rec.port);
		if (g == UINT32_MAX) {
			net_fmt_err(err, errlen, "%s: record index %" PRIu64 ": port %" PRIu32
				    " of node %" PRIu32 " is not in the header's topology", trace,
				    fe_trace_reader_stats(r)->records - 1, rec.port, rec.node);
			goto done;
		}
		struct fe_pstat *p = &st->port[g];
		switch (rec.kind) {
		case NET_TR_ENQ:
			if (q_update(p, &rec))
				goto nomem;
			break;
		case NET_TR_TX:
			p->tx_pkts++;
			p->tx_bytes += rec.wire_bytes;
			if (q_update(p, &rec))
				goto nomem;
			if (rec.type == NET_PKT_DATA && (rec.flags & NET_PKT_F_RETX) &&
			    rec.node == rec.src) {
				struct fe_fstat *fl = flow_of(&flows, rec.flow);
				if (!fl)
					goto nomem;
				fl->retx++;
			}
			break;
		case NET_TR_ECN:
			p->ecn_marks++;
			break;
		case NET_TR_DROP:
			p->drops++;
			break;
		case NET_TR_PFC:
			if (rec.src == rec.node) {
				if (rec.psn)
					p->pauses_sent++;
				else
					p->resumes_sent++;
			} else {
				pfc_received(p, &rec, st->topo.rate_bps[g]);
			}
			break;
		default:
			break;
		}
	}
	if (got < 0 && fe_tconv_damage(r, salvage, "the statistics", err, errlen))
		goto done;
	/* Close the books at the end of the run. */
	for (uint32_t g = 0; g < st->topo.nports; g++) {
		struct fe_pstat *p = &st->port[g];
		if (p->qh)
			q_charge(p, st->end_ps > p->last_ps ? st->end_ps : p->last_ps);
		pause_expire(p, st->end_ps);
		for (int c = 0; c < NET_NPRIO; c++)
			if (p->paused >> c & 1)
				p->paused_ps += st->end_ps - p->paused_since[c];
	}
	if (flows_sorted(st, &flows))
		goto nomem;
	rc = 0;
	goto done;
nomem:
	net_fmt_err(err, errlen, "out of memory computing statistics");
done:
	fe_idtab_free(&flows);
	fe_trace_reader_close(r);
	if (rc)
		fe_tstats_free(st);
	return rc;
}

void fe_tstats_free(struct fe_tstats *st)
{
	if (st->port)
		for (uint32_t g = 0; g < st->topo.nports; g++)
			free(st->port[g].qh);
	free(st->port);
	free(st->flow);
	fe_ttopo_free(&st->topo);
	memset(st, 0, sizeof(*st));
}

static int port_shown(const struct fe_pstat *p)
{
	return p->tx_pkts || p->pfc_received || p->pauses_sent || p->drops || p->ecn_marks;
}

struct pair {
	uint32_t src, dst;
	uint64_t bytes, flows;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return (x->dst > y->dst) - (x->dst < y->dst);
}

static void print_ports(const struct fe_tstats *st, FILE *out, int csv)
{
	const struct fe_ttopo *t = &st->topo;
	if (csv)
		fprintf(out, "node,port,peer,rate_bps,tx_packets,tx_bytes,utilization,"
			     "p50_queue_bytes,p99_queue_bytes,mean_queue_bytes,max_queue_bytes,"
			     "ecn_marks,pfc_pauses_sent,pfc_resumes_sent,pfc_received,paused_ns,"
			     "drops\n");
	else
		fprintf(out, "ports (%s):\n%8s %6s %10s %12s %7s %10s %10s %10s %7s %7s %7s "
			     "%10s %7s\n",
			st->queues_known ? "queue depths in bytes, time-weighted"
					 : "queue depths unknown: the trace lacks enq/tx records",
			"port", "to", "tx_pkts", "tx_bytes", "util", "p50_q", "p99_q", "max_q",
			"ecn", "pause", "resume", "paused_us", "drops");
	for (uint32_t n = 0; n < t->nnodes; n++)
		for (uint32_t g = t->port_off[n]; g < t->port_off[n + 1]; g++) {
			const struct fe_pstat *p = &st->port[g];
			if (!port_shown(p))
				continue;
			uint64_t ps[NET_QH_BUCKETS] = { 0 };
			if (p->qh)
				memcpy(ps, p->qh, sizeof(ps));
			double util = st->end_ps && t->rate_bps[g]
					      ? (double)p->tx_bytes * 8.0 * 1e12 /
							((double)t->rate_bps[g] * (double)st->end_ps)
					      : 0.0;
			uint64_t p50 = net_qh_percentile(ps, 0.5, p->max_queue_bytes);
			uint64_t p99 = net_qh_percentile(ps, 0.99, p->max_queue_bytes);
			uint32_t port = g - t->port_off[n];
			long long peer = t->peer_node[g] == UINT32_MAX ? -1 : (long long)t->peer_node[g];
			if (csv) {
				fprintf(out, "%" PRIu32 ",%" PRIu32 ",%lld,%" PRIu64 ",%" PRIu64 ",%" PRIu64
					",%.6f,", n, port, peer, t->rate_bps[g], p->tx_pkts, p->tx_bytes,
					util);
				if (st->queues_known)
					fprintf(out, "%" PRIu64 ",%" PRIu64 ",%.1f,%" PRIu64 ",", p50, p99,
						net_qh_mean(ps), p->max_queue_bytes);
				else
					fprintf(out, ",,,,");
				fprintf(out, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
					".%03" PRIu64 ",%" PRIu64 "\n", p->ecn_marks, p->pauses_sent,
					p->resumes_sent, p->pfc_received, p->paused_ps / 1000,
					p->paused_ps % 1000, p->drops);
				continue;
			}
			char id[32], q[3][24];
			snprintf(id, sizeof(id), "%" PRIu32 ":%" PRIu32, n, port);
			if (st->queues_known) {
				snprintf(q[0], sizeof(q[0]), "%" PRIu64, p50);
				snprintf(q[1], sizeof(q[1]), "%" PRIu64, p99);
				snprintf(q[2], sizeof(q[2]), "%" PRIu64, p->max_queue_bytes);
			} else {
				strcpy(q[0], "-");
				strcpy(q[1], "-");
				strcpy(q[2], "-");
			}
			fprintf(out, "%8s %6lld %10" PRIu64 " %12" PRIu64 " %6.1f%% %10s %10s %10s %7"
				PRIu64 " %7" PRIu64 " %7" PRIu64 " %10.3f %7" PRIu64 "\n", id, peer,
				p->tx_pkts, p->tx_bytes, 100.0 * util, q[0], q[1], q[2], p->ecn_marks,
				p->pauses_sent, p->resumes_sent, (double)p->paused_ps / 1e6, p->drops);
		}
}

static void print_flows(const struct fe_tstats *st, FILE *out, int csv)
{
	if (csv)
		fprintf(out, "flow,src,dst,size_bytes,start_ns,delivered_ns,fct_ns,throughput_gbps,"
			     "retransmits\n");
	else
		fprintf(out, "flows:\n%7s %5s %5s %12s %12s %12s %12s %10s %6s\n", "flow", "src",
			"dst", "size_B", "start_us", "delivered_us", "fct_us", "Gb/s", "retx");
	for (size_t i = 0; i < st->nflows; i++) {
		const struct fe_fstat *f = &st->flow[i];
		if (!f->seen)
			continue;
		int done = f->done_ps != UINT64_MAX && f->start_ps != UINT64_MAX;
		uint64_t fct = done ? f->done_ps - f->start_ps : 0;
		double gbps = done && fct ? (double)f->bytes * 8.0 / ((double)fct / 1e3) : 0;
		if (csv) {
			fprintf(out, "%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu64 ",", f->id, f->src,
				f->dst, f->bytes);
			if (f->start_ps != UINT64_MAX)
				fprintf(out, "%" PRIu64 ".%03" PRIu64, f->start_ps / 1000,
					f->start_ps % 1000);
			fputc(',', out);
			if (f->delivered_ps != UINT64_MAX)
				fprintf(out, "%" PRIu64 ".%03" PRIu64, f->delivered_ps / 1000,
					f->delivered_ps % 1000);
			fputc(',', out);
			if (done)
				fprintf(out, "%" PRIu64 ".%03" PRIu64 ",%.6f", fct / 1000, fct % 1000,
					gbps);
			else
				fputc(',', out);
			fprintf(out, ",%" PRIu64 "\n", f->retx);
			continue;
		}
		char s[3][32];
		uint64_t v[3] = { f->start_ps, f->delivered_ps, fct };
		for (int k = 0; k < 3; k++) {
			if ((k < 2 && v[k] == UINT64_MAX) || (k == 2 && !done))
				strcpy(s[k], "-");
			else
				snprintf(s[k], sizeof(s[k]), "%.3f", (double)v[k] / 1e6);
		}
		fprintf(out, "%7" PRIu32 " %5" PRIu32 " %5" PRIu32 " %12" PRIu64 " %12s %12s %12s %10.3f %6"
			PRIu64 "\n", f->id, f->src, f->dst, f->bytes, s[0], s[1], s[2], gbps, f->retx);
	}
}

static int print_matrix(const struct fe_tstats *st, FILE *out, int csv)
{
	size_t n = 0;
	for (size_t i = 0; i < st->nflows; i++)
		n += st->flow[i].seen;
	struct pair *pr = malloc((n ? n : 1) * sizeof(*pr));
	if (!pr)
		return -1;
	n = 0;
	for (size_t i = 0; i < st->nflows; i++)
		if (st->flow[i].seen)
			pr[n++] = (struct pair){ st->flow[i].src, st->flow[i].dst, st->flow[i].bytes, 1 };
	qsort(pr, n, sizeof(*pr), cmp_pair);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && pr[m - 1].src == pr[i].src && pr[m - 1].dst == pr[i].dst) {
			pr[m - 1].bytes += pr[i].bytes;
			pr[m - 1].flows++;
		} else {
			pr[m++] = pr[i];
		}
	}
	if (csv)
		fprintf(out, "src,dst,bytes,flows\n");
	else
		fprintf(out, "traffic matrix (message bytes per host pair):\n%5s %5s %14s %7s\n",
			"src", "dst", "bytes", "flows");
	for (size_t i = 0; i < m; i++)
		fprintf(out, csv ? "%" PRIu32 ",%" PRIu32 ",%" PRIu64 ",%" PRIu64 "\n"
				 : "%5" PRIu32 " %5" PRIu32 " %14" PRIu64 " %7" PRIu64 "\n",
			pr[i].src, pr[i].dst, pr[i].bytes, pr[i].flows);
	free(pr);
	return 0;
}

int fe_tstats_print(const struct fe_tstats *st, FILE *out, int csv, enum fe_stats_table t)
{
	if (!csv && t == FE_ST_ALL)
		fprintf(out, "run: %.3f us%s, %" PRIu64 " records\n", (double)st->end_ps / 1e6,
			st->have_end ? "" : " (no END record: the trace is incomplete)",
			st->records);
	if (t == FE_ST_ALL || t == FE_ST_PORTS)
		print_ports(st, out, csv);
	if (t == FE_ST_ALL)
		fputc('\n', out);
	if (t == FE_ST_ALL || t == FE_ST_FLOWS)
		print_flows(st, out, csv);
	if (t == FE_ST_ALL)
		fputc('\n', out);
	if ((t == FE_ST_ALL || t == FE_ST_MATRIX) && print_matrix(st, out, csv))
		return -1;
	return 0;
}
