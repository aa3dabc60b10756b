/*
 * topo/topo.h - the generic topology graph and the builder plug-in point.
 *
 * A builder (ops table: name, validate, build) fills a struct topo_graph:
 * nodes that are hosts or switches, and full-duplex links, each with a rate
 * (bits/s), a one-way propagation delay (ps) and a per-packet error rate.
 * Node ids are the user's ids (an ns-3 topology file may list switches
 * anywhere); builders of our own put hosts at 0..H-1 and switches after.
 * net_create() instantiates the graph: a node's port i is its i-th link in
 * link order (the ns-3 code's convention, from 0 here).
 */
#ifndef PKTSIM_TOPO_H
#define PKTSIM_TOPO_H

#include <stddef.h>
#include <stdint.h>

enum topo_node_kind { TOPO_HOST = 0, TOPO_SWITCH = 1 };

#define TOPO_MAX_DIMS 8

/* The longest link delay accepted (1 s): keeps every sum of simulated times
 * far from uint64 overflow. */
#define TOPO_MAX_DELAY_PS 1000000000000ull

struct topo_link {
	uint32_t a, b;
	uint64_t rate_bps;
	uint64_t delay_ps;
	double error_rate;        /* probability a packet is lost on this link */
	uint8_t one_way;          /* only a -> b carries traffic (unidirectional ring) */
};

struct topo_graph {
	uint32_t nnodes;
	uint32_t nhosts;
	uint8_t *kind;            /* [nnodes] enum topo_node_kind */
	struct topo_link *links;
	uint32_t nlinks, cap;
	char name[64];            /* builder or file, for summaries and traces */
	/* Do hosts with several links forward others' traffic? Yes on
	 * direct-connect fabrics (an accelerator's own links), no when hosts are
	 * merely multi-homed to switches. TOPO_FWD_AUTO: only if the graph has
	 * no switch. */
	int hosts_forward;
	/* Coordinate fabrics (ring, torus): all nodes are hosts at coordinates
	 * id = x0 + d0 x1 + d0 d1 x2 ..., every link joins neighbours along one
	 * dimension (with wraparound). Routing is then computed from the
	 * coordinates instead of tables. coord_ndims 0: not such a fabric. */
	uint32_t coord_ndims;
	uint32_t coord_dims[TOPO_MAX_DIMS];
	/* Per dimension (enum topo_dim_kind): rings and tori are all RING;
	 * multi-dim also has FC and SWITCH dimensions (a switch per group,
	 * numbered after the NPUs). */
	uint8_t coord_kind[TOPO_MAX_DIMS];
};
enum { TOPO_FWD_NO = 0, TOPO_FWD_YES = 1, TOPO_FWD_AUTO = -1 };

/* A link class: rate (bits/s) and one-way propagation delay (ps). */
struct topo_linkspec {
	uint64_t rate_bps;
	uint64_t delay_ps;
};


enum topo_dim_kind { TOPO_DIM_RING = 0, TOPO_DIM_FC = 1, TOPO_DIM_SWITCH = 2 };

/* One dimension of a multi-dim (ASTRA-sim style) fabric. */
struct topo_dim {
	enum topo_dim_kind kind;
	uint32_t npus;
	struct topo_linkspec link;
};

/* Parameters every builder may read; a builder validates what it uses.
 * Link classes left zero take `rate_bps`/`delay_ps`. */
