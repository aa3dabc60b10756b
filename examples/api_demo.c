/*
 * examples/api_demo.c - driving pktsim through the NetworkAPI, the way a
 * system simulator (ASTRA-sim's workload layer) would: post receives, send
 * messages, react to completions with more sends, and read simulated time.
 *
 * A ring of 4 hosts passes a 1 MiB token around twice: each host forwards it
 * to its successor as soon as it has received it.
 *
 *   ./examples/api_demo examples/default.yaml   (any switch experiment with
 *                                                at least 4 hosts; the demo
 *                                                builds its own if none)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/experiment.h"
#include "frontend/sim.h"

#define NHOSTS 4
#define LAPS 2
#define MSG (1u << 20)

struct ring {
	int hops;                    /* token passes so far */
	uint32_t at;                 /* host holding the token */
};

static void on_received(struct sim *s, void *arg);

static void pass_token(struct sim *s, struct ring *r)
{
	uint32_t next = (r->at + 1) % NHOSTS;
	sim_recv(s, r->at, next, MSG, (uint64_t)r->hops, on_received, r);
	if (sim_send(s, r->at, next, MSG, (uint64_t)r->hops, NULL, NULL))
		fprintf(stderr, "api_demo: %s\n", sim_errmsg(s));
}

static void on_received(struct sim *s, void *arg)
{
	struct ring *r = arg;
	r->at = (r->at + 1) % NHOSTS;
	r->hops++;
	printf("t = %12.3f ns: host %u has the token (pass %d)\n", (double)sim_now(s) / 1e3, r->at,
	       r->hops);
	if (r->hops < LAPS * NHOSTS)
		pass_token(s, r);
}

int main(void)
{
	static const char yaml[] =
		"topology: {kind: switch, hosts: 4, link: {rate: 100Gbps, delay: 1us}}\n"
		"workload: {flows: [{src: 0, dst: 1, size: 1B}]}\n";
	char path[] = "/tmp/pktsim-api-demo-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	FILE *f = fdopen(fd, "w");
	fputs(yaml, f);
	fclose(f);

	struct fe_experiment exp;
	char err[512];
	struct sim *s;
	int rc = fe_experiment_load(path, &exp, err, sizeof(err));
	remove(path);
	if (rc || sim_create(&exp, NULL, &s, err, sizeof(err))) {
		fprintf(stderr, "api_demo: %s\n", err);
		return 1;
	}
	struct ring r = { 0, 0 };
	pass_token(s, &r);
	if (sim_run(s)) {
		fprintf(stderr, "api_demo: %s\n", sim_errmsg(s));
		return 1;
	}
	printf("%d passes of %u bytes in %.3f us\n", r.hops, MSG, (double)sim_now(s) / 1e6);
	sim_destroy(s);
	fe_experiment_free(&exp);
	return 0;
}
