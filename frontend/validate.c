/*
 * frontend/validate.c - `pktsim validate`: sweep the sizes (and optionally
 * the algorithms) of an experiment's collectives, run each point at packet
 * level, and write the packet-level time beside the analytical models as CSV
 * and as an SVG plot of the error against size.
 *
 * Every point is a fresh simulation of the same experiment with the sizes
 * changed, so a point is what `pktsim run` would print for it.
 */
#include "frontend/validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectives/coll.h"
#include "frontend/coll_run.h"
#include "frontend/experiment.h"
#include "frontend/sim.h"
#include "net/units.h"

/* One collective at one size: its result (the size and algorithm are kept
 * apart, as the experiment's entry changes from point to point). */
struct point {
	uint64_t size;
	uint32_t algo;
	size_t id;
	struct fe_coll_result res;
	uint64_t no_cc_ps, bare_ps;      /* --attribute: without CC; also without PFC */
};

static int parse_sizes(const char *s, uint64_t *lo, uint64_t *hi, char *err, size_t errlen)
{
	const char *dots = strstr(s, "..");
	char a[64];
	if (!dots || (size_t)(dots - s) >= sizeof(a)) {
		snprintf(err, errlen, "--sizes: expected FROM..TO like 1KiB..1GiB, got \"%s\"", s);
		return -1;
	}
	memcpy(a, s, (size_t)(dots - s));
	a[dots - s] = '\0';
	char e[200];
	if (net_parse_size(a, lo, e, sizeof(e)) || net_parse_size(dots + 2, hi, e, sizeof(e))) {
		snprintf(err, errlen, "--sizes: %s", e);
		return -1;
	}
	if (!*lo || *lo > *hi) {
		snprintf(err, errlen, "--sizes: FROM must be positive and not above TO");
		return -1;
	}
	return 0;
}

static int parse_algos(const char *s, uint32_t *algos, size_t *n, char *err, size_t errlen)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", s);
	*n = 0;
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint32_t a;
		for (a = 0; a < COLL_NALGOS; a++)
			if (!strcmp(t, coll_algo_names[a]))
				break;
		if (a == COLL_NALGOS) {
			snprintf(err, errlen, "--algorithms: \"%s\" is not available (ring, direct, "
				 "halving-doubling, double-binary-tree)", t);
			return -1;
		}
		if (*n == COLL_NALGOS) {
			snprintf(err, errlen, "--algorithms: at most %d", COLL_NALGOS);
			return -1;
		}
		algos[(*n)++] = a;
	}
	if (!*n) {
		snprintf(err, errlen, "--algorithms: empty list");
		return -1;
	}
	return 0;
}

static double err_of(const struct point *p)
{
	return (double)p->res.time_ps / (double)p->res.astra_unaware_ps - 1;
}

static void write_csv(FILE *f, const struct point *pts, size_t n)
{
	fputs("size_bytes,algorithm,id,op,npus,time_ns,astra_unaware_ns,alpha_beta_ns,"
	      "idle_fabric_ns,error_vs_astra_unaware,headers_ns,packetization_ns,contention_ns,"
	      "busbw_GBps,astra_aware_ns,cc_ns,pfc_or_drops_ns,queueing_ns\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct point *p = &pts[i];
		const struct fe_coll_result *r = &p->res;
		double alg, bus;
		fe_coll_bandwidth(r, p->size, &alg, &bus);
		fprintf(f, "%llu,%s,%zu,%s,%u,%.3f,%.3f,%.3f,%.3f,%.6f,%.3f,%.3f,%.3f,%.3f,",
			(unsigned long long)p->size, coll_algo_names[p->algo], p->id,
			coll_op_names[r->cfg->op], r->npus, (double)r->time_ps / 1e3,
			(double)r->astra_unaware_ps / 1e3, (double)r->alpha_beta_ps / 1e3,
			(double)r->idle_ps / 1e3, err_of(p),
			((double)r->wire_model_ps - (double)r->astra_unaware_ps) / 1e3,
			((double)r->idle_ps - (double)r->wire_model_ps) / 1e3,
			((double)r->time_ps - (double)r->idle_ps) / 1e3, bus);
		if (r->astra_aware_ps)
			fprintf(f, "%.3f", (double)r->astra_aware_ps / 1e3);
		if (p->bare_ps && p->bare_ps != NET_TIME_NEVER && p->no_cc_ps != NET_TIME_NEVER)
			fprintf(f, ",%.3f,%.3f,%.3f\n",
				((double)r->time_ps - (double)p->no_cc_ps) / 1e3,
				((double)p->no_cc_ps - (double)p->bare_ps) / 1e3,
				((double)p->bare_ps - (double)r->idle_ps) / 1e3);
		else
			fputs(",,,\n", f);
	}
}

