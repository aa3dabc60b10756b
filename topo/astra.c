/*
 * topo/astra.c - read an ASTRA-sim network file (YAML, the analytical
 * backend's format; REFERENCE.md section 3) into struct topo_params as a
 * multi-dim fabric.
 *
 * The file gives four parallel lists, one entry per dimension: `topology`
 * (Ring | FullyConnected | Switch), `npus_count` (NPUs along the dimension),
 * `bandwidth` (GB/s per link, GB = 2^30 bytes: ASTRA-sim's convention, not
 * the experiment file's decimal GB) and `latency` (ns per link). They become
 * p->md[d] with rate_bps = bandwidth x 2^30 x 8 (bits/s) and
 * delay_ps = latency x 1000 (ps).
 *
 * Numbers are read as decimal text and scaled in integers, never through a
 * double, so 12.5 GB/s is exactly 107,374,182,400 bits/s and 500.5 ns is
 * exactly 500,500 ps: every simulated time derives from these, and golden
 * traces compare them byte for byte. Top-level keys pktsim does not model
 * are reported as a warning, not an error: unlike an experiment file (where
 * an unknown key is likelier a typo), an ASTRA-sim file is written for
 * another program and may carry that program's extras.
 */
#include "topo/astra.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "net/engine.h"
#include "topo/yaml_file.h"

/* 2^30 bytes/s in bits/s: one ASTRA-sim "GB/s". */
#define ASTRA_BPS_PER_GBPS (8ull << 30)

/* The same ceiling as one switch's host count: a fabric past a million NPUs
 * is far beyond what a packet-level run can simulate, and the cap keeps the
 * product of up to eight dimensions far from uint32 node ids' overflow. */
#define ASTRA_MAX_NPUS TOPO_SWITCH_MAX_HOSTS

/* Significant digits kept from a number (all of a uint64_t's). */
#define DEC_MAX_DIGITS 19
/* The largest exponent accepted; 10^38 still fits in unsigned __int128. */
#define DEC_MAX_EXP 38

enum { K_TOPOLOGY, K_NPUS, K_BANDWIDTH, K_LATENCY, NKEYS };

static const struct {
	const char *name;
	const char *example;      /* a one-dimension value, for messages */
} keys[NKEYS] = {
	[K_TOPOLOGY] = { "topology", "[Ring]" },
	[K_NPUS] = { "npus_count", "[8]" },
	[K_BANDWIDTH] = { "bandwidth", "[50]" },
	[K_LATENCY] = { "latency", "[500]" },
};

static const struct {
	const char *name;
	enum topo_dim_kind kind;
} dim_kinds[] = {
	{ "Ring", TOPO_DIM_RING },
	{ "FullyConnected", TOPO_DIM_FC },
	{ "Switch", TOPO_DIM_SWITCH },
	/* The experiment file's spellings, for convenience. */
	{ "ring", TOPO_DIM_RING },
	{ "fully-connected", TOPO_DIM_FC },
	{ "switch", TOPO_DIM_SWITCH },
};
#define NDIM_KINDS (sizeof(dim_kinds) / sizeof(dim_kinds[0]))

struct actx {
	const char *path;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
};

/* ---- messages ---------------------------------------------------------- */

static int node_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

/* "PATH:LINE: KEY: message"; line 0 leaves the line out, a NULL key the
 * key. Returns NET_ERR_INVAL. */
static int __attribute__((format(printf, 5, 6)))
fail_at(struct actx *c, int line, const char *key, int rc, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->err || c->errlen == 0)
		return rc;
	if (line > 0)
		n = snprintf(c->err, c->errlen, "%s:%d: ", c->path, line);
	else
		n = snprintf(c->err, c->errlen, "%s: ", c->path);
	if (n >= 0 && (size_t)n < c->errlen && key)
		n += snprintf(c->err + n, c->errlen - (size_t)n, "%s: ", key);
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return rc;
}

#define FAIL(c, node, key, ...) fail_at(c, node_line(node), key, NET_ERR_INVAL, __VA_ARGS__)

/* ---- numbers ----------------------------------------------------------- */

/* A number from the file: sig x 10^exp10, negated when neg. */
struct dec {
	uint64_t sig;
	int exp10;
	bool neg;
};

/*
 * Decimal text as YAML writes numbers: an optional sign, digits with at most
 * one '.', an optional exponent ("50", "12.5", "-3", "1e3", ".5"). Returns
 * false for anything else (including .inf and .nan: no link has those).
 */
