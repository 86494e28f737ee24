#include "git/repository.hpp"

#include "git/libgit2_loader.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>
#include <map>
#include <cstring>
#include <set>
#include <unordered_map>

namespace miglint::git {

namespace fs = std::filesystem;
using model::Error;
using model::Result;
// The git_* calls below go to the lazily loaded library.
using namespace libgit2;

// Named, not anonymous: Repository::Impl holds a RepoHandle.
namespace handles {

template <typename T, const auto& Free> struct Deleter {
  void operator()(T* p) const
  {
    if (p != nullptr) {
      Free(p);
    }
  }
};
template <typename T, const auto& Free> using Handle = std::unique_ptr<T, Deleter<T, Free>>;
using RepoHandle = Handle<git_repository, git_repository_free>;
using ObjectHandle = Handle<git_object, git_object_free>;
using CommitHandle = Handle<git_commit, git_commit_free>;
using TreeHandle = Handle<git_tree, git_tree_free>;
using EntryHandle = Handle<git_tree_entry, git_tree_entry_free>;
using BlobHandle = Handle<git_blob, git_blob_free>;
using IndexHandle = Handle<git_index, git_index_free>;
using RefHandle = Handle<git_reference, git_reference_free>;
using ConfigHandle = Handle<git_config, git_config_free>;
using ReflogHandle = Handle<git_reflog, git_reflog_free>;
using WalkHandle = Handle<git_revwalk, git_revwalk_free>;
using BranchIterHandle = Handle<git_branch_iterator, git_branch_iterator_free>;

} // namespace handles
using namespace handles;

namespace {

// libgit2's last error, translated once here.
Error last_error(const std::string& what, int rc)
{
  const git_error* e = git_error_last();
  std::string message = e && e->message ? e->message : "unknown libgit2 error";
  if (rc == GIT_ENOTFOUND && message.find("safe.directory") != std::string::npos) {
    return model::make_error(
        fmt::format("{}: the repository is owned by another user; run `git config --global "
                    "--add safe.directory <path>`",
                    what));
  }
  return model::make_error(fmt::format("{}: {}", what, message),
                           rc == GIT_ENOTFOUND ? Error::Kind::not_found : Error::Kind::other);
}

// Loads libgit2 on first use and sets it up for reading history.
Result<void> init_once()
{
  static const Result<void> outcome = []() -> Result<void> {
    MIGLINT_TRY(libgit2::load());
    // libgit2 caches no tree larger than 4 KiB by default, and a versions directory of a
    // few hundred revisions is bigger: every lookup would inflate and parse it again.
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, std::size_t{4} << 20);
    // Re-hashing every object read (SHA-1 with collision detection) is a third of the
    // history walk's time; git itself does not verify objects on read either.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    return {};
  }();
  return outcome;
}

std::string oid_hex(const git_oid* oid)
{
  char buffer[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(buffer, sizeof buffer, oid);
  return buffer;
}

Result<git_oid> parse_oid(const std::string& hex)
{
  git_oid oid;
  if (git_oid_fromstr(&oid, hex.c_str()) != 0) {
    return model::make_error(fmt::format("'{}' is not a commit id", hex));
  }
  return oid;
}

// The tree of `dir` (repo-relative) inside `root`; null when absent or not a tree.
TreeHandle subtree(git_repository* repo, git_tree* root, const std::string& dir)
{
  if (dir.empty()) {
    git_tree* copy = nullptr;
    git_tree_dup(&copy, root);
    return TreeHandle(copy);
  }
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, root, dir.c_str()) != 0) {
    return nullptr;
  }
  EntryHandle entry(raw);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) {
    return nullptr;
  }
  git_tree* tree = nullptr;
  if (git_tree_lookup(&tree, repo, git_tree_entry_id(entry.get())) != 0) {
    return nullptr;
  }
  return TreeHandle(tree);
}