static void size_label(uint64_t b, char *out, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;
	while (b >= 1024 && !(b % 1024) && u < 4) {
		b /= 1024;
		u++;
	}
	snprintf(out, len, "%llu %s", (unsigned long long)b, unit[u]);
}

/* Error (%) against log2(size), one line per (algorithm, collective). */
static void write_svg(FILE *f, const struct point *pts, size_t n, const char *title)
{
	const double W = 760, H = 440, L = 70, R = 220, T = 40, B = 60;
	double x0 = INFINITY, x1 = -INFINITY, y0 = 0, y1 = 0;
	for (size_t i = 0; i < n; i++) {
		double x = log2((double)pts[i].size), y = 100 * err_of(&pts[i]);
		x0 = fmin(x0, x);
		x1 = fmax(x1, x);
		y0 = fmin(y0, y);
		y1 = fmax(y1, y);
	}
	if (x1 <= x0)
		x1 = x0 + 1;
	/* Round the error axis out to a step of 1, 2 or 5 x 10^k. */
	double span = y1 - y0 > 0 ? y1 - y0 : 1, mag = pow(10, floor(log10(span / 5)));
	double step = span / mag / 5 > 5 ? 10 * mag : span / mag / 5 > 2 ? 5 * mag
		      : span / mag / 5 > 1 ? 2 * mag : mag;
	y0 = floor(y0 / step) * step;
	y1 = ceil(y1 / step) * step;
	if (y1 <= y0)
		y1 = y0 + step;
#define PX(x) (L + ((x) - x0) / (x1 - x0) * (W - L - R))
#define PY(y) (H - B - ((y) - y0) / (y1 - y0) * (H - T - B))
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n", W, H);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(f, "<text x=\"%.0f\" y=\"22\" font-size=\"14\">", L);
	for (const char *c = title; *c; c++) {
		if (*c == '<')
			fputs("&lt;", f);
		else if (*c == '&')
			fputs("&amp;", f);
		else
			fputc(*c, f);
	}
	fputs("</text>\n", f);
	for (double y = y0; y <= y1 + step / 2; y += step) {
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
			L, PY(y), W - R, PY(y), fabs(y) < step / 2 ? "#888" : "#ddd");
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g%%</text>\n", L - 6,
			PY(y) + 4, y);
	}
	for (double x = ceil(x0); x <= x1; x += 1) {
		char lab[32];
		if (((long)x - (long)ceil(x0)) % (x1 - x0 > 12 ? 4 : x1 - x0 > 6 ? 2 : 1))
			continue;
		size_label((uint64_t)llround(exp2(x)), lab, sizeof(lab));
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			PX(x), (double)T, PX(x), H - B);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", PX(x),
			H - B + 18, lab);
	}
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">collective size</text>\n",
		(L + W - R) / 2, H - 16);
	fprintf(f, "<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\">"
		"error vs ASTRA-sim congestion-unaware</text>\n", (T + H - B) / 2);
	static const char *const colour[] = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd",
					      "#ff7f0e", "#8c564b" };
	/* Points come grouped by algorithm, then size, then collective id. */
	int series = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j;
		int first = 1;
		for (j = 0; j < i; j++)
			if (pts[j].algo == pts[i].algo && pts[j].id == pts[i].id)
				first = 0;
		if (!first)
			continue;
		const char *col = colour[series % 6];
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", col);
		for (j = i; j < n; j++)
			if (pts[j].algo == pts[i].algo && pts[j].id == pts[i].id)
				fprintf(f, "%.1f,%.1f ", PX(log2((double)pts[j].size)),
					PY(100 * err_of(&pts[j])));
		fputs("\"/>\n", f);
		for (j = i; j < n; j++)
			if (pts[j].algo == pts[i].algo && pts[j].id == pts[i].id)
				fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
					PX(log2((double)pts[j].size)), PY(100 * err_of(&pts[j])), col);
		double ly = T + 10 + 20 * series;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"2\"/>\n", W - R + 12, ly, W - R + 36, ly, col);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s %s", W - R + 42, ly + 4,
			coll_algo_names[pts[i].algo], coll_op_names[pts[i].res.cfg->op]);
		if (pts[n - 1].id > 0)
			fprintf(f, " #%zu", pts[i].id);
		fputs("</text>\n", f);
		series++;
	}
	fputs("</svg>\n", f);
