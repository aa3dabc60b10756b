#!/bin/sh
# tools/fuzz-trace.sh - mutation fuzzing of the trace reader and the trace
# commands: damaged traces must give a message and exit 1 (or, when the
# damage happens to be harmless, a normal result), never a crash, a hang or
# silence.
#
#   sh tools/fuzz-trace.sh [-n ITERS] [-s SEED] [-z SIZE] [-k DIR] [TRACE]
#
#   TRACE   the seed trace (default: made by running
#           examples/trace-incast.yaml with --trace: CE marks, CNPs, PFC,
#           rate and message records, 44,500 records)
#   -n      mutations to try (default $FUZZ_ITERS, else 300)
#   -s      random seed (default $FUZZ_SEED, else 1): the same seed and
#           trace replay the same mutations
#   -z      for the default seed, flows of SIZE (like 100KB) instead of the
#           example's 1MB (default $FUZZ_FLOW_SIZE): 100KB still has every
#           record kind in 4,604 records, and runs several times faster,
#           which matters under the sanitizers
#   -k DIR  copy each failing input to DIR
#
# Each iteration mutates a copy of the seed in one of these ways:
#   flip    1 to 8 bytes of the gzip file set to random values
#   cut     the gzip file cut at a random length (a killed writer)
#   raw     1 to 8 bytes of the decompressed msgpack stream set to random or
#           msgpack-significant values, then compressed again, so the gzip
#           layer is intact and the reader's own decoding meets the damage
#           (a quarter of these aim at the header, where the topology is)
#   rawdel  1 to 64 bytes deleted from the msgpack stream, compressed again
#           (every later record shifted)
#   rawcut  the msgpack stream cut at a random point, compressed again
# and runs `pktsim trace info`, `trace dump`, `trace pcap`, and `trace
# stats`, `trace perfetto` and `trace plot` when this pktsim has them, on it (the
# converters' options, --salvage among them, take turns).
#
# A run fails the test when it
#   - dies of a signal (exit status >= 128) or prints a sanitizer report,
#   - runs longer than $FUZZ_TIMEOUT seconds (default 30; needs timeout(1)),
#   - exits with a status other than 0 or 1,
#   - exits 0 and prints nothing, or exits 1 and says nothing on stderr,
#   - leaves an output file (-o) behind after failing, or none after
#     succeeding.
# Prints a line per failure ("not ok ..."), then a summary; exits 1 if any
# run failed. The random numbers come from a Park-Miller generator written
# in awk, so every awk gives the same sequence.
set -u
PKTSIM=${PKTSIM:-./pktsim}
SRCDIR=${SRCDIR:-.}
iters=${FUZZ_ITERS:-300}
seed=${FUZZ_SEED:-1}
tmo=${FUZZ_TIMEOUT:-30}
size=${FUZZ_FLOW_SIZE:-}
keep=""

usage() {
	echo "usage: sh tools/fuzz-trace.sh [-n ITERS] [-s SEED] [-z SIZE] [-k DIR] [TRACE]" >&2
	exit 2
}
while getopts n:s:z:k:h opt; do
	case $opt in
	n) iters=$OPTARG ;;
	s) seed=$OPTARG ;;
	z) size=$OPTARG ;;
	k) keep=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
case $iters in '' | *[!0-9]*) usage ;; esac
case $seed in '' | *[!0-9]*) usage ;; esac
case $size in *[!0-9A-Za-z.]*) usage ;; esac
case $PKTSIM in /*) ;; *) PKTSIM=$(pwd)/$PKTSIM ;; esac
case $SRCDIR in /*) ;; *) SRCDIR=$(pwd)/$SRCDIR ;; esac
[ -z "$keep" ] || mkdir -p "$keep" || exit 1

T=$(mktemp -d /tmp/pktsim-fuzz-XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
start=$(date +%s)

exp=$SRCDIR/examples/trace-incast.yaml
if [ -n "$size" ] && [ $# -eq 0 ]; then
	sed "s/size: [0-9.]*[KMG]*i*B/size: $size/" "$exp" >"$T/seed.yaml" || exit 1
	exp=$T/seed.yaml
fi
if [ $# -eq 1 ]; then
	cp "$1" "$T/seed.trace" || exit 1
elif ! "$PKTSIM" run "$exp" --trace "$T/seed.trace" >/dev/null 2>"$T/err"; then
	echo "not ok fuzz_seed: cannot make the seed trace: $(cat "$T/err")"
	exit 1
fi
if ! gzip -dc <"$T/seed.trace" >"$T/seed.raw" 2>"$T/err"; then
	echo "not ok fuzz_seed: the seed is not a complete gzip file: $(cat "$T/err")"
	exit 1
fi
gzsize=$(wc -c <"$T/seed.trace" | tr -d ' ')
rawsize=$(wc -c <"$T/seed.raw" | tr -d ' ')
hdrsize=$("$PKTSIM" trace info "$T/seed.trace" 2>/dev/null |
	sed -n 's/^uncompressed: .*(header \([0-9]*\)).*/\1/p')
