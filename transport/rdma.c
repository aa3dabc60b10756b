/*
 * transport/rdma.c - RC queue pairs: segmentation, ACK/NACK, go-back-N, RTO,
 * the NIC's round-robin pull, and the idle-fabric closed form (see rdma.h).
 */
#include "transport/rdma.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "net/trace.h"

/* A NIC port's active QPs, one round-robin ring per traffic class. */
struct tp_port {
	struct tp_qp *cur[NET_NPRIO];  /* next QP the round-robin looks at */
	uint32_t nactive[NET_NPRIO];
};

#define TRACE_ON(tp, k, node) \
	((tp)->net->trace && net_trace_want((tp)->net->trace, (k), (node), (tp)->eng->now_ps))

static struct net_pkt *tp_pull(void *ctx, struct net_port *port, int cls, uint64_t *wake_ps);
static void tp_rx(void *ctx, struct net_node *host, struct net_pkt *p);
static void rto_expired(struct net_tnode *n);

int tp_create(struct net *net, const struct tp_cfg *cfg, struct tp **out)
{
	*out = NULL;
	if (!cfg->cc || !cfg->cc->init) {
		net_seterr(net->eng, "transport: no congestion-control algorithm");
		return NET_ERR_INVAL;
	}
	if (cfg->mtu_bytes == 0 || cfg->ack_every == 0 || cfg->rto_ps == 0) {
		net_seterr(net->eng, "transport: mtu, ack_every and rto must be positive");
		return NET_ERR_INVAL;
	}
	struct tp *tp = calloc(1, sizeof(*tp));
	if (!tp)
		goto nomem;
	tp->net = net;
	tp->eng = net->eng;
	tp->cfg = *cfg;
	tp->ports = calloc(net->nports ? net->nports : 1, sizeof(*tp->ports));
	tp->next_sport = calloc(net->nnodes, sizeof(*tp->next_sport));
	if (!tp->ports || !tp->next_sport)
		goto nomem;
	if (cfg->cc->cfg_size) {
		tp->cc_cfg = malloc(cfg->cc->cfg_size);
		if (!tp->cc_cfg)
			goto nomem;
		memcpy(tp->cc_cfg, cfg->cc_cfg, cfg->cc->cfg_size);
	}
	tp->cfg.cc_cfg = tp->cc_cfg;
	if (cfg->cc->shared_size) {
		tp->cc_shared = calloc(1, cfg->cc->shared_size);
		if (!tp->cc_shared)
			goto nomem;
		if (cfg->cc->shared_init &&
		    cfg->cc->shared_init(tp->cc_shared, tp->cc_cfg, net->eng) != 0) {
			free(tp->cc_shared);
			free(tp->cc_cfg);
			free(tp->ports);
			free(tp->next_sport);
			free(tp);
			return NET_ERR_INVAL;
		}
	}
	net_tlist_init(&tp->rto_list, tp->eng, cfg->rto_ps);
	struct net_host_ops ops = { .rx = tp_rx, .pull = tp_pull };
	net_set_host_ops(net, &ops, tp);
	*out = tp;
	return NET_OK;
nomem:
	if (tp) {
		free(tp->ports);
		free(tp->next_sport);
		free(tp->cc_cfg);
		free(tp);
	}
	net_seterr(net->eng, "out of memory creating the transport");
	return NET_ERR_NOMEM;
}

void tp_destroy(struct tp *tp)
{
	if (!tp)
		return;
	net_tlist_fini(&tp->rto_list);
	for (uint32_t i = 0; i < tp->nqps; i++) {
		struct tp_qp *qp = tp->qps[i];
		if (qp->done_ps == NET_TIME_NEVER && tp->cfg.cc->release)
			tp->cfg.cc->release(&qp->cc);
		free(qp->cc.priv);
		free(qp);
	}
	if (tp->cc_shared && tp->cfg.cc->shared_fini)
		tp->cfg.cc->shared_fini(tp->cc_shared);
	free(tp->cc_shared);
	free(tp->qps);
	free(tp->ports);
	free(tp->next_sport);
	free(tp->pair_key);
	free(tp->pair_next);
	free(tp->cc_cfg);
	free(tp);
}

