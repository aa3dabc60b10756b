/*
 * tests/test_engine.c - the event engine and the RNG.
 *
 * Invariants: events fire in (time, scheduling order); cancel and re-arm keep
 * the heap consistent under random operations (checked against a brute-force
 * model); two engines do not share state; RNG streams are reproducible and
 * independent.
 */
#include <stdlib.h>
#include <string.h>

#include "net/engine.h"
#include "net/rng.h"
#include "tests/unit_main.h"

struct rec {
	uint64_t fired_at[4096];
	int order[4096];
	int n;
};

struct tev {
	struct net_event ev;
	int id;
	struct rec *r;
};

static void record(struct net_engine *eng, struct net_event *ev)
{
	struct tev *t = ev->arg;
	t->r->fired_at[t->r->n] = eng->now_ps;
	t->r->order[t->r->n++] = t->id;
}

static void record_nothing(struct net_engine *eng, struct net_event *ev) {}

static void test_equal_times_fire_in_scheduling_order(void)
{
	struct net_engine eng;
	CU_ASSERT_EQUAL_FATAL(net_engine_init(&eng), 0);
	static struct rec r;
	memset(&r, 0, sizeof(r));
	struct tev ev[10];
	for (int i = 0; i < 10; i++) {
		ev[i].id = i;
		ev[i].r = &r;
		net_event_init(&ev[i].ev, record, &ev[i]);
	}
	/* ids 0..9 at times 5,5,3,5,3,...: order must be by time, then by call. */
	uint64_t t[10] = { 5, 5, 3, 5, 3, 7, 3, 5, 7, 3 };
	for (int i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(net_event_schedule(&eng, &ev[i].ev, t[i]), 0);
	CU_ASSERT_EQUAL(net_engine_run(&eng), 0);
	int want[10] = { 2, 4, 6, 9, 0, 1, 3, 7, 5, 8 };
	CU_ASSERT_EQUAL(r.n, 10);
	for (int i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(r.order[i], want[i]);
	CU_ASSERT_EQUAL(eng.now_ps, 7);
	CU_ASSERT_EQUAL(eng.events, 10);
	net_engine_fini(&eng);
}

static void test_schedule_in_past_is_rejected(void)
{
	struct net_engine eng;
	net_engine_init(&eng);
	struct net_event a;
	net_event_init(&a, record, NULL);
	eng.now_ps = 100;
	CU_ASSERT_EQUAL(net_event_schedule(&eng, &a, 99), NET_ERR_INVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(net_errmsg(&eng), "past"));
	CU_ASSERT_FALSE(net_event_pending(&a));
	/* The failure is remembered: the next run stops with it. */
	CU_ASSERT_EQUAL(eng.failed, NET_ERR_INVAL);
	struct net_event b;
	net_event_init(&b, record_nothing, NULL);
	CU_ASSERT_EQUAL(net_event_schedule(&eng, &b, 200), 0);
	CU_ASSERT_EQUAL(net_engine_run(&eng), NET_ERR_INVAL);
	net_engine_fini(&eng);
}

/* Random schedule / cancel / re-arm against a brute-force model. */
static void test_random_ops_match_model(void)
{
	enum { N = 600 };
	struct net_engine eng;
	net_engine_init(&eng);
	static struct rec r;
	memset(&r, 0, sizeof(r));
	static struct tev ev[N];
	uint64_t when[N], seq[N], s = 0;
	int pending[N];
	struct net_rng rng;
	net_rng_init(&rng, 42, 0);
	for (int i = 0; i < N; i++) {
		ev[i].id = i;
		ev[i].r = &r;
		net_event_init(&ev[i].ev, record, &ev[i]);
		pending[i] = 0;
	}
	for (int step = 0; step < 5000; step++) {
		int i = (int)(net_rng_next(&rng) % N);
		uint64_t op = net_rng_next(&rng) % 3;
		if (op < 2) {
			uint64_t t = net_rng_next(&rng) % 1000;
			CU_ASSERT_EQUAL(net_event_schedule(&eng, &ev[i].ev, t), 0);
			when[i] = t;
			seq[i] = s++;
			pending[i] = 1;
		} else {
			net_event_cancel(&eng, &ev[i].ev);
			pending[i] = 0;
		}
		CU_ASSERT_EQUAL(net_event_pending(&ev[i].ev), pending[i]);
	}
	int npend = 0;
	for (int i = 0; i < N; i++)
		npend += pending[i];
	CU_ASSERT_EQUAL(eng.n, (uint32_t)npend);
	net_engine_run(&eng);
	CU_ASSERT_EQUAL_FATAL(r.n, npend);
	/* Expected order: pending events sorted by (time, last scheduling seq). */
	int k = 0;
	for (int j = 0; j < r.n; j++) {
		int best = -1;
		for (int i = 0; i < N; i++)
			if (pending[i] && (best < 0 || when[i] < when[best] ||
					   (when[i] == when[best] && seq[i] < seq[best])))
				best = i;
		CU_ASSERT_EQUAL(r.order[j], best);
		CU_ASSERT_EQUAL(r.fired_at[j], when[best]);
		pending[best] = 0;
		k++;
	}
	CU_ASSERT_EQUAL(k, npend);
	net_engine_fini(&eng);
}

static void test_run_until_stops_before_later_events(void)
{
	struct net_engine eng;
	net_engine_init(&eng);
	static struct rec r;
	memset(&r, 0, sizeof(r));
	struct tev a = { .id = 1, .r = &r }, b = { .id = 2, .r = &r };
	net_event_init(&a.ev, record, &a);
	net_event_init(&b.ev, record, &b);
	net_event_schedule(&eng, &a.ev, 10);
	net_event_schedule(&eng, &b.ev, 20);
	CU_ASSERT_EQUAL(net_engine_run_until(&eng, 15), 0);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(eng.now_ps, 15);
	CU_ASSERT_TRUE(net_event_pending(&b.ev));
	CU_ASSERT_EQUAL(net_engine_next_time(&eng), 20);
	net_engine_run(&eng);
	CU_ASSERT_EQUAL(r.n, 2);
	CU_ASSERT_EQUAL(eng.now_ps, 20);
	net_engine_fini(&eng);
}

static void test_stop_flag_interrupts_run(void)
{
	struct net_engine eng;
	net_engine_init(&eng);
	volatile sig_atomic_t stop = 1;
	eng.stop_flag = &stop;
	static struct rec r;
	memset(&r, 0, sizeof(r));
	struct tev a = { .id = 1, .r = &r };
	net_event_init(&a.ev, record, &a);
	net_event_schedule(&eng, &a.ev, 10);
	CU_ASSERT_EQUAL(net_engine_run(&eng), NET_ERR_STOPPED);
	net_engine_fini(&eng);
}

static void test_two_engines_are_independent(void)
{
	struct net_engine e1, e2;
	net_engine_init(&e1);
	net_engine_init(&e2);
	static struct rec r1, r2;
	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	struct tev a = { .id = 1, .r = &r1 }, b = { .id = 2, .r = &r2 };
	net_event_init(&a.ev, record, &a);
	net_event_init(&b.ev, record, &b);
	net_event_schedule(&e1, &a.ev, 100);
	net_event_schedule(&e2, &b.ev, 50);
	net_engine_run(&e2);
	CU_ASSERT_EQUAL(r1.n, 0);
	CU_ASSERT_EQUAL(r2.n, 1);
	CU_ASSERT_EQUAL(e1.now_ps, 0);
	CU_ASSERT_EQUAL(e2.now_ps, 50);
	net_engine_run(&e1);
	CU_ASSERT_EQUAL(r1.fired_at[0], 100);
	net_engine_fini(&e1);
	net_engine_fini(&e2);
}

static void test_ser_time_is_exact_at_100g(void)
{
	/* 1062 B at 100 Gb/s: 1062 * 8 / 1e11 s = 84.96 ns = 84960 ps exactly. */
	CU_ASSERT_EQUAL(net_ser_ps(1062, 100000000000ull), 84960);
	/* 1 B at 3 Gb/s = 2666.67 ps, rounded up. */
	CU_ASSERT_EQUAL(net_ser_ps(1, 3000000000ull), 2667);
	/* Beyond 2^64 bit-picoseconds: a full PFC pause, 65,535 quanta of 512
	 * bits = 4,194,240 B at 100 Gb/s = 335,539,200 ps; and 1 GB = 80 ms. */
	CU_ASSERT_EQUAL(net_ser_ps(4194240, 100000000000ull), 335539200ull);
	CU_ASSERT_EQUAL(net_ser_ps(1000000000ull, 100000000000ull), 80000000000ull);
}

static void test_rng_streams_reproducible_and_distinct(void)
{
	struct net_rng a, b, c;
	net_rng_init(&a, 7, 1);
	net_rng_init(&b, 7, 1);
	net_rng_init(&c, 7, 2);
	int same_ab = 1, same_ac = 1;
	for (int i = 0; i < 100; i++) {
		uint64_t x = net_rng_next(&a), y = net_rng_next(&b), z = net_rng_next(&c);
		same_ab &= x == y;
		same_ac &= x == z;
	}
	CU_ASSERT_TRUE(same_ab);
	CU_ASSERT_FALSE(same_ac);
	/* Uniform draws lie in [0,1) and average near 1/2 (1e5 draws: sd 0.0009). */
	double sum = 0;
	for (int i = 0; i < 100000; i++) {
		double u = net_rng_uniform(&a);
		CU_ASSERT_TRUE_FATAL(u >= 0 && u < 1);
		sum += u;
	}
	CU_ASSERT_DOUBLE_EQUAL(sum / 100000, 0.5, 0.005);
}

static const struct unit_test engine_tests[] = {
	{ "equal_times_fire_in_scheduling_order", test_equal_times_fire_in_scheduling_order },
	{ "schedule_in_past_is_rejected", test_schedule_in_past_is_rejected },
	{ "random_ops_match_model", test_random_ops_match_model },
	{ "run_until_stops_before_later_events", test_run_until_stops_before_later_events },
	{ "stop_flag_interrupts_run", test_stop_flag_interrupts_run },
	{ "two_engines_are_independent", test_two_engines_are_independent },
	{ "ser_time_is_exact_at_100g", test_ser_time_is_exact_at_100g },
	{ "rng_streams_reproducible_and_distinct", test_rng_streams_reproducible_and_distinct },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "engine", engine_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
