/*
 * frontend/serve.c - `pktsim serve` (see serve.h; protocol in doc/server.md).
 *
 * One event loop; a session per connection. A frame is read whole (the
 * length prefix is checked against the limit first, so a hostile prefix
 * costs nothing), its msgpack is checked for bounded sizes (mpscan) before
 * msgpack-c parses it, and the request is answered. A run is cut into
 * slices of engine events; between slices the loop serves other sessions,
 * and this session reads no further request (its input waits, so requests
 * stay in order). Completions are written as they happen, so they reach the
 * client in simulated-time order and before the run's reply; one that
 * happens inside a request (a receive whose message had already arrived)
 * is held until that request's reply is written.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "frontend/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <msgpack.h>

#include "cc/cc.h"
#include "cc/policy.h"
#include "frontend/experiment.h"
#include "frontend/mpscan.h"
#include "frontend/sim.h"
#include "frontend/trace_read.h"
#include "net/engine.h"
#include "net/net.h"
#include "transport/rdma.h"

/* Every workload tag of the experiment file lives at or above 2^63. */
#define USER_TAG_MAX ((1ull << 63) - 1)

enum ev_kind { EV_SEND_DONE, EV_RECV_DONE, EV_TIMER };
static const char *const ev_names[] = { "send_done", "recv_done", "timer" };

struct session;

/* A posted send, receive or timer, until its completion. */
struct pending {
	struct session *ss;
	struct pending *prev, *next;
	uint64_t id;                 /* the request's */
	enum ev_kind kind;
	uint32_t flow, src, dst;
	uint64_t tag, bytes;
};

/* An event frame written while a request was being answered, held until
 * its reply has gone. */
struct held {
	struct held *next;
	size_t len;
	char data[];
};

struct server;

struct session {
	struct server *srv;
	struct session *prev, *next;
	uint64_t sid;
	struct bufferevent *bev;
	struct fe_experiment exp;
	int loaded;
	struct sim *sim;
	struct event *slice;
	int running, run_next, completions;
	uint64_t run_id, until_ps;
	int in_request;
	struct held *held, **held_tail;
	struct pending *pend;
	int closing;                 /* close when the output has drained */
	/* external congestion-control policy: the decision the client owes */
	struct cc_flow *awaiting;    /* NULL: none */
	struct cc_obs awaiting_obs;
	struct event *policy_timer;
	uint64_t policy_timeout_ms;
};

struct server {
	const struct fe_serve_opts *o;
	struct event_base *base;
	struct evconnlistener *lis;
	struct session *sessions;
	unsigned nsessions;
	uint64_t next_sid;
	char unix_path[108];
};

static void session_free(struct session *ss, const char *why);
static void process(struct session *ss);

/* ---- writing frames ---- */

struct out {
	msgpack_sbuffer sb;
	msgpack_packer pk;
};

static void out_begin(struct out *o, uint32_t nkeys)
{
	msgpack_sbuffer_init(&o->sb);
	msgpack_packer_init(&o->pk, &o->sb, msgpack_sbuffer_write);
	msgpack_pack_map(&o->pk, nkeys);
}

static void pk_key(struct out *o, const char *k)
{
	size_t n = strlen(k);
	msgpack_pack_str(&o->pk, n);
	msgpack_pack_str_body(&o->pk, k, n);
}

static void pk_kstr(struct out *o, const char *k, const char *v)
{
	pk_key(o, k);
	size_t n = strlen(v);
	msgpack_pack_str(&o->pk, n);
	msgpack_pack_str_body(&o->pk, v, n);
}

static void pk_ku64(struct out *o, const char *k, uint64_t v)
{
	pk_key(o, k);
	msgpack_pack_uint64(&o->pk, v);
}

/* "id": the request's id, or nil when it had none. */
static void pk_id(struct out *o, const uint64_t *id)
{
	pk_key(o, "id");
	if (id)
		msgpack_pack_uint64(&o->pk, *id);
	else
		msgpack_pack_nil(&o->pk);
}

static void frame_write(struct session *ss, const void *data, size_t len)
{
	unsigned char hdr[4] = { (unsigned char)(len >> 24), (unsigned char)(len >> 16),
				 (unsigned char)(len >> 8), (unsigned char)len };
	bufferevent_write(ss->bev, hdr, 4);
	bufferevent_write(ss->bev, data, len);
}

static void out_send(struct session *ss, struct out *o)
{
	frame_write(ss, o->sb.data, o->sb.size);
	msgpack_sbuffer_destroy(&o->sb);
}

