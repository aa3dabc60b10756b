/*
 * frontend/experiment.c - load an experiment file (YAML) into struct
 * fe_experiment, and read ns-3 HPCC flow files.
 *
 * libyaml's document API gives a tree whose every node knows its line, so
 * each error can say "FILE:LINE: key: what was expected". Numeric settings
 * are described by field tables (key, type, offset, range), in the spirit of
 * the parameter tables the CC algorithms use: one generic walker checks that
 * every key is known and not repeated, parses each value with its unit
 * (net/units.h: sizes in bytes, times in ps, rates in bits/s) and
 * range-checks it, so a new setting is one table line. Settings that are
 * not plain numbers (topology kind, cc, flows, trace) are marked F_OTHER in
 * the tables and read by their own functions afterwards. Sections are read
 * in a fixed order (fabric, topology, cc, workload, output) whatever their
 * order in the file, so flows can be checked against the host count and
 * take the fabric's data priority as their default.
 */
#include "frontend/experiment.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "collectives/coll.h"
#include "frontend/astra_system.h"
#include "net/engine.h"
#include "net/trace.h"
#include "net/units.h"
#include "topo/astra.h"
#include "topo/topo.h"
#include "topo/yaml_file.h"

/* Longest key path in a message, like "workload.flows[12345].size". */
#define KEY_MAX 128

/* Kinds that exist only as names for now: a clear "not yet" beats
 * "unknown" for a kind the design promises. */
struct ctx {
	const char *path;
	yaml_document_t *doc;
	struct fe_experiment *exp;
	char *err;
	size_t errlen;
	int flags;                /* FE_LOAD_* */
};

/* ---- error messages ---------------------------------------------------- */

static int vfail_at(char *err, size_t errlen, const char *path, int line, const char *key,
		    const char *fmt, va_list ap)
{
	int n;

	if (!err || errlen == 0)
		return -1;
	if (line > 0)
		n = snprintf(err, errlen, "%s:%d: ", path, line);
	else
		n = snprintf(err, errlen, "%s: ", path);
	if (n >= 0 && (size_t)n < errlen && key && *key)
		n += snprintf(err + n, errlen - (size_t)n, "%s: ", key);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	return -1;
}

/* "PATH:LINE: what was expected" for the line-oriented flow files; line 0
 * leaves the line out. Returns -1. */
