/*
 * frontend/ns3_out.c - the HPCC ns-3 FCT and PFC output files (see
 * ns3_out.h). Times are printed in whole ns, truncated, as that code's
 * integer-ns clock reads them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "frontend/ns3_out.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/engine.h"
#include "net/qmon.h"

struct fe_ns3_out {
	FILE *fct, *pfc, *qlen;
	char *fct_path, *pfc_path, *qlen_path;
	struct net *net;
	const struct tp *tp;
};

static void pfc_line(void *ctx, const struct net_port *port, const struct net_pkt *p)
{
	struct fe_ns3_out *o = ctx;   /* hooked only when the PFC file is open */
	fprintf(o->pfc, "%" PRIu64 " %" PRIu32 " %d %" PRIu32 " %d\n",
		o->net->eng->now_ps / 1000, port->node->id, port->node->kind == NET_SWITCH,
		port->index + 1, p->psn != 0);
}

static FILE *open_out(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	if (!f)
		net_fmt_err(err, errlen, "%s: cannot open for writing: %s", path, strerror(errno));
	return f;
}

int fe_ns3_out_open(struct fe_ns3_out **out, const struct fe_experiment *e, struct net *net,
		    const struct tp *tp, char *err, size_t errlen)
{
	*out = NULL;
	if (!e->fct_path && !e->pfc_path && !e->qlen_path)
		return 0;
	struct fe_ns3_out *o = calloc(1, sizeof(*o));
	if (!o) {
		net_fmt_err(err, errlen, "out of memory");
		return -1;
	}
	o->net = net;
	o->tp = tp;
	if ((e->fct_path && !(o->fct = open_out(e->fct_path, err, errlen))) ||
	    (e->pfc_path && !(o->pfc = open_out(e->pfc_path, err, errlen))) ||
	    (e->qlen_path && !(o->qlen = open_out(e->qlen_path, err, errlen)))) {
		fe_ns3_out_close(o, NULL, 0);
		return -1;
	}
	o->fct_path = e->fct_path ? strdup(e->fct_path) : NULL;
	o->pfc_path = e->pfc_path ? strdup(e->pfc_path) : NULL;
	o->qlen_path = e->qlen_path ? strdup(e->qlen_path) : NULL;
	if (o->qlen && net_qmon_start(net, e->qlen_start_ps, e->qlen_end_ps, o->qlen)) {
		net_fmt_err(err, errlen, "%s: %s", e->qlen_path, net->eng->errmsg);
		fe_ns3_out_close(o, NULL, 0);
		return -1;
	}
	if (o->pfc) {
		net->pfc_rx_hook = pfc_line;
		net->pfc_rx_ctx = o;
	}
	*out = o;
	return 0;
}

/* One hop of the HPCC code's route accounting: delay and a payload's
 * serialization in whole ns, and the slowest rate. */
static void hop(const struct net_port *p, uint64_t mtu, uint64_t *delay_ns, uint64_t *tx_ns,
		uint64_t *bw)
{
	*delay_ns += p->delay_ps / 1000;
	*tx_ns += mtu * 8 * 1000000000ull / p->rate_bps;
	if (p->rate_bps < *bw)
		*bw = p->rate_bps;
}

/* The pair's base RTT (ns) and slowest rate along the QP's route; -1 if
 * there is none. */
static int pair_base(const struct net *net, uint64_t mtu, uint32_t src, uint32_t dst,
		     uint32_t hash, uint64_t *rtt_ns, uint64_t *bw)
{
	struct net_port *path[TP_MAX_HOPS];
	int h = net_path(net, src, dst, hash, path, TP_MAX_HOPS);
	if (h <= 0 || h > TP_MAX_HOPS)
		return -1;
	uint64_t delay_ns = 0, tx_ns = 0;
	*bw = UINT64_MAX;
	for (int i = 0; i < h; i++)
		hop(path[i], mtu, &delay_ns, &tx_ns, bw);
	*rtt_ns = 2 * delay_ns + tx_ns;
	return 0;
}

static uint64_t bdp_of(uint64_t rtt_ns, uint64_t bw)
{
	return (uint64_t)((unsigned __int128)rtt_ns * bw / 1000000000u / 8);
}

