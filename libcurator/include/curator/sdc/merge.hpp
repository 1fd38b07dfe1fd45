#pragma once
// Merging freshly built structured data into what a file on Commons already
// has (the duplicate-upload path). Non-destructive: no value is overwritten,
// existing statement ids and hashes stay, existing coordinate statements are
// left exactly as they are, and an existing caption in the same language is
// never replaced. Pure: knows nothing of how the entity was fetched or how
// the result is sent (see payload.hpp).

#include <cstddef>
#include <optional>
#include <vector>

#include "curator/core/label.hpp"
#include "curator/export.hpp"
#include "curator/sdc/statement.hpp"

namespace curator::sdc {

struct MergeResult {
  /// Every statement after the merge: existing ones grouped by property in
  /// their order, then statements of properties the file did not have.
  std::vector<Statement> statements;
  /// Indices into `statements` of those added or given new qualifiers or
  /// references, ascending. Modified ones keep their id.
  std::vector<std::size_t> changed;
  /// The caption to set: only when the file has none in that language.
  std::optional<Label> label;

  bool changed_anything() const { return !changed.empty() || label.has_value(); }
};

/// The statement merge (upstream `merge_sdc`, see docs/sdc.md):
/// - a property the file lacks: every new statement of it is added;
/// - a property whose existing statements include a globe coordinate: kept
///   as it is, the new ones dropped (no qualifier is added to it);
/// - otherwise each new statement is matched to the first existing one with
///   an equal main snak: missing qualifiers and references are added to it;
///   with no match it is dropped (a conflicting value is never added).
/// `existing` is taken by value: pass it with std::move when it is no longer
/// needed, and the merge reuses its statements instead of copying them.
CURATOR_API MergeResult merge_statements(std::vector<Statement> existing,
                                         const std::vector<Statement>& incoming);

/// Merges `incoming` into the file's entity (nullopt: the file has no
/// structured data yet, so everything is new).
CURATOR_API MergeResult merge(std::optional<Entity> existing, const StructuredData& incoming);

}  // namespace curator::sdc