#undef PX
#undef PY
}

/* A run of exp as it stands, finished; NULL with err set ("what: why"). */
static struct sim *run_exp(struct fe_experiment *exp, const char *what, char *err, size_t errlen)
{
	struct sim *s;
	struct sim_opts opts = { 0 };
	if (sim_create(exp, &opts, &s, err, errlen))
		return NULL;
	if (sim_post_workload(s) || sim_run(s)) {
		snprintf(err, errlen, "%s: %s", what, sim_errmsg(s));
		sim_destroy(s);
		return NULL;
	}
	return s;
}

/* The times of every collective in a run of exp as it stands (times[i],
 * NET_TIME_NEVER if it did not finish). 0, or 1 with err set. */
static int run_times(struct fe_experiment *exp, const char *path, uint64_t *times, char *err,
		     size_t errlen)
{
	struct sim *s = run_exp(exp, path, err, errlen);
	if (!s)
		return 1;
	size_t nc;
	struct fe_coll_run *const *cr = sim_colls(s, &nc);
	for (size_t i = 0; i < nc; i++)
		times[i] = fe_coll_result(cr[i])->time_ps;
	sim_destroy(s);
	return 0;
}

/*
 * --attribute: the contention of every point split by counterfactual runs
 * of the same experiment: without congestion control (cc: none), then also
 * without PFC and with a buffer no queue can fill. The differences are what
 * CC throttling and PFC pauses (or, on a lossy fabric, drops and
 * retransmissions) cost; what remains is queueing.
 */
static int attribute(struct fe_experiment *exp, const char *path, uint64_t *no_cc,
		     uint64_t *bare, char *err, size_t errlen)
{
	char cc[sizeof(exp->cc)];
	size_t ncc = exp->ncc_params;
	int pfc = exp->pfc_enabled;
	uint64_t buf = exp->buffer_bytes;
	memcpy(cc, exp->cc, sizeof(cc));
	snprintf(exp->cc, sizeof(exp->cc), "none");
	exp->ncc_params = 0;
	int rc = run_times(exp, path, no_cc, err, errlen);
	exp->pfc_enabled = 0;
	exp->buffer_bytes = 1ull << 40;
	if (!rc)
		rc = run_times(exp, path, bare, err, errlen);
	memcpy(exp->cc, cc, sizeof(cc));
	exp->ncc_params = ncc;
	exp->pfc_enabled = pfc;
	exp->buffer_bytes = buf;
	return rc;
}

