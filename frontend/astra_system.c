/*
 * frontend/astra_system.c - read ASTRA-sim's system JSON (see the header).
 */
#include "frontend/astra_system.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "collectives/coll.h"
#include "topo/yaml_file.h"

struct sctx {
	const char *path;
	char *err;
	size_t errlen;
};

static int fail(struct sctx *c, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (key)
		snprintf(c->err, c->errlen, "%s:%lu: %s: %s", c->path,
			 n ? (unsigned long)n->start_mark.line + 1 : 0ul, key, msg);
	else
		snprintf(c->err, c->errlen, "%s:%lu: %s", c->path,
			 n ? (unsigned long)n->start_mark.line + 1 : 0ul, msg);
	return -1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n ? yaml_scalar_text(n, NULL, 0) : NULL;
}

static int number(struct sctx *c, const yaml_node_t *n, const char *key, double lo, double hi,
		  double *out)
{
	const char *s = scalar(n);
	char *end;
	if (!s || !*s)
		return fail(c, n, key, "expected a number");
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno || !isfinite(v))
		return fail(c, n, key, "\"%.40s\" is not a number", s);
	if (v < lo || v > hi)
		return fail(c, n, key, "%g is out of range %g..%g", v, lo, hi);
	*out = v;
	return 0;
}

static int whole(struct sctx *c, const yaml_node_t *n, const char *key, double lo, double hi,
		 uint32_t *out)
{
	double v;
	if (number(c, n, key, lo, hi, &v) < 0)
		return -1;
	if (v != floor(v))
		return fail(c, n, key, "%g is not a whole number", v);
	*out = (uint32_t)v;
	return 0;
}

static const struct {
	const char *key;
	enum coll_op op;
} impl_keys[] = {
	{ "all-reduce-implementation", COLL_ALL_REDUCE },
	{ "all-gather-implementation", COLL_ALL_GATHER },
	{ "reduce-scatter-implementation", COLL_REDUCE_SCATTER },
	{ "all-to-all-implementation", COLL_ALL_TO_ALL },
};

static int impl_list(struct sctx *c, yaml_document_t *doc, const yaml_node_t *n,
		     const char *key, struct fe_astra_sys *o, enum coll_op op)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, key, "expected a list with one algorithm per dimension, "
			    "like [\"ring\"]");
	uint32_t count = 0;
	int first = -1;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const yaml_node_t *e = yaml_document_get_node(doc, *it);
		const char *s = scalar(e);
		int a;
		if (!s)
			return fail(c, e, key, "expected an algorithm name");
		if (!strcmp(s, "ring"))
			a = COLL_RING;
		else if (!strcmp(s, "direct"))
			a = COLL_DIRECT;
		else if (!strcmp(s, "halvingDoubling"))
			a = COLL_HALVING_DOUBLING;
		else if (!strcmp(s, "doubleBinaryTree"))
			a = COLL_DOUBLE_BINARY_TREE;
		else if (!strncmp(s, "one", 3))
			return fail(c, e, key, "\"%.40s\" is not available yet (available: ring, "
				    "direct, halvingDoubling, doubleBinaryTree)", s);
		else
			return fail(c, e, key, "\"%.40s\" is not an ASTRA-sim algorithm (ring, "
				    "direct, halvingDoubling, doubleBinaryTree, ...)", s);
		if (first < 0)
			first = a;
		if (count == 8)
			return fail(c, e, key, "at most 8 dimensions");
		o->impl_all[op][count++] = (uint32_t)a;
	}
	if (!count)
		return fail(c, n, key, "empty list");
	o->impl[op] = first;
	o->impl_dims[op] = count;
	return 0;
}

static int load_root(struct sctx *c, yaml_document_t *doc, const yaml_node_t *root,
		     struct fe_astra_sys *o, char *warn, size_t warnlen)
{
	if (root->type != YAML_MAPPING_NODE)
		return fail(c, root, NULL, "expected a JSON object of system settings");
	size_t wl = 0;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *k = yaml_document_get_node(doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(doc, p->value);
		const char *key = scalar(k);
		if (!key)
			return fail(c, k, NULL, "expected a key");
		double d;
		if (!strcmp(key, "endpoint-delay")) {
			if (number(c, v, key, 0, 1e9, &d) < 0)
				return -1;
			o->has_endpoint_delay = 1;
			o->endpoint_delay_ps = (uint64_t)llround(d * 1000);
		} else if (!strcmp(key, "local-mem-bw")) {
			if (number(c, v, key, 1e-9, 1e9, &d) < 0)
				return -1;
			o->has_local_mem_bw = 1;
			o->local_mem_bw_Bps = (uint64_t)llround(d * 1e9);
		} else if (!strcmp(key, "preferred-dataset-splits")) {
			if (whole(c, v, key, 1, 1024, &o->splits) < 0)
				return -1;
		} else if (!strcmp(key, "active-chunks-per-dimension")) {
			if (whole(c, v, key, 1, 1e6, &o->active_chunks) < 0)
				return -1;
		} else if (!strcmp(key, "collective-optimization")) {
			const char *s = scalar(v);
			if (!s || (strcmp(s, "baseline") && strcmp(s, "localBWAware")))
				return fail(c, v, key, "expected \"baseline\" or \"localBWAware\"");
			o->localbw_aware = !strcmp(s, "localBWAware");
			o->has_optimization = 1;
		} else {
			size_t i;
			for (i = 0; i < sizeof(impl_keys) / sizeof(impl_keys[0]); i++)
				if (!strcmp(key, impl_keys[i].key))
					break;
			if (i < sizeof(impl_keys) / sizeof(impl_keys[0])) {
				if (impl_list(c, doc, v, key, o, impl_keys[i].op) < 0)
					return -1;
			} else if (warn && warnlen) {
				int w = snprintf(warn + wl, warnlen - wl, "%s%s",
						 wl ? ", " : "", key);
				if (w > 0 && wl + (size_t)w < warnlen)
					wl += (size_t)w;
			}
		}
	}
	if (warn && wl) {
		char keys[512];
		snprintf(keys, sizeof(keys), "%s", warn);
		snprintf(warn, warnlen, "%s: keys not modelled by pktsim: %s", c->path, keys);
	}
	return 0;
}

int fe_astra_sys_load(const char *path, struct fe_astra_sys *out, char *err, size_t errlen,
		      char *warn, size_t warnlen)
{
	struct sctx c = { .path = path, .err = err, .errlen = errlen };
	struct fe_astra_sys o;
	memset(&o, 0, sizeof(o));
	for (int i = 0; i < 4; i++)
		o.impl[i] = -1;
	if (warn && warnlen)
		warn[0] = '\0';
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	yaml_document_t doc;
	int rc = yaml_file_load(f, path, "a system file", &doc, err, errlen) ? -1 : 0;
	fclose(f);
	if (rc == 0) {
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (!root) {
			snprintf(err, errlen, "%s: empty file (expected a JSON object)", path);
			rc = -1;
		} else {
			rc = load_root(&c, &doc, root, &o, warn, warnlen);
		}
		yaml_document_delete(&doc);
	}
	if (rc == 0)
		*out = o;
	else if (warn && warnlen)
		warn[0] = '\0';
	return rc;
}
