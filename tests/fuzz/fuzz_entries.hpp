// One entry point per fuzz target. The libFuzzer drivers (fuzz_main.cpp) and the
// regression test (tests/unit/fuzz_regressions_test.cpp) both call these, so every
// input kept under tests/fuzz/regressions/<target>/ is replayed by the normal suite.
// Each entry point checks invariants (spans inside the text, no exceptions) and aborts
// through fuzz_check() when one breaks, so a violation is a finding like a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace miglint::fuzz {

// Python tokenizer and parser: tokenize, parse_module, parse_expression.
void python_parser(std::string_view data);
// Alembic revision reader, in full and graph modes.
void alembic_reader(std::string_view data);
// Native SQL revision reader.
void sql_reader(std::string_view data);
// miglint.toml / pyproject.toml (first byte picks which), alembic.ini, .env and --db URLs.
void config(std::string_view data);
// A small revision graph described by the input, then target resolution and planning
// with target strings from the input.
void targets(std::string_view data);

// Looks an entry point up by target name ("python_parser", ...); null when unknown.
using Entry = void (*)(std::string_view);
Entry entry_for(std::string_view target);

} // namespace miglint::fuzz
