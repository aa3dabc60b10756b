/*
 * net/net.h - the packet path: nodes, ports, links, switches, NIC ports,
 * routing with ECMP, and the counters that prove packet conservation.
 *
 * A port owns one direction of a full-duplex link: its transmitter (8
 * strict-priority queues plus a control queue, served highest class first)
 * and the wire toward the peer (a FIFO "pipe" of packets in flight, with one
 * pending event for the head's arrival: htsim's trick, so a link costs one
 * event however many packets it carries). Store-and-forward: a packet of W
 * bytes leaving at t arrives whole at t + W*8/rate + delay. A transmitter
 * schedules its "free" event only when something is waiting, so an idle or
 * lightly used port costs nothing.
 *
 * A host's port can also pull packets from a source (the transport's queue
 * pairs), per class: strict priority applies between the source's classes
 * and the queues' alike, and within one class transit packets alternate with
 * the source round-robin. A switch has one shared buffer
 * (tail drop, counted by reason) and per-(ingress port, class) accounting
 * for PFC. Routing is shortest path; among equal-cost next hops the choice is
 * a hash of the flow and a per-node salt drawn from the seed (deterministic,
 * and different seeds give different choices).
 */
#ifndef PKTSIM_NET_H
#define PKTSIM_NET_H

#include <stddef.h>
#include <stdint.h>

#include "net/engine.h"
#include "net/pkt.h"
#include "net/rng.h"

struct topo_graph;
struct net_trace;

#define NET_CTRL_Q NET_NPRIO         /* index of the control queue */
#define NET_NQ (NET_NPRIO + 1)

#define NET_PFC_FRAME_BYTES 64       /* MAC control frame, padded to the minimum */

enum net_drop_reason {
	NET_DROP_BUFFER = 0,         /* switch shared buffer exhausted */
	NET_DROP_LINK_ERROR = 1,     /* lost on the wire (link error rate) */
	NET_DROP_NO_ROUTE = 2,       /* no path to the destination */
	NET_DROP_NREASONS
};
extern const char *const net_drop_reason_names[NET_DROP_NREASONS];

/* Time-weighted histogram of a port's queued bytes (all classes):
 * log-linear buckets, exact below 16 B, then 8 per power of two (each
 * bucket 1/8 of an octave wide, so a percentile is within ~9%). */
#define NET_QH_BUCKETS 272
struct net_qhist {
	uint64_t last_ps;            /* when queued_bytes last changed */
	uint64_t ps[NET_QH_BUCKETS]; /* time spent at each depth */
};

static inline uint32_t net_qh_bucket(uint64_t q)
{
	if (q < 16)
		return (uint32_t)q;
	uint32_t e = 63u - (uint32_t)__builtin_clzll(q);
	if (e > 35)
		return NET_QH_BUCKETS - 1;
	return 16 + (e - 4) * 8 + (uint32_t)((q >> (e - 3)) & 7);
}

/* [lo, hi) of a bucket, in bytes. */
static inline void net_qh_range(uint32_t b, uint64_t *lo, uint64_t *hi)
{
	if (b < 16) {
		*lo = b;
		*hi = b + 1;
		return;
	}
	uint32_t e = (b - 16) / 8 + 4, s = (b - 16) % 8;
	*lo = (uint64_t)(8 + s) << (e - 3);
	*hi = *lo + (1ull << (e - 3));
}

struct net_port;

/* The depth below which the port spent fraction `f` of the time up to
 * end_ps (linear within the bucket). */
uint64_t net_qhist_percentile(const struct net_port *port, double f, uint64_t end_ps);
/* Time-weighted mean depth up to end_ps. */
double net_qhist_mean(const struct net_port *port, uint64_t end_ps);
/* The same over a histogram held elsewhere (`trace stats` rebuilds one
 * from a trace): ps[b] is the time spent in bucket b, max_bytes the
 * deepest queue seen. */
uint64_t net_qh_percentile(const uint64_t ps[NET_QH_BUCKETS], double f, uint64_t max_bytes);
double net_qh_mean(const uint64_t ps[NET_QH_BUCKETS]);

struct net_queue {
	struct net_pkt *head, *tail;
	uint64_t bytes;
	uint32_t pkts;
};

struct net_node;
struct net_port;

/* Fields are ordered by how often a packet-hop touches them (the first two
 * cache lines carry the wire and the transmitter's state, then the events
 * and counters, then per-class queues); PFC state, used only on pauses,
 * comes last. Reordering is free: nothing depends on the layout. */
