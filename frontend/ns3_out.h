/*
 * frontend/ns3_out.h - the output files of the HPCC ns-3 code, so that
 * users' analysis scripts read pktsim's runs unchanged (doc/ns3.md):
 *
 *   FCT file: a line per message when its sender has the last byte
 *     acknowledged: "sip dip sport dport size start_ns fct_ns
 *     standalone_fct_ns", IPs as 8 hex digits.
 *   PFC file: a line per PFC frame a port receives: "time_ns node
 *     node_type ifindex type" (node_type 0 host, 1 switch; ifindex the
 *     port's index + 1; type 1 PAUSE, 0 RESUME).
 */
#ifndef PKTSIM_FE_NS3_OUT_H
#define PKTSIM_FE_NS3_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "frontend/experiment.h"
#include "net/net.h"
#include "transport/rdma.h"

struct fe_ns3_out;

/* Open the files e names (fct_path, pfc_path; either may be NULL: then
 * *out is NULL too) and hook the PFC file to net. 0, or -1 with err. */
int fe_ns3_out_open(struct fe_ns3_out **out, const struct fe_experiment *e, struct net *net,
		    const struct tp *tp, char *err, size_t errlen);
/* qp completed now (its sender has every byte acknowledged). */
void fe_ns3_out_fct(struct fe_ns3_out *o, const struct tp_qp *qp, uint16_t dport, uint64_t now_ps);
/* Close; 0, or -1 with err when a write failed. NULL is fine. */
int fe_ns3_out_close(struct fe_ns3_out *o, char *err, size_t errlen);

/* Host i's IPv4 address as the HPCC code assigns it: 11.x.y.1. */
static inline uint32_t fe_ns3_ip(uint32_t node)
{
	return 0x0b000001u + ((node / 256) << 16) + ((node % 256) << 8);
}

/* The standalone FCT the HPCC code prints beside each flow, in ns: the
 * pair's base RTT (twice the propagation delay plus a payload's
 * serialization at every hop, each truncated to whole ns) plus the message
 * with a header per packet at the path's slowest rate. */
uint64_t fe_ns3_standalone_ns(const struct net *net, const struct tp *tp, const struct tp_qp *qp);

/* That code's bandwidth-delay product of a pair, in bytes: base RTT (as
 * above, ns) x the path's slowest rate / 8, integer. */
uint64_t fe_ns3_pair_bdp(const struct net *net, uint32_t mtu, uint32_t src, uint32_t dst,
			 uint32_t hash);
/* The largest pair BDP over all host pairs (GLOBAL_T), found as that code
 * finds it: a breadth-first search from every host through switches,
 * accumulating along the first path that reaches each node. 0 out of
 * memory or without hosts. */
uint64_t fe_ns3_max_bdp(const struct net *net, uint32_t mtu);

#endif
