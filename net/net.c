/*
 * net/net.c - ports, wires, switches and host NIC ports (see net.h).
 *
 * Per packet-hop the work is: one pipe-arrival event at the far end, a route
 * lookup, a buffer check, an enqueue; and, when the egress transmitter is
 * busy, one transmitter-free event. Serialization of W bytes at R b/s takes
 * ceil(W*8e12/R) ps (exact for the usual rates: 80 ps/byte at 100 Gb/s).
 */
#include "net/net.h"
#include "net/qmon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/trace.h"
#include "topo/topo.h"

const char *const net_drop_reason_names[NET_DROP_NREASONS] = {
	[NET_DROP_BUFFER] = "buffer",
	[NET_DROP_LINK_ERROR] = "link_error",
	[NET_DROP_NO_ROUTE] = "no_route",
};

int net_routes_build(struct net *net);
void net_routes_free(struct net *net);

static void port_tx_event(struct net_engine *eng, struct net_event *ev);
static void port_arrive_event(struct net_engine *eng, struct net_event *ev);
static void pfc_refresh_event(struct net_engine *eng, struct net_event *ev);
static void pause_event(struct net_engine *eng, struct net_event *ev);
static void pfc_check(struct net *net, struct net_port *in, int c);
static void mmu_remove(struct net_node *n, struct net_port *in, int c, uint64_t bytes);
static void mmu_check(struct net *net, struct net_port *in, int c, int dequeue);
static void deadlock_event(struct net_engine *eng, struct net_event *ev);

/* Class c of a node's ingresses is under PFC (and, with ns3_mmu, the MMU). */
static inline int pfc_managed(const struct net *net, const struct net_node *node, int c)
{
	return net->cfg.pfc.enabled && node->kind == NET_SWITCH && (net->cfg.pfc.classes >> c & 1);
}

static uint32_t pfc_frame_bytes(const struct net_cfg *cfg)
{
	return cfg->pfc.frame_bytes ? cfg->pfc.frame_bytes : NET_PFC_FRAME_BYTES;
}

#define TRACE_ON(net, k, node, t) ((net)->trace && net_trace_want((net)->trace, (k), (node), (t)))

/* The dimension in which NPUs a and b differ, or -1 (none, or several). */
static int coord_diff_dim(const struct net *net, uint32_t a, uint32_t b)
{
	int k = -1;
	for (uint32_t i = 0; i < net->cr_ndims; i++)
		if (a / net->cr_stride[i] % net->cr_dims[i] != b / net->cr_stride[i] % net->cr_dims[i]) {
			if (k >= 0)
				return -1;
			k = (int)i;
		}
	return k;
}

/* Coordinate fabrics (see net.h): the slots, read off the links. A graph
 * that does not have the promised shape (NPUs 0..H-1 whose count is the
 * product of the dimensions) keeps table routing. Returns -1 on no memory. */
static int net_coord_setup(struct net *net, const struct topo_graph *g)
{
	uint32_t H = net->nhosts, prod = 1, nsw = net->nnodes - H;
	if (g->coord_ndims > 8)
		return 0;
	for (uint32_t k = 0; k < g->coord_ndims; k++)
		prod *= g->coord_dims[k];
	for (uint32_t i = 0; i < H; i++)
		if (net->nodes[i].kind != NET_HOST)
			return 0;
	if (prod != H)
		return 0;
	net->cr_ndims = g->coord_ndims;
	for (uint32_t k = 0, st = 1; k < g->coord_ndims; st *= g->coord_dims[k], k++) {
		uint32_t d = g->coord_dims[k];
		net->cr_dims[k] = d;
		net->cr_stride[k] = st;
		net->cr_kind[k] = g->coord_kind[k];
		net->cr_off[k] = net->cr_nslots;
		net->cr_nslots += g->coord_kind[k] == TOPO_DIM_RING ? 2 : g->coord_kind[k] == TOPO_DIM_FC ? d : 1;
		if (g->coord_kind[k] == TOPO_DIM_SWITCH && d > net->cr_maxd)
			net->cr_maxd = d;
	}
	size_t cells = (size_t)H * net->cr_nslots;
	net->cr_port = malloc((cells ? cells : 1) * sizeof(uint16_t));
	net->cr_sw_dim = malloc(nsw ? nsw : 1);
	net->cr_sw_port = malloc(((size_t)nsw * net->cr_maxd + 1) * sizeof(uint16_t));
	if (!net->cr_port || !net->cr_sw_dim || !net->cr_sw_port)
		return -1;
	memset(net->cr_port, 0xff, cells * sizeof(uint16_t));
	memset(net->cr_sw_dim, 0xff, nsw);
	memset(net->cr_sw_port, 0xff, ((size_t)nsw * net->cr_maxd + 1) * sizeof(uint16_t));
	/* Switches first: their dimension is the one in which their members
	 * differ (a switch with one member routes nothing). */
	for (uint32_t s = H; s < net->nnodes; s++) {
		struct net_node *n = &net->nodes[s];
		if (n->nports < 2)
			continue;
		int k = coord_diff_dim(net, n->ports[0].peer->node->id, n->ports[1].peer->node->id);
		if (k < 0 || net->cr_kind[k] != TOPO_DIM_SWITCH)
			continue;
		net->cr_sw_dim[s - H] = (uint8_t)k;
		for (uint32_t q = 0; q < n->nports; q++) {
			uint32_t m = n->ports[q].peer->node->id;
			uint32_t c = m / net->cr_stride[k] % net->cr_dims[k];
			if (!n->ports[q].down && m < H)
				net->cr_sw_port[(size_t)(s - H) * net->cr_maxd + c] = (uint16_t)q;
		}
	}
	for (uint32_t i = 0; i < H; i++) {
		struct net_node *n = &net->nodes[i];
		uint16_t *slot = &net->cr_port[(size_t)i * net->cr_nslots];
		for (uint32_t q = 0; q < n->nports; q++) {
			const struct net_port *p = &n->ports[q];
			uint32_t m = p->peer->node->id;
			if (p->down)
				continue;
			if (m >= H) {
				uint8_t k = net->cr_sw_dim[m - H];
				if (k != 0xff && slot[net->cr_off[k]] == UINT16_MAX)
					slot[net->cr_off[k]] = (uint16_t)q;
				continue;
			}
			int k = coord_diff_dim(net, i, m);
			if (k < 0)
				continue;
			uint32_t d = net->cr_dims[k], st = net->cr_stride[k];
			uint32_t cn = i / st % d, cm = m / st % d;
			uint16_t *sk = &slot[net->cr_off[k]];
			if (net->cr_kind[k] == TOPO_DIM_FC) {
				if (sk[cm] == UINT16_MAX)
					sk[cm] = (uint16_t)q;
			} else if (net->cr_kind[k] == TOPO_DIM_RING) {
				/* In a dimension of size 2 one link serves both ways. */
				if ((cm + d - cn) % d == 1 && sk[0] == UINT16_MAX)
					sk[0] = (uint16_t)q;
				if ((cn + d - cm) % d == 1 && sk[1] == UINT16_MAX)
					sk[1] = (uint16_t)q;
			}
		}
	}
	return 0;
}

