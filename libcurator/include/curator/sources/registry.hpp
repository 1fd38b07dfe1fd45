#pragma once
// SourceRegistry: handler names ("mapillary", "flickr") → how to parse an
// input and how to build the Source, from a SourceContext that carries the
// configuration and the shared services (geocoder, existing-file finder,
// SHA-1 lookup). A new source registers here and touches no other module.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/config.hpp"
#include "curator/export.hpp"
#include "curator/http/retry.hpp"
#include "curator/sources/collection_ref.hpp"
#include "curator/sources/existing_files.hpp"
#include "curator/sources/geocoder.hpp"
#include "curator/sources/source.hpp"

namespace curator::sources {

/// What every source is built from. Sources made from one context share its
/// geocoder (and its cache) and its existing-file finder.
struct CURATOR_API SourceContext {
  Config config;
  std::shared_ptr<ReverseGeocoder> geocoder;     // null: no addresses
  std::shared_ptr<ExistingFileFinder> existing;  // null: no existing-file lookup
  /// Null: the sources' own defaults (2, 4, 8 s between attempts).
  std::optional<http::RetryPolicy> retry;
  int concurrency = 8;  // requests in flight per listing

  /// The geocoder and finder from `config`'s URLs and limits; `sha1_lookup`
  /// is the MediaWiki client's SHA-1 search, wired by the caller.
  static SourceContext from_config(const Config& config, Sha1Lookup sha1_lookup = {});
};

using InputParser = std::function<CollectionRef(std::string_view input)>;
using SourceFactory = std::function<std::unique_ptr<Source>(const SourceContext& context)>;

class CURATOR_API SourceRegistry {
 public:
  /// Mapillary and Flickr.
  static SourceRegistry with_builtin_sources();

  /// Throws Error(conflict) when `name` is taken, Error(invalid_input) when empty.
  void add(std::string name, InputParser parse, SourceFactory make);

  bool contains(std::string_view name) const;
  std::vector<std::string> names() const;

  /// Throws Error(invalid_input) naming the known handlers for an unknown one.
  std::unique_ptr<Source> create(std::string_view name, const SourceContext& context) const;
  CollectionRef parse(std::string_view name, std::string_view input) const;

 private:
  struct Entry {
    std::string name;
    InputParser parse;
    SourceFactory make;
  };
  const Entry& find(std::string_view name) const;
  std::vector<Entry> entries_;
};

}  // namespace curator::sources
