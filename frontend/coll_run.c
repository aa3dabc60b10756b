/*
 * frontend/coll_run.c - a collective's DAG executed over the NetworkAPI.
 *
 * Every message gets a receive posted at the start (tag = collective and
 * message id). A message is sent endpoint_delay after all it depends on was
 * received by its sender (plus the reduction time of reducing receives, and
 * a final endpoint delay of the previous chunk for a chunk's first step):
 * ASTRA-sim's rules, the same coll_eval() applies analytically, so the two
 * differ only by what the network does to the messages. The collective ends
 * endpoint_delay after the last receive.
 *
 * The analytical message time is ASTRA-sim's congestion-unaware one:
 * floor(path delay + bytes / B) ns, B = the path's slowest link in bytes per
 * ns (on ASTRA-sim fabrics: hops x latency, 2 hops through a switch).
 */
#include "frontend/coll_run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/experiment.h"
#include "frontend/sim.h"
#include "net/net.h"
#include "net/trace.h"

struct msg_arg {
	struct fe_coll_run *run;
	uint32_t id;
};

struct fe_coll_run {
	struct fe_coll_result res;
	struct sim *sim;
	uint32_t index;
	struct coll_dag dag;
	struct coll_sys sys;
	uint32_t *host;              /* rank -> host */
	uint32_t *left;              /* dependencies not yet received */
	uint64_t *ready_ps;
	uint32_t *after;             /* the network message that made it ready last */
	uint32_t *child_off, *child; /* dependents, CSR */
	struct msg_arg *args;
	uint32_t received;
	uint64_t end_ps;
};

const struct fe_coll_result *fe_coll_result(const struct fe_coll_run *r) { return &r->res; }

static uint64_t tag_of(const struct fe_coll_run *r, uint32_t m)
{
	return (1ull << 62) | ((uint64_t)r->index << 32) | m;
}

static void send_now(struct sim *s, void *arg)
{
	struct msg_arg *a = arg;
	struct fe_coll_run *r = a->run;
	const struct coll_msg *m = &r->dag.msgs[a->id];
	uint32_t flow;
	if (sim_send_flow(s, r->host[m->src], r->host[m->dst], m->bytes, tag_of(r, a->id), NULL,
			  NULL, &flow)) {
		fprintf(stderr, "pktsim: collective %u: %s\n", r->index, sim_errmsg(s));
		return;
	}
	struct net_trace *t = sim_net(s)->trace;
	if (t)
		net_trace_coll_msg(t, sim_now(s), r->host[m->src], r->index, a->id, flow, m->chunk,
				   m->step, r->after[a->id]);
}

static void trace_coll(struct sim *s, struct fe_coll_run *r, enum net_trace_kind k)
{
	net_trace_coll(sim_net(s)->trace, k, sim_now(s), r->index, r->dag.op, r->dag.algo,
		       r->dag.n, r->dag.size_bytes);
}

static void trace_end(struct sim *s, void *arg)
{
	trace_coll(s, arg, NET_TR_COLL_END);
}

static void on_recv(struct sim *s, void *arg)
{
	struct msg_arg *a = arg;
	struct fe_coll_run *r = a->run;
	const struct coll_msg *m = &r->dag.msgs[a->id];
	int local = m->src == m->dst;    /* a barrier: no data, no NPU time */
	uint64_t now = sim_now(s), red = m->reduce ? coll_reduce_ps(&r->sys, m->bytes) : 0;
	uint64_t fin = now + red + r->sys.endpoint_delay_ps;
	if (!local && fin > r->end_ps)
		r->end_ps = fin;
	for (uint32_t k = r->child_off[a->id]; k < r->child_off[a->id + 1]; k++) {
		uint32_t c = r->child[k];
		const struct coll_msg *cm = &r->dag.msgs[c];
		uint64_t t = coll_after(&r->sys, m, cm, now);
		if (t > r->ready_ps[c] || r->after[c] == UINT32_MAX) {
			r->ready_ps[c] = t > r->ready_ps[c] ? t : r->ready_ps[c];
			/* Through a barrier, the message that released the barrier. */
			r->after[c] = local ? r->after[a->id] : a->id;
		}
		if (--r->left[c])
			continue;
		if (cm->src == cm->dst)
			sim_schedule(s, r->ready_ps[c] - now, on_recv, &r->args[c]);
		else
			sim_schedule(s, r->ready_ps[c] + r->sys.endpoint_delay_ps - now, send_now,
				     &r->args[c]);
	}
	if (++r->received == r->dag.nmsgs) {
		r->res.time_ps = r->end_ps - r->res.start_ps;
		/* The end is after the last reduction and endpoint delay, later
		 * than now; trace records go in time order, so record it then. */
		sim_schedule(s, r->end_ps - now, trace_end, r);
	}
}