/* An event frame: now, or after the current request's reply. */
static void out_event(struct session *ss, struct out *o)
{
	if (!ss->in_request) {
		out_send(ss, o);
		return;
	}
	struct held *h = malloc(sizeof(*h) + o->sb.size);
	if (h) {
		h->next = NULL;
		h->len = o->sb.size;
		memcpy(h->data, o->sb.data, o->sb.size);
		*ss->held_tail = h;
		ss->held_tail = &h->next;
	}
	msgpack_sbuffer_destroy(&o->sb);
}

static void held_flush(struct session *ss)
{
	struct held *h = ss->held;
	while (h) {
		struct held *n = h->next;
		frame_write(ss, h->data, h->len);
		free(h);
		h = n;
	}
	ss->held = NULL;
	ss->held_tail = &ss->held;
}

/* A success reply with room for `extra` more keys: {id, ok: true, ...}. */
static void out_reply(struct out *o, uint64_t id, uint32_t extra)
{
	out_begin(o, 2 + extra);
	pk_id(o, &id);
	pk_key(o, "ok");
	msgpack_pack_true(&o->pk);
}

static int reply_error(struct session *ss, const uint64_t *id, const char *code, const char *fmt,
		       ...) __attribute__((format(printf, 4, 5)));
static int reply_error(struct session *ss, const uint64_t *id, const char *code, const char *fmt,
		       ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct out o;
	out_begin(&o, 4);
	pk_id(&o, id);
	pk_key(&o, "ok");
	msgpack_pack_false(&o.pk);
	pk_kstr(&o, "error", code);
	pk_kstr(&o, "message", msg);
	out_send(ss, &o);
	return -1;
}

/* ---- reading requests ---- */

static int is_str(const msgpack_object *o, const char *s)
{
	return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == strlen(s) &&
	       !memcmp(o->via.str.ptr, s, o->via.str.size);
}

/* A non-negative integer field: 0 with *v, 1 absent (*v = def), -1 after
 * an error reply. */
static int get_u64(struct session *ss, uint64_t id, const msgpack_object *m, const char *key,
		   int required, uint64_t def, uint64_t *v)
{
	const msgpack_object *f = fe_trace_map_get(m, key);
	if (!f) {
		*v = def;
		if (required)
			return reply_error(ss, &id, "bad_request", "missing %s (a non-negative integer)",
					   key);
		return 1;
	}
	if (f->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return reply_error(ss, &id, "bad_request", "%s: expected a non-negative integer",
				   key);
	*v = f->via.u64;
	return 0;
}

static int get_u32(struct session *ss, uint64_t id, const msgpack_object *m, const char *key,
		   uint32_t *v)
{
	uint64_t x = 0;
	if (get_u64(ss, id, m, key, 1, 0, &x) < 0)
		return -1;
	if (x > UINT32_MAX)
		return reply_error(ss, &id, "bad_request", "%s: %" PRIu64 " is out of range", key, x);
	*v = (uint32_t)x;
	return 0;
}

static int need_sim(struct session *ss, uint64_t id)
{
	if (ss->sim)
		return 0;
	return reply_error(ss, &id, "no_experiment", "load an experiment first");
}

/* ---- completions ---- */

static void pending_unlink(struct pending *p)
{
	struct session *ss = p->ss;
	if (p->prev)
		p->prev->next = p->next;
	else
		ss->pend = p->next;
	if (p->next)
		p->next->prev = p->prev;
}

static struct pending *pending_new(struct session *ss, uint64_t id, enum ev_kind kind)
{
	struct pending *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->ss = ss;
	p->id = id;
	p->kind = kind;
	p->next = ss->pend;
	if (ss->pend)
		ss->pend->prev = p;
	ss->pend = p;
	return p;
}

static void completed(struct sim *s, void *arg)
{
	struct pending *p = arg;
	struct session *ss = p->ss;
	struct out o;
	uint32_t n = p->kind == EV_TIMER ? 3 : p->kind == EV_SEND_DONE ? 4 : 6;
	out_begin(&o, n);
	pk_kstr(&o, "event", ev_names[p->kind]);
	pk_id(&o, &p->id);
	pk_ku64(&o, "t_ps", sim_now(s));
	if (p->kind == EV_SEND_DONE) {
		pk_ku64(&o, "flow", p->flow);
	} else if (p->kind == EV_RECV_DONE) {
		pk_ku64(&o, "src", p->src);
		pk_ku64(&o, "dst", p->dst);
		pk_ku64(&o, "tag", p->tag);
	}
	out_event(ss, &o);
	if (ss->running && ss->run_next) {
		ss->completions++;
		sim_halt(s);
	}
	pending_unlink(p);
	free(p);
}

/* ---- operations ---- */

static void reply_ok(struct session *ss, uint64_t id)
{
	struct out o;
	out_reply(&o, id, 0);
	out_send(ss, &o);
}

/* ---- the external policy ---- */

static void pk_kdbl(struct out *o, const char *k, double v)
{
	pk_key(o, k);
	msgpack_pack_double(&o->pk, v);
}

/* A flow's monitor interval ended: the client decides; simulated time
 * waits (the run halts after this event) until it answers or the wall
 * clock runs out. */
static int policy_ask(void *ctx, const struct cc_obs *ob, void *flow)
{
	struct session *ss = ctx;
	if (!ss->running || ss->awaiting)
		return 0;
	struct out o;
	out_begin(&o, 4);
	pk_kstr(&o, "event", "policy");
	pk_ku64(&o, "flow", ob->flow_id);
	pk_ku64(&o, "t_ps", ob->now_ps);
	pk_key(&o, "obs");
	msgpack_pack_map(&o.pk, 10);
	pk_ku64(&o, "rtt_ps", ob->rtt_ps);
	pk_ku64(&o, "base_rtt_ps", ob->base_rtt_ps);
	pk_ku64(&o, "cnps", ob->cnps);
	pk_ku64(&o, "nacks", ob->nacks);
	pk_kdbl(&o, "ecn_fraction", ob->ecn_fraction);
	pk_ku64(&o, "bytes_sent", ob->bytes_sent);
	pk_ku64(&o, "pkts_sent", ob->pkts_sent);
	pk_kdbl(&o, "rate_fraction", ob->rate_fraction);
	pk_kdbl(&o, "prev_action", ob->prev_action);
	pk_ku64(&o, "interval_ps", ob->interval_ps);
	out_event(ss, &o);
	ss->awaiting = flow;
	ss->awaiting_obs = *ob;
	struct timeval tv = { .tv_sec = (time_t)(ss->policy_timeout_ms / 1000),
			      .tv_usec = (suseconds_t)(ss->policy_timeout_ms % 1000 * 1000) };
	evtimer_add(ss->policy_timer, &tv);
	sim_halt(ss->sim);
	return 1;
}

/* The decision is made (by the client or the fallback): the run goes on. */
static void policy_done(struct session *ss, double a)
{
	struct cc_flow *f = ss->awaiting;
	ss->awaiting = NULL;
	evtimer_del(ss->policy_timer);
	cc_learned_act(f, a);
	bufferevent_disable(ss->bev, EV_READ);
	event_active(ss->slice, EV_TIMEOUT, 0);
}

static void on_policy_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct session *ss = arg;
	if (!ss->awaiting)
		return;
	struct out o;
	out_begin(&o, 3);
	pk_kstr(&o, "event", "policy_timeout");
	pk_ku64(&o, "flow", ss->awaiting_obs.flow_id);
	pk_ku64(&o, "t_ps", ss->awaiting_obs.now_ps);
	out_send(ss, &o);
	policy_done(ss, cc_policy_rule_act(&ss->awaiting_obs));
}

