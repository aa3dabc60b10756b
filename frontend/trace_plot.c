/*
 * frontend/trace_plot.c - `pktsim trace plot` (see trace_plot.h).
 *
 * Time is cut into buckets of one width from the window's start; the last
 * bucket may be shorter, and its values are per its own length. Whatever a
 * bucket shows is exact for the records: a queue's deepest depth (the depth
 * held at the bucket's start counts, as the queue is rebuilt from every enq
 * and tx record since time 0 whatever the window), busy time in whole ps,
 * payload bytes split across buckets in proportion to the part of the
 * frame's arrival each holds, a rate's time-weighted mean over the part of
 * the bucket the QP was sending.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "frontend/trace_plot.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/svg.h"
#include "frontend/trace_stats.h"

struct pline {                   /* a port's queue-depth line or heat-map row */
	uint32_t g;
	uint64_t *v;                 /* [nb]: deepest queue, or ps serializing */
	struct fe_tqueue q;          /* queue lines: the depth rebuilt */
	uint64_t held;               /* the depth now */
	size_t next;                 /* first bucket the held depth has not reached */
};

struct fline {                   /* a flow's goodput and rate lines */
	uint32_t flow;
	uint32_t stat;               /* index in st.flow */
	double *bytes;               /* [nb] payload bytes arrived */
	double *rint;                /* [nb] rate x ps */
	uint64_t *rcov;              /* [nb] ps with a rate */
	uint64_t rate_bps, since;
	int on, rated;
};

struct plot {
	const struct fe_plot_opts *o;
	unsigned top, rows;          /* o's, defaults applied */
	struct fe_tstats st;
	uint64_t x0, x1, bw;
	size_t nb;
	struct pline *q, *h;         /* queue lines, heat-map rows */
	size_t nq, nq_cand, nh, nh_cand;
	struct fline *f;
	size_t nf, nf_cand;
	int32_t *qof, *hof;          /* [nports]: line / row of a port, or -1 */
	int rated;                   /* some drawn flow has a rate record */
};

/* ---- choosing what to draw ---- */

struct rank {
	uint32_t id;
	uint64_t key1, key2;
};

