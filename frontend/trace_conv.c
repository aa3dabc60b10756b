/*
 * frontend/trace_conv.c - shared pieces of the trace converters (see
 * trace_conv.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "frontend/trace_conv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/engine.h"
#include "net/net.h"
#include "net/units.h"

#define OUT_BUF (64u * 1024u)

static int get_u64(const msgpack_object *map, const char *key, uint64_t *v)
{
	const msgpack_object *o = fe_trace_map_get(map, key);
	if (!o || o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return -1;
	*v = o->via.u64;
	return 0;
}

void fe_ttopo_free(struct fe_ttopo *t)
{
	free(t->is_switch);
	free(t->port_off);
	free(t->peer_node);
	free(t->peer_port);
	free(t->rate_bps);
	free(t->delay_ps);
	memset(t, 0, sizeof(*t));
}

int fe_ttopo_load(const msgpack_object *hdr, struct fe_ttopo *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	const msgpack_object *nodes = fe_trace_map_get(hdr, "nodes");
	const msgpack_object *links = fe_trace_map_get(hdr, "links");
	if (!nodes || nodes->type != MSGPACK_OBJECT_ARRAY || !links ||
	    links->type != MSGPACK_OBJECT_ARRAY) {
		net_fmt_err(err, errlen, "the trace header has no nodes and links arrays");
		return -1;
	}
	uint32_t n = nodes->via.array.size;
	t->nnodes = n;
	t->is_switch = calloc(n ? n : 1, 1);
	t->port_off = calloc((size_t)n + 1, sizeof(*t->port_off));
	if (!t->is_switch || !t->port_off)
		goto nomem;
	for (uint32_t i = 0; i < n; i++) {
		const msgpack_object *nd = &nodes->via.array.ptr[i];
		uint64_t id, np;
		const msgpack_object *kind = fe_trace_map_get(nd, "kind");
		if (get_u64(nd, "id", &id) || id != i || get_u64(nd, "ports", &np) ||
		    np > 1u << 20 || !kind || kind->type != MSGPACK_OBJECT_STR) {
			net_fmt_err(err, errlen, "the trace header's node %" PRIu32
				    " is not {id: %" PRIu32 ", kind, ports}", i, i);
			goto fail;
		}
		t->is_switch[i] = kind->via.str.size == 6 && !memcmp(kind->via.str.ptr, "switch", 6);
		if (!t->is_switch[i] && t->nhosts == i)
			t->nhosts = i + 1;
		if ((uint64_t)t->port_off[i] + np > UINT32_MAX / 2) {
			net_fmt_err(err, errlen, "the trace header has too many ports");
			goto fail;
		}
		t->port_off[i + 1] = t->port_off[i] + (uint32_t)np;
	}
	uint32_t np = t->nports = t->port_off[n];
	size_t cnt = np ? np : 1;
	t->peer_node = malloc(cnt * sizeof(*t->peer_node));
	t->peer_port = malloc(cnt * sizeof(*t->peer_port));
	t->rate_bps = calloc(cnt, sizeof(*t->rate_bps));
	t->delay_ps = calloc(cnt, sizeof(*t->delay_ps));
	if (!t->peer_node || !t->peer_port || !t->rate_bps || !t->delay_ps)
		goto nomem;
	for (uint32_t i = 0; i < np; i++)
		t->peer_node[i] = t->peer_port[i] = UINT32_MAX;
	for (uint32_t i = 0; i < links->via.array.size; i++) {
		const msgpack_object *l = &links->via.array.ptr[i];
		uint64_t a, ap, b, bp, rate, delay, brate, bdelay;
		if (get_u64(l, "a", &a) || get_u64(l, "a_port", &ap) || get_u64(l, "b", &b) ||
		    get_u64(l, "b_port", &bp) || get_u64(l, "rate_bps", &rate) ||
		    get_u64(l, "delay_ps", &delay) || a >= n || b >= n) {
			net_fmt_err(err, errlen, "the trace header's link %" PRIu32 " is malformed",
				    i);
			goto fail;
		}
		if (get_u64(l, "b_rate_bps", &brate))
			brate = rate;
		if (get_u64(l, "b_delay_ps", &bdelay))
			bdelay = delay;
		uint32_t pa = fe_ttopo_port(t, (uint32_t)a, ap > UINT32_MAX ? UINT32_MAX : (uint32_t)ap);
		uint32_t pb = fe_ttopo_port(t, (uint32_t)b, bp > UINT32_MAX ? UINT32_MAX : (uint32_t)bp);
		if (pa == UINT32_MAX || pb == UINT32_MAX) {
			net_fmt_err(err, errlen, "the trace header's link %" PRIu32
				    " names a port its node does not have", i);
			goto fail;
		}
		t->peer_node[pa] = (uint32_t)b;
		t->peer_port[pa] = (uint32_t)bp;
		t->rate_bps[pa] = rate;
		t->delay_ps[pa] = delay;
		t->peer_node[pb] = (uint32_t)a;
		t->peer_port[pb] = (uint32_t)ap;
		t->rate_bps[pb] = brate;
		t->delay_ps[pb] = bdelay;
	}
	uint64_t ovh;
	t->wire_overhead_bytes = get_u64(hdr, "wire_overhead_bytes", &ovh) || ovh > 1u << 20
					 ? 0 : (uint32_t)ovh;
	return 0;
nomem:
	net_fmt_err(err, errlen, "out of memory reading the topology");
fail:
	fe_ttopo_free(t);
	return -1;
}

uint32_t fe_ttopo_node_of(const struct fe_ttopo *t, uint32_t g)
{
	uint32_t lo = 0, hi = t->nnodes;     /* the last node with port_off <= g */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (t->port_off[mid] <= g)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void fe_ttopo_node_name(const struct fe_ttopo *t, uint32_t node, char *buf, size_t len)
{
	snprintf(buf, len, "%s%" PRIu32,
		 node < t->nnodes && t->is_switch[node] ? "switch" : "host", node);
}

