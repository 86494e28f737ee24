// FNV-1a, 128-bit: tiny, fixed by its spec (so a digest never changes between builds or
// platforms), and wide enough that unrelated inputs do not collide. For fingerprints and
// change detection, not for security.
#pragma once

#include <cstdint>
#include <fmt/format.h>
#include <string>
#include <string_view>

namespace miglint::util {

class Fnv128 {
public:
  void add(std::string_view bytes)
  {
    for (const unsigned char c : bytes) {
      m_state ^= c;
      m_state *= k_prime;
    }
    // A separator, so ("ab", "c") and ("a", "bc") hash differently.
    m_state ^= 0xff;
    m_state *= k_prime;
  }

  std::string hex() const
  {
    return fmt::format("{:016x}{:016x}", static_cast<std::uint64_t>(m_state >> 64),
                       static_cast<std::uint64_t>(m_state));
  }

private:
  using u128 = unsigned __int128;
  static constexpr u128 k_prime = (u128{1} << 88) + 0x13b;
  u128 m_state = (u128{0x6c62272e07bb0142} << 64) | 0x62b821756295c58d;
};

} // namespace miglint::util