static struct tp_port *port_of(struct tp *tp, const struct net_port *p)
{
	return &tp->ports[p - tp->net->ports];
}

static void rr_add(struct tp *tp, struct tp_qp *qp)
{
	if (qp->active)
		return;
	struct tp_port *tpp = port_of(tp, qp->port);
	int c = qp->prio;
	qp->active = 1;
	if (!tpp->cur[c]) {
		qp->rr_next = qp->rr_prev = qp;
		tpp->cur[c] = qp;
	} else {
		/* Join at the back of the ring: just before the current head. */
		struct tp_qp *h = tpp->cur[c];
		qp->rr_next = h;
		qp->rr_prev = h->rr_prev;
		h->rr_prev->rr_next = qp;
		h->rr_prev = qp;
	}
	tpp->nactive[c]++;
}

static void rr_del(struct tp *tp, struct tp_qp *qp)
{
	if (!qp->active)
		return;
	struct tp_port *tpp = port_of(tp, qp->port);
	int c = qp->prio;
	qp->active = 0;
	if (qp->rr_next == qp) {
		tpp->cur[c] = NULL;
		net_port_source(tp->net, qp->port, c, 0);
	} else {
		qp->rr_prev->rr_next = qp->rr_next;
		qp->rr_next->rr_prev = qp->rr_prev;
		if (tpp->cur[c] == qp)
			tpp->cur[c] = qp->rr_next;
	}
	qp->rr_next = qp->rr_prev = NULL;
	tpp->nactive[c]--;
}

/* The QP has data to (re)send: make sure its port will pull it. */
static void qp_wake(struct tp *tp, struct tp_qp *qp)
{
	rr_add(tp, qp);
	net_port_source(tp->net, qp->port, qp->prio, 1);
}

static void rto_arm(struct tp *tp, struct tp_qp *qp)
{
	net_tlist_arm(&tp->rto_list, &qp->rto);
}

static void rto_disarm(struct tp *tp, struct tp_qp *qp)
{
	net_tlist_disarm(&tp->rto_list, &qp->rto);
}

static uint64_t pace_ps(const struct tp *tp, const struct tp_qp *qp, uint32_t wire)
{
	if (qp->cc.rate_bps >= qp->port->rate_bps || tp->cfg.pace_at_line_rate)
		return net_port_ser_ps(tp->net, qp->port, wire);
	uint64_t bytes = (uint64_t)wire + tp->net->cfg.wire_overhead_bytes;
	return tp->net->cfg.trunc_ns ? net_ser_trunc_ns(bytes, qp->cc.rate_bps)
				     : net_ser_ps(bytes, qp->cc.rate_bps);
}

/* The CC changed the rate: the next packet leaves one new-rate gap after the
 * last one started (not after the old gap), as the HPCC ns-3 code's HPCC
 * does; or, as its DCQCN does, the gap already set stands. */
static void rate_changed(struct cc_flow *f)
{
	struct tp_qp *qp = f->owner;
	struct tp *tp = qp->tp;
	if (qp->done_ps != NET_TIME_NEVER)
		return;
	if (TRACE_ON(tp, NET_TR_RATE, qp->src))
		net_trace_rate(tp->net->trace, tp->eng->now_ps, qp->src, qp->id, f->rate_bps);
	if (qp->data_pkts == 0 || tp->cfg.keep_gap_on_rate_change)
		return;
	uint64_t next = qp->last_tx_ps + pace_ps(tp, qp, qp->last_wire);
	uint64_t now = tp->eng->now_ps;
	qp->next_send_ps = next > now ? next : now;
	if (qp->active)
		net_port_source(tp->net, qp->port, qp->prio, 1);
}

