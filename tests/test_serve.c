/*
 * tests/test_serve.c - `pktsim serve` from real clients: the server runs as
 * its own process on a free loopback port ($PKTSIM, as the harness sets
 * it), the tests connect with the C client of tests/serve_client.h.
 *
 * The workload test posts an experiment's flows over the socket exactly as
 * `pktsim run` posts them (for each flow a receive and a timer at its start,
 * in file order; the send at the timer) and requires the same completion
 * times, to the ps, as the same experiment run in-process. The robustness
 * tests send every kind of bad input and check the error reply, then check
 * that a well-behaved client on another connection is unaffected, and that
 * the server still stops cleanly (exit 0: under ASan, also no leak).
 */
#include "tests/unit_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/experiment.h"
#include "frontend/sim.h"
#include "net/engine.h"
#include "tests/serve_client.h"

static const char workload_yaml[] =
	"seed: 5\n"
	"topology: {kind: switch, hosts: 5, link: {rate: 100Gbps, delay: 1us}}\n"
	"fabric: {buffer: 400KB, pfc: {enabled: true}, ecn: {kmin: 20KB, kmax: 80KB},\n"
	"         cc: {algorithm: dcqcn}}\n"
	"workload:\n"
	"  flows:\n"
	"    - {src: 1, dst: 0, size: 300KB}\n"
	"    - {src: 2, dst: 0, size: 300KB, start: 3us}\n"
	"    - {src: 3, dst: 0, size: 200KB, start: 7500ns}\n"
	"    - {src: 0, dst: 4, size: 500KB, start: 2us}\n"
	"    - {src: 4, dst: 0, size: 100KB, start: 3us}\n";
#define NFLOWS 5