Result<std::string> read_blob(git_repository* repo, const git_oid* id, const std::string& path)
{
  git_blob* raw = nullptr;
  if (int rc = git_blob_lookup(&raw, repo, id); rc != 0) {
    return last_error(fmt::format("cannot read {}", path), rc);
  }
  BlobHandle blob(raw);
  const auto size = static_cast<std::size_t>(git_blob_rawsize(blob.get()));
  if (size > source::k_max_file_size) {
    return model::make_error(
        fmt::format("file is larger than {} MiB; not a revision file", source::k_max_file_size >> 20));
  }
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), size);
}

class TreeSource final : public source::Source {
public:
  TreeSource(git_repository* repo, TreeHandle root, std::string label)
      : m_repo(repo), m_root(std::move(root)), m_label(std::move(label))
  {
  }

  Result<std::vector<std::string>> list(const std::string& dir) const override
  {
    TreeHandle tree = subtree(m_repo, m_root.get(), dir);
    if (!tree) {
      return model::make_error(fmt::format("{} does not exist in {}", dir, m_label),
                               Error::Kind::not_found);
    }
    std::vector<std::string> names;
    for (std::size_t i = 0; i < git_tree_entrycount(tree.get()); ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
      // Only regular blobs: symlinks could point outside the repository.
      const auto mode = git_tree_entry_filemode(e);
      if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
        names.emplace_back(git_tree_entry_name(e));
      }
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  Result<std::string> read(const std::string& path) const override
  {
    git_tree_entry* raw = nullptr;
    if (int rc = git_tree_entry_bypath(&raw, m_root.get(), path.c_str()); rc != 0) {
      return last_error(fmt::format("cannot find {} in {}", path, m_label), rc);
    }
    EntryHandle entry(raw);
    return read_blob(m_repo, git_tree_entry_id(entry.get()), path);
  }

  std::string describe() const override { return m_label; }

private:
  git_repository* m_repo;
  TreeHandle m_root;
  std::string m_label;
};

class IndexSource final : public source::Source {
public:
  IndexSource(git_repository* repo, IndexHandle index) : m_repo(repo), m_index(std::move(index)) {}

