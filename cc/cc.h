/*
 * cc/cc.h - the congestion-control plug-in point.
 *
 * An algorithm is a static const ops table (Linux tcp_congestion_ops style):
 * a name, the size of its per-flow private state (the framework allocates it),
 * its configuration struct size with a parameter table (so experiment files
 * and the server set parameters by name, with units and range checks), and
 * hooks the transport calls. The transport reads only the generic fields of
 * struct cc_flow (rate_bps, window_bytes) before each packet: a new rate
 * applies from the next packet. Flags declare which generic signals an
 * algorithm needs (e.g. receiver CNP generation), so transport/ and net/
 * never test for a particular algorithm.
 *
 * Units: rates in bits/s, times in ps, sizes in bytes.
 */
#ifndef PKTSIM_CC_H
#define PKTSIM_CC_H

#include <stddef.h>
#include <stdint.h>

#include "net/engine.h"
#include "net/rng.h"

enum cc_flags {
	CC_F_NEEDS_CNP = 1u << 0,    /* receiver sends CNPs on CE-marked data */
	CC_F_USES_WINDOW = 1u << 1,  /* window_bytes limits bytes in flight */
};

/* CC_P_RATE, _TIME, _BYTES and _UINT are stored as uint64_t, CC_P_DOUBLE as
 * double. CC_P_STRING (a file path, an address) is stored as a fixed char
 * array inside the config, so that the config stays one flat block the
 * transport can copy: its `max` is the array's size in bytes (NUL
 * included) and its `min` the shortest length accepted. CC_P_PATH is a
 * CC_P_STRING naming a file: a caller reading a config file resolves a
 * relative path against that file's directory before setting it. */
enum cc_param_type { CC_P_RATE, CC_P_TIME, CC_P_BYTES, CC_P_DOUBLE, CC_P_UINT, CC_P_STRING,
		     CC_P_PATH };

static inline int cc_param_is_text(enum cc_param_type t)
{
	return t == CC_P_STRING || t == CC_P_PATH;
}

/* The parameter table entry for `name`, or NULL. */
struct cc_ops;
const struct cc_param *cc_param_find(const struct cc_ops *ops, const char *name);

struct cc_param {
	const char *name;
	enum cc_param_type type;
	size_t offset;               /* into the algorithm's config struct */
	double min, max;             /* inclusive range, in the base unit (strings: above) */
	const char *help;
};

/* The generic per-flow state the transport sees. The algorithm sets the rate
 * through cc_set_rate() (so the transport hears of it and re-paces) and may
 * set window_bytes directly. The signal counters are cumulative, kept by the
 * transport; an algorithm that samples per interval keeps its own previous
 * values. */
struct cc_flow {
	uint64_t rate_bps;           /* current sending rate; <= line_rate_bps */
	uint64_t line_rate_bps;      /* the NIC port's rate */
	uint64_t window_bytes;       /* UINT64_MAX when unlimited */
	uint64_t base_rtt_ps;        /* idle-path RTT of an MTU data packet + ACK */
	uint32_t mtu_bytes;
	uint32_t flow_id;
	struct net_engine *eng;      /* for timers */
	struct net_rng *rng;         /* the flow's own stream */
	const void *cfg;             /* the algorithm's config (shared, read-only) */
	void *shared;                /* shared_size bytes per simulation (timer lists...) */
	void *priv;                  /* priv_size bytes, zeroed, owned by the framework */
	/* Receiver side (NP): with CC_F_NEEDS_CNP, the transport sends a CNP for
	 * a CE-marked data packet unless it sent one for this flow less than
	 * cnp_interval_ps ago (0: one per marked packet). Set by init. */
	uint64_t cnp_interval_ps;
	/* Signals (cumulative, kept by the transport). */
	uint64_t tx_bytes, tx_pkts;  /* data sent, wire bytes and packets */
	uint64_t acks, ecn_echoes;   /* ACKs received; of them echoing a CE mark */
	uint64_t cnps, nacks, rtos;  /* CNPs and NACKs received, timeouts */
	uint64_t rtt_ps;             /* last RTT sample (0: none yet) */
	uint64_t rtt_samples;
	/* Set by the transport: called after the rate changed. */
	void (*rate_notify)(struct cc_flow *f);
	void *owner;
};