int net_create(struct net_engine *eng, const struct net_cfg *cfg, const struct topo_graph *g,
	       struct net **out)
{
	*out = NULL;
	if (g->nnodes == 0) {
		net_seterr(eng, "topology has no nodes");
		return NET_ERR_INVAL;
	}
	if (g->nnodes >= UINT32_MAX / 2) {
		net_seterr(eng, "topology has too many nodes (%u)", g->nnodes);
		return NET_ERR_INVAL;
	}
	struct net *net = calloc(1, sizeof(*net));
	uint32_t *deg = calloc(g->nnodes, sizeof(*deg));
	if (!net || !deg)
		goto nomem;
	net->eng = eng;
	net->cfg = *cfg;
	/* Before any exit through net_destroy: a zeroed event looks pending. */
	net_event_init(&net->deadlock_ev, deadlock_event, net);
	net_pool_init(&net->pool);
	net->nnodes = g->nnodes;
	net->nlinks = g->nlinks;
	for (uint32_t l = 0; l < g->nlinks; l++) {
		const struct topo_link *lk = &g->links[l];
		if (lk->a >= g->nnodes || lk->b >= g->nnodes || lk->a == lk->b || !lk->rate_bps) {
			net_seterr(eng, "link %u (%u-%u) is invalid", l, lk->a, lk->b);
			free(deg);
			free(net);
			return NET_ERR_INVAL;
		}
		if (++deg[lk->a] > UINT16_MAX - 1 || ++deg[lk->b] > UINT16_MAX - 1) {
			net_seterr(eng, "link %u: a node has more than %u ports", l, UINT16_MAX - 1);
			free(deg);
			free(net);
			return NET_ERR_INVAL;
		}
	}
	net->nports = 2 * g->nlinks;
	net->nodes = calloc(g->nnodes, sizeof(*net->nodes));
	net->ports = calloc(net->nports ? net->nports : 1, sizeof(*net->ports));
	if (!net->nodes || !net->ports)
		goto nomem;

