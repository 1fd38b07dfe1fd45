// Structured data for a Mapillary image, statement for statement as the
// upstream service wrote it (upstream-pipeline.md §3.1), so that files it
// uploaded merge with ours as equal.

#include <string>

#include "curator/core/error.hpp"
#include "curator/sdc/builders.hpp"
#include "sdc/statement_parts.hpp"
#include "sdc/vocabulary.hpp"

namespace curator::sdc {

StructuredData build_mapillary(const MediaImage& image, const MapillaryOptions& options) {
  if (image.id.empty()) {
    throw Error(ErrorKind::invalid_input, "the Mapillary image has no id", "invalid_image");
  }
  StructuredData out;
  out.label = parts::caption(options.label);
  auto& list = out.statements;

  auto creator = Statement::of(Snak::some_value(vocab::kCreator));
  if (!image.creator.username.empty()) {
    creator.add_qualifier(Snak::string(vocab::kAuthorName, image.creator.username));
    creator.add_qualifier(Snak::external_id(vocab::kMapillaryUsername, image.creator.username));
  }
  list.push_back(std::move(creator));

  list.push_back(Statement::of(Snak::external_id(vocab::kMapillaryPhotoId, image.id)));
  list.push_back(Statement::of(Snak::item(vocab::kPublishedIn, vocab::kMapillaryDatabase)));
  list.push_back(Statement::of(
      Snak::time(vocab::kInception, parts::day_of(image.taken, /*padded_year=*/true))));

  auto source = Statement::of(Snak::item(vocab::kSourceOfFile, vocab::kFileAvailableOnInternet));
  source.add_qualifier(Snak::item(vocab::kOperator, vocab::kMapillary));
  // Upstream writes the URL as a plain string snak; kept so that its files
  // and ours carry the same qualifier.
  source.add_qualifier(Snak::string(
      vocab::kDescribedAtUrl, "https://www.mapillary.com/app/?pKey=" + image.id + "&focus=photo"));
  list.push_back(std::move(source));

  if (image.location) list.push_back(parts::point_of_view(*image.location, 1e-9));

  if (!options.copyright_override) {
    list.push_back(Statement::of(Snak::item(vocab::kCopyrightStatus, vocab::kCopyrighted)));
    list.push_back(Statement::of(Snak::item(vocab::kCopyrightLicense, vocab::kCcBySa40)));
  }
  // A zero size means the source did not say; "+0" would be a false claim.
  if (image.width > 0) {
    list.push_back(Statement::of(Snak::quantity(
        vocab::kWidth, parts::amount_of(static_cast<long long>(image.width)), vocab::kPixel)));
  }
  if (image.height > 0) {
    list.push_back(Statement::of(Snak::quantity(
        vocab::kHeight, parts::amount_of(static_cast<long long>(image.height)), vocab::kPixel)));
  }
  return out;
}

}  // namespace curator::sdc