static int __attribute__((format(printf, 5, 6)))
fail_at(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(err, errlen, path, line, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

static int node_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 1;
}

/* "PATH:LINE: KEY: message" at node n (NULL: line 1). Returns -1. */
static int __attribute__((format(printf, 4, 5)))
fail(struct ctx *c, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(c->err, c->errlen, c->path, node_line(n), key, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- tree access ------------------------------------------------------- */

static yaml_node_t *node_at(struct ctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

/* An empty value ("key:" with nothing after it): sections accept it as
 * "nothing set", so a file can keep a section whose keys are commented out. */
static bool is_null(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = (const char *)n->data.scalar.value;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

static void join(char *out, const char *parent, const char *child)
{
	if (snprintf(out, KEY_MAX, "%s%s%s", parent, *parent ? "." : "", child) >= KEY_MAX)
		memcpy(out + KEY_MAX - 4, "...", 4);
}

/* The value of `name` in map (and its key node in *keyn), or NULL. */
static yaml_node_t *map_get(struct ctx *c, const yaml_node_t *map, const char *name,
			    yaml_node_t **keyn)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node_at(c, p->key);
		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, name)) {
			if (keyn)
				*keyn = k;
			return node_at(c, p->value);
		}
	}
	return NULL;
}

/* ---- scalars: one helper per kind of value ------------------------------ */

static const char *scalar(struct ctx *c, const yaml_node_t *n, const char *key)
{
	char why[64];
	const char *s = yaml_scalar_text(n, why, sizeof(why));
	if (!s)
		fail(c, n, key, "%s", why);
	return s;
}

/* A non-empty string value, copied. */
static int get_string(struct ctx *c, const yaml_node_t *n, const char *key, char **out)
{
	const char *s = scalar(c, n, key);

	if (!s)
		return -1;
	if (!*s)
		return fail(c, n, key, "expected a non-empty value");
	*out = strdup(s);
	if (!*out)
		return fail(c, n, key, "out of memory");
	return 0;
}

/* A non-empty name into a fixed buffer. */
static int get_name(struct ctx *c, const yaml_node_t *n, const char *key, char *buf,
		    size_t size)
{
	const char *s = scalar(c, n, key);

	if (!s)
		return -1;
	if (!*s)
		return fail(c, n, key, "expected a name");
	if (strlen(s) >= size)
		return fail(c, n, key, "\"%.40s\" is too long (at most %zu characters)", s,
			    size - 1);
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

enum ftype { F_UINT, F_SIZE, F_TIME, F_RATE, F_MAP, F_OTHER };

typedef int (*parse_fn)(const char *s, uint64_t *v, char *err, size_t errlen);

static int parse_count(const char *s, uint64_t *v, char *err, size_t errlen)
{
	return net_parse_uint(s, UINT64_MAX, v, err, errlen);
}

static const struct {
	parse_fn parse;
	const char *unit;         /* for range messages */
} numeric[] = {
	[F_UINT] = { parse_count, "" },
	[F_SIZE] = { net_parse_size, " bytes" },
	[F_TIME] = { net_parse_time, " ps" },
	[F_RATE] = { net_parse_rate, " bits/s" },
};

/* A number with the unit of its type, in [min, max]. */
static int get_num(struct ctx *c, const yaml_node_t *n, const char *key, enum ftype t,
		   uint64_t min, uint64_t max, uint64_t *out)
{
	char msg[256];
	const char *s = scalar(c, n, key);
	const char *u = numeric[t].unit;
	uint64_t v;

	if (!s)
		return -1;
	if (numeric[t].parse(s, &v, msg, sizeof(msg)) < 0)
		return fail(c, n, key, "%s", msg);
	if (v >= min && v <= max) {
		*out = v;
		return 0;
	}
	if (max == UINT64_MAX && min == 1)
		return fail(c, n, key, "must be greater than 0 (got \"%s\")", s);
	if (max == UINT64_MAX)
		return fail(c, n, key, "must be at least %llu%s (got \"%s\")",
			    (unsigned long long)min, u, s);
	return fail(c, n, key, "must be %llu..%llu%s (got \"%s\")", (unsigned long long)min,
		    (unsigned long long)max, u, s);
}

/* ---- field tables ------------------------------------------------------ */

struct field {
	const char *key;
	enum ftype type;
	size_t offset, width;     /* where the value goes in the base struct */
	uint64_t min, max;
	const struct field *sub;  /* F_MAP: its keys, stored in the same base */
};

#define NUM(T, k, ty, member, lo, hi)                                                       \
	{ .key = k, .type = ty, .offset = offsetof(T, member),                             \
	  .width = sizeof(((T *)0)->member), .min = lo, .max = hi }
#define SUBMAP(k, s) { .key = k, .type = F_MAP, .sub = s }
#define OTHER(k) { .key = k, .type = F_OTHER }
#define EXP struct fe_experiment

static const struct field link_fields[] = {
	NUM(EXP, "rate", F_RATE, link_rate_bps, 1, UINT64_MAX),
	NUM(EXP, "delay", F_TIME, link_delay_ps, 0, TOPO_MAX_DELAY_PS),
	{ .key = NULL },
};

#define LINKSPEC(name, member)                                                             \
	static const struct field name[] = {                                               \
		NUM(EXP, "rate", F_RATE, member.rate_bps, 1, UINT64_MAX),                  \
		NUM(EXP, "delay", F_TIME, member.delay_ps, 0, TOPO_MAX_DELAY_PS),          \
		{ .key = NULL },                                                           \
	}
LINKSPEC(host_tier_fields, topo.host_link);
LINKSPEC(agg_tier_fields, topo.agg_link);
LINKSPEC(core_tier_fields, topo.core_link);
LINKSPEC(uplink_fields, topo.uplink);

static const struct field tier_fields[] = {
	SUBMAP("host", host_tier_fields),
	SUBMAP("agg", agg_tier_fields),
	SUBMAP("core", core_tier_fields),
	{ .key = NULL },
};

static const struct field topology_fields[] = {
	OTHER("kind"),
	NUM(EXP, "hosts", F_UINT, hosts, 1, TOPO_SWITCH_MAX_HOSTS),
	SUBMAP("link", link_fields),
	OTHER("ns3"),
	OTHER("astra"),
	OTHER("unidirectional"),
	NUM(EXP, "k", F_UINT, topo.k, 1, 256),
	SUBMAP("tiers", tier_fields),
	NUM(EXP, "leaves", F_UINT, topo.leaves, 1, 100000),
	NUM(EXP, "spines", F_UINT, topo.spines, 1, 100000),
	NUM(EXP, "hosts_per_leaf", F_UINT, topo.hosts_per_leaf, 1, 100000),
	OTHER("oversubscription"),
	SUBMAP("uplink", uplink_fields),
	OTHER("dims"),
	OTHER("npus"),
	OTHER("dim_links"),
	{ .key = NULL },
};

/* Which keys each kind takes (beyond kind), and which it requires. */
static const struct topo_kind_keys {
	const char *kind;
	const char *keys[8];
	const char *required[4];
	const char *example;
} topo_kinds[] = {
	{ "switch", { "hosts", "link" }, { "hosts" }, "{kind: switch, hosts: 8}" },
	{ "ring", { "hosts", "link", "unidirectional" }, { "hosts" }, "{kind: ring, hosts: 8}" },
	{ "fully-connected", { "hosts", "link" }, { "hosts" }, "{kind: fully-connected, hosts: 8}" },
	{ "fat-tree", { "k", "link", "tiers" }, { "k" }, "{kind: fat-tree, k: 4}" },
	{ "leaf-spine", { "leaves", "spines", "hosts_per_leaf", "link", "uplink", "oversubscription" },
	  { "leaves", "spines", "hosts_per_leaf" },
	  "{kind: leaf-spine, leaves: 4, spines: 2, hosts_per_leaf: 8}" },
	{ "torus", { "dims", "link", "dim_links" }, { "dims" }, "{kind: torus, dims: [4, 4]}" },
	{ "multi-dim", { "dims", "npus" }, { "dims" },
	  "{kind: multi-dim, dims: [{kind: ring, npus: 4, rate: 50GB/s, delay: 500ns}]}" },
};
#define NKINDS (sizeof(topo_kinds) / sizeof(topo_kinds[0]))

static const struct field header_fields[] = {
	NUM(EXP, "data", F_SIZE, hdr_data_bytes, 0, 4096),
	NUM(EXP, "ack", F_SIZE, hdr_ack_bytes, 1, 4096),
	NUM(EXP, "cnp", F_SIZE, hdr_cnp_bytes, 1, 4096),
	NUM(EXP, "wire_overhead", F_SIZE, wire_overhead_bytes, 0, 4096),
	NUM(EXP, "pfc", F_SIZE, pfc_frame_bytes, 1, 4096),
	{ .key = NULL },
};

static const struct field priority_fields[] = {
	NUM(EXP, "data", F_UINT, data_prio, 0, 7),
	NUM(EXP, "ack", F_UINT, ack_prio, 0, 7),
	{ .key = NULL },
};

static const struct field ecn_fields[] = {
	NUM(EXP, "kmin", F_SIZE, ecn_kmin_bytes, 1, UINT64_MAX),
	NUM(EXP, "kmax", F_SIZE, ecn_kmax_bytes, 1, UINT64_MAX),
	OTHER("pmax"),
	OTHER("mark"),
	OTHER("enabled"),
	OTHER("by_rate"),
	{ .key = NULL },
};

static const struct field ecn_rate_fields[] = {
	NUM(struct net_ecn_rate, "rate", F_RATE, rate_bps, 1, UINT64_MAX),
	NUM(struct net_ecn_rate, "kmin", F_SIZE, kmin_bytes, 1, UINT64_MAX),
	NUM(struct net_ecn_rate, "kmax", F_SIZE, kmax_bytes, 1, UINT64_MAX),
	OTHER("pmax"),
	{ .key = NULL },
};

static const struct field pfc_fields[] = {
	OTHER("enabled"),
	OTHER("threshold"),
	OTHER("alpha"),
	NUM(EXP, "xoff", F_SIZE, pfc_xoff_bytes, 1, UINT64_MAX),
	NUM(EXP, "resume_offset", F_SIZE, pfc_resume_offset_bytes, 0, UINT64_MAX),
	NUM(EXP, "headroom", F_SIZE, pfc_headroom_bytes, 1, UINT64_MAX),
	NUM(EXP, "quanta", F_UINT, pfc_quanta, 1, 65535),
	NUM(EXP, "deadlock_timeout", F_TIME, pfc_deadlock_timeout_ps, 0, 1000 * NET_PS_PER_S),
	OTHER("deadlock_stop"),
	{ .key = NULL },
};

static const struct field fabric_fields[] = {
	NUM(EXP, "mtu", F_SIZE, mtu_bytes, 64, 65536),
	SUBMAP("headers", header_fields),
	NUM(EXP, "buffer", F_SIZE, buffer_bytes, 1, UINT64_MAX),
	NUM(EXP, "ack_every", F_UINT, ack_every, 1, 65535),
	/* Caps (1000 s, and 10^6 s for start times) keep sums of times far from
	 * uint64 overflow; no experiment needs more. */
	NUM(EXP, "rto", F_TIME, rto_ps, 1, 1000 * NET_PS_PER_S),
	NUM(EXP, "nack_interval", F_TIME, nack_interval_ps, 0, 1000 * NET_PS_PER_S),
	SUBMAP("priority", priority_fields),
	SUBMAP("ecn", ecn_fields),
	SUBMAP("pfc", pfc_fields),
	OTHER("cc"),
	OTHER("truncate_ns"),
	{ .key = NULL },
};

static const struct field flow_fields[] = {
	NUM(struct fe_flow, "src", F_UINT, src, 0, UINT32_MAX),
	NUM(struct fe_flow, "dst", F_UINT, dst, 0, UINT32_MAX),
	NUM(struct fe_flow, "size", F_SIZE, size_bytes, 1, UINT64_MAX),
	NUM(struct fe_flow, "start", F_TIME, start_ps, 0, 1000000 * NET_PS_PER_S),
	NUM(struct fe_flow, "prio", F_UINT, prio, 0, 7),
	{ .key = NULL },
};

static const struct field workload_fields[] = {
	OTHER("flows"),
	OTHER("ns3_flows"),
	OTHER("collectives"),
	{ .key = NULL },
};

static const struct field trace_fields[] = {
	OTHER("file"),
	OTHER("kinds"),
	OTHER("nodes"),
	OTHER("ports"),
	OTHER("flows"),
	NUM(struct fe_trace_cfg, "sample", F_UINT, sample, 1, UINT32_MAX),
	NUM(struct fe_trace_cfg, "start", F_TIME, start_ps, 0, UINT64_MAX),
	NUM(struct fe_trace_cfg, "end", F_TIME, end_ps, 0, UINT64_MAX),
	{ .key = NULL },
};

static const struct field output_fields[] = {
	OTHER("trace"),
	OTHER("fct"),
	OTHER("pfc"),
	{ .key = NULL },
};

static const struct field root_fields[] = {
	OTHER("profile"),
	NUM(EXP, "seed", F_UINT, seed, 0, UINT64_MAX),
	NUM(EXP, "stop_time", F_TIME, stop_ps, 1, 1000000 * NET_PS_PER_S),
	OTHER("topology"),
	SUBMAP("fabric", fabric_fields),
	OTHER("workload"),
	OTHER("output"),
	{ .key = NULL },
};

static const struct field *find_field(const struct field *fields, const char *key)
{
	for (const struct field *f = fields; f->key; f++)
		if (!strcmp(f->key, key))
			return f;
	return NULL;
}

static void list_keys(const struct field *fields, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (const struct field *f = fields; f->key && off < len; f++) {
		int n = snprintf(buf + off, len - off, "%s%s", f == fields ? "" : ", ", f->key);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

static void store(void *base, const struct field *f, uint64_t v)
{
	char *p = (char *)base + f->offset;

	switch (f->width) {
	case 1: { uint8_t x = (uint8_t)v; memcpy(p, &x, 1); break; }
	case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
	default: memcpy(p, &v, 8); break;
	}
}

/* The largest value a field of this width holds, so a table whose max is
 * too wide cannot truncate a value silently. */
static uint64_t width_max(size_t width)
{
	return width >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * width)) - 1;
}

/*
 * n must be a map (or empty) whose keys are plain names, each given once,
 * and (unless fields is NULL) each one of fields.
 */
static int check_keys(struct ctx *c, const yaml_node_t *n, const char *path,
		      const struct field *fields)
{
	char keys[256], key[KEY_MAX];

	if (is_null(n))
		return 0;
	if (fields)
		list_keys(fields, keys, sizeof(keys));
	if (n->type != YAML_MAPPING_NODE) {
		if (fields)
			return fail(c, n, path, "expected a map with keys %s, found %s", keys,
				    yaml_node_kind(n));
		return fail(c, n, path, "expected a map, found %s", yaml_node_kind(n));
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node_at(c, p->key);
		if (k->type != YAML_SCALAR_NODE)
			return fail(c, k, path, "keys must be names, found %s", yaml_node_kind(k));
		const char *name = (const char *)k->data.scalar.value;
		join(key, path, name);
		if (fields && !find_field(fields, name))
			return fail(c, k, key, "unknown key (valid keys%s%s: %s)",
				    *path ? " in " : " at the top level", path, keys);
		for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *kq = node_at(c, q->key);
			if (kq->type == YAML_SCALAR_NODE &&
			    !strcmp((const char *)kq->data.scalar.value, name))
				return fail(c, k, key, "given twice (first on line %d)",
					    node_line(kq));
		}
	}
	return 0;
}

/* Check n's keys against fields and store every numeric one into base;
 * F_OTHER keys are left for the caller. */
static int parse_map(struct ctx *c, const yaml_node_t *n, const char *path,
		     const struct field *fields, void *base)
{
	char key[KEY_MAX];
	uint64_t v;

	if (check_keys(c, n, path, fields) < 0)
		return -1;
	if (is_null(n))
		return 0;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node_at(c, p->key), *val = node_at(c, p->value);
		const struct field *f = find_field(fields, (const char *)k->data.scalar.value);
		join(key, path, f->key);
		if (f->type == F_OTHER)
			continue;
		if (f->type == F_MAP) {
			if (parse_map(c, val, key, f->sub, base) < 0)
				return -1;
			continue;
		}
		uint64_t max = f->max < width_max(f->width) ? f->max : width_max(f->width);
		if (get_num(c, val, key, f->type, f->min, max, &v) < 0)
			return -1;
		store(base, f, v);
	}
	return 0;
}

