#include "cli/verify_summary.hpp"

#include "model/source.hpp"

#include <fmt/format.h>
#include <map>

namespace miglint::cli {

namespace {

// `versions/x.py:25: why`, for the first revision of a kind.
std::string where(const graph::RevisionGraph& graph, const engine::RevisionReport& entry)
{
  const model::Revision& rev = graph.rev(entry.rev);
  const model::LineIndex lines(rev.file->text);
  std::string out = fmt::format("{}:{}", rev.path(), lines.position(entry.at.begin).line);
  if (!entry.detail.empty()) {
    out += ": " + entry.detail;
  }
  return out;
}

} // namespace

VerifyTally tally_outcomes(const engine::RoundTripReport& report)
{
  VerifyTally tally;
  for (const auto& entry : report.revisions) {
    ++tally.by_status[entry.status];
    if (entry.status == "upgraded") {
      continue; // outside --from/--to/--against: upgraded through, not checked
    }
    ++tally.in_range;
    if (entry.status == "ok") {
      ++tally.round_tripped;
    } else if (entry.status == "irreversible") {
      ++tally.irreversible;
    } else if (entry.status == "unverifiable") {
      ++tally.unverifiable;
      if (tally.first_unverifiable == nullptr) {
        tally.first_unverifiable = &entry;
      }
    } else if (entry.status == "not-reached") {
      ++tally.not_reached;
    } else {
      // Every other status is a failure; an unknown one too, never a pass.
      ++tally.failed;
      if (tally.first_failed == nullptr) {
        tally.first_failed = &entry;
      }
    }
  }
  return tally;
}

bool verify_failed(const VerifyTally& tally, bool accept_unverifiable)
{
  if (tally.failed > 0) {
    return true;
  }
  return !accept_unverifiable && (tally.unverifiable > 0 || tally.not_reached > 0);
}

std::string summary_line(const graph::RevisionGraph& graph, const VerifyTally& tally,
                         bool accept_unverifiable)
{
  std::string out = fmt::format("miglint: {} of {} revision{} round-tripped", tally.round_tripped,
                                tally.in_range, tally.in_range == 1 ? "" : "s");
  if (tally.irreversible > 0) {
    out += fmt::format(", {} irreversible (upgrade only)", tally.irreversible);
  }
  if (tally.failed > 0) {
    out += fmt::format(", {} failed (first: {})", tally.failed, where(graph, *tally.first_failed));
  }
  if (tally.unverifiable > 0) {
    out += fmt::format(", {} not verifiable (first: {})", tally.unverifiable,
                       where(graph, *tally.first_unverifiable));
  }
  if (tally.not_reached > 0) {
    out += fmt::format(", {} not reached", tally.not_reached);
  }
  if (accept_unverifiable && tally.unverifiable + tally.not_reached > 0) {
    out += "; unverified revisions accepted as asked";
  }
  return out;
}

void add_tally_json(nlohmann::json& summary, const VerifyTally& tally, bool accept_unverifiable)
{
  for (const char* status : {"ok", "irreversible", "upgrade-failed", "downgrade-failed",
                             "not-restored", "rows-not-restored", "fails-on-populated-table",
                             "not-repeatable", "unverifiable", "not-reached", "upgraded"}) {
    summary[status] = 0;
  }
  for (const auto& [status, count] : tally.by_status) {
    summary[status] = count;
  }
  summary["revisions_in_range"] = tally.in_range;
  summary["round_tripped"] = tally.round_tripped;
  summary["failed"] = tally.failed;
  summary["not_reached"] = tally.not_reached;
  summary["unverifiable_accepted"] = accept_unverifiable;
}

} // namespace miglint::cli