static void op_act(struct session *ss, uint64_t id, const msgpack_object *m)
{
	uint64_t flow;
	if (get_u64(ss, id, m, "flow", 1, 0, &flow) < 0)
		return;
	const msgpack_object *a = fe_trace_map_get(m, "action");
	double v;
	if (a && (a->type == MSGPACK_OBJECT_FLOAT64 || a->type == MSGPACK_OBJECT_FLOAT32))
		v = a->via.f64;
	else if (a && a->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		v = (double)a->via.u64;
	else if (a && a->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		v = (double)a->via.i64;
	else {
		reply_error(ss, &id, "bad_request", "action: expected a number in [-1, 1]");
		return;
	}
	if (!ss->awaiting) {
		reply_error(ss, &id, "bad_request", "no policy decision is pending");
		return;
	}
	if (flow != ss->awaiting_obs.flow_id) {
		reply_error(ss, &id, "bad_request", "the pending decision is flow %" PRIu32 "'s, not "
			    "flow %" PRIu64 "'s", ss->awaiting_obs.flow_id, flow);
		return;
	}
	reply_ok(ss, id);
	policy_done(ss, v);
}

static void op_load(struct session *ss, uint64_t id, const msgpack_object *m)
{
	if (ss->loaded) {
		reply_error(ss, &id, "already_loaded", "this session has an experiment; open another "
			    "connection for another");
		return;
	}
	const msgpack_object *path = fe_trace_map_get(m, "path"), *yaml = fe_trace_map_get(m, "yaml");
	const msgpack_object *wl = fe_trace_map_get(m, "workload");
	if (!path == !yaml || (path && path->type != MSGPACK_OBJECT_STR) ||
	    (yaml && yaml->type != MSGPACK_OBJECT_STR && yaml->type != MSGPACK_OBJECT_BIN)) {
		reply_error(ss, &id, "bad_request", "give path (a file name) or yaml (the "
			    "experiment's text), one of them, as a string");
		return;
	}
	if (wl && wl->type != MSGPACK_OBJECT_BOOLEAN) {
		reply_error(ss, &id, "bad_request", "workload: expected true or false");
		return;
	}
	uint64_t seed = 0;
	int has_seed = get_u64(ss, id, m, "seed", 0, 0, &seed);
	if (has_seed < 0 ||
	    get_u64(ss, id, m, "policy_timeout_ms", 0, 1000, &ss->policy_timeout_ms) < 0)
		return;
	if (ss->policy_timeout_ms > 3600000)
		ss->policy_timeout_ms = 3600000;
	char err[1024];
	int rc;
	if (path) {
		char *p = strndup(path->via.str.ptr, path->via.str.size);
		rc = p ? fe_experiment_load_opts(p, FE_LOAD_NO_WORKLOAD, &ss->exp, err, sizeof(err)) : -1;
		if (!p)
			snprintf(err, sizeof(err), "out of memory");
		free(p);
	} else {
		const char *t = yaml->type == MSGPACK_OBJECT_STR ? yaml->via.str.ptr : yaml->via.bin.ptr;
		size_t n = yaml->type == MSGPACK_OBJECT_STR ? yaml->via.str.size : yaml->via.bin.size;
		rc = fe_experiment_load_text(t, n, "yaml", FE_LOAD_NO_WORKLOAD, &ss->exp, err,
					     sizeof(err));
	}
	if (rc) {
		reply_error(ss, &id, "bad_experiment", "%s", err);
		return;
	}
	ss->loaded = 1;
	struct sim_opts so = { .seed_set = has_seed == 0, .seed = seed };
	if (sim_create(&ss->exp, &so, &ss->sim, err, sizeof(err))) {
		fe_experiment_free(&ss->exp);
		ss->loaded = 0;
		reply_error(ss, &id, "bad_experiment", "%s", err);
		return;
	}
	if ((!wl || wl->via.boolean) && (ss->exp.nflows || ss->exp.ncolls) &&
	    sim_post_workload(ss->sim)) {
		reply_error(ss, &id, "bad_experiment", "%s", sim_errmsg(ss->sim));
		sim_destroy(ss->sim);
		ss->sim = NULL;
		fe_experiment_free(&ss->exp);
		ss->loaded = 0;
		return;
	}
	const struct tp *tp = sim_tp(ss->sim);
	void *ext = !strcmp(tp->cfg.cc->name, "learned") ? cc_learned_external_state(tp->cc_shared)
							 : NULL;
	if (ext)
		cc_policy_external_bind(ext, policy_ask, ss);
	const struct net *net = sim_net(ss->sim);
	struct out o;
	out_reply(&o, id, 3);
	pk_ku64(&o, "hosts", net->nhosts);
	pk_ku64(&o, "nodes", net->nnodes);
	pk_ku64(&o, "t_ps", sim_now(ss->sim));
	out_send(ss, &o);
}

static void op_post(struct session *ss, uint64_t id, const msgpack_object *m, enum ev_kind kind)
{
	if (need_sim(ss, id))
		return;
	uint32_t src = 0, dst = 0;
	uint64_t bytes = 0, tag = 0, delay = 0;
	if (kind == EV_TIMER) {
		if (get_u64(ss, id, m, "delay_ps", 1, 0, &delay) < 0)
			return;
	} else if (get_u32(ss, id, m, "src", &src) || get_u32(ss, id, m, "dst", &dst) ||
		   get_u64(ss, id, m, "bytes", 1, 0, &bytes) < 0 ||
		   get_u64(ss, id, m, "tag", 0, 0, &tag) < 0) {
		return;
	}
	if (tag > USER_TAG_MAX) {
		reply_error(ss, &id, "bad_request", "tag: at most 2^63 - 1 (the experiment's own "
			    "workload uses the tags above)");
		return;
	}
	struct pending *p = pending_new(ss, id, kind);
	if (!p) {
		reply_error(ss, &id, "out_of_memory", "out of memory");
		return;
	}
	p->src = src;
	p->dst = dst;
	p->tag = tag;
	p->bytes = bytes;
	int rc;
	ss->in_request = 1;
	if (kind == EV_SEND_DONE)
		rc = sim_send_flow(ss->sim, src, dst, bytes, tag, completed, p, &p->flow);
	else if (kind == EV_RECV_DONE)
		rc = sim_recv(ss->sim, src, dst, bytes, tag, completed, p);
	else
		rc = sim_schedule(ss->sim, delay, completed, p);
	if (rc) {
		ss->in_request = 0;
		pending_unlink(p);
		free(p);
		reply_error(ss, &id, "bad_argument", "%s", sim_errmsg(ss->sim));
		return;
	}
	struct out o;
	out_reply(&o, id, kind == EV_SEND_DONE);
	if (kind == EV_SEND_DONE)
		pk_ku64(&o, "flow", p->flow);   /* p is still pending: sends never finish at once */
	out_send(ss, &o);
	ss->in_request = 0;
	held_flush(ss);
}

static void reply_time(struct session *ss, uint64_t id, int idle_key, int idle)
{
	uint64_t next = sim_next_time(ss->sim);
	struct out o;
	out_reply(&o, id, 2 + (idle_key != 0));
	pk_ku64(&o, "t_ps", sim_now(ss->sim));
	pk_key(&o, "next_ps");
	if (next == NET_TIME_NEVER)
		msgpack_pack_nil(&o.pk);
	else
		msgpack_pack_uint64(&o.pk, next);
	if (idle_key) {
		pk_key(&o, "idle");
		if (idle)
			msgpack_pack_true(&o.pk);
		else
			msgpack_pack_false(&o.pk);
	}
	out_send(ss, &o);
}

static void op_run(struct session *ss, uint64_t id, const msgpack_object *m, int next)
{
	if (need_sim(ss, id))
		return;
	uint64_t until;
	int got = get_u64(ss, id, m, next ? "until_ps" : "t_ps", !next, NET_TIME_NEVER, &until);
	if (got < 0)
		return;
	if (until < sim_now(ss->sim)) {
		reply_error(ss, &id, "bad_request", "%" PRIu64 " ps is in the past (now %" PRIu64 ")",
			    until, sim_now(ss->sim));
		return;
	}
	ss->running = 1;
	ss->run_next = next;
	ss->completions = 0;
	ss->run_id = id;
	ss->until_ps = until;
	bufferevent_disable(ss->bev, EV_READ);
	event_active(ss->slice, EV_TIMEOUT, 0);
}

static void op_stats(struct session *ss, uint64_t id)
{
	if (need_sim(ss, id))
		return;
	const struct net *net = sim_net(ss->sim);
	const struct tp *tp = sim_tp(ss->sim);
	const struct net_engine *eng = sim_engine(ss->sim);
	size_t nf;
	const struct sim_flow *fl = sim_flows(ss->sim, &nf);
	size_t done = 0;
	for (size_t i = 0; i < nf; i++)
		done += fl[i].fct_ps != NET_TIME_NEVER;
	struct out o;
	out_reply(&o, id, 4);
	pk_ku64(&o, "t_ps", eng->now_ps);
	pk_ku64(&o, "events", eng->events);
	pk_key(&o, "counters");
	msgpack_pack_map(&o.pk, 9);
	pk_ku64(&o, "packets_sent", tp->ctr.packets_sent);
	pk_ku64(&o, "packet_hops", net->ctr.packet_hops);
	pk_ku64(&o, "bytes_delivered", tp->ctr.bytes_delivered);
	pk_ku64(&o, "drops", net->ctr.drops_total);
	pk_ku64(&o, "retransmits", tp->ctr.retransmits);
	pk_ku64(&o, "ecn_marks", net->ctr.ecn_marks);
	pk_ku64(&o, "pfc_pauses", net->ctr.pfc_pauses);
	pk_ku64(&o, "cnps", tp->ctr.cnps);
	pk_ku64(&o, "messages_done", tp->ctr.msgs_done);
	pk_key(&o, "workload_flows_done");
	msgpack_pack_uint64(&o.pk, done);
	out_send(ss, &o);
}

static void op_version(struct session *ss, uint64_t id)
{
	struct out o;
	out_reply(&o, id, 2);
	pk_ku64(&o, "protocol", FE_SERVE_PROTOCOL);
	pk_kstr(&o, "version", PACKAGE_VERSION);
	out_send(ss, &o);
}

static void handle_frame(struct session *ss, const unsigned char *buf, size_t n)
{
	static const struct mp_limits lim = { 4096, FE_SERVE_MAX_FRAME, 8, FE_SERVE_MAX_FRAME };
	char why[160];
	size_t ext = 0;
	int e = mp_extent(buf, n, &lim, &ext, why, sizeof(why));
	if (e == 0)
		snprintf(why, sizeof(why), "the frame ends inside its msgpack object");
	else if (e > 0 && ext != n)
		snprintf(why, sizeof(why), "%zu bytes after the frame's msgpack object", n - ext);
	if (e <= 0 || ext != n) {
		reply_error(ss, NULL, "bad_msgpack", "%s", why);
		return;
	}
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	size_t off = 0;
	if (msgpack_unpack_next(&u, (const char *)buf, n, &off) != MSGPACK_UNPACK_SUCCESS) {
		msgpack_unpacked_destroy(&u);
		reply_error(ss, NULL, "bad_msgpack", "msgpack cannot parse the frame");
		return;
	}
	const msgpack_object *m = &u.data;
	const msgpack_object *ido = fe_trace_map_get(m, "id"), *op = fe_trace_map_get(m, "op");
	if (m->type != MSGPACK_OBJECT_MAP) {
		reply_error(ss, NULL, "bad_request", "a request is a map {id, op, ...}");
	} else if (!ido || ido->type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
		reply_error(ss, NULL, "bad_request", "id: expected a non-negative integer");
	} else if (!op || op->type != MSGPACK_OBJECT_STR) {
		reply_error(ss, &ido->via.u64, "bad_request", "op: expected the operation's name");
	} else if (ss->running && !is_str(op, "act")) {
		reply_error(ss, &ido->via.u64, "run_in_progress", "a run is waiting for the policy's "
			    "act; other requests wait for its end");
	} else {
		uint64_t id = ido->via.u64;
		if (is_str(op, "act"))
			op_act(ss, id, m);
		else if (is_str(op, "load"))
			op_load(ss, id, m);
		else if (is_str(op, "send"))
			op_post(ss, id, m, EV_SEND_DONE);
		else if (is_str(op, "recv"))
			op_post(ss, id, m, EV_RECV_DONE);
		else if (is_str(op, "schedule"))
			op_post(ss, id, m, EV_TIMER);
		else if (is_str(op, "now")) {
			if (!need_sim(ss, id))
				reply_time(ss, id, 0, 0);
		}
		else if (is_str(op, "run_until"))
			op_run(ss, id, m, 0);
		else if (is_str(op, "run_next"))
			op_run(ss, id, m, 1);
		else if (is_str(op, "stats"))
			op_stats(ss, id);
		else if (is_str(op, "version"))
			op_version(ss, id);
		else if (is_str(op, "close")) {
			reply_ok(ss, id);
			ss->closing = 1;
			bufferevent_disable(ss->bev, EV_READ);
		} else
			reply_error(ss, &id, "unknown_op", "unknown operation \"%.*s\" (expected load, "
				    "send, recv, schedule, now, run_until, run_next, stats, version, act "
				    "or close)", (int)(op->via.str.size > 40 ? 40 : op->via.str.size),
				    op->via.str.ptr);
	}
	msgpack_unpacked_destroy(&u);
}

/* ---- the session's loop pieces ---- */

static int output_overflow(struct session *ss)
{
	uint64_t lim = ss->srv->o->max_output ? ss->srv->o->max_output : FE_SERVE_OUT_LIMIT;
	return evbuffer_get_length(bufferevent_get_output(ss->bev)) > lim;
}

static void on_slice(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct session *ss = arg;
	int more = 0;
	int rc = sim_run_some(ss->sim, ss->until_ps, FE_SERVE_SLICE_EVENTS, &more);
	if (output_overflow(ss)) {
		session_free(ss, "the client does not read its completions");
		return;
	}
	if (!rc && ss->awaiting) {
		/* Simulated time waits for the client's act (or the timeout). */
		bufferevent_enable(ss->bev, EV_READ);
		process(ss);
		return;
	}
	if (!rc && more && !(ss->run_next && ss->completions)) {
		event_active(ss->slice, EV_TIMEOUT, 0);   /* others get a turn first */
		return;
	}
	ss->running = 0;
	if (rc)
		reply_error(ss, &ss->run_id, "sim_error", "%s", sim_errmsg(ss->sim));
	else
		reply_time(ss, ss->run_id, ss->run_next, ss->run_next && !ss->completions);
	bufferevent_enable(ss->bev, EV_READ);
	process(ss);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void process(struct session *ss)
{
	struct evbuffer *in = bufferevent_get_input(ss->bev);
	while ((!ss->running || ss->awaiting) && !ss->closing) {
		size_t have = evbuffer_get_length(in);
		unsigned char hdr[4];
		if (have < 4)
			return;
		evbuffer_copyout(in, hdr, 4);
		uint32_t n = be32(hdr);
		if (n == 0 || n > FE_SERVE_MAX_FRAME) {
			/* The stream cannot be resynchronised: say why and close. */
			reply_error(ss, NULL, n ? "frame_too_large" : "bad_frame",
				    n ? "a frame of %" PRIu32 " bytes; the limit is %u" :
					"an empty frame (%" PRIu32 " bytes); a frame holds one "
					"msgpack map", n, FE_SERVE_MAX_FRAME);
			ss->closing = 1;
			bufferevent_disable(ss->bev, EV_READ);
			return;
		}
		if (have < 4 + (size_t)n)
			return;
		evbuffer_drain(in, 4);
		unsigned char *buf = evbuffer_pullup(in, n);
		if (!buf) {
			session_free(ss, "out of memory");
			return;
		}
		handle_frame(ss, buf, n);
		evbuffer_drain(in, n);
	}
	if (ss->closing && !evbuffer_get_length(bufferevent_get_output(ss->bev)))
		session_free(ss, "closed");
}

static void on_read(struct bufferevent *bev, void *arg)
{
	(void)bev;
	process(arg);
}

static void on_write(struct bufferevent *bev, void *arg)
{
	struct session *ss = arg;
	if (ss->closing && !evbuffer_get_length(bufferevent_get_output(bev)))
		session_free(ss, "closed");
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	struct session *ss = arg;
	if (what & BEV_EVENT_EOF)
		session_free(ss, "the client disconnected");
	else if (what & BEV_EVENT_ERROR)
		session_free(ss, strerror(EVUTIL_SOCKET_ERROR()));
	else if (what & BEV_EVENT_TIMEOUT)
		session_free(ss, "idle timeout");
}

static void session_free(struct session *ss, const char *why)
{
	struct server *srv = ss->srv;
	if (srv->o->log)
		fprintf(srv->o->log, "pktsim serve: session %" PRIu64 ": %s\n", ss->sid, why);
	if (ss->slice)
		event_free(ss->slice);
	if (ss->policy_timer)
		event_free(ss->policy_timer);
	if (ss->sim) {
		char err[256];
		sim_finish(ss->sim, ss->running, err, sizeof(err));
		sim_destroy(ss->sim);
	}
	if (ss->loaded)
		fe_experiment_free(&ss->exp);
	while (ss->pend) {
		struct pending *p = ss->pend;
		ss->pend = p->next;
		free(p);
	}
	held_flush(ss);
	bufferevent_free(ss->bev);
	if (ss->prev)
		ss->prev->next = ss->next;
	else
		srv->sessions = ss->next;
	if (ss->next)
		ss->next->prev = ss->prev;
	srv->nsessions--;
	free(ss);
}

/* ---- accepting ---- */

static void refuse(evutil_socket_t fd, const char *msg)
{
	/* One error frame, best effort, then close. */
	struct out o;
	out_begin(&o, 4);
	pk_id(&o, NULL);
	pk_key(&o, "ok");
	msgpack_pack_false(&o.pk);
	pk_kstr(&o, "error", "busy");
	pk_kstr(&o, "message", msg);
	unsigned char hdr[4] = { (unsigned char)(o.sb.size >> 24), (unsigned char)(o.sb.size >> 16),
				 (unsigned char)(o.sb.size >> 8), (unsigned char)o.sb.size };
	if (send(fd, hdr, 4, MSG_NOSIGNAL) == 4)
		(void)!send(fd, o.sb.data, o.sb.size, MSG_NOSIGNAL);
	msgpack_sbuffer_destroy(&o.sb);
	evutil_closesocket(fd);
}

static void on_accept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
		      int salen, void *arg)
{
	(void)lis;
	(void)sa;
	(void)salen;
	struct server *srv = arg;
	unsigned max = srv->o->max_clients ? srv->o->max_clients : 64;
	if (srv->nsessions >= max) {
		refuse(fd, "the server has its maximum of clients; try again later");
		return;
	}
	struct session *ss = calloc(1, sizeof(*ss));
	if (!ss) {
		evutil_closesocket(fd);
		return;
	}
	ss->srv = srv;
	ss->sid = ++srv->next_sid;
	/* Replies are small and awaited: no Nagle delay (a Unix socket has
	 * none, and ignores the option). */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ss->held_tail = &ss->held;
	ss->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE |
				       BEV_OPT_DEFER_CALLBACKS);
	ss->slice = event_new(srv->base, -1, 0, on_slice, ss);
	ss->policy_timer = evtimer_new(srv->base, on_policy_timeout, ss);
	ss->policy_timeout_ms = 1000;
	if (!ss->bev || !ss->slice || !ss->policy_timer) {
		if (ss->policy_timer)
			event_free(ss->policy_timer);
		if (ss->bev)
			bufferevent_free(ss->bev);
		else
			evutil_closesocket(fd);
		if (ss->slice)
			event_free(ss->slice);
		free(ss);
		return;
	}
	ss->next = srv->sessions;
	if (srv->sessions)
		srv->sessions->prev = ss;
	srv->sessions = ss;
	srv->nsessions++;
	bufferevent_setcb(ss->bev, on_read, on_write, on_event, ss);
	if (srv->o->idle_s) {
		struct timeval tv = { .tv_sec = srv->o->idle_s };
		bufferevent_set_timeouts(ss->bev, &tv, NULL);
	}
	bufferevent_enable(ss->bev, EV_READ | EV_WRITE);
	if (srv->o->log)
		fprintf(srv->o->log, "pktsim serve: session %" PRIu64 ": connected\n", ss->sid);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

/* "HOST:PORT" (HOST an IPv4 address or localhost). */
static int parse_listen(const char *s, struct sockaddr_in *sin, char *err, size_t errlen)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(host)) {
		net_fmt_err(err, errlen, "--listen %s: expected HOST:PORT, like 127.0.0.1:%d", s,
			    FE_SERVE_DEFAULT_PORT);
		return -1;
	}
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	char *end;
	errno = 0;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (errno || *end || colon[1] == '\0' || port > 65535) {
		net_fmt_err(err, errlen, "--listen %s: the port must be 0..65535", s);
		return -1;
	}
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof(host), "127.0.0.1");
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
		net_fmt_err(err, errlen, "--listen %s: \"%s\" is not an IPv4 address", s, host);
		return -1;
	}
	sin->sin_port = htons((uint16_t)port);
	return 0;
}