/* The items of a list value. */
static int get_list(struct ctx *c, const yaml_node_t *n, const char *key, const char *what,
		    yaml_node_item_t **items, size_t *count)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, key, "expected a list of %s, found %s", what, yaml_node_kind(n));
	*items = n->data.sequence.items.start;
	*count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	return 0;
}

/* A path from the file, relative to the experiment's directory. */
static int get_input_path(struct ctx *c, const yaml_node_t *n, const char *key, char **out)
{
	char *rel;

	if (get_string(c, n, key, &rel) < 0)
		return -1;
	if (rel[0] == '/' || !strcmp(c->exp->dir, ".")) {
		*out = rel;
		return 0;
	}
	size_t len = strlen(c->exp->dir) + 1 + strlen(rel) + 1;
	*out = malloc(len);
	if (*out)
		snprintf(*out, len, "%s/%s", c->exp->dir, rel);
	free(rel);
	return *out ? 0 : fail(c, n, key, "out of memory");
}

/* ---- sections ---------------------------------------------------------- */

static bool is_switch(const struct fe_experiment *exp)
{
	return !strcmp(exp->topo_kind, "switch");
}

static int get_bool(struct ctx *c, const yaml_node_t *n, const char *key, int *out);
static int get_fraction(struct ctx *c, const yaml_node_t *n, const char *key, double lo,
			double hi, int lo_open, double *out);

static const struct field md_fields[] = {
	OTHER("kind"), OTHER("npus"), OTHER("rate"), OTHER("delay"), { .key = NULL },
};

/* dims: torus sizes [4, 4], or multi-dim maps {kind, npus, rate, delay}. */
static int load_dims(struct ctx *c, const yaml_node_t *dims, int multi)
{
	struct topo_params *tp = &c->exp->topo;
	if (dims->type != YAML_SEQUENCE_NODE)
		return fail(c, dims, "topology.dims", "expected a list, like %s",
			    multi ? "[{kind: ring, npus: 4}, {kind: switch, npus: 8}]" : "[4, 4]");
	size_t n = (size_t)(dims->data.sequence.items.top - dims->data.sequence.items.start);
	if (n < 1 || n > TOPO_MAX_DIMS)
		return fail(c, dims, "topology.dims", "expected 1 to %d dimensions, found %zu",
			    TOPO_MAX_DIMS, n);
	char key[KEY_MAX];
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *d = node_at(c, dims->data.sequence.items.start[i]);
		snprintf(key, sizeof(key), "topology.dims[%zu]", i);
		if (!multi) {
			uint64_t v;
			if (get_num(c, d, key, F_UINT, 1, 1000000, &v) < 0)
				return -1;
			tp->dims[i] = (uint32_t)v;
			continue;
		}
		if (d->type != YAML_MAPPING_NODE)
			return fail(c, d, key, "expected a map like {kind: ring, npus: 4, rate: 50GB/s, "
				    "delay: 500ns}, found %s", yaml_node_kind(d));
		if (check_keys(c, d, key, md_fields) < 0)
			return -1;
		struct topo_dim *md = &tp->md[i];
		char sub[KEY_MAX + 16];
		yaml_node_t *v;
		snprintf(sub, sizeof(sub), "%s.kind", key);
		const char *k = (v = map_get(c, d, "kind", NULL)) ? scalar(c, v, sub) : NULL;
		if (!v)
			return fail(c, d, key, "missing kind (ring, fully-connected or switch)");
		if (!k)
			return -1;
		if (!strcmp(k, "ring") || !strcmp(k, "Ring"))
			md->kind = TOPO_DIM_RING;
		else if (!strcmp(k, "fully-connected") || !strcmp(k, "FullyConnected"))
			md->kind = TOPO_DIM_FC;
		else if (!strcmp(k, "switch") || !strcmp(k, "Switch"))
			md->kind = TOPO_DIM_SWITCH;
		else
			return fail(c, v, sub, "unknown dimension kind \"%.40s\" (expected ring, "
				    "fully-connected or switch)", k);
		snprintf(sub, sizeof(sub), "%s.npus", key);
		uint64_t x;
		if (!(v = map_get(c, d, "npus", NULL)))
			return fail(c, d, key, "missing npus");
		if (get_num(c, v, sub, F_UINT, 1, 1000000, &x) < 0)
			return -1;
		md->npus = (uint32_t)x;
		snprintf(sub, sizeof(sub), "%s.rate", key);
		if ((v = map_get(c, d, "rate", NULL)) && get_num(c, v, sub, F_RATE, 1, UINT64_MAX, &md->link.rate_bps) < 0)
			return -1;
		snprintf(sub, sizeof(sub), "%s.delay", key);
		if ((v = map_get(c, d, "delay", NULL)) &&
		    get_num(c, v, sub, F_TIME, 0, TOPO_MAX_DELAY_PS, &md->link.delay_ps) < 0)
			return -1;
	}
	if (multi)
		tp->nmd = (uint32_t)n;
	else
		tp->ndims = (uint32_t)n;
	return 0;
}

static int load_topology(struct ctx *c, const yaml_node_t *root)
{
	struct fe_experiment *exp = c->exp;
	yaml_node_t *t = map_get(c, root, "topology", NULL);

	if (!t || is_null(t))
		return fail(c, t ? t : root, "topology",
			    "missing (expected {kind: switch, hosts: N}, {ns3: FILE} or {astra: FILE})");
	if (t->type != YAML_MAPPING_NODE)
		return fail(c, t, "topology",
			    "expected a map like {kind: switch, hosts: 2}, found %s", yaml_node_kind(t));
	if (parse_map(c, t, "topology", topology_fields, exp) < 0)
		return -1;

	yaml_node_t *kind = map_get(c, t, "kind", NULL);
	yaml_node_t *ns3 = map_get(c, t, "ns3", NULL);
	yaml_node_t *astra = map_get(c, t, "astra", NULL);
	if ((kind != NULL) + (ns3 != NULL) + (astra != NULL) > 1)
		return fail(c, t, "topology", "give one of kind, ns3 or astra");
	/* A file describes the whole fabric: nothing else may be given. */
	if (ns3 || astra) {
		const char *fk = ns3 ? "ns3" : "astra";
		for (yaml_node_pair_t *p = t->data.mapping.pairs.start; p < t->data.mapping.pairs.top; p++) {
			yaml_node_t *k = node_at(c, p->key);
			const char *name = (const char *)k->data.scalar.value;
			if (strcmp(name, fk)) {
				char key[KEY_MAX];
				join(key, "topology", name);
				return fail(c, k, key, "not used with %s (the file gives the nodes and "
					    "links)", fk);
			}
		}
		exp->topo_line = node_line(ns3 ? ns3 : astra);
		if (ns3) {
			snprintf(exp->topo_kind, sizeof(exp->topo_kind), "ns3");
			return get_input_path(c, ns3, "topology.ns3", &exp->ns3_topology);
		}
		if (get_input_path(c, astra, "topology.astra", &exp->astra_network) < 0)
			return -1;
		/* A missing file is this line's mistake; errors inside the file
		 * are reported at their own lines by the loader. */
		if (access(exp->astra_network, R_OK) != 0)
			return fail(c, astra, "topology.astra", "%s: cannot open: %s",
				    exp->astra_network, strerror(errno));
		char msg[600];
		if (topo_load_astra(exp->astra_network, &exp->topo, msg, sizeof(msg), exp->warnings,
				    sizeof(exp->warnings)) < 0) {
			snprintf(c->err, c->errlen, "%s", msg);
			return -1;
		}
		snprintf(exp->topo_kind, sizeof(exp->topo_kind), "multi-dim");
		return 0;
	}
	if (!kind)
		return fail(c, t, "topology", "missing kind (expected kind: switch, ring, "
			    "fully-connected, fat-tree, leaf-spine, torus or multi-dim; or ns3: FILE)");
	const char *s = scalar(c, kind, "topology.kind");
	if (!s)
		return -1;
	const struct topo_kind_keys *kk = NULL;
	for (size_t i = 0; i < NKINDS; i++)
		if (!strcmp(s, topo_kinds[i].kind))
			kk = &topo_kinds[i];
	if (!kk)
		return fail(c, kind, "topology.kind", "unknown topology kind \"%.40s\" (expected "
			    "switch, ring, fully-connected, fat-tree, leaf-spine, torus or multi-dim; "
			    "or ns3: FILE)", s);
	snprintf(exp->topo_kind, sizeof(exp->topo_kind), "%s", kk->kind);
	exp->topo_line = node_line(kind);

	for (yaml_node_pair_t *p = t->data.mapping.pairs.start; p < t->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node_at(c, p->key);
		const char *name = (const char *)k->data.scalar.value;
		int ok = !strcmp(name, "kind");
		for (int i = 0; i < 8 && kk->keys[i] && !ok; i++)
			ok = !strcmp(name, kk->keys[i]);
		if (!ok) {
			char key[KEY_MAX];
			join(key, "topology", name);
			return fail(c, k, key, "not used by kind %s (like %s)", kk->kind, kk->example);
		}
	}
	for (int i = 0; i < 4 && kk->required[i]; i++)
		if (!map_get(c, t, kk->required[i], NULL)) {
			char key[KEY_MAX];
			join(key, "topology", kk->required[i]);
			return fail(c, t, key, "required for kind %s (like %s)", kk->kind, kk->example);
		}
	yaml_node_t *v;
	if ((v = map_get(c, t, "unidirectional", NULL)) &&
	    get_bool(c, v, "topology.unidirectional", &exp->topo.unidirectional) < 0)
		return -1;
	if ((v = map_get(c, t, "oversubscription", NULL)) &&
	    get_fraction(c, v, "topology.oversubscription", 0, 1000, 1, &exp->topo.oversubscription) < 0)
		return -1;
	if ((v = map_get(c, t, "dims", NULL)) && load_dims(c, v, !strcmp(kk->kind, "multi-dim")) < 0)
		return -1;
	/* torus: a link class per dimension, [{rate, delay}, ...], one per dim. */
	if ((v = map_get(c, t, "dim_links", NULL))) {
		if (v->type != YAML_SEQUENCE_NODE)
			return fail(c, v, "topology.dim_links", "expected a list like [{rate: 100Gbps}, "
				    "{rate: 50Gbps, delay: 2us}], one per dimension");
		size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
		if (n != exp->topo.ndims)
			return fail(c, v, "topology.dim_links", "has %zu entries but dims has %u", n,
				    exp->topo.ndims);
		for (size_t i = 0; i < n; i++) {
			yaml_node_t *d = node_at(c, v->data.sequence.items.start[i]);
			char key[KEY_MAX], sub[KEY_MAX + 8];
			yaml_node_t *x;
			snprintf(key, sizeof(key), "topology.dim_links[%zu]", i);
			if (check_keys(c, d, key, link_fields) < 0)
				return -1;
			snprintf(sub, sizeof(sub), "%s.rate", key);
			if ((x = map_get(c, d, "rate", NULL)) &&
			    get_num(c, x, sub, F_RATE, 1, UINT64_MAX, &exp->topo.dim_link[i].rate_bps) < 0)
				return -1;
			snprintf(sub, sizeof(sub), "%s.delay", key);
			if ((x = map_get(c, d, "delay", NULL)) &&
			    get_num(c, x, sub, F_TIME, 0, TOPO_MAX_DELAY_PS, &exp->topo.dim_link[i].delay_ps) < 0)
				return -1;
			if (!exp->topo.dim_link[i].rate_bps)
				return fail(c, d, key, "needs a rate (a delay alone would be ignored)");
		}
	}
	/* multi-dim may state the total, as ASTRA-sim workloads do: it must be
	 * the product of the dimensions. */
	if ((v = map_get(c, t, "npus", NULL))) {
		uint64_t total, prod = 1;
		if (get_num(c, v, "topology.npus", F_UINT, 1, 1000000, &total) < 0)
			return -1;
		for (uint32_t i = 0; i < exp->topo.nmd; i++)
			prod *= exp->topo.md[i].npus;
		if (total != prod)
			return fail(c, v, "topology.npus", "%llu does not equal the product of the "
				    "dimensions' npus (%llu)", (unsigned long long)total,
				    (unsigned long long)prod);
	}
	return 0;
}

