/*
 * frontend/sim.c - builds a simulation from an experiment and implements the
 * NetworkAPI over the transport (see sim.h).
 *
 * Receives are matched in an open-addressing table keyed by (src, dst, tag);
 * each entry keeps the FIFO of posted receives and the count of messages
 * that arrived before a receive was posted. Callbacks from sim_schedule use
 * pooled timer objects (allocated in blocks, recycled), so a long run does
 * not allocate per call.
 */
#include "frontend/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/cc.h"
#include "frontend/coll_run.h"
#include "frontend/ns3_out.h"
#include "net/trace.h"
#include "topo/topo.h"

struct sim_recv_node {
	struct sim_recv_node *next;
	sim_cb cb;
	void *arg;
};

struct match_ent {
	uint32_t src, dst;
	uint64_t tag;
	uint8_t used;
	uint32_t arrived;            /* delivered, not yet matched */
	struct sim_recv_node *head, *tail;
};

struct sim_msg {
	uint64_t tag;
	sim_cb cb;
	void *arg;
	uint32_t flow;               /* workload flow index, or UINT32_MAX */
};

struct sim_timer {
	struct sim_timer *next_free; /* first: the block free list links through it */
	struct net_event ev;
	struct sim *s;
	sim_cb cb;
	void *arg;
};

#define TIMER_BLOCK 256

struct sim {
	struct net_engine eng;
	struct net *net;
	struct tp *tp;
	void *cc_cfg;
	const struct fe_experiment *exp;
	uint64_t seed;
	char topo_name[64];
	uint32_t nswitches;
	char errmsg[512];

	struct sim_msg *msgs;        /* [qp id] */
	uint32_t cap_msgs;
	struct match_ent *match;
	uint32_t match_cap, match_used;
	void *free_recv;             /* free sim_recv_nodes */
	void **blocks;               /* timer and recv-node blocks */
	size_t nblocks, cap_blocks;
	void *free_timers;           /* free sim_timers */

	struct sim_flow *flows;
	size_t nflows;
	struct fe_coll_run **colls;
	size_t ncolls;
	int trace_closed;
	struct fe_ns3_out *ns3out;   /* the ns-3 FCT / PFC files, if asked for */
	uint64_t global_win;         /* ns-3 HAS_WIN with GLOBAL_T: every QP's window */
};

static int seterr(struct sim *s, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int seterr(struct sim *s, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof(s->errmsg), fmt, ap);
	va_end(ap);
	return rc;
}

static int engine_err(struct sim *s, int rc)
{
	snprintf(s->errmsg, sizeof(s->errmsg), "%s", s->eng.errmsg);
	return rc;
}

const char *sim_errmsg(const struct sim *s) { return s->errmsg; }
size_t sim_pending_matches(const struct sim *s) { return s->match_used; }
uint64_t sim_now(const struct sim *s) { return s->eng.now_ps; }
const struct net *sim_net(const struct sim *s) { return s->net; }
const struct tp *sim_tp(const struct sim *s) { return s->tp; }
const struct net_engine *sim_engine(const struct sim *s) { return &s->eng; }
uint64_t sim_seed(const struct sim *s) { return s->seed; }
const char *sim_topology_name(const struct sim *s) { return s->topo_name; }

const struct sim_flow *sim_flows(const struct sim *s, size_t *n)
{
	*n = s->nflows;
	return s->flows;
}

static int add_block(struct sim *s, void *b)
{
	if (s->nblocks == s->cap_blocks) {
		size_t nc = s->cap_blocks ? s->cap_blocks * 2 : 16;
		void **nb = realloc(s->blocks, nc * sizeof(*nb));
		if (!nb)
			return -1;
		s->blocks = nb;
		s->cap_blocks = nc;
	}
	s->blocks[s->nblocks++] = b;
	return 0;
}

/* Where a flow was written, for error messages. */
static void flow_where(const struct fe_flow *f, const struct fe_experiment *e, char *buf, size_t n)
{
	snprintf(buf, n, "%s:%d", f->file ? f->file : e->path, f->line);
}

const struct fe_experiment *sim_experiment(const struct sim *s)
{
	return s->exp;
}

void sim_topo_params(const struct fe_experiment *e, struct topo_params *p)
{
	*p = e->topo;
	p->kind = e->topo_kind;
	p->hosts = e->hosts;
	p->rate_bps = e->link_rate_bps;
	p->delay_ps = e->link_delay_ps;
}