	struct net_port *pp = net->ports;
	uint64_t unlisted_rate = 0;      /* a switch port rate ECN has no entry for */
	for (uint32_t i = 0; i < g->nnodes; i++) {
		struct net_node *n = &net->nodes[i];
		n->net = net;
		n->id = i;
		n->kind = g->kind[i] == TOPO_SWITCH ? NET_SWITCH : NET_HOST;
		if (n->kind == NET_HOST)
			net->nhosts++;
		n->ports = pp;
		pp += deg[i];
		n->buf_size = n->kind == NET_SWITCH ? cfg->buffer_bytes : UINT64_MAX;
		n->forwards = n->kind == NET_SWITCH;
		struct net_rng r;
		net_rng_init(&r, cfg->seed, (1ull << 40) | i);
		n->salt = net_rng_next(&r);
	}
	for (uint32_t l = 0; l < g->nlinks; l++) {
		const struct topo_link *lk = &g->links[l];
		struct net_node *a = &net->nodes[lk->a], *b = &net->nodes[lk->b];
		struct net_port *pa = &a->ports[a->nports], *pb = &b->ports[b->nports];
		pa->index = a->nports++;
		pb->index = b->nports++;
		pa->node = a;
		pb->node = b;
		pa->peer = pb;
		pb->peer = pa;
		pb->down = lk->one_way;      /* a one-way link only carries a -> b */
		for (int d = 0; d < 2; d++) {
			struct net_port *p = d ? pb : pa;
			p->link = l;
			p->rate_bps = lk->rate_bps;
			p->delay_ps = lk->delay_ps;
			p->ps_per_byte = (8 * NET_PS_PER_S) % lk->rate_bps ? 0 : 8 * NET_PS_PER_S / lk->rate_bps;
			p->error_rate = lk->error_rate;
			net_rng_init(&p->rng, cfg->seed, (2ull << 40) | ((uint64_t)l << 1) | (uint64_t)d);
			net_rng_init(&p->ecn_rng, cfg->seed, (4ull << 40) | ((uint64_t)l << 1) | (uint64_t)d);
			if (cfg->ecn.enabled && p->node->kind == NET_SWITCH) {
				p->ecn_on = 1;
				p->ecn_pmax = cfg->ecn.pmax;
				/* 100 KB / 400 KB per 25 Gb/s, in bytes: rate / 250,000
				 * and rate / 62,500. */
				p->ecn_kmin_bytes = cfg->ecn.kmin_bytes ? cfg->ecn.kmin_bytes
									: lk->rate_bps / 250000;
				p->ecn_kmax_bytes = cfg->ecn.kmax_bytes ? cfg->ecn.kmax_bytes
									: lk->rate_bps / 62500;
				size_t r = 0;
				while (r < cfg->ecn.nby_rate && cfg->ecn.by_rate[r].rate_bps != lk->rate_bps)
					r++;
				if (r < cfg->ecn.nby_rate) {
					p->ecn_kmin_bytes = cfg->ecn.by_rate[r].kmin_bytes;
					p->ecn_kmax_bytes = cfg->ecn.by_rate[r].kmax_bytes;
					p->ecn_pmax = cfg->ecn.by_rate[r].pmax;
				} else if (cfg->ecn.by_rate_only && !unlisted_rate) {
					unlisted_rate = lk->rate_bps;
				}
			}
			net_event_init(&p->tx_ev, port_tx_event, p);
			net_event_init(&p->arr_ev, port_arrive_event, p);
			net_event_init(&p->pfc_refresh_ev, pfc_refresh_event, p);
			net_event_init(&p->pause_ev, pause_event, p);
			if (cfg->pfc.enabled && p->node->kind == NET_SWITCH) {
				/* Enough to absorb what is already coming when the PAUSE
				 * leaves: a round trip of the link's bandwidth-delay
				 * product, the frame the peer is sending, the frame ahead
				 * of our PAUSE, and the PAUSE itself. */
				unsigned __int128 bdp = (unsigned __int128)lk->rate_bps * lk->delay_ps /
							(8 * NET_PS_PER_S);
				p->headroom_bytes = cfg->pfc.headroom_bytes
					? cfg->pfc.headroom_bytes
					: 2 * (uint64_t)bdp + 2ull * cfg->pfc.max_frame_bytes +
						  pfc_frame_bytes(cfg);
				if (cfg->pfc.ns3_mmu && !cfg->pfc.headroom_bytes) {
					/* The HPCC code's: 3 one-way BDPs, in integer steps
					 * (ns, then / 8 / 1e9, then x 3). */
					unsigned __int128 h = (unsigned __int128)lk->rate_bps *
							      (lk->delay_ps / 1000) / 8 / 1000000000u;
					p->headroom_bytes = 3 * (uint64_t)h;
				}
				p->node->headroom_total += p->headroom_bytes;
				if (cfg->pfc.ns3_mmu)
					p->node->mmu_reserve_total += NET_MMU_RESERVE;
			}
		}
	}
	free(deg);
	deg = NULL;
	if (unlisted_rate) {
		net_seterr(eng, "ECN: no thresholds are given for the %llu b/s links",
			   (unsigned long long)unlisted_rate);
		net_destroy(net);
		return NET_ERR_INVAL;
	}
	/* ns3_mmu: the threshold's shift is 3 at the hosts' link rate (the
	 * first host's first port) and one less per doubling above it. */
	if (cfg->pfc.enabled && cfg->pfc.ns3_mmu && net->nnodes && net->nodes[0].nports) {
		uint64_t host_rate = net->nodes[0].ports[0].rate_bps;
		for (uint32_t i = 0; i < net->nnodes; i++)
			for (uint32_t j = 0; j < net->nodes[i].nports; j++) {
				struct net_port *p = &net->nodes[i].ports[j];
				uint64_t r = p->rate_bps;
				p->mmu_shift = 3;
				while (r > host_rate && p->mmu_shift > 0) {
					p->mmu_shift--;
					r /= 2;
				}
			}
	}
	/* A pause must outlast two frames, or the refresh sent at half-life can
	 * arrive after it expired (or PAUSE frames crowd out data). ns3_mmu
	 * pauses last until their resume. */
	uint64_t min_quanta = (2 * 8 * ((uint64_t)cfg->pfc.max_frame_bytes + pfc_frame_bytes(cfg)) +
			       511) / 512;
	if (cfg->pfc.enabled && !cfg->pfc.ns3_mmu && cfg->pfc.quanta < min_quanta) {
		net_seterr(eng, "PFC quanta %u is too short: a pause must outlast two frames of "
			   "%u B plus a PAUSE (at least %llu quanta)", cfg->pfc.quanta,
			   cfg->pfc.max_frame_bytes, (unsigned long long)min_quanta);
		net_destroy(net);
		return NET_ERR_INVAL;
	}
	if (cfg->pfc.enabled)
		for (uint32_t i = 0; i < net->nnodes; i++) {
			const struct net_node *n = &net->nodes[i];
			if (n->kind == NET_SWITCH && n->nports && n->buf_size <= n->headroom_total) {
				net_seterr(eng, "switch %u: the buffer (%llu B) does not exceed the PFC "
					   "headroom of its %u ports (%llu B): raise fabric.buffer or lower "
					   "fabric.pfc.headroom", i, (unsigned long long)n->buf_size,
					   n->nports, (unsigned long long)n->headroom_total);
				net_destroy(net);
				return NET_ERR_INVAL;
			}
		}
	if (cfg->pfc.enabled && cfg->pfc.deadlock_timeout_ps &&
	    !(net->dl_state = calloc(net->nnodes, sizeof(*net->dl_state)))) {
		net_seterr(eng, "out of memory creating the network");
		net_destroy(net);
		return NET_ERR_NOMEM;
	}
	/* Every port's events are initialised now, so net_destroy is safe. */
	for (uint32_t i = 0; i < net->nports; i++) {
		struct net_port *p = &net->ports[i];
		if (p->node->kind == NET_SWITCH && !(p->qh = calloc(1, sizeof(*p->qh)))) {
			net_seterr(eng, "out of memory creating the network");
			net_destroy(net);
			return NET_ERR_NOMEM;
		}
	}
	if (g->coord_ndims && net_coord_setup(net, g)) {
		net_seterr(eng, "out of memory creating the network");
		net_destroy(net);
		return NET_ERR_NOMEM;
	}
	uint32_t nswitches = g->nnodes - net->nhosts;
	int hosts_fwd = g->hosts_forward == TOPO_FWD_AUTO ? nswitches == 0 : g->hosts_forward;
	for (uint32_t i = 0; i < g->nnodes; i++)
		if (net->nodes[i].kind == NET_HOST && net->nodes[i].nports > 1)
			net->nodes[i].forwards = (uint8_t)hosts_fwd;
	int rc = net_routes_build(net);
	if (rc) {
		net_destroy(net);
		return rc;
	}
	*out = net;
	return NET_OK;
nomem:
	free(deg);
	if (net) {
		free(net->nodes);
		free(net->ports);
		free(net);
	}
	net_seterr(eng, "out of memory creating the network");
	return NET_ERR_NOMEM;
}

static void free_list(struct net_pkt_pool *pool, struct net_pkt *p)
{
	while (p) {
		struct net_pkt *n = p->next;
		net_pkt_free(pool, p);
		p = n;
	}
}

void net_drain(struct net *net)
{
	for (uint32_t i = 0; i < net->nports; i++) {
		struct net_port *p = &net->ports[i];
		net_event_cancel(net->eng, &p->tx_ev);
		net_event_cancel(net->eng, &p->arr_ev);
		net_event_cancel(net->eng, &p->pfc_refresh_ev);
		net_event_cancel(net->eng, &p->pause_ev);
		for (int c = 0; c < NET_NQ; c++) {
			free_list(&net->pool, p->q[c].head);
			memset(&p->q[c], 0, sizeof(p->q[c]));
		}
		free_list(&net->pool, p->pipe_head);
		p->pipe_head = p->pipe_tail = NULL;
		p->nonempty = 0;
		p->queued_bytes = 0;
	}
}

