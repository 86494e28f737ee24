#include "git/libgit2_loader.hpp"

#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <fmt/format.h>

namespace miglint::git::libgit2 {

namespace {

// The handle of the loaded library; null until load() succeeded.
std::atomic<void*> g_library{nullptr};

} // namespace

std::string soname()
{
  return fmt::format("libgit2.so.{}.{}", LIBGIT2_VER_MAJOR, LIBGIT2_VER_MINOR);
}

std::string package()
{
  return fmt::format("libgit2-{}.{}", LIBGIT2_VER_MAJOR, LIBGIT2_VER_MINOR);
}

model::Result<void*> open_library(const std::string& name)
{
  // RTLD_NOW: a library that cannot bind its own dependencies fails here, with dlerror()
  // saying which, rather than at some later call.
  void* handle = ::dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return model::make_error(
        fmt::format("git support needs {}, which cannot be loaded ({}); install the {} package",
                    name, why != nullptr ? why : "no reason given", package()));
  }
  return handle;
}

model::Result<void> load()
{
  static const model::Result<void> outcome = []() -> model::Result<void> {
    auto handle = open_library(soname());
    if (!handle) {
      return handle.error();
    }
    g_library.store(*handle, std::memory_order_release);
    if (const int rc = git_libgit2_init(); rc < 0) {
      return model::make_error(fmt::format("{} failed to initialise (error {})", soname(), rc));
    }
    return {};
  }();
  return outcome;
}

void* require_symbol(const char* name)
{
  void* handle = g_library.load(std::memory_order_acquire);
  void* address = handle != nullptr ? ::dlsym(handle, name) : nullptr;
  if (address == nullptr) {
    // Not a condition callers could handle: a library with libgit2 1.5's SONAME has
    // every libgit2 1.5 function, and nothing calls one before load() succeeded.
    const std::string why = handle != nullptr ? fmt::format("{} has no function {}", soname(), name)
                                              : fmt::format("{} called before loading {}", name, soname());
    std::fflush(stdout);
    std::fprintf(stderr, "miglint: error: %s; reinstall the %s package\n", why.c_str(),
                 package().c_str());
    std::exit(2);
  }
  return address;
}

} // namespace miglint::git::libgit2
