// libgit2, loaded on first use instead of linked. Linking it made every run of miglint
// load and bind libgit2 and its fifteen dependencies (krb5, libssh2, mbedtls, pcre2,
// ...), about 2 ms, most of the start-up of a command that never reads git history.
// The only includer of <git2.h>, and the list of the libgit2 functions miglint calls.
#pragma once

#include "model/result.hpp"

#include <atomic>
#include <git2.h>
#include <string>

namespace miglint::git::libgit2 {

// The library by SONAME, as built against ("libgit2.so.1.5"), and the Debian package
// that provides it ("libgit2-1.5").
std::string soname();
std::string package();

// Loads the library and calls git_libgit2_init, once per process; later calls return
// the first outcome. The Error names the library and the package to install.
model::Result<void> load();

// Opens a library with dlopen. The Error says what failed and what to install.
model::Result<void*> open_library(const std::string& name);

// The address of a function of the loaded library. A libgit2 with the right SONAME has
// every function miglint calls, so a missing one means a broken installation: this
// prints that and exits with status 2.
void* require_symbol(const char* name);

template <typename Fn> class Function;

// A libgit2 function, called like the real one and resolved on its first call. Only
// callable after load() succeeded (Repository::discover is the way in).
template <typename R, typename... Args> class Function<R (*)(Args...)> {
public:
  using Pointer = R (*)(Args...);
  consteval explicit Function(const char* name) : m_name(name) {}
  R operator()(Args... args) const { return target()(args...); }

private:
  Pointer target() const
  {
    Pointer fn = m_fn.load(std::memory_order_acquire);
    if (fn == nullptr) {
      fn = reinterpret_cast<Pointer>(require_symbol(m_name));
      m_fn.store(fn, std::memory_order_release);
    }
    return fn;
  }
  const char* m_name;
  mutable std::atomic<Pointer> m_fn{nullptr};
};

// The same for a C variadic function (git_libgit2_opts).
template <typename R, typename... Args> class Function<R (*)(Args..., ...)> {
public:
  using Pointer = R (*)(Args..., ...);
  consteval explicit Function(const char* name) : m_name(name) {}
  template <typename... More> R operator()(Args... args, More... more) const
  {
    Pointer fn = m_fn.load(std::memory_order_acquire);
    if (fn == nullptr) {
      fn = reinterpret_cast<Pointer>(require_symbol(m_name));
      m_fn.store(fn, std::memory_order_release);
    }
    return fn(args..., more...);
  }

private:
  const char* m_name;
  mutable std::atomic<Pointer> m_fn{nullptr};
};

// Every libgit2 function miglint calls, with the signature from <git2.h>. Code inside
// miglint::git that says `using namespace libgit2;` calls these instead of the
// (unlinked) originals, unchanged: a function missing here fails at link time.
// clang-format off
inline constinit Function<decltype(&::git_blob_free)> git_blob_free{"git_blob_free"};
inline constinit Function<decltype(&::git_blob_lookup)> git_blob_lookup{"git_blob_lookup"};
inline constinit Function<decltype(&::git_blob_rawcontent)> git_blob_rawcontent{"git_blob_rawcontent"};
inline constinit Function<decltype(&::git_blob_rawsize)> git_blob_rawsize{"git_blob_rawsize"};
inline constinit Function<decltype(&::git_branch_iterator_free)> git_branch_iterator_free{"git_branch_iterator_free"};
inline constinit Function<decltype(&::git_branch_iterator_new)> git_branch_iterator_new{"git_branch_iterator_new"};
inline constinit Function<decltype(&::git_branch_name)> git_branch_name{"git_branch_name"};
inline constinit Function<decltype(&::git_branch_next)> git_branch_next{"git_branch_next"};
inline constinit Function<decltype(&::git_commit_author)> git_commit_author{"git_commit_author"};
inline constinit Function<decltype(&::git_commit_free)> git_commit_free{"git_commit_free"};
inline constinit Function<decltype(&::git_commit_id)> git_commit_id{"git_commit_id"};
inline constinit Function<decltype(&::git_commit_lookup)> git_commit_lookup{"git_commit_lookup"};
inline constinit Function<decltype(&::git_commit_parent_id)> git_commit_parent_id{"git_commit_parent_id"};
inline constinit Function<decltype(&::git_commit_parentcount)> git_commit_parentcount{"git_commit_parentcount"};
inline constinit Function<decltype(&::git_commit_summary)> git_commit_summary{"git_commit_summary"};
inline constinit Function<decltype(&::git_commit_tree)> git_commit_tree{"git_commit_tree"};
inline constinit Function<decltype(&::git_commit_tree_id)> git_commit_tree_id{"git_commit_tree_id"};
inline constinit Function<decltype(&::git_config_free)> git_config_free{"git_config_free"};
inline constinit Function<decltype(&::git_config_get_string)> git_config_get_string{"git_config_get_string"};
inline constinit Function<decltype(&::git_error_last)> git_error_last{"git_error_last"};
inline constinit Function<decltype(&::git_index_entrycount)> git_index_entrycount{"git_index_entrycount"};
inline constinit Function<decltype(&::git_index_free)> git_index_free{"git_index_free"};
inline constinit Function<decltype(&::git_index_get_byindex)> git_index_get_byindex{"git_index_get_byindex"};
inline constinit Function<decltype(&::git_index_get_bypath)> git_index_get_bypath{"git_index_get_bypath"};
inline constinit Function<decltype(&::git_index_open)> git_index_open{"git_index_open"};
inline constinit Function<decltype(&::git_index_read)> git_index_read{"git_index_read"};
inline constinit Function<decltype(&::git_libgit2_init)> git_libgit2_init{"git_libgit2_init"};
inline constinit Function<decltype(&::git_libgit2_opts)> git_libgit2_opts{"git_libgit2_opts"};
inline constinit Function<decltype(&::git_merge_base)> git_merge_base{"git_merge_base"};
inline constinit Function<decltype(&::git_object_free)> git_object_free{"git_object_free"};
inline constinit Function<decltype(&::git_object_id)> git_object_id{"git_object_id"};
inline constinit Function<decltype(&::git_object_peel)> git_object_peel{"git_object_peel"};
inline constinit Function<decltype(&::git_oid_equal)> git_oid_equal{"git_oid_equal"};
inline constinit Function<decltype(&::git_oid_fromstr)> git_oid_fromstr{"git_oid_fromstr"};
inline constinit Function<decltype(&::git_oid_is_zero)> git_oid_is_zero{"git_oid_is_zero"};
inline constinit Function<decltype(&::git_oid_tostr)> git_oid_tostr{"git_oid_tostr"};
inline constinit Function<decltype(&::git_reference_free)> git_reference_free{"git_reference_free"};
inline constinit Function<decltype(&::git_reflog_entry_byindex)> git_reflog_entry_byindex{"git_reflog_entry_byindex"};
inline constinit Function<decltype(&::git_reflog_entry_message)> git_reflog_entry_message{"git_reflog_entry_message"};
inline constinit Function<decltype(&::git_reflog_entrycount)> git_reflog_entrycount{"git_reflog_entrycount"};
inline constinit Function<decltype(&::git_reflog_free)> git_reflog_free{"git_reflog_free"};
inline constinit Function<decltype(&::git_reflog_read)> git_reflog_read{"git_reflog_read"};
inline constinit Function<decltype(&::git_reference_lookup)> git_reference_lookup{"git_reference_lookup"};
inline constinit Function<decltype(&::git_reference_name)> git_reference_name{"git_reference_name"};
inline constinit Function<decltype(&::git_reference_symbolic_target)> git_reference_symbolic_target{"git_reference_symbolic_target"};
inline constinit Function<decltype(&::git_reference_target)> git_reference_target{"git_reference_target"};
inline constinit Function<decltype(&::git_reference_type)> git_reference_type{"git_reference_type"};
inline constinit Function<decltype(&::git_repository_commondir)> git_repository_commondir{"git_repository_commondir"};
inline constinit Function<decltype(&::git_repository_config_snapshot)> git_repository_config_snapshot{"git_repository_config_snapshot"};
inline constinit Function<decltype(&::git_repository_free)> git_repository_free{"git_repository_free"};
inline constinit Function<decltype(&::git_repository_index)> git_repository_index{"git_repository_index"};
inline constinit Function<decltype(&::git_repository_is_bare)> git_repository_is_bare{"git_repository_is_bare"};
inline constinit Function<decltype(&::git_repository_is_shallow)> git_repository_is_shallow{"git_repository_is_shallow"};
inline constinit Function<decltype(&::git_repository_open_ext)> git_repository_open_ext{"git_repository_open_ext"};
inline constinit Function<decltype(&::git_repository_path)> git_repository_path{"git_repository_path"};
inline constinit Function<decltype(&::git_repository_workdir)> git_repository_workdir{"git_repository_workdir"};
inline constinit Function<decltype(&::git_revparse_single)> git_revparse_single{"git_revparse_single"};
inline constinit Function<decltype(&::git_revwalk_free)> git_revwalk_free{"git_revwalk_free"};
inline constinit Function<decltype(&::git_revwalk_new)> git_revwalk_new{"git_revwalk_new"};
inline constinit Function<decltype(&::git_revwalk_next)> git_revwalk_next{"git_revwalk_next"};
inline constinit Function<decltype(&::git_revwalk_push)> git_revwalk_push{"git_revwalk_push"};
inline constinit Function<decltype(&::git_revwalk_sorting)> git_revwalk_sorting{"git_revwalk_sorting"};
inline constinit Function<decltype(&::git_tree_dup)> git_tree_dup{"git_tree_dup"};
inline constinit Function<decltype(&::git_tree_entry_byindex)> git_tree_entry_byindex{"git_tree_entry_byindex"};
inline constinit Function<decltype(&::git_tree_entry_byname)> git_tree_entry_byname{"git_tree_entry_byname"};
inline constinit Function<decltype(&::git_tree_entry_bypath)> git_tree_entry_bypath{"git_tree_entry_bypath"};
inline constinit Function<decltype(&::git_tree_entry_cmp)> git_tree_entry_cmp{"git_tree_entry_cmp"};
inline constinit Function<decltype(&::git_tree_entry_filemode)> git_tree_entry_filemode{"git_tree_entry_filemode"};
inline constinit Function<decltype(&::git_tree_entry_free)> git_tree_entry_free{"git_tree_entry_free"};
inline constinit Function<decltype(&::git_tree_entry_id)> git_tree_entry_id{"git_tree_entry_id"};
inline constinit Function<decltype(&::git_tree_entry_name)> git_tree_entry_name{"git_tree_entry_name"};
inline constinit Function<decltype(&::git_tree_entry_type)> git_tree_entry_type{"git_tree_entry_type"};
inline constinit Function<decltype(&::git_tree_entrycount)> git_tree_entrycount{"git_tree_entrycount"};
inline constinit Function<decltype(&::git_tree_free)> git_tree_free{"git_tree_free"};
inline constinit Function<decltype(&::git_tree_id)> git_tree_id{"git_tree_id"};
inline constinit Function<decltype(&::git_tree_lookup)> git_tree_lookup{"git_tree_lookup"};
// clang-format on

} // namespace miglint::git::libgit2
