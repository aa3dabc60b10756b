/*
 * frontend/summary.h - the run summary, for people (text) and scripts (JSON,
 * keys of DESIGN.md section 4). Times are printed in ns with three decimals
 * (exact: the engine counts ps) and, in JSON, also as integer ps.
 */
#ifndef PKTSIM_FE_SUMMARY_H
#define PKTSIM_FE_SUMMARY_H

#include <stdio.h>

#include "frontend/sim.h"

struct fe_run_info {
	const char *experiment;
	double wall_s;               /* the run loop only (not loading) */
	long peak_rss_kb;            /* the process's peak resident set */
	int stats;                   /* JSON: add machine measurements beyond wall_s */
	int interrupted;
	int conservation_ok;
};

void fe_summary_text(FILE *out, const struct sim *s, const struct fe_run_info *ri);
void fe_summary_json(FILE *out, const struct sim *s, const struct fe_run_info *ri);

#endif