static void start(struct sim *s, void *arg)
{
	struct fe_coll_run *r = arg;
	r->res.start_ps = sim_now(s);
	trace_coll(s, r, NET_TR_COLL_START);
	for (uint32_t i = 0; i < r->dag.nmsgs; i++) {
		const struct coll_msg *m = &r->dag.msgs[i];
		if (m->src != m->dst)
			sim_recv(s, r->host[m->src], r->host[m->dst], m->bytes, tag_of(r, i), on_recv,
				 &r->args[i]);
	}
	for (uint32_t i = 0; i < r->dag.nmsgs; i++) {
		const struct coll_msg *m = &r->dag.msgs[i];
		if (m->ndeps)
			continue;
		if (m->src == m->dst)
			sim_schedule(s, 0, on_recv, &r->args[i]);
		else
			sim_schedule(s, r->sys.endpoint_delay_ps, send_now, &r->args[i]);
	}
}

/* ASTRA-sim's congestion-unaware time of one message over the route, for
 * its payload or (wire) for every byte the packets put on the link. */
/* The route from rank a to rank b: its summed link delays and its
 * bottleneck rate. -1 when there is none. */
static int route_delay_rate(struct fe_coll_run *r, uint32_t a, uint32_t b, uint64_t *delay_ps,
			    uint64_t *rate_bps)
{
	const struct net *net = sim_net(r->sim);
	struct net_port *path[256];
	int h = net_path(net, r->host[a], r->host[b], 0, path, 256);
	if (h <= 0 || h > 256)
		return -1;
	*delay_ps = 0;
	*rate_bps = UINT64_MAX;
	for (int i = 0; i < h; i++) {
		*delay_ps += path[i]->delay_ps;
		if (path[i]->rate_bps < *rate_bps)
			*rate_bps = path[i]->rate_bps;
	}
	return 0;
}

static uint64_t model_cost(struct fe_coll_run *r, const struct coll_msg *m, int wire)
{
	uint64_t delay_ps, rate;
	if (route_delay_rate(r, m->src, m->dst, &delay_ps, &rate))
		return 0;
	uint64_t bytes = m->bytes;
	if (wire) {
		const struct tp_cfg *c = &sim_tp(r->sim)->cfg;
		bytes += (m->bytes + c->mtu_bytes - 1) / c->mtu_bytes * c->hdr_data_bytes;
	}
	double ns = (double)delay_ps / 1000.0 + (double)bytes * 8e9 / (double)rate;
	return (uint64_t)floor(ns) * 1000;
}

static uint64_t unaware_cost(void *ctx, const struct coll_msg *m)
{
	return model_cost(ctx, m, 0);
}

static uint64_t wire_cost(void *ctx, const struct coll_msg *m)
{
	return model_cost(ctx, m, 1);
}

/* ASTRA-sim's congestion-aware model: the message's route as directed links
 * (egress ports), each hop floor(latency + bytes / rate) ns. */
static int aware_path(void *ctx, const struct coll_msg *m, uint32_t *links, uint64_t *hop_ps,
		      int max)
{
	struct fe_coll_run *r = ctx;
	const struct net *net = sim_net(r->sim);
	struct net_port *path[256];
	int h = net_path(net, r->host[m->src], r->host[m->dst], 0, path, 256);
	if (h <= 0 || h > max)
		return -1;
	for (int i = 0; i < h; i++) {
		links[i] = (uint32_t)(path[i] - net->ports);
		double ns = (double)path[i]->delay_ps / 1000.0 +
			    (double)m->bytes * 8e9 / (double)path[i]->rate_bps;
		hop_ps[i] = (uint64_t)floor(ns) * 1000;
	}
	return h;
}

/* The exact packet-level delivery time of the message alone on the idle
 * fabric: store-and-forward pipeline of its MTU packets, headers included. */
static uint64_t idle_cost(void *ctx, const struct coll_msg *m)
{
	struct fe_coll_run *r = ctx;
	uint64_t deliver, fct;
	if (tp_ideal_msg(sim_tp(r->sim), r->host[m->src], r->host[m->dst], 0, m->bytes, &deliver,
			 &fct))
		return 0;
	return deliver;
}

/* Textbook alpha-beta, alpha = the first neighbour's path delay, beta = 1/B
 * of its bottleneck. */
static int path_ab(struct fe_coll_run *r, uint32_t a, uint32_t b, double *alpha, double *beta)
{
	uint64_t delay_ps, rate;
	if (route_delay_rate(r, a, b, &delay_ps, &rate))
		return -1;
	*alpha = (double)delay_ps;
	*beta = 8e12 / (double)rate;         /* ps per byte */
	return 0;
}