/* Larger keys first, then smaller ids: a stable, deterministic order. */
static int cmp_rank(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;
	if (x->key1 != y->key1)
		return x->key1 > y->key1 ? -1 : 1;
	if (x->key2 != y->key2)
		return x->key2 > y->key2 ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The ids of the top `keep` candidates, in rank order (sorted_ids: then
 * re-sorted by id); returns how many, the candidates' count in *ncand. */
static uint32_t *pick(struct rank *r, size_t n, size_t keep, int sorted_ids, size_t *nout)
{
	qsort(r, n, sizeof(*r), cmp_rank);
	size_t k = n < keep ? n : keep;
	uint32_t *ids = malloc((k ? k : 1) * sizeof(*ids));
	if (!ids)
		return NULL;
	for (size_t i = 0; i < k; i++)
		ids[i] = r[i].id;
	if (sorted_ids)
		qsort(ids, k, sizeof(*ids), cmp_u32);
	*nout = k;
	return ids;
}

/* Lines for the top `keep` ranked ports, each with its buckets; of[port]
 * set to its line. */
static int port_lines(struct plot *p, struct rank *r, size_t n, size_t keep, int sorted_ids,
		      struct pline **lines, size_t *nl, int32_t *of)
{
	size_t k;
	uint32_t *ids = pick(r, n, keep, sorted_ids, &k);
	if (!ids || !(*lines = calloc(k ? k : 1, sizeof(**lines)))) {
		free(ids);
		return -1;
	}
	for (size_t i = 0; i < k; i++) {
		struct pline *l = &(*lines)[i];
		l->g = ids[i];
		of[ids[i]] = (int32_t)i;
		if (!(l->v = calloc(p->nb, sizeof(uint64_t)))) {
			free(ids);
			return -1;
		}
		++*nl;
	}
	free(ids);
	return 0;
}

static int choose(struct plot *p)
{
	const struct fe_tstats *st = &p->st;
	uint32_t np = st->topo.nports;
	size_t nr = np > st->nflows ? np : st->nflows, n, k;
	struct rank *r = malloc((nr ? nr : 1) * sizeof(*r));
	uint32_t *ids = NULL;
	p->qof = malloc((np ? np : 1) * sizeof(*p->qof));
	p->hof = malloc((np ? np : 1) * sizeof(*p->hof));
	if (!r || !p->qof || !p->hof)
		goto nomem;
	for (uint32_t g = 0; g < np; g++)
		p->qof[g] = p->hof[g] = -1;

	/* Queues: the deepest, then the busiest. */
	n = 0;
	if (st->queues_known)
		for (uint32_t g = 0; g < np; g++)
			if (st->port[g].max_queue_bytes)
				r[n++] = (struct rank){ g, st->port[g].max_queue_bytes,
							st->port[g].tx_bytes };
	p->nq_cand = n;
	if (port_lines(p, r, n, p->top, 0, &p->q, &p->nq, p->qof))
		goto nomem;

	/* Heat-map rows: the most bytes sent, shown in port order. */
	n = 0;
	for (uint32_t g = 0; g < np; g++)
		if (st->port[g].tx_pkts)
			r[n++] = (struct rank){ g, st->port[g].tx_bytes, 0 };
	p->nh_cand = n;
	if (port_lines(p, r, n, p->rows, 1, &p->h, &p->nh, p->hof))
		goto nomem;

	/* Flows: the largest (of those --flows lists), shown in id order. */
	n = 0;
	for (size_t i = 0; i < st->nflows; i++)
		if (st->flow[i].seen && (!p->o->filter.flows ||
					 net_trace_listed(p->o->filter.flows, p->o->filter.nflows,
							  st->flow[i].id)))
			r[n++] = (struct rank){ (uint32_t)i, st->flow[i].bytes, 0 };
	p->nf_cand = n;
	if (!(ids = pick(r, n, p->top, 1, &k)) || !(p->f = calloc(k ? k : 1, sizeof(*p->f))))
		goto nomem;
	for (size_t i = 0; i < k; i++) {
		struct fline *fl = &p->f[i];
		fl->stat = ids[i];
		fl->flow = st->flow[ids[i]].id;
		if (!(fl->bytes = calloc(p->nb, sizeof(double))) ||
		    !(fl->rint = calloc(p->nb, sizeof(double))) ||
		    !(fl->rcov = calloc(p->nb, sizeof(uint64_t))))
			goto nomem;
		p->nf++;
	}
	free(ids);
	free(r);
	return 0;
nomem:
	free(ids);
	free(r);
	return -1;
}

static void plot_free(struct plot *p)
{
	for (size_t i = 0; i < p->nq; i++)
		free(p->q[i].v);
	for (size_t i = 0; i < p->nh; i++)
		free(p->h[i].v);
	for (size_t i = 0; i < p->nf; i++) {
		free(p->f[i].bytes);
		free(p->f[i].rint);
		free(p->f[i].rcov);
	}
	free(p->q);
	free(p->h);
	free(p->f);
	free(p->qof);
	free(p->hof);
	fe_tstats_free(&p->st);
}

/* ---- filling the buckets ---- */

/* Spread over [lo, hi), clipped to the window: each bucket's overlap in ps
 * onto ps[], weight x overlap / (hi - lo) onto w[]. An instant (lo == hi)
 * puts the whole weight in its bucket. */
static void spread(const struct plot *p, uint64_t lo, uint64_t hi, uint64_t *ps, double *w,
		   double weight)
{
	if (lo == hi) {
		if (w && lo >= p->x0 && lo < p->x1)
			w[(lo - p->x0) / p->bw] += weight;
		return;
	}
	double len = (double)(hi - lo);
	if (lo < p->x0)
		lo = p->x0;
	if (hi > p->x1)
		hi = p->x1;
	while (lo < hi) {
		size_t b = (lo - p->x0) / p->bw;
		uint64_t e = p->x0 + (b + 1) * p->bw;
		if (e > hi)
			e = hi;
		if (ps)
			ps[b] += e - lo;
		if (w)
			w[b] += weight * (double)(e - lo) / len;
		lo = e;
	}
}

/* The held depth reaches every bucket that starts by t (buckets clipped at
 * `upto`, exclusive). */
static void queue_hold(const struct plot *p, struct pline *l, uint64_t t)
{
	size_t upto = t >= p->x1 ? p->nb : (size_t)((t - p->x0) / p->bw) + 1;
	for (; l->next < upto; l->next++)
		if (l->v[l->next] < l->held)
			l->v[l->next] = l->held;
}

static void queue_event(const struct plot *p, struct pline *l, const struct fe_trace_rec *r)
{
	if (r->t_ps >= p->x0)
		queue_hold(p, l, r->t_ps);
	l->held = fe_tqueue_update(&l->q, r);
	if (r->t_ps >= p->x0 && r->t_ps < p->x1) {
		size_t b = (r->t_ps - p->x0) / p->bw;
		if (l->v[b] < l->held)
			l->v[b] = l->held;
	}
}

static void rate_close(const struct plot *p, struct fline *l, uint64_t t)
{
	if (l->on && t > l->since)
		spread(p, l->since, t, l->rcov, l->rint, (double)l->rate_bps * (double)(t - l->since));
}

static struct fline *find_flow(struct plot *p, uint32_t flow)
{
	size_t lo = 0, hi = p->nf;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->f[mid].flow == flow)
			return &p->f[mid];
		if (p->f[mid].flow < flow)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void take(struct plot *p, const struct fe_ttopo *t, const struct fe_trace_rec *r)
{
	enum net_trace_family fam = net_trace_kind_family(r->kind);
	struct fline *fl;
	if (fam == NET_TRF_RATE || fam == NET_TRF_MESSAGE) {
		if (!(fl = find_flow(p, r->flow)))
			return;
		if (r->kind == NET_TR_RATE) {
			rate_close(p, fl, r->t_ps);
			fl->rate_bps = r->rate_bps;
			fl->since = r->t_ps;
			fl->on = fl->rated = p->rated = 1;
		} else if (r->kind == NET_TR_MSG_DONE) {
			rate_close(p, fl, r->t_ps);
			fl->on = 0;
		}
		return;
	}
	if (fam != NET_TRF_PACKET || r->port == UINT32_MAX)
		return;
	uint32_t g = fe_ttopo_port(t, r->node, r->port);
	if (g == UINT32_MAX)
		return;
	if ((r->kind == NET_TR_ENQ || r->kind == NET_TR_TX) && p->qof[g] >= 0)
		queue_event(p, &p->q[p->qof[g]], r);
	if (r->kind == NET_TR_TX && p->hof[g] >= 0)
		spread(p, r->t_ps, r->t_ps + fe_ttopo_ser_ps(t, g, r->wire_bytes),
		       p->h[p->hof[g]].v, NULL, 0);
	if (r->kind == NET_TR_RX && r->type == NET_PKT_DATA && r->node == r->dst &&
	    (fl = find_flow(p, r->flow))) {
		/* The frame arrived over the serialization time of the peer's
		 * egress port, ending now. */
		uint32_t gp = t->peer_node[g] == UINT32_MAX
				      ? UINT32_MAX : fe_ttopo_port(t, t->peer_node[g], t->peer_port[g]);
		uint64_t ser = gp == UINT32_MAX ? 0 : fe_ttopo_ser_ps(t, gp, r->wire_bytes);
		if (ser > r->t_ps)
			ser = r->t_ps;
		spread(p, r->t_ps - ser, r->t_ps, NULL, fl->bytes, (double)r->payload_bytes);
	}
}

static int fill(struct plot *p, const char *trace, char *err, size_t errlen)
{
	struct fe_trace_reader *r;
	struct fe_ttopo t;
	struct fe_tfilter none = { 0 };
	if (fe_trace_reader_open(trace, &r, err, errlen))
		return -1;
	if (fe_tconv_begin(r, trace, NULL, &none, &t, err, errlen)) {
		fe_trace_reader_close(r);
		return -1;
	}
	struct fe_trace_rec rec;
	int got;
	while ((got = fe_trace_reader_next_rec(r, &rec)) == 1)
		if (rec.kind != NET_TR_END)
			take(p, &t, &rec);
	/* The first pass read the same records and reported any damage. */
	for (size_t i = 0; i < p->nq; i++)
		queue_hold(p, &p->q[i], p->x1);
	for (size_t i = 0; i < p->nf; i++)
		rate_close(p, &p->f[i], p->x1);
	fe_ttopo_free(&t);
	fe_trace_reader_close(r);
	return 0;
}

/* ---- writing ---- */

static void port_name(const struct fe_ttopo *t, uint32_t g, int with_peer, char *buf, size_t len)
{
	uint32_t n = fe_ttopo_node_of(t, g);
	char a[32], b[32] = "";
	fe_ttopo_node_name(t, n, a, sizeof(a));
	int peer = with_peer && t->peer_node[g] != UINT32_MAX;
	if (peer)
		fe_ttopo_node_name(t, t->peer_node[g], b, sizeof(b));
	snprintf(buf, len, "%s.p%" PRIu32 "%s%s", a, g - t->port_off[n], peer ? " -> " : "", b);
}

static void fmt_time(uint64_t ps, char *buf, size_t len)
{
	if (ps >= 1000000000 && !(ps % 1000000))
		snprintf(buf, len, "%g ms", (double)ps / 1e9);
	else if (ps >= 1000000 && !(ps % 1000))
		snprintf(buf, len, "%g us", (double)ps / 1e6);
	else if (ps >= 1000)
		snprintf(buf, len, "%g ns", (double)ps / 1e3);
	else
		snprintf(buf, len, "%" PRIu64 " ps", ps);
}

static uint64_t bucket_start(const struct plot *p, size_t b)
{
	return p->x0 + b * p->bw;
}

static uint64_t bucket_len(const struct plot *p, size_t b)
{
	uint64_t s = bucket_start(p, b), e = s + p->bw;
	return (e > p->x1 ? p->x1 : e) - s;
}

/* One output file of the plot directory, remembered so a later failure can
 * take it back. */
struct outs {
	char *path[8];
	int n;
};

static int out_open(struct fe_tout *o, struct outs *w, const char *dir, const char *name,
		    char *err, size_t errlen)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path = malloc(len);
	if (!path) {
		net_fmt_err(err, errlen, "out of memory");
		return -1;
	}
	snprintf(path, len, "%s/%s", dir, name);
	if (fe_tout_open(o, path, err, errlen)) {
		free(path);
		return -1;
	}
	w->path[w->n++] = path;
	return 0;
}