/* true/false (also yes/no, on/off). */
static int get_bool(struct ctx *c, const yaml_node_t *n, const char *key, int *out)
{
	const char *s = scalar(c, n, key);
	if (!s)
		return -1;
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
		*out = 1;
	else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
		*out = 0;
	else
		return fail(c, n, key, "expected true or false, found \"%s\"", s);
	return 0;
}

/* A plain number in [lo, hi] (or (lo, hi] when lo_open). */
static int get_fraction(struct ctx *c, const yaml_node_t *n, const char *key, double lo,
			double hi, int lo_open, double *out)
{
	const char *s = scalar(c, n, key);
	char msg[200];
	if (!s)
		return -1;
	if (net_parse_double(s, out, msg, sizeof(msg)) < 0)
		return fail(c, n, key, "%s", msg);
	if (!((lo_open ? *out > lo : *out >= lo) && *out <= hi))
		return fail(c, n, key, "must be in %c%g, %g] (got \"%s\")", lo_open ? '(' : '[', lo,
			    hi, s);
	return 0;
}

/* One of two words: *out = 1 for `one`, 0 for `zero`. */
static int get_either(struct ctx *c, const yaml_node_t *n, const char *key, const char *one,
		      const char *zero, int *out)
{
	const char *s = scalar(c, n, key);
	if (!s)
		return -1;
	if (!strcmp(s, one))
		*out = 1;
	else if (!strcmp(s, zero))
		*out = 0;
	else
		return fail(c, n, key, "expected %s or %s, found \"%s\"", one, zero, s);
	return 0;
}

/* ecn: {enabled, kmin, kmax, pmax, mark}; the numeric keys are read by the
 * field table, the rest here. Kmin and Kmax are given together or not at all
 * (then both scale with each port's rate). */
static int load_ecn(struct ctx *c, const yaml_node_t *fabric)
{
	struct fe_experiment *exp = c->exp;
	yaml_node_t *n = fabric ? map_get(c, fabric, "ecn", NULL) : NULL;
	yaml_node_t *v;
	if (!n)
		return 0;
	exp->ecn_line = node_line(n);
	if ((v = map_get(c, n, "enabled", NULL)) &&
	    get_bool(c, v, "fabric.ecn.enabled", &exp->ecn_enabled) < 0)
		return -1;
	if ((v = map_get(c, n, "pmax", NULL)) &&
	    get_fraction(c, v, "fabric.ecn.pmax", 0, 1, 0, &exp->ecn_pmax) < 0)
		return -1;
	if ((v = map_get(c, n, "mark", NULL)) &&
	    get_either(c, v, "fabric.ecn.mark", "enqueue", "dequeue", &exp->ecn_mark_enqueue) < 0)
		return -1;
	yaml_node_t *kmin = map_get(c, n, "kmin", NULL), *kmax = map_get(c, n, "kmax", NULL);
	if (!kmin != !kmax)
		return fail(c, n, "fabric.ecn", "give kmin and kmax together (or neither: both "
			    "then scale with link rate)");
	if (kmin && exp->ecn_kmin_bytes > exp->ecn_kmax_bytes)
		return fail(c, kmin, "fabric.ecn.kmin", "kmin (%llu bytes) is above kmax (%llu bytes)",
			    (unsigned long long)exp->ecn_kmin_bytes,
			    (unsigned long long)exp->ecn_kmax_bytes);
	yaml_node_t *br = map_get(c, n, "by_rate", NULL);
	if (!br || is_null(br))
		return 0;
	yaml_node_item_t *items = NULL;
	size_t cnt = 0;
	if (get_list(c, br, "fabric.ecn.by_rate", "{rate, kmin, kmax, pmax} maps", &items, &cnt) < 0)
		return -1;
	if (!(exp->ecn_rates = calloc(cnt ? cnt : 1, sizeof(*exp->ecn_rates))))
		return fail(c, br, "fabric.ecn.by_rate", "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		yaml_node_t *e = node_at(c, items[i]);
		char path[64];
		snprintf(path, sizeof(path), "fabric.ecn.by_rate[%zu]", i);
		struct net_ecn_rate *r = &exp->ecn_rates[i];
		r->pmax = exp->ecn_pmax;
		if (parse_map(c, e, path, ecn_rate_fields, r) < 0)
			return -1;
		static const char *const need[] = { "rate", "kmin", "kmax" };
		for (int k = 0; k < 3; k++)
			if (!map_get(c, e, need[k], NULL))
				return fail(c, e, path, "missing %s (an entry is {rate, kmin, kmax, "
					    "pmax})", need[k]);
		if ((v = map_get(c, e, "pmax", NULL)) &&
		    get_fraction(c, v, path, 0, 1, 0, &r->pmax) < 0)
			return -1;
		if (r->kmin_bytes > r->kmax_bytes)
			return fail(c, e, path, "kmin is above kmax");
		for (size_t j = 0; j < i; j++)
			if (exp->ecn_rates[j].rate_bps == r->rate_bps)
				return fail(c, e, path, "a second entry for the same rate");
		exp->necn_rates++;
	}
	return 0;
}

/* pfc: {enabled, threshold: dynamic|static, alpha, xoff, resume_offset,
 * headroom, quanta}; the numeric keys are read by the field table. */
static int load_pfc(struct ctx *c, const yaml_node_t *fabric)
{
	struct fe_experiment *exp = c->exp;
	yaml_node_t *n = fabric ? map_get(c, fabric, "pfc", NULL) : NULL;
	yaml_node_t *v;
	if (!n)
		return 0;
	exp->pfc_line = node_line(n);
	exp->pfc_enabled = 1;     /* a pfc map means PFC unless it says otherwise */
	if ((v = map_get(c, n, "enabled", NULL)) &&
	    get_bool(c, v, "fabric.pfc.enabled", &exp->pfc_enabled) < 0)
		return -1;
	if ((v = map_get(c, n, "threshold", NULL))) {
		const char *t = v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
		exp->pfc_ns3_mmu = !strcmp(t, "ns3");
		if (exp->pfc_ns3_mmu)
			exp->pfc_dynamic = 1;
		else if (get_either(c, v, "fabric.pfc.threshold", "dynamic", "static",
				    &exp->pfc_dynamic) < 0)
			return fail(c, v, "fabric.pfc.threshold", "expected dynamic, static or ns3");
	}
	if ((v = map_get(c, n, "alpha", NULL)) &&
	    get_fraction(c, v, "fabric.pfc.alpha", 0, 64, 1, &exp->pfc_alpha) < 0)
		return -1;
	if ((v = map_get(c, n, "deadlock_stop", NULL)) &&
	    get_bool(c, v, "fabric.pfc.deadlock_stop", &exp->pfc_deadlock_stop) < 0)
		return -1;
	if (!exp->pfc_dynamic && !map_get(c, n, "xoff", NULL))
		return fail(c, n, "fabric.pfc", "threshold: static needs xoff (like xoff: 200KB)");
	if (!exp->pfc_dynamic && exp->pfc_xoff_bytes <= exp->pfc_resume_offset_bytes)
		return fail(c, map_get(c, n, "xoff", NULL), "fabric.pfc.xoff",
			    "xoff (%llu B) must exceed resume_offset (%llu B), or XON never comes",
			    (unsigned long long)exp->pfc_xoff_bytes,
			    (unsigned long long)exp->pfc_resume_offset_bytes);
	if ((v = map_get(c, n, "deadlock_timeout", NULL)) && exp->pfc_deadlock_timeout_ps &&
	    exp->pfc_deadlock_timeout_ps < NET_PS_PER_US)
		return fail(c, v, "fabric.pfc.deadlock_timeout", "must be 0 (off) or at least 1us");
	if (exp->pfc_dynamic && map_get(c, n, "xoff", &v))
		return fail(c, v, "fabric.pfc.xoff", "only with threshold: static (dynamic uses alpha)");
	return 0;
}

