#!/bin/sh
# Entry point of the `language: script` hooks in .pre-commit-hooks.yaml. pre-commit runs
# it from its clone of this repository, with the user's repository root as the current
# directory. The first run builds the miglint binary (CMake, only that target, once, under
# a lock, so parallel hook processes wait for one build) into a cache shared by every clone
# of the same sources: pre-commit's clone of each `rev:`, `pre-commit try-repo`, other
# projects. Only the binary is kept: ${XDG_CACHE_HOME:-~/.cache}/miglint/<sources>/miglint.
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
cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/miglint

# What the binary is made of: the git trees of its sources in this clone (a try-repo clone
# of uncommitted changes has them committed), else a checksum of the files themselves.
sources_key() {
    trees=$(
        unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE GIT_OBJECT_DIRECTORY
        cd "$here" && git rev-parse -q --verify HEAD:src HEAD:cmake HEAD:rules \
            HEAD:CMakeLists.txt 2>/dev/null
    ) || trees=
    if [ -n "$trees" ]; then
        printf '%s\n' "$trees" | cksum | tr ' ' '-'
    else
        (cd "$here" && find src cmake rules CMakeLists.txt -type f | LC_ALL=C sort |
            xargs cat | cksum | tr ' ' '-')
    fi
}

# Where build messages go: the terminal, when there is one (pre-commit shows a hook's
# output only once the hook has finished), else stderr.
open_progress() {
    if (: >/dev/tty) 2>/dev/null; then
        exec 8>/dev/tty
        printf '\n' >&8 # pre-commit's "hook name....." line has no newline yet
    else
        exec 8>&2
    fi
}

build() {
    if "$bin" --version >/dev/null 2>&1; then
        return 0 # built by another hook process meanwhile
    fi
    jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
    # Measured: about 170 s of CPU time, in parallel but for the final link.
    case $jobs in
    1) minutes="4 minutes" ;;
    2 | 3) minutes="2 minutes" ;;
    *) minutes="a minute" ;;
    esac
    open_progress
    echo "miglint: building miglint once, about $minutes; later runs reuse it ($bin)" >&8
    tree=$(mktemp -d "$cache/build.XXXXXX")
    log=$cache/$key.build.log
    : >"$log"
    # Only the miglint target (no tests), without debug info, at -O1: it compiles in about
    # two thirds of the time of CMake's Release (-O3), and -O0's binary would be slow.
    # Linked stripped.
    {
        cmake -S "$here" -B "$tree" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
            "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" -DCMAKE_EXE_LINKER_FLAGS=-s 2>&1 &&
            cmake --build "$tree" --target miglint --parallel "$jobs" 2>&1 ||
            echo "miglint-build-failed $?"
    } | while IFS= read -r line; do
        printf '%s\n' "$line" >>"$log"
        case $line in
        "["*"%]"*) echo "miglint: build ${line%%]*}]" >&8 ;;
        esac
    done
    if grep -q '^miglint-build-failed' "$log" || [ ! -x "$tree/miglint" ]; then
        echo "miglint: the build failed; see $log" >&2
        echo "miglint: on Debian/Ubuntu: apt-get install cmake g++ make pkg-config libgit2-dev libsqlite3-dev libtomlplusplus-dev libfmt-dev libcli11-dev nlohmann-json3-dev" >&2
        exit 3
    fi
    mkdir -p "$dir"
    cp "$tree/miglint" "$bin.tmp.$$" && mv "$bin.tmp.$$" "$bin"
    rm -rf "$tree" "$log"
    tree=
    echo "miglint: built $bin" >&8
    exec 8>&-
}

if [ -n "${MIGLINT_PRE_COMMIT_BINARY:-}" ]; then
    bin=$MIGLINT_PRE_COMMIT_BINARY
else
    key=$(sources_key)-$(uname -m)
    dir=$cache/$key
    bin=$dir/miglint
    # A binary that no longer starts (a system library it links was replaced) is rebuilt.
    if ! "$bin" --version >/dev/null 2>&1; then
        mkdir -p "$cache"
        # An interrupted build leaves neither its tree nor the lock behind.
        tree= lockdir=
        trap '[ -z "$tree" ] || rm -rf "$tree"; [ -z "$lockdir" ] || rmdir "$lockdir"' EXIT
        trap 'exit 130' INT TERM HUP
        if command -v flock >/dev/null 2>&1; then
            exec 9>"$cache/$key.lock"
            flock 9
            build
            exec 9>&-
        else
            until mkdir "$cache/$key.lockdir" 2>/dev/null; do sleep 1; done
            lockdir=$cache/$key.lockdir
            build
            rmdir "$lockdir"
            lockdir=
        fi
        trap - EXIT INT TERM HUP
    fi
fi

# miglint's hints name fixes as `miglint ...`, but this miglint is not on PATH when
# pre-commit built it: then say which binary that is and how to put it there.
path_note() {
    if ! command -v miglint >/dev/null 2>&1; then
        echo "miglint: note: \`miglint\` above is $bin; put it on PATH with:" >&2
        echo "    mkdir -p ~/.local/bin && ln -sf '$bin' ~/.local/bin/miglint" >&2
    fi
}

# Runs miglint and exits with its status, with the note when it failed (its findings
# name their fixes).
run_miglint() {
    status=0
    "$bin" "$@" || status=$?
    if [ "$status" -ne 0 ]; then
        path_note
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
    advice=$("$bin" hook post-checkout "$PRE_COMMIT_FROM_REF" "$PRE_COMMIT_TO_REF" 2>&1) || true
    if [ -n "$advice" ]; then
        printf '%s\n' "$advice"
        case $advice in
        *"miglint "*) path_note 2>&1 ;;
        esac
    fi
    exit 0
fi
run_miglint "$@"