/* A plot that has nothing to show this time: older files of its name in
 * the directory would pass for this run's. */
static void out_stale(const char *dir, const char *name)
{
	static const char *const ext[] = { "svg", "csv" };
	for (int i = 0; i < 2; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext[i]);
		unlink(path);
	}
}

static void csv_time(struct fe_tout *o, uint64_t ps)
{
	fe_tout_printf(o, "%" PRIu64 ".%03" PRIu64, ps / 1000, ps % 1000);
}

/* A line chart frame for the window, x in ps. */
static void chart(struct fe_svg *s, struct fe_tout *o, const struct plot *p, double ymax,
		  double scale, const char *ylabel, const char *title)
{
	*s = (struct fe_svg){ .o = o, .w = 960, .h = 420, .l = 80, .r = 240, .t = 40, .b = 50,
			      .x0 = (double)p->x0, .x1 = (double)p->x1, .y0 = 0, .y1 = ymax };
	fe_svg_begin(s, title);
	fe_svg_value_axis(s, scale, ylabel);
	fe_svg_time_axis(s, 1);
}

/* A step line of v[0..nb) (NaN: no value), as one path. */
static void step_line(struct fe_svg *s, const struct plot *p, const double *v, const char *col)
{
	fe_tout_printf(s->o, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" d=\"", col);
	int pen = 0;
	double pv = 0;
	for (size_t b = 0; b < p->nb; b++) {
		double x = fe_svg_x(s, (double)bucket_start(p, b));
		if (isnan(v[b])) {
			if (pen)
				fe_tout_printf(s->o, "H%.1f", x);
			pen = 0;
		} else if (!pen) {
			fe_tout_printf(s->o, "%sM%.1f %.1f", b ? " " : "", x, fe_svg_y(s, v[b]));
			pen = 1;
			pv = v[b];
		} else if (v[b] != pv) {
			fe_tout_printf(s->o, "H%.1fV%.1f", x, fe_svg_y(s, v[b]));
			pv = v[b];
		}
	}
	if (pen)
		fe_tout_printf(s->o, "H%.1f", fe_svg_x(s, (double)p->x1));
	fe_tout_printf(s->o, "\"/>\n");
}

