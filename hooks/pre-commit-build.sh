#!/bin/sh
# Entry point of the `language: script` hooks in .pre-commit-hooks.yaml. pre-commit runs
# it from its clone of this repository, with the user's repository root as the current
# directory. The first run builds miglint into the clone (CMake, once, under a lock, so
# parallel hook processes wait for one build); later runs reuse the binary.
#   pre-commit-build.sh ARGS...      runs `miglint ARGS...`
#   pre-commit-build.sh --pre-push   runs `miglint lint --against REF` for pre-commit's
#                                    push stage (REF: what the remote has of the branch)
# MIGLINT_PRE_COMMIT_BINARY=/path/to/miglint uses that binary instead of building.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/.pre-commit-build"
bin="$out/miglint"

build() {
    if [ -x "$bin" ]; then
        return 0
    fi
    echo "miglint: first use: building miglint in $out (needs cmake, g++ and the -dev packages of README's apt line)" >&2
    jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
    if cmake -S "$here" -B "$out/tree" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >"$out/build.log" 2>&1 &&
        cmake --build "$out/tree" --target miglint --parallel "$jobs" >>"$out/build.log" 2>&1; then
        cp "$out/tree/miglint" "$bin.tmp.$$" && mv "$bin.tmp.$$" "$bin"
    else
        echo "miglint: the build failed; see $out/build.log" >&2
        echo "miglint: on Debian/Ubuntu: apt-get install cmake g++ make pkg-config libgit2-dev libsqlite3-dev libtomlplusplus-dev libfmt-dev libcli11-dev nlohmann-json3-dev" >&2
        exit 3
    fi
}

if [ -n "${MIGLINT_PRE_COMMIT_BINARY:-}" ]; then
    bin=$MIGLINT_PRE_COMMIT_BINARY
elif [ ! -x "$bin" ]; then
    mkdir -p "$out"
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$out.lock"
        flock 9
        build
        exec 9>&-
    else
        until mkdir "$out.lockdir" 2>/dev/null; do sleep 1; done
        trap 'rmdir "$out.lockdir"' EXIT
        build
        rmdir "$out.lockdir"
        trap - EXIT
    fi
fi

if [ "${1:-}" = --pre-push ]; then
    shift
    remote=${PRE_COMMIT_REMOTE_NAME:-origin}
    branch=${PRE_COMMIT_REMOTE_BRANCH#refs/heads/}
    against=
    if [ -n "$branch" ] && git rev-parse -q --verify "refs/remotes/$remote/$branch" >/dev/null 2>&1; then
        against=refs/remotes/$remote/$branch
        if [ -n "${PRE_COMMIT_FROM_REF:-}" ] && git cat-file -e "$PRE_COMMIT_FROM_REF^{commit}" 2>/dev/null; then
            against=$PRE_COMMIT_FROM_REF
        fi
    else
        against=$(git symbolic-ref -q --short "refs/remotes/$remote/HEAD" 2>/dev/null || true)
    fi
    if [ -n "$against" ] && "$bin" lint --help 2>/dev/null | grep -q -e '--against'; then
        exec "$bin" lint --against "$against" "$@"
    fi
    exec "$bin" lint "$@"
fi
exec "$bin" "$@"
