/*
 * frontend/experiment.h - an experiment file (YAML, DESIGN.md section 4)
 * loaded and validated into plain structs.
 *
 * Every value is checked where it is read; errors are "FILE:LINE: key: what
 * was expected". Relative input paths inside the file (ns3 topology,
 * ns3_flows) resolve against the experiment file's directory; the trace is an
 * output, so its path is taken as written (relative to the working
 * directory), like the CLI's --trace.
 */
#ifndef PKTSIM_FE_EXPERIMENT_H
#define PKTSIM_FE_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>

#include "net/net.h"
#include "net/trace.h"

#include "topo/topo.h"

/* A raw "key: value" pair kept with its line, validated later by a
 * parameter table (congestion-control parameters). */
struct fe_kv {
	char *key;
	char *value;
	int line;
};

struct fe_flow {
	uint32_t src, dst;
	uint64_t size_bytes;
	uint64_t start_ps;
	uint8_t prio;             /* traffic class 0..7 */
	uint16_t dport;           /* ns-3 flow files carry one; else 100 */
	int line;                 /* where it was defined (for errors) */
	const char *file;         /* which file (experiment or ns-3 flow file) */
};

/* A collective of the workload (DESIGN.md section 4 keys). */
#define FE_COLL_MAX_DIMS 8
struct fe_coll {
	uint32_t op;              /* enum coll_op */
	uint32_t algo;            /* enum coll_algo (the first dimension's) */
	uint32_t algo_dims[FE_COLL_MAX_DIMS];  /* algorithm: [a, b, ...] per dimension */
	uint32_t nalgo_dims;      /* 0: algo for every dimension */
	uint64_t size_bytes;      /* all-gather: per-rank input */
	uint32_t chunks;          /* default 1 */
	int pipelined;            /* discipline: pipelined (default astra) */
	int baseline;             /* collective_optimization: baseline (multi-dim) */
	uint32_t active_chunks;   /* multi-dim: chunks a dimension runs at once (1) */
	uint64_t start_ps;
	uint32_t *group;          /* participating hosts, rank order; NULL: all hosts */
	uint32_t ngroup;
	uint64_t endpoint_delay_ps;   /* ASTRA-sim endpoint-delay, default 10 ns */
	uint64_t local_mem_bw_Bps;    /* reduction bandwidth (decimal B/s), default 0: free */
	int line;
};

struct fe_trace_cfg {
	char *path;               /* NULL: no trace (CLI --trace overrides) */
	uint32_t kinds;           /* bit mask of enum net_trace_kind; all by default */
	uint32_t *nodes;          /* node ids to record; NULL = all */
	size_t nnodes;
	uint64_t start_ps, end_ps;/* time window; end NET_TIME_NEVER by default */
	struct net_trace_port *ports; /* ports to record packets at; NULL = all */
	size_t nports;
	uint32_t *flows;          /* flows to record; NULL = all */
	size_t nflows;
	uint64_t sample;          /* keep 1 data packet in N (0/1: all) */
};

struct fe_experiment {
	char *path;               /* the file as given */
	char *dir;                /* its directory, for relative paths */
	uint64_t seed;            /* default 1 */
	uint64_t stop_ps;         /* stop_time: end the run then (default never) */

	/* topology */
	char topo_kind[32];       /* "switch", or "ns3" for a file */
	uint32_t hosts;
	uint64_t link_rate_bps;   /* default 100 Gb/s */
	uint64_t link_delay_ps;   /* default 1 us */
	char *ns3_topology;       /* resolved path when topo_kind is "ns3" */
	char *astra_network;      /* resolved path when topo_kind came from astra: */
	int topo_line;
	/* Shape of the builders beyond hosts/link (k, leaves, dims, tiers...);
	 * kind/hosts/rate/delay are filled from the fields above by the sim. */
	struct topo_params topo;
	char warnings[1024];      /* non-fatal notes for the user (e.g. ignored keys) */

