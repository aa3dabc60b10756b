/*
 * net/units.c - parse rates (-> bits/s), times (-> ps) and sizes (-> bytes)
 * written with units, as experiment files and CC parameters give them.
 *
 * Exact integer arithmetic only: "1.5us" must be 1500000 ps, not whatever a
 * double rounds it to, because every timestamp in a run derives from these
 * values and golden traces compare them byte for byte. A number is read as
 * an integer part plus at most 15 fractional digits, scaled by the unit's
 * factor, and rejected when the result is not a whole number of the base
 * unit or does not fit in uint64_t.
 */
#include "net/engine.h"
#include "net/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAC_DIGITS 15
/* How much of a bad value an error message quotes. */
#define QUOTE_MAX 48

struct unit {
	const char *name;
	uint64_t factor;          /* base units per 1 of this unit */
};

/* Case matters (MB is bytes, Mb bits), except for the customary "kbps". */
static const struct unit rate_units[] = {
	{ "bps", 1 },
	{ "Kbps", 1000ull }, { "kbps", 1000ull },
	{ "Mbps", 1000000ull }, { "Gbps", 1000000000ull }, { "Tbps", 1000000000000ull },
	{ "b/s", 1 },
	{ "Kb/s", 1000ull }, { "kb/s", 1000ull },
	{ "Mb/s", 1000000ull }, { "Gb/s", 1000000000ull }, { "Tb/s", 1000000000000ull },
	{ "B/s", 8 },
	{ "KB/s", 8000ull }, { "MB/s", 8000000ull }, { "GB/s", 8000000000ull },
	{ "TB/s", 8000000000000ull },
	{ "KiB/s", 8ull << 10 }, { "MiB/s", 8ull << 20 }, { "GiB/s", 8ull << 30 },
	{ NULL, 0 },
};

static const struct unit time_units[] = {
	{ "ps", 1 },
	{ "ns", 1000ull },
	{ "us", 1000000ull },
	{ "ms", 1000000000ull },
	{ "s", 1000000000000ull },
	{ NULL, 0 },
};

static const struct unit size_units[] = {
	{ "B", 1 },
	{ "KB", 1000ull }, { "MB", 1000000ull }, { "GB", 1000000000ull },
	{ "TB", 1000000000000ull },
	{ "KiB", 1ull << 10 }, { "MiB", 1ull << 20 }, { "GiB", 1ull << 30 },
	{ "TiB", 1ull << 40 },
	{ NULL, 0 },
};

/* What each kind of quantity is called in messages, and what a bare number
 * (no unit) means for it. */
struct quantity {
	const char *what;         /* "rate" */
	const char *base;         /* "bits/s", the unit of the result */
	const struct unit *units;
	const char *unit_list;
	const char *example;
	const char *negative;     /* what to say after "negative <what>" */
	/* NULL: a bare number counts in the base unit; else the message for a
	 * bare non-zero number (a bare zero is then still accepted). */
	const char *bare_msg;
};

static const struct quantity q_rate = {
	.what = "rate",
	.base = "bits/s",
	.units = rate_units,
	.unit_list = "bps, Kbps, Mbps, Gbps, Tbps, b/s..., or B/s, KB/s, MB/s, GB/s, KiB/s...",
	.example = "100Gbps",
	.negative = "a rate must be positive, like 100Gbps",
	.bare_msg = "expected a rate with a unit (bps, Kbps, Mbps, Gbps, Tbps, b/s..., "
		    "or B/s, KB/s, MB/s, GB/s, KiB/s...), like 100Gbps",
};

static const struct quantity q_time = {
	.what = "time",
	.base = "picoseconds",
	.units = time_units,
	.unit_list = "ps, ns, us, ms, s",
	.example = "1us",
	.negative = "expected a time like 1us",
	.bare_msg = "expected a time with a unit (ps, ns, us, ms, s), like 1us",
};

static const struct quantity q_size = {
	.what = "size",
	.base = "bytes",
	.units = size_units,
	.unit_list = "B, KB, MB, GB, TB, KiB, MiB, GiB, TiB, or a bare number of bytes",
	.example = "64KiB",
	.negative = "expected a size like 64KiB",
	.bare_msg = NULL,
};

/* The value without surrounding white space, as [*b, *e). */
static void trim(const char *s, const char **b, const char **e)
{
	if (!s)
		s = "";
	while (isspace((unsigned char)*s))
		s++;
	const char *end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*b = s;
	*e = end;
}