static struct net_pkt *make_data(struct tp *tp, struct tp_qp *qp, uint64_t now)
{
	struct net_pkt *p = net_pkt_alloc(&tp->net->pool);
	if (!p) {
		tp->failed = 1;
		net_seterr(tp->eng, "out of memory allocating packets");
		return NULL;
	}
	uint64_t off = qp->snd_nxt;
	uint64_t left = qp->size_bytes - off;
	uint32_t pay = left < tp->cfg.mtu_bytes ? (uint32_t)left : tp->cfg.mtu_bytes;
	p->type = NET_PKT_DATA;
	p->src = qp->src;
	p->dst = qp->dst;
	p->flow = qp->id;
	p->psn = (uint32_t)(off / tp->cfg.mtu_bytes);
	p->payload_bytes = pay;
	p->wire_bytes = pay + tp->cfg.hdr_data_bytes;
	p->hash = qp->hash;
	p->sport = qp->sport;
	p->prio = qp->prio;
	p->flags = NET_PKT_F_ECT;
	if (off == 0)
		p->flags |= NET_PKT_F_FIRST;
	if (pay == left)
		p->flags |= NET_PKT_F_LAST | NET_PKT_F_ACKREQ;
	if (off < qp->snd_max) {
		p->flags |= NET_PKT_F_RETX;
		qp->retx_pkts++;
		tp->ctr.retransmits++;
	}
	qp->snd_nxt = off + pay;
	if (qp->snd_nxt > qp->snd_max)
		qp->snd_max = qp->snd_nxt;
	qp->data_pkts++;
	qp->last_tx_ps = now;
	qp->last_wire = p->wire_bytes;
	qp->next_send_ps = now + pace_ps(tp, qp, p->wire_bytes);
	/* One RTT sample at a time, never on a retransmission (Karn). */
	if (!qp->rtt_sent_ps && !(p->flags & NET_PKT_F_RETX)) {
		qp->rtt_seq = qp->snd_nxt;
		qp->rtt_sent_ps = now ? now : 1;
	}
	qp->cc.tx_bytes += p->wire_bytes;
	qp->cc.tx_pkts++;
	tp->ctr.packets_sent++;
	tp->ctr.data_pkts++;
	if (tp->cfg.cc->on_send)
		tp->cfg.cc->on_send(&qp->cc, p->wire_bytes);
	if (!net_tnode_armed(&qp->rto))
		rto_arm(tp, qp);
	return p;
}

static int window_blocked(const struct tp_qp *qp)
{
	uint64_t w = qp->cc.window_bytes;
	if (qp->fixed_win) {
		uint64_t fw = qp->fixed_win;
		if (qp->tp->cfg.var_win && qp->cc.line_rate_bps) {
			fw = (uint64_t)((unsigned __int128)fw * qp->cc.rate_bps / qp->cc.line_rate_bps);
			if (!fw)
				fw = 1;
		}
		if (fw < w)
			w = fw;
	}
	return qp->snd_nxt - qp->snd_una >= w;
}

/* The NIC port is free for class cls: serve the next eligible QP of that
 * class after the last one served. QPs waiting on pacing report when they
 * will be ready. */
static struct net_pkt *tp_pull(void *ctx, struct net_port *port, int cls, uint64_t *wake_ps)
{
	struct tp *tp = ctx;
	struct tp_port *tpp = port_of(tp, port);
	uint64_t now = tp->eng->now_ps, earliest = NET_TIME_NEVER;
	struct tp_qp *qp = tpp->cur[cls];
	for (uint32_t i = 0, n = tpp->nactive[cls]; i < n; i++, qp = qp->rr_next) {
		if (window_blocked(qp))
			continue;
		if (qp->next_send_ps > now) {
			if (qp->next_send_ps < earliest)
				earliest = qp->next_send_ps;
			continue;
		}
		struct net_pkt *p = make_data(tp, qp, now);
		if (!p)
			break;
		tpp->cur[cls] = qp->rr_next;
		/* Everything sent: leave the ring (the class stays active in the
		 * port until its ring is empty; rr_del says when). */
		if (qp->snd_nxt >= qp->size_bytes)
			rr_del(tp, qp);
		return p;
	}
	*wake_ps = earliest;
	return NULL;
}

