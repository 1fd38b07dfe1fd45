#pragma once
// How `curatorctl ingest` shows its plan: each file's title, caption,
// wikitext and structured data, or why it is skipped; then a summary.

#include <optional>
#include <string>
#include <vector>

#include "curator/service/ingest.hpp"
#include "curator/store/records.hpp"
#include "output.hpp"

namespace curator::cli {

/// Every file, in full (--dry-run).
void print_plan(Output& out, const std::vector<service::PlannedFile>& files);

/// One line per skipped file (before a real upload).
void print_skips(Output& out, const std::vector<service::PlannedFile>& files);

/// "3 files: 2 to upload, 1 skipped (1 already_on_commons)", or the JSON
/// summary event.
void print_plan_summary(Output& out, const std::string& collection,
                        const std::vector<service::PlannedFile>& files,
                        std::optional<store::Id> resume_batch, bool dry_run);

}  // namespace curator::cli
