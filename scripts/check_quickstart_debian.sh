#!/usr/bin/env bash
# Run the README's two Quick start commands, exactly as written, as a new user would on a
# stock Debian machine: a fresh Debian chroot (debootstrap) whose system Python has no pip of
# its own, a clean clone of this repository with the shared corpus beside it as ../shared,
# and an ordinary user account with a login shell.
#
# Not part of .ci/run: it needs root (debootstrap, chroot, mounts), network access to a
# Debian mirror and to PyPI, and takes several minutes (the test suite runs inside).
#
# Usage (as root):
#   scripts/check_quickstart_debian.sh [--suite bookworm] [--mirror URL] [--source REPO]
#                                      [--shared DIR] [--readme FILE.md] [--workdir DIR]
#                                      [--components main,universe] [--no-check-gpg]
#                                      [--keep]
#
#   --suite    the Debian release (default bookworm: Python 3.11)
#   --mirror   the Debian mirror (default http://deb.debian.org/debian)
#   --source   the git repository to clone (default: the one holding this script); the
#              clone has the committed state only
#   --shared   the folder copied beside the clone as ../shared (default: SOURCE/../shared)
#   --readme   the Markdown file whose "## Quick start" commands are run (default: the
#              clone's README.md); lets a draft be tried before it is committed
#   --workdir  where the chroot is built (default: a new folder under /var/tmp)
#   --components  the archive components the system has (default main; a stock Ubuntu has
#              python3-venv from universe)
#   --no-check-gpg  do not verify the archive's signature: for a release whose key the host
#              lacks (Ubuntu from a Debian host: --suite jammy --components main,universe
#              --no-check-gpg --mirror http://archive.ubuntu.com/ubuntu)
#   --keep     leave the chroot in place afterwards (it is removed otherwise)
#
# What it checks, in order, each step timed:
#   1. the stock system has `python3` but no `python` and no pip (`python3 -m pip` fails);
#   2. without python3-venv, `python3 -m venv` fails with Debian's hint to install it;
#   3. `apt-get install python3-venv` (what the README asks for) still brings no pip;
#   4. Quick start 1 exits 1 with slint's findings summary as its last line;
#   5. Quick start 2 exits 0 (the whole test suite passes).
# The commands are taken from the README with `.ci/run --print-quickstart`, the extraction CI
# uses. Logs stay in WORKDIR/logs (printed at the end); the exit code is 0 when every step
# gave the expected result, 1 otherwise. The host's own certificate authorities
# (/usr/local/share/ca-certificates) are trusted inside too, for networks that inspect TLS.
#
# Measured on 2 CPUs (2026-12-03): bookworm (Python 3.11, pip 23.0.1) debootstrap 43 s,
# Quick start 1 12 s, Quick start 2 205 s; trixie (Python 3.13, pip 25.1.1) 45 s, 15 s, 316 s.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
suite=bookworm
mirror=http://deb.debian.org/debian
source_repo="$here"
shared=""
readme=""
workdir=""
keep=0
check_gpg=()
components=main
while [ $# -gt 0 ]; do
    case "$1" in
        --suite) suite="$2"; shift 2 ;;
        --mirror) mirror="$2"; shift 2 ;;
        --source) source_repo="$2"; shift 2 ;;
        --shared) shared="$2"; shift 2 ;;
        --readme) readme="$2"; shift 2 ;;
        --workdir) workdir="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        --components) components="$2"; shift 2 ;;
        --no-check-gpg) check_gpg=(--no-check-gpg); shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

if [ "$(id -u)" -ne 0 ]; then
    echo "run as root: debootstrap, chroot and mount need it" >&2
    exit 2
fi
for tool in debootstrap chroot git mount umount; do
    if ! command -v "$tool" >/dev/null; then
        echo "missing $tool (Debian: apt-get install -y debootstrap git)" >&2
        exit 2
    fi
done
source_repo="$(cd "$source_repo" && pwd)"
shared="${shared:-$source_repo/../shared}"
if [ ! -d "$shared" ]; then
    echo "no shared corpus at $shared (give --shared DIR)" >&2
    exit 2
fi

workdir="${workdir:-$(mktemp -d /var/tmp/slint-quickstart.XXXXXX)}"
rootfs="$workdir/rootfs"
logs="$workdir/logs"
mkdir -p "$logs"
user=newcomer
user_home="/home/$user"

# --- cleanup: stop what still runs inside the chroot, unmount, then remove -----------------
mounted=()
cleanup() {
    local pid i
    for pid in /proc/[0-9]*; do
        if [ "$(readlink "$pid/root" 2>/dev/null)" = "$rootfs" ]; then
            kill -KILL "${pid#/proc/}" 2>/dev/null || true
        fi
    done
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount -R "${mounted[i]}" 2>/dev/null || umount -lR "${mounted[i]}" || true
    done
    # Never delete through a mount that is still there (/dev of the host, for one).
    if awk -v root="$rootfs/" 'index($2 "/", root) == 1 { found = 1 } END { exit !found }' \
        /proc/self/mounts; then
        echo "something is still mounted under $rootfs: left in place" >&2
    elif [ "$keep" -eq 0 ]; then
        rm -rf --one-file-system "$rootfs"
    fi
}
trap cleanup EXIT