static void send_ctrl(struct tp *tp, struct tp_qp *qp, uint8_t type, uint32_t psn, uint8_t flags)
{
	struct net_pkt *p = net_pkt_alloc(&tp->net->pool);
	if (!p) {
		tp->failed = 1;
		net_seterr(tp->eng, "out of memory allocating packets");
		return;
	}
	p->type = type;
	p->src = qp->dst;
	p->dst = qp->src;
	p->flow = qp->id;
	p->psn = psn;
	p->wire_bytes = type == NET_PKT_CNP ? tp->cfg.hdr_cnp_bytes : tp->cfg.hdr_ack_bytes;
	p->hash = qp->hash;
	p->sport = qp->sport;
	p->prio = tp->cfg.ack_prio;
	p->flags = flags;
	tp->ctr.packets_sent++;
	if (type == NET_PKT_ACK)
		tp->ctr.acks++;
	else if (type == NET_PKT_NACK)
		tp->ctr.nacks++;
	else if (type == NET_PKT_CNP)
		tp->ctr.cnps++;
	const struct net_node *host = &tp->net->nodes[qp->dst];
	net_port_send(tp->net, net_route(tp->net, host, qp->src, qp->hash), p,
		      tp->cfg.ack_ctrl_queue);
}

static void rx_data(struct tp *tp, struct tp_qp *qp, const struct net_pkt *p, uint64_t now)
{
	uint32_t rcv_psn = (uint32_t)((qp->rcv_nxt + tp->cfg.mtu_bytes - 1) / tp->cfg.mtu_bytes);
	uint8_t ece = (p->flags & NET_PKT_F_CE) ? NET_PKT_F_ECE : 0;
	/* NP: a CNP for a CE-marked arrival, at most one per cnp_interval; with
	 * ns3_acks the flag on this packet's ACK or NACK is the CNP. */
	if (ece && tp->cfg.ns3_acks && (tp->cfg.cc->flags & CC_F_NEEDS_CNP)) {
		tp->ctr.cnps++;
		if (TRACE_ON(tp, NET_TR_CNP, qp->dst))
			net_trace_pkt(tp->net->trace, NET_TR_CNP, now, qp->dst, UINT32_MAX, p, 0, 0);
	} else if (ece && (tp->cfg.cc->flags & CC_F_NEEDS_CNP) &&
	    (qp->last_cnp_ps == NET_TIME_NEVER || now - qp->last_cnp_ps >= qp->cc.cnp_interval_ps)) {
		qp->last_cnp_ps = now;
		send_ctrl(tp, qp, NET_PKT_CNP, 0, 0);
		if (TRACE_ON(tp, NET_TR_CNP, qp->dst))
			net_trace_pkt(tp->net->trace, NET_TR_CNP, now, qp->dst, UINT32_MAX, p, 0, 0);
	}
	if (p->psn == rcv_psn && qp->rcv_nxt < qp->size_bytes) {
		qp->rcv_nxt += p->payload_bytes;
		tp->ctr.bytes_delivered += p->payload_bytes;
		int last = qp->rcv_nxt >= qp->size_bytes;
		if (++qp->unacked >= tp->cfg.ack_every || last || (p->flags & NET_PKT_F_ACKREQ)) {
			send_ctrl(tp, qp, NET_PKT_ACK, rcv_psn + 1, ece);
			qp->unacked = 0;
		}
		if (last) {
			qp->delivered_ps = now;
			tp->ctr.msgs_delivered++;
			if (TRACE_ON(tp, NET_TR_MSG_DELIVERED, qp->dst))
				net_trace_msg(tp->net->trace, NET_TR_MSG_DELIVERED, now, qp->dst, qp->id,
					      qp->src, qp->dst, qp->size_bytes, qp->sport);
			if (qp->cb)
				qp->cb(qp->cb_arg, qp, TP_EV_DELIVERED);
		}
	} else if (p->psn > rcv_psn) {
		/* A gap: ask for go-back-N once, then at most every nack_interval. */
		if (qp->last_nack_psn != rcv_psn + 1 || now - qp->last_nack_ps >= tp->cfg.nack_interval_ps) {
			qp->last_nack_psn = rcv_psn + 1;
			qp->last_nack_ps = now;
			if (tp->cfg.chunk_bytes) {
				/* Back to the chunk's start: its received part goes. */
				uint64_t keep = qp->rcv_nxt / tp->cfg.chunk_bytes * tp->cfg.chunk_bytes;
				tp->ctr.bytes_delivered -= qp->rcv_nxt - keep;
				qp->rcv_nxt = keep;
				rcv_psn = (uint32_t)(keep / tp->cfg.mtu_bytes);
			}
			send_ctrl(tp, qp, NET_PKT_NACK, rcv_psn, ece);
		}
	} else {
		/* A duplicate (IB: duplicate requests are acknowledged): the
		 * sender went back too far, or our ACK was lost. ACKing it moves
		 * the sender past what we already have; otherwise, with ACKs
		 * coalesced (ack_every > 1), a sender whose RTO fired could
		 * resend old data forever without hearing an ACK. The HPCC code
		 * (ns3_acks) sends nothing: it ACKs every packet and has no RTO. */
		if (!tp->cfg.ns3_acks)
			send_ctrl(tp, qp, NET_PKT_ACK, rcv_psn, ece);
	}
}