void net_destroy(struct net *net)
{
	if (!net)
		return;
	net_drain(net);
	net_qmon_stop(net);
	net_event_cancel(net->eng, &net->deadlock_ev);
	free(net->dl_state);
	for (uint32_t i = 0; i < net->nports; i++)
		free(net->ports[i].qh);
	net_routes_free(net);
	free(net->cr_port);
	free(net->cr_sw_dim);
	free(net->cr_sw_port);
	net_pool_fini(&net->pool);
	free(net->ports);
	free(net->nodes);
	free(net);
}

void net_set_host_ops(struct net *net, const struct net_host_ops *ops, void *ctx)
{
	net->host_ops = *ops;
	net->host_ctx = ctx;
}

uint64_t net_in_flight(const struct net *net)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < net->nports; i++) {
		const struct net_port *p = &net->ports[i];
		for (int c = 0; c < NET_NQ; c++)
			n += p->q[c].pkts;
		for (const struct net_pkt *k = p->pipe_head; k; k = k->next)
			n++;
	}
	return n;
}

/* RED at a switch egress for a data packet seeing q bytes in its class. */
static void ecn_maybe_mark(struct net *net, struct net_port *port, struct net_pkt *p, uint64_t q)
{
	if (!port->ecn_on || p->type != NET_PKT_DATA || !(p->flags & NET_PKT_F_ECT) ||
	    (p->flags & NET_PKT_F_CE))
		return;
	double pr = net_red_prob(q, port->ecn_kmin_bytes, port->ecn_kmax_bytes, port->ecn_pmax);
	if (pr <= 0.0 || (pr < 1.0 && net_rng_uniform(&port->ecn_rng) >= pr))
		return;
	p->flags |= NET_PKT_F_CE;
	net->ctr.ecn_marks++;
	if (TRACE_ON(net, NET_TR_ECN, port->node->id, net->eng->now_ps))
		net_trace_pkt(net->trace, NET_TR_ECN, net->eng->now_ps, port->node->id, port->index, p,
			      q, 0);
}

static void drop(struct net *net, struct net_node *node, uint32_t port, struct net_pkt *p,
		 enum net_drop_reason why)
{
	net->ctr.drops[why]++;
	net->ctr.drops_total++;
	net->ctr.drops_by_type[p->type < NET_PKT_NTYPES ? p->type : NET_PKT_DATA]++;
	if (TRACE_ON(net, NET_TR_DROP, node->id, net->eng->now_ps))
		net_trace_pkt(net->trace, NET_TR_DROP, net->eng->now_ps, node->id, port, p, 0, why);
	net_pkt_free(&net->pool, p);
}

/* Put a packet on the wire: it arrives whole after serialization + delay. */
static void port_start_tx(struct net *net, struct net_port *port, struct net_pkt *p, uint64_t now)
{
	uint64_t ser = net_port_ser_ps(net, port, p->wire_bytes);
	port->busy_until_ps = now + ser;
	port->tx_pkts++;
	port->tx_bytes += p->wire_bytes;
	uint64_t t = now + ser + port->delay_ps;
	p->next = NULL;
	if (port->pipe_tail) {
		port->pipe_tail->next = p;
		port->pipe_tail->t_ps = t;   /* the previous packet knows when we land */
	} else {
		port->pipe_head = p;
		net_event_schedule(net->eng, &port->arr_ev, t);
	}
	port->pipe_tail = p;
}

/* Charge the time since the last change to the depth that held until now. */
static inline void qh_note(struct net_port *port, uint64_t now)
{
	struct net_qhist *h = port->qh;
	if (h) {
		h->ps[net_qh_bucket(port->queued_bytes)] += now - h->last_ps;
		h->last_ps = now;
	}
}

static void qh_totals(const struct net_port *port, uint64_t end_ps, uint64_t *ps, uint64_t *total)
{
	const struct net_qhist *h = port->qh;
	memcpy(ps, h->ps, sizeof(h->ps));
	if (end_ps > h->last_ps)
		ps[net_qh_bucket(port->queued_bytes)] += end_ps - h->last_ps;
	*total = 0;
	for (uint32_t b = 0; b < NET_QH_BUCKETS; b++)
		*total += ps[b];
}

uint64_t net_qh_percentile(const uint64_t ps[NET_QH_BUCKETS], double f, uint64_t max_bytes)
{
	uint64_t total = 0;
	for (uint32_t b = 0; b < NET_QH_BUCKETS; b++)
		total += ps[b];
	if (!total)
		return 0;
	double want = f * (double)total, acc = 0;
	for (uint32_t b = 0; b < NET_QH_BUCKETS; b++) {
		if (!ps[b])
			continue;
		if (acc + (double)ps[b] >= want) {
			uint64_t lo, hi;
			net_qh_range(b, &lo, &hi);
			uint64_t v = lo + (uint64_t)((double)(hi - 1 - lo) * ((want - acc) / (double)ps[b]));
			/* Interpolating inside the top bucket can pass the true maximum. */
			return v < max_bytes ? v : max_bytes;
		}
		acc += (double)ps[b];
	}
	return max_bytes;
}

double net_qh_mean(const uint64_t ps[NET_QH_BUCKETS])
{
	uint64_t total = 0;
	double s = 0;
	for (uint32_t b = 0; b < NET_QH_BUCKETS; b++) {
		uint64_t lo, hi;
		net_qh_range(b, &lo, &hi);
		total += ps[b];
		s += (double)ps[b] * (b < 16 ? (double)lo : 0.5 * (double)(lo + hi - 1));
	}
	return total ? s / (double)total : 0;
}

uint64_t net_qhist_percentile(const struct net_port *port, double f, uint64_t end_ps)
{
	uint64_t ps[NET_QH_BUCKETS], total;
	if (!port->qh)
		return 0;
	qh_totals(port, end_ps, ps, &total);
	return net_qh_percentile(ps, f, port->max_queue_bytes);
}

double net_qhist_mean(const struct net_port *port, uint64_t end_ps)
{
	uint64_t ps[NET_QH_BUCKETS], total;
	if (!port->qh)
		return 0;
	qh_totals(port, end_ps, ps, &total);
	return net_qh_mean(ps);
}

static struct net_pkt *queue_pop(struct net_port *port, int c, uint64_t now)
{
	struct net_queue *q = &port->q[c];
	struct net_pkt *p = q->head;
	if (port->node->net->qmon)
		net_qmon_note(port->node->net, port, now);
	q->head = p->next;
	/* The next packet is wanted one serialization from now; in a deep
	 * queue it has long left the cache. */
	if (q->head)
		__builtin_prefetch(q->head);
	if (!q->head) {
		q->tail = NULL;
		port->nonempty &= (uint16_t)~(1u << c);
	}
	q->bytes -= p->wire_bytes;
	q->pkts--;
	qh_note(port, now);
	port->queued_bytes -= p->wire_bytes;
	return p;
}