/* The experiment run in-process, as `pktsim run` runs it. */
static void run_in_process(struct sim_flow *out)
{
	char path[] = "/tmp/pktsim-serve-XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, workload_yaml, sizeof(workload_yaml) - 1) ==
			(ssize_t)(sizeof(workload_yaml) - 1));
	close(fd);
	struct fe_experiment e;
	char err[512];
	CU_ASSERT_EQUAL_FATAL(fe_experiment_load(path, &e, err, sizeof(err)), 0);
	unlink(path);
	struct sim *s;
	CU_ASSERT_EQUAL_FATAL(sim_create(&e, NULL, &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(sim_post_workload(s), 0);
	CU_ASSERT_EQUAL_FATAL(sim_run(s), 0);
	size_t n;
	const struct sim_flow *f = sim_flows(s, &n);
	CU_ASSERT_EQUAL_FATAL(n, NFLOWS);
	memcpy(out, f, NFLOWS * sizeof(*out));
	sim_destroy(s);
	fe_experiment_free(&e);
}

static int load(int fd, uint64_t id, const char *yaml, int workload)
{
	struct sc_req r;
	sc_begin(&r, id, "load", 2);
	sc_str(&r, "yaml", yaml);
	msgpack_pack_str(&r.pk, 8);
	msgpack_pack_str_body(&r.pk, "workload", 8);
	if (workload)
		msgpack_pack_true(&r.pk);
	else
		msgpack_pack_false(&r.pk);
	if (sc_send(fd, &r))
		return -1;
	msgpack_unpacked u;
	if (sc_read(fd, &u))
		return -1;
	int ok = sc_ok(&u.data) && sc_u(&u.data, "id") == id;
	if (!ok && !sc_is(&u.data, "error", "busy")) {
		printf("\n    load: ");
		msgpack_object_print(stdout, u.data);
		printf("\n    ");
	}
	msgpack_unpacked_destroy(&u);
	return ok ? 0 : -1;
}

/* Send a request and read frames until its reply; events on the way go to
 * fn. Returns the reply (destroy it), or an unpacked with a NIL object. */
typedef void (*event_fn)(const msgpack_object *ev, void *arg);

static int call(int fd, struct sc_req *r, uint64_t id, msgpack_unpacked *reply, event_fn fn,
		void *arg)
{
	if (sc_send(fd, r))
		return -1;
	for (;;) {
		if (sc_read(fd, reply))
			return -1;
		if (sc_get(&reply->data, "event")) {
			if (fn)
				fn(&reply->data, arg);
			msgpack_unpacked_destroy(reply);
			continue;
		}
		if (sc_u(&reply->data, "id") != id) {
			msgpack_unpacked_destroy(reply);
			return -1;
		}
		return 0;
	}
}

struct wl_state {
	int fd;
	uint64_t next_id;
	struct fe_flow flows[NFLOWS];
	uint64_t start[NFLOWS], sent[NFLOWS], got[NFLOWS];
	int timers;
	unsigned fired;               /* bit i: flow i's timer came */
};

static void wl_event(const msgpack_object *ev, void *arg)
{
	struct wl_state *w = arg;
	uint64_t id = sc_u(ev, "id"), t = sc_u(ev, "t_ps");
	if (sc_is(ev, "event", "timer") && id >= 200 && id < 200 + NFLOWS) {
		w->start[id - 200] = t;
		w->timers++;
		w->fired |= 1u << (id - 200);
	} else if (sc_is(ev, "event", "send_done") && id >= 300 && id < 300 + NFLOWS) {
		w->sent[id - 300] = t;
	} else if (sc_is(ev, "event", "recv_done") && id >= 100 && id < 100 + NFLOWS) {
		w->got[id - 100] = t;
	}
}

static void test_workload_over_socket_equals_run(void)
{
	struct sim_flow want[NFLOWS];
	run_in_process(want);

	struct sc_server srv;
	CU_ASSERT_EQUAL_FATAL(sc_start(&srv, NULL), 0);
	struct wl_state w = { .fd = sc_connect(&srv) };
	CU_ASSERT_FATAL(w.fd >= 0);
	CU_ASSERT_EQUAL_FATAL(load(w.fd, 1, workload_yaml, 0), 0);
	static const uint32_t src[] = { 1, 2, 3, 0, 4 }, dst[] = { 0, 0, 0, 4, 0 };
	static const uint64_t size[] = { 300000, 300000, 200000, 500000, 100000 };
	static const uint64_t start[] = { 0, 3000000, 7500000, 2000000, 3000000 };
	msgpack_unpacked u;
	for (int i = 0; i < NFLOWS; i++) {
		struct sc_req r;
		sc_begin(&r, 100 + (uint64_t)i, "recv", 4);
		sc_u64(&r, "src", src[i]);
		sc_u64(&r, "dst", dst[i]);
		sc_u64(&r, "bytes", size[i]);
		sc_u64(&r, "tag", (uint64_t)i);
		CU_ASSERT_EQUAL_FATAL(call(w.fd, &r, 100 + (uint64_t)i, &u, wl_event, &w), 0);
		CU_ASSERT(sc_ok(&u.data));
		msgpack_unpacked_destroy(&u);
		sc_begin(&r, 200 + (uint64_t)i, "schedule", 1);
		sc_u64(&r, "delay_ps", start[i]);
		CU_ASSERT_EQUAL_FATAL(call(w.fd, &r, 200 + (uint64_t)i, &u, wl_event, &w), 0);
		CU_ASSERT(sc_ok(&u.data));
		msgpack_unpacked_destroy(&u);
	}
	/* Step completion by completion; a flow's timer is its start. */
	int sends = 0, rounds = 0;
	for (;;) {
		int timers = w.timers;
		struct sc_req r;
		sc_begin(&r, 1000 + (uint64_t)rounds, "run_next", 0);
		CU_ASSERT_EQUAL_FATAL(call(w.fd, &r, 1000 + (uint64_t)rounds, &u, wl_event, &w), 0);
		CU_ASSERT_FATAL(sc_ok(&u.data));
		const msgpack_object *idle = sc_get(&u.data, "idle");
		int done = idle && idle->type == MSGPACK_OBJECT_BOOLEAN && idle->via.boolean;
		msgpack_unpacked_destroy(&u);
		rounds++;
		for (int i = 0; i < NFLOWS && w.timers > timers; i++) {
			if (!(w.fired >> i & 1) || (sends & (1 << i)))
				continue;
			sends |= 1 << i;
			sc_begin(&r, 300 + (uint64_t)i, "send", 4);
			sc_u64(&r, "src", src[i]);
			sc_u64(&r, "dst", dst[i]);
			sc_u64(&r, "bytes", size[i]);
			sc_u64(&r, "tag", (uint64_t)i);
			CU_ASSERT_EQUAL_FATAL(call(w.fd, &r, 300 + (uint64_t)i, &u, wl_event, &w), 0);
			CU_ASSERT(sc_ok(&u.data));
			/* QPs are numbered as they are created: in start order. */
			static const uint64_t qp[] = { 0, 2, 4, 1, 3 };
			CU_ASSERT_EQUAL(sc_u(&u.data, "flow"), qp[i]);
			msgpack_unpacked_destroy(&u);
		}
		if (done || rounds > 100)
			break;
	}
	CU_ASSERT(rounds <= 100);
	for (int i = 0; i < NFLOWS; i++) {
		CU_ASSERT_EQUAL(w.start[i], start[i]);
		CU_ASSERT_EQUAL(w.sent[i] - start[i], want[i].fct_ps);
		CU_ASSERT_EQUAL(w.got[i] - start[i], want[i].delivered_ps);
		if (w.sent[i] - start[i] != want[i].fct_ps)
			printf("\n    flow %d: fct %llu over the socket, %llu in process\n    ", i,
			       (unsigned long long)(w.sent[i] - start[i]),
			       (unsigned long long)want[i].fct_ps);
	}
	close(w.fd);
	CU_ASSERT_EQUAL(sc_stop(&srv), 0);
}

/* ---- bad input ---- */

/* The next frame is an error reply with this code (and id, or nil). */
static void expect_error(int fd, const char *code, const uint64_t *id)
{
	msgpack_unpacked u;
	CU_ASSERT_EQUAL_FATAL(sc_read(fd, &u), 0);
	int ok = !sc_ok(&u.data) && sc_is(&u.data, "error", code);
	const msgpack_object *i = sc_get(&u.data, "id");
	int id_ok = id ? i && i->type == MSGPACK_OBJECT_POSITIVE_INTEGER && i->via.u64 == *id
		       : i && i->type == MSGPACK_OBJECT_NIL;
	if (!ok || !id_ok) {
		printf("\n    expected error %s, got ", code);
		msgpack_object_print(stdout, u.data);
		printf("\n    ");
	}
	CU_ASSERT(ok);
	CU_ASSERT(id_ok);
	msgpack_unpacked_destroy(&u);
}

/* The connection was closed by the server (EOF within the timeout). */
static int closed(int fd)
{
	char c;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 5000) == 1 && recv(fd, &c, 1, 0) == 0;
}

