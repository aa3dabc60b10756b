/*
 * frontend/trace_plot.h - `pktsim trace plot`: SVG plots of a native trace,
 * each with a CSV of the numbers it draws (definitions in
 * doc/trace-format.md, "Plots"):
 *
 *   queues.svg       queue depth over time of the ports with the deepest
 *                    queues (the deepest depth in each time bucket);
 *   throughput.svg   per-flow goodput at the receiver (payload bytes, each
 *                    spread over the time its frame took to arrive);
 *   rate.svg         per-flow congestion-control rate (time-weighted mean
 *                    per bucket), when the trace has rate records;
 *   utilization.svg  a heat map of link utilization, port x time bucket
 *                    (the time each port spent serializing, per bucket).
 *
 * Two streaming passes over the trace: the first picks the ports and flows
 * to draw (by the statistics of `trace stats`), the second fills their time
 * buckets. Memory: per drawn series, one value per bucket.
 */
#ifndef PKTSIM_FE_TRACE_PLOT_H
#define PKTSIM_FE_TRACE_PLOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/trace_conv.h"

#define FE_PLOT_BUCKETS 400      /* automatic bucket width: at most this many */
#define FE_PLOT_MAX_BUCKETS 100000
#define FE_PLOT_MAX_LINES 16
#define FE_PLOT_MAX_CELLS (1 << 24) /* heat-map buckets x rows: 128 MiB */

struct fe_plot_opts {
	const char *dir;             /* created if missing */
	uint64_t bucket_ps;          /* 0: the round width giving <= FE_PLOT_BUCKETS */
	unsigned top;                /* ports and flows drawn as lines; 0: 8 */
	unsigned rows;               /* ports in the heat map; 0: 64 */
	int salvage;
	struct fe_tfilter filter;    /* --nodes: ports drawn; --flows: flows drawn;
				      * --start/--end: the time window */
};

/* Write the plots into o->dir and a line per file on log. 0, or -1 with err
 * (no file of this call is left behind then). */
int fe_trace_plot(const char *trace, const struct fe_plot_opts *o, FILE *log, char *err,
		  size_t errlen);

#endif
