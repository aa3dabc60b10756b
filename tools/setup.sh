#!/bin/sh
# tools/setup.sh - the README's two commands.
#
#   sh tools/setup.sh run    install what is missing, build, run the default experiment
#   sh tools/setup.sh test   install what is missing, build, run the whole test suite
#
# Installs only the Debian packages that are missing (as root, or with sudo),
# configures once, builds with every core.
set -eu
mode=${1:-run}
case $mode in run|test) ;; *) echo "usage: sh tools/setup.sh run|test" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."

have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
need="build-essential autoconf automake pkg-config zlib1g-dev libyaml-dev libevent-dev libcunit1-dev"
missing=""
for p in $need; do have "$p" || missing="$missing $p"; done
# msgpack-c is libmsgpack-dev up to Debian 12, libmsgpack-c-dev from 6.0 on.
have libmsgpack-dev || have libmsgpack-c-dev || missing="$missing msgpack"
# The test suite checks converted traces with tshark (Wireshark's
# dissectors) and Python's JSON parser, and drives the server with the
# Python client (python3-msgpack).
if [ "$mode" = test ]; then
	for p in valgrind tshark python3 python3-msgpack; do have "$p" || missing="$missing $p"; done
fi
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
	echo "setup: installing$missing"
	$sudo apt-get update -qq
	pkgs=""
	for p in $missing; do
		if [ "$p" = msgpack ]; then
			if apt-cache show libmsgpack-c-dev >/dev/null 2>&1; then p=libmsgpack-c-dev; else p=libmsgpack-dev; fi
		fi
		pkgs="$pkgs $p"
	done
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
[ -x configure ] || autoreconf -fi >/dev/null
[ -f Makefile ] || ./configure -q
make -s -j"$jobs" >/dev/null

if [ "$mode" = run ]; then
	exec ./pktsim run examples/default.yaml
fi

status=0
make -s -j"$jobs" check >/dev/null 2>&1 || status=$?
# One line per test program, then the totals of every CUnit and shell test.
for log in tests/*.log; do
	[ "$log" = tests/test-suite.log ] && continue
	sed -n 's/^\(PASS\|FAIL\|ERROR\|SKIP\)\(:\)\{0,1\} /\1 /p' "$log" | tail -n 1
done
awk '$1 == "tests" && NF == 6 { p += $4; f += $5 }
     /^ok /     { p++ }
     /^not ok / { f++ }
     END { printf "check: %d passed, %d failed\n", p, f }' tests/*.log
if [ "$status" -ne 0 ]; then
	echo "setup: make check failed; the failing output:" >&2
	grep -h -B2 -A8 -E "FAILED|^not ok|^FAIL" tests/*.log >&2 || true
	exit "$status"
fi
