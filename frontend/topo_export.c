/*
 * frontend/topo_export.c - write a topology graph as Graphviz DOT, as JSON,
 * or as a one-line summary.
 *
 * JSON is for scripts, so it keeps pktsim's exact integers (bits/s, ps) and
 * uses null, not 0, for "unknown". DOT and text are for people, so rates and
 * times take the largest unit that keeps the number >= 1 and at most three
 * decimals (429,496,729,600 bits/s is "429.497 Gb/s"). Output follows link
 * and node order, so the same graph always gives the same bytes.
 */
#include "frontend/topo_export.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct hunit {
	const char *name;
	uint64_t factor;
};

static const struct hunit rate_units[] = {
	{ "b/s", 1 }, { "Kb/s", 1000ull }, { "Mb/s", 1000000ull }, { "Gb/s", 1000000000ull },
	{ "Tb/s", 1000000000000ull }, { "Pb/s", 1000000000000000ull },
};

static const struct hunit time_units[] = {
	{ "ps", 1 }, { "ns", 1000ull }, { "us", 1000000ull }, { "ms", 1000000000ull },
	{ "s", 1000000000000ull },
};

/*
 * v in the largest unit it reaches, rounded to three decimals with trailing
 * zeros dropped. Integer arithmetic: rem < factor <= 10^15, so rem x 1000
 * fits easily. 0 is written in zero_unit (units[zero_unit]).
 */
static void human(char *buf, size_t len, uint64_t v, const struct hunit *units, size_t nunits,
		  size_t zero_unit)
{
	size_t u = 0;

	if (v == 0) {
		snprintf(buf, len, "0 %s", units[zero_unit].name);
		return;
	}
	while (u + 1 < nunits && v >= units[u + 1].factor)
		u++;
	uint64_t whole = v / units[u].factor;
	uint64_t milli = (v % units[u].factor * 1000 + units[u].factor / 2) / units[u].factor;
	if (milli == 1000) {
		whole++;
		milli = 0;
	}
	/* 999.9996 Gb/s rounds to 1000 Gb/s: say 1 Tb/s. */
	if (whole == 1000 && u + 1 < nunits && units[u + 1].factor == units[u].factor * 1000) {
		whole = 1;
		u++;
	}
	if (units[u].factor == 1 || milli == 0) {
		snprintf(buf, len, "%" PRIu64 " %s", whole, units[u].name);
		return;
	}
	char frac[4];
	snprintf(frac, sizeof(frac), "%03u", (unsigned)milli);
	for (int i = 2; i > 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	snprintf(buf, len, "%" PRIu64 ".%s %s", whole, frac, units[u].name);
}

static void human_rate(char *buf, size_t len, uint64_t bps)
{
	human(buf, len, bps, rate_units, sizeof(rate_units) / sizeof(rate_units[0]), 0);
}

static void human_time(char *buf, size_t len, uint64_t ps)
{
	human(buf, len, ps, time_units, sizeof(time_units) / sizeof(time_units[0]), 1);
}

/* s as the inside of a quoted string: DOT and JSON both escape '"' and '\'
 * with a backslash; JSON also needs control characters as \u00XX (DOT has
 * no such rule, so they are dropped there). */
static void put_escaped(FILE *out, const char *s, int json)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20) {
			if (json)
				fprintf(out, "\\u%04x", ch);
		} else
			fputc(ch, out);
	}
}

/* The shortest %g form that reads back as the same double (JSON has no
 * way to say "this is 0.1 as a double", so give the digits that round-trip). */
static void put_double(FILE *out, double x)
{
	char buf[32];

	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	fputs(buf, out);
}

