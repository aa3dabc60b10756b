#!/bin/sh
# bench/serve.sh - the protocol's own throughput: requests per second that
# `pktsim serve` answers over loopback for small sends, one at a time and
# pipelined, and the rate at which a run's completion events reach the
# client (bench/serve_bench.c, built by make).
#
#   sh bench/serve.sh [N]        (N sends per pass, default 20000)
set -eu
cd "$(dirname "$0")/.."
make -s bench/serve_bench >/dev/null
PKTSIM=$PWD/pktsim ./bench/serve_bench "${1:-20000}" 2>/dev/null