struct net_port {
	/* line 0: the wire and the transmitter's state */
	struct net_pkt *pipe_head, *pipe_tail;
	uint64_t busy_until_ps;      /* transmitter serializing until then */
	uint64_t ps_per_byte;        /* 8e12/rate when exact, else 0 */
	uint64_t delay_ps;
	struct net_node *node;
	struct net_port *peer;       /* the port at the other end */
	uint16_t nonempty;           /* bit c: q[c] has packets */
	uint8_t paused;              /* bit c: class c paused by PFC */
	uint8_t src_mask;            /* bit c: the host's source has class-c work */
	uint8_t src_turn;            /* bit c: the source's turn in class c (vs transit) */
	uint8_t selecting;           /* inside port_select: wakes are deferred ... */
	uint8_t rewake;              /* ... and remembered here */
	uint8_t down;                /* this direction carries nothing (one-way link) */
	/* line 1: the two events */
	struct net_event arr_ev;     /* head of the pipe arrives */
	struct net_event tx_ev;      /* transmitter free / source wake-up */
	/* line 2: counters and the rest of the hot path */
	uint64_t queued_bytes;       /* all classes */
	uint64_t max_queue_bytes;
	struct net_qhist *qh;        /* switch ports only */
	uint64_t tx_pkts, tx_bytes;
	uint64_t rate_bps;
	double error_rate;
	uint32_t index;              /* port number within its node */
	uint32_t link;               /* topology link index */
	/* ECN at this egress (switch ports only): RED over each class's queue */
	uint8_t ecn_on;
	uint64_t ecn_kmin_bytes, ecn_kmax_bytes;
	double ecn_pmax;
	/* ingress accounting for packets that arrived on this port (switch) */
	uint64_t in_bytes[NET_NPRIO];
	uint64_t in_max_bytes;       /* the most any one class held */
	/* transmitter queues: 8 classes and the control queue */
	struct net_queue q[NET_NQ];
	struct net_rng rng;          /* this link direction's loss stream */
	struct net_rng ecn_rng;

	/* PFC, this port as the downstream end (an ingress): the classes we
	 * told the peer to pause, when we last said so, and the refresh timer
	 * that re-sends (or resumes) before the peer's pause runs out. */
	uint8_t xoff;
	uint64_t xoff_sent_ps[NET_NPRIO];
	struct net_event pfc_refresh_ev;
	uint64_t headroom_bytes;
	/* ns3_mmu: headroom bytes in use per class (in_bytes holds the reserve
	 * and shared part), and the threshold's shift for this port's rate */
	uint64_t mmu_hdrm[NET_NPRIO];
	uint8_t mmu_shift;
	/* PFC, this port as the upstream end (an egress): until when each class
	 * is paused, and the event that lifts the earliest pause. */
	uint64_t pause_until_ps[NET_NPRIO];
	uint64_t paused_since_ps[NET_NPRIO];
	struct net_event pause_ev;
	uint64_t paused_ps;          /* total time any class was paused (sum over classes) */
	uint64_t pfc_xoff_sent, pfc_xon_sent, pfc_rx;
};

#define NET_PORT_LOCAL UINT16_MAX    /* pkt->in_port of host-originated packets */

enum net_node_kind { NET_HOST = 0, NET_SWITCH = 1 };

struct net;

struct net_node {
	struct net *net;
	uint32_t id;
	uint8_t kind;
	uint32_t nports;
	struct net_port *ports;
	uint64_t salt;               /* ECMP salt, from (seed, node id) */
	/* shared buffer (switches) */
	uint64_t buf_size;
	uint64_t buf_used;
	uint64_t buf_max;
	uint64_t headroom_total;     /* PFC: sum of the ports' headroom, kept out of the shared pool */
	uint64_t mmu_reserve_total;  /* ns3_mmu: the ports' reserves */
	uint64_t mmu_shared;         /* ns3_mmu: shared-pool bytes in use */
	/* routing: per destination group, an offset into nh (count, then ports) */
	uint32_t *nh_off;            /* [ngroups]; NULL for one-port hosts */
	uint16_t *nh;
	uint32_t nh_len;
	uint32_t comp;               /* connected component */
	uint8_t forwards;            /* carries others' traffic (switches; see topo.h) */
};

struct net_counters {
	uint64_t packet_hops;        /* link traversals, every packet kind */
	uint64_t drops[NET_DROP_NREASONS];
	uint64_t drops_total;
	uint64_t drops_by_type[NET_PKT_NTYPES]; /* data, ACK, NACK, CNP, PFC */
	uint64_t consumed;           /* packets that reached their destination (host, or PFC peer) */
	uint64_t ecn_marks;
	uint64_t pfc_pauses;         /* PAUSE (XOFF) frames sent, refreshes included */
	uint64_t pfc_resumes;        /* RESUME (XON, quanta 0) frames sent */
	uint64_t pfc_rx;             /* PFC frames received */
};

