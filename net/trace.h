/*
 * net/trace.h - the native packet trace: a gzip stream of msgpack objects.
 *
 * The first object is a header map describing the run and the topology
 * (nodes, ports, links with rates and delays); then one msgpack array per
 * event; the last object is an END record with the run's status, so a reader
 * can tell a complete trace from an interrupted one. Records are packed into
 * a memory buffer and handed to zlib in batches of about 64 KiB. Layout:
 * doc/trace-format.md.
 *
 * Filters (event kinds, nodes, time window) are applied before a record is
 * built, through the inline net_trace_want(), so a filtered-out event costs a
 * few comparisons.
 */
#ifndef PKTSIM_NET_TRACE_H
#define PKTSIM_NET_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "net/pkt.h"

struct net;

enum net_trace_kind {
	NET_TR_ENQ = 0,          /* packet queued at an egress port */
	NET_TR_TX = 1,           /* transmission starts at a port */
	NET_TR_RX = 2,           /* last bit arrived at a node */
	NET_TR_DROP = 3,         /* packet dropped, with reason */
	NET_TR_ECN = 4,          /* packet CE-marked */
	NET_TR_PFC = 5,          /* PAUSE/RESUME sent or received */
	NET_TR_CNP = 6,          /* CNP generated */
	NET_TR_MSG_START = 7,    /* a message (QP) is posted at its source */
	NET_TR_MSG_DONE = 8,     /* sender: last byte acknowledged */
	NET_TR_MSG_DELIVERED = 9,/* receiver: last byte in order */
	NET_TR_END = 10,         /* last record of every trace */
	NET_TR_COLL_START = 11,  /* a collective starts (its first messages post) */
	NET_TR_COLL_END = 12,    /* a collective completes (its last rank is done) */
	NET_TR_COLL_MSG = 13,    /* a collective's message is sent */
	NET_TR_RATE = 14,        /* a QP's congestion-control rate changes */
	NET_TR_NKINDS
};
extern const char *const net_trace_kind_names[NET_TR_NKINDS];
#define NET_TR_ALL ((1u << NET_TR_NKINDS) - 1)

#define NET_TRACE_FORMAT "pktsim-trace"
#define NET_TRACE_VERSION 1

/* Each kind's record has the layout of its family (doc/trace-format.md).
 * Element counts; a DROP record has one more, the reason. Readers accept
 * longer records and ignore the extra elements, so fields can be appended
 * without a version change. */
enum net_trace_family {
	NET_TRF_PACKET = 0, NET_TRF_MESSAGE = 1, NET_TRF_END = 2, NET_TRF_COLL = 3,
	NET_TRF_COLL_MSG = 4, NET_TRF_RATE = 5, NET_TRF_N
};
/* A packet record of a PFC frame has two more elements: `reason` (0 unless a
 * drop) and `classes`, the frame's class-enable vector. */
#define NET_TR_PKT_LEN 15
#define NET_TR_PKT_PFC_LEN 17
/* Version 1 message records had 7 elements; `sport` came later. */
#define NET_TR_MSG_LEN 7
#define NET_TR_MSG_LEN_NOW 8
#define NET_TR_END_LEN 5
#define NET_TR_COLL_LEN 7
#define NET_TR_COLL_MSG_LEN 9
#define NET_TR_RATE_LEN 5
extern const char *const net_trace_family_names[NET_TRF_N];
/* Field names per family, as the header's record_fields lists them (the
 * packet list ends with "reason", present in DROP records only). */
extern const char *const *const net_trace_family_fields[NET_TRF_N];
extern const unsigned net_trace_family_nfields[NET_TRF_N];
/* Names of enum net_pkt_type values, as traces and dumps print them. */
extern const char *const net_trace_pkt_type_names[NET_PKT_NTYPES];

static inline enum net_trace_family net_trace_kind_family(enum net_trace_kind k)
{
	return k <= NET_TR_CNP ? NET_TRF_PACKET
	       : k <= NET_TR_MSG_DELIVERED ? NET_TRF_MESSAGE
	       : k == NET_TR_END ? NET_TRF_END
	       : k <= NET_TR_COLL_END ? NET_TRF_COLL
	       : k == NET_TR_COLL_MSG ? NET_TRF_COLL_MSG : NET_TRF_RATE;
}

/* A port as (node, port index), for the ports filter. */
struct net_trace_port {
	uint32_t node, port;
};