uint64_t fe_ns3_standalone_ns(const struct net *net, const struct tp *tp, const struct tp_qp *qp)
{
	uint64_t mtu = tp->cfg.mtu_bytes, rtt, bw;
	if (pair_base(net, mtu, qp->src, qp->dst, qp->hash, &rtt, &bw))
		return 0;
	uint64_t pkts = (qp->size_bytes + mtu - 1) / mtu;
	unsigned __int128 bytes = qp->size_bytes + pkts * (uint64_t)tp->cfg.hdr_data_bytes;
	return rtt + (uint64_t)(bytes * 8 * 1000000000ull / bw);
}

uint64_t fe_ns3_pair_bdp(const struct net *net, uint32_t mtu, uint32_t src, uint32_t dst,
			 uint32_t hash)
{
	uint64_t rtt, bw;
	return pair_base(net, mtu, src, dst, hash, &rtt, &bw) ? 0 : bdp_of(rtt, bw);
}

uint64_t fe_ns3_max_bdp(const struct net *net, uint32_t mtu)
{
	uint32_t n = net->nnodes;
	uint64_t *delay = malloc(n * sizeof(*delay)), *tx = malloc(n * sizeof(*tx));
	uint64_t *bw = malloc(n * sizeof(*bw));
	uint32_t *queue = malloc(n * sizeof(*queue)), *seen = calloc(n, sizeof(*seen));
	uint64_t best = 0;
	if (!delay || !tx || !bw || !queue || !seen)
		goto out;
	for (uint32_t h = 0; h < n; h++) {
		if (net->nodes[h].kind != NET_HOST)
			continue;
		/* seen[v] == h + 1: reached from h (no clearing between hosts). */
		uint32_t head = 0, tail = 0;
		queue[tail++] = h;
		seen[h] = h + 1;
		delay[h] = tx[h] = 0;
		bw[h] = UINT64_MAX;
		while (head < tail) {
			uint32_t u = queue[head++];
			const struct net_node *nu = &net->nodes[u];
			for (uint32_t i = 0; i < nu->nports; i++) {
				const struct net_port *p = &nu->ports[i];
				if (!p->peer)
					continue;
				uint32_t v = p->peer->node->id;
				if (seen[v] == h + 1)
					continue;
				seen[v] = h + 1;
				delay[v] = delay[u];
				tx[v] = tx[u];
				bw[v] = bw[u];
				hop(p, mtu, &delay[v], &tx[v], &bw[v]);
				if (net->nodes[v].kind == NET_SWITCH)
					queue[tail++] = v;
				else if (bdp_of(2 * delay[v] + tx[v], bw[v]) > best)
					best = bdp_of(2 * delay[v] + tx[v], bw[v]);
			}
		}
	}
out:
	free(delay);
	free(tx);
	free(bw);
	free(queue);
	free(seen);
	return best;
}

void fe_ns3_out_fct(struct fe_ns3_out *o, const struct tp_qp *qp, uint16_t dport, uint64_t now_ps)
{
	if (!o || !o->fct)
		return;
	fprintf(o->fct, "%08" PRIx32 " %08" PRIx32 " %u %u %" PRIu64 " %" PRIu64 " %" PRIu64
		" %" PRIu64 "\n", fe_ns3_ip(qp->src), fe_ns3_ip(qp->dst), qp->sport, dport,
		qp->size_bytes, qp->start_ps / 1000, (now_ps - qp->start_ps) / 1000,
		fe_ns3_standalone_ns(o->net, o->tp, qp));
}

static int close_one(FILE *f, const char *path, int rc, char *err, size_t errlen)
{
	if (!f)
		return rc;
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		if (!rc)
			net_fmt_err(err, errlen, "%s: write failed: %s", path ? path : "output",
				    strerror(errno ? errno : EIO));
		return -1;
	}
	return rc;
}

int fe_ns3_out_close(struct fe_ns3_out *o, char *err, size_t errlen)
{
	if (!o)
		return 0;
	if (o->net && o->net->pfc_rx_ctx == o) {
		o->net->pfc_rx_hook = NULL;
		o->net->pfc_rx_ctx = NULL;
	}
	if (o->qlen && o->net)
		net_qmon_stop(o->net);       /* it writes to the file */
	int rc = close_one(o->fct, o->fct_path, 0, err, errlen);
	rc = close_one(o->pfc, o->pfc_path, rc, err, errlen);
	rc = close_one(o->qlen, o->qlen_path, rc, err, errlen);
	free(o->fct_path);
	free(o->pfc_path);
	free(o->qlen_path);
	free(o);
	return rc;
}