[ -n "$hdrsize" ] || hdrsize=1024

if command -v timeout >/dev/null 2>&1; then TIMEOUT="timeout -k 5 $tmo"; else TIMEOUT=""; fi

# The commands, one per line: a name; when to run it, every iteration
# ("all") or those where ITER % N == K ("K/N"), so that each subcommand runs
# once per iteration with its options taking turns; then the arguments after
# `pktsim trace` (M stands for the mutated file). Subcommands this pktsim
# does not have are left out; every line must succeed on the seed itself.
cat >"$T/cmds" <<EOF
info all info M
dump all dump M
pcap 0/3 pcap M -o out.pcap
pcapng 1/3 pcap M -o out.pcapng --snaplen 0 --ingress
pcap_salvage 2/3 pcap M -o out.pcap.gz --send --salvage
EOF
cd "$T" || exit 1
for sub in stats perfetto plot; do
	"$PKTSIM" trace "$sub" seed.trace >/dev/null 2>err
	if grep -q "unknown subcommand" err; then
		echo "fuzz-trace: this pktsim has no trace $sub: skipped"
		continue
	fi
	case $sub in
	stats) printf '%s\n' "stats 0/2 stats M" \
		"stats_salvage 1/2 stats M --csv --salvage" >>cmds ;;
	perfetto) printf '%s\n' "perfetto 1/2 perfetto M -o out.json" \
		"perfetto_salvage 0/2 perfetto M -o out.json --salvage --packets" >>cmds ;;
	plot) printf '%s\n' "plot 0/2 plot M -o out.plot" \
		"plot_salvage 1/2 plot M -o out.plot --salvage --bucket 1us" >>cmds ;;
	esac
done
rm -rf out.* err

fails=0 runs=0 crashes=0 hangs=0 silent=0 st0=0 st1=0 seedrun=0
# ASan and UBSan exit 1 by default: their reports are crashes too.
sanitizer="ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer"

# check ITER NAME FILE ARGS...: run `pktsim trace ARGS` (M -> FILE) and judge it.
check() {
	it=$1 name=$2 file=$3
	shift 3
	out=""
	args=""
	for a in "$@"; do
		[ "$a" = M ] && a=$file
		case $a in out.*) out=$a ;; esac
		args="$args $a"
	done
	rm -rf out.*
	# shellcheck disable=SC2086
	$TIMEOUT "$PKTSIM" trace $args </dev/null >stdout 2>stderr
	rc=$?
	runs=$((runs + 1))
	why=""
	if [ -n "$TIMEOUT" ] && [ "$rc" -eq 124 ]; then
		why="no result after $tmo s"
		hangs=$((hangs + 1))
	elif [ "$rc" -ge 128 ] || grep -Eq "$sanitizer" stderr; then
		why="crashed (exit $rc)"
		crashes=$((crashes + 1))
	elif [ "$seedrun" -eq 1 ] && [ "$rc" -ne 0 ]; then
		why="exit $rc on the undamaged seed"
	elif [ "$rc" -eq 0 ]; then
		st0=$((st0 + 1))
		if [ ! -s stdout ]; then
			why="exit 0 with no output"
			silent=$((silent + 1))
		elif [ -n "$out" ] && [ ! -e "$out" ]; then
			why="exit 0 but $out was not written"
		fi
	elif [ "$rc" -eq 1 ]; then
		st1=$((st1 + 1))
		if [ ! -s stderr ]; then
			why="exit 1 with no message"
			silent=$((silent + 1))
		elif [ -n "$out" ] && [ -e "$out" ]; then
			why="exit 1 but $out was left behind"
		fi
	else
		why="exit $rc"
	fi
	if [ -n "$why" ]; then
		fails=$((fails + 1))
		echo "not ok fuzz_${it}_$name: $why: pktsim trace$args"
		sed -n '1,5s/^/    /p' stderr
		echo "    mutation: $(tr '\n' ' ' <plan)"
		if [ -n "$keep" ]; then
			cp "$file" "$keep/seed$seed-$it.trace"
			echo "    kept as $keep/seed$seed-$it.trace"
		fi
	fi
}