/* cc: NAME, or {algorithm: NAME, param: value...}. Parameters are kept raw
 * with their lines: the CC registry knows their names and ranges, this
 * loader does not. */
static void drop_cc_params(struct fe_experiment *exp)
{
	for (size_t i = 0; i < exp->ncc_params; i++) {
		free(exp->cc_params[i].key);
		free(exp->cc_params[i].value);
	}
	free(exp->cc_params);
	exp->cc_params = NULL;
	exp->ncc_params = 0;
}

static int load_cc(struct ctx *c, const yaml_node_t *fabric)
{
	struct fe_experiment *exp = c->exp;
	yaml_node_t *n = map_get(c, fabric, "cc", NULL);
	char key[KEY_MAX];

	if (!n)
		return 0;
	exp->cc_line = node_line(n);
	/* A profile's parameters stay under the file's own for its algorithm,
	 * unless the file names another algorithm or a preset of its own. */
	char prof_cc[sizeof(exp->cc)];
	snprintf(prof_cc, sizeof(prof_cc), "%s", exp->cc);
	if (n->type == YAML_SCALAR_NODE) {
		if (get_name(c, n, "fabric.cc", exp->cc, sizeof(exp->cc)) < 0)
			return -1;
		if (strcmp(prof_cc, exp->cc))
			drop_cc_params(exp);
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, "fabric.cc", "expected an algorithm name or a map "
			    "{algorithm: NAME, ...}, found %s", yaml_node_kind(n));
	if (check_keys(c, n, "fabric.cc", NULL) < 0)
		return -1;
	yaml_node_t *algo = map_get(c, n, "algorithm", NULL);
	if (!algo)
		return fail(c, n, "fabric.cc", "missing algorithm (like {algorithm: dcqcn, ...})");
	if (get_name(c, algo, "fabric.cc.algorithm", exp->cc, sizeof(exp->cc)) < 0)
		return -1;
	exp->cc_line = node_line(algo);
	if (strcmp(prof_cc, exp->cc) || map_get(c, n, "preset", NULL))
		drop_cc_params(exp);

	size_t npairs = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	struct fe_kv *kvs = realloc(exp->cc_params, (exp->ncc_params + npairs + 1) * sizeof(*kvs));
	if (!kvs)
		return fail(c, n, "fabric.cc", "out of memory");
	exp->cc_params = kvs;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node_at(c, p->key), *v = node_at(c, p->value);
		const char *name = (const char *)k->data.scalar.value;
		if (!strcmp(name, "algorithm"))
			continue;
		join(key, "fabric.cc", name);
		const char *s = scalar(c, v, key);
		if (!s)
			return -1;
		struct fe_kv *kv = &exp->cc_params[exp->ncc_params++];
		kv->key = strdup(name);
		kv->value = strdup(s);
		kv->line = node_line(v);
		if (!kv->key || !kv->value)
			return fail(c, v, key, "out of memory");
	}
	return 0;
}

/* "src 9 is not a host" when the topology is known here (kind switch). */
static bool is_host(const struct fe_experiment *exp, uint32_t id)
{
	return !is_switch(exp) || id < exp->hosts;
}

static int load_flow(struct ctx *c, const yaml_node_t *n, size_t id)
{
	static const char *const required[] = { "src", "dst", "size" };
	struct fe_experiment *exp = c->exp;
	struct fe_flow *f = &exp->flows[id];
	char path[KEY_MAX], key[KEY_MAX];

	snprintf(path, sizeof(path), "workload.flows[%zu]", id);
	*f = (struct fe_flow){
		.prio = exp->data_prio,
		.dport = 100,
		.line = node_line(n),
		.file = exp->path,
	};
	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, path, "expected a map like {src: 0, dst: 1, size: 10MB}, "
			    "found %s", yaml_node_kind(n));
	if (parse_map(c, n, path, flow_fields, f) < 0)
		return -1;
	for (size_t i = 0; i < 3; i++)
		if (!map_get(c, n, required[i], NULL))
			return fail(c, n, path, "flow %zu: missing %s (required: src, dst, size)",
				    id, required[i]);
	for (size_t i = 0; i < 2; i++) {
		uint32_t node = i ? f->dst : f->src;
		yaml_node_t *v = map_get(c, n, required[i], NULL);
		join(key, path, required[i]);
		if (!is_host(exp, node))
			return fail(c, v, key, "flow %zu: %s %u is not a host (hosts are 0..%u)", id,
				    required[i], node, exp->hosts - 1);
	}
	if (f->src == f->dst) {
		join(key, path, "dst");
		return fail(c, map_get(c, n, "dst", NULL), key,
			    "flow %zu: src and dst are both %u", id, f->src);
	}
	return 0;
}

static const struct field coll_fields[] = {
	OTHER("op"),
	NUM(struct fe_coll, "size", F_SIZE, size_bytes, 1, UINT64_MAX),
	OTHER("algorithm"),
	NUM(struct fe_coll, "chunks", F_UINT, chunks, 1, 1024),
	NUM(struct fe_coll, "active_chunks", F_UINT, active_chunks, 1, 1024),
	OTHER("discipline"),
	NUM(struct fe_coll, "start", F_TIME, start_ps, 0, 1000000 * NET_PS_PER_S),
	OTHER("group"),
	OTHER("system"),
	OTHER("collective_optimization"),
	NUM(struct fe_coll, "endpoint_delay", F_TIME, endpoint_delay_ps, 0, NET_PS_PER_S),
	NUM(struct fe_coll, "local_mem_bw", F_RATE, local_mem_bw_Bps, 8, UINT64_MAX),
	{ .key = NULL },
};

/* An ASTRA-sim system file sets what the entry does not: the entry's own
 * keys win, so one system file can serve several collectives. */
static int apply_system(struct ctx *c, const yaml_node_t *n, const yaml_node_t *v,
			struct fe_coll *co, const char *path)
{
	char key[KEY_MAX + 16], *file, msg[600], warn[600];
	struct fe_astra_sys sys;
	snprintf(key, sizeof(key), "%s.system", path);
	if (get_input_path(c, v, key, &file) < 0)
		return -1;
	int rc = fe_astra_sys_load(file, &sys, msg, sizeof(msg), warn, sizeof(warn));
	free(file);
	if (rc < 0)
		return fail(c, v, key, "%s", msg);
	if (sys.has_endpoint_delay && !map_get(c, n, "endpoint_delay", NULL))
		co->endpoint_delay_ps = sys.endpoint_delay_ps;
	if (sys.has_local_mem_bw && !map_get(c, n, "local_mem_bw", NULL))
		co->local_mem_bw_Bps = sys.local_mem_bw_Bps;
	if (sys.splits && !map_get(c, n, "chunks", NULL))
		co->chunks = sys.splits;
	if (sys.has_optimization && !map_get(c, n, "collective_optimization", NULL))
		co->baseline = !sys.localbw_aware;
	if (sys.impl[co->op] >= 0 && !map_get(c, n, "algorithm", NULL)) {
		if (sys.impl_dims[co->op] > 1 && co->op != COLL_ALL_REDUCE)
			return fail(c, v, key, "%u per-dimension %s algorithms: only all-reduce is "
				    "decomposed by dimension yet; give one", sys.impl_dims[co->op],
				    coll_op_names[co->op]);
		co->algo = (uint32_t)sys.impl[co->op];
		if (sys.impl_dims[co->op] > 1) {
			co->nalgo_dims = sys.impl_dims[co->op];
			memcpy(co->algo_dims, sys.impl_all[co->op], sizeof(co->algo_dims));
		}
		if (co->op == COLL_ALL_TO_ALL && co->algo != COLL_DIRECT)
			return fail(c, v, key, "all-to-all runs with algorithm direct only");
	}
	size_t wl = strlen(c->exp->warnings);
	if (warn[0])
		snprintf(c->exp->warnings + wl, sizeof(c->exp->warnings) - wl, "%s%s",
			 wl ? "; " : "", warn);
	if (sys.active_chunks && !map_get(c, n, "active_chunks", NULL))
		co->active_chunks = sys.active_chunks;
	return 0;
}

/* workload.collectives[i]: {op, size, algorithm, chunks, discipline, start,
 * group, endpoint_delay, local_mem_bw}. */