int fe_validate(const char *path, const char *sizes, unsigned factor, const char *algos_s,
		int attr, const char *prefix, FILE *log, char *err, size_t errlen)
{
	uint64_t lo, hi;
	uint32_t algos[COLL_NALGOS];
	size_t nalgos = 0;
	if (parse_sizes(sizes, &lo, &hi, err, errlen))
		return 2;
	if (algos_s && parse_algos(algos_s, algos, &nalgos, err, errlen))
		return 2;
	if (factor < 2) {
		snprintf(err, errlen, "--factor: at least 2");
		return 2;
	}
	struct fe_experiment exp;
	if (fe_experiment_load(path, &exp, err, errlen))
		return 1;
	if (!exp.ncolls) {
		snprintf(err, errlen, "%s: validate needs collectives in the workload", path);
		fe_experiment_free(&exp);
		return 1;
	}
	if (!nalgos) {
		nalgos = 1;
		algos[0] = exp.colls[0].algo;
	}
	size_t npts = 0, cap = 0;
	struct point *pts = NULL;
	int rc = 0;
	for (size_t a = 0; a < nalgos && !rc; a++) {
		for (uint64_t size = lo; size <= hi && !rc; size *= factor) {
			for (size_t i = 0; i < exp.ncolls; i++) {
				exp.colls[i].size_bytes = size;
				if (algos_s)
					exp.colls[i].algo = algos[a];
			}
			char what[1100];
			snprintf(what, sizeof(what), "%s: size %llu, %s", path,
				 (unsigned long long)size, coll_algo_names[algos[a]]);
			struct sim *s = run_exp(&exp, what, err, errlen);
			if (!s) {
				rc = 1;
				break;
			}
			size_t nc;
			struct fe_coll_run *const *cr = sim_colls(s, &nc);
			for (size_t i = 0; i < nc; i++) {
				const struct fe_coll_result *r = fe_coll_result(cr[i]);
				if (r->time_ps == NET_TIME_NEVER) {
					snprintf(err, errlen, "%s: size %llu: collective %zu did not "
						 "finish", path, (unsigned long long)size, i);
					rc = 1;
					break;
				}
				if (npts == cap) {
					cap = cap ? 2 * cap : 64;
					struct point *np = realloc(pts, cap * sizeof(*pts));
					if (!np) {
						snprintf(err, errlen, "out of memory");
						rc = 1;
						break;
					}
					pts = np;
				}
				pts[npts++] = (struct point){ .size = size, .algo = r->cfg->algo,
							      .id = i, .res = *r };
				if (log)
					fprintf(log, "%12llu B %-16s #%zu  packet %14.3f us  astra "
						"%14.3f us  %+8.2f%%\n", (unsigned long long)size,
						coll_algo_names[r->cfg->algo], i, r->time_ps / 1e6,
						r->astra_unaware_ps / 1e6,
						100 * err_of(&pts[npts - 1]));
			}
			sim_destroy(s);
			if (attr && !rc) {
				uint64_t *t1 = calloc(exp.ncolls, sizeof(*t1));
				uint64_t *t2 = calloc(exp.ncolls, sizeof(*t2));
				if (!t1 || !t2) {
					snprintf(err, errlen, "out of memory");
					rc = 1;
				} else if (attribute(&exp, path, t1, t2, err, errlen)) {
					rc = 1;
				} else {
					for (size_t i = 0; i < exp.ncolls; i++) {
						struct point *pt = &pts[npts - exp.ncolls + i];
						pt->no_cc_ps = t1[i];
						pt->bare_ps = t2[i];
					}
				}
				free(t1);
				free(t2);
			}
			if (size > UINT64_MAX / factor)
				break;
		}
	}
	if (!rc) {
		char name[1024], title[1100];
		snprintf(name, sizeof(name), "%s.csv", prefix);
		FILE *f = fopen(name, "w");
		if (f) {
			write_csv(f, pts, npts);
			if (fclose(f))
				f = NULL;
		}
		if (!f) {
			snprintf(err, errlen, "%s: cannot write", name);
			rc = 1;
		}
		snprintf(name, sizeof(name), "%s.svg", prefix);
		snprintf(title, sizeof(title), "%s: %u NPUs", path, npts ? pts[0].res.npus : 0);
		if (!rc && (f = fopen(name, "w"))) {
			write_svg(f, pts, npts, title);
			if (fclose(f))
				rc = 1;
		} else {
			rc = 1;
		}
		if (rc)
			snprintf(err, errlen, "%s: cannot write", name);
		else if (log)
			fprintf(log, "wrote %s.csv and %s.svg (%zu points)\n", prefix, prefix, npts);
	}
	free(pts);
	fe_experiment_free(&exp);
	return rc;
}
