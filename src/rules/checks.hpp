// The check function of every rule, one per file (mgNNN_<name>.cpp).
#pragma once

#include "rules/rule.hpp"

namespace miglint::rules {

void check_multiple_heads(const RuleContext& ctx, Reporter& out);
void check_cycle(const RuleContext& ctx, Reporter& out);
void check_unknown_parent(const RuleContext& ctx, Reporter& out);
void check_duplicate_revision(const RuleContext& ctx, Reporter& out);
void check_unknown_dependency(const RuleContext& ctx, Reporter& out);
void check_duplicate_branch_label(const RuleContext& ctx, Reporter& out);
void check_multiple_bases(const RuleContext& ctx, Reporter& out);
void check_invalid_revision_id(const RuleContext& ctx, Reporter& out);
void check_stale_heads_file(const RuleContext& ctx, Reporter& out);
void check_missing_downgrade(const RuleContext& ctx, Reporter& out);
void check_undescriptive_message(const RuleContext& ctx, Reporter& out);
void check_filename_mismatch(const RuleContext& ctx, Reporter& out);
void check_header_mismatch(const RuleContext& ctx, Reporter& out);
void check_destructive_operation(const RuleContext& ctx, Reporter& out);
void check_modified_merged_migration(const RuleContext& ctx, Reporter& out);
void check_deleted_merged_migration(const RuleContext& ctx, Reporter& out);
void check_diverges_from_base(const RuleContext& ctx, Reporter& out);
void check_unparsable_revision(const RuleContext& ctx, Reporter& out);

} // namespace miglint::rules