static int load_coll(struct ctx *c, const yaml_node_t *n, size_t i)
{
	struct fe_coll *co = &c->exp->colls[i];
	char path[KEY_MAX], key[KEY_MAX + 32];
	yaml_node_t *v;
	snprintf(path, sizeof(path), "workload.collectives[%zu]", i);
	co->chunks = 1;
	co->active_chunks = 1;
	co->endpoint_delay_ps = 10 * NET_PS_PER_NS;
	co->line = node_line(n);
	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, path, "expected a map like {op: all-reduce, size: 64MiB, "
			    "algorithm: ring}, found %s", yaml_node_kind(n));
	if (parse_map(c, n, path, coll_fields, co) < 0)
		return -1;
	if (!(v = map_get(c, n, "op", NULL)))
		return fail(c, n, path, "missing op (all-reduce, all-gather or reduce-scatter)");
	snprintf(key, sizeof(key), "%s.op", path);
	const char *s = scalar(c, v, key);
	if (!s)
		return -1;
	if (!strcmp(s, "all-reduce"))
		co->op = 0;
	else if (!strcmp(s, "all-gather"))
		co->op = 1;
	else if (!strcmp(s, "reduce-scatter"))
		co->op = 2;
	else if (!strcmp(s, "all-to-all"))
		co->op = 3;
	else
		return fail(c, v, key, "\"%.40s\" is not available (available: all-reduce, "
			    "all-gather, reduce-scatter, all-to-all)", s);
	if (!map_get(c, n, "size", NULL))
		return fail(c, n, path, "missing size (like size: 64MiB)");
	if (co->op == 3)
		co->algo = 1;                /* all-to-all: direct unless told */
	if ((v = map_get(c, n, "algorithm", NULL))) {
		snprintf(key, sizeof(key), "%s.algorithm", path);
		/* A list: one algorithm per dimension of a multi-dim fabric. */
		yaml_node_item_t *items = NULL;
		size_t count = 1;
		if (v->type == YAML_SEQUENCE_NODE) {
			if (get_list(c, v, key, "algorithm names", &items, &count) < 0)
				return -1;
			if (count < 1 || count > FE_COLL_MAX_DIMS)
				return fail(c, v, key, "expected 1 to %d algorithms, one per dimension",
					    FE_COLL_MAX_DIMS);
		}
		for (size_t k = 0; k < count; k++) {
			const yaml_node_t *e = items ? node_at(c, items[k]) : v;
			uint32_t a;
			if (!(s = scalar(c, e, key)))
				return -1;
			if (!strcmp(s, "ring"))
				a = 0;
			else if (!strcmp(s, "direct"))
				a = 1;
			else if (!strcmp(s, "halving-doubling"))
				a = 2;
			else if (!strcmp(s, "double-binary-tree"))
				a = 3;
			else
				return fail(c, e, key, "\"%.40s\" is not available yet (available: "
					    "ring, direct, halving-doubling, double-binary-tree)", s);
			if (k == 0)
				co->algo = a;
			if (items)
				co->algo_dims[co->nalgo_dims++] = a;
		}
		if (co->op == 3 && (co->algo != 1 || co->nalgo_dims > 1))
			return fail(c, v, key, "all-to-all runs with algorithm direct only");
		if (co->op != 0 && co->algo == 3)
			return fail(c, v, key, "double-binary-tree runs all-reduce only");
	}
	if ((v = map_get(c, n, "collective_optimization", NULL))) {
		snprintf(key, sizeof(key), "%s.collective_optimization", path);
		if (!(s = scalar(c, v, key)))
			return -1;
		if (!strcmp(s, "baseline"))
			co->baseline = 1;
		else if (strcmp(s, "localBWAware"))
			return fail(c, v, key, "expected baseline or localBWAware, found \"%.40s\"", s);
	}
	if ((v = map_get(c, n, "discipline", NULL))) {
		snprintf(key, sizeof(key), "%s.discipline", path);
		if (!(s = scalar(c, v, key)))
			return -1;
		if (!strcmp(s, "pipelined"))
			co->pipelined = 1;
		else if (strcmp(s, "astra"))
			return fail(c, v, key, "\"%.40s\" is not available (available: astra, "
				    "pipelined)", s);
	}
	if ((v = map_get(c, n, "group", NULL))) {
		yaml_node_item_t *items = NULL;
		size_t count = 0;
		snprintf(key, sizeof(key), "%s.group", path);
		if (get_list(c, v, key, "host ids", &items, &count) < 0)
			return -1;
		if (count < 2)
			return fail(c, v, key, "a collective needs at least 2 hosts");
		if (!(co->group = calloc(count, sizeof(*co->group))))
			return fail(c, v, key, "out of memory");
		co->ngroup = (uint32_t)count;
		for (size_t k = 0; k < count; k++) {
			uint64_t h;
			if (get_num(c, node_at(c, items[k]), key, F_UINT, 0, UINT32_MAX - 1, &h) < 0)
				return -1;
			for (size_t j = 0; j < k; j++)
				if (co->group[j] == h)
					return fail(c, node_at(c, items[k]), key, "host %llu twice",
						    (unsigned long long)h);
			co->group[k] = (uint32_t)h;
		}
	}
	/* local_mem_bw is bytes/s like every byte rate here (1600GB/s). */
	co->local_mem_bw_Bps /= 8;
	if ((v = map_get(c, n, "system", NULL)))
		return apply_system(c, n, v, co, path);
	return 0;
}

static int load_workload(struct ctx *c, const yaml_node_t *root)
{
	struct fe_experiment *exp = c->exp;
	yaml_node_t *wkey = NULL;
	yaml_node_t *w = map_get(c, root, "workload", &wkey);

	if (!w && (c->flags & FE_LOAD_NO_WORKLOAD))
		return 0;
	if (!w)
		return fail(c, root, "workload",
			    "missing (expected flows: [...] or ns3_flows: FILE)");
	if (parse_map(c, w, "workload", workload_fields, NULL) < 0)
		return -1;
	yaml_node_t *n = map_get(c, w, "collectives", NULL);
	if (n && !is_null(n)) {
		yaml_node_item_t *items = NULL;
		size_t count = 0;
		if (get_list(c, n, "workload.collectives", "collectives", &items, &count) < 0)
			return -1;
		if (count && !(exp->colls = calloc(count, sizeof(*exp->colls))))
			return fail(c, n, "workload.collectives", "out of memory");
		exp->ncolls = count;
		for (size_t i = 0; i < count; i++)
			if (load_coll(c, node_at(c, items[i]), i) < 0)
				return -1;
	}

	n = map_get(c, w, "flows", NULL);
	if (n && !is_null(n)) {
		yaml_node_item_t *items = NULL;
		size_t count = 0;
		if (get_list(c, n, "workload.flows", "flows", &items, &count) < 0)
			return -1;
		if (count) {
			exp->flows = calloc(count, sizeof(*exp->flows));
			if (!exp->flows)
				return fail(c, n, "workload.flows", "out of memory");
		}
		exp->nflows = count;
		for (size_t i = 0; i < count; i++)
			if (load_flow(c, node_at(c, items[i]), i) < 0)
				return -1;
	}

	n = map_get(c, w, "ns3_flows", NULL);
	if (n) {
		size_t first = exp->nflows;
		if (get_input_path(c, n, "workload.ns3_flows", &exp->ns3_flows) < 0)
			return -1;
		/* A missing file is this line's mistake; errors inside the file
		 * are reported at their own lines by the loader. */
		if (access(exp->ns3_flows, R_OK) != 0)
			return fail(c, n, "workload.ns3_flows", "%s: cannot open: %s",
				    exp->ns3_flows, strerror(errno));
		if (fe_load_ns3_flows(exp->ns3_flows, exp, c->err, c->errlen) < 0)
			return -1;
		for (size_t i = first; i < exp->nflows; i++) {
			const struct fe_flow *f = &exp->flows[i];
			uint32_t bad = !is_host(exp, f->src) ? f->src : f->dst;
			if (!is_host(exp, f->src) || !is_host(exp, f->dst))
				return fail_at(c->err, c->errlen, f->file, f->line,
					       "flow %zu: %s %u is not a host (hosts are 0..%u)", i,
					       bad == f->src ? "src" : "dst", bad, exp->hosts - 1);
		}
	}
	if (exp->nflows == 0 && exp->ncolls == 0)
		return fail(c, wkey, "workload", "nothing to run (expected flows: [...], "
			    "ns3_flows: FILE or collectives: [...])");
	return 0;
}

static int load_trace_kinds(struct ctx *c, const yaml_node_t *n)
{
	const char *key = "output.trace.kinds";
	yaml_node_item_t *items = NULL;
	size_t count = 0;
	uint32_t kinds = 1u << NET_TR_END;

	if (get_list(c, n, key, "event kinds", &items, &count) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *item = node_at(c, items[i]);
		const char *s = scalar(c, item, key);
		size_t k;
		if (!s)
			return -1;
		for (k = 0; k < NET_TR_NKINDS && strcmp(s, net_trace_kind_names[k]); k++)
			;
		if (k == NET_TR_NKINDS) {
			char list[256];
			size_t at = 0;
			for (k = 0; k < NET_TR_NKINDS && at < sizeof(list); k++)
				at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s",
						       k ? ", " : "", net_trace_kind_names[k]);
			return fail(c, item, key, "unknown event kind \"%.40s\" (expected one of "
				    "%s)", s, list);
		}
		kinds |= 1u << k;
	}
	c->exp->trace.kinds = kinds;
	return 0;
}