# setbyte FILE OFFSET VALUE
setbyte() {
	# shellcheck disable=SC2059
	printf "\\$(printf %03o "$3")" | dd of="$1" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
}

# prefix FILE LEN: the first LEN bytes of FILE on stdout
prefix() {
	[ "$2" -eq 0 ] || dd if="$1" bs="$2" count=1 2>/dev/null
}

# The seed first: every command must succeed on it.
echo "the seed itself" >plan
seedrun=1
while read -r name when args; do
	# shellcheck disable=SC2086
	check seed "$name" seed.trace $args
done <cmds
seedrun=0
if [ "$fails" -gt 0 ]; then
	echo "fuzz-trace: the commands fail on the undamaged seed; not fuzzing"
	exit 1
fi
runs=0 st0=0

it=0
while [ "$it" -lt "$iters" ]; do
	# The plan: a mutation kind, then "OFFSET VALUE" lines or a length.
	awk -v seed="$seed" -v it="$it" -v gz="$gzsize" -v raw="$rawsize" -v hdr="$hdrsize" '
	function rnd(n) { x = (x * 16807) % 2147483647; return int(x / 2147483647 * n) }
	BEGIN {
		x = (seed * 7919 + it * 104729 + 1) % 2147483647
		for (i = 0; i < 4; i++) rnd(1)
		split("0 255 193 192 204 205 206 207 220 221 222 223 127 128 144 159 160 217", v)
		k = rnd(10)
		if (k < 3) {
			print "flip"
			for (n = 1 + rnd(8); n > 0; n--) print rnd(gz), rnd(256)
		} else if (k < 5) {
			print "cut"; print rnd(gz)
		} else if (k < 8) {
			print "raw"
			span = rnd(4) == 0 ? hdr : raw
			for (n = 1 + rnd(8); n > 0; n--)
				print rnd(span), rnd(2) ? rnd(256) : v[1 + rnd(18)]
		} else if (k < 9) {
			print "rawdel"; print rnd(raw), 1 + rnd(64)
		} else {
			print "rawcut"; print rnd(raw)
		}
	}' >plan
	{
		read -r kind
		case $kind in
		flip)
			cp seed.trace m.trace
			while read -r off val; do setbyte m.trace "$off" "$val"; done
			;;
		cut)
			read -r len
			prefix seed.trace "$len" >m.trace
			;;
		raw)
			cp seed.raw m.raw
			while read -r off val; do setbyte m.raw "$off" "$val"; done
			gzip -1 -n -c m.raw >m.trace
			;;
		rawdel)
			read -r off n
			{ prefix seed.raw "$off"; tail -c +$((off + n + 1)) seed.raw; } |
				gzip -1 -n -c >m.trace
			;;
		rawcut)
			read -r len
			prefix seed.raw "$len" | gzip -1 -n -c >m.trace
			;;
		esac
	} <plan
	while read -r name when args; do
		case $when in
		all) ;;
		*) [ $((it % ${when#*/})) -eq "${when%/*}" ] || continue ;;
		esac
		# shellcheck disable=SC2086
		check "$it" "$name" m.trace $args
	done <cmds
	it=$((it + 1))
done

secs=$(($(date +%s) - start))
echo "fuzz-trace: $iters mutations (seed $seed): $runs runs, exit 0: $st0, exit 1: $st1;" \
	"$crashes crashed, $hangs hung, $silent silent, $fails failed; ${secs} s"
if [ "$fails" -eq 0 ]; then
	echo "ok fuzz_trace"
	exit 0
fi
exit 1