/* A well-behaved session: load, send 100 KB host 0 -> 1, run to the end:
 * the sender is done at 12,591,520 ps (1 MB at 100 Gb/s through one switch
 * with 1 us links, as the one-flow case everywhere else: 100 frames of
 * 1062 B, 101 frame times of 84.96 ns + 2 us + two 66 B ACK hops + 2 us). */
/* Connect and load. Connections just dropped may still count against the
 * client limit until the server has read their EOF (slowly, under a
 * sanitizer): a busy reply is retried. The connection, or -1. */
static int connect_load(const struct sc_server *srv, const char *yaml, int workload)
{
	for (int tries = 0; tries < 250; tries++) {
		int fd = sc_connect(srv);
		if (fd < 0)
			return -1;
		if (!load(fd, 1, yaml, workload))
			return fd;
		close(fd);
		usleep(20000);
	}
	return -1;
}

static void well_behaved(const struct sc_server *srv)
{
	int fd = connect_load(srv, "topology: {kind: switch, hosts: 2}\n", 0);
	CU_ASSERT_FATAL(fd >= 0);
	struct sc_req r;
	msgpack_unpacked u;
	sc_begin(&r, 2, "send", 3);
	sc_u64(&r, "src", 0);
	sc_u64(&r, "dst", 1);
	sc_u64(&r, "bytes", 100000);
	CU_ASSERT_EQUAL_FATAL(call(fd, &r, 2, &u, NULL, NULL), 0);
	msgpack_unpacked_destroy(&u);
	sc_begin(&r, 3, "run_next", 0);
	CU_ASSERT_EQUAL_FATAL(sc_send(fd, &r), 0);
	CU_ASSERT_EQUAL_FATAL(sc_read(fd, &u), 0);
	CU_ASSERT(sc_is(&u.data, "event", "send_done"));
	CU_ASSERT_EQUAL(sc_u(&u.data, "t_ps"), 100ull * 84960 + 84960 + 2000000 + 2 * 5280 + 2000000);
	msgpack_unpacked_destroy(&u);
	CU_ASSERT_EQUAL_FATAL(sc_read(fd, &u), 0);
	CU_ASSERT(sc_ok(&u.data));
	msgpack_unpacked_destroy(&u);
	close(fd);
}