static double vmax(const double *v, size_t n, double m)
{
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]) && v[i] > m)
			m = v[i];
	return m;
}

/* Series as columns of a CSV (NaN: empty), then as lines of a chart. */
struct series {
	const char *file, *title, *ylabel;
	int decimals;                /* in the CSV */
	double scale;                /* y axis: values per label unit */
	size_t n;
	char (*name)[48];            /* CSV column */
	char (*legend)[64];
	double **v;
};

static int write_series(const struct plot *p, const struct series *sr, const char *dir,
			struct outs *w, char *err, size_t errlen)
{
	struct fe_tout o;
	char file[64];
	snprintf(file, sizeof(file), "%s.csv", sr->file);
	if (out_open(&o, w, dir, file, err, errlen))
		return -1;
	fe_tout_printf(&o, "time_ns");
	for (size_t i = 0; i < sr->n; i++)
		fe_tout_printf(&o, ",%s", sr->name[i]);
	fe_tout_printf(&o, "\n");
	for (size_t b = 0; b < p->nb; b++) {
		csv_time(&o, bucket_start(p, b));
		for (size_t i = 0; i < sr->n; i++) {
			fe_tout_printf(&o, ",");
			if (!isnan(sr->v[i][b]))
				fe_tout_printf(&o, "%.*f", sr->decimals, sr->v[i][b]);
		}
		fe_tout_printf(&o, "\n");
	}
	if (fe_tout_close(&o, 0, err, errlen))
		return -1;