	/* fabric */
	uint32_t mtu_bytes;       /* payload per data packet, default 1000 */
	uint32_t hdr_data_bytes;  /* data header+trailer bytes, default 62 */
	uint32_t hdr_ack_bytes;   /* ACK/NACK frame size, default 66 */
	uint32_t hdr_cnp_bytes;   /* CNP frame size, default 78 */
	uint32_t wire_overhead_bytes; /* preamble+SFD+IFG per frame, default 0 */
	int truncate_ns;          /* serialization and pacing in whole ns (fabric.truncate_ns) */
	double default_error_rate;/* loss rate of links the topology gives none (ns-3's
				   * ERROR_RATE_PER_LINK) */
	uint64_t buffer_bytes;    /* per switch shared buffer, default 32 MiB */
	uint32_t ack_every;       /* ACK every N data packets, default 1 */
	uint64_t rto_ps;          /* retransmission timeout, default 1 ms */
	uint64_t nack_interval_ps;/* min gap between NACKs for one PSN, default 500 us */
	uint8_t data_prio;        /* default class 3 */
	uint8_t ack_prio;         /* default class 7 */
	/* ECN (RED marking at switch egress queues) */
	int ecn_enabled;          /* default 1 */
	int ecn_mark_enqueue;     /* 0: mark at dequeue (default), 1: at enqueue */
	uint64_t ecn_kmin_bytes;  /* 0 (default): 100 KB x port rate / 25 Gb/s */
	uint64_t ecn_kmax_bytes;  /* 0 (default): 400 KB x port rate / 25 Gb/s */
	double ecn_pmax;          /* default 0.2 */
	struct net_ecn_rate *ecn_rates; /* per link rate (by_rate; ns-3 *_MAP keys) */
	size_t necn_rates;
	int ecn_rates_only;       /* --ns3: a rate missing from the maps is an error */
	int ecn_line;
	/* PFC (802.1Qbb) at switch ingresses */
	int pfc_enabled;          /* default 0 */
	int pfc_dynamic;          /* default 1: XOFF at alpha x free shared buffer */
	double pfc_alpha;         /* default 1/8 */
	uint64_t pfc_xoff_bytes;  /* static threshold (threshold: static) */
	uint64_t pfc_resume_offset_bytes; /* default 3072 */
	uint64_t pfc_headroom_bytes;      /* 0 (default): derived per port */
	uint64_t pfc_quanta;      /* default 65535 */
	int pfc_ns3_mmu;          /* threshold: ns3 (the HPCC code's switch MMU) */
	uint32_t pfc_frame_bytes; /* headers.pfc; 0: 64 */
	int ack_first_at_nic;     /* ACKs leave the NIC ahead of data, never paused (profile) */
	int pace_at_line_rate;    /* ns-3 RATE_BOUND 0: the CC rate does not pace data */
	int ns3_win;              /* ns-3 HAS_WIN: a BDP window per QP */
	int ns3_global_t;         /* ns-3 GLOBAL_T: the largest pair BDP for every QP */
	int ns3_var_win;          /* ns-3 VAR_WIN: the window scaled by the rate */
	uint64_t ns3_chunk_bytes; /* ns-3 L2_BACK_TO_ZERO with L2_CHUNK_SIZE: go back to a chunk */
	uint64_t pfc_deadlock_timeout_ps; /* default 1 ms; 0 disables the detector */
	int pfc_deadlock_stop;    /* default 0 */
	int pfc_line;
	char cc[32];              /* default "none" */
	struct fe_kv *cc_params;  /* other keys of the cc map, raw */
	size_t ncc_params;
	int cc_line;

	/* workload */
	struct fe_flow *flows;
	size_t nflows;
	char *ns3_flows;          /* resolved path, if given (flows appended) */
	struct fe_coll *colls;
	size_t ncolls;
	char **flow_files;        /* owned copies of every flow file loaded, */
	size_t nflow_files;       /* so fe_flow.file stays valid */

	/* output */
	struct fe_trace_cfg trace;
	char *fct_path;           /* ns-3 FCT file (output.fct), NULL: none */
	char *pfc_path;           /* ns-3 PFC file (output.pfc), NULL: none */
	char *qlen_path;          /* ns-3 queue-length monitor file, NULL: none */
	uint64_t qlen_start_ps, qlen_end_ps;

	/* profile: ns3-hpcc (doc/ns3.md): the HPCC ns-3 code's modelling choices */
	int profile_ns3;
};

/* Every field at its default (what a minimal experiment file gets). */
void fe_experiment_init(struct fe_experiment *exp);

/* Set congestion-control parameter key to value (replacing an earlier one),
 * as if the file said it at line; 0, or -1 out of memory. */
int fe_experiment_set_cc_param(struct fe_experiment *exp, const char *key, const char *value,
			       int line);

/* The ns3-hpcc profile's defaults (doc/ns3.md), set on exp before its own
 * keys; 0, or -1 out of memory. */
int fe_profile_ns3_hpcc(struct fe_experiment *exp);

#define FE_LOAD_NO_WORKLOAD 1     /* a file without workload: is fine (the server) */

/* fe_experiment_load with flags; and from YAML text (len bytes; name
 * stands for the file in messages; relative paths resolve against the
 * working directory). */
int fe_experiment_load_opts(const char *path, int flags, struct fe_experiment *exp, char *err,
			    size_t errlen);
int fe_experiment_load_text(const char *text, size_t len, const char *name, int flags,
			    struct fe_experiment *exp, char *err, size_t errlen);

/* Load and validate; on failure returns -1 with "FILE:LINE: ..." in err and
 * leaves *exp empty (safe to fe_experiment_free). */
int fe_experiment_load(const char *path, struct fe_experiment *exp, char *err, size_t errlen);
void fe_experiment_free(struct fe_experiment *exp);

/* Read an ns-3 HPCC flow file ("count", then "src dst pg dport size start_s"
 * lines) and append its flows to exp->flows (pg becomes prio; start_s is
 * seconds, converted exactly to ps). Node ids are not checked against a
 * topology here. On failure returns -1 with "FILE:LINE: ..." in err and
 * leaves exp as it was. */
int fe_load_ns3_flows(const char *path, struct fe_experiment *exp, char *err, size_t errlen);

#endif
