#pragma once
// What a listing adds after the metadata: addresses from the reverse
// geocoder and the Commons files that already hold each image. Both are
// best effort: a failure becomes a warning on the collection, never an error.

#include <string_view>

#include "curator/sources/existing_files.hpp"
#include "curator/sources/geocoder.hpp"
#include "curator/sources/source.hpp"

namespace curator::sources {

/// Runs the geocoder and the existing-file lookup side by side (either may
/// be null, or switched off in `options`).
void enrich(Collection& collection, const ListOptions& options, ReverseGeocoder* geocoder,
            ExistingFileFinder* existing, std::string_view id_property);

}  // namespace curator::sources
