#!/bin/sh
# bench/run.sh - time fixed scenarios; anyone can run it after building.
#
#   sh bench/run.sh [REPEATS]      (default 3; from the top of the tree)
#   SCENARIOS="fattree8-perm" sh bench/run.sh 1      (a subset)
#
# For each scenario: the best of REPEATS runs of `pktsim run --json`
# (wall_s: the simulation loop, excluding loading; total_s: the whole
# process, loading, building and routing included), its packet-hops per
# wall second (packet_hops counts every link traversal of every packet, data
# and control, as htsim's and ns-3's users count them), events per second,
# peak RSS and simulated time. The simulator is single-threaded: one core.
# Scenario files are generated into bench/out/ (awk only, no Python).
set -eu
cd "$(dirname "$0")/.."
reps=${1:-3}
PKTSIM=${PKTSIM:-./pktsim}
[ -x "$PKTSIM" ] || { echo "bench: build first (sh tools/setup.sh run)" >&2; exit 1; }
out=bench/out
mkdir -p "$out"

# switch64-a2a: 64 hosts on one switch at 100 Gb/s, all-to-all, 1 MB per pair
# (4,032 flows started together).
awk 'BEGIN {
	print "seed: 1"
	print "topology: {kind: switch, hosts: 64, link: {rate: 100Gbps, delay: 1us}}"
	print "fabric: {mtu: 1000B, cc: none}"
	print "workload:\n  flows:"
	for (s = 0; s < 64; s++) for (d = 0; d < 64; d++) if (s != d)
		printf "    - {src: %d, dst: %d, size: 1MB}\n", s, d
}' >"$out/switch64-a2a.yaml"

# switch64-perm: 64 hosts, 16 rounds 100 us apart; in round r host i sends
# 1 MB to host (i + 1 + r) mod 64 (a permutation each round).
awk 'BEGIN {
	print "seed: 1"
	print "topology: {kind: switch, hosts: 64, link: {rate: 100Gbps, delay: 1us}}"
	print "fabric: {mtu: 1000B, cc: none}"
	print "workload:\n  flows:"
	for (r = 0; r < 16; r++) for (s = 0; s < 64; s++)
		printf "    - {src: %d, dst: %d, size: 1MB, start: %dus}\n", s, (s + 1 + r) % 64, r * 100
}' >"$out/switch64-perm.yaml"

# switch64-incast: 63 hosts each send 1 MB to host 0 at once.
awk 'BEGIN {
	print "seed: 1"
	print "topology: {kind: switch, hosts: 64, link: {rate: 100Gbps, delay: 1us}}"
	print "fabric: {mtu: 1000B, cc: none, buffer: 64MiB}"
	print "workload:\n  flows:"
	for (s = 1; s < 64; s++) printf "    - {src: %d, dst: 0, size: 1MB}\n", s
}' >"$out/switch64-incast.yaml"

# switch64-a2a-lossless: switch64-a2a with PFC and DCQCN (paper preset) on,
# to compare with the plain figure (the target: within 10% of it).
sed 's/fabric: {mtu: 1000B, cc: none}/fabric: {mtu: 1000B, pfc: {enabled: true}, cc: {algorithm: dcqcn, preset: paper}}/' \
	"$out/switch64-a2a.yaml" >"$out/switch64-a2a-lossless.yaml"

# incast8-lossless: 8:1 incast of 10 MB flows at 100 Gb/s with PFC + DCQCN.
awk 'BEGIN {
	print "seed: 1"
	print "topology: {kind: switch, hosts: 9, link: {rate: 100Gbps, delay: 1us}}"
	print "fabric: {mtu: 1000B, pfc: {enabled: true}, cc: {algorithm: dcqcn, preset: paper}}"
	print "workload:\n  flows:"
	for (s = 1; s < 9; s++) printf "    - {src: %d, dst: 0, size: 10MB}\n", s
}' >"$out/incast8-lossless.yaml"

# fattree8-perm: k = 8 fat-tree (128 hosts, 80 switches) at 100 Gb/s; 7
# permutation rounds 100 us apart, in round r host i sends 1 MB to host
# (i + 16 (r + 1)) mod 128: every flow leaves its pod (6 hops). The scenario
# the ns-3 and htsim figures in the README refer to.
awk 'BEGIN {
	print "seed: 1"
	print "topology: {kind: fat-tree, k: 8, link: {rate: 100Gbps, delay: 1us}}"
	print "fabric: {mtu: 1000B, cc: none}"
	print "workload:\n  flows:"
	for (r = 0; r < 7; r++) for (i = 0; i < 128; i++)
		printf "    - {src: %d, dst: %d, size: 1MB, start: %dus}\n", i, (i + 16 * (r + 1)) % 128, r * 100
}' >"$out/fattree8-perm.yaml"