static bool dec_parse(const char *s, struct dec *d)
{
	int ndig = 0;
	bool any = false, dot = false;

	memset(d, 0, sizeof(*d));
	if (*s == '+' || *s == '-')
		d->neg = *s++ == '-';
	for (;; s++) {
		if (*s == '.' && !dot) {
			dot = true;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			break;
		any = true;
		unsigned v = (unsigned)(*s - '0');
		if (d->sig == 0 && v == 0) {
			/* A leading zero adds no digit; after the point it
			 * still shifts the scale. */
			d->exp10 -= dot;
		} else if (ndig < DEC_MAX_DIGITS) {
			d->sig = d->sig * 10 + v;
			ndig++;
			d->exp10 -= dot;
		} else if (v != 0) {
			return false;     /* more precision than any link needs */
		} else {
			d->exp10 += !dot;
		}
	}
	if (!any)
		return false;
	if (*s == 'e' || *s == 'E') {
		bool eneg = false;
		int e = 0;
		s++;
		if (*s == '+' || *s == '-')
			eneg = *s++ == '-';
		if (!isdigit((unsigned char)*s))
			return false;
		for (; isdigit((unsigned char)*s); s++)
			if (e < 1000)
				e = e * 10 + (*s - '0');
		d->exp10 += eneg ? -e : e;
	}
	return *s == '\0';
}

enum scale_result { SCALE_EXACT, SCALE_ROUNDED, SCALE_TOO_LARGE };

/*
 * *out = |d| x factor, rounded to the nearest integer (halves up), at most
 * max. sig < 2^64 and factor <= 2^33, so sig x factor and every step below
 * fit in 128 bits: multiplying by 10 only happens while the value is <= max
 * (< 2^64), and 10^DEC_MAX_EXP < 2^127.
 */
static enum scale_result dec_scale(const struct dec *d, uint64_t factor, uint64_t max,
				   uint64_t *out)
{
	unsigned __int128 v = (unsigned __int128)d->sig * factor;
	bool rounded = false;
	int e = d->exp10;

	if (v == 0) {
		*out = 0;
		return SCALE_EXACT;
	}
	for (; e > 0; e--) {
		if (v > max)
			return SCALE_TOO_LARGE;
		v *= 10;
	}
	if (e < -DEC_MAX_EXP) {
		/* v < 2^97 < 10^30: far below one half of the unit. */
		*out = 0;
		return SCALE_ROUNDED;
	}
	if (e < 0) {
		unsigned __int128 den = 1;
		for (; e < 0; e++)
			den *= 10;
		unsigned __int128 q = v / den, r = v % den;
		rounded = r != 0;
		/* r < den <= 10^38, so 2r < 2^128. */
		v = q + (2 * r >= den);
	}
	if (v > max)
		return SCALE_TOO_LARGE;
	*out = (uint64_t)v;
	return rounded ? SCALE_ROUNDED : SCALE_EXACT;
}

/* ---- the lists --------------------------------------------------------- */

static const char *item_scalar(struct actx *c, const yaml_node_t *n, const char *key)
{
	char why[64];
	const char *s = yaml_scalar_text(n, why, sizeof(why));
	if (!s)
		FAIL(c, n, key, "%s", why);
	return s;
}

/* A number item, or an error naming what the list holds. */
static int item_number(struct actx *c, const yaml_node_t *n, const char *key, const char *what,
		       struct dec *d, const char **text)
{
	const char *s = item_scalar(c, n, key);

	if (!s)
		return NET_ERR_INVAL;
	if (!dec_parse(s, d))
		return FAIL(c, n, key, "\"%.40s\": expected %s", s, what);
	*text = s;
	return 0;
}

static int read_kind(struct actx *c, const yaml_node_t *n, const char *key,
		     struct topo_dim *dim)
{
	const char *s = item_scalar(c, n, key);

	if (!s)
		return NET_ERR_INVAL;
	for (size_t i = 0; i < NDIM_KINDS; i++)
		if (!strcmp(s, dim_kinds[i].name)) {
			dim->kind = dim_kinds[i].kind;
			return 0;
		}
	return FAIL(c, n, key, "unknown dimension kind \"%.40s\" (expected Ring, FullyConnected "
		    "or Switch)", s);
}

static int read_npus(struct actx *c, const yaml_node_t *n, const char *key,
		     struct topo_dim *dim)
{
	struct dec d;
	uint64_t v;
	const char *s;

	if (item_number(c, n, key, "a whole number of NPUs, like 8", &d, &s) < 0)
		return NET_ERR_INVAL;
	if (d.neg || d.sig == 0)
		return FAIL(c, n, key, "must be at least 1 NPU (got \"%.40s\")", s);
	enum scale_result r = dec_scale(&d, 1, ASTRA_MAX_NPUS, &v);
	if (r == SCALE_ROUNDED)
		return FAIL(c, n, key, "\"%.40s\": expected a whole number of NPUs, like 8", s);
	if (r == SCALE_TOO_LARGE)
		return FAIL(c, n, key, "\"%.40s\": too many NPUs (at most %u)", s,
			    (unsigned)ASTRA_MAX_NPUS);
	dim->npus = (uint32_t)v;
	return 0;
}

static int read_bandwidth(struct actx *c, const yaml_node_t *n, const char *key,
			  struct topo_dim *dim)
{
	struct dec d;
	uint64_t bps;
	const char *s;

	if (item_number(c, n, key, "a bandwidth in GB/s (GB = 2^30 bytes), like 50", &d, &s) < 0)
		return NET_ERR_INVAL;
	if (d.neg || d.sig == 0)
		return FAIL(c, n, key, "must be positive (got \"%.40s\"; GB/s per link)", s);
	/* Exact whenever bandwidth x 2^33 is whole, i.e. the value is a
	 * multiple of 2^-33 (50, 12.5, 0.25, 3.125). Otherwise (0.1) it is
	 * rounded to the nearest bit/s: off by at most half a bit per second,
	 * which no run at link rates can observe. */
	enum scale_result r = dec_scale(&d, ASTRA_BPS_PER_GBPS, UINT64_MAX, &bps);
	if (r == SCALE_TOO_LARGE)
		return FAIL(c, n, key, "\"%.40s\": too large (at most %llu bits/s)", s,
			    (unsigned long long)UINT64_MAX);
	if (bps == 0)
		return FAIL(c, n, key, "\"%.40s\" GB/s is below 1 bit/s", s);
	dim->link.rate_bps = bps;
	return 0;
}

static int read_latency(struct actx *c, const yaml_node_t *n, const char *key,
			struct topo_dim *dim)
{
	struct dec d;
	uint64_t ps;
	const char *s;

	if (item_number(c, n, key, "a latency in ns, like 500", &d, &s) < 0)
		return NET_ERR_INVAL;
	if (d.neg && d.sig != 0)
		return FAIL(c, n, key, "must not be negative (got \"%.40s\"; ns per link)", s);
	/* Up to three decimals are exact (500.5 ns = 500,500 ps); a finer
	 * fraction is rounded to the nearest ps, the engine's tick. */
	if (dec_scale(&d, NET_PS_PER_NS, TOPO_MAX_DELAY_PS, &ps) == SCALE_TOO_LARGE)
		return FAIL(c, n, key, "\"%.40s\": too large (at most %llu ns)", s,
			    (unsigned long long)(TOPO_MAX_DELAY_PS / NET_PS_PER_NS));
	dim->link.delay_ps = ps;
	return 0;
}

typedef int (*read_item_fn)(struct actx *c, const yaml_node_t *n, const char *key,
			    struct topo_dim *dim);

static const read_item_fn readers[NKEYS] = {
	[K_TOPOLOGY] = read_kind,
	[K_NPUS] = read_npus,
	[K_BANDWIDTH] = read_bandwidth,
	[K_LATENCY] = read_latency,
};

/* ---- the document ------------------------------------------------------ */

static int known_key(const char *name)
{
	for (int k = 0; k < NKEYS; k++)
		if (!strcmp(keys[k].name, name))
			return k;
	return -1;
}

/* Append ", name" (or "name" first) to the warning, as far as it fits. */
static void warn_add(char *warn, size_t warnlen, size_t *off, const char *name, bool first)
{
	if (!warn || *off >= warnlen)
		return;
	int n = snprintf(warn + *off, warnlen - *off, "%s%s", first ? "" : ", ", name);
	if (n > 0)
		*off += (size_t)n;
}

/*
 * Check the top-level keys (names, each once), find the four lists in
 * lists[] and list the other keys in warn.
 */
static int scan_keys(struct actx *c, const yaml_node_t *root, yaml_node_t *lists[NKEYS],
		     char *warn, size_t warnlen)
{
	size_t off = 0;
	bool any = false;

	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		if (k->type != YAML_SCALAR_NODE)
			return FAIL(c, k, NULL, "keys must be names, found %s", yaml_node_kind(k));
		const char *name = (const char *)k->data.scalar.value;
		for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *kq = yaml_document_get_node(c->doc, q->key);
			if (kq->type == YAML_SCALAR_NODE &&
			    !strcmp((const char *)kq->data.scalar.value, name))
				return FAIL(c, k, name, "given twice (first on line %d)",
					    node_line(kq));
		}
		int id = known_key(name);
		if (id >= 0) {
			lists[id] = yaml_document_get_node(c->doc, p->value);
			continue;
		}
		if (!any && warn && warnlen) {
			int n = snprintf(warn, warnlen, "%s: keys not modelled by pktsim: ", c->path);
			off = n > 0 ? (size_t)n : warnlen;
		}
		warn_add(warn, warnlen, &off, name, !any);
		any = true;
	}
	return 0;
}

