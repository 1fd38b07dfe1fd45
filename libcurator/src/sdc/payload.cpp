#include "curator/sdc/payload.hpp"

#include "curator/sdc/codec.hpp"
#include "sdc/text_writer.hpp"
#include "sdc/write_text.hpp"

namespace curator::sdc {
namespace {

bool usable(const std::optional<Label>& label) {
  return label && !label->language.empty() && !label->value.empty();
}

// Labels go as a list of {"language","value"}, the form upstream sent and
// Wikibase accepts next to the map form.
json::array labels_list(const std::optional<Label>& label) {
  json::array labels;
  if (usable(label)) labels.push_back(to_json(*label));
  return labels;
}

std::optional<json::object> payload(json::array claims, json::array labels) {
  if (claims.empty() && labels.empty()) return std::nullopt;
  json::object data;
  data["claims"] = std::move(claims);
  data["labels"] = std::move(labels);
  return data;
}

// A new file has no statements yet: an id would point at nothing.
Statement without_id(Statement s) {
  s.id.reset();
  return s;
}

// Writes {"claims":[…],"labels":[…]} for the statements `pick` yields.
template <class Each>
std::optional<std::string> payload_text_of(std::size_t count, const std::optional<Label>& label,
                                           Each&& each) {
  if (count == 0 && !usable(label)) return std::nullopt;
  std::string out;
  out.reserve(600 * count + 64);
  TextWriter w(out);
  w.open_object();
  w.key("claims");
  w.open_array();
  each(w);
  w.close_array();
  w.key("labels");
  w.open_array();
  if (usable(label)) {
    w.open_object();
    w.key("language");
    w.string(label->language);
    w.key("value");
    w.string(label->value);
    w.close_object();
  }
  w.close_array();
  w.close_object();
  return out;
}

}  // namespace

std::optional<json::object> new_file_payload(const StructuredData& data) {
  json::array claims;
  claims.reserve(data.statements.size());
  for (const auto& s : data.statements)
    claims.push_back(to_json(without_id(s)));
  return payload(std::move(claims), labels_list(data.label));
}

std::optional<json::object> merge_payload(const MergeResult& merge) {
  json::array claims;
  claims.reserve(merge.changed.size());
  for (const auto index : merge.changed) {
    if (index < merge.statements.size()) claims.push_back(to_json(merge.statements[index]));
  }
  return payload(std::move(claims), labels_list(merge.label));
}

std::string payload_text(const json::object& payload) {
  return json_text(payload);
}

std::optional<std::string> new_file_payload_text(const StructuredData& data) {
  return payload_text_of(data.statements.size(), data.label, [&](TextWriter& w) {
    for (const auto& s : data.statements) {
      if (s.id) {
        write_statement(w, without_id(s));
      } else {
        write_statement(w, s);
      }
    }
  });
}

std::optional<std::string> merge_payload_text(const MergeResult& merge) {
  return payload_text_of(merge.changed.size(), merge.label, [&](TextWriter& w) {
    for (const auto index : merge.changed) {
      if (index < merge.statements.size()) write_statement(w, merge.statements[index]);
    }
  });
}

}  // namespace curator::sdc
