/*
 * topo/astra.h - ASTRA-sim network files (the analytical backend's YAML)
 * read as a multi-dim topology description.
 *
 * Units on the way in are ASTRA-sim's: bandwidth in GB/s per link with
 * GB = 2^30 bytes, latency in ns per link. On the way out they are pktsim's:
 * p->md[d].link.rate_bps in bits/s, p->md[d].link.delay_ps in ps.
 */
#ifndef PKTSIM_TOPO_ASTRA_H
#define PKTSIM_TOPO_ASTRA_H

#include <stddef.h>

#include "topo/topo.h"

/*
 * Read the network YAML at path:
 *
 *   topology:   [Ring, FullyConnected, Switch]   (also ring, fully-connected, switch)
 *   npus_count: [2, 4, 4]
 *   bandwidth:  [50, 25, 12.5]                   GB/s, GB = 2^30 bytes
 *   latency:    [500, 500.5, 1000]               ns
 *
 * four lists of the same length, 1..TOPO_MAX_DIMS, dimension 0 first (it
 * varies fastest in NPU ids). On success p->kind = "multi-dim" (a static
 * string), p->nmd and p->md[0..nmd-1] are set, md[nmd..] zeroed, every other
 * field of p left as the caller had it; returns 0. Top-level keys the model
 * does not use are not errors (ASTRA-sim files carry their own extras): they
 * are listed in warn as "PATH: keys not modelled by pktsim: foo, bar", and
 * warn is "" when there are none (warn may be NULL).
 *
 * On failure returns NET_ERR_INVAL (NET_ERR_IO if the file cannot be opened,
 * NET_ERR_NOMEM) with "PATH:LINE: KEY: message" in err (YAML syntax errors:
 * "PATH:LINE:COLUMN: YAML syntax error: ...", like the experiment loader),
 * and p untouched.
 */
int topo_load_astra(const char *path, struct topo_params *p, char *err, size_t errlen,
		    char *warn, size_t warnlen);

#endif