/* ---- filters ---- */

const char fe_tfilter_help[] =
	"      --nodes LIST   only records at these node ids (comma-separated,\n"
	"                     ranges like 0-7)\n"
	"      --flows LIST   only records of these flow ids (PFC frames pass)\n"
	"      --start TIME, --end TIME\n"
	"                     only records in this window (inclusive; 10us, 2ms)\n"
	"      --salvage      convert the records before damage in the trace\n"
	"                     (a warning says where it stopped) instead of failing\n";

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* "1,3,5-9" -> a list of ids. */
static int parse_ids(const char *opt, const char *s, uint32_t **out, size_t *n, char *err,
		     size_t errlen)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	const char *p = s;
	while (*p) {
		char *end;
		errno = 0;
		if (*p < '0' || *p > '9')
			goto bad;
		unsigned long long a = strtoull(p, &end, 10), b = a;
		if (errno || a >= UINT32_MAX)
			goto bad;
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				goto bad;
			b = strtoull(p, &end, 10);
			if (errno || b >= UINT32_MAX || b < a || b - a > (1u << 24))
				goto bad;
			p = end;
		}
		for (unsigned long long v = a; v <= b; v++) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 16;
				uint32_t *nv = realloc(*out, cap * sizeof(*nv));
				if (!nv) {
					net_fmt_err(err, errlen, "%s: out of memory", opt);
					return -1;
				}
				*out = nv;
			}
			(*out)[(*n)++] = (uint32_t)v;
		}
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	if (*n)
		return 0;
bad:
	free(*out);
	*out = NULL;
	net_fmt_err(err, errlen, "%s: expected ids like 0,3,8-15, found \"%.40s\"", opt, s);
	return -1;
}

int fe_tfilter_arg(struct fe_tfilter *f, int argc, char **argv, int *i, char *err,
		   size_t errlen)
{
	const char *a = argv[*i];
	int nodes = !strcmp(a, "--nodes"), flows = !strcmp(a, "--flows");
	int start = !strcmp(a, "--start"), end = !strcmp(a, "--end");
	if (!nodes && !flows && !start && !end)
		return 0;
	if (*i + 1 >= argc) {
		net_fmt_err(err, errlen, "%s needs a value", a);
		return -1;
	}
	const char *v = argv[++*i];
	char why[160];
	if (start || end) {
		uint64_t ps;
		if (net_parse_time(v, &ps, why, sizeof(why))) {
			net_fmt_err(err, errlen, "%s: %s", a, why);
			return -1;
		}
		if (start) {
			f->start_ps = ps;
		} else {
			f->end_ps = ps;
			f->has_end = 1;
		}
		if (f->has_end && f->start_ps > f->end_ps) {
			net_fmt_err(err, errlen, "%s: the window's start is after its end", a);
			return -1;
		}
		return 1;
	}
	uint32_t *ids;
	size_t n;
	if (parse_ids(a, v, &ids, &n, err, errlen))
		return -1;
	if (flows) {
		free(f->flows);
		qsort(ids, n, sizeof(*ids), cmp_u32);
		f->flows = ids;
		f->nflows = n;
		return 1;
	}
	uint32_t cap = 0;
	for (size_t k = 0; k < n; k++)
		if (ids[k] + 1 > cap)
			cap = ids[k] + 1;
	free(f->node_ok);
	f->node_ok = calloc(cap, 1);
	if (!f->node_ok) {
		free(ids);
		net_fmt_err(err, errlen, "%s: out of memory", a);
		return -1;
	}
	f->node_cap = cap;
	for (size_t k = 0; k < n; k++)
		f->node_ok[ids[k]] = 1;
	free(ids);
	return 1;
}