struct topo_params {
	const char *kind;         /* builder name */
	uint32_t hosts;           /* switch, ring, fully-connected */
	uint64_t rate_bps;        /* default link */
	uint64_t delay_ps;
	const char *file;         /* path, for file loaders */
	int unidirectional;       /* ring: one direction only (host i -> i+1) */
	/* fat-tree (k-ary, 3 tiers) */
	uint32_t k;
	struct topo_linkspec host_link;   /* host - edge (also leaf-spine host links) */
	struct topo_linkspec agg_link;    /* edge - aggregation */
	struct topo_linkspec core_link;   /* aggregation - core */
	/* leaf-spine */
	uint32_t leaves, spines, hosts_per_leaf;
	double oversubscription;  /* host capacity / uplink capacity per leaf; 0: 1 */
	struct topo_linkspec uplink;      /* leaf - spine; rate 0: derived */
	/* torus */
	uint32_t ndims;
	uint32_t dims[TOPO_MAX_DIMS];
	struct topo_linkspec dim_link[TOPO_MAX_DIMS]; /* per dimension; rate 0: default */
	/* multi-dim */
	uint32_t nmd;
	struct topo_dim md[TOPO_MAX_DIMS];
};

struct topo_builder_ops {
	const char *name;
	/* Check params before any allocation; on error write err and return < 0. */
	int (*validate)(const struct topo_params *p, char *err, size_t errlen);
	int (*build)(const struct topo_params *p, struct topo_graph *g, char *err, size_t errlen);
	/* Optional: the bisection bandwidth in bits/s by the builder's closed
	 * form (the least capacity, one direction, across any cut splitting the
	 * hosts into equal halves); 0 if it has none. */
	uint64_t (*bisection_bps)(const struct topo_params *p);
};

int topo_graph_init(struct topo_graph *g, uint32_t nnodes);
void topo_graph_free(struct topo_graph *g);
int topo_graph_add_link(struct topo_graph *g, uint32_t a, uint32_t b, uint64_t rate_bps,
			uint64_t delay_ps, double error_rate);
/* Recount the hosts (nodes of kind TOPO_HOST), store them in g->nhosts and
 * return the count. */
uint32_t topo_graph_count_hosts(struct topo_graph *g);

/* The most hosts the switch builder accepts (one switch with that many
 * ports is already far past any real radix). */
#define TOPO_SWITCH_MAX_HOSTS 1000000u

/* The builders, each in its own file, listed in graph.c's registry. */
extern const struct topo_builder_ops topo_switch_builder;
extern const struct topo_builder_ops topo_ring_builder;
extern const struct topo_builder_ops topo_fully_connected_builder;
extern const struct topo_builder_ops topo_fat_tree_builder;
extern const struct topo_builder_ops topo_leaf_spine_builder;
extern const struct topo_builder_ops topo_torus_builder;
extern const struct topo_builder_ops topo_multi_dim_builder;

const struct topo_builder_ops *topo_builder_find(const char *name);
/* validate + build by p->kind; err gets "what was wrong" on failure. */
int topo_build(const struct topo_params *p, struct topo_graph *g, char *err, size_t errlen);

/* The ns-3 HPCC topology file: "N S L", the S switch ids, then L lines
 * "src dst rate delay error_rate" (rate like 100Gbps, delay like 0.001ms).
 * Errors name the file and line. */
int topo_load_ns3(const char *path, struct topo_graph *g, char *err, size_t errlen);

/* The ns-3 HPCC text formats (topology and flow files) are read with C++
 * `>>`: whitespace-separated tokens that may span lines. This reader gives
 * the same tokens, each with its 1-based line, for error messages; the
 * frontend's flow-file loader shares it. The whole file is read at open. */
struct topo_ns3_text {
	char *buf;                /* the file, NUL-terminated; tokens point into it */
	size_t len, pos;
	int line;                 /* line of the next character at pos */
	int tok_line;             /* line of the last token returned */
};

/* 0, or -1 with "PATH: cannot open: REASON" in err. */
int topo_ns3_text_open(struct topo_ns3_text *t, const char *path, char *err, size_t errlen);
/* The next token (NUL-terminated, valid until close) and its line in
 * *line, or NULL at the end of the file (*line then is the line of the last
 * token, 1 in an empty file: where a missing value should have followed). */
const char *topo_ns3_text_next(struct topo_ns3_text *t, int *line);
void topo_ns3_text_close(struct topo_ns3_text *t);

#endif
