/*
 * frontend/ns3_config.h - `pktsim run --ns3 config.txt`: an HPCC ns-3
 * experiment directory run as it is. The config's "KEY value" lines become
 * an experiment (doc/ns3.md lists each key and what it sets); the topology,
 * flow and trace-node files it names are read in their own formats, and the
 * FCT and PFC output files are written in that code's formats. Paths are
 * relative to the working directory, as for the ns-3 program.
 */
#ifndef PKTSIM_FE_NS3_CONFIG_H
#define PKTSIM_FE_NS3_CONFIG_H

#include <stddef.h>

#include "frontend/experiment.h"

/* Load path into exp (which it initialises). Keys pktsim does not model are
 * named in exp->warnings; a value it cannot honour (another CC_MODE, a
 * window) is an error. 0, or -1 with "FILE:LINE: KEY: ..." in err. */
int fe_ns3_config_load(const char *path, struct fe_experiment *exp, char *err, size_t errlen);

#endif