/* Choose the next packet: the control queue, then classes from 7 down,
 * skipping paused ones. In a class where both the host's source and transit
 * packets wait, they take turns. *wake gets the earliest time a pacing
 * source class asked to be polled again; *probed the classes whose source
 * was asked and had nothing now. */
static struct net_pkt *port_select(struct net *net, struct net_port *port, uint64_t now,
				   uint64_t *wake, int *from_q, uint8_t *probed)
{
	*wake = NET_TIME_NEVER;
	*from_q = 1;
	*probed = 0;
	uint16_t mq = port->nonempty & (uint16_t)~port->paused;
	if (mq & (1u << NET_CTRL_Q))
		return queue_pop(port, NET_CTRL_Q, now);
	uint8_t ms = port->src_mask & (uint8_t)~port->paused;
	uint32_t m = (mq | ms) & 0xffu;
	int qfirst = net->cfg.host_queue_first && port->node->kind == NET_HOST;
	while (m) {
		int c = 31 - __builtin_clz(m);
		uint32_t bit = 1u << c;
		if ((ms & bit) && (!(mq & bit) || (!qfirst && (port->src_turn & bit)))) {
			uint64_t w;
			struct net_pkt *p = net->host_ops.pull(net->host_ctx, port, c, &w);
			if (p) {
				port->src_turn &= (uint8_t)~bit;
				p->in_port = NET_PORT_LOCAL;
				*from_q = 0;
				return p;
			}
			*probed |= (uint8_t)bit;
			if (w < *wake)
				*wake = w;
			if (w == NET_TIME_NEVER)
				port->src_mask &= (uint8_t)~bit;
		}
		if (mq & bit) {
			port->src_turn |= (uint8_t)bit;
			return queue_pop(port, c, now);
		}
		m &= ~bit;
	}
	return NULL;
}

static void port_tx_next(struct net *net, struct net_port *port)
{
	uint64_t now = net->eng->now_ps;
	if (now < port->busy_until_ps) {
		net_event_schedule(net->eng, &port->tx_ev, port->busy_until_ps);
		return;
	}
	uint64_t wake;
	int from_q;
	uint8_t probed;
	/* The source's hooks (congestion control changing a rate) may wake this
	 * very port while it chooses; re-entering would start two packets at
	 * once. Such a wake is remembered and honoured below. */
	port->selecting = 1;
	port->rewake = 0;
	struct net_pkt *p = port_select(net, port, now, &wake, &from_q, &probed);
	port->selecting = 0;
	if (!p) {
		if (port->rewake)
			net_event_schedule(net->eng, &port->tx_ev, now);
		else if (wake != NET_TIME_NEVER)
			net_event_schedule(net->eng, &port->tx_ev, wake);
		return;
	}
	struct net_node *node = port->node;
	if (from_q && p->in_port != NET_PORT_LOCAL) {
		struct net_port *in = &node->ports[p->in_port];
		node->buf_used -= p->wire_bytes;
		int managed = pfc_managed(net, node, p->prio);
		if (managed && net->cfg.pfc.ns3_mmu) {
			mmu_remove(node, in, p->prio, p->wire_bytes);
			mmu_check(net, in, p->prio, 1);
		} else {
			in->in_bytes[p->prio] -= p->wire_bytes;
			if (managed)
				pfc_check(net, in, p->prio);
		}
		/* Dequeue marking sees the bytes left behind the departing packet. */
		if (!net->cfg.ecn.at_enqueue)
			ecn_maybe_mark(net, port, p, port->q[p->prio].bytes);
	}
	if (TRACE_ON(net, NET_TR_TX, node->id, now))
		net_trace_pkt(net->trace, NET_TR_TX, now, node->id, port->index, p,
			      p->prio < NET_NPRIO ? port->q[p->prio].bytes : 0, 0);
	port_start_tx(net, port, p, now);
	/* Only a port with more to send needs to hear when it is free again. A
	 * source class that is pacing is asked again when it is ready, not
	 * before, unless an active class was not asked this time. */
	uint8_t ms = port->src_mask & (uint8_t)~port->paused;
	uint64_t t = port->busy_until_ps;
	if ((port->nonempty & (uint16_t)~port->paused) || port->rewake)
		net_event_schedule(net->eng, &port->tx_ev, t);
	else if (ms)
		net_event_schedule(net->eng, &port->tx_ev,
				   (ms & (uint8_t)~probed) || wake <= t ? t : wake);
}

static void port_tx_event(struct net_engine *eng, struct net_event *ev)
{
	struct net_port *port = ev->arg;
	port_tx_next(port->node->net, port);
}

/* Make sure the transmitter looks at its queues/source as soon as it is free. */
static void port_wake(struct net *net, struct net_port *port)
{
	if (port->selecting) {
		port->rewake = 1;
		return;
	}
	uint64_t now = net->eng->now_ps;
	uint64_t t = port->busy_until_ps > now ? port->busy_until_ps : now;
	if (net_event_pending(&port->tx_ev)) {
		if (port->tx_ev.time_ps <= t)
			return;
		if (t > now) {
			net_event_schedule(net->eng, &port->tx_ev, t);
			return;
		}
		net_event_cancel(net->eng, &port->tx_ev);
	} else if (t > now) {
		net_event_schedule(net->eng, &port->tx_ev, t);
		return;
	}
	port_tx_next(net, port);
}

void net_port_source(struct net *net, struct net_port *port, int cls, int active)
{
	uint8_t bit = (uint8_t)(1u << cls);
	if (!active) {
		port->src_mask &= (uint8_t)~bit;
		return;
	}
	port->src_mask |= bit;
	port_wake(net, port);
}

static void port_enqueue(struct net *net, struct net_port *port, struct net_pkt *p, int c)
{
	struct net_queue *q = &port->q[c];
	if (net->qmon)
		net_qmon_note(net, port, net->eng->now_ps);
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->bytes += p->wire_bytes;
	q->pkts++;
	port->nonempty |= (uint16_t)(1u << c);
	qh_note(port, net->eng->now_ps);
	port->queued_bytes += p->wire_bytes;
	if (port->queued_bytes > port->max_queue_bytes)
		port->max_queue_bytes = port->queued_bytes;
	if (TRACE_ON(net, NET_TR_ENQ, port->node->id, net->eng->now_ps))
		net_trace_pkt(net->trace, NET_TR_ENQ, net->eng->now_ps, port->node->id, port->index, p,
			      q->bytes, 0);
	port_wake(net, port);
}