static int load_root(struct actx *c, const yaml_node_t *root, struct topo_params *p,
		     char *warn, size_t warnlen)
{
	yaml_node_t *lists[NKEYS] = { NULL };
	struct topo_dim md[TOPO_MAX_DIMS];
	char key[48];
	size_t n = 0;

	if (root->type != YAML_MAPPING_NODE)
		return FAIL(c, root, NULL, "expected a map with keys topology, npus_count, "
			    "bandwidth, latency, found %s", yaml_node_kind(root));
	if (scan_keys(c, root, lists, warn, warnlen) < 0)
		return NET_ERR_INVAL;
	for (int k = 0; k < NKEYS; k++) {
		const yaml_node_t *l = lists[k];
		if (!l)
			return FAIL(c, root, keys[k].name, "missing (expected a list with one entry "
				    "per dimension, like %s: %s)", keys[k].name, keys[k].example);
		if (l->type != YAML_SEQUENCE_NODE)
			return FAIL(c, l, keys[k].name, "expected a list with one entry per "
				    "dimension, like %s: %s, found %s", keys[k].name,
				    keys[k].example, yaml_node_kind(l));
		size_t len = (size_t)(l->data.sequence.items.top - l->data.sequence.items.start);
		if (k == K_TOPOLOGY) {
			if (len < 1 || len > TOPO_MAX_DIMS)
				return FAIL(c, l, keys[k].name, "expected 1 to %d dimensions, found "
					    "%zu", TOPO_MAX_DIMS, len);
			n = len;
		} else if (len != n) {
			return FAIL(c, l, keys[k].name, "%s has %zu entr%s but topology has %zu",
				    keys[k].name, len, len == 1 ? "y" : "ies", n);
		}
	}

	memset(md, 0, sizeof(md));
	for (int k = 0; k < NKEYS; k++) {
		for (size_t d = 0; d < n; d++) {
			yaml_node_t *item = yaml_document_get_node(
				c->doc, lists[k]->data.sequence.items.start[d]);
			snprintf(key, sizeof(key), "%s[%zu]", keys[k].name, d);
			if (readers[k](c, item, key, &md[d]) < 0)
				return NET_ERR_INVAL;
		}
	}

	/* Each dimension is at most ASTRA_MAX_NPUS, so the running product
	 * stays below 2^40 before the check stops it. */
	uint64_t total = 1;
	for (size_t d = 0; d < n; d++) {
		total *= md[d].npus;
		if (total > ASTRA_MAX_NPUS)
			return FAIL(c, lists[K_NPUS], keys[K_NPUS].name, "more than %u NPUs in all",
				    (unsigned)ASTRA_MAX_NPUS);
	}
	if (total < 2)
		return FAIL(c, lists[K_NPUS], keys[K_NPUS].name,
			    "1 NPU in all; a fabric needs at least 2");

	p->kind = "multi-dim";
	p->nmd = (uint32_t)n;
	memcpy(p->md, md, sizeof(md));
	return 0;
}

int topo_load_astra(const char *path, struct topo_params *p, char *err, size_t errlen,
		    char *warn, size_t warnlen)
{
	struct actx c = { .path = path, .err = err, .errlen = errlen };
	yaml_document_t doc;
	int rc;

	if (warn && warnlen)
		warn[0] = '\0';
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail_at(&c, 0, NULL, NET_ERR_IO, "cannot open: %s", strerror(errno));
	rc = yaml_file_load(f, path, "a network file", &doc, err, errlen);
	fclose(f);
	if (rc)
		return rc;
	c.doc = &doc;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root)
		rc = fail_at(&c, 0, NULL, NET_ERR_INVAL, "empty file (expected a map with keys "
			     "topology, npus_count, bandwidth, latency)");
	else
		rc = load_root(&c, root, p, warn, warnlen);
	/* A failed load reports no warning: the error is what matters. */
	if (rc < 0 && warn && warnlen)
		warn[0] = '\0';
	yaml_document_delete(&doc);
	return rc;
}