/* The transport's hooks into host nodes. */
struct net_host_ops {
	/* A packet for this host arrived (consumes p). */
	void (*rx)(void *ctx, struct net_node *host, struct net_pkt *p);
	/* The port's transmitter is free: return the source's next packet of
	 * class cls (the port takes it), or NULL with *wake_ps = when to ask
	 * again (NET_TIME_NEVER: the class is idle until net_port_source()). */
	struct net_pkt *(*pull)(void *ctx, struct net_port *port, int cls, uint64_t *wake_ps);
};

/* ECN marking (RED, the switch as congestion point). Thresholds of 0 mean
 * "scale with the port's rate": Kmin = 100 KB and Kmax = 400 KB per 25 Gb/s
 * (KB = 1000 bytes), the values used in production RoCE fabrics. */
/* ECN thresholds for the switch ports of one link rate (the HPCC ns-3
 * KMIN_MAP / KMAX_MAP / PMAX_MAP). */
struct net_ecn_rate {
	uint64_t rate_bps;
	uint64_t kmin_bytes, kmax_bytes;
	double pmax;
};

struct net_ecn_cfg {
	int enabled;
	int at_enqueue;              /* 0: mark at dequeue (the HPCC ns-3 choice) */
	uint64_t kmin_bytes, kmax_bytes;
	double pmax;
	const struct net_ecn_rate *by_rate; /* a port of a listed rate uses its entry (read by
					    * net_create only) */
	size_t nby_rate;
	int by_rate_only;            /* a switch port of an unlisted rate is an error */
};

/* RED marking probability for a queue of q bytes: 0 up to Kmin, rising
 * linearly to Pmax at Kmax, 1 above Kmax:
 *     p(q) = 0                                  q <= Kmin
 *          = Pmax (q - Kmin) / (Kmax - Kmin)    Kmin < q <= Kmax
 *          = 1                                  q > Kmax            */
static inline double net_red_prob(uint64_t q, uint64_t kmin, uint64_t kmax, double pmax)
{
	if (q <= kmin)
		return 0.0;
	if (q > kmax)
		return 1.0;
	return pmax * (double)(q - kmin) / (double)(kmax - kmin);
}

/* PFC (802.1Qbb) at switch ingresses, per (port, class). */
struct net_pfc_cfg {
	int enabled;
	int dynamic;                 /* 1: XOFF at alpha x free shared buffer; 0: at xoff_bytes */
	double alpha;
	uint64_t xoff_bytes;
	uint64_t resume_offset_bytes;/* XON when usage + offset <= threshold */
	uint64_t headroom_bytes;     /* per port; 0: 2 x rate x delay + 2 frames + a PAUSE */
	uint32_t max_frame_bytes;    /* largest data frame (MTU + headers), for the headroom */
	uint16_t quanta;             /* pause time an XOFF asks for, in 512-bit times */
	uint8_t classes;             /* bit c: class c is lossless (PFC-managed) */
	uint64_t deadlock_timeout_ps;/* report a pause cycle older than this (0: off) */
	int deadlock_stop;           /* and stop the run */
	/* 1: the HPCC ns-3 code's switch MMU instead of the threshold above: a
	 * 4 KB reserve per ingress (port, class), then the shared pool up to
	 * (buffer - headroom - reserves - shared used) >> shift, then headroom
	 * (rate x delay x 3 / 8 per port unless headroom_bytes); PAUSE when
	 * headroom is in use or the shared part reaches the threshold, RESUME
	 * when headroom is empty and the shared part is resume_offset under
	 * it; a pause lasts until its RESUME (doc/ns3.md) */
	int ns3_mmu;
	uint32_t frame_bytes;        /* PFC frame size; 0: NET_PFC_FRAME_BYTES */
};

#define NET_MMU_RESERVE 4096         /* ns3_mmu: bytes reserved per ingress (port, class) */

/* A cycle of paused (port, class) edges that lasted deadlock_timeout: each
 * node waits for the next to resume it. The first one seen is kept. */
#define NET_DEADLOCK_MAX_NODES 16
struct net_deadlock {
	int found;
	uint64_t since_ps;           /* the cycle existed from then ... */
	uint64_t detected_ps;        /* ... and was reported then */
	uint8_t cls;
	uint32_t nnodes;             /* cycle length (nodes beyond the array are cut) */
	uint32_t nodes[NET_DEADLOCK_MAX_NODES];
};

struct net_cfg {
	struct net_ecn_cfg ecn;
	struct net_pfc_cfg pfc;
	uint64_t seed;
	uint64_t buffer_bytes;       /* per switch shared buffer */
	uint32_t wire_overhead_bytes;/* preamble + IFG added to serialization */
	int host_queue_first;        /* a host port serves its queued packets (ACKs) before its
				      * own QPs in a class, instead of taking turns */
	int trunc_ns;                /* serialization (and pacing) truncated to whole ns, as
				      * the HPCC ns-3 code's clock does: 1048 B at 100 Gb/s
				      * take 83 ns, not 83.84 */
};