void net_port_send(struct net *net, struct net_port *port, struct net_pkt *p, int ctrl)
{
	p->in_port = NET_PORT_LOCAL;
	port_enqueue(net, port, p, ctrl ? NET_CTRL_Q : (p->prio & (NET_NPRIO - 1)));
}

/* ---- PFC (802.1Qbb) ---- */

/* Pause time of `quanta` units of 512 bit times at the port's rate. */
static uint64_t pause_ps(const struct net_port *port, uint16_t quanta)
{
	return net_ser_ps((uint64_t)quanta * 64, port->rate_bps);
}

/* The XOFF threshold of an ingress now: fixed, or alpha x the free shared
 * buffer (the buffer less every port's headroom, less what is used). */
static uint64_t pfc_threshold(const struct net *net, const struct net_node *node)
{
	const struct net_pfc_cfg *c = &net->cfg.pfc;
	if (!c->dynamic)
		return c->xoff_bytes;
	uint64_t reserved = node->headroom_total + node->buf_used;
	uint64_t free_b = node->buf_size > reserved ? node->buf_size - reserved : 0;
	return (uint64_t)(c->alpha * (double)free_b);
}

/* Send a PFC frame for class c out of `port` (toward the peer we throttle). */
static void pfc_send(struct net *net, struct net_port *port, int c, uint16_t quanta)
{
	struct net_pkt *p = net_pkt_alloc(&net->pool);
	if (!p) {
		net_seterr(net->eng, "out of memory allocating a PFC frame");
		if (!net->eng->failed)
			net->eng->failed = NET_ERR_NOMEM;
		return;
	}
	p->type = NET_PKT_PFC;
	p->src = port->node->id;
	p->dst = port->peer->node->id;
	p->wire_bytes = pfc_frame_bytes(&net->cfg);
	p->prio = NET_NPRIO - 1;
	p->aux = (uint8_t)(1u << c);
	p->psn = quanta;
	if (quanta) {
		port->pfc_xoff_sent++;
		net->ctr.pfc_pauses++;
	} else {
		port->pfc_xon_sent++;
		net->ctr.pfc_resumes++;
	}
	if (TRACE_ON(net, NET_TR_PFC, port->node->id, net->eng->now_ps))
		net_trace_pkt(net->trace, NET_TR_PFC, net->eng->now_ps, port->node->id, port->index, p,
			      port->in_bytes[c], 0);
	net_port_send(net, port, p, 1);
}

/* Refresh before the peer's pause runs out: at half its length. */
static void pfc_refresh_arm(struct net *net, struct net_port *port)
{
	if (net->cfg.pfc.ns3_mmu)
		return;              /* pauses last until their resume */
	uint64_t half = pause_ps(port, net->cfg.pfc.quanta) / 2, t = NET_TIME_NEVER;
	for (int c = 0; c < NET_NPRIO; c++)
		if ((port->xoff >> c & 1) && port->xoff_sent_ps[c] + half < t)
			t = port->xoff_sent_ps[c] + half;
	if (t == NET_TIME_NEVER)
		net_event_cancel(net->eng, &port->pfc_refresh_ev);
	else
		net_event_schedule(net->eng, &port->pfc_refresh_ev, t > net->eng->now_ps ? t : net->eng->now_ps);
}

/* ---- ns3_mmu: the HPCC ns-3 code's switch MMU ---- */

static uint64_t mmu_threshold(const struct net_node *n, const struct net_port *in)
{
	uint64_t used = n->headroom_total + n->mmu_reserve_total + n->mmu_shared;
	return n->buf_size > used ? (n->buf_size - used) >> in->mmu_shift : 0;
}

static uint64_t mmu_shared_of(const struct net_port *in, int c)
{
	return in->in_bytes[c] > NET_MMU_RESERVE ? in->in_bytes[c] - NET_MMU_RESERVE : 0;
}

/* Admit a packet of `bytes` to ingress (in, c): 0, or -1 when both its
 * headroom and the shared pool would overflow (the packet is dropped). */
static int mmu_admit(struct net_node *n, struct net_port *in, int c, uint64_t bytes)
{
	uint64_t thr = mmu_threshold(n, in);
	if (bytes + in->mmu_hdrm[c] > in->headroom_bytes && bytes + mmu_shared_of(in, c) > thr)
		return -1;
	uint64_t nw = in->in_bytes[c] + bytes;
	if (nw <= NET_MMU_RESERVE) {
		in->in_bytes[c] = nw;
	} else if (nw - NET_MMU_RESERVE > thr) {
		in->mmu_hdrm[c] += bytes;
	} else {
		in->in_bytes[c] = nw;
		uint64_t over = nw - NET_MMU_RESERVE;
		n->mmu_shared += bytes < over ? bytes : over;
	}
	return 0;
}

/* A packet of `bytes` from ingress (in, c) left: headroom first, then the
 * shared part, then the reserve. */
static void mmu_remove(struct net_node *n, struct net_port *in, int c, uint64_t bytes)
{
	uint64_t from_hdrm = in->mmu_hdrm[c] < bytes ? in->mmu_hdrm[c] : bytes;
	uint64_t sh = mmu_shared_of(in, c), rest = bytes - from_hdrm;
	uint64_t from_shared = rest < sh ? rest : sh;
	in->mmu_hdrm[c] -= from_hdrm;
	in->in_bytes[c] -= rest;
	n->mmu_shared -= from_shared;
}

/* After an enqueue (dequeue 0): PAUSE when headroom is in use or the shared
 * part reached the threshold. After a dequeue: RESUME when headroom is
 * empty and the shared part is empty or resume_offset under it. */
static void mmu_check(struct net *net, struct net_port *in, int c, int dequeue)
{
	uint8_t bit = (uint8_t)(1u << c);
	uint64_t thr = mmu_threshold(in->node, in), sh = mmu_shared_of(in, c);
	if (!dequeue && !(in->xoff & bit) && (in->mmu_hdrm[c] > 0 || sh >= thr)) {
		in->xoff |= bit;
		in->xoff_sent_ps[c] = net->eng->now_ps;
		pfc_send(net, in, c, 0xffff);
	} else if (dequeue && (in->xoff & bit) && in->mmu_hdrm[c] == 0 &&
		   (sh == 0 || sh + net->cfg.pfc.resume_offset_bytes <= thr)) {
		in->xoff &= (uint8_t)~bit;
		pfc_send(net, in, c, 0);
	}
}

