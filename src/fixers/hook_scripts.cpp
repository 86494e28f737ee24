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

constexpr const char* k_pre_push = R"HOOK(#!/bin/sh
# miglint pre-push hook: for every branch being pushed, checks that its migrations still
# form one head once merged with what the remote has (`miglint lint --against REF`): the
# remote branch itself, or for a new branch the remote's default branch. Git passes
# `<remote> <url>` as arguments and one `<local-ref> <local-oid> <remote-ref> <remote-oid>`
# line per pushed ref on stdin. A pre-push hook installed before miglint's is kept as
# pre-push.local and runs first, with the same input.
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
against_supported=no
if "$miglint" lint --help 2>/dev/null | grep -q -e '--against'; then
    against_supported=yes
fi
head=$(git rev-parse -q --verify HEAD 2>/dev/null)
status=0
linted=no
while read -r local_ref local_oid remote_ref remote_oid; do
    [ -n "$local_ref" ] || continue
    [ "$local_oid" != "$zero" ] || continue # deleting a remote branch
    if [ "$local_oid" != "$head" ]; then
        echo "miglint: note: $local_ref is not checked out, so its migrations were not checked" >&2
        continue
    fi
    against=
    branch=${remote_ref#refs/heads/}
    if [ "$remote_oid" != "$zero" ] && git cat-file -e "$remote_oid^{commit}" 2>/dev/null; then
        against=$remote_oid
    elif git rev-parse -q --verify "refs/remotes/$remote/$branch" >/dev/null 2>&1; then
        against=refs/remotes/$remote/$branch
    else
        against=$(git symbolic-ref -q --short "refs/remotes/$remote/HEAD" 2>/dev/null)
    fi
    if [ "$against_supported" = yes ] && [ -n "$against" ]; then
        "$miglint" lint --against "$against" || status=1
    elif [ "$linted" = no ]; then
        "$miglint" lint || status=1
        linted=yes
    fi
done <<EOF_INPUT
$input
EOF_INPUT
if [ "$status" -ne 0 ]; then
    echo "miglint: push blocked: fix the findings above (\`miglint rebase\` or \`miglint merge\` join two heads)" >&2
fi
exit $status
)HOOK";

constexpr const char* k_post_merge = R"HOOK(#!/bin/sh
# miglint post-merge hook: after a pull or merge that leaves several migration heads,
# says so and names the fix. It never fails the merge. A post-merge hook installed
# before miglint's is kept as post-merge.local and runs first.
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
        echo "miglint: note: on a feature branch, put its revisions on top of the base branch: miglint rebase"
        echo "miglint: note: or join the heads with a merge revision: miglint merge -m \"merge heads\""
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
      {"pre-push", k_pre_push},
      {"post-merge", k_post_merge},
      {"post-checkout", k_post_checkout},
  };
  return scripts;
}

} // namespace miglint::fixers
