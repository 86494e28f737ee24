# Installation and packages, so that a team's machines can run miglint without a compiler:
# `cmake --install` puts the binary in bin/ and the README in share/doc/miglint, and `cpack`
# (run in the build directory) turns that into a .deb for Debian and Ubuntu and a .tar.gz.
include(GNUInstallDirs)
# Installing (and so cpack) takes the miglint already built instead of building every
# target first: packaging needs neither the unit tests nor their minutes of compiling.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
install(TARGETS miglint RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME miglint)
set(CPACK_PACKAGE_VENDOR miglint)
set(CPACK_PACKAGE_CONTACT "miglint maintainers <miglint@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Linter, round-trip verifier and runner for Alembic database migrations")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "miglint reads an Alembic versions directory without running Python, lints the revision "
    "graph, compares it with other git branches, verifies that every revision upgrades, "
    "downgrades and upgrades again on a scratch SQLite database, and applies migrations "
    "compatibly with Alembic.")
set(CPACK_GENERATOR DEB TGZ)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "git, pre-commit")
# libgit2 is opened at run time by the SONAME of the headers built against (so no linker
# records it): Debian names its package after that SONAME.
string(REGEX MATCH "^[0-9]+\\.[0-9]+" MIGLINT_LIBGIT2_SONAME_VERSION "${LIBGIT2_VERSION}")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libgit2-${MIGLINT_LIBGIT2_SONAME_VERSION}")
# The linked libraries (libc, libstdc++, fmt, toml++, SQLite) with the versions the binary needs,
# as dpkg-shlibdeps (dpkg-dev) reads them from the binary.
find_program(MIGLINT_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(MIGLINT_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  message(STATUS "dpkg-shlibdeps not found (apt-get install dpkg-dev): the .deb that cpack "
                 "makes will declare only its libgit2 dependency")
endif()
include(CPack)
