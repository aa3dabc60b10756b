/*
 * frontend/trace_stats.h - `pktsim trace stats`: per-port, per-flow and
 * host-pair statistics computed from a native trace alone, by the same
 * definitions the run's summary uses (so the two can be compared), and
 * `pktsim trace plot`, which draws them over time.
 *
 * Per port (from enq, tx, ecn, pfc and drop records): frames and bytes sent,
 * utilization (bytes x 8 / (rate x run time)), the time-weighted queue
 * depth (all classes together: p50, p99, mean, max; rebuilt from the depth
 * each enq and tx record reports), ECN marks, PFC PAUSE/RESUME frames sent
 * and received, the time its transmitter was paused (summed over classes),
 * drops. Per flow (message records; retransmits from the source's tx
 * records): size, start, FCT, throughput. The traffic matrix: message bytes
 * per (source, destination) host pair.
 */
#ifndef PKTSIM_FE_TRACE_STATS_H
#define PKTSIM_FE_TRACE_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/trace_conv.h"
#include "net/net.h"

struct fe_pstat {
	uint64_t tx_pkts, tx_bytes;
	uint64_t ecn_marks;
	uint64_t pauses_sent, resumes_sent, pfc_received;
	uint64_t drops;
	uint64_t paused_ps;
	uint64_t max_queue_bytes;
	uint64_t *qh;                /* [NET_QH_BUCKETS] time at each depth, or NULL */
	/* rebuilding state */
	struct fe_tqueue q;
	uint64_t last_ps;
	uint8_t paused;
	uint64_t paused_since[NET_NPRIO], pause_until[NET_NPRIO];
};

struct fe_fstat {
	uint32_t id;
	uint32_t src, dst;
	uint64_t bytes;
	uint64_t start_ps, delivered_ps, done_ps;   /* UINT64_MAX: not seen */
	uint64_t retx;
	uint8_t seen;
};

struct fe_tstats {
	struct fe_ttopo topo;
	struct fe_pstat *port;       /* [topo.nports] */
	struct fe_fstat *flow;       /* [nflows], in id order */
	size_t nflows;
	uint64_t end_ps;             /* END's time, or the last record's */
	int have_end, queues_known;  /* the filter kept enq and tx records */
	uint64_t records;
};

/* Read the whole trace into st (streaming; memory per port and flow).
 * salvage: stop quietly at damage (warning on stderr). 0 or -1 with err. */
int fe_tstats_read(const char *trace, const struct fe_tfilter *f, int salvage,
		   struct fe_tstats *st, char *err, size_t errlen);
void fe_tstats_free(struct fe_tstats *st);

enum fe_stats_table { FE_ST_ALL, FE_ST_PORTS, FE_ST_FLOWS, FE_ST_MATRIX };

/* Print as text (aligned tables) or CSV (table ALL: the three, separated by
 * an empty line; otherwise that one table alone). */
int fe_tstats_print(const struct fe_tstats *st, FILE *out, int csv, enum fe_stats_table t);

#endif