  Result<std::vector<std::string>> list(const std::string& dir) const override
  {
    const std::string prefix = dir.empty() ? std::string() : dir + "/";
    std::set<std::string> names;
    bool any = false;
    const std::size_t count = git_index_entrycount(m_index.get());
    for (std::size_t i = 0; i < count; ++i) {
      const git_index_entry* e = git_index_get_byindex(m_index.get(), i);
      const std::string path = e->path;
      if (!path.starts_with(prefix)) {
        continue;
      }
      any = true;
      const std::string rest = path.substr(prefix.size());
      if (rest.find('/') == std::string::npos && GIT_INDEX_ENTRY_STAGE(e) == 0 &&
          (e->mode == GIT_FILEMODE_BLOB || e->mode == GIT_FILEMODE_BLOB_EXECUTABLE)) {
        names.insert(rest);
      }
    }
    if (!any) {
      return model::make_error(fmt::format("{} has no staged files", dir), Error::Kind::not_found);
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

  Result<std::string> read(const std::string& path) const override
  {
    const git_index_entry* e = git_index_get_bypath(m_index.get(), path.c_str(), 0);
    if (e == nullptr) {
      return model::make_error(fmt::format("{} is not staged (or has a merge conflict)", path),
                               Error::Kind::not_found);
    }
    return read_blob(m_repo, &e->id, path);
  }

  std::string describe() const override { return "the index (staged files)"; }

private:
  git_repository* m_repo;
  IndexHandle m_index;
};

CommitInfo describe_commit(git_commit* commit)
{
  CommitInfo info;
  info.id = oid_hex(git_commit_id(commit));
  info.short_id = info.id.substr(0, 8);
  if (const git_signature* author = git_commit_author(commit)) {
    info.author = author->name ? author->name : "";
    std::time_t t = static_cast<std::time_t>(author->when.time + author->when.offset * 60);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[16];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
    info.date = buffer;
  }
  if (const char* summary = git_commit_summary(commit)) {
    info.subject = summary;
  }
  return info;
}

} // namespace

struct Repository::Impl {
  RepoHandle repo;
};

Repository::Repository(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

Result<void> Repository::available()
{
  return init_once();
}

Result<Repository> Repository::discover(const fs::path& start)
{
  MIGLINT_TRY(init_once());
  git_repository* raw = nullptr;
  // Inside a hook git exports GIT_DIR (and GIT_INDEX_FILE); honour them.
  const bool from_env = std::getenv("GIT_DIR") != nullptr;
  const int rc = from_env ? git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr)
                          : git_repository_open_ext(&raw, start.c_str(), 0, nullptr);
  if (rc != 0) {
    return last_error(fmt::format("not inside a git repository ({})", start.string()), rc);
  }
  auto impl = std::make_unique<Impl>();
  impl->repo.reset(raw);
  return Repository(std::move(impl));
}

bool Repository::is_bare() const
{
  return git_repository_is_bare(m_impl->repo.get()) == 1;
}

bool Repository::is_shallow() const
{
  return git_repository_is_shallow(m_impl->repo.get()) == 1;
}

fs::path Repository::workdir() const
{
  const char* dir = git_repository_workdir(m_impl->repo.get());
  return dir ? fs::path(dir) : fs::path();
}

fs::path Repository::git_dir() const
{
  return fs::path(git_repository_path(m_impl->repo.get()));
}

std::string Repository::relative(const fs::path& path) const
{
  const fs::path base = fs::weakly_canonical(workdir());
  const fs::path full = fs::weakly_canonical(fs::absolute(path));
  std::string rel = full.lexically_relative(base).generic_string();
  if (rel == ".") {
    return {};
  }
  while (!rel.empty() && rel.back() == '/') {
    rel.pop_back();
  }
  return rel;
}

Result<std::string> Repository::resolve_commit(const std::string& rev) const
{
  git_object* raw = nullptr;
  if (int rc = git_revparse_single(&raw, m_impl->repo.get(), rev.c_str()); rc != 0) {
    return last_error(fmt::format("unknown revision '{}'", rev), rc);
  }
  ObjectHandle object(raw);
  git_object* peeled = nullptr;
  if (int rc = git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT); rc != 0) {
    return last_error(fmt::format("'{}' does not name a commit", rev), rc);
  }
  ObjectHandle commit(peeled);
  return oid_hex(git_object_id(commit.get()));
}

Result<std::string> Repository::merge_base(const std::string& a, const std::string& b) const
{
  auto oa = parse_oid(a);
  auto ob = parse_oid(b);
  if (!oa || !ob) {
    return model::make_error("bad commit id");
  }
  git_oid out;
  if (int rc = git_merge_base(&out, m_impl->repo.get(), &*oa, &*ob); rc != 0) {
    if (is_shallow()) {
      return model::make_error(
          "this is a shallow clone, so the merge base cannot be found; run `git fetch "
          "--unshallow` (in GitHub Actions: `fetch-depth: 0` in actions/checkout)");
    }
    return last_error("no common ancestor", rc);
  }
  return oid_hex(&out);
}

Result<CommitInfo> Repository::commit_info(const std::string& commit) const
{
  auto oid = parse_oid(commit);
  if (!oid) {
    return oid.error();
  }
  git_commit* raw = nullptr;
  if (int rc = git_commit_lookup(&raw, m_impl->repo.get(), &*oid); rc != 0) {
    return last_error("cannot read commit", rc);
  }
  CommitHandle c(raw);
  return describe_commit(c.get());
}

Result<std::unique_ptr<source::Source>> Repository::tree_source(const std::string& commit) const
{
  auto oid = parse_oid(commit);
  if (!oid) {
    return oid.error();
  }
  git_commit* raw = nullptr;
  if (int rc = git_commit_lookup(&raw, m_impl->repo.get(), &*oid); rc != 0) {
    return last_error("cannot read commit", rc);
  }
  CommitHandle c(raw);
  git_tree* tree = nullptr;
  if (int rc = git_commit_tree(&tree, c.get()); rc != 0) {
    return last_error("cannot read commit tree", rc);
  }
  return std::unique_ptr<source::Source>(
      new TreeSource(m_impl->repo.get(), TreeHandle(tree), "commit " + commit.substr(0, 8)));
}

Result<std::unique_ptr<source::Source>> Repository::index_source() const
{
  if (is_bare()) {
    return model::make_error("a bare repository has no index; --staged needs a working tree",
                             Error::Kind::usage);
  }
  git_index* raw = nullptr;
  int rc = 0;
  if (const char* file = std::getenv("GIT_INDEX_FILE"); file != nullptr && *file != '\0') {
    // `git commit -a` and friends stage into a temporary index named by the hook's env.
    fs::path p(file);
    if (p.is_relative()) {
      p = workdir() / p;
    }
    rc = git_index_open(&raw, p.c_str());
  } else {
    rc = git_repository_index(&raw, m_impl->repo.get());
  }
  if (rc != 0) {
    return last_error("cannot open the git index", rc);
  }
  IndexHandle index(raw);
  git_index_read(index.get(), 0);
  return std::unique_ptr<source::Source>(new IndexSource(m_impl->repo.get(), std::move(index)));
}

Result<std::vector<BranchRef>> Repository::branches() const
{
  git_branch_iterator* raw = nullptr;
  if (int rc = git_branch_iterator_new(&raw, m_impl->repo.get(), GIT_BRANCH_ALL); rc != 0) {
    return last_error("cannot list branches", rc);
  }
  BranchIterHandle it(raw);
  std::vector<BranchRef> out;
  git_reference* ref = nullptr;
  git_branch_t type;
  while (git_branch_next(&ref, &type, it.get()) == 0) {
    RefHandle r(ref);
    if (git_reference_type(r.get()) == GIT_REFERENCE_SYMBOLIC) {
      continue; // origin/HEAD
    }
    const char* name = nullptr;
    git_branch_name(&name, r.get());
    const git_oid* target = git_reference_target(r.get());
    if (name == nullptr || target == nullptr) {
      continue;
    }
    out.push_back({name, git_reference_name(r.get()), type == GIT_BRANCH_REMOTE, oid_hex(target)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Result<std::string> Repository::default_base(const std::optional<std::string>& configured,
                                             const std::string& remote_name) const
{
  if (configured) {
    return *configured;
  }
  // The remote: the one named, else origin, else the only remote with tracking branches.
  std::string remote = remote_name;
  auto all = branches();
  if (remote.empty() && all) {
    std::set<std::string> remotes;
    for (const auto& b : *all) {
      if (b.remote && b.name.find('/') != std::string::npos) {
        remotes.insert(b.name.substr(0, b.name.find('/')));
      }
    }
    remote = remotes.count("origin") || remotes.size() != 1 ? "origin" : *remotes.begin();
  }
  git_reference* raw = nullptr;
  const std::string head_ref = "refs/remotes/" + remote + "/HEAD";
  if (git_reference_lookup(&raw, m_impl->repo.get(), head_ref.c_str()) == 0) {
    RefHandle head(raw);
    if (const char* target = git_reference_symbolic_target(head.get())) {
      std::string name = target;
      const std::string prefix = "refs/remotes/";
      if (name.starts_with(prefix) && resolve_commit(name)) {
        return name.substr(prefix.size());
      }
    }
  }
  // `git init` + `git remote add` + `git push` leaves no <remote>/HEAD: the remote's main
  // or master as fetched, else the branch new repositories start on here.
  for (const char* branch : {"main", "master"}) {
    if (resolve_commit("refs/remotes/" + remote + "/" + branch)) {
      return remote + "/" + branch;
    }
  }
  auto initial = config_string("init.defaultBranch");
  if (initial && *initial && !(*initial)->empty() && resolve_commit("refs/heads/" + **initial)) {
    return **initial;
  }
  for (const char* branch : {"main", "master"}) {
    if (resolve_commit(std::string("refs/heads/") + branch)) {
      return std::string(branch);
    }
  }
  return model::make_error(
      fmt::format("cannot tell the base branch: no {0}/HEAD, {0}/main, {0}/master, "
                  "init.defaultBranch, main or master; pass --against REF or set base_ref in "
                  "miglint.toml",
                  remote),
      Error::Kind::usage);
}

Result<std::vector<std::pair<std::string, CommitInfo>>>
Repository::introducing_commits(const std::string& head, const std::string& dir) const
{
  auto all = introducing_commits(std::vector<std::string>{head}, dir);
  if (!all) {
    return all.error();
  }
  return std::move(all->front());
}

namespace {

struct OidHash {
  std::size_t operator()(const git_oid& o) const
  {
    std::size_t h;
    std::memcpy(&h, o.id, sizeof h);
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b) != 0; }
};

// A commit of the walk, with what the attribution needs of it.
struct WalkNode {
  git_oid id;
  git_oid tree;                 // root tree
  std::vector<int> parents;     // indexes of parents inside the walk (all are, not shallow)
  std::uint64_t reach = 0;      // bit i: reachable from heads[i]
  git_oid dir{};                // the directory's tree id; zero when absent
};

bool oid_is_zero(const git_oid& o)
{
  return git_oid_is_zero(&o) != 0;
}

} // namespace

Result<std::optional<CommitInfo>> Repository::introducing_commit(const std::string& head,
                                                                 const std::string& dir,
                                                                 const std::string& name) const
{
  if (is_shallow()) {
    return model::make_error(
        "this is a shallow clone, so the commit that added a revision is unknown; run `git "
        "fetch --unshallow` (in GitHub Actions: `fetch-depth: 0` in actions/checkout)");
  }
  git_repository* repo = m_impl->repo.get();
  auto start = parse_oid(head);
  if (!start) {
    return start.error();
  }
  // The directory's tree id per commit (zero when absent), and whether a directory
  // version holds the file: only a changed directory is ever loaded.
  std::unordered_map<git_oid, git_oid, OidHash, OidEq> dir_of;
  std::unordered_map<git_oid, bool, OidHash, OidEq> has_file;
  auto dir_at = [&](const git_oid& commit_id) -> Result<git_oid> {
    if (auto it = dir_of.find(commit_id); it != dir_of.end()) {
      return it->second;
    }
    git_commit* craw = nullptr;
    if (int rc = git_commit_lookup(&craw, repo, &commit_id); rc != 0) {
      return last_error("cannot read commit", rc);
    }
    CommitHandle commit(craw);
    git_oid out{};
    git_tree* troot = nullptr;
    if (int rc = git_commit_tree(&troot, commit.get()); rc != 0) {
      return last_error("cannot read a tree", rc);
    }
    TreeHandle root(troot);
    if (dir.empty()) {
      out = *git_tree_id(root.get());
    } else {
      git_tree_entry* eraw = nullptr;
      if (git_tree_entry_bypath(&eraw, root.get(), dir.c_str()) == 0) {
        EntryHandle entry(eraw);
        if (git_tree_entry_type(entry.get()) == GIT_OBJECT_TREE) {
          out = *git_tree_entry_id(entry.get());
        }
      }
    }
    dir_of.emplace(commit_id, out);
    return out;
  };
  auto holds = [&](const git_oid& dir_id) -> bool {
    if (oid_is_zero(dir_id)) {
      return false;
    }
    if (auto it = has_file.find(dir_id); it != has_file.end()) {
      return it->second;
    }
    git_tree* raw = nullptr;
    bool found = false;
    if (git_tree_lookup(&raw, repo, &dir_id) == 0) {
      TreeHandle tree(raw);
      found = git_tree_entry_byname(tree.get(), name.c_str()) != nullptr;
    }
    has_file.emplace(dir_id, found);
    return found;
  };

  // A file the head does not have (uncommitted, or not on that side) was added by no
  // commit of its history: answer without walking all of it.
  auto at_head = dir_at(*start);
  if (!at_head) {
    return at_head.error();
  }
  if (!holds(*at_head)) {
    return std::optional<CommitInfo>();
  }
  git_revwalk* wraw = nullptr;
  if (int rc = git_revwalk_new(&wraw, repo); rc != 0) {
    return last_error("cannot walk history", rc);
  }
  WalkHandle walk(wraw);
  // Unsorted: libgit2 then walks incrementally from the head (any sorting mode makes it
  // read the whole history before the first commit comes out), which for the recent
  // files findings name stops after a few commits.
  git_revwalk_sorting(walk.get(), GIT_SORT_NONE);
  if (int rc = git_revwalk_push(walk.get(), &*start); rc != 0) {
    return last_error("cannot walk history", rc);
  }
  git_oid oid;
  while (true) {
    const int rc = git_revwalk_next(&oid, walk.get());
    if (rc == GIT_ITEROVER) {
      return std::optional<CommitInfo>();
    }
    if (rc != 0) {
      return last_error("cannot walk history", rc);
    }
    auto here = dir_at(oid);
    if (!here) {
      return here.error();
    }
    if (!holds(*here)) {
      continue;
    }
    git_commit* craw = nullptr;
    if (int lrc = git_commit_lookup(&craw, repo, &oid); lrc != 0) {
      return last_error("cannot read commit", lrc);
    }
    CommitHandle commit(craw);
    bool in_a_parent = false;
    for (unsigned i = 0; i < git_commit_parentcount(commit.get()) && !in_a_parent; ++i) {
      auto there = dir_at(*git_commit_parent_id(commit.get(), i));
      if (!there) {
        return there.error();
      }
      in_a_parent = git_oid_equal(&*there, &*here) || holds(*there);
    }
    if (!in_a_parent) {
      return std::optional<CommitInfo>(describe_commit(commit.get()));
    }
  }
}

Result<std::vector<std::vector<std::pair<std::string, CommitInfo>>>>
Repository::introducing_commits(const std::vector<std::string>& heads, const std::string& dir) const
{
  if (is_shallow()) {
    return model::make_error(
        "this is a shallow clone, so the commits that added each revision are unknown; run `git "
        "fetch --unshallow` (in GitHub Actions: `fetch-depth: 0` in actions/checkout)");
  }
  if (heads.empty() || heads.size() > 64) {
    return model::make_error("introducing_commits: between 1 and 64 heads");
  }
  git_repository* repo = m_impl->repo.get();
  git_revwalk* raw = nullptr;
  if (int rc = git_revwalk_new(&raw, repo); rc != 0) {
    return last_error("cannot walk history", rc);
  }
  WalkHandle walk(raw);
  // Children before parents, so that reachability flows down in one pass.
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL);
  std::vector<git_oid> starts;
  for (const auto& h : heads) {
    auto start = parse_oid(h);
    if (!start) {
      return start.error();
    }
    starts.push_back(*start);
    if (int rc = git_revwalk_push(walk.get(), &*start); rc != 0) {
      return last_error("cannot walk history", rc);
    }
  }

  // 1. Every commit reachable from any head, walked once for all of them (the heads of a
  //    comparison share most of their history).
  std::vector<WalkNode> nodes;
  std::unordered_map<git_oid, int, OidHash, OidEq> index;
  std::vector<std::vector<git_oid>> parent_ids;
  git_oid oid;
  while (true) {
    const int rc = git_revwalk_next(&oid, walk.get());
    if (rc == GIT_ITEROVER) {
      break;
    }
    if (rc != 0) {
      return last_error("cannot walk history", rc);
    }
    git_commit* craw = nullptr;
    if (int lrc = git_commit_lookup(&craw, repo, &oid); lrc != 0) {
      return last_error("cannot read commit", lrc);
    }
    CommitHandle commit(craw);
    WalkNode node;
    node.id = oid;
    node.tree = *git_commit_tree_id(commit.get());
    std::vector<git_oid> pids;
    for (unsigned i = 0; i < git_commit_parentcount(commit.get()); ++i) {
      pids.push_back(*git_commit_parent_id(commit.get(), i));
    }
    index.emplace(oid, static_cast<int>(nodes.size()));
    nodes.push_back(std::move(node));
    parent_ids.push_back(std::move(pids));
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& pid : parent_ids[i]) {
      if (auto it = index.find(pid); it != index.end()) {
        nodes[i].parents.push_back(it->second);
      }
    }
  }
  for (std::size_t h = 0; h < starts.size(); ++h) {
    if (auto it = index.find(starts[h]); it != index.end()) {
      nodes[it->second].reach |= std::uint64_t{1} << h;
    }
  }
  for (auto& node : nodes) { // children first: pass the flags on to the parents
    for (int p : node.parents) {
      nodes[p].reach |= node.reach;
    }
  }

  // 2. Oldest first: the directory's tree id per commit. A commit whose directory equals
  //    a parent's adds nothing; otherwise the names no parent has were added by it.
  //    Entry lists are compared by a merge walk (both are in git's tree order).
  struct Addition {
    int node;
    std::string name;
  };
  std::vector<Addition> additions;
  std::unordered_map<int, CommitInfo> info_of;
  git_oid last_root{};
  git_oid last_dir{};
  bool have_last = false;
  for (std::size_t k = nodes.size(); k-- > 0;) {
    WalkNode& node = nodes[k];
    if (have_last && git_oid_equal(&node.tree, &last_root)) {
      node.dir = last_dir; // same root tree as the previous commit (an empty commit)
    } else {
      git_tree* troot = nullptr;
      if (int rc = git_tree_lookup(&troot, repo, &node.tree); rc != 0) {
        return last_error("cannot read a tree", rc);
      }
      TreeHandle root(troot);
      if (dir.empty()) {
        node.dir = node.tree;
      } else {
        git_tree_entry* eraw = nullptr;
        if (git_tree_entry_bypath(&eraw, root.get(), dir.c_str()) == 0) {
          EntryHandle entry(eraw);
          if (git_tree_entry_type(entry.get()) == GIT_OBJECT_TREE) {
            node.dir = *git_tree_entry_id(entry.get());
          }
        }
      }
      last_root = node.tree;
      last_dir = node.dir;
      have_last = true;
    }
    if (oid_is_zero(node.dir)) {
      continue;
    }
    bool same_as_parent = false;
    for (int p : node.parents) {
      same_as_parent = same_as_parent || git_oid_equal(&nodes[p].dir, &node.dir);
    }
    if (same_as_parent) {
      continue;
    }
    git_tree* hraw = nullptr;
    if (int rc = git_tree_lookup(&hraw, repo, &node.dir); rc != 0) {
      return last_error("cannot read a tree", rc);
    }
    TreeHandle here(hraw);
    const std::size_t count = git_tree_entrycount(here.get());
    std::vector<bool> seen(count, false); // in some parent
    for (int p : node.parents) {
      if (oid_is_zero(nodes[p].dir)) {
        continue;
      }
      git_tree* praw = nullptr;
      if (git_tree_lookup(&praw, repo, &nodes[p].dir) != 0) {
        continue;
      }
      TreeHandle parent(praw);
      const std::size_t pcount = git_tree_entrycount(parent.get());
      std::size_t j = 0;
      for (std::size_t i = 0; i < count && j < pcount;) {
        const git_tree_entry* a = git_tree_entry_byindex(here.get(), i);
        const git_tree_entry* b = git_tree_entry_byindex(parent.get(), j);
        const int c = git_tree_entry_cmp(a, b);
        if (c == 0) {
          seen[i] = true;
          ++i;
          ++j;
        } else if (c < 0) {
          ++i;
        } else {
          ++j;
        }
      }
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (!seen[i]) {
        additions.push_back({static_cast<int>(k), git_tree_entry_name(git_tree_entry_byindex(here.get(), i))});
      }
    }
  }

  // 3. Per head: for each name in its directory, the newest commit it can reach that
  //    added that name (additions are in oldest-first order).
  std::vector<std::vector<std::pair<std::string, CommitInfo>>> out(starts.size());
  for (std::size_t h = 0; h < starts.size(); ++h) {
    auto it = index.find(starts[h]);
    if (it == index.end() || oid_is_zero(nodes[it->second].dir)) {
      continue;
    }
    git_tree* hraw = nullptr;
    if (int rc = git_tree_lookup(&hraw, repo, &nodes[it->second].dir); rc != 0) {
      return last_error("cannot read a tree", rc);
    }
    TreeHandle at_head(hraw);
    const std::uint64_t bit = std::uint64_t{1} << h;
    std::map<std::string, int> newest;
    for (const auto& a : additions) {
      if ((nodes[a.node].reach & bit) != 0) {
        newest[a.name] = a.node;
      }
    }
    for (const auto& [name, n] : newest) {
      if (git_tree_entry_byname(at_head.get(), name.c_str()) == nullptr) {
        continue; // added once, gone at this head
      }
      auto info = info_of.find(n);
      if (info == info_of.end()) {
        git_commit* craw = nullptr;
        if (int rc = git_commit_lookup(&craw, repo, &nodes[n].id); rc != 0) {
          return last_error("cannot read commit", rc);
        }
        CommitHandle c(craw);
        info = info_of.emplace(n, describe_commit(c.get())).first;
      }
      out[h].emplace_back(name, info->second);
    }
  }
  return out;
}

std::string Repository::head_branch() const
{
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, m_impl->repo.get(), "HEAD") != 0) {
    return {};
  }
  RefHandle head(raw);
  const char* target = git_reference_symbolic_target(head.get());
  const std::string_view prefix = "refs/heads/";
  if (target == nullptr || !std::string_view(target).starts_with(prefix)) {
    return {};
  }
  return std::string(target).substr(prefix.size());
}