/* Quote at most QUOTE_MAX characters of [b, e) so a pasted megabyte of junk
 * does not become the error message. */
static int quote_len(const char *b, const char *e)
{
	return (int)(e - b > QUOTE_MAX ? QUOTE_MAX : e - b);
}

/* A decimal number as integer part + frac / 10^nfrac, trailing zeros of the
 * fraction dropped (so "1.50" and "1.5" are the same value). */
struct decimal {
	uint64_t ip;
	uint64_t frac;
	unsigned nfrac;
};

enum scan_result { SCAN_OK, SCAN_NONE, SCAN_OVERFLOW, SCAN_TOO_PRECISE };

/* Read digits[.digits] at *p, advancing *p past them. A '.' must have a
 * digit on each side, so "1." and ".5" are not numbers here. */
static enum scan_result scan_decimal(const char **p, const char *e, struct decimal *d)
{
	const char *s = *p;
	char digits[MAX_FRAC_DIGITS];
	unsigned n = 0;
	bool overflow = false, too_precise = false;

	memset(d, 0, sizeof(*d));
	if (s >= e || !isdigit((unsigned char)*s))
		return SCAN_NONE;
	for (; s < e && isdigit((unsigned char)*s); s++) {
		uint64_t v = (uint64_t)(*s - '0');
		if (d->ip > (UINT64_MAX - v) / 10)
			overflow = true;
		else
			d->ip = d->ip * 10 + v;
	}
	if (s + 1 < e && *s == '.' && isdigit((unsigned char)s[1])) {
		for (s++; s < e && isdigit((unsigned char)*s); s++) {
			if (n < MAX_FRAC_DIGITS)
				digits[n++] = *s;
			else if (*s != '0')
				too_precise = true;
		}
		while (n > 0 && digits[n - 1] == '0')
			n--;
		for (unsigned i = 0; i < n; i++)
			d->frac = d->frac * 10 + (uint64_t)(digits[i] - '0');
		d->nfrac = n;
	}
	*p = s;
	if (overflow)
		return SCAN_OVERFLOW;
	return too_precise ? SCAN_TOO_PRECISE : SCAN_OK;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

enum scale_result { SCALE_OK, SCALE_NOT_WHOLE, SCALE_OVERFLOW };

/*
 * out = (ip + frac / 10^nfrac) * factor, exactly.
 *
 * frac * factor may not fit in 64 bits (15 digits times 8e12), so reduce
 * first: with g = gcd(factor, 10^nfrac), the fractional part is
 * frac * (factor/g) / (10^nfrac/g), and since factor/g and 10^nfrac/g are
 * coprime it is whole iff (10^nfrac/g) divides frac. Then
 * frac / (10^nfrac/g) < g, so the product stays below factor.
 */
static enum scale_result scale(const struct decimal *d, uint64_t factor, uint64_t *out)
{
	uint64_t den = 1, fpart = 0;

