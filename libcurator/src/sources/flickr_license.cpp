#include "curator/sources/flickr_license.hpp"

#include <array>
#include <charconv>

namespace curator::sources {
namespace {

constexpr std::array<FlickrLicense, 17> kLicenses{{
    {0, "All Rights Reserved", "", false, ""},
    {1, "CC BY-NC-SA 2.0", "https://creativecommons.org/licenses/by-nc-sa/2.0/", false, ""},
    {2, "CC BY-NC 2.0", "https://creativecommons.org/licenses/by-nc/2.0/", false, ""},
    {3, "CC BY-NC-ND 2.0", "https://creativecommons.org/licenses/by-nc-nd/2.0/", false, ""},
    {4, "CC BY 2.0", "https://creativecommons.org/licenses/by/2.0/", true, "Q19125117"},
    {5, "CC BY-SA 2.0", "https://creativecommons.org/licenses/by-sa/2.0/", true, "Q19068220"},
    {6, "CC BY-ND 2.0", "https://creativecommons.org/licenses/by-nd/2.0/", false, ""},
    {7, "No known copyright restrictions", "https://www.flickr.com/commons/usage/", true, ""},
    {8, "United States Government Work", "http://www.usa.gov/copyright.shtml", true, "Q60671452"},
    {9, "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/", true, "Q6938433"},
    {10, "Public Domain Mark 1.0", "https://creativecommons.org/publicdomain/mark/1.0/", true,
     "Q19652"},
    {11, "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/", true, "Q20007257"},
    {12, "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/", true, "Q18199165"},
    {13, "CC BY-ND 4.0", "https://creativecommons.org/licenses/by-nd/4.0/", false, ""},
    {14, "CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/", false, ""},
    {15, "CC BY-NC-SA 4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/", false, ""},
    {16, "CC BY-NC-ND 4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/", false, ""},
}};

}  // namespace

std::optional<FlickrLicense> flickr_license(int id) noexcept {
  if (id < 0 || id >= static_cast<int>(kLicenses.size())) return std::nullopt;
  return kLicenses[static_cast<std::size_t>(id)];
}

std::optional<FlickrLicense> flickr_license(std::string_view id_text) noexcept {
  int id = -1;
  const auto* end = id_text.data() + id_text.size();
  const auto res = std::from_chars(id_text.data(), end, id);
  if (res.ec != std::errc() || res.ptr != end || id_text.empty()) return std::nullopt;
  return flickr_license(id);
}

std::optional<std::string> flickr_license_refusal(std::string_view license_id) {
  const auto license = flickr_license(license_id);
  if (license && license->free) return std::nullopt;
  if (!license) {
    std::string shown;
    for (char c : license_id.substr(0, 16))
      shown += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (shown.empty()) return "not freely licensed: the photo has no Flickr license id";
    return "not freely licensed: unknown Flickr license '" + shown + "'";
  }
  return "not freely licensed: " + std::string(license->name) + " (Flickr license " +
         std::to_string(license->id) + ")";
}

}  // namespace curator::sources
