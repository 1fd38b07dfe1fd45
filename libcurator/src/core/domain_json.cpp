// JSON codecs of the shared domain types (Label, StructuredError, UploadStatus).
#include <array>
#include <utility>

#include "curator/core/error.hpp"
#include "curator/core/label.hpp"
#include "curator/core/structured_error.hpp"
#include "curator/core/upload_status.hpp"

namespace curator {
namespace {

constexpr std::array<std::pair<StructuredErrorType, std::string_view>, 5> kErrorTypes{{
    {StructuredErrorType::duplicate, "duplicate"},
    {StructuredErrorType::duplicated_sdc_updated, "duplicated_sdc_updated"},
    {StructuredErrorType::duplicated_sdc_not_updated, "duplicated_sdc_not_updated"},
    {StructuredErrorType::error, "error"},
    {StructuredErrorType::title_blacklisted, "title_blacklisted"},
}};

constexpr std::array<std::pair<UploadStatus, std::string_view>, 8> kStatuses{{
    {UploadStatus::queued, "queued"},
    {UploadStatus::in_progress, "in_progress"},
    {UploadStatus::completed, "completed"},
    {UploadStatus::failed, "failed"},
    {UploadStatus::duplicate, "duplicate"},
    {UploadStatus::duplicated_sdc_updated, "duplicated_sdc_updated"},
    {UploadStatus::duplicated_sdc_not_updated, "duplicated_sdc_not_updated"},
    {UploadStatus::cancelled, "cancelled"},
}};

bool has_links(StructuredErrorType t) {
  return t == StructuredErrorType::duplicate || t == StructuredErrorType::duplicated_sdc_updated ||
         t == StructuredErrorType::duplicated_sdc_not_updated;
}

}  // namespace

json::value to_json(const Label& label) {
  return json::object{{"language", label.language}, {"value", label.value}};
}

Label label_from_json(const json::value& v) {
  const auto& o = json::as_object(v, "label");
  return Label{json::require_string(o, "language"), json::require_string(o, "value")};
}

std::string_view to_string(StructuredErrorType type) noexcept {
  for (const auto& [t, name] : kErrorTypes) {
    if (t == type) return name;
  }
  return "error";
}

std::optional<StructuredErrorType> parse_structured_error_type(std::string_view text) noexcept {
  for (const auto& [t, name] : kErrorTypes) {
    if (name == text) return t;
  }
  return std::nullopt;
}

json::value to_json(const StructuredError& error) {
  json::object o{{"type", to_string(error.type)}, {"message", error.message}};
  if (has_links(error.type)) {
    json::array links;
    for (const auto& l : error.links)
      links.push_back(json::object{{"title", l.title}, {"url", l.url}});
    o["links"] = std::move(links);
  }
  return o;
}

std::optional<StructuredError> structured_error_from_json(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  const auto* message = o.if_contains("message");
  if (message == nullptr || !message->is_string()) return std::nullopt;
  StructuredError e;
  e.message = std::string(message->get_string());
  const auto* type = o.if_contains("type");
  if (type != nullptr && type->is_string()) {
    e.type = parse_structured_error_type(type->get_string()).value_or(StructuredErrorType::error);
  }
  if (has_links(e.type)) {
    if (const auto* links = o.if_contains("links"); links != nullptr && links->is_array()) {
      for (const auto& l : links->get_array()) {
        if (!l.is_object()) continue;
        const auto* title = l.get_object().if_contains("title");
        const auto* url = l.get_object().if_contains("url");
        if (title && url && title->is_string() && url->is_string()) {
          e.links.push_back({std::string(title->get_string()), std::string(url->get_string())});
        }
      }
    }
  }
  return e;
}

std::string_view to_string(UploadStatus status) noexcept {
  for (const auto& [s, name] : kStatuses) {
    if (s == status) return name;
  }
  return "queued";
}

std::optional<UploadStatus> parse_upload_status(std::string_view text) noexcept {
  for (const auto& [s, name] : kStatuses) {
    if (name == text) return s;
  }
  return std::nullopt;
}

bool is_terminal(UploadStatus status) noexcept {
  return status != UploadStatus::queued && status != UploadStatus::in_progress;
}

bool is_duplicate(UploadStatus status) noexcept {
  return status == UploadStatus::duplicate || status == UploadStatus::duplicated_sdc_updated ||
         status == UploadStatus::duplicated_sdc_not_updated;
}

}  // namespace curator