int fe_tfilter_check(const struct fe_tfilter *f, const struct fe_ttopo *t, char *err,
		     size_t errlen)
{
	for (uint32_t i = t->nnodes; i < f->node_cap; i++)
		if (f->node_ok[i]) {
			net_fmt_err(err, errlen, "--nodes: node %" PRIu32
				    " is not in the trace's topology (%" PRIu32 " nodes)", i,
				    t->nnodes);
			return -1;
		}
	return 0;
}

int fe_tfilter_pass(const struct fe_tfilter *f, const struct fe_trace_rec *r)
{
	if (r->kind == NET_TR_END)
		return 1;
	if (r->t_ps < f->start_ps || (f->has_end && r->t_ps > f->end_ps))
		return 0;
	enum net_trace_family fam = net_trace_kind_family(r->kind);
	if (f->node_ok && fam != NET_TRF_COLL &&
	    (r->node >= f->node_cap || !f->node_ok[r->node]))
		return 0;
	if (f->flows && fam != NET_TRF_COLL &&
	    !(fam == NET_TRF_PACKET && r->type == NET_PKT_PFC) && !net_trace_listed(f->flows, f->nflows, r->flow))
		return 0;
	return 1;
}

void fe_tfilter_free(struct fe_tfilter *f)
{
	free(f->node_ok);
	free(f->flows);
	memset(f, 0, sizeof(*f));
}

/* ---- output ---- */

int fe_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

void fe_idtab_init(struct fe_idtab *t, size_t size)
{
	memset(t, 0, sizeof(*t));
	t->size = size;
}

static size_t idtab_hash(uint32_t id, size_t hcap)
{
	return (size_t)((uint32_t)(id * 0x9e3779b1u) ^ (id >> 16)) & (hcap - 1);
}

void *fe_idtab_find(const struct fe_idtab *t, uint32_t id)
{
	if (!t->hcap)
		return NULL;
	for (size_t h = idtab_hash(id, t->hcap);; h = (h + 1) & (t->hcap - 1)) {
		uint32_t s = t->slot[h];
		if (!s)
			return NULL;
		if (t->ids[s - 1] == id)
			return fe_idtab_at(t, s - 1);
	}
}

static int idtab_rehash(struct fe_idtab *t, size_t hcap)
{
	uint32_t *slot = calloc(hcap, sizeof(*slot));
	if (!slot)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = idtab_hash(t->ids[i], hcap);
		while (slot[h])
			h = (h + 1) & (hcap - 1);
		slot[h] = (uint32_t)i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->hcap = hcap;
	return 0;
}

void *fe_idtab_get(struct fe_idtab *t, uint32_t id, int *added)
{
	void *v = fe_idtab_find(t, id);
	if (added)
		*added = !v;
	if (v)
		return v;
	if (t->n >= UINT32_MAX - 1)
		return NULL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		char *vals = realloc(t->vals, cap * t->size);
		if (!vals)
			return NULL;
		t->vals = vals;
		uint32_t *ids = realloc(t->ids, cap * sizeof(*ids));
		if (!ids)
			return NULL;
		t->ids = ids;
		t->cap = cap;
	}
	if (2 * (t->n + 1) > t->hcap && idtab_rehash(t, t->hcap ? 2 * t->hcap : 128))
		return NULL;
	size_t h = idtab_hash(id, t->hcap);
	while (t->slot[h])
		h = (h + 1) & (t->hcap - 1);
	t->slot[h] = (uint32_t)t->n + 1;
	t->ids[t->n] = id;
	v = fe_idtab_at(t, t->n++);
	memset(v, 0, t->size);
	return v;
}

struct id_at {
	uint32_t id, i;
};

static int cmp_id_at(const void *a, const void *b)
{
	uint32_t x = ((const struct id_at *)a)->id, y = ((const struct id_at *)b)->id;
	return (x > y) - (x < y);
}

size_t *fe_idtab_order(const struct fe_idtab *t)
{
	size_t *o = t->n ? malloc(t->n * sizeof(*o)) : NULL;
	struct id_at *p = t->n ? malloc(t->n * sizeof(*p)) : NULL;
	if (!o || !p) {
		free(o);
		free(p);
		return NULL;
	}
	for (size_t i = 0; i < t->n; i++)
		p[i] = (struct id_at){ t->ids[i], (uint32_t)i };
	qsort(p, t->n, sizeof(*p), cmp_id_at);
	for (size_t i = 0; i < t->n; i++)
		o[i] = p[i].i;
	free(p);
	return o;
}

