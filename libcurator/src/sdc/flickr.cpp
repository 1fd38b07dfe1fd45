// Structured data for a Flickr photo, modelled on what Flickypedia writes
// (docs/sdc.md lists the choices). Only freely licensed photos get any.

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <string>

#include "curator/core/error.hpp"
#include "curator/sdc/builders.hpp"
#include "sdc/statement_parts.hpp"
#include "sdc/vocabulary.hpp"

namespace curator::sdc {
namespace {

// Flickr's licence list (flickr.photos.licenses.getInfo). Items: CC BY 2.0
// Q19125117, CC BY-SA 2.0 Q19068220, CC0 Q6938433, CC BY 4.0 Q20007257,
// CC BY-SA 4.0 Q18199165. 7, 8 and 10 are statuses, not licences.
constexpr std::array<FlickrLicense, 17> kLicenses{{
    {0, "All Rights Reserved", false, 0},
    {1, "CC BY-NC-SA 2.0", false, 0},
    {2, "CC BY-NC 2.0", false, 0},
    {3, "CC BY-NC-ND 2.0", false, 0},
    {4, "CC BY 2.0", true, 19125117},
    {5, "CC BY-SA 2.0", true, 19068220},
    {6, "CC BY-ND 2.0", false, 0},
    {7, "No known copyright restrictions", true, 0},
    {8, "United States Government Work", true, 0},
    {9, "CC0 1.0", true, 6938433},
    {10, "Public Domain Mark 1.0", true, 0},
    {11, "CC BY 4.0", true, 20007257},
    {12, "CC BY-SA 4.0", true, 18199165},
    {13, "CC BY-ND 4.0", false, 0},
    {14, "CC BY-NC 4.0", false, 0},
    {15, "CC BY-NC-SA 4.0", false, 0},
    {16, "CC BY-NC-ND 4.0", false, 0},
}};

const FlickrLicense& accepted_license(const MediaImage& image, const FlickrOptions& options) {
  const auto id = options.license_id ? options.license_id : image.license;
  if (!id || id->empty()) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("Flickr photo {} has no licence: only freely licensed photos can be "
                            "uploaded",
                            image.id),
                "license_not_accepted");
  }
  const auto* license = find_flickr_license(*id);
  if (license == nullptr) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("Flickr licence '{}' is unknown: only freely licensed photos can be "
                            "uploaded",
                            id->substr(0, 32)),
                "license_not_accepted");
  }
  if (!license->accepted) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("Flickr licence {} ({}) is not accepted on Wikimedia Commons: only "
                            "CC BY, CC BY-SA, CC0, public domain and no known copyright "
                            "restrictions are",
                            license->id, license->name),
                "license_not_accepted");
  }
  return *license;
}

// P6216 as Flickypedia writes it, with the determination method for the
// statuses that have no licence item.
Statement copyright_status(const FlickrLicense& license) {
  switch (license.id) {
    case 7: {
      auto s =
          Statement::of(Snak::item(vocab::kCopyrightStatus, vocab::kNoKnownCopyrightRestrictions));
      s.add_qualifier(Snak::item(vocab::kDeterminationMethod, vocab::kStatedAtSourceWebsite));
      return s;
    }
    case 8: {
      auto s = Statement::of(Snak::item(vocab::kCopyrightStatus, vocab::kPublicDomain));
      s.add_qualifier(Snak::item(vocab::kAppliesToJurisdiction, vocab::kUnitedStates));
      s.add_qualifier(Snak::item(vocab::kDeterminationMethod, vocab::kUsFederalGovernmentWork));
      return s;
    }
    case 10: {
      auto s = Statement::of(Snak::item(vocab::kCopyrightStatus, vocab::kDedicatedToPublicDomain));
      s.add_qualifier(Snak::item(vocab::kDeterminationMethod, vocab::kStatedAtSourceWebsite));
      return s;
    }
    case 9:
      return Statement::of(Snak::item(vocab::kCopyrightStatus, vocab::kDedicatedToPublicDomain));
    default:
      return Statement::of(Snak::item(vocab::kCopyrightStatus, vocab::kCopyrighted));
  }
}

// Flickr's accuracy (1 world … 16 street) as a coordinate precision in
// degrees, roughly the map scale at that zoom level.
double precision_for(const std::optional<int>& accuracy) {
  if (!accuracy) return 1e-4;
  const int a = *accuracy;
  if (a >= 16) return 1e-5;
  if (a >= 14) return 1.0 / 36000;  // a tenth of an arcsecond
  if (a >= 12) return 1e-4;
  if (a == 11) return 1.0 / 3600;  // an arcsecond
  if (a >= 7) return 1e-3;
  if (a == 6) return 1e-2;
  if (a >= 4) return 1.0 / 60;  // an arcminute
  if (a >= 1) return 0.1;
  return 1e-4;
}

bool geotagged(const MediaImage& image) {
  // Flickr reports a photo without a location as 0, 0.
  return image.location && !(image.location->latitude == 0 && image.location->longitude == 0);
}

}  // namespace

const FlickrLicense* find_flickr_license(std::string_view id) {
  int n = -1;
  const auto* end = id.data() + id.size();
  const auto res = std::from_chars(id.data(), end, n);
  if (id.empty() || res.ec != std::errc{} || res.ptr != end || n < 0 ||
      n >= static_cast<int>(kLicenses.size())) {
    return nullptr;
  }
  return &kLicenses[static_cast<std::size_t>(n)];
}

StructuredData build_flickr(const MediaImage& image, const FlickrOptions& options) {
  if (image.id.empty()) {
    throw Error(ErrorKind::invalid_input, "the Flickr photo has no id", "invalid_image");
  }
  const auto& license = accepted_license(image, options);
  StructuredData out;
  out.label = parts::caption(options.label);
  auto& list = out.statements;

  list.push_back(Statement::of(Snak::external_id(vocab::kFlickrPhotoId, image.id)));

  auto creator = Statement::of(Snak::some_value(vocab::kCreator));
  const auto& name = options.author_name ? *options.author_name : image.creator.username;
  if (!name.empty()) creator.add_qualifier(Snak::string(vocab::kAuthorName, name));
  if (!image.creator.profile_url.empty()) {
    creator.add_qualifier(Snak::url(vocab::kUrl, image.creator.profile_url));
  }
  if (!image.creator.id.empty()) {
    creator.add_qualifier(Snak::external_id(vocab::kFlickrUserId, image.creator.id));
  }
  list.push_back(std::move(creator));

  if (license.license_item != 0) {
    auto s = Statement::of(Snak::item(vocab::kCopyrightLicense, license.license_item));
    s.add_qualifier(Snak::item(vocab::kDeterminationMethod, vocab::kStatedAtSourceWebsite));
    list.push_back(std::move(s));
  }
  list.push_back(copyright_status(license));

  auto source = Statement::of(Snak::item(vocab::kSourceOfFile, vocab::kFileAvailableOnInternet));
  if (!image.urls.url.empty())
    source.add_qualifier(Snak::url(vocab::kDescribedAtUrl, image.urls.url));
  source.add_qualifier(Snak::item(vocab::kOperator, vocab::kFlickr));
  list.push_back(std::move(source));

  // Flickr's "date taken" may be unknown; an unset time is not a date.
  if (image.taken != TimePoint{}) {
    list.push_back(Statement::of(Snak::time(vocab::kInception, parts::day_of(image.taken, false))));
  }
  if (geotagged(image)) {
    list.push_back(parts::point_of_view(*image.location, precision_for(image.location->accuracy)));
  }
  return out;
}

}  // namespace curator::sdc