static double ab_steps(enum coll_algo algo, double p)
{
	/* Latency terms: one per step, a ring has p-1 steps per phase, direct
	 * one, halving-doubling log2(p). */
	return algo == COLL_DIRECT ? 1 : algo == COLL_HALVING_DOUBLING ? log2(p) : p - 1;
}

static uint64_t alpha_beta(struct fe_coll_run *r)
{
	double alpha, beta, p = r->dag.n, n = (double)r->dag.size_bytes, t;
	if (r->res.ndims >= 2) {
		/* Per dimension, alpha and beta of its first pair of neighbours;
		 * reduce-scatter and all-gather of what reaches that level (an
		 * all-reduce on the last). Bandwidth terms: what each NIC sends. */
		const struct fe_coll *cfg = r->res.cfg;
		t = 0;
		for (uint32_t i = 0, stride = 1; i < r->res.ndims; stride *= r->res.dims[i], i++) {
			double pd = r->res.dims[i];
			enum coll_algo a = (enum coll_algo)(cfg->nalgo_dims > 1 ? cfg->algo_dims[i]
									 : cfg->algo);
			if (path_ab(r, 0, stride, &alpha, &beta))
				return 0;
			/* All-gather's level i holds its input times the NPUs from
			 * dimension i up; reduce-scatter and all-reduce the buffer
			 * divided by the dimensions below i (baseline: all of it). */
			double piece = r->dag.op == COLL_ALL_GATHER ? n * p / stride : n;
			double once = ab_steps(a, pd) * alpha + (pd - 1) / pd * piece * beta;
			t += r->dag.op == COLL_ALL_REDUCE ? 2 * once : once;
			if (!cfg->baseline && r->dag.op != COLL_ALL_GATHER)
				n /= pd;
		}
		return (uint64_t)t;
	}
	if (path_ab(r, 0, 1, &alpha, &beta))
		return 0;
	/* A tree moves the whole buffer on each of 2 log2(p) levels. */
	if (r->dag.algo == COLL_DOUBLE_BINARY_TREE)
		return (uint64_t)(2 * ceil(log2(p)) * (alpha + n * beta));
	double steps = ab_steps(r->dag.algo, p);
	if (r->dag.op == COLL_ALL_REDUCE)
		t = 2 * steps * alpha + 2 * (p - 1) / p * n * beta;
	else if (r->dag.op == COLL_ALL_GATHER)
		t = steps * alpha + (p - 1) * n * beta;   /* n is each rank's input */
	else
		t = steps * alpha + (p - 1) / p * n * beta;
	return (uint64_t)t;
}