	snprintf(file, sizeof(file), "%s.svg", sr->file);
	if (out_open(&o, w, dir, file, err, errlen))
		return -1;
	double ymax = 0;
	for (size_t i = 0; i < sr->n; i++)
		ymax = vmax(sr->v[i], p->nb, ymax);
	struct fe_svg s;
	chart(&s, &o, p, ymax, sr->scale, sr->ylabel, sr->title);
	for (size_t i = 0; i < sr->n; i++) {
		step_line(&s, p, sr->v[i], fe_svg_colour((unsigned)i));
		fe_svg_legend(&s, fe_svg_colour((unsigned)i), sr->legend[i]);
	}
	fe_svg_end(&s);
	return fe_tout_close(&o, 0, err, errlen);
}

static struct series *series_new(size_t n, size_t nb)
{
	struct series *sr = calloc(1, sizeof(*sr));
	if (!sr)
		return NULL;
	sr->n = n;
	sr->name = calloc(n ? n : 1, sizeof(*sr->name));
	sr->legend = calloc(n ? n : 1, sizeof(*sr->legend));
	sr->v = calloc(n ? n : 1, sizeof(*sr->v));
	int ok = sr->name && sr->legend && sr->v;
	for (size_t i = 0; ok && i < n; i++)
		ok = (sr->v[i] = malloc((nb ? nb : 1) * sizeof(double))) != NULL;
	if (!ok) {
		for (size_t i = 0; sr->v && i < n; i++)
			free(sr->v[i]);
		free(sr->name);
		free(sr->legend);
		free(sr->v);
		free(sr);
		return NULL;
	}
	return sr;
}

static void series_free(struct series *sr)
{
	if (!sr)
		return;
	for (size_t i = 0; i < sr->n; i++)
		free(sr->v[i]);
	free(sr->name);
	free(sr->legend);
	free(sr->v);
	free(sr);
}

static const char *of_how_many(size_t shown, size_t of, const char *what, char *buf, size_t len)
{
	if (shown == of)
		snprintf(buf, len, "%zu %s", shown, what);
	else
		snprintf(buf, len, "%zu of %zu %s", shown, of, what);
	return buf;
}