int fe_serve(const struct fe_serve_opts *o, char *err, size_t errlen)
{
	struct server srv = { .o = o };
	struct event *sigs[2] = { NULL, NULL };
	int rc = -1;
	signal(SIGPIPE, SIG_IGN);
	srv.base = event_base_new();
	if (!srv.base) {
		net_fmt_err(err, errlen, "cannot create the event loop");
		return -1;
	}
	unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE;
	char where[160];
	if (o->unix_path) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		if (strlen(o->unix_path) >= sizeof(sun.sun_path)) {
			net_fmt_err(err, errlen, "--unix %s: the path is too long", o->unix_path);
			goto out;
		}
		struct stat sb;
		if (!stat(o->unix_path, &sb)) {
			if (!S_ISSOCK(sb.st_mode)) {
				net_fmt_err(err, errlen, "--unix %s: exists and is not a socket",
					    o->unix_path);
				goto out;
			}
			unlink(o->unix_path);       /* a previous server's */
		}
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", o->unix_path);
		srv.lis = evconnlistener_new_bind(srv.base, on_accept, &srv, flags, 64,
						  (struct sockaddr *)&sun, sizeof(sun));
		if (!srv.lis) {
			net_fmt_err(err, errlen, "--unix %s: cannot listen: %s", o->unix_path,
				    strerror(errno));
			goto out;
		}
		snprintf(srv.unix_path, sizeof(srv.unix_path), "%s", o->unix_path);
		snprintf(where, sizeof(where), "unix:%s", o->unix_path);
	} else {
		struct sockaddr_in sin;
		char def[32];
		snprintf(def, sizeof(def), "127.0.0.1:%d", FE_SERVE_DEFAULT_PORT);
		if (parse_listen(o->listen ? o->listen : def, &sin, err, errlen))
			goto out;
		srv.lis = evconnlistener_new_bind(srv.base, on_accept, &srv, flags, 64,
						  (struct sockaddr *)&sin, sizeof(sin));
		if (!srv.lis) {
			net_fmt_err(err, errlen, "--listen %s: cannot listen: %s",
				    o->listen ? o->listen : def, strerror(errno));
			goto out;
		}
		socklen_t sl = sizeof(sin);
		getsockname(evconnlistener_get_fd(srv.lis), (struct sockaddr *)&sin, &sl);
		char ip[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &sin.sin_addr, ip, sizeof(ip));
		snprintf(where, sizeof(where), "%s:%u", ip, ntohs(sin.sin_port));
		if (o->log && ntohl(sin.sin_addr.s_addr) >> 24 != 127)
			fprintf(o->log, "pktsim serve: warning: %s is not a loopback address: anyone "
				"who can reach it can run simulations and read files as you\n", ip);
	}
	sigs[0] = evsignal_new(srv.base, SIGINT, on_signal, srv.base);
	sigs[1] = evsignal_new(srv.base, SIGTERM, on_signal, srv.base);
	if (!sigs[0] || !sigs[1] || event_add(sigs[0], NULL) || event_add(sigs[1], NULL)) {
		net_fmt_err(err, errlen, "cannot watch for signals");
		goto out;
	}
	if (o->ready) {
		fprintf(o->ready, "listening on %s\n", where);
		fflush(o->ready);
	}
	if (o->log)
		fprintf(o->log, "pktsim serve: listening on %s (protocol %d; doc/server.md)\n", where,
			FE_SERVE_PROTOCOL);
	event_base_dispatch(srv.base);
	if (o->log)
		fprintf(o->log, "pktsim serve: stopping\n");
	rc = 0;
out:
	while (srv.sessions)
		session_free(srv.sessions, "the server stops");
	for (int i = 0; i < 2; i++)
		if (sigs[i])
			event_free(sigs[i]);
	if (srv.lis)
		evconnlistener_free(srv.lis);
	if (srv.unix_path[0])
		unlink(srv.unix_path);
	event_base_free(srv.base);
	return rc;
}
