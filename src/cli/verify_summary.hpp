// What `verify` says at the end and how it exits: the revisions in range counted by
// outcome. A revision counts as verified only when its round trip completed; one whose
// check did not run (unverifiable, not reached) is never counted as passing.
#pragma once

#include "engine/round_trip.hpp"

#include <nlohmann/json.hpp>
#include <map>
#include <string>

namespace miglint::cli {

struct VerifyTally {
  std::size_t in_range = 0;      // every revision verify was asked to check
  std::size_t round_tripped = 0; // ok
  std::size_t irreversible = 0;  // irreversible by design: the upgrade alone was checked
  std::size_t failed = 0;        // upgrade-failed, downgrade-failed, not-restored,
                                 // rows-not-restored, fails-on-populated-table, not-repeatable
  std::size_t unverifiable = 0;
  std::size_t not_reached = 0;
  std::map<std::string, std::size_t> by_status; // every status, "upgraded" included
  const engine::RevisionReport* first_failed = nullptr;
  const engine::RevisionReport* first_unverifiable = nullptr;
};

VerifyTally tally_outcomes(const engine::RoundTripReport& report);

// Exit 1 when a revision in range failed, or could not be checked (unless the user
// accepted that: --allow-unverifiable, or MG306 configured as warning/info/off).
bool verify_failed(const VerifyTally& tally, bool accept_unverifiable);

// `miglint: 31 of 37 revisions round-tripped, 2 irreversible (upgrade only), 4 not
// verifiable (first: versions/x.py:25: ...)`.
std::string summary_line(const graph::RevisionGraph& graph, const VerifyTally& tally,
                         bool accept_unverifiable);

// The counts for JSON's `summary`: each status under its own name, and the totals.
void add_tally_json(nlohmann::json& summary, const VerifyTally& tally, bool accept_unverifiable);

} // namespace miglint::cli
