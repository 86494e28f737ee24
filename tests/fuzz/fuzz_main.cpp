// libFuzzer driver: FUZZ_ENTRY names the entry point of fuzz_entries.hpp to call.
#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  miglint::fuzz::FUZZ_ENTRY(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