struct net {
	struct net_engine *eng;
	struct net_cfg cfg;
	struct net_pkt_pool pool;
	uint32_t nnodes, nhosts;
	struct net_node *nodes;
	struct net_port *ports;      /* all ports, node by node */
	uint32_t nports;
	uint32_t nlinks;
	/* routing groups: hosts behind one switch share a group */
	uint32_t ngroups;
	uint32_t *host_group;        /* [nnodes] group of a host, UINT32_MAX for switches */
	uint32_t *group_root;        /* [ngroups] the node the group's BFS starts from */
	uint16_t *host_attach_port;  /* [nnodes] port on the root toward the host */
	struct net_counters ctr;
	struct net_host_ops host_ops;
	void *host_ctx;
	/* Told of every PFC frame a port receives (the ns-3 PFC output file). */
	void (*pfc_rx_hook)(void *ctx, const struct net_port *port, const struct net_pkt *p);
	void *pfc_rx_ctx;
	struct net_trace *trace;     /* NULL: no trace */
	struct net_qmon *qmon;       /* the ns-3 queue-length monitor (net/qmon.h), or NULL */
	/* Coordinate routing (ring, torus, multi-dim): NPUs 0..H-1 at
	 * coordinates (dimension 0 fastest). Per NPU, slots per dimension:
	 * a ring dimension the ports to the +1 and -1 neighbours, a fully
	 * connected one the port to each coordinate, a switched one the port
	 * to its group's switch (UINT16_MAX: none or down). Per switch, its
	 * dimension and the port to each member coordinate. */
	uint32_t cr_ndims, cr_nslots, cr_maxd;
	uint32_t cr_dims[8], cr_stride[8], cr_off[8];
	uint8_t cr_kind[8];          /* enum topo_dim_kind */
	uint16_t *cr_port;           /* [H][cr_nslots] */
	uint8_t *cr_sw_dim;          /* [nnodes - H], 0xff: unused switch */
	uint16_t *cr_sw_port;        /* [nnodes - H][cr_maxd] */
	/* PFC deadlock detector: checks every timeout/4 while any port is paused */
	struct net_event deadlock_ev;
	uint32_t paused_pairs;       /* (port, class) pairs paused now */
	struct net_deadlock deadlock;
	uint32_t *dl_state;          /* DFS scratch, [nnodes] */
};

/* Instantiate a topology graph. Copies what it needs; the graph may be freed
 * afterwards. Errors leave a message in eng. */
int net_create(struct net_engine *eng, const struct net_cfg *cfg, const struct topo_graph *g,
	       struct net **out);
void net_destroy(struct net *net);
/* Return every queued and in-flight packet to the pool and cancel the ports'
 * events (teardown; tests use it to check the pool balances). */
void net_drain(struct net *net);

void net_set_host_ops(struct net *net, const struct net_host_ops *ops, void *ctx);

/* Hand a packet to a port's queues at class p->prio (or the control queue
 * when ctrl is set). Consumes p. Hosts use it for ACKs and CNPs. */
void net_port_send(struct net *net, struct net_port *port, struct net_pkt *p, int ctrl);

/* The host's source has (active = 1) or no longer has (0) work in class
 * cls on this port; activating wakes the transmitter. */
void net_port_source(struct net *net, struct net_port *port, int cls, int active);

/* Routing. The egress port at node for a packet to host dst with flow hash,
 * or NULL if unreachable (or dst is the node itself). */
struct net_port *net_route(const struct net *net, const struct net_node *node, uint32_t dst,
			   uint32_t hash);
int net_reachable(const struct net *net, uint32_t src, uint32_t dst);
/* The ports a flow's packets leave by, src to dst; returns the hop count or
 * -1 when unreachable (more than max hops are not written). */
int net_path(const struct net *net, uint32_t src, uint32_t dst, uint32_t hash,
	     struct net_port **ports, int max);

/* Serialization time of a frame of `bytes` on port (with wire overhead). */
static inline uint64_t net_port_ser_ps(const struct net *net, const struct net_port *port,
				       uint64_t bytes)
{
	bytes += net->cfg.wire_overhead_bytes;
	if (net->cfg.trunc_ns)
		return net_ser_trunc_ns(bytes, port->rate_bps);
	return port->ps_per_byte ? bytes * port->ps_per_byte : net_ser_ps(bytes, port->rate_bps);
}

/* Time any class of the port has been paused, including pauses still on. */
uint64_t net_port_paused_ps(const struct net_port *port, uint64_t now_ps);

/* Packets in queues and on wires now (for the conservation check). */
uint64_t net_in_flight(const struct net *net);

#endif