int fe_coll_start(struct sim *s, const struct fe_coll *cfg, uint32_t index,
		  struct fe_coll_run **out, char *err, size_t errlen)
{
	const struct net *net = sim_net(s);
	struct fe_coll_run *r = calloc(1, sizeof(*r));
	*out = NULL;
	if (!r)
		goto nomem;
	r->sim = s;
	r->index = index;
	r->res.cfg = cfg;
	r->res.time_ps = NET_TIME_NEVER;
	uint32_t n = cfg->ngroup ? cfg->ngroup : net->nhosts;
	r->host = calloc(n, sizeof(*r->host));
	if (!r->host)
		goto nomem;
	for (uint32_t i = 0, h = 0; i < n; i++) {
		if (cfg->ngroup) {
			h = cfg->group[i];
		} else {
			while (h < net->nnodes && net->nodes[h].kind != NET_HOST)
				h++;
		}
		if (h >= net->nnodes || net->nodes[h].kind != NET_HOST) {
			snprintf(err, errlen, "group member %u is not a host", h);
			fe_coll_free(r);
			return -1;
		}
		r->host[i] = h++;
	}
	r->res.npus = n;
	r->sys.endpoint_delay_ps = cfg->endpoint_delay_ps;
	r->sys.local_mem_bw_Bps = cfg->local_mem_bw_Bps;
	/* On a multi-dim fabric an all-reduce over every NPU is decomposed by
	 * dimension, as ASTRA-sim does; anything else runs flat. */
	const struct fe_experiment *e = sim_experiment(s);
	uint32_t ndim = !strcmp(e->topo_kind, "multi-dim") ? e->topo.nmd : 0;
	int hier = ndim >= 2 && !cfg->ngroup && cfg->op != COLL_ALL_TO_ALL &&
		   (cfg->op == COLL_ALL_REDUCE || !cfg->baseline);
	if (cfg->nalgo_dims > 1 && !hier) {
		snprintf(err, errlen, "%u algorithms, one per dimension, need a collective over "
			 "every NPU of a multi-dim topology", cfg->nalgo_dims);
		fe_coll_free(r);
		return -1;
	}
	if (hier) {
		uint32_t dims[FE_COLL_MAX_DIMS];
		enum coll_algo algos[FE_COLL_MAX_DIMS];
		if (cfg->nalgo_dims > 1 && cfg->nalgo_dims != ndim) {
			snprintf(err, errlen, "%u algorithms for %u dimensions", cfg->nalgo_dims, ndim);
			fe_coll_free(r);
			return -1;
		}
		for (uint32_t i = 0; i < ndim && i < FE_COLL_MAX_DIMS; i++) {
			dims[i] = e->topo.md[i].npus;
			algos[i] = (enum coll_algo)(cfg->nalgo_dims > 1 ? cfg->algo_dims[i] : cfg->algo);
		}
		if (coll_build_hier((enum coll_op)cfg->op, dims, algos, ndim, cfg->baseline,
				    cfg->size_bytes, cfg->chunks, &r->dag, err, errlen)) {
			fe_coll_free(r);
			return -1;
		}
		for (uint32_t i = 0; i < ndim; i++)
			r->res.dims[i] = dims[i];
		r->res.ndims = ndim;
		/* Who each (rank, dimension) serves first is decided once, on the
		 * congestion-unaware model, and then held by every evaluation
		 * and by the packet-level run alike. */
		if (coll_order_servers(&r->dag, &r->sys, unaware_cost, r, n * ndim,
				       cfg->active_chunks ? cfg->active_chunks : 1)) {
			snprintf(err, errlen, "out of memory ordering the collective's phases");
			fe_coll_free(r);
			return -1;
		}
	} else if (coll_build((enum coll_op)cfg->op, (enum coll_algo)cfg->algo, n, cfg->size_bytes,
			      cfg->chunks, &r->dag, err, errlen)) {
		fe_coll_free(r);
		return -1;
	}
	if (cfg->pipelined)
		coll_pipeline(&r->dag);
	uint32_t M = r->dag.nmsgs;
	r->left = calloc(M, sizeof(*r->left));
	r->ready_ps = calloc(M, sizeof(*r->ready_ps));
	r->args = calloc(M, sizeof(*r->args));
	r->after = malloc(M * sizeof(*r->after));
	if (!r->left || !r->ready_ps || !r->args || !r->after || coll_children(&r->dag, &r->child_off, &r->child))
		goto nomem;
	for (uint32_t i = 0; i < M; i++) {
		r->left[i] = r->dag.msgs[i].ndeps;
		r->args[i] = (struct msg_arg){ r, i };
		r->after[i] = UINT32_MAX;
	}
	r->res.astra_unaware_ps = coll_eval(&r->dag, &r->sys, unaware_cost, r);
	r->res.wire_model_ps = coll_eval(&r->dag, &r->sys, wire_cost, r);
	r->res.idle_ps = coll_eval(&r->dag, &r->sys, idle_cost, r);
	/* ASTRA-sim defines its congestion-aware backend for 1-D fabrics. */
	const char *kind = e->topo_kind;
	if (!strcmp(kind, "ring") || !strcmp(kind, "switch") || !strcmp(kind, "fully-connected") ||
	    (!strcmp(kind, "multi-dim") && e->topo.nmd == 1))
		r->res.astra_aware_ps = coll_eval_aware(&r->dag, &r->sys, aware_path, r, net->nports);
	r->res.alpha_beta_ps = alpha_beta(r);
	if (sim_schedule(s, cfg->start_ps - sim_now(s), start, r)) {
		snprintf(err, errlen, "%s", sim_errmsg(s));
		fe_coll_free(r);
		return -1;
	}
	*out = r;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory starting a collective");
	fe_coll_free(r);
	return -1;
}

void fe_coll_bandwidth(const struct fe_coll_result *r, uint64_t size_bytes, double *algbw,
		       double *busbw)
{
	double n = r->npus;
	double S = (double)size_bytes * (r->cfg->op == COLL_ALL_GATHER ? n : 1);
	*algbw = S / ((double)r->time_ps / 1e12) / 1e9;
	*busbw = *algbw * (r->cfg->op == COLL_ALL_REDUCE ? 2 * (n - 1) / n : (n - 1) / n);
}

void fe_coll_free(struct fe_coll_run *r)
{
	if (!r)
		return;
	coll_dag_free(&r->dag);
	free(r->host);
	free(r->left);
	free(r->ready_ps);
	free(r->after);
	free(r->child_off);
	free(r->child);
	free(r->args);
	free(r);
}