static int load_trace_nodes(struct ctx *c, const yaml_node_t *n)
{
	const char *key = "output.trace.nodes";
	struct fe_trace_cfg *tr = &c->exp->trace;
	/* With kind switch the node count is known here: hosts + the switch. */
	uint64_t max = is_switch(c->exp) ? c->exp->hosts : UINT32_MAX - 1;
	yaml_node_item_t *items = NULL;
	size_t count = 0;
	uint64_t v;

	if (get_list(c, n, key, "node ids", &items, &count) < 0)
		return -1;
	if (count == 0)
		return fail(c, n, key, "expected at least one node id (leave nodes out to "
			    "record every node)");
	tr->nodes = calloc(count, sizeof(*tr->nodes));
	if (!tr->nodes)
		return fail(c, n, key, "out of memory");
	for (size_t i = 0; i < count; i++) {
		if (get_num(c, node_at(c, items[i]), key, F_UINT, 0, max, &v) < 0)
			return -1;
		tr->nodes[tr->nnodes++] = (uint32_t)v;
	}
	return 0;
}

/* ports: ["NODE:PORT", ...] or [[NODE, PORT], ...]; whether they exist is
 * checked when the trace opens, against the built topology. */
static int load_trace_ports(struct ctx *c, const yaml_node_t *n)
{
	const char *key = "output.trace.ports";
	struct fe_trace_cfg *tr = &c->exp->trace;
	yaml_node_item_t *items = NULL;
	size_t count = 0;

	if (get_list(c, n, key, "ports (\"NODE:PORT\" or [NODE, PORT])", &items, &count) < 0)
		return -1;
	if (count == 0)
		return fail(c, n, key, "expected at least one port (leave ports out to record "
			    "every port)");
	tr->ports = calloc(count, sizeof(*tr->ports));
	if (!tr->ports)
		return fail(c, n, key, "out of memory");
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *item = node_at(c, items[i]);
		unsigned long long a, b;
		char tail;
		if (item->type == YAML_SEQUENCE_NODE) {
			yaml_node_item_t *two = item->data.sequence.items.start;
			uint64_t v[2];
			if (item->data.sequence.items.top - two != 2)
				return fail(c, item, key, "expected [NODE, PORT]");
			for (int j = 0; j < 2; j++)
				if (get_num(c, node_at(c, two[j]), key, F_UINT, 0, UINT32_MAX - 1,
					    &v[j]) < 0)
					return -1;
			a = v[0];
			b = v[1];
		} else {
			const char *s = scalar(c, item, key);
			if (!s)
				return -1;
			if (sscanf(s, "%llu:%llu%c", &a, &b, &tail) != 2 || a >= UINT32_MAX ||
			    b >= UINT32_MAX || strchr(s, '-'))
				return fail(c, item, key, "expected \"NODE:PORT\" (like \"4:0\"), "
					    "found \"%.40s\"", s);
		}
		tr->ports[tr->nports++] = (struct net_trace_port){ (uint32_t)a, (uint32_t)b };
	}
	return 0;
}

static int load_trace_flows(struct ctx *c, const yaml_node_t *n)
{
	const char *key = "output.trace.flows";
	struct fe_trace_cfg *tr = &c->exp->trace;
	yaml_node_item_t *items = NULL;
	size_t count = 0;
	uint64_t v;

	if (get_list(c, n, key, "flow ids", &items, &count) < 0)
		return -1;
	if (count == 0)
		return fail(c, n, key, "expected at least one flow id (leave flows out to "
			    "record every flow)");
	tr->flows = calloc(count, sizeof(*tr->flows));
	if (!tr->flows)
		return fail(c, n, key, "out of memory");
	for (size_t i = 0; i < count; i++) {
		if (get_num(c, node_at(c, items[i]), key, F_UINT, 0, UINT32_MAX, &v) < 0)
			return -1;
		tr->flows[tr->nflows++] = (uint32_t)v;
	}
	return 0;
}

static int load_output(struct ctx *c, const yaml_node_t *root)
{
	struct fe_trace_cfg *tr = &c->exp->trace;
	yaml_node_t *o = map_get(c, root, "output", NULL), *t, *n;

	if (!o)
		return 0;
	if (parse_map(c, o, "output", output_fields, NULL) < 0)
		return -1;
	if ((n = map_get(c, o, "fct", NULL)) && get_string(c, n, "output.fct", &c->exp->fct_path))
		return -1;
	if ((n = map_get(c, o, "pfc", NULL)) && get_string(c, n, "output.pfc", &c->exp->pfc_path))
		return -1;
	t = map_get(c, o, "trace", NULL);
	if (!t || is_null(t))
		return 0;
	if (t->type == YAML_SCALAR_NODE)
		return get_string(c, t, "output.trace", &tr->path);
	if (t->type != YAML_MAPPING_NODE)
		return fail(c, t, "output.trace", "expected a path or a map {file: PATH, kinds: "
			    "[...], nodes: [...], ports: [...], flows: [...], sample: N, start: "
			    "TIME, end: TIME}, found %s", yaml_node_kind(t));
	if (parse_map(c, t, "output.trace", trace_fields, tr) < 0)
		return -1;
	n = map_get(c, t, "file", NULL);
	if (!n)
		return fail(c, t, "output.trace", "missing file (the trace's path, like "
			    "file: out.trace.gz)");
	if (get_string(c, n, "output.trace.file", &tr->path) < 0)
		return -1;
	n = map_get(c, t, "kinds", NULL);
	if (n && load_trace_kinds(c, n) < 0)
		return -1;
	n = map_get(c, t, "nodes", NULL);
	if (n && load_trace_nodes(c, n) < 0)
		return -1;
	n = map_get(c, t, "ports", NULL);
	if (n && load_trace_ports(c, n) < 0)
		return -1;
	n = map_get(c, t, "flows", NULL);
	if (n && load_trace_flows(c, n) < 0)
		return -1;
	if (tr->start_ps > tr->end_ps)
		return fail(c, t, "output.trace", "start is after end");
	return 0;
}

static int load_root(struct ctx *c, const yaml_node_t *root)
{
	if (root->type != YAML_MAPPING_NODE)
		return fail(c, root, NULL, "expected a map with topology, fabric, workload at the "
			    "top level, found %s", yaml_node_kind(root));
	/* A profile sets defaults: first, so that every other key overrides it. */
	yaml_node_t *pn = map_get(c, root, "profile", NULL);
	if (pn) {
		char name[32];
		if (get_name(c, pn, "profile", name, sizeof(name)) < 0)
			return -1;
		if (strcmp(name, "ns3-hpcc"))
			return fail(c, pn, "profile", "unknown profile \"%s\" (expected ns3-hpcc)", name);
		if (fe_profile_ns3_hpcc(c->exp))
			return fail(c, pn, "profile", "out of memory");
	}
	yaml_node_t *fab = map_get(c, root, "fabric", NULL), *tn;
	if (fab && fab->type == YAML_MAPPING_NODE && (tn = map_get(c, fab, "truncate_ns", NULL)) &&
	    get_bool(c, tn, "fabric.truncate_ns", &c->exp->truncate_ns) < 0)
		return -1;
	if (parse_map(c, root, "", root_fields, c->exp) < 0 || load_topology(c, root) < 0 ||
	    load_cc(c, map_get(c, root, "fabric", NULL)) < 0 ||
	    load_ecn(c, map_get(c, root, "fabric", NULL)) < 0 ||
	    load_pfc(c, map_get(c, root, "fabric", NULL)) < 0 || load_workload(c, root) < 0 ||
	    load_output(c, root) < 0)
		return -1;
	return 0;
}

/* ---- files ------------------------------------------------------------- */

void fe_experiment_init(struct fe_experiment *exp)
{
	memset(exp, 0, sizeof(*exp));
	exp->seed = 1;
	exp->link_rate_bps = 100000000000ull;
	exp->link_delay_ps = NET_PS_PER_US;
	exp->mtu_bytes = 1000;
	exp->hdr_data_bytes = 62;
	exp->hdr_ack_bytes = 66;
	exp->hdr_cnp_bytes = 78;
	exp->wire_overhead_bytes = 0;
	exp->buffer_bytes = 32ull << 20;
	exp->ack_every = 1;
	exp->rto_ps = NET_PS_PER_MS;
	exp->nack_interval_ps = 500 * NET_PS_PER_US;
	exp->data_prio = 3;
	exp->ack_prio = 7;
	exp->ecn_enabled = 1;
	exp->ecn_pmax = 0.2;
	exp->pfc_dynamic = 1;
	exp->pfc_alpha = 0.125;
	exp->pfc_resume_offset_bytes = 3072;
	exp->pfc_quanta = 65535;
	exp->pfc_deadlock_timeout_ps = NET_PS_PER_MS;
	exp->pfc_deadlock_stop = 1;
	exp->stop_ps = NET_TIME_NEVER;
	snprintf(exp->cc, sizeof(exp->cc), "none");
	exp->trace.kinds = NET_TR_ALL;
	exp->trace.end_ps = NET_TIME_NEVER;
}

int fe_experiment_set_cc_param(struct fe_experiment *e, const char *key, const char *value,
			       int line)
{
	for (size_t i = 0; i < e->ncc_params; i++)
		if (!strcmp(e->cc_params[i].key, key)) {
			char *v = strdup(value);
			if (!v)
				return -1;
			free(e->cc_params[i].value);
			e->cc_params[i].value = v;
			e->cc_params[i].line = line;
			return 0;
		}
	struct fe_kv *kv = realloc(e->cc_params, (e->ncc_params + 1) * sizeof(*kv));
	if (!kv)
		return -1;
	e->cc_params = kv;
	kv[e->ncc_params] = (struct fe_kv){ strdup(key), strdup(value), line };
	if (!kv[e->ncc_params].key || !kv[e->ncc_params].value) {
		free(kv[e->ncc_params].key);
		free(kv[e->ncc_params].value);
		return -1;
	}
	e->ncc_params++;
	return 0;
}

