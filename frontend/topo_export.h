/*
 * frontend/topo_export.h - a built topology for people and tools: Graphviz
 * DOT, JSON, and a one-line text summary.
 *
 * JSON carries exact integers in pktsim's units (rate_bps in bits/s,
 * delay_ps in ps); DOT labels and the text summary use human units
 * (100 Gb/s, 1 us, 6.4 Tb/s) rounded to three decimals.
 */
#ifndef PKTSIM_FE_TOPO_EXPORT_H
#define PKTSIM_FE_TOPO_EXPORT_H

#include <stdio.h>

#include "topo/analysis.h"
#include "topo/topo.h"

/*
 * `graph pktsim { ... }`: hosts as boxes, switches as ellipses, each node
 * named and labelled by its id; one edge per link, in link order, labelled
 * "RATE, DELAY" (and ", loss P" when the link drops packets); a one-way link
 * is an edge with dir=forward from a to b. The graph's name, when set, is
 * the graph label. Returns 0, or -1 if writing failed.
 */
int fe_topo_dot(const struct topo_graph *g, FILE *out);

/*
 * One JSON object:
 *   {"name", "hosts", "switches", "link_count", "diameter", "bisection_bps",
 *    "capacity_bps", "nodes": [{"id", "kind"}],
 *    "links": [{"a", "b", "rate_bps", "delay_ps", "error_rate", "one_way"}]}
 * kind is "host" or "switch"; diameter is null when some host pair is
 * unreachable (or it could not be computed), bisection_bps null when
 * unknown. s may be NULL: the summary is then computed from g alone (no
 * bisection). Returns 0, or -1 if writing failed.
 */
int fe_topo_json(const struct topo_graph *g, const struct topo_summary *s, FILE *out);

/* "NAME: hosts 128, switches 80, links 384, diameter 6 hops,
 * bisection 6.4 Tb/s, capacity 76.8 Tb/s" and a newline. */
void fe_topo_text(const struct topo_summary *s, FILE *out);

#endif
