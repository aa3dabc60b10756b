/*
 * frontend/ns3_config.c - the HPCC ns-3 config file (see ns3_config.h and
 * doc/ns3.md).
 *
 * The ns-3 program reads the file as a stream of whitespace-separated
 * tokens; written files have one "KEY value..." per line, which is what this
 * reads, so an error can name its line. Values are checked here, with that
 * code's units (times in us or s as each key has them, KB of 1000 bytes,
 * BUFFER_SIZE in MiB), and turned into the experiment's own fields and
 * congestion-control parameters with explicit units.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "frontend/ns3_config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/engine.h"
#include "net/units.h"
#include "topo/topo.h"

#define MAX_TOK 64

struct cfgline {
	const char *path;
	int line;
	const char *key;
	char *tok[MAX_TOK];          /* the values after the key */
	int ntok;
};

static int lfail(const struct cfgline *l, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int lfail(const struct cfgline *l, char *err, size_t errlen, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	net_fmt_err(err, errlen, "%s:%d: %s: %s", l->path, l->line, l->key, msg);
	return -1;
}

static int one(const struct cfgline *l, char *err, size_t errlen)
{
	if (l->ntok == 1)
		return 0;
	return lfail(l, err, errlen, l->ntok ? "expected one value, found %d" : "missing its value",
		     l->ntok);
}

static int get_uint(const struct cfgline *l, uint64_t lo, uint64_t hi, uint64_t *v, char *err,
		    size_t errlen)
{
	char msg[160];
	if (one(l, err, errlen))
		return -1;
	if (net_parse_uint(l->tok[0], hi, v, msg, sizeof(msg)))
		return lfail(l, err, errlen, "%s", msg);
	if (*v < lo)
		return lfail(l, err, errlen, "must be at least %" PRIu64 " (found %s)", lo, l->tok[0]);
	return 0;
}

static int get_double(const struct cfgline *l, double lo, double hi, double *v, char *err,
		      size_t errlen)
{
	char msg[160];
	if (one(l, err, errlen))
		return -1;
	if (net_parse_double(l->tok[0], v, msg, sizeof(msg)))
		return lfail(l, err, errlen, "%s", msg);
	if (!(*v >= lo && *v <= hi))
		return lfail(l, err, errlen, "must be in [%g, %g] (found %s)", lo, hi, l->tok[0]);
	return 0;
}

static int get_path(const struct cfgline *l, char **out, char *err, size_t errlen)
{
	if (one(l, err, errlen))
		return -1;
	free(*out);
	if (!(*out = strdup(l->tok[0])))
		return lfail(l, err, errlen, "out of memory");
	return 0;
}

/* A congestion-control parameter, as the experiment file would write it. */
static int cc_param(struct fe_experiment *e, const struct cfgline *l, const char *key,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int cc_param(struct fe_experiment *e, const struct cfgline *l, const char *key,
		    const char *fmt, ...)
{
	char val[96];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return fe_experiment_set_cc_param(e, key, val, l ? l->line : 0);
}

/* A time in us (the HPCC code's unit for these keys) as a parameter. That
 * code hands the double to MicroSeconds(uint64_t): whole us, truncated. */
static int cc_us(struct fe_experiment *e, const struct cfgline *l, const char *key, char *err,
		 size_t errlen)
{
	double us;
	if (get_double(l, 0, 1e9, &us, err, errlen))
		return -1;
	uint64_t ps = (uint64_t)us * NET_PS_PER_US;
	if (cc_param(e, l, key, "%" PRIu64 "ps", ps))
		return lfail(l, err, errlen, "out of memory");
	return 0;
}

static int cc_rate(struct fe_experiment *e, const struct cfgline *l, const char *key, char *err,
		   size_t errlen)
{
	uint64_t bps;
	char msg[160];
	if (one(l, err, errlen))
		return -1;
	if (net_parse_rate(l->tok[0], &bps, msg, sizeof(msg)))
		return lfail(l, err, errlen, "%s", msg);
	if (cc_param(e, l, key, "%" PRIu64 "bps", bps))
		return lfail(l, err, errlen, "out of memory");
	return 0;
}

/* KMIN_MAP / KMAX_MAP / PMAX_MAP: "N rate_1 v_1 ... rate_N v_N", rates in
 * b/s, K in KB (1000 bytes), P a probability. which: 0 kmin, 1 kmax, 2 pmax. */
static int ecn_map(struct fe_experiment *e, const struct cfgline *l, int which, char *err,
		   size_t errlen)
{
	char msg[160];
	uint64_t n;
	if (l->ntok < 1 || net_parse_uint(l->tok[0], 64, &n, msg, sizeof(msg)) || !n)
		return lfail(l, err, errlen, "expected the number of entries (1 to 64), then that "
			     "many \"rate value\" pairs");
	if ((uint64_t)l->ntok != 1 + 2 * n)
		return lfail(l, err, errlen, "says %" PRIu64 " entries, so %" PRIu64 " values should "
			     "follow; found %d", n, 2 * n, l->ntok - 1);
	for (uint64_t i = 0; i < n; i++) {
		const char *rs = l->tok[1 + 2 * i], *vs = l->tok[2 + 2 * i];
		uint64_t rate;
		if (net_parse_uint(rs, UINT64_MAX, &rate, msg, sizeof(msg)) || !rate)
			return lfail(l, err, errlen, "entry %" PRIu64 ": rate \"%s\": expected b/s, "
				     "like 100000000000", i + 1, rs);
		struct net_ecn_rate *r = NULL;
		for (size_t j = 0; j < e->necn_rates; j++)
			if (e->ecn_rates[j].rate_bps == rate)
				r = &e->ecn_rates[j];
		if (!r) {
			r = realloc(e->ecn_rates, (e->necn_rates + 1) * sizeof(*r));
			if (!r)
				return lfail(l, err, errlen, "out of memory");
			e->ecn_rates = r;
			r = &e->ecn_rates[e->necn_rates++];
			*r = (struct net_ecn_rate){ .rate_bps = rate, .pmax = -1 };
		}
		double v;
		if (net_parse_double(vs, &v, msg, sizeof(msg)) || !(v >= 0) ||
		    (which == 2 && v > 1) || (which < 2 && v > 1e12))
			return lfail(l, err, errlen, "entry %" PRIu64 ": \"%s\": expected %s", i + 1,
				     vs, which == 2 ? "a probability in [0, 1]" : "a size in KB");
		if (which == 2)
			r->pmax = v;
		else if (which == 0)
			r->kmin_bytes = (uint64_t)llround(v * 1000);
		else
			r->kmax_bytes = (uint64_t)llround(v * 1000);
	}
	return 0;
}

/* TRACE_FILE: "N" then N node ids: the nodes a pktsim trace records. */
static int trace_nodes(struct fe_experiment *e, const struct cfgline *l, const char *path,
		       char *err, size_t errlen)
{
	struct topo_ns3_text t;
	char msg[160];
	int line;
	uint64_t n, id;
	if (topo_ns3_text_open(&t, path, err, errlen))
		return -1;
	const char *tok = topo_ns3_text_next(&t, &line);
	int rc = -1;
	if (!tok || net_parse_uint(tok, 1u << 24, &n, msg, sizeof(msg))) {
		net_fmt_err(err, errlen, "%s:%d: expected the number of nodes to trace", path, line);
		goto out;
	}
	free(e->trace.nodes);
	e->trace.nnodes = 0;
	if (!(e->trace.nodes = malloc((n ? n : 1) * sizeof(uint32_t)))) {
		lfail(l, err, errlen, "out of memory");
		goto out;
	}
	for (uint64_t i = 0; i < n; i++) {
		tok = topo_ns3_text_next(&t, &line);
		if (!tok || net_parse_uint(tok, UINT32_MAX, &id, msg, sizeof(msg))) {
			net_fmt_err(err, errlen, "%s:%d: node %" PRIu64 " of %" PRIu64 ": %s", path,
				    line, i + 1, n, tok ? msg : "the file ends early");
			goto out;
		}
		e->trace.nodes[e->trace.nnodes++] = (uint32_t)id;
	}
	rc = 0;
out:
	topo_ns3_text_close(&t);
	return rc;
}

/* key is one of the ", "-separated names in buf. */
static int listed(const char *buf, const char *key)
{
	size_t k = strlen(key);
	for (const char *p = buf; (p = strstr(p, key)); p += k)
		if ((p == buf || p[-1] == ' ') && (p[k] == ',' || p[k] == '\0'))
			return 1;
	return 0;
}

static void note(char *buf, size_t len, const char *key)
{
	size_t n = strlen(buf);
	if (listed(buf, key))
		return;
	snprintf(buf + n, len - n, "%s%s", n ? ", " : "", key);
}

/* Keys of the ns-3 program that change nothing pktsim models. */
static const char *const unmodelled[] = {
	"ENABLE_TRACE", "TRACE_OUTPUT_FILE", "INT_MULTI", "U_TARGET", "MI_THRESH", "FAST_REACT",
	"MULTI_RATE", "SAMPLE_FEEDBACK", "NIC_TOTAL_PAUSE_TIME", "LINK_DOWN", "DCTCP_RATE_AI",
	"PINT_LOG_BASE", "PINT_PROB",
	"RATE_ON_FIRST_CNP", "TIMELY_T_LOW", "TIMELY_T_HIGH", "TIMELY_BETA", "TIMELY_ALPHA",
	"USE_DYNAMIC_PFC_THRESHOLD", "L2_WAIT_FOR_ACK",
};

static const char *const cc_names[] = {
	[1] = "DCQCN", [3] = "HPCC", [7] = "TIMELY", [8] = "DCTCP", [10] = "HPCC-PINT",
};

static int apply(struct fe_experiment *e, const struct cfgline *l, char *unm, size_t unmlen,
		 char *unk, size_t unklen, char **trace_file, int *back_to_zero, char *err,
		 size_t errlen)
{
	const char *k = l->key;
	uint64_t u;
	double d;
	if (!strcmp(k, "CC_MODE")) {
		if (get_uint(l, 0, 1000, &u, err, errlen))
			return -1;
		if (u != 1)
			return lfail(l, err, errlen, "%" PRIu64 "%s%s%s is not modelled by pktsim yet; it "
				     "has CC_MODE 1 (DCQCN)", u,
				     u < 11 && cc_names[u] ? " (" : "",
				     u < 11 && cc_names[u] ? cc_names[u] : "",
				     u < 11 && cc_names[u] ? ")" : "");
		snprintf(e->cc, sizeof(e->cc), "dcqcn");
		return 0;
	}
	if (!strcmp(k, "ENABLE_QCN")) {
		if (get_uint(l, 0, 1, &u, err, errlen))
			return -1;
		e->ecn_enabled = (int)u;
		return 0;
	}
	if (!strcmp(k, "PACKET_PAYLOAD_SIZE")) {
		if (get_uint(l, 64, 65536, &u, err, errlen))
			return -1;
		e->mtu_bytes = (uint32_t)u;
		return 0;
	}
	if (!strcmp(k, "L2_ACK_INTERVAL")) {
		/* Bytes in that code, but its receiver resets the ACK milestone
		 * at every packet, so any positive value ACKs every packet. */
		if (get_uint(l, 1, UINT32_MAX, &u, err, errlen))
			return -1;
		e->ack_every = 1;
		return 0;
	}
	if (!strcmp(k, "L2_BACK_TO_ZERO")) {
		if (get_uint(l, 0, 1, &u, err, errlen))
			return -1;
		*back_to_zero = u ? l->line : 0;
		return 0;
	}
	if (!strcmp(k, "L2_CHUNK_SIZE"))
		return get_uint(l, 0, UINT32_MAX, &e->ns3_chunk_bytes, err, errlen);
	if (!strcmp(k, "HAS_WIN") || !strcmp(k, "GLOBAL_T") || !strcmp(k, "VAR_WIN")) {
		if (get_uint(l, 0, UINT32_MAX, &u, err, errlen))
			return -1;
		*(!strcmp(k, "HAS_WIN") ? &e->ns3_win : !strcmp(k, "GLOBAL_T") ? &e->ns3_global_t
									 : &e->ns3_var_win) = u != 0;
		return 0;
	}
	if (!strcmp(k, "RATE_BOUND")) {
		if (get_uint(l, 0, 1, &u, err, errlen))
			return -1;
		e->pace_at_line_rate = !u;
		return 0;
	}
	if (!strcmp(k, "ACK_HIGH_PRIO")) {
		if (get_uint(l, 0, 1, &u, err, errlen))
			return -1;
		e->ack_first_at_nic = (int)u;
		return 0;
	}
	if (!strcmp(k, "EWMA_GAIN")) {
		if (get_double(l, 0, 1, &d, err, errlen))
			return -1;
		return cc_param(e, l, "g", "%.17g", d) ? lfail(l, err, errlen, "out of memory") : 0;
	}
	if (!strcmp(k, "ALPHA_RESUME_INTERVAL"))
		return cc_us(e, l, "alpha_timer", err, errlen);
	if (!strcmp(k, "RATE_DECREASE_INTERVAL"))
		return cc_us(e, l, "rate_decrease_interval", err, errlen);
	if (!strcmp(k, "RP_TIMER"))
		return cc_us(e, l, "rate_timer", err, errlen);
	if (!strcmp(k, "FAST_RECOVERY_TIMES")) {
		if (get_uint(l, 1, 100, &u, err, errlen))
			return -1;
		return cc_param(e, l, "fast_recovery", "%" PRIu64, u)
			       ? lfail(l, err, errlen, "out of memory") : 0;
	}
	if (!strcmp(k, "RATE_AI"))
		return cc_rate(e, l, "rai", err, errlen);
	if (!strcmp(k, "RATE_HAI"))
		return cc_rate(e, l, "rhai", err, errlen);
	if (!strcmp(k, "MIN_RATE"))
		return cc_rate(e, l, "min_rate", err, errlen);
	if (!strcmp(k, "CLAMP_TARGET_RATE")) {
		if (get_uint(l, 0, 1, &u, err, errlen))
			return -1;
		return cc_param(e, l, "clamp_target", "%" PRIu64, u)
			       ? lfail(l, err, errlen, "out of memory") : 0;
	}
	if (!strcmp(k, "KMIN_MAP"))
		return ecn_map(e, l, 0, err, errlen);
	if (!strcmp(k, "KMAX_MAP"))
		return ecn_map(e, l, 1, err, errlen);
	if (!strcmp(k, "PMAX_MAP"))
		return ecn_map(e, l, 2, err, errlen);
	if (!strcmp(k, "BUFFER_SIZE")) {
		if (get_double(l, 0, 1e6, &d, err, errlen))
			return -1;
		e->buffer_bytes = (uint64_t)llround(d * 1048576.0);
		if (!e->buffer_bytes)
			return lfail(l, err, errlen, "must be positive (MiB)");
		return 0;
	}
	if (!strcmp(k, "ERROR_RATE_PER_LINK")) {
		/* The loss rate of every link whose own topology rate is 0. */
		if (get_double(l, 0, 0.999999, &d, err, errlen))
			return -1;
		e->default_error_rate = d;
		return 0;
	}
	if (!strcmp(k, "SIMULATOR_STOP_TIME")) {
		if (get_double(l, 0, 1e6, &d, err, errlen))
			return -1;
		e->stop_ps = (uint64_t)llround(d * 1e12);
		if (!e->stop_ps)
			e->stop_ps = 1;
		return 0;
	}
	if (!strcmp(k, "TOPOLOGY_FILE")) {
		snprintf(e->topo_kind, sizeof(e->topo_kind), "ns3");
		e->topo_line = l->line;
		return get_path(l, &e->ns3_topology, err, errlen);
	}
	if (!strcmp(k, "FLOW_FILE"))
		return get_path(l, &e->ns3_flows, err, errlen);
	if (!strcmp(k, "TRACE_FILE"))
		return get_path(l, trace_file, err, errlen);
	if (!strcmp(k, "FCT_OUTPUT_FILE"))
		return get_path(l, &e->fct_path, err, errlen);
	if (!strcmp(k, "PFC_OUTPUT_FILE"))
		return get_path(l, &e->pfc_path, err, errlen);
	if (!strcmp(k, "QLEN_MON_FILE"))
		return get_path(l, &e->qlen_path, err, errlen);
	if (!strcmp(k, "QLEN_MON_START") || !strcmp(k, "QLEN_MON_END")) {
		if (get_uint(l, 0, UINT64_MAX / 1000, &u, err, errlen))
			return -1;
		*(!strcmp(k, "QLEN_MON_START") ? &e->qlen_start_ps : &e->qlen_end_ps) = u * 1000;
		return 0;
	}
	for (size_t i = 0; i < sizeof(unmodelled) / sizeof(unmodelled[0]); i++)
		if (!strcmp(k, unmodelled[i])) {
			note(unm, unmlen, k);
			return 0;
		}
	note(unk, unklen, k);
	return 0;
}

/* What --ns3 starts from: the ns3-hpcc profile, then that program's
 * defaults for keys a config may leave out (EWMA_GAIN's is 0: an integer
 * division); the keys then set the rest. */
static int ns3_defaults(struct fe_experiment *e)
{
	e->stop_ps = 3010 * NET_PS_PER_MS;
	int rc = fe_profile_ns3_hpcc(e);
	e->ns3_win = e->ns3_global_t = 1;     /* HAS_WIN and GLOBAL_T default to 1 */
	e->qlen_start_ps = 2000 * NET_PS_PER_MS;
	e->qlen_end_ps = 2100 * NET_PS_PER_MS;
	e->ack_first_at_nic = 0;              /* ACK_HIGH_PRIO's default */
	return rc || cc_param(e, NULL, "g", "0") ||
	       cc_param(e, NULL, "alpha_timer", "55us") ||
	       cc_param(e, NULL, "rate_decrease_interval", "4us") ||
	       cc_param(e, NULL, "fast_recovery", "5") || cc_param(e, NULL, "min_rate", "100Mbps");
}

/* Keys whose default in the ns-3 program does not run: pktsim says so
 * instead of guessing a value. */
static const struct {
	const char *key, *why;
} required[] = {
	{ "L2_ACK_INTERVAL", "its default 0 never acknowledges anything" },
	{ "RP_TIMER", "its default 0 would fire the rate-increase timer without end" },
	{ "RATE_AI", "its default is an empty rate" },
	{ "RATE_HAI", "its default is an empty rate" },
};
#define NREQUIRED (sizeof(required) / sizeof(required[0]))

int fe_ns3_config_load(const char *path, struct fe_experiment *e, char *err, size_t errlen)
{
	char unm[512] = "", unk[512] = "", *trace_file = NULL, *buf = NULL;
	unsigned seen = 0;                /* bit i: required[i] was given */
	int back_to_zero = 0;             /* its line, when 1 */
	size_t cap = 0;
	int rc = -1, lineno = 0;
	fe_experiment_init(e);
	FILE *f = NULL;
	if (!(e->path = strdup(path)) || !(e->dir = strdup(".")) || ns3_defaults(e)) {
		net_fmt_err(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (!(f = fopen(path, "r"))) {
		net_fmt_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	int cc_line = 0;
	while (getline(&buf, &cap, f) > 0) {
		struct cfgline l = { .path = path, .line = ++lineno };
		char *save = NULL, *t = strtok_r(buf, " \t\r\n", &save);
		if (!t || t[0] == '#')
			continue;
		l.key = t;
		while ((t = strtok_r(NULL, " \t\r\n", &save)) && l.ntok < MAX_TOK)
			l.tok[l.ntok++] = t;
		if (t) {
			lfail(&l, err, errlen, "more than %d values", MAX_TOK);
			goto out;
		}
		if (!strcmp(l.key, "CC_MODE"))
			cc_line = l.line;
		for (size_t i = 0; i < NREQUIRED; i++)
			if (!strcmp(l.key, required[i].key))
				seen |= 1u << i;
		if (apply(e, &l, unm, sizeof(unm), unk, sizeof(unk), &trace_file, &back_to_zero, err,
			  errlen))
			goto out;
	}
	if (ferror(f)) {
		net_fmt_err(err, errlen, "%s: read error: %s", path, strerror(errno));
		goto out;
	}
	e->cc_line = cc_line;
	for (size_t i = 0; i < NREQUIRED; i++)
		if (!(seen >> i & 1)) {
			net_fmt_err(err, errlen, "%s: %s is missing (in the ns-3 program %s)", path,
				    required[i].key, required[i].why);
			goto out;
		}
	/* The chunk counts only with L2_BACK_TO_ZERO; that code divides by it. */
	if (!back_to_zero) {
		e->ns3_chunk_bytes = 0;
	} else if (!e->ns3_chunk_bytes || e->ns3_chunk_bytes % e->mtu_bytes) {
		net_fmt_err(err, errlen, "%s:%d: L2_BACK_TO_ZERO: needs L2_CHUNK_SIZE, a positive "
			    "multiple of PACKET_PAYLOAD_SIZE (%u bytes; found %llu)", path, back_to_zero,
			    e->mtu_bytes, (unsigned long long)e->ns3_chunk_bytes);
		goto out;
	}
	if (!e->ns3_topology || !e->ns3_flows) {
		net_fmt_err(err, errlen, "%s: %s is missing (the ns-3 program needs TOPOLOGY_FILE "
			    "and FLOW_FILE)", path, !e->ns3_topology ? "TOPOLOGY_FILE" : "FLOW_FILE");
		goto out;
	}
	e->ecn_rates_only = e->necn_rates > 0 && e->ecn_enabled;
	for (size_t i = 0; i < e->necn_rates; i++) {
		struct net_ecn_rate *r = &e->ecn_rates[i];
		if (!r->kmax_bytes || r->pmax < 0) {
			net_fmt_err(err, errlen, "%s: KMIN_MAP, KMAX_MAP and PMAX_MAP must list the same "
				    "rates (%" PRIu64 " b/s is missing from %s)", path, r->rate_bps,
				    !r->kmax_bytes ? "KMAX_MAP" : "PMAX_MAP");
			goto out;
		}
		if (r->kmin_bytes > r->kmax_bytes) {
			net_fmt_err(err, errlen, "%s: at %" PRIu64 " b/s, Kmin is above Kmax", path,
				    r->rate_bps);
			goto out;
		}
	}
	if (fe_load_ns3_flows(e->ns3_flows, e, err, errlen))
		goto out;
	if (trace_file && trace_nodes(e, &(struct cfgline){ .path = path, .key = "TRACE_FILE" },
				      trace_file, err, errlen))
		goto out;
	size_t n = 0;
	if (unm[0])
		n += (size_t)snprintf(e->warnings + n, sizeof(e->warnings) - n,
				      "%s: not modelled by pktsim, ignored: %s", path, unm);
	if (unk[0] && n < sizeof(e->warnings))
		snprintf(e->warnings + n, sizeof(e->warnings) - n, "%s%s: unknown keys, ignored as the "
			 "ns-3 program ignores them: %s", n ? "; " : "", path, unk);
	rc = 0;
out:
	if (f)
		fclose(f);
	free(buf);
	free(trace_file);
	if (rc)
		fe_experiment_free(e);
	return rc;
}