/* An ACK or NACK with the CNP flag (ns3_acks): the sender's CNP. */
static void flag_cnp(struct tp *tp, struct tp_qp *qp, const struct net_pkt *p)
{
	if (!tp->cfg.ns3_acks || !(p->flags & NET_PKT_F_ECE))
		return;
	qp->cc.cnps++;
	if (qp->done_ps == NET_TIME_NEVER && tp->cfg.cc->on_cnp)
		tp->cfg.cc->on_cnp(&qp->cc);
}

static void complete(struct tp *tp, struct tp_qp *qp, uint64_t now)
{
	qp->done_ps = now;
	rto_disarm(tp, qp);
	rr_del(tp, qp);
	tp->ctr.msgs_done++;
	if (tp->cfg.cc->release)
		tp->cfg.cc->release(&qp->cc);
	if (TRACE_ON(tp, NET_TR_MSG_DONE, qp->src))
		net_trace_msg(tp->net->trace, NET_TR_MSG_DONE, now, qp->src, qp->id, qp->src, qp->dst,
			      qp->size_bytes, qp->sport);
	if (qp->cb)
		qp->cb(qp->cb_arg, qp, TP_EV_DONE);
}

/* The source-port counter of the pair (src, dst), created at 0; NULL out
 * of memory. The table is kept at most half full. */
static uint16_t *pair_counter(struct tp *tp, uint32_t src, uint32_t dst)
{
	uint64_t key = ((uint64_t)src << 32 | dst) + 1;
	if (2 * (tp->npairs + 1) > tp->cap_pairs) {
		size_t cap = tp->cap_pairs ? 2 * tp->cap_pairs : 256;
		uint64_t *k = calloc(cap, sizeof(*k));
		uint16_t *v = calloc(cap, sizeof(*v));
		if (!k || !v) {
			free(k);
			free(v);
			return NULL;
		}
		for (size_t i = 0; i < tp->cap_pairs; i++) {
			if (!tp->pair_key[i])
				continue;
			size_t h = net_mix64(tp->pair_key[i]) & (cap - 1);
			while (k[h])
				h = (h + 1) & (cap - 1);
			k[h] = tp->pair_key[i];
			v[h] = tp->pair_next[i];
		}
		free(tp->pair_key);
		free(tp->pair_next);
		tp->pair_key = k;
		tp->pair_next = v;
		tp->cap_pairs = cap;
	}
	size_t h = net_mix64(key) & (tp->cap_pairs - 1);
	while (tp->pair_key[h] && tp->pair_key[h] != key)
		h = (h + 1) & (tp->cap_pairs - 1);
	if (!tp->pair_key[h]) {
		tp->pair_key[h] = key;
		tp->npairs++;
	}
	return &tp->pair_next[h];
}

