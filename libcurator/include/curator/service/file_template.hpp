#pragma once
// File titles and wikitext built the way the Curator web frontend builds
// them, so that a preset saved in the web UI gives the same files from
// curatorctl: Handlebars-style `{{path}}` placeholders over an image's
// variables, and the default wikitext per source. Knows nothing of HTTP or
// the database.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/media_image.hpp"
#include "curator/export.hpp"

namespace curator::service {

/// The source an image comes from, as the wire's ImageHandler names it.
enum class Handler { mapillary, flickr };
CURATOR_API std::string_view to_string(Handler handler) noexcept;
CURATOR_API std::optional<Handler> parse_handler(std::string_view text) noexcept;

using TemplateVariables = std::map<std::string, std::string, std::less<>>;

/// Every variable a template may use for `image` (all times UTC), e.g.
/// `mapillary.photo.id`, `captured.date`, `location.city`. Optional values
/// that are unknown are absent. `collection` is the sequence or album id.
CURATOR_API TemplateVariables template_variables(const MediaImage& image, Handler handler,
                                                 std::string_view collection);

/// Replaces each `{{ path }}` whose path is known; unknown or missing ones
/// stay as written. No HTML escaping.
CURATOR_API std::string render_template(std::string_view text, const TemplateVariables& vars);

/// True when `title` ends in an extension Commons accepts for our sources
/// (gif, jpeg, jpg, pdf, png, svg, tif, tiff, webm, webp; any case).
CURATOR_API bool has_valid_extension(std::string_view title) noexcept;

struct WikitextOptions {
  /// License template(s); empty means the source's default for the image
  /// (`{{cc-by-sa-4.0}}` for Mapillary, the Flickr license's template).
  std::string license;
  std::vector<std::string> categories;  // names, with or without "Category:"
  bool exclude_date_category = false;   // `{{Taken on|cat=no|…}}`
};

/// `[[Category:Name]]` for "Name", "Category:Name" (any case) or a link
/// already written as `[[…]]` (kept as it is); surrounding spaces trimmed.
CURATOR_API std::string category_link(std::string_view name);

/// The frontend's default page text for an image (see docs/cli.md).
/// Throws Error(invalid_input) for a Flickr photo whose license is not free.
CURATOR_API std::string default_wikitext(const MediaImage& image, Handler handler,
                                         std::string_view collection,
                                         const WikitextOptions& options);

/// Commons license template for a Flickr license id (4, 5, 7, 8, 9, 10, 11,
/// 12), with `{{flickrreview}}`; nullopt for ids that are not free.
CURATOR_API std::optional<std::string> flickr_license_template(int license_id);

}  // namespace curator::service
