/*
 * cc/cc.c - the congestion-control registry and parameter setting by name.
 *
 * Adding an algorithm: one file defining a `const struct cc_ops`, one line in
 * the table below, its tests. The registry self-check (cc_ops_check) rejects
 * tables without a name or init, without defaults when they have a config,
 * and duplicate names; `none` is always present as the fallback.
 */
#include "cc/cc.h"

#include <stdio.h>
#include <string.h>

#include "net/units.h"

extern const struct cc_ops cc_none_ops;
extern const struct cc_ops cc_dcqcn_ops;
extern const struct cc_ops cc_learned_ops;

static const struct cc_ops *const registry[] = {
	&cc_none_ops,
	&cc_dcqcn_ops,
	&cc_learned_ops,
};
#define NREG (sizeof(registry) / sizeof(registry[0]))

const struct cc_ops *cc_find(const char *name)
{
	for (size_t i = 0; i < NREG; i++)
		if (!strcmp(registry[i]->name, name))
			return registry[i];
	return NULL;
}

const char *cc_names(void)
{
	static char buf[256];
	if (!buf[0]) {
		size_t len = 0;
		for (size_t i = 0; i < NREG && len < sizeof(buf); i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? ", " : "",
						registry[i]->name);
	}
	return buf;
}

int cc_ops_check(const struct cc_ops *const *tab, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const struct cc_ops *o = tab[i];
		if (!o->name || !o->name[0] || !o->init) {
			snprintf(err, errlen, "congestion control #%zu: missing name or init hook", i);
			return -1;
		}
		if (o->cfg_size && !o->defaults) {
			snprintf(err, errlen, "congestion control %s: has a config but no defaults hook",
				 o->name);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(tab[j]->name, o->name)) {
				snprintf(err, errlen, "congestion control %s: registered twice", o->name);
				return -1;
			}
		for (size_t p = 0; p < o->nparams; p++) {
			const struct cc_param *q = &o->params[p];
			/* A string's array must hold at least its NUL, and all of it
			 * must lie inside the config. */
			int outside = cc_param_is_text(q->type)
				? q->max < 1 || q->offset + (size_t)q->max > o->cfg_size
				: q->offset + sizeof(uint64_t) > o->cfg_size &&
				  q->offset + sizeof(double) > o->cfg_size;
			if (outside) {
				snprintf(err, errlen, "congestion control %s: parameter %s outside its config",
					 o->name, q->name);
				return -1;
			}
		}
	}
	return 0;
}

int cc_registry_check(char *err, size_t errlen)
{
	return cc_ops_check(registry, NREG, err, errlen);
}

const struct cc_param *cc_param_find(const struct cc_ops *ops, const char *name)
{
	for (size_t i = 0; i < ops->nparams; i++)
		if (!strcmp(ops->params[i].name, name))
			return &ops->params[i];
	return NULL;
}

int cc_config_build(const struct cc_ops *ops, void *cfg, const char *const *names,
		    const char *const *values, size_t n, int *bad, char *err, size_t errlen)
{
	*bad = -1;
	if (ops->cfg_size)
		ops->defaults(cfg);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], "preset"))
			continue;
		*bad = (int)i;
		if (!ops->preset) {
			snprintf(err, errlen, "%s has no presets", ops->name);
			return -1;
		}
		if (ops->preset(cfg, values[i], err, errlen))
			return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], "preset"))
			continue;
		*bad = (int)i;
		if (cc_param_set(ops, cfg, names[i], values[i], err, errlen))
			return -1;
	}
	*bad = -1;
	if (ops->check && ops->check(cfg, err, errlen))
		return -1;
	return 0;
}

int cc_param_set(const struct cc_ops *ops, void *cfg, const char *name, const char *value,
		 char *err, size_t errlen)
{
	const struct cc_param *p = NULL;
	for (size_t i = 0; i < ops->nparams; i++)
		if (!strcmp(ops->params[i].name, name))
			p = &ops->params[i];
	if (!p) {
		char names[512];
		size_t len = 0;
		names[0] = 0;
		for (size_t i = 0; i < ops->nparams && len < sizeof(names); i++)
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
						ops->params[i].name);
		snprintf(err, errlen, "unknown parameter for %s (expected one of: %s)", ops->name,
			 ops->nparams ? names : "none; this algorithm takes no parameters");
		return -1;
	}
	char *slot = (char *)cfg + p->offset;
	if (cc_param_is_text(p->type)) {
		size_t len = strlen(value);
		/* Refused rather than cut: a truncated path would name another file. */
		if ((double)len + 1 > p->max) {
			snprintf(err, errlen, "%s is too long (%zu characters, at most %.0f)", p->name, len,
				 p->max - 1);
			return -1;
		}
		if ((double)len < p->min) {
			snprintf(err, errlen, "%s must have at least %.0f character%s", p->name, p->min,
				 p->min == 1 ? "" : "s");
			return -1;
		}
		memcpy(slot, value, len + 1);
		return 0;
	}
	uint64_t u = 0;
	double d = 0;
	int rc;
	switch (p->type) {
	case CC_P_RATE:
		rc = net_parse_rate(value, &u, err, errlen);
		d = (double)u;
		break;
	case CC_P_TIME:
		rc = net_parse_time(value, &u, err, errlen);
		d = (double)u;
		break;
	case CC_P_BYTES:
		rc = net_parse_size(value, &u, err, errlen);
		d = (double)u;
		break;
	case CC_P_UINT:
		rc = net_parse_uint(value, UINT64_MAX, &u, err, errlen);
		d = (double)u;
		break;
	default:
		rc = net_parse_double(value, &d, err, errlen);
		break;
	}
	if (rc)
		return -1;
	if (d < p->min || d > p->max) {
		snprintf(err, errlen, "%s = %s is out of range [%g, %g]", p->name, value, p->min, p->max);
		return -1;
	}
	if (p->type == CC_P_DOUBLE)
		memcpy(slot, &d, sizeof(d));
	else
		memcpy(slot, &u, sizeof(u));
	return 0;
}
