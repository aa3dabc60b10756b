/*
 * transport/rdma.h - RDMA reliable-connection (RC) queue pairs over net/.
 *
 * One QP carries one message (as the ASTRA-sim ns-3 backend and the HPCC ns-3
 * code create one flow per send). The sender segments it into MTU-sized
 * packets with PSNs 0..n-1 (wire size = payload + RoCEv2 headers); the NIC
 * port pulls from its active QPs round-robin, each paced to its CC rate
 * (next send = start of this packet + wire*8/rate) and limited by the CC's
 * window if it uses one. The receiver ACKs every N in-order packets and the
 * last one (cumulative: the ACK's PSN is the next expected PSN), NACKs the
 * first out-of-order packet (then at most once per nack_interval for the same
 * expected PSN), and the sender goes back to the NACKed PSN (go-back-N) or to
 * the first unacknowledged byte when the RTO fires without progress.
 * Recorded per QP: sender completion (last byte acknowledged) and receiver
 * delivery (last byte received in order).
 *
 * Units: sizes in bytes, times in ps, rates in bits/s.
 */
#ifndef PKTSIM_TRANSPORT_RDMA_H
#define PKTSIM_TRANSPORT_RDMA_H

#include <stdint.h>

#include "cc/cc.h"
#include "net/net.h"
#include "net/tlist.h"

struct tp_cfg {
	uint32_t mtu_bytes;          /* payload per data packet */
	uint32_t hdr_data_bytes;     /* headers+trailers on each data packet */
	uint32_t hdr_ack_bytes;      /* ACK / NACK frame size */
	uint32_t hdr_cnp_bytes;      /* CNP frame size */
	uint32_t ack_every;          /* ACK every N in-order packets (and the last) */
	uint64_t rto_ps;             /* retransmission timeout */
	uint64_t nack_interval_ps;   /* min gap between NACKs for the same PSN */
	uint8_t ack_prio;            /* class of ACK/NACK/CNP */
	/* 0: after a rate change the next packet leaves one new-rate gap after
	 * the last one started (as the HPCC code's HPCC does); 1: the gap
	 * already set stands, the new rate spaces the packet after (its DCQCN) */
	int keep_gap_on_rate_change;
	/* 1: acknowledgements as the HPCC ns-3 code sends them: the CNP is a
	 * flag on the ACK/NACK of each CE-marked packet (no CNP packet; the
	 * sender reacts to the flag), and a duplicate gets no ACK */
	int ns3_acks;
	/* 1: source ports count from 10000 per (src, dst) pair, as the HPCC
	 * code numbers them; 0: per source host */
	int sport_per_pair;
	/* 1: ACKs and NACKs leave the receiving NIC through its control queue,
	 * ahead of data and never paused (the HPCC code's ACK_HIGH_PRIO 1);
	 * their class still applies in switches */
	int ack_ctrl_queue;
	/* 1: data leaves at the line rate whatever the CC rate (the HPCC
	 * code's RATE_BOUND 0) */
	int pace_at_line_rate;
	/* with a QP's fixed_win: 1 scales the window by rate / line rate (the
	 * HPCC code's VAR_WIN), at least 1 byte */
	int var_win;
	/* > 0: go back to a chunk's start, as the HPCC code's L2_BACK_TO_ZERO
	 * does: a receiver that NACKs drops the partial chunk, and the sender
	 * counts acknowledgements in whole chunks only (a message that is not a
	 * whole number of chunks then never completes, as there). A multiple of
	 * mtu_bytes. */
	uint64_t chunk_bytes;
	uint64_t seed;
	const struct cc_ops *cc;
	const void *cc_cfg;          /* the algorithm's config; copied at create */
};

enum tp_event { TP_EV_DONE = 0, TP_EV_DELIVERED = 1 };

struct tp_qp;
typedef void (*tp_event_fn)(void *arg, struct tp_qp *qp, enum tp_event ev);