int fe_topo_dot(const struct topo_graph *g, FILE *out)
{
	char rate[32], delay[32];

	fputs("graph pktsim {\n", out);
	if (g->name[0]) {
		fputs("  label=\"", out);
		put_escaped(out, g->name, 0);
		fputs("\";\n", out);
	}
	for (uint32_t v = 0; v < g->nnodes; v++)
		fprintf(out, "  %" PRIu32 " [shape=%s, label=\"%" PRIu32 "\"];\n", v,
			g->kind[v] == TOPO_HOST ? "box" : "ellipse", v);
	for (uint32_t i = 0; i < g->nlinks; i++) {
		const struct topo_link *l = &g->links[i];
		human_rate(rate, sizeof(rate), l->rate_bps);
		human_time(delay, sizeof(delay), l->delay_ps);
		fprintf(out, "  %" PRIu32 " -- %" PRIu32 " [label=\"%s, %s", l->a, l->b, rate, delay);
		if (l->error_rate > 0) {
			fputs(", loss ", out);
			put_double(out, l->error_rate);
		}
		fprintf(out, "\"%s];\n", l->one_way ? ", dir=forward" : "");
	}
	fputs("}\n", out);
	return ferror(out) ? -1 : 0;
}

int fe_topo_json(const struct topo_graph *g, const struct topo_summary *s, FILE *out)
{
	struct topo_summary own;

	if (!s) {
		topo_summary(g, NULL, &own);
		s = &own;
	}
	fputs("{\n  \"name\": \"", out);
	put_escaped(out, s->name, 1);
	fprintf(out, "\",\n  \"hosts\": %" PRIu32 ",\n  \"switches\": %" PRIu32
		",\n  \"link_count\": %" PRIu32 ",\n", s->hosts, s->switches, s->links);
	if (s->diameter_rc == 0)
		fprintf(out, "  \"diameter\": %" PRIu32 ",\n", s->diameter);
	else
		fputs("  \"diameter\": null,\n", out);
	if (s->bisection_bps)
		fprintf(out, "  \"bisection_bps\": %" PRIu64 ",\n", s->bisection_bps);
	else
		fputs("  \"bisection_bps\": null,\n", out);
	fprintf(out, "  \"capacity_bps\": %" PRIu64 ",\n  \"nodes\": [", s->capacity_bps);
	for (uint32_t v = 0; v < g->nnodes; v++)
		fprintf(out, "%s\n    {\"id\": %" PRIu32 ", \"kind\": \"%s\"}", v ? "," : "", v,
			g->kind[v] == TOPO_HOST ? "host" : "switch");
	fputs(g->nnodes ? "\n  ],\n  \"links\": [" : "],\n  \"links\": [", out);
	for (uint32_t i = 0; i < g->nlinks; i++) {
		const struct topo_link *l = &g->links[i];
		fprintf(out, "%s\n    {\"a\": %" PRIu32 ", \"b\": %" PRIu32 ", \"rate_bps\": %" PRIu64
			", \"delay_ps\": %" PRIu64 ", \"error_rate\": ", i ? "," : "", l->a, l->b,
			l->rate_bps, l->delay_ps);
		put_double(out, l->error_rate);
		fprintf(out, ", \"one_way\": %s}", l->one_way ? "true" : "false");
	}
	fputs(g->nlinks ? "\n  ]\n}\n" : "]\n}\n", out);
	return ferror(out) ? -1 : 0;
}

void fe_topo_text(const struct topo_summary *s, FILE *out)
{
	char buf[32];

	if (s->name[0])
		fprintf(out, "%s: ", s->name);
	fprintf(out, "hosts %" PRIu32 ", switches %" PRIu32 ", links %" PRIu32 ", ", s->hosts,
		s->switches, s->links);
	if (s->diameter_rc == 0)
		fprintf(out, "diameter %" PRIu32 " hop%s", s->diameter, s->diameter == 1 ? "" : "s");
	else if (s->diameter_rc == -1)
		fputs("diameter infinite (some hosts cannot reach others)", out);
	else
		fputs("diameter unknown", out);
	if (s->bisection_bps) {
		human_rate(buf, sizeof(buf), s->bisection_bps);
		fprintf(out, ", bisection %s", buf);
	} else {
		fputs(", bisection unknown", out);
	}
	human_rate(buf, sizeof(buf), s->capacity_bps);
	fprintf(out, ", capacity %s\n", buf);
}
