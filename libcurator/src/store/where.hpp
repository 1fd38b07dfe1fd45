#pragma once
// WHERE clauses assembled from optional conditions, each with its own parameters, and
// the dialect bits they need (CAST to text, the case-insensitive substring filter).

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/connection.hpp"
#include "store/validate.hpp"

namespace curator::store::detail {

class Where {
 public:
  void add(std::string clause, Params params = {}) {
    clauses_.push_back(std::move(clause));
    for (auto& p : params)
      params_.push_back(std::move(p));
  }
  /// "" or " WHERE a AND b".
  std::string sql() const {
    std::string out;
    for (std::size_t i = 0; i < clauses_.size(); ++i) {
      out += i == 0 ? " WHERE " : " AND ";
      out += "(" + clauses_[i] + ")";
    }
    return out;
  }
  const Params& params() const { return params_; }
  /// The parameters followed by `more` (e.g. LIMIT and OFFSET).
  Params params_with(Params more) const {
    Params all = params_;
    for (auto& p : more)
      all.push_back(std::move(p));
    return all;
  }

 private:
  std::vector<std::string> clauses_;
  Params params_;
};

/// The text form of an integer expression, for substring filters on ids.
inline std::string cast_text(const Connection& c, std::string_view expr) {
  return std::string("CAST(") + std::string(expr) + (c.mysql() ? " AS CHAR)" : " AS TEXT)");
}

/// "(a LIKE ? ESCAPE '!' OR b LIKE ? ...)" with the pattern once per column; nothing
/// for an empty filter. MySQL's utf8mb4_general_ci and SQLite's LIKE both ignore ASCII
/// case (SQLite folds ASCII only).
inline void add_substring_filter(Where& where, std::string_view filter,
                                 std::initializer_list<std::string> columns) {
  const auto pattern = like_pattern(filter);
  if (!pattern) return;
  std::string clause;
  Params params;
  for (const auto& column : columns) {
    if (!clause.empty()) clause += " OR ";
    clause += column + " LIKE ? ESCAPE '!'";
    params.emplace_back(*pattern);
  }
  where.add(std::move(clause), std::move(params));
}

}  // namespace curator::store::detail