/* Cumulative acknowledgement up to PSN `psn` (exclusive). */
static void ack_to(struct tp *tp, struct tp_qp *qp, uint32_t psn, int ece, uint64_t now)
{
	uint64_t acked = (uint64_t)psn * tp->cfg.mtu_bytes;
	if (acked > qp->size_bytes)
		acked = qp->size_bytes;
	if (tp->cfg.chunk_bytes)
		acked = acked / tp->cfg.chunk_bytes * tp->cfg.chunk_bytes;
	if (acked <= qp->snd_una || qp->done_ps != NET_TIME_NEVER)
		return;
	struct cc_ack_info ai = { .acked_bytes = acked - qp->snd_una, .ecn_echo = ece };
	int was_blocked = window_blocked(qp);
	qp->snd_una = acked;
	if (qp->rtt_sent_ps && acked >= qp->rtt_seq) {
		qp->cc.rtt_ps = now - qp->rtt_sent_ps;
		qp->cc.rtt_samples++;
		ai.rtt_ps = qp->cc.rtt_ps;
		qp->rtt_sent_ps = 0;
	}
	if (qp->snd_nxt < acked)
		qp->snd_nxt = acked;
	if (tp->cfg.cc->on_ack)
		tp->cfg.cc->on_ack(&qp->cc, &ai);
	if (qp->snd_una == qp->size_bytes) {
		complete(tp, qp, now);
		return;
	}
	/* Nothing in flight: no timer (the next send arms it), else a QP that
	 * waits its round-robin turn longer than the RTO would "time out". */
	if (qp->snd_nxt > qp->snd_una)
		rto_arm(tp, qp);
	else
		rto_disarm(tp, qp);
	if (was_blocked && !window_blocked(qp) && qp->snd_nxt < qp->size_bytes)
		qp_wake(tp, qp);
}

static void go_back(struct tp *tp, struct tp_qp *qp)
{
	if (qp->snd_nxt > qp->snd_una) {
		qp->snd_nxt = qp->snd_una;
		qp->rtt_sent_ps = 0;   /* Karn: no sample across a retransmission */
		qp_wake(tp, qp);
	}
}

static void tp_rx(void *ctx, struct net_node *host, struct net_pkt *p)
{
	struct tp *tp = ctx;
	uint64_t now = tp->eng->now_ps;
	struct tp_qp *qp = p->flow < tp->nqps ? tp->qps[p->flow] : NULL;
	if (qp) {
		switch (p->type) {
		case NET_PKT_DATA:
			rx_data(tp, qp, p, now);
			break;
		case NET_PKT_ACK:
			qp->cc.acks++;
			qp->cc.ecn_echoes += !!(p->flags & NET_PKT_F_ECE);
			ack_to(tp, qp, p->psn, !!(p->flags & NET_PKT_F_ECE), now);
			flag_cnp(tp, qp, p);
			break;
		case NET_PKT_NACK:
			qp->cc.nacks++;
			ack_to(tp, qp, p->psn, !!(p->flags & NET_PKT_F_ECE), now);
			if (qp->done_ps == NET_TIME_NEVER) {
				if (tp->cfg.cc->on_nack)
					tp->cfg.cc->on_nack(&qp->cc);
				go_back(tp, qp);
			}
			flag_cnp(tp, qp, p);
			break;
		case NET_PKT_CNP:
			qp->cc.cnps++;
			if (qp->done_ps == NET_TIME_NEVER && tp->cfg.cc->on_cnp)
				tp->cfg.cc->on_cnp(&qp->cc);
			break;
		default:
			break;
		}
	}
	net_pkt_free(&tp->net->pool, p);
}

static void rto_expired(struct net_tnode *n)
{
	struct tp_qp *qp = (struct tp_qp *)((char *)n - offsetof(struct tp_qp, rto));
	struct tp *tp = qp->tp;
	if (qp->done_ps != NET_TIME_NEVER || qp->snd_una >= qp->size_bytes)
		return;
	tp->ctr.rto_fires++;
	qp->cc.rtos++;
	if (tp->cfg.cc->on_rto)
		tp->cfg.cc->on_rto(&qp->cc);
	rto_arm(tp, qp);
	go_back(tp, qp);
}

