/*
 * tests/scenario.h - write an experiment (and optional ns-3 files) into a
 * fresh temporary directory, load it and build the simulation.
 */
#ifndef PKTSIM_TESTS_SCENARIO_H
#define PKTSIM_TESTS_SCENARIO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/experiment.h"
#include "frontend/sim.h"

struct scen {
	char dir[64];
	struct fe_experiment exp;
	struct sim *sim;
	char err[1024];
};

static inline void scen_write(struct scen *sc, const char *name, const char *text)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/%s", sc->dir, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Returns 0 when the experiment loaded and the sim was created. Extra files
 * are (name, text) pairs ending with NULL. */
static inline int scen_open(struct scen *sc, const char *yaml, const char *const *files,
			    const struct sim_opts *opts)
{
	memset(sc, 0, sizeof(*sc));
	strcpy(sc->dir, "/tmp/pktsim-test-XXXXXX");
	if (!mkdtemp(sc->dir))
		return -1;
	for (int i = 0; files && files[i]; i += 2)
		scen_write(sc, files[i], files[i + 1]);
	scen_write(sc, "exp.yaml", yaml);
	char p[128];
	snprintf(p, sizeof(p), "%s/exp.yaml", sc->dir);
	if (fe_experiment_load(p, &sc->exp, sc->err, sizeof(sc->err)))
		return -1;
	return sim_create(&sc->exp, opts, &sc->sim, sc->err, sizeof(sc->err));
}

static inline int scen_run(struct scen *sc)
{
	if (sim_post_workload(sc->sim) || sim_run(sc->sim)) {
		snprintf(sc->err, sizeof(sc->err), "%s", sim_errmsg(sc->sim));
		return -1;
	}
	return sim_finish(sc->sim, 0, sc->err, sizeof(sc->err));
}

static inline void scen_close(struct scen *sc)
{
	sim_destroy(sc->sim);
	fe_experiment_free(&sc->exp);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sc->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", sc->dir);
}

#endif