# fattree32-perm: k = 32 fat-tree (8,192 hosts, 1,280 switches): build it,
# route and run a permutation of 10 KB flows (host i to i + 256). Its
# whole-process time and memory are the figures (target: < 5 s, < 1 GB).
awk 'BEGIN {
	print "seed: 1"
	print "topology: {kind: fat-tree, k: 32, link: {rate: 100Gbps, delay: 1us}}"
	print "fabric: {mtu: 1000B, cc: none}"
	print "workload:\n  flows:"
	for (i = 0; i < 8192; i++) printf "    - {src: %d, dst: %d, size: 10KB}\n", i, (i + 256) % 8192
}' >"$out/fattree32-perm.yaml"

# torus10k-perm: a 100 x 100 torus (10,000 hosts relaying for each other):
# build, route (computed from coordinates) and run a permutation of 1 KB
# flows, host i to i + 5050 (50 hops away in each dimension at most).
awk 'BEGIN {
	print "seed: 1"
	print "topology: {kind: torus, dims: [100, 100], link: {rate: 100Gbps, delay: 1us}}"
	print "fabric: {mtu: 1000B, cc: none}"
	print "workload:\n  flows:"
	for (i = 0; i < 10000; i++) printf "    - {src: %d, dst: %d, size: 1KB}\n", i, (i + 5050) % 10000
}' >"$out/torus10k-perm.yaml"

# leafspine64-ring-ar: 64 NPUs on a leaf-spine (8 leaves of 8 hosts, 4
# spines, 100 Gb/s, 1 us), ring all-reduce of 1 GiB at MTU 4096: the
# collectives workload at scale (every 8th ring hop crosses a spine).
awk 'BEGIN {
	print "seed: 1"
	print "topology: {kind: leaf-spine, leaves: 8, spines: 4, hosts_per_leaf: 8, link: {rate: 100Gbps, delay: 1us}}"
	print "fabric: {mtu: 4096B, cc: none}"
	print "workload:\n  collectives:\n    - {op: all-reduce, size: 1GiB, algorithm: ring}"
}' >"$out/leafspine64-ring-ar.yaml"

num() { sed -n "s/.*\"$2\": \([0-9.]*\).*/\1/p" "$1" | head -n 1; }

printf '%-22s %12s %12s %9s %11s %11s %9s %12s %8s\n' scenario packet_hops events wall_s \
	"Mhops/s" "Mevents/s" "RSS_MiB" "sim_time_us" "total_s"
# SCENARIOS="a b" runs only those.
for sc in ${SCENARIOS:-switch64-a2a switch64-perm switch64-incast switch64-a2a-lossless \
	incast8-lossless fattree8-perm fattree32-perm torus10k-perm leafspine64-ring-ar}; do
	best=""
	i=0
	while [ "$i" -lt "$reps" ]; do
		t0=$(date +%s.%N)
		"$PKTSIM" run "$out/$sc.yaml" --json --stats >"$out/$sc.json"
		t1=$(date +%s.%N)
		echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }' >"$out/$sc.total"
		w=$(num "$out/$sc.json" wall_s)
		if [ -z "$best" ] || awk "BEGIN { exit !($w < $best) }"; then
			best=$w
			cp "$out/$sc.json" "$out/$sc.best.json"
			cp "$out/$sc.total" "$out/$sc.best.total"
		fi
		i=$((i + 1))
	done
	j="$out/$sc.best.json"
	hops=$(num "$j" packet_hops)
	ev=$(num "$j" events)
	rss=$(num "$j" peak_rss_kb)
	simps=$(num "$j" sim_time_ps)
	tot=$(cat "$out/$sc.best.total")
	awk -v sc="$sc" -v h="$hops" -v e="$ev" -v w="$best" -v r="$rss" -v t="$simps" -v tot="$tot" 'BEGIN {
		printf "%-22s %12d %12d %9.3f %11.2f %11.2f %9.1f %12.3f %8.3f\n",
			sc, h, e, w, h / w / 1e6, e / w / 1e6, r / 1024, t / 1e6, tot }'
done
echo "(best of $reps runs each; $(uname -m), $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'))"
