#include "git/libgit2_loader.hpp"
#include "git/repository.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace miglint::git;

TEST_SUITE("git::libgit2_loader")
{
  TEST_CASE("the library is named by the SONAME of the headers' version")
  {
    const std::string expected =
        "libgit2.so." + std::to_string(LIBGIT2_VER_MAJOR) + "." + std::to_string(LIBGIT2_VER_MINOR);
    CHECK(libgit2::soname() == expected);
    CHECK(libgit2::package() ==
          "libgit2-" + std::to_string(LIBGIT2_VER_MAJOR) + "." + std::to_string(LIBGIT2_VER_MINOR));
  }

  TEST_CASE("a library that cannot be loaded is an error naming it and the package")
  {
    auto handle = libgit2::open_library("libgit2.so.0.0-not-installed");
    REQUIRE_FALSE(handle);
    const std::string& message = handle.error().message;
    CAPTURE(message);
    CHECK(message.find("libgit2.so.0.0-not-installed") != std::string::npos);
    CHECK(message.find("install the " + libgit2::package() + " package") != std::string::npos);
  }

  TEST_CASE("the installed library loads, and git calls go through it")
  {
    REQUIRE(libgit2::load());
    CHECK(libgit2::load()); // once per process; the same outcome again
    auto repo = Repository::discover(MIGLINT_SOURCE_DIR);
    if (repo) { // a source tree that is not a git checkout has nothing to open
      CHECK(repo->resolve_commit("HEAD"));
    }
  }
}
