/*
 * frontend/validate.h - `pktsim validate`: the size sweep of an experiment's
 * collectives against the analytical models, as CSV and SVG.
 */
#ifndef PKTSIM_FRONTEND_VALIDATE_H
#define PKTSIM_FRONTEND_VALIDATE_H

#include <stddef.h>
#include <stdio.h>

/* Sweep sizes FROM..TO (units as in experiment files), multiplying by
 * factor, for each algorithm in the comma list algos (NULL: the file's);
 * write PREFIX.csv and PREFIX.svg; progress lines to log (may be NULL). With
 * attribute, each point also runs without CC and then without PFC (and an
 * unbounded buffer), splitting contention into cc, pfc_or_drops, queueing.
 * Returns 0, 1 (bad input or failed run) or 2 (bad arguments), err set. */
int fe_validate(const char *path, const char *sizes, unsigned factor, const char *algos,
		int attribute, const char *prefix, FILE *log, char *err, size_t errlen);

#endif