static void test_bad_input_gets_errors_and_spares_others(void)
{
	struct sc_server srv;
	CU_ASSERT_EQUAL_FATAL(sc_start(&srv, NULL), 0);
	int good = sc_connect(&srv);
	CU_ASSERT_FATAL(good >= 0);
	CU_ASSERT_EQUAL_FATAL(load(good, 1, "topology: {kind: switch, hosts: 3}\n", 0), 0);

	/* A truncated frame, then the client goes. */
	int fd = sc_connect(&srv);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(sc_write_all(fd, "\0\0\0\x64\x82\xa2id", 8), 0);
	close(fd);

	/* An oversized length prefix: an error, then the server closes. */
	fd = sc_connect(&srv);
	CU_ASSERT_EQUAL(sc_write_all(fd, "\x7f\xff\xff\xff", 4), 0);
	expect_error(fd, "frame_too_large", NULL);
	CU_ASSERT(closed(fd));
	close(fd);

	/* Garbage bytes: read as a length prefix, the same. */
	fd = sc_connect(&srv);
	CU_ASSERT_EQUAL(sc_write_all(fd, "hello, server!\n", 15), 0);
	expect_error(fd, "frame_too_large", NULL);
	CU_ASSERT(closed(fd));
	close(fd);

	/* Within frames, each mistake gets its reply and the session goes on. */
	fd = sc_connect(&srv);
	CU_ASSERT_EQUAL(sc_send_raw(fd, "\xc1", 1), 0);                 /* not msgpack */
	expect_error(fd, "bad_msgpack", NULL);
	CU_ASSERT_EQUAL(sc_send_raw(fd, "\xdd\xff\xff\xff\xff", 5), 0); /* 2^32 - 1 elements */
	expect_error(fd, "bad_msgpack", NULL);
	CU_ASSERT_EQUAL(sc_send_raw(fd, "\x92\x01\x02\x03", 4), 0);     /* bytes after [1, 2] */
	expect_error(fd, "bad_msgpack", NULL);
	CU_ASSERT_EQUAL(sc_send_raw(fd, "\x92\x01\x02", 3), 0);         /* [1, 2]: not a map */
	expect_error(fd, "bad_request", NULL);
	CU_ASSERT_EQUAL(sc_send_raw(fd, "\x81\xa2op\xa3now", 8), 0);     /* {op: now}: no id */
	expect_error(fd, "bad_request", NULL);
	uint64_t id = 7;
	struct sc_req r;
	sc_begin(&r, 7, "now", 0);                                      /* before load */
	CU_ASSERT_EQUAL(sc_send(fd, &r), 0);
	expect_error(fd, "no_experiment", &id);
	sc_begin(&r, 7, "fly", 0);
	CU_ASSERT_EQUAL(sc_send(fd, &r), 0);
	expect_error(fd, "unknown_op", &id);
	sc_begin(&r, 7, "load", 1);
	sc_str(&r, "yaml", "topology: {kind: switch, hosts: 0}\n");
	CU_ASSERT_EQUAL(sc_send(fd, &r), 0);
	expect_error(fd, "bad_experiment", &id);
	CU_ASSERT_EQUAL_FATAL(load(fd, 8, "topology: {kind: switch, hosts: 2}\n", 0), 0);
	sc_begin(&r, 7, "load", 1);
	sc_str(&r, "path", "x.yaml");
	CU_ASSERT_EQUAL(sc_send(fd, &r), 0);
	expect_error(fd, "already_loaded", &id);
	sc_begin(&r, 7, "send", 3);
	sc_str(&r, "src", "zero");                                      /* wrong type */
	sc_u64(&r, "dst", 1);
	sc_u64(&r, "bytes", 10);
	CU_ASSERT_EQUAL(sc_send(fd, &r), 0);
	expect_error(fd, "bad_request", &id);
	sc_begin(&r, 7, "send", 3);
	sc_u64(&r, "src", 0);
	sc_u64(&r, "dst", 9);                                           /* no such host */
	sc_u64(&r, "bytes", 10);
	CU_ASSERT_EQUAL(sc_send(fd, &r), 0);
	expect_error(fd, "bad_argument", &id);
	sc_begin(&r, 7, "schedule", 1);
	sc_u64(&r, "delay_ps", 5000);
	CU_ASSERT_EQUAL(sc_send(fd, &r), 0);
	msgpack_unpacked u;
	CU_ASSERT_EQUAL(sc_read(fd, &u), 0);
	msgpack_unpacked_destroy(&u);
	sc_begin(&r, 9, "run_until", 1);
	sc_u64(&r, "t_ps", 10000);
	CU_ASSERT_EQUAL_FATAL(call(fd, &r, 9, &u, NULL, NULL), 0);
	CU_ASSERT_EQUAL(sc_u(&u.data, "t_ps"), 10000);
	msgpack_unpacked_destroy(&u);
	sc_begin(&r, 7, "run_until", 1);
	sc_u64(&r, "t_ps", 9999);                                       /* the past */
	CU_ASSERT_EQUAL(sc_send(fd, &r), 0);
	expect_error(fd, "bad_request", &id);
	close(fd);

	/* 100 connections opened at once and dropped: past the 64-client
	 * limit some are told the server is busy; none disturbs the rest. */
	int many[100];
	for (int i = 0; i < 100; i++)
		many[i] = sc_connect(&srv);
	for (int i = 0; i < 100; i++)
		if (many[i] >= 0)
			close(many[i]);

	/* A client that starts a long run and goes away in the middle of it:
	 * its session ends (the server must not write to it, nor leak it). */
	fd = connect_load(&srv, workload_yaml, 1);
	CU_ASSERT_FATAL(fd >= 0);
	sc_begin(&r, 2, "run_until", 1);
	sc_u64(&r, "t_ps", 1000000000000ull);
	CU_ASSERT_EQUAL(sc_send(fd, &r), 0);
	close(fd);

	/* The first client never noticed. */
	sc_begin(&r, 2, "now", 0);
	CU_ASSERT_EQUAL_FATAL(call(good, &r, 2, &u, NULL, NULL), 0);
	CU_ASSERT(sc_ok(&u.data));
	CU_ASSERT_EQUAL(sc_u(&u.data, "t_ps"), 0);
	msgpack_unpacked_destroy(&u);
	close(good);
	well_behaved(&srv);
	CU_ASSERT_EQUAL(sc_stop(&srv), 0);
}