/* Set the sending rate, clamped to [1 b/s, line rate]; the transport re-paces
 * the flow from its last packet. */
static inline void cc_set_rate(struct cc_flow *f, uint64_t bps)
{
	if (bps > f->line_rate_bps)
		bps = f->line_rate_bps;
	if (bps == 0)
		bps = 1;
	if (bps == f->rate_bps)
		return;
	f->rate_bps = bps;
	if (f->rate_notify)
		f->rate_notify(f);
}

struct cc_ack_info {
	uint64_t acked_bytes;        /* newly acknowledged */
	uint64_t rtt_ps;             /* 0 if not measured */
	int ecn_echo;                /* ACK carried a congestion mark echo */
};

struct cc_ops {
	const char *name;
	size_t priv_size;            /* per flow, zeroed */
	size_t cfg_size;             /* the config struct the parameter table fills */
	size_t shared_size;          /* per simulation, zeroed (e.g. timer lists) */
	unsigned flags;
	const struct cc_param *params;
	size_t nparams;
	/* Fill cfg with the algorithm's defaults (required when cfg_size > 0). */
	void (*defaults)(void *cfg);
	/* Apply a named preset to cfg (optional; the framework applies the
	 * "preset" key before every other parameter, whatever their order).
	 * Unknown name: -1 with a message listing the presets. */
	int (*preset)(void *cfg, const char *name, char *err, size_t errlen);
	/* Validate a whole config after parameters are set (optional). */
	int (*check)(const void *cfg, char *err, size_t errlen);
	/* Per simulation, before any flow: set up shared state (optional). */
	int (*shared_init)(void *shared, const void *cfg, struct net_engine *eng);
	void (*shared_fini)(void *shared);
	/* Required: set the initial rate/window (f->rate_bps starts at line rate). */
	void (*init)(struct cc_flow *f);
	/* The flow completed (all acknowledged) or is torn down: stop its
	 * timers. Called exactly once per initialised flow (optional). */
	void (*release)(struct cc_flow *f);
	void (*on_send)(struct cc_flow *f, uint32_t wire_bytes);     /* optional */
	void (*on_ack)(struct cc_flow *f, const struct cc_ack_info *a); /* optional */
	void (*on_nack)(struct cc_flow *f);                          /* optional */
	void (*on_cnp)(struct cc_flow *f);                           /* optional */
	void (*on_rto)(struct cc_flow *f);                           /* optional */
};

/* Registry (an array of every built-in algorithm). NULL if unknown. */
const struct cc_ops *cc_find(const char *name);
/* The names, comma separated, for error messages and --help. */
const char *cc_names(void);
/* Checks an ops table: name, init, defaults when cfg_size > 0, unique name.
 * Used by the registry self-test. */
int cc_ops_check(const struct cc_ops *const *tab, size_t n, char *err, size_t errlen);
/* The built-in registry passes cc_ops_check (a test asserts it). */
int cc_registry_check(char *err, size_t errlen);

/* Set parameter `name` of cfg from text with units (e.g. "40Mbps", "55us",
 * "10MB", "0.0039"); range-checked. A CC_P_STRING parameter takes the text
 * as it is, length-checked against its array. Errors name the parameter. */
int cc_param_set(const struct cc_ops *ops, void *cfg, const char *name, const char *value,
		 char *err, size_t errlen);

/* Build an algorithm's config from (name, value) pairs: defaults, then the
 * "preset" pair if any, then every other pair in order, then the check hook.
 * On error *bad is the index of the offending pair (or -1 for the whole
 * config) and err says what was expected. cfg holds ops->cfg_size bytes. */
int cc_config_build(const struct cc_ops *ops, void *cfg, const char *const *names,
		    const char *const *values, size_t n, int *bad, char *err, size_t errlen);

#endif