struct net_trace_filter {
	uint32_t kinds;          /* bit mask of kinds; 0 means all */
	const uint32_t *nodes;   /* node ids; NULL/0 means all */
	size_t nnodes;
	uint64_t start_ps;       /* inclusive */
	uint64_t end_ps;         /* inclusive; NET_TIME_NEVER for no end */
	/* Packet records at a port are written only for these ports (records
	 * not at a port pass); NULL/0 means all. */
	const struct net_trace_port *ports;
	size_t nports;
	/* Packet and message records of these flows only (PFC frames belong to
	 * no flow and pass); NULL/0 means all. */
	const uint32_t *flows;
	size_t nflows;
	/* Keep 1 data packet in `sample` (0 or 1: all), chosen by (flow, PSN)
	 * so a kept packet is kept at every hop and on retransmission. */
	uint32_t sample;
};

/* Visible so net_trace_want() can inline; fields after `want_node` are the
 * writer's own. */
struct net_trace {
	uint32_t kinds;
	uint64_t start_ps, end_ps;
	uint8_t *want_node;      /* [nnodes] or NULL for all */
	uint32_t nnodes;
	int pkt_filter;          /* ports, flows or sample set: checked per record */
	void *impl;              /* writer state (trace.c) */
	uint64_t records;        /* records written (not counting header) */
	int failed;              /* an I/O error happened; close reports it */
};

static inline int net_trace_want(const struct net_trace *t, enum net_trace_kind k,
				 uint32_t node, uint64_t t_ps)
{
	return t && (t->kinds & (1u << k)) && t_ps >= t->start_ps && t_ps <= t->end_ps &&
	       (!t->want_node || (node < t->nnodes && t->want_node[node]));
}

/* Whether v is in the ascending list a[0..n) (a flows filter). */
static inline int net_trace_listed(const uint32_t *a, size_t n, uint32_t v)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && a[lo] == v;
}

/* Open FILE and write the header (topology of net, seed, a free-form JSON
 * string of the experiment's source path). Errors go to err. Returns 0, or
 * NET_ERR_INVAL (bad filter: unknown kind bits, start after end, a node id
 * not in net), NET_ERR_IO (cannot create or write the file) or NET_ERR_NOMEM.
 * A bad filter is rejected before the file is touched. net may be NULL (empty
 * topology; then no node filter is possible). */
int net_trace_open(struct net_trace **out, const char *path, const struct net_trace_filter *f,
		   const struct net *net, uint64_t seed, const char *source, char *err,
		   size_t errlen);

/* A packet event at node/port (port = UINT32_MAX when not at a port).
 * qbytes: queue depth of the port's class after the event (0 if none);
 * reason: enum net_drop_reason for DROP, else 0. Does not consume p. */
void net_trace_pkt(struct net_trace *t, enum net_trace_kind k, uint64_t t_ps, uint32_t node,
		   uint32_t port, const struct net_pkt *p, uint64_t qbytes, uint32_t reason);

/* A message event (MSG_START / MSG_DONE / MSG_DELIVERED); sport is the
 * QP's UDP source port. */
void net_trace_msg(struct net_trace *t, enum net_trace_kind k, uint64_t t_ps, uint32_t node,
		   uint32_t flow, uint32_t src, uint32_t dst, uint64_t bytes, uint32_t sport);

/* A collective's message `msg` (its index in the collective's DAG) is sent
 * from host `node` as QP `flow`; `after` is the message whose arrival made it
 * ready last (UINT32_MAX: none, it was ready at the start). */
void net_trace_coll_msg(struct net_trace *t, uint64_t t_ps, uint32_t node, uint32_t coll,
			uint32_t msg, uint32_t flow, uint32_t chunk, uint32_t step,
			uint32_t after);

/* QP `flow` at host `node` now sends at rate_bps (at its start, then at
 * every change its congestion control makes). */
void net_trace_rate(struct net_trace *t, uint64_t t_ps, uint32_t node, uint32_t flow,
		    uint64_t rate_bps);

/* A collective event (COLL_START / COLL_END): collective id, enum coll_op,
 * enum coll_algo, ranks, size. Not at a node, so node filters keep it. */
void net_trace_coll(struct net_trace *t, enum net_trace_kind k, uint64_t t_ps, uint32_t coll,
		    uint32_t op, uint32_t algo, uint32_t npus, uint64_t bytes);

/* Write the END record (status "complete" or "interrupted", the events run,
 * the final time), flush and close. Returns 0, or -1 with err set if any write
 * failed. NULL-safe. */
int net_trace_close(struct net_trace *t, int interrupted, uint64_t events, uint64_t end_ps,
		    char *err, size_t errlen);

#endif
