# shellcheck shell=bash
# docxp - shared shell functions of scripts/demo, scripts/test and .ci/run:
# installing the Debian 12 packages we need and building out of tree.
# Source it; it defines functions and DOCXP_ROOT, and changes nothing else.

DOCXP_ROOT=${DOCXP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

# Build and test dependencies (Debian 12 names).
DOCXP_PACKAGES="build-essential autoconf automake pkg-config
 libfcgi-dev libpq-dev libhiredis-dev libcurl4-openssl-dev libjson-c-dev
 libssl-dev libsystemd-dev libcmocka-dev zlib1g-dev
 redis-server nginx postgresql postgresql-contrib postgresql-15-rum
 git python3 python3-botocore curl ca-certificates
 systemd debhelper fakeroot lintian rpm rpmlint elfutils debugedit"

docxp_log() { printf '== %s\n' "$*" >&2; }

# Installs whatever is missing from DOCXP_PACKAGES (apt-get, as root).
# DOCXP_NO_DEPS=1 skips it (the caller vouches for the packages).
docxp_install_deps() {
	[ "${DOCXP_NO_DEPS:-0}" = 1 ] && return 0
	local missing="" p
	for p in $DOCXP_PACKAGES; do
		# nginx-light provides what we need as well as nginx does
		if [ "$p" = nginx ] && dpkg-query -W -f='${Status}' nginx-light 2>/dev/null | grep -q 'ok installed'; then
			continue
		fi
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		docxp_log "missing packages:$missing"
		docxp_log "install them as root: apt-get install$missing"
		return 1
	fi
	docxp_log "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# docxp_build BUILDDIR [configure options...]
# autoreconf (when needed), configure out of tree in BUILDDIR (or in the
# source tree when it was configured in place already) and make -j.
# Sets DOCXP_BUILDDIR to the directory holding the programs.
docxp_build() {
	local b=$1; shift
	local jobs
	jobs=$(nproc 2>/dev/null || echo 2)
	cd "$DOCXP_ROOT" || return 1
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ ! -f build-aux/tap-driver.sh ]; then
		docxp_log "autoreconf -fi"
		autoreconf -fi || return 1
	fi
	if [ -f "$DOCXP_ROOT/config.status" ]; then
		# configured in the source tree (./configure && make): build there
		b=$DOCXP_ROOT
		docxp_log "using the in-tree build in $b"
	else
		mkdir -p "$b" || return 1
		local want="$*"
		if [ ! -f "$b/Makefile" ] || [ "$(cat "$b/.docxp-configure-args" 2>/dev/null)" != "$want" ] \
			|| [ "$DOCXP_ROOT/configure" -nt "$b/config.status" ]; then
			docxp_log "configure $* (in $b)"
			(cd "$b" && "$DOCXP_ROOT/configure" -q "$@") || return 1
			printf '%s' "$want" >"$b/.docxp-configure-args"
		fi
	fi
	docxp_log "make -j$jobs (in $b)"
	make -C "$b" -s -j"$jobs" || return 1
	DOCXP_BUILDDIR=$b
	export DOCXP_BUILDDIR
}

# docxp_count_trs DIR... : prints "PASS FAIL SKIP" over every .trs below DIRs.
docxp_count_trs() {
	local d dirs=()
	for d in "$@"; do [ -d "$d" ] && dirs+=("$d"); done
	[ ${#dirs[@]} -eq 0 ] && { echo "0 0 0"; return; }
	find "${dirs[@]}" -name '*.trs' -exec cat {} + 2>/dev/null | awk '
		/^:test-result: PASS/ { p++ }
		/^:test-result: (FAIL|ERROR|XPASS)/ { f++ }
		/^:test-result: SKIP/ { s++ }
		END { printf "%d %d %d\n", p, f, s }'
}

# docxp_summary PASS FAIL SKIP : the closing line CI recognises.
docxp_summary() {
	if [ "$3" -gt 0 ]; then
		echo "$1 passed, $2 failed, $3 skipped"
	else
		echo "$1 passed, $2 failed"
	fi
}