/* Ingress (port, class) usage changed: XOFF when it reaches the threshold,
 * XON when usage + resume offset is back under it. */
static void pfc_check(struct net *net, struct net_port *in, int c)
{
	const struct net_pfc_cfg *cfg = &net->cfg.pfc;
	uint64_t t = pfc_threshold(net, in->node), q = in->in_bytes[c];
	uint8_t bit = (uint8_t)(1u << c);
	if (!(in->xoff & bit)) {
		if (q >= t && q > 0) {
			in->xoff |= bit;
			in->xoff_sent_ps[c] = net->eng->now_ps;
			pfc_send(net, in, c, cfg->quanta);
			pfc_refresh_arm(net, in);
		}
	} else if (q == 0 || q + cfg->resume_offset_bytes <= t) {
		/* An empty ingress always resumes (the HPCC ns-3 rule): with a
		 * threshold below the offset nothing else could. */
		in->xoff &= (uint8_t)~bit;
		pfc_send(net, in, c, 0);
		pfc_refresh_arm(net, in);
	}
}

/* A paused class whose XON condition never comes with a packet of its own
 * (the threshold moved) is re-examined here; one still over it is paused
 * again before the peer's pause expires. */
static void pfc_refresh_event(struct net_engine *eng, struct net_event *ev)
{
	struct net_port *port = ev->arg;
	struct net *net = port->node->net;
	uint64_t half = pause_ps(port, net->cfg.pfc.quanta) / 2;
	for (int c = 0; c < NET_NPRIO; c++) {
		if (!(port->xoff >> c & 1) || port->xoff_sent_ps[c] + half > eng->now_ps)
			continue;
		uint64_t t = pfc_threshold(net, port->node), q = port->in_bytes[c];
		if (q == 0 || q + net->cfg.pfc.resume_offset_bytes <= t) {
			port->xoff &= (uint8_t)~(1u << c);
			pfc_send(net, port, c, 0);
		} else {
			port->xoff_sent_ps[c] = eng->now_ps;
			pfc_send(net, port, c, net->cfg.pfc.quanta);
		}
	}
	pfc_refresh_arm(net, port);
}

/* ---- PFC deadlock detector ---- */

/* DFS over "node waits for peer" edges: an egress paused in class c without
 * a break for at least the timeout (a pause that flickers on and off is
 * congestion, not deadlock). On a cycle, fill d (nodes in waiting order,
 * since = when its most recent edge began) and return 1. dl_state: 0 new,
 * 1 on the stack, 2 done. */
static int find_cycle(struct net *net, int c, struct net_deadlock *d)
{
	uint32_t n = net->nnodes, *st = net->dl_state;
	uint64_t now = net->eng->now_ps, timeout = net->cfg.pfc.deadlock_timeout_ps;
	memset(st, 0, n * sizeof(*st));
	uint32_t *parent = malloc(n * sizeof(*parent)), *stack = malloc(n * sizeof(*stack));
	uint32_t *next_port = calloc(n, sizeof(*next_port));
	uint64_t *edge_since = malloc(n * sizeof(*edge_since)); /* of the edge into a node */
	int found = 0;
	if (!parent || !stack || !next_port || !edge_since)
		goto out;
	for (uint32_t s = 0; s < n && !found; s++) {
		if (st[s])
			continue;
		uint32_t sp = 0;
		stack[sp++] = s;
		st[s] = 1;
		parent[s] = UINT32_MAX;
		while (sp && !found) {
			uint32_t u = stack[sp - 1];
			struct net_node *nu = &net->nodes[u];
			if (next_port[u] == nu->nports) {
				st[u] = 2;
				sp--;
				continue;
			}
			struct net_port *p = &nu->ports[next_port[u]++];
			if (!(p->paused >> c & 1) || now - p->paused_since_ps[c] < timeout)
				continue;
			uint32_t v = p->peer->node->id;
			if (st[v] == 1) {
				/* v .. u is a cycle (u waits for v). */
				uint32_t len = 0, w = u, tmp[NET_DEADLOCK_MAX_NODES];
				uint64_t since = p->paused_since_ps[c];
				for (;;) {
					if (len < NET_DEADLOCK_MAX_NODES)
						tmp[len] = w;
					len++;
					if (w == v)
						break;
					if (edge_since[w] > since)
						since = edge_since[w];
					w = parent[w];
				}
				d->cls = (uint8_t)c;
				d->nnodes = len;
				d->since_ps = since;
				uint32_t keep = len < NET_DEADLOCK_MAX_NODES ? len : NET_DEADLOCK_MAX_NODES;
				for (uint32_t i = 0; i < keep; i++)
					d->nodes[i] = tmp[keep - 1 - i];
				found = 1;
			} else if (!st[v]) {
				st[v] = 1;
				parent[v] = u;
				edge_since[v] = p->paused_since_ps[c];
				stack[sp++] = v;
			}
		}
	}
out:
	free(parent);
	free(stack);
	free(next_port);
	free(edge_since);
	return found;
}

static void deadlock_arm(struct net *net)
{
	uint64_t period = net->cfg.pfc.deadlock_timeout_ps / 4;
	if (net->dl_state && !net_event_pending(&net->deadlock_ev))
		net_event_schedule(net->eng, &net->deadlock_ev, net->eng->now_ps + (period ? period : 1));
}

static void deadlock_event(struct net_engine *eng, struct net_event *ev)
{
	struct net *net = ev->arg;
	struct net_deadlock d = { 0 };
	int cycle = 0;
	for (int c = 0; c < NET_NPRIO && !cycle; c++)
		if (net->cfg.pfc.classes >> c & 1)
			cycle = find_cycle(net, c, &d);
	if (cycle && !net->deadlock.found) {
		net->deadlock = d;
		net->deadlock.found = 1;
		net->deadlock.detected_ps = eng->now_ps;
		if (net->cfg.pfc.deadlock_stop) {
			char path[128];
			size_t len = 0;
			path[0] = 0;
			for (uint32_t i = 0; i < d.nnodes && i < NET_DEADLOCK_MAX_NODES; i++)
				len += (size_t)snprintf(path + len, sizeof(path) - len, "%s%u",
							i ? " -> " : "", d.nodes[i]);
			net_seterr(eng, "PFC deadlock: nodes %s -> %u wait on each other in class %u "
				   "since %.3f us (stopped at %.3f us; fabric.pfc.deadlock_stop)",
				   path, d.nodes[0], d.cls, (double)d.since_ps / 1e6,
				   (double)eng->now_ps / 1e6);
			if (!eng->failed)
				eng->failed = NET_ERR_STATE;
			return;
		}
	}
	if (net->paused_pairs && !net->deadlock.found)
		deadlock_arm(net);
}