std::string Repository::last_reflog_message(const std::string& ref) const
{
  git_reflog* raw = nullptr;
  if (git_reflog_read(&raw, m_impl->repo.get(), ref.c_str()) != 0) {
    return {};
  }
  ReflogHandle log(raw);
  if (git_reflog_entrycount(log.get()) == 0) {
    return {};
  }
  const char* message = git_reflog_entry_message(git_reflog_entry_byindex(log.get(), 0));
  return message ? message : "";
}

Result<std::optional<std::string>> Repository::config_string(const std::string& key) const
{
  git_config* raw = nullptr;
  if (int rc = git_repository_config_snapshot(&raw, m_impl->repo.get()); rc != 0) {
    return last_error("cannot read git config", rc);
  }
  ConfigHandle config(raw);
  const char* value = nullptr;
  if (git_config_get_string(&value, config.get(), key.c_str()) != 0) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(value);
}

Result<fs::path> Repository::hooks_dir() const
{
  auto configured = config_string("core.hooksPath");
  if (!configured) {
    return configured.error();
  }
  if (*configured) {
    fs::path p(**configured);
    if (p.string().starts_with("~/")) {
      const char* home = std::getenv("HOME");
      p = fs::path(home ? home : "") / p.string().substr(2);
    }
    return p.is_absolute() ? p : (is_bare() ? git_dir() : workdir()) / p;
  }
  return fs::path(git_repository_commondir(m_impl->repo.get())) / "hooks";
}

} // namespace miglint::git