int tp_post(struct tp *tp, uint32_t src, uint32_t dst, uint64_t bytes, uint8_t prio,
	    tp_event_fn cb, void *arg, struct tp_qp **out)
{
	struct net *net = tp->net;
	if (out)
		*out = NULL;
	if (src >= net->nnodes || net->nodes[src].kind != NET_HOST) {
		net_seterr(tp->eng, "send: source %u is not a host", src);
		return NET_ERR_INVAL;
	}
	if (dst >= net->nnodes || net->nodes[dst].kind != NET_HOST) {
		net_seterr(tp->eng, "send: destination %u is not a host", dst);
		return NET_ERR_INVAL;
	}
	if (src == dst || bytes == 0) {
		net_seterr(tp->eng, "send %u -> %u: %s", src, dst,
			   src == dst ? "source and destination are the same host" : "size is zero");
		return NET_ERR_INVAL;
	}
	if (!net_reachable(net, src, dst)) {
		net_seterr(tp->eng, "send %u -> %u: destination unreachable", src, dst);
		return NET_ERR_INVAL;
	}
	if ((bytes + tp->cfg.mtu_bytes - 1) / tp->cfg.mtu_bytes >= UINT32_MAX) {
		net_seterr(tp->eng, "send %u -> %u: %llu bytes is more than 2^32 - 1 packets", src,
			   dst, (unsigned long long)bytes);
		return NET_ERR_INVAL;
	}
	if (prio >= NET_NPRIO) {
		net_seterr(tp->eng, "send %u -> %u: priority %u is not 0..7", src, dst, prio);
		return NET_ERR_INVAL;
	}
	if (tp->nqps == tp->cap_qps) {
		uint32_t ncap = tp->cap_qps ? tp->cap_qps * 2 : 64;
		struct tp_qp **nq = realloc(tp->qps, ncap * sizeof(*nq));
		if (!nq)
			goto nomem;
		tp->qps = nq;
		tp->cap_qps = ncap;
	}
	struct tp_qp *qp = calloc(1, sizeof(*qp));
	if (!qp)
		goto nomem;
	const struct cc_ops *cc = tp->cfg.cc;
	if (cc->priv_size && !(qp->cc.priv = calloc(1, cc->priv_size))) {
		free(qp);
		goto nomem;
	}
	uint64_t now = tp->eng->now_ps;
	qp->tp = tp;
	qp->id = tp->nqps;
	qp->src = src;
	qp->dst = dst;
	qp->prio = prio;
	if (tp->cfg.sport_per_pair) {
		uint16_t *next = pair_counter(tp, src, dst);
		if (!next) {
			free(qp->cc.priv);
			free(qp);
			goto nomem;
		}
		qp->sport = (uint16_t)(10000 + (*next)++ % 55536);
	} else {
		qp->sport = (uint16_t)(10000 + tp->next_sport[src]++ % 55536);
	}
	qp->hash = (uint32_t)net_mix64(((uint64_t)src << 32 | dst) ^ ((uint64_t)qp->sport << 48) ^ 4791);
	qp->size_bytes = bytes;
	qp->start_ps = now;
	qp->done_ps = qp->delivered_ps = NET_TIME_NEVER;
	qp->next_send_ps = now;
	qp->last_nack_psn = 0;
	qp->port = net_route(net, &net->nodes[src], dst, qp->hash);
	qp->cb = cb;
	qp->cb_arg = arg;
	net_tnode_init(&qp->rto, rto_expired);
	net_rng_init(&qp->rng, tp->cfg.seed, (3ull << 40) | qp->id);
	qp->cc.line_rate_bps = qp->port->rate_bps;
	qp->cc.rate_bps = qp->port->rate_bps;
	qp->cc.window_bytes = UINT64_MAX;
	qp->cc.mtu_bytes = tp->cfg.mtu_bytes;
	qp->cc.flow_id = qp->id;
	qp->cc.eng = tp->eng;
	qp->cc.rng = &qp->rng;
	qp->cc.cfg = tp->cc_cfg;
	qp->cc.shared = tp->cc_shared;
	qp->cc.owner = qp;
	qp->last_cnp_ps = NET_TIME_NEVER;
	tp->qps[tp->nqps++] = qp;
	uint64_t d1, f1;
	struct tp_qp probe = *qp;
	probe.size_bytes = tp->cfg.mtu_bytes;
	if (tp_ideal(tp, &probe, &d1, &f1) == 0)
		qp->cc.base_rtt_ps = f1;
	cc->init(&qp->cc);
	if (qp->cc.rate_bps > qp->cc.line_rate_bps || qp->cc.rate_bps == 0)
		qp->cc.rate_bps = qp->cc.line_rate_bps;
	/* Only now: init's own rate choice is not a change to re-pace. */
	qp->cc.rate_notify = rate_changed;
	if (TRACE_ON(tp, NET_TR_MSG_START, src))
		net_trace_msg(net->trace, NET_TR_MSG_START, now, src, qp->id, src, dst, bytes,
			      qp->sport);
	if (TRACE_ON(tp, NET_TR_RATE, src))
		net_trace_rate(net->trace, now, src, qp->id, qp->cc.rate_bps);
	if (out)
		*out = qp;
	qp_wake(tp, qp);
	return NET_OK;
nomem:
	net_seterr(tp->eng, "out of memory posting a message");
	return NET_ERR_NOMEM;
}


