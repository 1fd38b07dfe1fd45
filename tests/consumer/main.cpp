// Uses the installed public API: a wire MediaImage in, its JSON back out.
#include <curator/core/error.hpp>
#include <curator/core/ids.hpp>
#include <curator/core/json.hpp>
#include <curator/core/media_image.hpp>
#include <curator/version.hpp>

#include <iostream>

int main() {
  const auto v = curator::json::parse(
      R"({"id":"1","title":"Photo.jpg","dates":{"taken":"2026-01-02T03:04:05+00:00"},)"
      R"("creator":{"id":"9","username":"u","profile_url":"p"},"urls":{},"camera":{"is_pano":false}})");
  const auto image = curator::media_image_from_json(v);
  if (image.title != "Photo.jpg" || !curator::is_edit_group_id(curator::generate_edit_group_id())) {
    return 1;
  }
  try {
    curator::json::parse("{", "input");
    return 1;
  } catch (const curator::Error& e) {
    if (e.kind() != curator::ErrorKind::invalid_input) return 1;
  }
  std::cout << "libcurator " << curator::kVersion
            << " ok: " << curator::json::serialize(curator::to_json(image).at("dates")) << '\n';
  return 0;
}
