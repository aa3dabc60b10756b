#!/bin/sh
# tests/cli.sh - the pktsim command line: every kind of bad input gets a
# message naming the place and a non-zero exit (never a crash); runs are
# byte-for-byte deterministic; an interrupted run leaves a readable trace.
# Prints "ok NAME" / "not ok NAME" per check (counted by tools/setup.sh).
set -u
TESTNAME=cli
. "${SRCDIR:-.}/tests/testlib.sh"

# expect_error NAME WANT_RC PATTERN ARGS...: exit status WANT_RC, stderr
# matching PATTERN (grep -E), no crash (status < 128).
expect_error() {
	name=$1 want=$2 pat=$3
	shift 3
	"$PKTSIM" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "$name" "exit $rc, expected $want; stderr: $(cat "$T/err")"
	elif ! grep -Eq "$pat" "$T/err"; then
		bad "$name" "stderr does not match /$pat/: $(cat "$T/err")"
	else
		ok "$name"
	fi
}

exp() { printf '%s\n' "$2" >"$T/$1"; }

# --- bad input ---
expect_error missing_file 1 "nope.yaml: cannot open" run "$T/nope.yaml"
exp syntax.yaml "topology: {kind: switch, hosts: 2}
workload:
  flows: [{src: 0, dst: 1, size: 1MB}
fabric: {mtu: 1000B}"
expect_error yaml_syntax_error 1 "syntax.yaml:[0-9]+:[0-9]+: YAML syntax error" run "$T/syntax.yaml"
exp unknown.yaml "topology: {kind: switch, hosts: 2}
fabric: {mtu: 1000B, colour: blue}
workload: {flows: [{src: 0, dst: 1, size: 1MB}]}"
expect_error unknown_key 1 "unknown.yaml:2: .*colour" run "$T/unknown.yaml"
exp negrate.yaml "topology:
  kind: switch
  hosts: 2
  link: {rate: -100Gbps, delay: 1us}
workload: {flows: [{src: 0, dst: 1, size: 1MB}]}"
expect_error negative_rate 1 "negrate.yaml:4: .*rate.*negative" run "$T/negrate.yaml"
exp badunit.yaml "topology: {kind: switch, hosts: 2, link: {rate: 100Gbs}}
workload: {flows: [{src: 0, dst: 1, size: 1MB}]}"
expect_error bad_rate_unit 1 "badunit.yaml:1: .*Gbs" run "$T/badunit.yaml"
exp hostrange.yaml "topology: {kind: switch, hosts: 2}
workload:
  flows:
    - {src: 0, dst: 5, size: 1MB}"
expect_error flow_to_missing_host 1 "hostrange.yaml:4: .*5" run "$T/hostrange.yaml"

printf '4 1 2\n3\n0 3 100Gbps 1us 0\n1 3 100Gbps 1us 0\n' >"$T/island.txt"
exp unreach.yaml "topology: {ns3: island.txt}
workload:
  flows:
    - {src: 0, dst: 1, size: 1MB}
    - {src: 0, dst: 2, size: 1MB}"
expect_error unreachable_destination 1 "unreach.yaml:5: flow 1: dst 2 is unreachable" run "$T/unreach.yaml"
exp toswitch.yaml "topology: {ns3: island.txt}
workload:
  flows:
    - {src: 0, dst: 3, size: 1MB}"
expect_error flow_to_a_switch 1 "toswitch.yaml:4: flow 0: dst 3 is a switch" run "$T/toswitch.yaml"

printf '3 1 3\n2\n0 2 100Gbps 1us 0\n1 2 100Gbps 1us 0\n' >"$T/short.txt"
exp short.yaml "topology: {ns3: short.txt}
workload: {flows: [{src: 0, dst: 1, size: 1MB}]}"
expect_error ns3_topology_wrong_count 1 "short.txt:[0-9]+: .*3 links" run "$T/short.yaml"
printf '3 1 2\n2\n0 2 100Gbps 1us 0\n1 2 100Gbps 1us 0\n' >"$T/ok.txt"
printf '3\n0 1 3 100 1000 0\n1 0 3 100 1000 0\n' >"$T/flows.txt"
exp shortflows.yaml "topology: {ns3: ok.txt}
workload: {ns3_flows: flows.txt}"
expect_error ns3_flows_wrong_count 1 "flows.txt:[0-9]+: .*3" run "$T/shortflows.yaml"

printf '3 1 2\n2\n0 2 100Gbps 2s 0\n1 2 100Gbps 1us 0\n' >"$T/slow.txt"
exp slow.yaml "topology: {ns3: slow.txt}
workload: {flows: [{src: 0, dst: 1, size: 1MB}]}"
expect_error ns3_delay_over_1s 1 "slow.txt:3: link 0: delay 2s is longer than 1s" run "$T/slow.yaml"

exp negtimer.yaml "topology: {kind: switch, hosts: 2}
fabric:
  cc: {algorithm: dcqcn, preset: paper, rate_timer: -5us}
workload: {flows: [{src: 0, dst: 1, size: 1MB}]}"
expect_error cc_negative_timer 1 "negtimer.yaml:3: fabric.cc.rate_timer: .*negative time" run "$T/negtimer.yaml"
exp badpreset.yaml "topology: {kind: switch, hosts: 2}
fabric:
  cc: {algorithm: dcqcn, preset: fast}
workload: {flows: [{src: 0, dst: 1, size: 1MB}]}"
expect_error cc_unknown_preset 1 "badpreset.yaml:3: fabric.cc.preset: unknown dcqcn preset \"fast\" \(expected paper, mellanox or hpcc-ns3\)" run "$T/badpreset.yaml"

exp cc.yaml "topology: {kind: switch, hosts: 2}
fabric:
  cc: {algorithm: warp-drive}
workload: {flows: [{src: 0, dst: 1, size: 1MB}]}"
expect_error unknown_cc 1 "cc.yaml:3: .*unknown algorithm \"warp-drive\" \(available: none" run "$T/cc.yaml"
exp ccparam.yaml "topology: {kind: switch, hosts: 2}
fabric:
  cc:
    algorithm: none
    g: 0.5
workload: {flows: [{src: 0, dst: 1, size: 1MB}]}"
expect_error cc_parameter_for_none 1 "ccparam.yaml:5: fabric.cc.g: unknown parameter" run "$T/ccparam.yaml"
: >"$T/empty.yaml"
expect_error empty_file 1 "empty.yaml: empty" run "$T/empty.yaml"
expect_error trace_unwritable 1 "cannot open" run "$SRCDIR/examples/default.yaml" --trace /nonexistent-dir/t.gz
expect_error usage_no_command 2 "missing command"
expect_error usage_unknown_option 2 "unknown option --frobnicate" run x.yaml --frobnicate
expect_error usage_bad_seed 2 "seed" run x.yaml --seed -3
expect_error trace_info_missing 1 "cannot open|No such file" trace info "$T/none.gz"
printf 'not a trace\n' >"$T/junk.gz"
expect_error trace_info_not_gzip 1 "junk.gz" trace info "$T/junk.gz"

if "$PKTSIM" --help | grep -q "pktsim run EXP.yaml"; then ok help; else bad help "no usage"; fi

# --- determinism: same input and seed, byte-identical JSON (but wall_s) and trace ---
for i in 1 2; do
	"$PKTSIM" run "$SRCDIR/examples/incast.yaml" --json --trace "$T/t$i.gz" >"$T/j$i" 2>"$T/e$i" ||
		bad "deterministic_run_$i" "exit $?: $(cat "$T/e$i")"
	sed 's/"wall_s": [0-9.e+-]*/"wall_s": X/' "$T/j$i" >"$T/k$i"
done
if cmp -s "$T/k1" "$T/k2"; then ok deterministic_json; else bad deterministic_json "JSON differs"; fi
if cmp -s "$T/t1.gz" "$T/t2.gz"; then ok deterministic_trace; else bad deterministic_trace "trace bytes differ"; fi
if grep -q '"fct_ps": [0-9]' "$T/j1" && grep -q '"conservation": true' "$T/j1"; then
	ok json_has_exact_times
else
	bad json_has_exact_times "$(head -c 400 "$T/j1")"
fi
"$PKTSIM" trace info "$T/t1.gz" >"$T/info" 2>&1
if grep -q "complete" "$T/info"; then ok trace_info_complete; else bad trace_info_complete "$(cat "$T/info")"; fi
if "$PKTSIM" trace dump "$T/t1.gz" | tail -n 1 | grep -q '"kind":"end"'; then
	ok trace_dump_ends_with_end_record
else
	bad trace_dump_ends_with_end_record "no end record"
fi

# --- trace pcap: usage errors, a damaged trace (no output left behind unless
# --salvage), the default output name ---
expect_error pcap_no_file 2 "trace pcap: expected a trace file" trace pcap
expect_error pcap_unknown_option 2 "unknown option --bogus" trace pcap "$T/t1.gz" --bogus
expect_error pcap_bad_snaplen 2 "pcap: --snaplen: .*abc" trace pcap "$T/t1.gz" --snaplen abc
expect_error pcap_bad_format 2 "pcap: --format: expected pcap or pcapng, found \"xyz\"" \
	trace pcap "$T/t1.gz" --format xyz
expect_error pcap_missing_trace 1 "none.trace: cannot open" trace pcap "$T/none.trace"
size=$(wc -c <"$T/t1.gz")
dd if="$T/t1.gz" of="$T/cut.trace" bs=$((size / 2)) count=1 2>/dev/null
expect_error pcap_truncated 1 \
	"cut.trace: truncated gzip stream after [1-9][0-9]* records.*--salvage" \
	trace pcap "$T/cut.trace" -o "$T/cut.pcap"
if [ -e "$T/cut.pcap" ]; then
	bad pcap_truncated_leaves_nothing "cut.pcap exists"
else
	ok pcap_truncated_leaves_nothing
fi
"$PKTSIM" trace pcap "$T/cut.trace" -o "$T/cut.pcap" --salvage >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q "warning: .*truncated" "$T/err" && [ -s "$T/cut.pcap" ] &&
	grep -q "cut.pcap: [1-9][0-9]* frames" "$T/out"; then
	ok pcap_truncated_salvage
else
	bad pcap_truncated_salvage "exit $rc: $(cat "$T/out" "$T/err")"
fi
cp "$T/t1.gz" "$T/run.trace"
if (cd "$T" && "$PKTSIM" trace pcap run.trace >out 2>err) && [ -s "$T/run.pcap" ] &&
	grep -q "^run.pcap: " "$T/out"; then
	ok pcap_default_output_name
else
	bad pcap_default_output_name "$(cat "$T/out" "$T/err"; ls "$T")"
fi
# Writing the output over the trace would destroy it: refused, trace intact.
cp "$T/t1.gz" "$T/self.trace"
for c in pcap perfetto stats; do
	expect_error "${c}_output_is_input" 1 "self.trace: the output would overwrite the trace itself" \
		trace $c "$T/self.trace" -o "$T/self.trace"
done
if cmp -s "$T/t1.gz" "$T/self.trace"; then ok output_is_input_trace_intact
else bad output_is_input_trace_intact "the trace changed"; fi
"$PKTSIM" run "$SRCDIR/examples/incast.yaml" --json --seed 2 >"$T/j3"
sed 's/"wall_s": [0-9.e+-]*/"wall_s": X/' "$T/j3" >"$T/k3"
if grep -q '"seed": 2' "$T/k3"; then ok seed_override; else bad seed_override "seed not 2"; fi
if "$PKTSIM" run "$SRCDIR/examples/default.yaml" --json --stats | grep -q '"peak_rss_kb": [1-9]' &&
	! grep -q peak_rss_kb "$T/j1"; then
	ok stats_only_on_request
else
	bad stats_only_on_request "peak_rss_kb missing with --stats or present without"
fi

# --- trace filters from the experiment file: host 0 transmits exactly its
# 10 data packets (it only receives ACKs), so 10 tx records and the END ---
exp filt.yaml "topology: {kind: switch, hosts: 3}
workload: {flows: [{src: 0, dst: 2, size: 10KB}, {src: 1, dst: 2, size: 10KB}]}
output: {trace: {file: $T/filt.gz, kinds: [tx], nodes: [0]}}"
"$PKTSIM" run "$T/filt.yaml" >/dev/null 2>&1
"$PKTSIM" trace info "$T/filt.gz" >"$T/filt.info" 2>&1
if grep -Eq "^records: +11$" "$T/filt.info" && grep -Eq "^  tx +10$" "$T/filt.info" &&
	! grep -Eq "^  rx " "$T/filt.info"; then
	ok trace_filter_kinds_and_nodes
else
	bad trace_filter_kinds_and_nodes "$(cat "$T/filt.info")"
fi

# --- a CC model file named relative to the experiment, run from elsewhere ---
mkdir -p "$T/sub"
cp "$SRCDIR/examples/policy-linear.yaml" "$T/sub/m.yaml"
exp sub/learned.yaml "topology: {kind: switch, hosts: 3}
fabric: {cc: {algorithm: learned, preset: linear, model: m.yaml}}
workload: {flows: [{src: 1, dst: 0, size: 1MB}, {src: 2, dst: 0, size: 1MB}]}"
if (cd / && "$PKTSIM" run "$T/sub/learned.yaml" >"$T/l.out" 2>&1) && grep -q "2 of 2 complete" "$T/l.out"; then
	ok cc_model_path_relative_to_experiment
else
	bad cc_model_path_relative_to_experiment "$(cat "$T/l.out")"
fi

# --- pktsim topo: summary, JSON, DOT; ASTRA-sim network files ---
exp ft.yaml "topology: {kind: fat-tree, k: 4}
workload: {flows: [{src: 0, dst: 1, size: 1KB}]}"
# k = 4: 16 hosts, 20 switches, 48 links, 6 hops, bisection k^3/8 x 100 Gb/s = 800 Gb/s.
if "$PKTSIM" topo "$T/ft.yaml" | grep -q "hosts 16, switches 20, links 48, diameter 6 hops, bisection 800 Gb/s"; then
	ok topo_summary_fat_tree
else
	bad topo_summary_fat_tree "$("$PKTSIM" topo "$T/ft.yaml" 2>&1)"
fi
if "$PKTSIM" topo "$T/ft.yaml" --json | grep -q '"bisection_bps": 800000000000' &&
	"$PKTSIM" topo "$T/ft.yaml" --dot | head -n 1 | grep -q "^graph pktsim {"; then
	ok topo_json_and_dot
else
	bad topo_json_and_dot "unexpected output"
fi
printf 'topology: [Ring, Switch]\nnpus_count: [4, 8]\nbandwidth: [50, 25]\nlatency: [500, 500]\nlinks_count: [2, 1]\n' >"$T/net.yml"
exp astra.yaml "topology: {astra: net.yml}
workload: {flows: [{src: 0, dst: 5, size: 1MB}]}"
"$PKTSIM" run "$T/astra.yaml" >"$T/astra.out" 2>"$T/astra.err"
if grep -q "1 of 1 complete" "$T/astra.out" && grep -q "warning: .*links_count" "$T/astra.err"; then
	ok astra_network_runs_and_warns
else
	bad astra_network_runs_and_warns "$(cat "$T/astra.out" "$T/astra.err")"
fi
printf 'topology: [Ring, Switch]\nnpus_count: [4]\nbandwidth: [50, 25]\nlatency: [500, 500]\n' >"$T/bad.yml"
exp astrabad.yaml "topology: {astra: bad.yml}
workload: {flows: [{src: 0, dst: 1, size: 1MB}]}"
expect_error astra_list_length_mismatch 1 "bad.yml:2: npus_count: .*1 entr.* but topology has 2" run "$T/astrabad.yaml"
exp odd.yaml "topology: {kind: fat-tree, k: 5}
workload: {flows: [{src: 0, dst: 1, size: 1MB}]}"
expect_error fat_tree_odd_k 1 "odd.yaml:1: topology: .*k must be even" run "$T/odd.yaml"
exp zero.yaml "topology:
  kind: multi-dim
  dims: [{kind: ring, npus: 0}]
workload: {flows: [{src: 0, dst: 1, size: 1MB}]}"
expect_error multi_dim_zero_npus 1 "zero.yaml:3: topology.dims\\[0\\].npus" run "$T/zero.yaml"
expect_error topo_usage 2 "give --dot or --json" topo "$T/ft.yaml" --dot --json

# --- ns-3 experiment directory, relative paths ---
if "$PKTSIM" run "$SRCDIR/examples/ns3/experiment.yaml" >"$T/ns3" 2>&1 && grep -q "2 of 2 complete" "$T/ns3"; then
	ok ns3_example_runs
else
	bad ns3_example_runs "$(cat "$T/ns3")"
fi

exp cbad.yaml "topology: {kind: switch, hosts: 8}
workload:
  collectives:
    - {op: all-gather, size: 1MB, group: [0, 8]}"
expect_error coll_group_switch 1 "^pktsim: [^ ]*cbad.yaml:4: workload.collectives\\[0\\]: group member 8 is not a host" run "$T/cbad.yaml"

exp clist.yaml "topology: {kind: switch, hosts: 8}
workload:
  collectives:
    - {op: all-reduce, size: 1MB, algorithm: [ring, direct]}"
expect_error coll_algorithm_list_flat 1 "clist.yaml:4: workload.collectives\\[0\\]: 2 algorithms, one per dimension, need a collective over every NPU of a multi-dim topology" run "$T/clist.yaml"

exp mdim.yaml "topology: {kind: multi-dim, dims: [{kind: ring, npus: 4}, {kind: switch, npus: 2}]}
workload:
  collectives:
    - {op: all-reduce, size: 64KiB, algorithm: [direct, halving-doubling]}"
if "$PKTSIM" run "$T/mdim.yaml" --json >"$T/mdim" 2>&1 &&
	grep -q '"dims": \[4, 2\], "dim_algorithms": \["direct", "halving-doubling"\]' "$T/mdim"; then
	ok coll_multi_dim_json
else
	bad coll_multi_dim_json "$(cat "$T/mdim")"
fi

# --- collectives: the example reports ASTRA-sim's 64,440 ns beside the packet time ---
if "$PKTSIM" run "$SRCDIR/examples/collective-ring.yaml" --json >"$T/coll" 2>&1 &&
	grep -q '"astra_unaware_ps": 64440000' "$T/coll" && grep -q '"op": "all-reduce"' "$T/coll" &&
	grep -q '"time_ps": 644[0-9][0-9][0-9][0-9][0-9]' "$T/coll"; then
	ok collective_example
else
	bad collective_example "$(cat "$T/coll")"
fi

# --- ASTRA-sim's own network and system files give the same 64,440 ns ---
if "$PKTSIM" run "$SRCDIR/examples/astra/experiment.yaml" --json >"$T/astra" 2>"$T/astra.err" &&
	grep -q '"astra_unaware_ps": 64440000' "$T/astra" && grep -q '"chunks": 4' "$T/astra" &&
	grep -q "keys not modelled by pktsim: scheduling-policy, boost-mode" "$T/astra.err"; then
	ok astra_files_example
else
	bad astra_files_example "$(cat "$T/astra.err" "$T/astra")"
fi

# --- validate: a size sweep per algorithm, as CSV and SVG ---
if "$PKTSIM" validate "$SRCDIR/examples/collective-ring.yaml" --sizes 64KiB..1MiB \
	--algorithms ring,direct --out "$T/val" >"$T/val.out" 2>&1 &&
	[ "$(wc -l <"$T/val.csv")" -eq 7 ] &&
	head -n 1 "$T/val.csv" | grep -q '^size_bytes,algorithm,id,op,npus,time_ns,astra_unaware_ns,' &&
	grep -q '^1048576,ring,0,all-reduce,8,64459.712,64440.000,' "$T/val.csv" &&
	grep -q '^262144,direct,0,' "$T/val.csv" && tail -n 1 "$T/val.svg" | grep -q '^</svg>$' &&
	[ "$(grep -c '<polyline' "$T/val.svg")" -eq 2 ]; then
	ok validate_sweep
else
	bad validate_sweep "$(cat "$T/val.out" "$T/val.csv")"
fi
expect_error validate_no_sizes 2 "give --sizes" validate "$SRCDIR/examples/collective-ring.yaml"
expect_error validate_bad_sizes 2 "expected FROM..TO" validate "$SRCDIR/examples/collective-ring.yaml" --sizes 1MiB
expect_error validate_bad_algo 2 "\"tree\" is not available" validate "$SRCDIR/examples/collective-ring.yaml" --sizes 1KiB..2KiB --algorithms tree
expect_error validate_no_colls 1 "validate needs collectives" validate "$SRCDIR/examples/default.yaml" --sizes 1KiB..2KiB --out "$T/none"

# --- run --ns3 and serve: bad arguments ---
expect_error ns3_missing_config 1 "nope.txt: cannot open" run --ns3 "$T/nope.txt"
expect_error ns3_and_file 2 "give an experiment file or --ns3 CONFIG, not both" run "$T/x.yaml" --ns3 "$T/c.txt"
expect_error serve_bad_listen 1 "listen nohost: expected HOST:PORT" serve --listen nohost
expect_error serve_bad_port 1 "the port must be 0..65535" serve --listen 127.0.0.1:70000
expect_error serve_bad_ip 1 "\"300.1.1.1\" is not an IPv4 address" serve --listen 300.1.1.1:1
expect_error serve_zero_clients 2 "max-clients: expected at least 1" serve --max-clients 0
expect_error serve_both 2 "give --listen or --unix, not both" serve --listen 127.0.0.1:0 --unix "$T/s"
exp notsock "x"
expect_error serve_unix_not_socket 1 "exists and is not a socket" serve --unix "$T/notsock"

# --- validate --attribute: counterfactual runs split contention exactly into
# CC, PFC and queueing; DCQCN throttles when ECN marks early, and is worth
# nothing with cc: none ---
exp attr.yaml "topology: {kind: switch, hosts: 16, link: {rate: 100Gbps, delay: 1us}}
fabric: {mtu: 4096B, buffer: 2MiB, pfc: {enabled: true}, cc: dcqcn, ecn: {kmin: 20KB, kmax: 200KB}}
workload:
  collectives:
    - {op: all-to-all, size: 4MiB}
    - {op: all-reduce, size: 4MiB, algorithm: direct, group: [0, 1, 2, 3]}"
sed 's/cc: dcqcn, //' "$T/attr.yaml" >"$T/attr0.yaml"
split_ok() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ d = $c["cc_ns"] + $c["pfc_or_drops_ns"] + $c["queueing_ns"] - $c["contention_ns"];
		  if (d > 0.01 || d < -0.01) bad = 1; if ($c["cc_ns"] > 1000) throttled++ }
		END { if (bad) exit 1; if (want_cc && !throttled) exit 1; if (!want_cc && throttled) exit 1 }' \
		want_cc="$2" "$1"
}
if "$PKTSIM" validate "$T/attr.yaml" --sizes 4MiB..4MiB --attribute --out "$T/attr" >/dev/null 2>&1 &&
	"$PKTSIM" validate "$T/attr0.yaml" --sizes 4MiB..4MiB --attribute --out "$T/attr0" >/dev/null 2>&1 &&
	split_ok "$T/attr.csv" 1 && split_ok "$T/attr0.csv" 0; then
	ok validate_attribute