/*
 * Idle-fabric times. Forward hops l = 1..h with full-packet serialization
 * t_l, last-packet serialization u_l and propagation d_l; n packets all ready
 * at time 0 at the sender (line rate, nothing else on the fabric). For a
 * tandem of FIFO store-and-forward stages with identical jobs, packet j leaves
 * stage i at
 *     D(i, j) = sum_{l<=i} t_l + sum_{l<i} d_l + (j - 1) * max_{l<=i} t_l
 * (the longest path through the (stage, packet) grid spends its extra
 * packets at the slowest stage). The smaller last packet then follows
 *     D(i, n) = max(D(i-1, n) + d_{i-1}, D(i, n-1)) + u_i,
 * and is delivered at D(h, n) + d_h. Its ACK leaves at that instant and
 * returns over the reverse path, queueing at most behind the previous ACK
 * (generated when packet k = the last multiple of ack_every below n was
 * delivered); two-job tandem on the reverse hops gives the completion.
 */
int tp_ideal(const struct tp *tp, const struct tp_qp *qp, uint64_t *deliver_ps, uint64_t *fct_ps)
{
	return tp_ideal_msg(tp, qp->src, qp->dst, qp->hash, qp->size_bytes, deliver_ps, fct_ps);
}

int tp_ideal_msg(const struct tp *tp, uint32_t src, uint32_t dst, uint32_t hash, uint64_t size,
		 uint64_t *deliver_ps, uint64_t *fct_ps)
{
	struct net_port *fw[TP_MAX_HOPS], *rv[TP_MAX_HOPS];
	const struct net *net = tp->net;
	int h = net_path(net, src, dst, hash, fw, TP_MAX_HOPS);
	int hr = net_path(net, dst, src, hash, rv, TP_MAX_HOPS);
	if (h <= 0 || hr <= 0 || h > TP_MAX_HOPS || hr > TP_MAX_HOPS || !size)
		return -1;
	uint64_t mtu = tp->cfg.mtu_bytes, hdr = tp->cfg.hdr_data_bytes;
	uint64_t n = (size + mtu - 1) / mtu;
	uint64_t last = size - (n - 1) * mtu;
	uint64_t T = 0, M = 0, Dsum = 0, Dlast = 0, Dk = 0;
	uint64_t k = n > 1 ? ((n - 1) / tp->cfg.ack_every) * tp->cfg.ack_every : 0;
	for (int i = 0; i < h; i++) {
		uint64_t t = net_port_ser_ps(net, fw[i], mtu + hdr);
		uint64_t u = net_port_ser_ps(net, fw[i], last + hdr);
		T += t;
		if (t > M)
			M = t;
		uint64_t arrive = i == 0 ? 0 : Dlast + fw[i - 1]->delay_ps;
		uint64_t prev_full = n > 1 ? T + Dsum + (n - 2) * M : 0;
		Dlast = (arrive > prev_full ? arrive : prev_full) + u;
		if (k)
			Dk = T + Dsum + (k - 1) * M;
		Dsum += fw[i]->delay_ps;
	}
	uint64_t deliver = Dlast + fw[h - 1]->delay_ps;
	/* Reverse: job A = the ACK of packet k (if any), job B = the last ACK. */
	uint64_t a_rel = k ? Dk + fw[h - 1]->delay_ps : 0, DA = 0, DB = 0;
	for (int i = 0; i < hr; i++) {
		uint64_t a = net_port_ser_ps(net, rv[i], tp->cfg.hdr_ack_bytes);
		uint64_t inA = i == 0 ? a_rel : DA + rv[i - 1]->delay_ps;
		uint64_t inB = i == 0 ? deliver : DB + rv[i - 1]->delay_ps;
		DA = inA + a;
		if (k && DA > inB)
			inB = DA;
		DB = inB + a;
	}
	*deliver_ps = deliver;
	*fct_ps = DB + rv[hr - 1]->delay_ps;
	return 0;
}