int fe_profile_ns3_hpcc(struct fe_experiment *e)
{
	e->profile_ns3 = 1;
	e->hdr_data_bytes = 48;
	e->hdr_ack_bytes = 60;
	e->hdr_cnp_bytes = 60;
	e->wire_overhead_bytes = 0;
	e->pfc_enabled = 1;
	e->rto_ps = 1000 * NET_PS_PER_S;      /* no retransmission timeout */
	e->nack_interval_ps = 500 * NET_PS_PER_US;
	e->pfc_ns3_mmu = 1;
	e->pfc_frame_bytes = 43;
	e->ack_prio = e->data_prio;           /* ACKs share the data class in switches */
	e->ack_first_at_nic = 1;
	snprintf(e->cc, sizeof(e->cc), "dcqcn");
	drop_cc_params(e);
	return fe_experiment_set_cc_param(e, "preset", "hpcc-ns3", 0);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* Parse the one document in the file and load it. */
static int load_file(struct ctx *c, FILE *f)
{
	yaml_document_t doc;
	if (yaml_file_load(f, c->path, "an experiment file", &doc, c->err, c->errlen))
		return -1;
	c->doc = &doc;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	int rc = root ? load_root(c, root)
		      : fail_at(c->err, c->errlen, c->path, 0, "empty experiment file (expected a "
				"map with topology, fabric, workload)");
	yaml_document_delete(&doc);
	return rc;
}

int fe_experiment_load_text(const char *text, size_t len, const char *name, int flags,
			    struct fe_experiment *exp, char *err, size_t errlen)
{
	struct ctx c = { .path = name, .exp = exp, .err = err, .errlen = errlen, .flags = flags };
	fe_experiment_init(exp);
	exp->path = strdup(name);
	exp->dir = strdup(".");
	FILE *f = len ? fmemopen((void *)text, len, "rb") : NULL;
	if (!exp->path || !exp->dir || (len && !f)) {
		fail_at(err, errlen, name, 0, "out of memory");
		if (f)
			fclose(f);
		fe_experiment_free(exp);
		return -1;
	}
	int rc = f ? load_file(&c, f)
		   : fail_at(err, errlen, name, 0, "empty experiment (expected a map with "
			     "topology, fabric, workload)");
	if (f)
		fclose(f);
	if (rc < 0)
		fe_experiment_free(exp);
	return rc < 0 ? -1 : 0;
}

int fe_experiment_load(const char *path, struct fe_experiment *exp, char *err, size_t errlen)
{
	return fe_experiment_load_opts(path, 0, exp, err, errlen);
}

int fe_experiment_load_opts(const char *path, int flags, struct fe_experiment *exp, char *err,
			    size_t errlen)
{
	struct ctx c = { .path = path, .exp = exp, .err = err, .errlen = errlen, .flags = flags };
	int rc;

	fe_experiment_init(exp);
	exp->path = strdup(path);
	exp->dir = dir_of(path);
	if (!exp->path || !exp->dir) {
		fail_at(err, errlen, path, 0, "out of memory");
		fe_experiment_free(exp);
		return -1;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		fail_at(err, errlen, path, 0, "cannot open: %s", strerror(errno));
		fe_experiment_free(exp);
		return -1;
	}
	rc = load_file(&c, f);
	fclose(f);
	if (rc < 0)
		fe_experiment_free(exp);
	return rc;
}

void fe_experiment_free(struct fe_experiment *exp)
{
	if (!exp)
		return;
	free(exp->path);
	free(exp->dir);
	for (size_t i = 0; i < exp->ncolls; i++)
		free(exp->colls[i].group);
	free(exp->colls);
	free(exp->ns3_topology);
	free(exp->astra_network);
	for (size_t i = 0; i < exp->ncc_params; i++) {
		free(exp->cc_params[i].key);
		free(exp->cc_params[i].value);
	}
	free(exp->cc_params);
	free(exp->flows);
	free(exp->ns3_flows);
	for (size_t i = 0; i < exp->nflow_files; i++)
		free(exp->flow_files[i]);
	free(exp->flow_files);
	free(exp->trace.path);
	free(exp->trace.nodes);
	free(exp->trace.ports);
	free(exp->trace.flows);
	free(exp->ecn_rates);
	free(exp->fct_path);
	free(exp->pfc_path);
	free(exp->qlen_path);
	memset(exp, 0, sizeof(*exp));
}

/* ---- ns-3 flow files ----------------------------------------------------- */

/* Seconds as HPCC writes them ("2.000000001") to ps, exactly: the digits
 * are handed to net_parse_time as "<digits>s", which keeps integer
 * arithmetic and rejects what is not a whole number of ps (more than 12
 * significant decimal places). */
static int parse_seconds(const char *tok, uint64_t *ps)
{
	char buf[64];
	size_t len = strlen(tok);

	if (len == 0 || len + 2 > sizeof(buf) || strspn(tok, "0123456789.") != len)
		return -1;
	memcpy(buf, tok, len);
	memcpy(buf + len, "s", 2);
	return net_parse_time(buf, ps, NULL, 0);
}

/* The integer columns of a flow line, in order; start_s follows. */
static const struct {
	const char *name;
	uint64_t min, max;
} flow_cols[] = {
	{ "src", 0, UINT32_MAX },
	{ "dst", 0, UINT32_MAX },
	{ "pg", 0, 7 },
	{ "dport", 0, 65535 },
	{ "size", 1, UINT64_MAX },
};
#define NCOLS (sizeof(flow_cols) / sizeof(flow_cols[0]))

int fe_load_ns3_flows(const char *path, struct fe_experiment *exp, char *err, size_t errlen)
{
	struct topo_ns3_text t;
	const char *tok[NCOLS + 1];
	int line[NCOLS + 1], hline;
	char msg[160];
	uint64_t count, v[NCOLS], start_ps;
	size_t first = exp->nflows, cap = exp->nflows;
	char *file = NULL;
	char **files;
	int rc = -1;

	if (topo_ns3_text_open(&t, path, err, errlen) < 0)
		return -1;
	const char *ctok = topo_ns3_text_next(&t, &hline);
	if (!ctok) {
		fail_at(err, errlen, path, hline, "empty flow file (expected the number of flows)");
		goto out;
	}
	if (net_parse_uint(ctok, UINT32_MAX, &count, msg, sizeof(msg)) < 0) {
		fail_at(err, errlen, path, hline, "flow count %s", msg);
		goto out;
	}
	file = strdup(path);
	files = realloc(exp->flow_files, (exp->nflow_files + 1) * sizeof(*files));
	if (!file || !files) {
		fail_at(err, errlen, path, 0, "out of memory");
		goto out;
	}
	exp->flow_files = files;

	for (uint64_t i = 0; i < count; i++) {
		size_t id = first + (size_t)i;
		for (size_t k = 0; k <= NCOLS; k++) {
			tok[k] = topo_ns3_text_next(&t, &line[k]);
			if (!tok[k]) {
				fail_at(err, errlen, path, line[k], "the header says %llu flows but "
					"the file ends after %llu", (unsigned long long)count,
					(unsigned long long)i);
				goto out;
			}
		}
		for (size_t k = 0; k < NCOLS; k++) {
			if (net_parse_uint(tok[k], flow_cols[k].max, &v[k], msg, sizeof(msg)) < 0) {
				fail_at(err, errlen, path, line[k], "flow %zu: %s %s", id,
					flow_cols[k].name, msg);
				goto out;
			}
			if (v[k] < flow_cols[k].min) {
				fail_at(err, errlen, path, line[k], "flow %zu: %s must be at least %llu",
					id, flow_cols[k].name, (unsigned long long)flow_cols[k].min);
				goto out;
			}
		}
		if (v[0] == v[1]) {
			fail_at(err, errlen, path, line[1], "flow %zu: src and dst are both %llu", id,
				(unsigned long long)v[0]);
			goto out;
		}
		if (parse_seconds(tok[NCOLS], &start_ps) < 0) {
			fail_at(err, errlen, path, line[NCOLS], "flow %zu: start \"%.40s\": expected "
				"seconds like 2.000000001 (at most 12 decimal places)", id,
				tok[NCOLS]);
			goto out;
		}
		if (id == cap) {
			/* Grow by doubling rather than trusting the count, which may be a
			 * typo that would allocate gigabytes. */
			size_t ncap = cap ? cap * 2 : 1024;
			struct fe_flow *fl = realloc(exp->flows, ncap * sizeof(*fl));
			if (!fl) {
				fail_at(err, errlen, path, line[0], "out of memory at flow %zu", id);
				goto out;
			}
			exp->flows = fl;
			cap = ncap;
		}
		exp->flows[id] = (struct fe_flow){
			.src = (uint32_t)v[0],
			.dst = (uint32_t)v[1],
			.prio = (uint8_t)v[2],
			.dport = (uint16_t)v[3],
			.size_bytes = v[4],
			.start_ps = start_ps,
			.line = line[0],
			.file = file,
		};
		exp->nflows = id + 1;
	}
	const char *extra = topo_ns3_text_next(&t, &hline);
	if (extra) {
		fail_at(err, errlen, path, hline, "the header says %llu flows; unexpected extra "
			"content \"%.40s\"", (unsigned long long)count, extra);
		goto out;
	}
	exp->flow_files[exp->nflow_files++] = file;
	file = NULL;
	rc = 0;
out:
	if (rc < 0)
		exp->nflows = first;
	free(file);
	topo_ns3_text_close(&t);
	return rc;
}
