#!/bin/sh
# Entry point of the `language: script` hooks in .pre-commit-hooks.yaml. pre-commit runs
# it from its clone of this repository, with the user's repository root as the current
# directory. The first run builds miglint into the clone (CMake, once, under a lock, so
# parallel hook processes wait for one build); later runs reuse the binary.
#   pre-commit-build.sh ARGS...          runs `miglint ARGS...`
#   pre-commit-build.sh --pre-push       pre-commit's push stage: `miglint lint --ref TO
#                                        --against REF`, the pushed commit merged with
#                                        what the remote has of the branch, else the base
#                                        branch (as hooks/pre-push)
#   pre-commit-build.sh --post-checkout  pre-commit's post-checkout stage: the database
#                                        advice of hooks/post-checkout (never fails)
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

# Runs miglint and exits with its status. Its findings name fixes as `miglint ...`, but
# this miglint lives in pre-commit's clone: when none is on PATH, say how to get it there.
run_miglint() {
    status=0
    "$bin" "$@" || status=$?
    if [ "$status" -ne 0 ] && ! command -v miglint >/dev/null 2>&1; then
        echo "miglint: note: \`miglint\` above is $bin (built by pre-commit); put it on PATH with:" >&2
        echo "    mkdir -p ~/.local/bin && ln -sf '$bin' ~/.local/bin/miglint" >&2
    fi
    exit "$status"
}

if [ "${1:-}" = --pre-push ]; then
    shift
    # pre-commit (3.x and later) hands its push stage one ref of the push, the first that
    # adds commits: PRE_COMMIT_TO_REF is the pushed commit, PRE_COMMIT_FROM_REF the
    # remote's commit of the branch when it is known here, else the last commit before
    # those the remote lacks (none when the push starts at a root commit);
    # PRE_COMMIT_REMOTE_NAME and PRE_COMMIT_REMOTE_BRANCH name the other side. As
    # hooks/pre-push does for every ref: the pushed commit as committed, merged with the
    # remote's commit, else the remote-tracking branch, else the remote's default branch.
    remote=${PRE_COMMIT_REMOTE_NAME:-origin}
    remote_ref=${PRE_COMMIT_REMOTE_BRANCH:-}
    name=${remote_ref#refs/heads/}
    rev=${PRE_COMMIT_TO_REF:-${PRE_COMMIT_LOCAL_BRANCH:-HEAD}}
    from=${PRE_COMMIT_FROM_REF:-}
    if ! "$bin" lint --help 2>/dev/null | grep -q -e '--ref'; then
        run_miglint lint "$@" # a miglint that reads only the working tree
    fi
    case $remote_ref in
    refs/tags/*)
        # A tag is merged into nothing: checked on its own (pre-commit runs this stage only
        # when the push brings commits the remote lacks).
        run_miglint lint --missing-ok --ref "$rev" --no-against "$@"
        ;;
    esac
    tracking=refs/remotes/$remote/$name
    against=
    if [ -n "$name" ] && tracked=$(git rev-parse -q --verify "$tracking^{commit}" 2>/dev/null); then
        against=$tracking
        # FROM_REF is the remote's newer commit, or (the remote's commit unknown here) an
        # older one: only the first is a better base than the remote-tracking branch.
        if [ -n "$from" ] && git merge-base --is-ancestor "$tracked" "$from" 2>/dev/null &&
            [ "$(git rev-parse -q --verify "$from^{commit}")" != "$tracked" ]; then
            against=$from
        fi
    fi
    if [ -n "$against" ]; then
        run_miglint lint --missing-ok --ref "$rev" --against "$against" "$@"
    fi
    # A new branch: miglint compares it with the base branch (base_ref, else the remote's
    # HEAD, main or master) unless it is on that branch already.
    run_miglint lint --missing-ok --ref "$rev" --remote "$remote" "$@"
fi
if [ "${1:-}" = --post-checkout ]; then
    # pre-commit passes git's post-checkout arguments as PRE_COMMIT_FROM_REF,
    # PRE_COMMIT_TO_REF and PRE_COMMIT_CHECKOUT_TYPE (1: a branch checkout). Advice only.
    [ "${PRE_COMMIT_CHECKOUT_TYPE:-0}" = 1 ] || exit 0
    [ "${PRE_COMMIT_FROM_REF:-}" != "${PRE_COMMIT_TO_REF:-}" ] || exit 0
    "$bin" hook post-checkout "$PRE_COMMIT_FROM_REF" "$PRE_COMMIT_TO_REF" || true
    exit 0
fi
run_miglint "$@"