static int write_queues(const struct plot *p, const char *dir, struct outs *w, FILE *log,
			char *err, size_t errlen)
{
	const struct fe_ttopo *t = &p->st.topo;
	struct series *sr = series_new(p->nq, p->nb);
	if (!sr) {
		net_fmt_err(err, errlen, "out of memory");
		return -1;
	}
	double top = 0;
	for (size_t i = 0; i < p->nq; i++) {
		port_name(t, p->q[i].g, 0, sr->name[i], sizeof(sr->name[i]));
		port_name(t, p->q[i].g, 1, sr->legend[i], sizeof(sr->legend[i]));
		for (size_t b = 0; b < p->nb; b++)
			sr->v[i][b] = (double)p->q[i].v[b];
		top = vmax(sr->v[i], p->nb, top);
	}
	char bw[32], title[160], how[64];
	fmt_time(p->bw, bw, sizeof(bw));
	snprintf(title, sizeof(title), "Queue depth: the deepest in each %s, %s", bw,
		 of_how_many(p->nq, p->nq_cand, "ports with a queue", how, sizeof(how)));
	sr->file = "queues";
	sr->title = title;
	sr->decimals = 0;
	sr->scale = top >= 2e6 ? 1e6 : top >= 2e3 ? 1e3 : 1;
	sr->ylabel = top >= 2e6 ? "queue (MB)" : top >= 2e3 ? "queue (KB)" : "queue (bytes)";
	int rc = write_series(p, sr, dir, w, err, errlen);
	if (!rc)
		fprintf(log, "%s/queues.svg (and .csv): queue depth of %s\n", dir, how);
	series_free(sr);
	return rc;
}