struct tp_qp {
	uint32_t id;
	uint32_t src, dst;
	uint16_t sport;
	uint8_t prio;
	uint8_t active;              /* in its port's round-robin ring */
	uint32_t hash;
	uint64_t fixed_win;          /* bytes in flight at most (0: none), besides the CC's */
	uint64_t size_bytes;
	uint64_t start_ps;
	uint64_t done_ps;            /* sender completion, NET_TIME_NEVER until then */
	uint64_t delivered_ps;       /* receiver delivery, NET_TIME_NEVER until then */
	/* sender */
	uint64_t snd_nxt, snd_una, snd_max;
	uint64_t next_send_ps;
	struct net_port *port;       /* first hop */
	struct tp_qp *rr_next, *rr_prev;
	struct net_tnode rto;        /* in the transport's RTO list */
	uint64_t retx_pkts;
	uint64_t data_pkts;
	uint64_t last_tx_ps;         /* start of the last data packet sent */
	uint32_t last_wire;          /* its wire size (re-pacing on a rate change) */
	uint64_t rtt_seq;            /* RTT sample: acked past this byte ... */
	uint64_t rtt_sent_ps;        /* ... measures from this send (0: none running) */
	/* receiver */
	uint64_t rcv_nxt;
	uint32_t unacked;
	uint32_t last_nack_psn;
	uint64_t last_nack_ps;
	uint64_t last_cnp_ps;        /* NP: last CNP sent, NET_TIME_NEVER if none */
	/* congestion control */
	struct cc_flow cc;
	struct net_rng rng;
	/* owner */
	tp_event_fn cb;
	void *cb_arg;
	struct tp *tp;
};

struct tp_counters {
	uint64_t packets_sent;       /* every packet a NIC created: data + control */
	uint64_t data_pkts;
	uint64_t acks, nacks, cnps;
	uint64_t retransmits;        /* data packets sent again */
	uint64_t rto_fires;
	uint64_t bytes_delivered;    /* payload bytes delivered in order */
	uint64_t msgs_done, msgs_delivered;
};

struct tp_port;

struct tp {
	struct net *net;
	struct net_engine *eng;
	struct tp_cfg cfg;
	void *cc_cfg;
	void *cc_shared;             /* the algorithm's per-simulation state */
	struct tp_qp **qps;
	uint32_t nqps, cap_qps;
	struct tp_port *ports;       /* [net->nports] */
	uint16_t *next_sport;        /* [nnodes]: per source host */
	/* sport_per_pair: the next source port of each (src, dst) pair, an
	 * open-addressed table keyed by src << 32 | dst (+1, 0 = empty) */
	uint64_t *pair_key;
	uint16_t *pair_next;
	size_t npairs, cap_pairs;
	struct tp_counters ctr;
	int failed;                  /* out of memory in the data path */
	/* Every QP's RTO has the same length: one same-period list (O(1) per
	 * ACK, one heap entry) instead of a heap operation per ACK. */
	struct net_tlist rto_list;
};

int tp_create(struct net *net, const struct tp_cfg *cfg, struct tp **out);
void tp_destroy(struct tp *tp);

/* Post a message of `bytes` from host src to host dst now, in class prio.
 * cb (may be NULL) hears TP_EV_DELIVERED at the receiver and TP_EV_DONE at
 * the sender. */
int tp_post(struct tp *tp, uint32_t src, uint32_t dst, uint64_t bytes, uint8_t prio,
	    tp_event_fn cb, void *arg, struct tp_qp **out);

/* The longest route the transport's closed forms follow. */
#define TP_MAX_HOPS 256

/* The exact delivery and completion times of qp's message alone on an idle
 * fabric (line rate, no other traffic), relative to its start: the pipeline
 * of store-and-forward hops along its route plus the last ACK's return. */
int tp_ideal(const struct tp *tp, const struct tp_qp *qp, uint64_t *deliver_ps, uint64_t *fct_ps);
/* The same for a message of size bytes not yet posted (route by hash). */
int tp_ideal_msg(const struct tp *tp, uint32_t src, uint32_t dst, uint32_t hash, uint64_t size,
		 uint64_t *deliver_ps, uint64_t *fct_ps);

#endif