# --- results ------------------------------------------------------------------------------
results=()
failures=0
# record NAME EXPECTED ACTUAL SECONDS NOTE
record() {
    local verdict=ok
    if [ "$2" != "$3" ]; then
        verdict=FAILED
        failures=$((failures + 1))
    fi
    results+=("$(printf '%-6s %-52s expected %-9s got %-4s %7.1fs  %s' \
        "$verdict" "$1" "$2" "$3" "$4" "$5")")
    echo "== $verdict: $1 (exit $3, expected $2, ${4}s) $5"
}

# timed LOGNAME COMMAND...: runs COMMAND with output to the terminal and logs/LOGNAME; sets
# `status` and `seconds`.
timed() {
    local log="$logs/$1" start
    shift
    start=$EPOCHREALTIME
    set +e
    "$@" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    seconds=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
}

# as_user COMMAND: run COMMAND in the new user's login shell, in the clone.
as_user() {
    chroot "$rootfs" runuser -l "$user" -c "cd $user_home/slint && $1"
}

# --- 0. the fresh Debian ------------------------------------------------------------------
echo "== debootstrap $suite from $mirror into $rootfs"
# minbase: only the essential packages, apt and what --include needs. ca-certificates and git
# are what a user who cloned this repository over HTTPS has; python3 is the system Python.
timed debootstrap.log debootstrap --variant=minbase --components="$components" \
    "${check_gpg[@]}" --include=python3,git,ca-certificates "$suite" "$rootfs" "$mirror"
record "debootstrap $suite (python3 git ca-certificates)" 0 "$status" "$seconds" ""
if [ "$status" -ne 0 ]; then
    exit 1
fi

cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
mount -t proc proc "$rootfs/proc" && mounted+=("$rootfs/proc")
mount -t sysfs sysfs "$rootfs/sys" && mounted+=("$rootfs/sys")
mount --rbind /dev "$rootfs/dev" && mount --make-rslave "$rootfs/dev" && mounted+=("$rootfs/dev")
# The host's own certificate authorities, installed as the machine's administrator would:
# behind a proxy that inspects TLS, pip reaches PyPI only with them (Debian's pip trusts the
# system store). A host without local authorities adds nothing.
if [ -n "$(ls -A /usr/local/share/ca-certificates 2>/dev/null)" ]; then
    cp -r /usr/local/share/ca-certificates/. "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >"$logs/ca-certificates.log" 2>&1
    echo "== the host's local certificate authorities are trusted in the chroot"
fi

chroot "$rootfs" useradd --create-home --shell /bin/bash "$user"
# A clean clone (committed state only) with the shared corpus beside it, owned by the user.
git clone --quiet --no-hardlinks "$source_repo" "$rootfs$user_home/slint"
cp -a "$shared" "$rootfs$user_home/shared"
chroot "$rootfs" chown -R "$user:$user" "$user_home"

if [ -n "$readme" ]; then
    cp "$readme" "$workdir/quickstart-source.md"
else
    cp "$rootfs$user_home/slint/README.md" "$workdir/quickstart-source.md"
fi
commands_text="$(bash "$here/.ci/run" --print-quickstart "$workdir/quickstart-source.md")"
mapfile -t commands <<<"$commands_text"
system="$(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$rootfs/etc/os-release")"
echo "== $system, $(chroot "$rootfs" python3 --version)"
echo "== Quick start 1: ${commands[0]}"
echo "== Quick start 2: ${commands[1]}"

# --- 1-3. what the stock system has and lacks ---------------------------------------------
timed no-python.log as_user "command -v python"
record "stock: no \`python\` command" 1 "$status" "$seconds" ""
timed no-pip.log as_user "python3 -m pip --version"
record "stock: no pip (\`python3 -m pip --version\`)" 1 "$status" "$seconds" ""
timed venv-without-package.log as_user "python3 -m venv /tmp/probe-venv"
hint=no-hint
if grep -q "apt install python3" "$logs/venv-without-package.log"; then
    hint="Debian's hint: $(grep -o 'apt install python3[^ ]*' "$logs/venv-without-package.log" | head -n 1)"
fi
record "stock: \`python3 -m venv\` without python3-venv" 1 "$status" "$seconds" "$hint"
chroot "$rootfs" rm -rf /tmp/probe-venv

timed apt-venv.log chroot "$rootfs" sh -c \
    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv"
record "apt-get install python3-venv" 0 "$status" "$seconds" ""
timed still-no-pip.log chroot "$rootfs" dpkg --status python3-pip
record "with python3-venv: python3-pip not installed" 1 "$status" "$seconds" ""

# --- 4-5. the Quick start, exactly as written ---------------------------------------------
timed quickstart-1.log as_user "${commands[0]}"
summary="$(tail -n 1 "$logs/quickstart-1.log")"
if [ "$status" -eq 1 ] && ! grep -Eq '^Found [0-9]+ problems?' <<<"$summary"; then
    status="1-without-findings"
fi
record "Quick start 1 (findings on examples/shop)" 1 "$status" "$seconds" "$summary"

timed quickstart-2.log as_user "${commands[1]}"
record "Quick start 2 (the test suite)" 0 "$status" "$seconds" \
    "$(grep -E '^=+ .*(passed|failed|error).* =+$' "$logs/quickstart-2.log" | tail -n 1)"

echo "== pip in the venv: $(as_user '.venv/bin/python -m pip --version' 2>&1)"
echo
echo "Results ($suite, $(date -u +%Y-%m-%dT%H:%MZ)); logs in $logs"
printf '%s\n' "${results[@]}"
if [ "$failures" -ne 0 ]; then
    echo "$failures step(s) did not give the expected result" >&2
    exit 1
fi