else
	bad validate_attribute "$(cat "$T/attr.csv" "$T/attr0.csv" 2>&1)"
fi

# --- bus bandwidth as nccl-tests defines it: a ring all-reduce on an idle ring
# uses every link fully, so busbw approaches the link's 53.687 GB/s (50 GiB/s)
# from below; latency and endpoint delays keep it a little under. ---
exp busbw.yaml "topology: {kind: ring, hosts: 8, link: {rate: 50GiB/s, delay: 500ns}}
fabric: {mtu: 4096B, headers: {data: 0B}}
workload: {collectives: [{op: all-reduce, size: 64MiB}]}"
bw=$("$PKTSIM" run "$T/busbw.yaml" --json | sed -n 's/.*"busbw_GBps": \([0-9.]*\).*/\1/p')
if awk -v b="$bw" 'BEGIN { exit !(b > 53.0 && b < 53.687) }'; then
	ok busbw_near_link_rate
else
	bad busbw_near_link_rate "busbw $bw GB/s, expected just under 53.687"
fi

# --- SIGINT: the trace is still a complete gzip stream, marked interrupted ---
exp long.yaml "topology: {kind: switch, hosts: 4}
workload:
  flows:
    - {src: 0, dst: 1, size: 100GB}
    - {src: 2, dst: 3, size: 100GB}"
"$PKTSIM" run "$T/long.yaml" --trace "$T/int.gz" >"$T/int.out" 2>"$T/int.err" &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"
rc=$?
if [ "$rc" -ne 3 ]; then
	bad sigint_exit_status "exit $rc, expected 3"
else
	ok sigint_exit_status
fi
if gzip -t "$T/int.gz" 2>/dev/null; then ok sigint_trace_is_valid_gzip; else bad sigint_trace_is_valid_gzip "gzip -t failed"; fi
if "$PKTSIM" trace info "$T/int.gz" 2>&1 | grep -q "interrupted"; then
	ok sigint_trace_says_interrupted
else
	bad sigint_trace_says_interrupted "$("$PKTSIM" trace info "$T/int.gz" 2>&1 | tail -n 3)"
fi
if grep -q "INTERRUPTED" "$T/int.out"; then ok sigint_summary_marked; else bad sigint_summary_marked "$(cat "$T/int.out")"; fi

[ "$fails" -eq 0 ]