int sim_build_graph(const struct fe_experiment *e, struct topo_graph *g, char *err, size_t errlen)
{
	char msg[512];
	if (!strcmp(e->topo_kind, "ns3")) {
		if (topo_load_ns3(e->ns3_topology, g, msg, sizeof(msg))) {
			snprintf(err, errlen, "%s", msg);
			return -1;
		}
		return 0;
	}
	struct topo_params p;
	sim_topo_params(e, &p);
	if (topo_build(&p, g, msg, sizeof(msg))) {
		snprintf(err, errlen, "%s:%d: topology: %s", e->path, e->topo_line, msg);
		return -1;
	}
	return 0;
}

static int build_topology(struct sim *s, const struct fe_experiment *e, struct topo_graph *g,
			  char *err, size_t errlen)
{
	if (sim_build_graph(e, g, err, errlen))
		return -1;
	/* ERROR_RATE_PER_LINK: every link the topology gives no loss rate. */
	for (uint32_t i = 0; e->default_error_rate > 0 && i < g->nlinks; i++)
		if (g->links[i].error_rate <= 0)
			g->links[i].error_rate = e->default_error_rate;
	snprintf(s->topo_name, sizeof(s->topo_name), "%s", g->name[0] ? g->name : e->topo_kind);
	for (uint32_t i = 0; i < g->nnodes; i++)
		s->nswitches += g->kind[i] == TOPO_SWITCH;
	return 0;
}

