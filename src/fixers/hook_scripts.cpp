// The git hooks `miglint install-hooks` writes: copies of the scripts in hooks/ (a unit
// test checks that they stay byte-identical), so an installed miglint needs no source tree.
#include "fixers/hook_installer.hpp"

namespace miglint::fixers {

namespace {

constexpr const char* k_pre_commit = R"HOOK(#!/bin/sh
# miglint pre-commit hook: lints the staged migrations (the whole revision graph) and
# blocks the commit on an error finding. MIGLINT names the binary (default: miglint on
# PATH). A hook that was installed here before miglint's is kept as pre-commit.local
# and runs first.
miglint=${MIGLINT:-miglint}
if [ -x "$0.local" ]; then
    "$0.local" "$@" || exit $?
fi
if ! command -v "$miglint" >/dev/null 2>&1; then
    echo "miglint: warning: '$miglint' is not on PATH, so the migrations were not checked (set MIGLINT)" >&2
    exit 0
fi
if "$miglint" lint --help 2>/dev/null | grep -q -e '--staged'; then
    exec "$miglint" lint --staged
fi
exec "$miglint" lint
)HOOK";

constexpr const char* k_pre_merge_commit = R"HOOK(#!/bin/sh
# miglint pre-merge-commit hook: lints the merge result as staged (`miglint lint --staged`)
# before git records a merge made without conflicts, and stops a merge that leaves two
# migration heads. The merge then stays staged: join the heads and `git commit`, or
# `git merge --abort`. (A merge with conflicts runs the pre-commit hook when committed;
# a fast-forward or `--no-verify` runs neither: the post-merge hook warns then.) A hook
# installed before miglint's is kept as pre-merge-commit.local and runs first.
miglint=${MIGLINT:-miglint}
if [ -x "$0.local" ]; then
    "$0.local" "$@" || exit $?
fi
if ! command -v "$miglint" >/dev/null 2>&1; then
    echo "miglint: warning: '$miglint' is not on PATH, so the merge was not checked (set MIGLINT)" >&2
    exit 0
fi
"$miglint" lint --staged && exit 0
status=$?
echo "miglint: the merge is staged but not committed: fix the findings above, then \`git add\` and \`git commit\` (or \`git merge --abort\`)" >&2
exit $status
)HOOK";

constexpr const char* k_pre_push = R"HOOK(#!/bin/sh
# miglint pre-push hook: checks every pushed branch as committed (`miglint lint --ref`,
# read from git, whatever is checked out) merged with what the remote has of it
# (`--against`): the remote's commit when it is known here, else the remote-tracking
# branch, else for a new branch the base branch miglint finds (base_ref, the remote's
# HEAD, its main or master), else the branch alone.
# Git passes `<remote> <url>` as arguments and one `<local-ref> <local-oid> <remote-ref>
# <remote-oid>` line per pushed ref on stdin. Deleting a remote ref is not checked, nor
# is a commit without migrations (gh-pages). A tag is checked on its own (it is merged
# into nothing) only when it brings commits that neither the remote nor the branches of
# this push have; a tag of commits already pushed was checked with their branch. A
# pre-push hook installed before miglint's is kept as pre-push.local and runs first,
# with the same input.
remote=${1:-origin}
miglint=${MIGLINT:-miglint}
zero=0000000000000000000000000000000000000000
input=$(cat)
if [ -x "$0.local" ]; then
    printf '%s\n' "$input" | "$0.local" "$@" || exit $?
fi
if ! command -v "$miglint" >/dev/null 2>&1; then
    echo "miglint: warning: '$miglint' is not on PATH, so the migrations were not checked (set MIGLINT)" >&2
    exit 0
fi
fix="\`miglint rebase\` or \`miglint merge\`, on the branch, join two heads"
if ! "$miglint" lint --help 2>/dev/null | grep -q -e '--ref'; then
    # A miglint older than `lint --ref` reads only the working tree.
    echo "miglint: note: this miglint cannot read other commits (no \`lint --ref\`); checking the working tree only" >&2
    "$miglint" lint && exit 0
    echo "miglint: push blocked: fix the findings above ($fix)" >&2
    exit 1