	for (unsigned i = 0; i < d->nfrac; i++)
		den *= 10;
	if (d->frac) {
		uint64_t g = gcd_u64(factor, den);
		uint64_t rden = den / g;
		if (d->frac % rden)
			return SCALE_NOT_WHOLE;
		fpart = d->frac / rden * (factor / g);
	}
	if (d->ip > UINT64_MAX / factor)
		return SCALE_OVERFLOW;
	uint64_t ipart = d->ip * factor;
	if (ipart > UINT64_MAX - fpart)
		return SCALE_OVERFLOW;
	*out = ipart + fpart;
	return SCALE_OK;
}

static const struct unit *find_unit(const struct unit *units, const char *b, const char *e)
{
	size_t len = (size_t)(e - b);

	for (const struct unit *u = units; u->name; u++)
		if (strlen(u->name) == len && memcmp(u->name, b, len) == 0)
			return u;
	return NULL;
}

/* The shared parser: number, optional spaces, unit. */
static int parse_quantity(const char *s, const struct quantity *q, uint64_t *out, char *err,
			  size_t errlen)
{
	const char *b, *e, *p;
	struct decimal d;
	uint64_t factor = 1;

	trim(s, &b, &e);
	int ql = quote_len(b, e);
	if (b == e) {
		net_fmt_err(err, errlen, "\"\": expected a %s, like %s", q->what, q->example);
		return -1;
	}
	if (*b == '-') {
		net_fmt_err(err, errlen, "\"%.*s\": negative %s; %s", ql, b, q->what, q->negative);
		return -1;
	}
	p = b;
	enum scan_result sr = scan_decimal(&p, e, &d);
	if (sr == SCAN_NONE) {
		net_fmt_err(err, errlen, "\"%.*s\": expected a number and a unit, like %s", ql, b,
		       q->example);
		return -1;
	}
	if (sr == SCAN_TOO_PRECISE) {
		net_fmt_err(err, errlen, "\"%.*s\": more than %d decimal places", ql, b,
		       MAX_FRAC_DIGITS);
		return -1;
	}
	while (p < e && isspace((unsigned char)*p))
		p++;
	if (p < e) {
		const struct unit *u = find_unit(q->units, p, e);
		if (!u) {
			net_fmt_err(err, errlen, "\"%.*s\": unknown %s unit \"%.*s\" (expected %s)", ql,
			       b, q->what, quote_len(p, e), p, q->unit_list);
			return -1;
		}
		factor = u->factor;
	} else if (q->bare_msg && (sr == SCAN_OVERFLOW || d.ip || d.frac)) {
		net_fmt_err(err, errlen, "\"%.*s\": %s", ql, b, q->bare_msg);
		return -1;
	}
	enum scale_result r = sr == SCAN_OVERFLOW ? SCALE_OVERFLOW : scale(&d, factor, out);
	if (r == SCALE_NOT_WHOLE) {
		net_fmt_err(err, errlen, "\"%.*s\": not a whole number of %s", ql, b, q->base);
		return -1;
	}
	if (r == SCALE_OVERFLOW) {
		net_fmt_err(err, errlen, "\"%.*s\": too large (at most %llu %s)", ql, b,
		       (unsigned long long)UINT64_MAX, q->base);
		return -1;
	}
	return 0;
}

int net_parse_rate(const char *s, uint64_t *bps, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_quantity(s, &q_rate, &v, err, errlen) < 0)
		return -1;
	if (v == 0) {
		const char *b, *e;
		trim(s, &b, &e);
		net_fmt_err(err, errlen, "\"%.*s\": a rate must be positive, like 100Gbps",
		       quote_len(b, e), b);
		return -1;
	}
	*bps = v;
	return 0;
}

int net_parse_time(const char *s, uint64_t *ps, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_quantity(s, &q_time, &v, err, errlen) < 0)
		return -1;
	*ps = v;
	return 0;
}

int net_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_quantity(s, &q_size, &v, err, errlen) < 0)
		return -1;
	*bytes = v;
	return 0;
}

int net_parse_uint(const char *s, uint64_t max, uint64_t *v, char *err, size_t errlen)
{
	const char *b, *e, *p;
	uint64_t x = 0;
	bool overflow = false;

	trim(s, &b, &e);
	int ql = quote_len(b, e);
	if (b < e && *b == '-') {
		net_fmt_err(err, errlen, "\"%.*s\": negative (expected an integer from 0 to %llu)", ql,
		       b, (unsigned long long)max);
		return -1;
	}
	for (p = b; p < e && isdigit((unsigned char)*p); p++) {
		uint64_t d = (uint64_t)(*p - '0');
		if (x > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			x = x * 10 + d;
	}
	if (p == b || p != e) {
		net_fmt_err(err, errlen, "\"%.*s\": expected an integer from 0 to %llu", ql, b,
		       (unsigned long long)max);
		return -1;
	}
	if (overflow || x > max) {
		net_fmt_err(err, errlen, "\"%.*s\": too large (at most %llu)", ql, b,
		       (unsigned long long)max);
		return -1;
	}
	*v = x;
	return 0;
}

int net_parse_double(const char *s, double *v, char *err, size_t errlen)
{
	const char *b, *e;
	char *end;

	trim(s, &b, &e);
	int ql = quote_len(b, e);
	if (b == e) {
		net_fmt_err(err, errlen, "\"\": expected a number");
		return -1;
	}
	errno = 0;
	double x = strtod(b, &end);
	/* strtod stops at trailing spaces too; trim() already found where the
	 * value ends. */
	if (end == b || end != e) {
		net_fmt_err(err, errlen, "\"%.*s\": expected a number", ql, b);
		return -1;
	}
	if (!isfinite(x)) {
		net_fmt_err(err, errlen, "\"%.*s\": expected a finite number", ql, b);
		return -1;
	}
	*v = x;
	return 0;
}
