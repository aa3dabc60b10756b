/*
 * bench/serve_bench.c - how many requests per second `pktsim serve` answers
 * over loopback: small sends (1000 bytes between two hosts, each a new QP)
 * one at a time (request, wait for the reply: the round trip), then
 * pipelined in batches of 1000 (write a batch, read its replies), then the
 * run that simulates them all. Run by bench/serve.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tests/serve_client.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void send_req(int fd, uint64_t id)
{
	struct sc_req r;
	sc_begin(&r, id, "send", 3);
	sc_u64(&r, "src", 0);
	sc_u64(&r, "dst", 1);
	sc_u64(&r, "bytes", 1000);
	if (sc_send(fd, &r)) {
		fprintf(stderr, "serve_bench: send failed\n");
		exit(1);
	}
}

static void read_reply(int fd)
{
	msgpack_unpacked u;
	if (sc_read(fd, &u) || !sc_ok(&u.data)) {
		fprintf(stderr, "serve_bench: bad reply\n");
		exit(1);
	}
	msgpack_unpacked_destroy(&u);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	struct sc_server srv;
	if (sc_start(&srv, NULL)) {
		fprintf(stderr, "serve_bench: cannot start $PKTSIM serve\n");
		return 1;
	}
	int fd = sc_connect(&srv);
	struct sc_req r;
	sc_begin(&r, 1, "load", 1);
	sc_str(&r, "yaml", "topology: {kind: switch, hosts: 2}\n");
	if (fd < 0 || sc_send(fd, &r))
		return 1;
	read_reply(fd);
	uint64_t id = 2;
	double t0 = now_s();
	for (int i = 0; i < n; i++) {
		send_req(fd, id++);
		read_reply(fd);
	}
	double rt = now_s() - t0;
	t0 = now_s();
	for (int done = 0; done < n; done += 1000) {
		int b = n - done < 1000 ? n - done : 1000;
		for (int i = 0; i < b; i++)
			send_req(fd, id++);
		for (int i = 0; i < b; i++)
			read_reply(fd);
	}
	double pl = now_s() - t0;
	/* Simulate them all: 2n messages, n completion events... */
	sc_begin(&r, id, "run_until", 1);
	sc_u64(&r, "t_ps", UINT64_MAX - 1);
	t0 = now_s();
	if (sc_send(fd, &r))
		return 1;
	uint64_t events = 0;
	for (;;) {
		msgpack_unpacked u;
		if (sc_read(fd, &u))
			return 1;
		int reply = sc_get(&u.data, "event") == NULL;
		events += !reply;
		msgpack_unpacked_destroy(&u);
		if (reply)
			break;
	}
	double run = now_s() - t0;
	printf("requests (small sends)   count      wall_s   requests/s\n");
	printf("one at a time       %10d  %10.3f  %11.0f\n", n, rt, n / rt);
	printf("pipelined x1000     %10d  %10.3f  %11.0f\n", n, pl, n / pl);
	printf("then run_until: %llu completion events in %.3f s (%.0f events/s delivered)\n",
	       (unsigned long long)events, run, (double)events / run);
	close(fd);
	return sc_stop(&srv);
}