void fe_idtab_free(struct fe_idtab *t)
{
	free(t->vals);
	free(t->ids);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

int fe_tout_open(struct fe_tout *o, const char *path, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->path = strdup(path);
	if (!o->path) {
		net_fmt_err(err, errlen, "%s: out of memory", path);
		return -1;
	}
	errno = 0;
	/* "T": zlib writes plain bytes, so one code path serves both. Level 1:
	 * a converted file is for viewing, and level 6 would take twice as long
	 * for a file a third smaller. */
	o->gz = gzopen(path, fe_ends_with(path, ".gz") ? "wb1" : "wbT");
	if (!o->gz) {
		net_fmt_err(err, errlen, "%s: cannot open for writing: %s", path,
			    strerror(errno ? errno : ENOMEM));
		free(o->path);
		o->path = NULL;
		return -1;
	}
	gzbuffer(o->gz, OUT_BUF);
	return 0;
}

static void tout_fail(struct fe_tout *o)
{
	if (o->failed)
		return;
	o->failed = 1;
	int code;
	const char *msg = gzerror(o->gz, &code);
	snprintf(o->why, sizeof(o->why), "%s",
		 code == Z_ERRNO ? strerror(errno ? errno : EIO) : msg ? msg : "zlib error");
}

void fe_tout_write(struct fe_tout *o, const void *p, size_t n)
{
	if (o->failed || !n)
		return;
	errno = 0;
	if (gzwrite(o->gz, p, (unsigned)n) != (int)n)
		tout_fail(o);
}

void fe_tout_vprintf(struct fe_tout *o, const char *fmt, va_list ap)
{
	char buf[1024];
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0) {
		va_end(again);
		return;
	}
	if ((size_t)n < sizeof(buf)) {
		va_end(again);
		fe_tout_write(o, buf, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		va_end(again);
		o->failed = 1;
		snprintf(o->why, sizeof(o->why), "out of memory");
		return;
	}
	vsnprintf(big, (size_t)n + 1, fmt, again);
	va_end(again);
	fe_tout_write(o, big, (size_t)n);
	free(big);
}

void fe_tout_printf(struct fe_tout *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fe_tout_vprintf(o, fmt, ap);
	va_end(ap);
}

int fe_tout_close(struct fe_tout *o, int discard, char *err, size_t errlen)
{
	if (!o->path)
		return 0;
	errno = 0;
	int zr = gzclose(o->gz);
	o->gz = NULL;
	if (zr != Z_OK && !o->failed) {
		o->failed = 1;
		snprintf(o->why, sizeof(o->why), "%s",
			 zr == Z_ERRNO ? strerror(errno ? errno : EIO) : "zlib error");
	}
	int rc = 0;
	if (o->failed) {
		net_fmt_err(err, errlen, "%s: write failed: %s", o->path, o->why);
		rc = -1;
	}
	/* A half-written file must not pass for a complete conversion. */
	if (o->failed || discard)
		unlink(o->path);
	free(o->path);
	o->path = NULL;
	return rc;
}

char *fe_tout_default(const char *trace, const char *ext)
{
	size_t n = strlen(trace);
	if (n > 3 && !strcmp(trace + n - 3, ".gz"))
		n -= 3;
	if (n > 6 && !strncmp(trace + n - 6, ".trace", 6))
		n -= 6;
	char *s = malloc(n + strlen(ext) + 1);
	if (!s)
		return NULL;
	memcpy(s, trace, n);
	strcpy(s + n, ext);
	return s;
}

int fe_tconv_damage(struct fe_trace_reader *r, int salvage, const char *what, char *err,
		    size_t errlen)
{
	const char *msg = fe_trace_reader_errmsg(r);
	if (!salvage) {
		net_fmt_err(err, errlen, "%s (--salvage converts the records before the damage)",
			    msg);
		return -1;
	}
	fprintf(stderr, "pktsim: warning: %s\npktsim: warning: salvaged: %s holds the %" PRIu64
		" records before the damage; the rest of the run is missing\n", msg, what,
		fe_trace_reader_stats(r)->records);
	return 0;
}

int fe_tconv_begin(struct fe_trace_reader *r, const char *trace, const char *out,
		   const struct fe_tfilter *f, struct fe_ttopo *t, char *err, size_t errlen)
{
	struct stat a, b;
	if (out && stat(trace, &a) == 0 && stat(out, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino) {
		net_fmt_err(err, errlen, "%s: the output would overwrite the trace itself", out);
		return -1;
	}
	char why[512];
	if (fe_ttopo_load(fe_trace_reader_header(r), t, why, sizeof(why)) ||
	    fe_tfilter_check(f, t, why, sizeof(why))) {
		net_fmt_err(err, errlen, "%s: %s", trace, why);
		return -1;
	}
	return 0;
}