fi
# The commits of the branches pushed now, so that a tag on them is not checked twice.
branches=$(printf '%s\n' "$input" | while read -r _ oid ref _; do
    case $ref in refs/tags/*) ;; *) [ -z "$oid" ] || [ "$oid" = "$zero" ] || echo "$oid" ;; esac
done)
blocked=
while read -r local_ref local_oid remote_ref remote_oid; do
    [ -n "$local_ref" ] || continue
    [ "$local_oid" != "$zero" ] || continue # deleting a remote ref adds nothing
    name=${remote_ref#refs/heads/}
    # The pushed commit, named as the user knows it when the local ref is what is pushed.
    rev=$local_oid
    if [ "$(git rev-parse -q --verify "$local_ref" 2>/dev/null)" = "$local_oid" ]; then
        rev=$local_ref
    fi
    against=
    case $remote_ref in
    refs/tags/*)
        git cat-file -e "$local_oid^{commit}" 2>/dev/null || continue # a tag of a tree or blob
        # shellcheck disable=SC2086 # one commit id per word
        new=$(git rev-list -n 1 "$local_oid" --not --remotes="$remote" $branches 2>/dev/null)
        [ -n "$new" ] || continue
        ;;
    *)
        tracking=refs/remotes/$remote/$name
        if [ "$remote_oid" != "$zero" ] && git cat-file -e "$remote_oid^{commit}" 2>/dev/null; then
            against=$remote_oid
            if [ "$(git rev-parse -q --verify "$tracking^{commit}" 2>/dev/null)" = "$remote_oid" ]; then
                against=$tracking # the same commit, under a name people read
            fi
        elif git rev-parse -q --verify "$tracking^{commit}" >/dev/null 2>&1; then
            against=$tracking
        fi
        ;;
    esac
    if [ -n "$against" ]; then
        "$miglint" lint --missing-ok --ref "$rev" --against "$against"
    elif [ -n "${remote_ref##refs/tags/*}" ]; then
        # A new branch: miglint compares it with the base branch (base_ref, else the
        # remote's HEAD, main or master) unless it is on that branch already.
        "$miglint" lint --missing-ok --ref "$rev" --remote "$remote"
    else
        "$miglint" lint --missing-ok --ref "$rev" --no-against # a tag merges into nothing
    fi || blocked="$blocked ${name#refs/tags/}"
done <<EOF_INPUT
$input
EOF_INPUT
if [ -n "$blocked" ]; then
    echo "miglint: push blocked by the migrations of:$blocked; fix the findings above ($fix)" >&2
    exit 1
fi
exit 0
)HOOK";

constexpr const char* k_post_merge = R"HOOK(#!/bin/sh
# miglint post-merge hook: after a pull or merge that leaves several migration heads
# (a fast-forward or `--no-verify`: pre-merge-commit stops the others), says so and names
# the fix that works whatever the branches hold: a merge revision. It never fails the
# merge. A post-merge hook installed before miglint's is kept as post-merge.local and
# runs first.
miglint=${MIGLINT:-miglint}
if [ -x "$0.local" ]; then
    "$0.local" "$@"
fi
command -v "$miglint" >/dev/null 2>&1 || exit 0
heads=$("$miglint" heads 2>/dev/null) || exit 0
count=$(printf '%s\n' "$heads" | grep -c '[^[:space:]]')
if [ "$count" -gt 1 ]; then
    {
        echo "miglint: warning: the merge left $count migration heads:"
        printf '%s\n' "$heads" | sed 's/^/    /'
        echo "miglint: note: join the heads with a merge revision: miglint merge -m \"merge heads\""
    } >&2
fi
exit 0
)HOOK";

constexpr const char* k_post_checkout = R"HOOK(#!/bin/sh
# miglint post-checkout hook: after switching branches, warns when the development
# database is at a revision this branch does not have, and prints the `miglint downgrade`
# (to run on the previous branch) that gets it back to the revision both branches share.
# Git passes `<previous HEAD> <new HEAD> <1 for a branch checkout>`. It never fails the
# checkout. A hook installed before miglint's is kept as post-checkout.local and runs first.
miglint=${MIGLINT:-miglint}
if [ -x "$0.local" ]; then
    "$0.local" "$@"
fi
[ "${3:-0}" = 1 ] || exit 0
[ "$1" != "$2" ] || exit 0
command -v "$miglint" >/dev/null 2>&1 || exit 0
"$miglint" hook post-checkout "$1" "$2"
exit 0
)HOOK";

} // namespace

const std::vector<HookScript>& hook_scripts()
{
  static const std::vector<HookScript> scripts = {
      {"pre-commit", k_pre_commit},
      {"pre-merge-commit", k_pre_merge_commit},
      {"pre-push", k_pre_push},
      {"post-merge", k_post_merge},
      {"post-checkout", k_post_checkout},
  };
  return scripts;
}

} // namespace miglint::fixers