uint64_t net_port_paused_ps(const struct net_port *port, uint64_t now_ps)
{
	uint64_t t = port->paused_ps;
	for (int c = 0; c < NET_NPRIO; c++)
		if (port->paused >> c & 1)
			t += now_ps - port->paused_since_ps[c];
	return t;
}

static void pause_lift(struct net *net, struct net_port *port, int c)
{
	port->paused &= (uint8_t)~(1u << c);
	port->paused_ps += net->eng->now_ps - port->paused_since_ps[c];
	/* Nothing paused: no deadlock to look for (and no stale event to
	 * stretch the run's end). */
	if (--net->paused_pairs == 0)
		net_event_cancel(net->eng, &net->deadlock_ev);
}

static void pause_arm(struct net *net, struct net_port *port)
{
	uint64_t t = NET_TIME_NEVER;
	for (int c = 0; c < NET_NPRIO; c++)
		if ((port->paused >> c & 1) && port->pause_until_ps[c] < t)
			t = port->pause_until_ps[c];
	if (t == NET_TIME_NEVER)
		net_event_cancel(net->eng, &port->pause_ev);
	else
		net_event_schedule(net->eng, &port->pause_ev, t);
}

static void pause_event(struct net_engine *eng, struct net_event *ev)
{
	struct net_port *port = ev->arg;
	struct net *net = port->node->net;
	for (int c = 0; c < NET_NPRIO; c++)
		if ((port->paused >> c & 1) && port->pause_until_ps[c] <= eng->now_ps)
			pause_lift(net, port, c);
	pause_arm(net, port);
	port_wake(net, port);
}

/* A PFC frame arrived on `port`: pause (or resume) those classes of this
 * port's transmitter, the one that sends toward the frame's sender. The
 * frame being serialized finishes; the next choice skips paused classes. */
static void pfc_receive(struct net *net, struct net_port *port, struct net_pkt *p)
{
	uint64_t now = net->eng->now_ps;
	port->pfc_rx++;
	net->ctr.pfc_rx++;
	if (net->pfc_rx_hook)
		net->pfc_rx_hook(net->pfc_rx_ctx, port, p);
	if (TRACE_ON(net, NET_TR_PFC, port->node->id, now))
		net_trace_pkt(net->trace, NET_TR_PFC, now, port->node->id, port->index, p, 0, 0);
	int resumed = 0;
	for (int c = 0; c < NET_NPRIO; c++) {
		if (!(p->aux >> c & 1))
			continue;
		uint8_t bit = (uint8_t)(1u << c);
		if (p->psn == 0) {
			if (port->paused & bit) {
				pause_lift(net, port, c);
				resumed = 1;
			}
			continue;
		}
		if (!(port->paused & bit)) {
			port->paused |= bit;
			port->paused_since_ps[c] = now;
			net->paused_pairs++;
			deadlock_arm(net);
		}
		port->pause_until_ps[c] = net->cfg.pfc.ns3_mmu ? NET_TIME_NEVER
							       : now + pause_ps(port, (uint16_t)p->psn);
	}
	pause_arm(net, port);
	if (resumed)
		port_wake(net, port);
}

/* The last bit of p arrived at in->node through port `in`. Consumes p. */
static void node_receive(struct net *net, struct net_port *in, struct net_pkt *p)
{
	struct net_node *node = in->node;
	uint64_t now = net->eng->now_ps;
	net->ctr.packet_hops++;
	const struct net_port *from = in->peer;
	if (from->error_rate > 0 && net_rng_uniform(&in->peer->rng) < from->error_rate) {
		drop(net, node, in->index, p, NET_DROP_LINK_ERROR);
		return;
	}
	if (TRACE_ON(net, NET_TR_RX, node->id, now))
		net_trace_pkt(net->trace, NET_TR_RX, now, node->id, in->index, p, 0, 0);
	if (p->type == NET_PKT_PFC) {
		net->ctr.consumed++;
		pfc_receive(net, in, p);
		net_pkt_free(&net->pool, p);
		return;
	}
	if (p->dst == node->id && node->kind == NET_HOST) {
		net->ctr.consumed++;
		net->host_ops.rx(net->host_ctx, node, p);
		return;
	}
	struct net_port *out = net_route(net, node, p->dst, p->hash);
	if (!out) {
		drop(net, node, in->index, p, NET_DROP_NO_ROUTE);
		return;
	}
	int managed = pfc_managed(net, node, p->prio);
	if (managed && net->cfg.pfc.ns3_mmu) {
		if (mmu_admit(node, in, p->prio, p->wire_bytes)) {
			drop(net, node, in->index, p, NET_DROP_BUFFER);
			return;
		}
	} else {
		if (node->buf_used + p->wire_bytes > node->buf_size) {
			drop(net, node, in->index, p, NET_DROP_BUFFER);
			return;
		}
		in->in_bytes[p->prio] += p->wire_bytes;
	}
	node->buf_used += p->wire_bytes;
	if (node->buf_used > node->buf_max)
		node->buf_max = node->buf_used;
	if (in->in_bytes[p->prio] > in->in_max_bytes)
		in->in_max_bytes = in->in_bytes[p->prio];
	p->in_port = (uint16_t)in->index;
	if (managed) {
		if (net->cfg.pfc.ns3_mmu)
			mmu_check(net, in, p->prio, 0);
		else
			pfc_check(net, in, p->prio);
	}
	/* Enqueue marking sees the bytes already queued ahead of the packet. */
	if (net->cfg.ecn.at_enqueue)
		ecn_maybe_mark(net, out, p, out->q[p->prio].bytes);
	port_enqueue(net, out, p, p->prio);
}

static void port_arrive_event(struct net_engine *eng, struct net_event *ev)
{
	struct net_port *port = ev->arg;
	struct net_pkt *p = port->pipe_head;
	port->pipe_head = p->next;
	if (port->pipe_head) {
		/* p carries its successor's arrival time; the successor itself is
		 * only needed at that time, so fetch it meanwhile. */
		net_event_schedule(eng, &port->arr_ev, p->t_ps);
		__builtin_prefetch(port->pipe_head);
	} else {
		port->pipe_tail = NULL;
	}
	node_receive(port->node->net, port->peer, p);
}
