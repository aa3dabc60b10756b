/*
 * frontend/sim.h - the NetworkAPI: one simulation built from an experiment,
 * driven with send / recv / schedule / now / run.
 *
 * Same meaning as ASTRA-sim's sim_send / sim_recv / sim_schedule /
 * sim_get_time, so a thin C++ shim can make pktsim an ASTRA-sim backend:
 *  - sim_send posts a message (one RDMA RC queue pair) now; its callback runs
 *    when the sender has the last byte acknowledged.
 *  - sim_recv posts a receive matched by (src, dst, tag) in posting order; its
 *    callback runs when a matching message has been delivered in order (at
 *    once, at the current time, if it arrived before the recv was posted).
 *  - sim_schedule runs a callback delay_ps from now.
 * Every call validates its arguments; failures return < 0 and leave a
 * message for sim_errmsg(). No global state: simulations are independent.
 */
#ifndef PKTSIM_FE_SIM_H
#define PKTSIM_FE_SIM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/experiment.h"
#include "net/net.h"
#include "transport/rdma.h"

struct sim;
typedef void (*sim_cb)(struct sim *s, void *arg);

struct sim_opts {
	int seed_set;                /* override the experiment's seed */
	uint64_t seed;
	const char *trace_path;      /* override the experiment's trace file */
	volatile sig_atomic_t *stop_flag;
};

/* One workload flow's outcome (times relative to the flow's start). */
struct sim_flow {
	uint32_t id, src, dst;
	uint64_t size_bytes;
	uint64_t start_ps;
	uint64_t delivered_ps;       /* NET_TIME_NEVER if not delivered */
	uint64_t fct_ps;             /* NET_TIME_NEVER if not completed */
	uint64_t ideal_delivered_ps;
	uint64_t ideal_fct_ps;
	uint64_t retransmits;
	uint8_t prio;
	struct tp_qp *qp;
};

int sim_create(const struct fe_experiment *exp, const struct sim_opts *opts, struct sim **out,
	       char *err, size_t errlen);
/* Closes the trace (as complete if the run finished) and frees everything. */
void sim_destroy(struct sim *s);

int sim_send(struct sim *s, uint32_t src, uint32_t dst, uint64_t bytes, uint64_t tag, sim_cb cb,
	     void *arg);
/* sim_send, and the flow (QP) id the message got. */
int sim_send_flow(struct sim *s, uint32_t src, uint32_t dst, uint64_t bytes, uint64_t tag,
		  sim_cb cb, void *arg, uint32_t *flow);
int sim_recv(struct sim *s, uint32_t src, uint32_t dst, uint64_t bytes, uint64_t tag, sim_cb cb,
	     void *arg);
int sim_schedule(struct sim *s, uint64_t delay_ps, sim_cb cb, void *arg);
uint64_t sim_now(const struct sim *s);
/* (src, dst, tag) keys with a receive still waiting or a delivered message
 * not yet received: 0 at the end of a well-matched run. */
size_t sim_pending_matches(const struct sim *s);
/* Run until no event is left (or the stop flag): 0, or NET_ERR_STOPPED. */
int sim_run(struct sim *s);
int sim_run_until(struct sim *s, uint64_t until_ps);
/* A bounded slice of sim_run_until (net_engine_run_some): *more is 1 when
 * it stopped early (budget spent, or sim_halt called by a callback) with
 * events still due by until_ps. 0 or < 0 with sim_errmsg. */
int sim_run_some(struct sim *s, uint64_t until_ps, uint64_t max_events, int *more);
/* From a callback: end the current sim_run_some after this event. */
void sim_halt(struct sim *s);
/* Simulated time of the next pending event, NET_TIME_NEVER if none. */
uint64_t sim_next_time(const struct sim *s);
const char *sim_errmsg(const struct sim *s);
const struct fe_experiment *sim_experiment(const struct sim *s);

/* The topology graph an experiment describes (what sim_create builds on),
 * and the builder parameters it uses. */
struct topo_graph;
struct topo_params;
int sim_build_graph(const struct fe_experiment *e, struct topo_graph *g, char *err, size_t errlen);
void sim_topo_params(const struct fe_experiment *e, struct topo_params *p);

/* Post the experiment's workload flows (sends at their start times, receives
 * at time 0). */
int sim_post_workload(struct sim *s);

/* Close the trace, with status "interrupted" if the run was stopped. */
int sim_finish(struct sim *s, int interrupted, char *err, size_t errlen);

/* created == consumed + dropped + in flight, and the pool agrees. */
int sim_check_conservation(const struct sim *s, char *err, size_t errlen);

/* The workload's collectives (frontend/coll_run.h). */
struct fe_coll_run;
struct fe_coll_run *const *sim_colls(const struct sim *s, size_t *n);

/* Accessors for summaries and tests. */
const struct sim_flow *sim_flows(const struct sim *s, size_t *n);
const struct net *sim_net(const struct sim *s);
const struct tp *sim_tp(const struct sim *s);
const struct net_engine *sim_engine(const struct sim *s);
uint64_t sim_seed(const struct sim *s);
const char *sim_topology_name(const struct sim *s);

#endif