static int write_flows(const struct plot *p, int rate, const char *dir, struct outs *w,
		       FILE *log, char *err, size_t errlen)
{
	const struct fe_tstats *st = &p->st;
	struct series *sr = series_new(p->nf, p->nb);
	if (!sr) {
		net_fmt_err(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < p->nf; i++) {
		const struct fline *l = &p->f[i];
		const struct fe_fstat *fs = &st->flow[l->stat];
		snprintf(sr->name[i], sizeof(sr->name[i]), "flow%" PRIu32, l->flow);
		snprintf(sr->legend[i], sizeof(sr->legend[i]), "flow %" PRIu32 ": %" PRIu32
			 " -> %" PRIu32, l->flow, fs->src, fs->dst);
		for (size_t b = 0; b < p->nb; b++) {
			if (rate)
				sr->v[i][b] = l->rcov[b] ? l->rint[b] / (double)l->rcov[b] / 1e9 : NAN;
			else
				sr->v[i][b] = l->bytes[b] * 8e3 / (double)bucket_len(p, b);
		}
	}
	char bw[32], title[160], how[64];
	fmt_time(p->bw, bw, sizeof(bw));
	of_how_many(p->nf, p->nf_cand, "flows", how, sizeof(how));
	if (rate)
		snprintf(title, sizeof(title), "Congestion-control rate: mean per %s, %s", bw, how);
	else
		snprintf(title, sizeof(title), "Goodput at the receiver per %s, %s", bw, how);
	sr->file = rate ? "rate" : "throughput";
	sr->title = title;
	sr->decimals = 6;
	sr->scale = 1;
	sr->ylabel = rate ? "rate (Gb/s)" : "goodput (Gb/s)";
	int rc = write_series(p, sr, dir, w, err, errlen);
	if (!rc)
		fprintf(log, "%s/%s.svg (and .csv): %s of %s\n", dir, sr->file,
			rate ? "congestion-control rate" : "goodput", how);
	series_free(sr);
	return rc;
}

#define HEAT_LEVELS 32

/* Viridis, from dark (barely used) to yellow (saturated). */
static void heat_colour(int level, char *buf, size_t len)
{
	static const unsigned char stop[5][3] = {
		{ 0x44, 0x01, 0x54 }, { 0x3b, 0x52, 0x8b }, { 0x21, 0x91, 0x8c },
		{ 0x5e, 0xc9, 0x62 }, { 0xfd, 0xe7, 0x25 },
	};
	double x = (double)(level - 1) / (HEAT_LEVELS - 1) * 4;
	int i = x >= 4 ? 3 : (int)x;
	double f = x - i;
	int c[3];
	for (int k = 0; k < 3; k++)
		c[k] = (int)lround(stop[i][k] + f * (stop[i + 1][k] - stop[i][k]));
	snprintf(buf, len, "#%02x%02x%02x", c[0], c[1], c[2]);
}

/* Level 0 is idle, 1..HEAT_LEVELS any use up to full. */
static int heat_level(double u)
{
	if (u <= 0)
		return 0;
	int l = (int)ceil(u * HEAT_LEVELS - 1e-9);
	return l < 1 ? 1 : l > HEAT_LEVELS ? HEAT_LEVELS : l;
}

static int write_heat(const struct plot *p, const char *dir, struct outs *w, FILE *log,
		      char *err, size_t errlen)
{
	const struct fe_ttopo *t = &p->st.topo;
	struct fe_tout o;
	char name[64];
	if (out_open(&o, w, dir, "utilization.csv", err, errlen))
		return -1;
	fe_tout_printf(&o, "time_ns");
	for (size_t i = 0; i < p->nh; i++) {
		port_name(t, p->h[i].g, 0, name, sizeof(name));
		fe_tout_printf(&o, ",%s", name);
	}
	fe_tout_printf(&o, "\n");
	for (size_t b = 0; b < p->nb; b++) {
		csv_time(&o, bucket_start(p, b));
		for (size_t i = 0; i < p->nh; i++)
			fe_tout_printf(&o, ",%.6f", (double)p->h[i].v[b] / (double)bucket_len(p, b));
		fe_tout_printf(&o, "\n");
	}
	if (fe_tout_close(&o, 0, err, errlen))
		return -1;

	if (out_open(&o, w, dir, "utilization.svg", err, errlen))
		return -1;
	double rh = floor(360.0 / (double)(p->nh ? p->nh : 1));
	rh = rh < 3 ? 3 : rh > 18 ? 18 : rh;
	size_t every = rh >= 11 ? 1 : (size_t)ceil(11 / rh);
	struct fe_svg s = { .o = &o, .w = 960, .l = 150, .r = 110, .t = 40, .b = 50,
			    .x0 = (double)p->x0, .x1 = (double)p->x1, .y0 = 0, .y1 = 1 };
	s.h = s.t + rh * (double)p->nh + s.b;
	char bw[32], title[160], how[64];
	fmt_time(p->bw, bw, sizeof(bw));
	of_how_many(p->nh, p->nh_cand, "ports that sent", how, sizeof(how));
	snprintf(title, sizeof(title), "Link utilization per %s: %s", bw, how);
	fe_svg_begin(&s, title);
	double xl = fe_svg_x(&s, s.x0), xr = fe_svg_x(&s, s.x1);
	for (size_t i = 0; i < p->nh; i++) {
		double y = s.t + rh * (double)i;
		fe_tout_printf(&o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			       "fill=\"#f2f2f2\"/>\n", xl, y, xr - xl, rh);
		for (size_t b = 0; b < p->nb;) {
			int lv = heat_level((double)p->h[i].v[b] / (double)bucket_len(p, b));
			size_t e = b + 1;
			while (e < p->nb &&
			       heat_level((double)p->h[i].v[e] / (double)bucket_len(p, e)) == lv)
				e++;
			if (lv) {
				char col[8];
				heat_colour(lv, col, sizeof(col));
				double xa = fe_svg_x(&s, (double)bucket_start(p, b));
				double xb = e < p->nb ? fe_svg_x(&s, (double)bucket_start(p, e)) : xr;
				fe_tout_printf(&o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
					       "height=\"%.1f\" fill=\"%s\"/>\n", xa, y, xb - xa,
					       rh, col);
			}
			b = e;
		}
		if (i % every == 0) {
			port_name(t, p->h[i].g, 1, name, sizeof(name));
			fe_svg_text(&s, s.l - 6, y + rh / 2 + 4, "end", name);
		}
	}
	fe_svg_time_axis(&s, 0);
	/* The colour scale. */
	double cx = s.w - s.r + 20, ch = 160;
	for (int lv = HEAT_LEVELS; lv >= 1; lv--) {
		char col[8];
		heat_colour(lv, col, sizeof(col));
		fe_tout_printf(&o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"%.2f\" "
			       "fill=\"%s\"/>\n", cx, s.t + ch * (HEAT_LEVELS - lv) / HEAT_LEVELS,
			       ch / HEAT_LEVELS + 0.3, col);
	}
	fe_svg_text(&s, cx + 22, s.t + 10, "start", "100%");
	fe_svg_text(&s, cx + 22, s.t + ch / 2 + 4, "start", "50%");
	fe_svg_text(&s, cx + 22, s.t + ch, "start", "> 0%");
	fe_svg_text(&s, cx, s.t + ch + 20, "start", "grey: idle");
	fe_svg_end(&s);
	if (fe_tout_close(&o, 0, err, errlen))
		return -1;
	fprintf(log, "%s/utilization.svg (and .csv): utilization of %s\n", dir, how);
	return 0;
}

/* ---- the command ---- */

static int make_dir(const char *dir, char *err, size_t errlen)
{
	struct stat sb;
	if (!stat(dir, &sb)) {
		if (S_ISDIR(sb.st_mode))
			return 0;
		net_fmt_err(err, errlen, "%s: exists and is not a directory", dir);
		return -1;
	}
	if (mkdir(dir, 0777) && errno != EEXIST) {
		net_fmt_err(err, errlen, "%s: cannot create the directory: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int fe_trace_plot(const char *trace, const struct fe_plot_opts *o, FILE *log, char *err,
		  size_t errlen)
{
	struct plot p = { .o = o, .top = o->top ? o->top : 8, .rows = o->rows ? o->rows : 64 };
	struct outs w = { .n = 0 };
	int rc = -1;
	/* The first pass sees the whole run at the listed nodes: what is
	 * busiest is judged over the run, and queues are rebuilt from time 0. */
	struct fe_tfilter nodes = { .node_ok = o->filter.node_ok, .node_cap = o->filter.node_cap };
	if (fe_tstats_read(trace, &nodes, o->salvage, &p.st, err, errlen))
		return -1;
	p.x0 = o->filter.start_ps;
	p.x1 = o->filter.has_end && o->filter.end_ps < p.st.end_ps ? o->filter.end_ps : p.st.end_ps;
	if (p.x1 <= p.x0) {
		net_fmt_err(err, errlen, "%s: nothing to plot: the run ends at %" PRIu64
			    " ps, the window is [%" PRIu64 ", %" PRIu64 "] ps", trace, p.st.end_ps,
			    p.x0, p.x1);
		goto out;
	}
	uint64_t span = p.x1 - p.x0;
	p.bw = o->bucket_ps;
	if (!p.bw) {
		p.bw = (uint64_t)llround(fe_nice((double)span / FE_PLOT_BUCKETS));
		if (!p.bw)
			p.bw = 1;
	}
	uint64_t nb = span / p.bw + (span % p.bw != 0);
	if (nb > FE_PLOT_MAX_BUCKETS) {
		net_fmt_err(err, errlen, "--bucket: %" PRIu64 " buckets over the %" PRIu64
			    " ps shown; at most %d (choose a wider bucket)", nb, span,
			    FE_PLOT_MAX_BUCKETS);
		goto out;
	}
	if (nb * p.rows > FE_PLOT_MAX_CELLS) {
		net_fmt_err(err, errlen, "%" PRIu64 " buckets x %u heat-map rows is more than %d "
			    "cells (choose a wider --bucket or fewer --rows)", nb, p.rows,
			    FE_PLOT_MAX_CELLS);
		goto out;
	}
	p.nb = (size_t)nb;
	if (choose(&p))
		goto nomem;
	if (fill(&p, trace, err, errlen))
		goto out;
	if (make_dir(o->dir, err, errlen))
		goto out;
	if (p.nq) {
		if (write_queues(&p, o->dir, &w, log, err, errlen))
			goto out;
	} else {
		out_stale(o->dir, "queues");
		fprintf(log, "no queue plot: %s\n", p.st.queues_known
				   ? "no port queued anything"
				   : "queue depths need every enq and tx record (the trace was filtered)");
	}
	if (p.nf) {
		if (write_flows(&p, 0, o->dir, &w, log, err, errlen))
			goto out;
	} else {
		out_stale(o->dir, "throughput");
		fprintf(log, "no goodput plot: the trace has no message records%s\n",
			o->filter.flows ? " of the flows asked for" : "");
	}
	if (p.rated) {
		if (write_flows(&p, 1, o->dir, &w, log, err, errlen))
			goto out;
	} else {
		out_stale(o->dir, "rate");
		if (p.nf)
			fprintf(log, "no rate plot: the trace has no rate records of these flows\n");
	}
	if (p.nh) {
		if (write_heat(&p, o->dir, &w, log, err, errlen))
			goto out;
	} else {
		out_stale(o->dir, "utilization");
		fprintf(log, "no utilization plot: the trace has no tx records\n");
	}
	rc = 0;
	goto out;
nomem:
	net_fmt_err(err, errlen, "out of memory plotting");
out:
	for (int i = 0; i < w.n; i++) {
		if (rc)
			unlink(w.path[i]);
		free(w.path[i]);
	}
	plot_free(&p);
	return rc;
}
