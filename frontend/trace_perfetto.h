/*
 * frontend/trace_perfetto.h - `pktsim trace perfetto`: a native trace as
 * Chrome / Perfetto Trace Event JSON (layout in doc/trace-format.md,
 * "Converting to Perfetto").
 */
#ifndef PKTSIM_FE_TRACE_PERFETTO_H
#define PKTSIM_FE_TRACE_PERFETTO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/trace_conv.h"

struct fe_perfetto_opts {
	const char *out;             /* NULL: the trace's name with .json */
	uint64_t bucket_ps;          /* counter interval; 0: 1 us */
	int packets;                 /* a slice per transmission on the port tracks */
	int salvage;
	struct fe_tfilter filter;
};

int fe_trace_perfetto(const char *trace, const struct fe_perfetto_opts *o, FILE *log, char *err,
		      size_t errlen);

#endif