static void test_limits_busy_and_idle(void)
{
	const char *args[] = { "--max-clients", "2", "--idle", "1", NULL };
	struct sc_server srv;
	CU_ASSERT_EQUAL_FATAL(sc_start(&srv, args), 0);
	int a = sc_connect(&srv), b = sc_connect(&srv);
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	usleep(100000);
	int c = sc_connect(&srv);
	CU_ASSERT_FATAL(c >= 0);
	expect_error(c, "busy", NULL);
	close(c);
	/* Idle for more than a second: the server closes the session. */
	CU_ASSERT(closed(a));
	close(a);
	close(b);
	well_behaved(&srv);
	CU_ASSERT_EQUAL(sc_stop(&srv), 0);
}

/* A client that posts 100,000 small sends and a run, and never reads: the
 * replies and completion events (over 4 MB) fill the socket, then the
 * server's buffer past --max-output 256KiB, and the session is dropped;
 * the server goes on serving. */
static void test_slow_client_is_dropped(void)
{
	const char *args[] = { "--max-output", "256KiB", NULL };
	struct sc_server srv;
	CU_ASSERT_EQUAL_FATAL(sc_start(&srv, args), 0);
	int fd = sc_connect(&srv);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(load(fd, 1, "topology: {kind: switch, hosts: 2}\n", 0), 0);
	int shut = 0;
	for (uint64_t i = 0; i < 100000 && !shut; i++) {
		struct sc_req r;
		sc_begin(&r, 10 + i, "send", 3);
		sc_u64(&r, "src", 0);
		sc_u64(&r, "dst", 1);
		sc_u64(&r, "bytes", 64);
		shut = sc_send(fd, &r) != 0;
	}
	struct sc_req r;
	sc_begin(&r, 5, "run_until", 1);
	sc_u64(&r, "t_ps", 1000000000000ull);
	if (!shut)
		shut = sc_send(fd, &r) != 0;
	else
		msgpack_sbuffer_destroy(&r.sb);
	/* Now read: the stream must end (the server dropped us) before the
	 * run's reply could come. */
	int got_reply = 0;
	for (;;) {
		msgpack_unpacked u;
		if (sc_read(fd, &u))
			break;
		if (sc_u(&u.data, "id") == 5 && sc_get(&u.data, "event") == NULL)
			got_reply = 1;
		msgpack_unpacked_destroy(&u);
	}
	CU_ASSERT_FALSE(got_reply);
	close(fd);
	well_behaved(&srv);
	CU_ASSERT_EQUAL(sc_stop(&srv), 0);
}

static const struct unit_test serve_tests[] = {
	{ "slow_client_is_dropped", test_slow_client_is_dropped },
	{ "workload_over_socket_equals_run", test_workload_over_socket_equals_run },
	{ "bad_input_gets_errors_and_spares_others", test_bad_input_gets_errors_and_spares_others },
	{ "limits_busy_and_idle", test_limits_busy_and_idle },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "serve", serve_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
