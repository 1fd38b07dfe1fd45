#pragma once
// Label: a caption in one language (`{"language","value"}` on the wire and in
// the `labels` column).

#include <string>

#include "curator/core/json.hpp"
#include "curator/export.hpp"

namespace curator {

struct Label {
  std::string language;
  std::string value;
  bool operator==(const Label&) const = default;
};

CURATOR_API json::value to_json(const Label& label);
/// Throws Error(invalid_input) unless `v` is an object with string `language` and `value`.
CURATOR_API Label label_from_json(const json::value& v);

}  // namespace curator
