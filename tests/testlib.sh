# tests/testlib.sh - sourced by the shell tests (after setting TESTNAME):
# PKTSIM and SRCDIR as the harness exports them, a scratch directory $T
# removed on exit, ok / bad lines counted into $fails, and `need CMD`.
PKTSIM=${PKTSIM:-./pktsim}
SRCDIR=${SRCDIR:-.}
T=$(mktemp -d "/tmp/pktsim-${TESTNAME:-test}-XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0

ok() { echo "ok $1"; }
bad() { echo "not ok $1: $2"; fails=$((fails + 1)); }

# need CMD: skip the script (77) when CMD is missing, except in CI, whose
# setup (tools/setup.sh test) must have installed it.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "${CI:-}" = true ]; then
		echo "not ok $1_installed: CI must install $1 (tools/setup.sh test)"
		exit 1
	fi
	echo "SKIP: $1 not installed"
	exit 77
}