static int setup_cc(struct sim *s, const struct fe_experiment *e, const struct cc_ops **out,
		    char *err, size_t errlen)
{
	const struct cc_ops *cc = cc_find(e->cc[0] ? e->cc : "none");
	if (!cc) {
		snprintf(err, errlen, "%s:%d: fabric.cc: unknown algorithm \"%s\" (available: %s)",
			 e->path, e->cc_line, e->cc, cc_names());
		return -1;
	}
	if (cc->cfg_size) {
		s->cc_cfg = calloc(1, cc->cfg_size);
		if (!s->cc_cfg) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	size_t n = e->ncc_params;
	const char **names = calloc(n + 1, sizeof(*names));
	const char **values = calloc(n + 1, sizeof(*values));
	if (!names || !values) {
		free(names);
		free(values);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Relative file paths name files beside the experiment, as ns-3 ones do. */
	char **owned = calloc(n + 1, sizeof(*owned));
	if (!owned) {
		free(names);
		free(values);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		names[i] = e->cc_params[i].key;
		values[i] = e->cc_params[i].value;
		const struct cc_param *p = cc_param_find(cc, names[i]);
		if (p && p->type == CC_P_PATH && values[i][0] && values[i][0] != '/' && e->dir &&
		    strcmp(e->dir, ".")) {
			size_t len = strlen(e->dir) + strlen(values[i]) + 2;
			if ((owned[i] = malloc(len)))
				snprintf(owned[i], len, "%s/%s", e->dir, values[i]);
			values[i] = owned[i] ? owned[i] : values[i];
		}
	}
	char msg[400];
	int bad;
	int rc = cc_config_build(cc, s->cc_cfg, names, values, n, &bad, msg, sizeof(msg));
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
	free(names);
	free(values);
	if (rc) {
		if (bad >= 0)
			snprintf(err, errlen, "%s:%d: fabric.cc.%s: %s", e->path, e->cc_params[bad].line,
				 e->cc_params[bad].key, msg);
		else
			snprintf(err, errlen, "%s:%d: fabric.cc: %s", e->path, e->cc_line, msg);
		return -1;
	}
	*out = cc;
	return 0;
}

static int check_flows(struct sim *s, const struct fe_experiment *e, char *err, size_t errlen)
{
	for (size_t i = 0; i < e->nflows; i++) {
		const struct fe_flow *f = &e->flows[i];
		char at[300];
		flow_where(f, e, at, sizeof(at));
		for (int side = 0; side < 2; side++) {
			uint32_t id = side ? f->dst : f->src;
			const char *what = side ? "dst" : "src";
			if (id >= s->net->nnodes) {
				snprintf(err, errlen, "%s: flow %zu: %s %u is not a node (nodes are 0..%u)", at,
					 i, what, id, s->net->nnodes - 1);
				return -1;
			}
			if (s->net->nodes[id].kind != NET_HOST) {
				snprintf(err, errlen, "%s: flow %zu: %s %u is a switch, not a host", at, i,
					 what, id);
				return -1;
			}
		}
		if (f->src == f->dst) {
			snprintf(err, errlen, "%s: flow %zu: src and dst are both %u", at, i, f->src);
			return -1;
		}
		if (!net_reachable(s->net, f->src, f->dst)) {
			snprintf(err, errlen, "%s: flow %zu: dst %u is unreachable from src %u", at, i,
				 f->dst, f->src);
			return -1;
		}
	}
	return 0;
}

int sim_create(const struct fe_experiment *e, const struct sim_opts *o, struct sim **out,
	       char *err, size_t errlen)
{
	*out = NULL;
	struct sim *s = calloc(1, sizeof(*s));
	struct topo_graph g;
	memset(&g, 0, sizeof(g));
	if (!s || net_engine_init(&s->eng)) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NET_ERR_NOMEM;
	}
	s->exp = e;
	s->seed = o && o->seed_set ? o->seed : e->seed;
	if (o)
		s->eng.stop_flag = o->stop_flag;
	if (build_topology(s, e, &g, err, errlen))
		goto fail;
	struct net_cfg nc = { .seed = s->seed, .buffer_bytes = e->buffer_bytes,
			      .wire_overhead_bytes = e->wire_overhead_bytes,
			      .trunc_ns = e->truncate_ns,
			      .host_queue_first = e->profile_ns3,
			      .ecn = { .enabled = e->ecn_enabled, .at_enqueue = e->ecn_mark_enqueue,
				       .kmin_bytes = e->ecn_kmin_bytes,
				       .kmax_bytes = e->ecn_kmax_bytes, .pmax = e->ecn_pmax,
				       .by_rate = e->ecn_rates, .nby_rate = e->necn_rates,
				       .by_rate_only = e->ecn_rates_only },
			      .pfc = { .enabled = e->pfc_enabled, .dynamic = e->pfc_dynamic,
				       .alpha = e->pfc_alpha, .xoff_bytes = e->pfc_xoff_bytes,
				       .resume_offset_bytes = e->pfc_resume_offset_bytes,
				       .headroom_bytes = e->pfc_headroom_bytes,
				       .max_frame_bytes = e->mtu_bytes + e->hdr_data_bytes,
				       .quanta = (uint16_t)e->pfc_quanta,
				       /* ACKs, NACKs and CNPs travel lossy in their own
					* class, as in the HPCC ns-3 code. */
				       .classes = e->profile_ns3 ? 0xffu
							: (uint8_t)(0xffu & ~(1u << e->ack_prio)),
				       .ns3_mmu = e->pfc_ns3_mmu, .frame_bytes = e->pfc_frame_bytes,
				       .deadlock_timeout_ps = e->pfc_deadlock_timeout_ps,
				       .deadlock_stop = e->pfc_deadlock_stop } };
	if (net_create(&s->eng, &nc, &g, &s->net)) {
		snprintf(err, errlen, "%s: topology: %s", e->path, s->eng.errmsg);
		goto fail;
	}
	topo_graph_free(&g);
	if (check_flows(s, e, err, errlen))
		goto fail;
	const struct cc_ops *cc;
	if (setup_cc(s, e, &cc, err, errlen))
		goto fail;
	struct tp_cfg tc = {
		.mtu_bytes = e->mtu_bytes, .hdr_data_bytes = e->hdr_data_bytes,
		.hdr_ack_bytes = e->hdr_ack_bytes, .hdr_cnp_bytes = e->hdr_cnp_bytes,
		.ack_every = e->ack_every, .rto_ps = e->rto_ps, .nack_interval_ps = e->nack_interval_ps,
		.ack_prio = e->ack_prio, .seed = s->seed, .cc = cc, .cc_cfg = s->cc_cfg,
		.keep_gap_on_rate_change = e->profile_ns3, .ns3_acks = e->profile_ns3,
		.sport_per_pair = e->profile_ns3, .ack_ctrl_queue = e->ack_first_at_nic,
		.pace_at_line_rate = e->pace_at_line_rate, .var_win = e->ns3_var_win,
		.chunk_bytes = e->ns3_chunk_bytes,
	};
	if (tp_create(s->net, &tc, &s->tp)) {
		snprintf(err, errlen, "%s: %s", e->path, s->eng.errmsg);
		goto fail;
	}
	const char *tpath = o && o->trace_path ? o->trace_path : e->trace.path;
	if (tpath) {
		struct net_trace_filter f = { .kinds = e->trace.kinds, .nodes = e->trace.nodes,
					      .nnodes = e->trace.nnodes, .start_ps = e->trace.start_ps,
					      .end_ps = e->trace.end_ps, .ports = e->trace.ports,
					      .nports = e->trace.nports, .flows = e->trace.flows,
					      .nflows = e->trace.nflows,
					      .sample = (uint32_t)e->trace.sample };
		if (!e->trace.kinds && !e->trace.end_ps)
			f.end_ps = NET_TIME_NEVER;
		if (net_trace_open(&s->net->trace, tpath, &f, s->net, s->seed, e->path, err, errlen))
			goto fail;
	}
	if (fe_ns3_out_open(&s->ns3out, e, s->net, s->tp, err, errlen))
		goto fail;
	if (e->ns3_win && e->ns3_global_t && !(s->global_win = fe_ns3_max_bdp(s->net, e->mtu_bytes))) {
		snprintf(err, errlen, "%s: HAS_WIN with GLOBAL_T: no host pair to take a window from "
			 "(or out of memory)", e->path);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	topo_graph_free(&g);
	sim_destroy(s);
	return NET_ERR_INVAL;
}

void sim_destroy(struct sim *s)
{
	if (!s)
		return;
	/* A trace nobody finished is complete only if the run drained. */
	if (s->net && s->net->trace) {
		net_trace_close(s->net->trace, s->eng.n != 0, s->eng.events, s->eng.now_ps, NULL, 0);
		s->net->trace = NULL;
	}
	fe_ns3_out_close(s->ns3out, NULL, 0);
	tp_destroy(s->tp);
	net_destroy(s->net);
	for (size_t i = 0; i < s->nblocks; i++)
		free(s->blocks[i]);
	free(s->blocks);
	free(s->msgs);
	free(s->match);
	free(s->flows);
	for (size_t i = 0; i < s->ncolls; i++)
		fe_coll_free(s->colls[i]);
	free(s->colls);
	free(s->cc_cfg);
	net_engine_fini(&s->eng);
	free(s);
}

int sim_finish(struct sim *s, int interrupted, char *err, size_t errlen)
{
	int rc = fe_ns3_out_close(s->ns3out, err, errlen);
	s->ns3out = NULL;
	if (rc)
		return rc;
	if (s->trace_closed || !s->net->trace)
		return 0;
	s->trace_closed = 1;
	rc = net_trace_close(s->net->trace, interrupted, s->eng.events, s->eng.now_ps, err, errlen);
	s->net->trace = NULL;
	return rc;
}

/* ---- receive matching ---- */

static uint32_t match_hash(uint32_t src, uint32_t dst, uint64_t tag)
{
	return (uint32_t)net_mix64(((uint64_t)src << 32 | dst) ^ net_mix64(tag));
}

static struct match_ent *match_find(struct sim *s, uint32_t src, uint32_t dst, uint64_t tag)
{
	if (s->match_used * 2 >= s->match_cap) {
		uint32_t ncap = s->match_cap ? s->match_cap * 2 : 1024;
		struct match_ent *nm = calloc(ncap, sizeof(*nm));
		if (!nm)
			return NULL;
		for (uint32_t i = 0; i < s->match_cap; i++) {
			struct match_ent *o = &s->match[i];
			if (!o->used)
				continue;
			uint32_t h = match_hash(o->src, o->dst, o->tag) & (ncap - 1);
			while (nm[h].used)
				h = (h + 1) & (ncap - 1);
			nm[h] = *o;
		}
		free(s->match);
		s->match = nm;
		s->match_cap = ncap;
	}
	uint32_t h = match_hash(src, dst, tag) & (s->match_cap - 1);
	while (s->match[h].used) {
		struct match_ent *m = &s->match[h];
		if (m->src == src && m->dst == dst && m->tag == tag)
			return m;
		h = (h + 1) & (s->match_cap - 1);
	}
	struct match_ent *m = &s->match[h];
	m->used = 1;
	m->src = src;
	m->dst = dst;
	m->tag = tag;
	s->match_used++;
	return m;
}

/* An entry with no waiting receive and no unmatched arrival is removed at
 * once (backward-shift deletion keeps linear probing exact), so a session
 * that uses a fresh tag per message does not grow the table. */
static void match_remove_if_empty(struct sim *s, struct match_ent *m)
{
	if (m->head || m->arrived)
		return;
	uint32_t mask = s->match_cap - 1, i = (uint32_t)(m - s->match), j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (!s->match[j].used)
			break;
		uint32_t home = match_hash(s->match[j].src, s->match[j].dst, s->match[j].tag) & mask;
		/* Move j back into the hole unless its home lies in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			s->match[i] = s->match[j];
			i = j;
		}
	}
	memset(&s->match[i], 0, sizeof(s->match[i]));
	s->match_used--;
}

/* Fixed-size objects whose first member is their free-list link, handed
 * out from blocks of TIMER_BLOCK and recycled: no allocation per call. */
static void *obj_get(struct sim *s, void **free_list, size_t size)
{
	if (!*free_list) {
		char *b = calloc(TIMER_BLOCK, size);
		if (!b || add_block(s, b)) {
			free(b);
			return NULL;
		}
		for (int i = 0; i < TIMER_BLOCK; i++) {
			*(void **)(b + (size_t)i * size) = *free_list;
			*free_list = b + (size_t)i * size;
		}
	}
	void *o = *free_list;
	*free_list = *(void **)o;
	return o;
}

static void obj_put(void **free_list, void *o)
{
	*(void **)o = *free_list;
	*free_list = o;
}

static void timer_fire(struct net_engine *eng, struct net_event *ev)
{
	struct sim_timer *t = ev->arg;
	struct sim *s = t->s;
	sim_cb cb = t->cb;
	void *arg = t->arg;
	obj_put(&s->free_timers, t);
	cb(s, arg);
}

int sim_schedule(struct sim *s, uint64_t delay_ps, sim_cb cb, void *arg)
{
	if (!cb)
		return seterr(s, NET_ERR_INVAL, "sim_schedule: no callback");
	if (delay_ps > NET_TIME_NEVER - 1 - s->eng.now_ps)
		return seterr(s, NET_ERR_INVAL, "sim_schedule: delay %llu ps overflows simulated time",
			      (unsigned long long)delay_ps);
	struct sim_timer *t = obj_get(s, &s->free_timers, sizeof(*t));
	if (!t)
		return seterr(s, NET_ERR_NOMEM, "sim_schedule: out of memory");
	t->s = s;
	t->cb = cb;
	t->arg = arg;
	net_event_init(&t->ev, timer_fire, t);
	int rc = net_event_schedule(&s->eng, &t->ev, s->eng.now_ps + delay_ps);
	return rc ? engine_err(s, rc) : 0;
}

static int check_hosts(struct sim *s, const char *call, uint32_t src, uint32_t dst, uint64_t bytes)
{
	const struct net *net = s->net;
	if (src >= net->nnodes || net->nodes[src].kind != NET_HOST)
		return seterr(s, NET_ERR_INVAL, "%s: src %u is not a host", call, src);
	if (dst >= net->nnodes || net->nodes[dst].kind != NET_HOST)
		return seterr(s, NET_ERR_INVAL, "%s: dst %u is not a host", call, dst);
	if (src == dst)
		return seterr(s, NET_ERR_INVAL, "%s: src and dst are both %u", call, src);
	if (bytes == 0)
		return seterr(s, NET_ERR_INVAL, "%s: size must be positive", call);
	return 0;
}

int sim_recv(struct sim *s, uint32_t src, uint32_t dst, uint64_t bytes, uint64_t tag, sim_cb cb,
	     void *arg)
{
	int rc = check_hosts(s, "sim_recv", src, dst, bytes);
	if (rc)
		return rc;
	struct match_ent *m = match_find(s, src, dst, tag);
	if (!m)
		return seterr(s, NET_ERR_NOMEM, "sim_recv: out of memory");
	if (m->arrived) {
		m->arrived--;
		match_remove_if_empty(s, m);
		return cb ? sim_schedule(s, 0, cb, arg) : 0;
	}
	struct sim_recv_node *r = obj_get(s, &s->free_recv, sizeof(*r));
	if (!r)
		return seterr(s, NET_ERR_NOMEM, "sim_recv: out of memory");
	r->next = NULL;
	r->cb = cb;
	r->arg = arg;
	if (m->tail)
		m->tail->next = r;
	else
		m->head = r;
	m->tail = r;
	return 0;
}

static void msg_event(void *arg, struct tp_qp *qp, enum tp_event ev)
{
	struct sim *s = arg;
	struct sim_msg *msg = &s->msgs[qp->id];
	if (msg->flow != UINT32_MAX) {
		struct sim_flow *f = &s->flows[msg->flow];
		if (ev == TP_EV_DONE)
			f->fct_ps = s->eng.now_ps - f->start_ps;
		else
			f->delivered_ps = s->eng.now_ps - f->start_ps;
	}
	if (ev == TP_EV_DONE && s->ns3out)
		fe_ns3_out_fct(s->ns3out, qp, msg->flow != UINT32_MAX ? s->exp->flows[msg->flow].dport
								      : 100, s->eng.now_ps);
	if (ev == TP_EV_DONE) {
		if (msg->cb)
			msg->cb(s, msg->arg);
		return;
	}
	struct match_ent *m = match_find(s, qp->src, qp->dst, msg->tag);
	if (!m) {
		s->tp->failed = 1;
		return;
	}
	struct sim_recv_node *r = m->head;
	if (!r) {
		m->arrived++;
		return;
	}
	m->head = r->next;
	if (!m->head)
		m->tail = NULL;
	sim_cb cb = r->cb;
	void *cbarg = r->arg;
	obj_put(&s->free_recv, r);
	match_remove_if_empty(s, m);
	if (cb)
		cb(s, cbarg);
}

static int send_msg(struct sim *s, uint32_t src, uint32_t dst, uint64_t bytes, uint64_t tag,
		    uint8_t prio, sim_cb cb, void *arg, uint32_t flow, struct tp_qp **qpo)
{
	int rc = check_hosts(s, "sim_send", src, dst, bytes);
	if (rc)
		return rc;
	uint32_t id = s->tp->nqps;
	if (id >= s->cap_msgs) {
		uint32_t nc = s->cap_msgs ? s->cap_msgs * 2 : 64;
		struct sim_msg *nm = realloc(s->msgs, nc * sizeof(*nm));
		if (!nm)
			return seterr(s, NET_ERR_NOMEM, "sim_send: out of memory");
		s->msgs = nm;
		s->cap_msgs = nc;
	}
	s->msgs[id] = (struct sim_msg){ .tag = tag, .cb = cb, .arg = arg, .flow = flow };
	rc = tp_post(s->tp, src, dst, bytes, prio, msg_event, s, qpo);
	if (rc)
		return engine_err(s, rc);
	if (s->exp->ns3_win) {
		struct tp_qp *qp = s->tp->qps[id];
		qp->fixed_win = s->exp->ns3_global_t
					? s->global_win
					: fe_ns3_pair_bdp(s->net, s->exp->mtu_bytes, src, dst, qp->hash);
	}
	return 0;
}

int sim_send(struct sim *s, uint32_t src, uint32_t dst, uint64_t bytes, uint64_t tag, sim_cb cb,
	     void *arg)
{
	return send_msg(s, src, dst, bytes, tag, s->exp->data_prio, cb, arg, UINT32_MAX, NULL);
}

int sim_send_flow(struct sim *s, uint32_t src, uint32_t dst, uint64_t bytes, uint64_t tag,
		  sim_cb cb, void *arg, uint32_t *flow)
{
	struct tp_qp *qp = NULL;
	int rc = send_msg(s, src, dst, bytes, tag, s->exp->data_prio, cb, arg, UINT32_MAX, &qp);
	if (!rc && flow)
		*flow = qp->id;
	return rc;
}

static int run_result(struct sim *s, int rc)
{
	if (rc == NET_ERR_STOPPED)
		return seterr(s, rc, "run interrupted at %.3f us of simulated time",
			      (double)s->eng.now_ps / 1e6);
	if (rc)
		return engine_err(s, rc);
	if (s->tp->failed)
		return engine_err(s, NET_ERR_NOMEM);
	return 0;
}

int sim_run(struct sim *s)
{
	uint64_t stop = s->exp->stop_ps ? s->exp->stop_ps : NET_TIME_NEVER;
	int rc = net_engine_run_until(&s->eng, stop);
	/* Reaching stop_time is a normal end; the clock shows where it stopped. */
	if (rc == NET_OK && stop != NET_TIME_NEVER && s->eng.n)
		s->eng.now_ps = stop;
	return run_result(s, rc);
}

int sim_run_until(struct sim *s, uint64_t until_ps)
{
	if (until_ps < s->eng.now_ps)
		return seterr(s, NET_ERR_INVAL, "sim_run_until: %llu ps is in the past",
			      (unsigned long long)until_ps);
	return run_result(s, net_engine_run_until(&s->eng, until_ps));
}

int sim_run_some(struct sim *s, uint64_t until_ps, uint64_t max_events, int *more)
{
	if (until_ps < s->eng.now_ps)
		return seterr(s, NET_ERR_INVAL, "run: %llu ps is in the past",
			      (unsigned long long)until_ps);
	return run_result(s, net_engine_run_some(&s->eng, until_ps, max_events, more));
}

void sim_halt(struct sim *s)
{
	s->eng.halt = 1;
}

uint64_t sim_next_time(const struct sim *s)
{
	return net_engine_next_time(&s->eng);
}

/* ---- the experiment's workload ---- */

/* Workload tags live above 2^63 so they never collide with API users' tags. */
#define FLOW_TAG(i) ((1ull << 63) | (uint64_t)(i))

static void flow_start(struct sim *s, void *arg)
{
	struct sim_flow *f = arg;
	struct tp_qp *qp = NULL;
	f->start_ps = s->eng.now_ps;
	if (send_msg(s, f->src, f->dst, f->size_bytes, FLOW_TAG(f->id), f->prio, NULL, NULL, f->id,
		     &qp)) {
		s->tp->failed = 1;
		return;
	}
	f->qp = qp;
	if (tp_ideal(s->tp, qp, &f->ideal_delivered_ps, &f->ideal_fct_ps)) {
		f->ideal_delivered_ps = f->ideal_fct_ps = NET_TIME_NEVER;
	}
}

int sim_post_workload(struct sim *s)
{
	const struct fe_experiment *e = s->exp;
	s->flows = calloc(e->nflows ? e->nflows : 1, sizeof(*s->flows));
	if (!s->flows)
		return seterr(s, NET_ERR_NOMEM, "out of memory");
	s->nflows = e->nflows;
	for (size_t i = 0; i < e->nflows; i++) {
		const struct fe_flow *ef = &e->flows[i];
		struct sim_flow *f = &s->flows[i];
		*f = (struct sim_flow){ .id = (uint32_t)i, .src = ef->src, .dst = ef->dst,
					.size_bytes = ef->size_bytes, .start_ps = ef->start_ps,
					.delivered_ps = NET_TIME_NEVER, .fct_ps = NET_TIME_NEVER,
					.ideal_delivered_ps = NET_TIME_NEVER,
					.ideal_fct_ps = NET_TIME_NEVER, .prio = ef->prio };
		int rc = sim_recv(s, ef->src, ef->dst, ef->size_bytes, FLOW_TAG(i), NULL, NULL);
		if (!rc)
			rc = sim_schedule(s, ef->start_ps - s->eng.now_ps, flow_start, f);
		if (rc)
			return rc;
	}
	if (e->ncolls && !(s->colls = calloc(e->ncolls, sizeof(*s->colls))))
		return seterr(s, NET_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < e->ncolls; i++) {
		char err[300];
		if (fe_coll_start(s, &e->colls[i], (uint32_t)i, &s->colls[i], err, sizeof(err)))
			return seterr(s, NET_ERR_INVAL, "%s:%d: workload.collectives[%zu]: %s", e->path,
				      e->colls[i].line, i, err);
		s->ncolls++;
	}
	return 0;
}

struct fe_coll_run *const *sim_colls(const struct sim *s, size_t *n)
{
	*n = s->ncolls;
	return s->colls;
}

int sim_check_conservation(const struct sim *s, char *err, size_t errlen)
{
	const struct net *net = s->net;
	uint64_t created = net->pool.created, consumed = net->ctr.consumed;
	uint64_t dropped = net->ctr.drops_total, inflight = net_in_flight(net);
	if (created != consumed + dropped + inflight || net_pool_in_use(&net->pool) != inflight) {
		snprintf(err, errlen,
			 "packet conservation violated: created %llu != delivered %llu + dropped %llu"
			 " + in flight %llu (pool in use %llu)",
			 (unsigned long long)created, (unsigned long long)consumed,
			 (unsigned long long)dropped, (unsigned long long)inflight,
			 (unsigned long long)net_pool_in_use(&net->pool));
		return -1;
	}
	return 0;
}
