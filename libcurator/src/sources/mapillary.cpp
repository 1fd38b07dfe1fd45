#include "curator/sources/mapillary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <numeric>
#include <set>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/http/form.hpp"
#include "curator/http/status.hpp"
#include "sources/api_client.hpp"
#include "sources/enrichment.hpp"
#include "sources/mapillary_json.hpp"
#include "sources/parallel.hpp"

namespace curator::sources {
namespace {

constexpr std::string_view kService = "Mapillary";

// Graph API error bodies: {"error":{"message","type","code","error_subcode"}}.
void read_graph_error(const http::Response& r) {
  std::string message;
  long long code = -1, subcode = -1;
  try {
    const auto body = json::parse(r.body, "Mapillary error", 1u << 20, 16);
    if (body.is_object()) {
      if (const auto* e = body.get_object().if_contains("error"); e != nullptr && e->is_object()) {
        const auto& eo = e->get_object();
        message = json::get_string(eo, "message").value_or("");
        if (const auto* c = eo.if_contains("code"); c != nullptr && c->is_int64()) {
          code = c->get_int64();
        }
        if (const auto* s = eo.if_contains("error_subcode"); s != nullptr && s->is_int64()) {
          subcode = s->get_int64();
        }
      }
    }
  } catch (const Error&) {
  }
  if (message.empty()) message = body_excerpt(r.body);
  const auto text = fmt::format("Mapillary API error (HTTP {}): {}", r.status, message);
  auto kind = http::error_kind_for_status(r.status).value_or(ErrorKind::permanent);
  // 190: invalid token, 104: no token, 102: session expired.
  if (r.status == 401 || r.status == 403 || code == 190 || code == 104 || code == 102) {
    kind = ErrorKind::auth;
  } else if (code == 100 && subcode == 33) {
    kind = ErrorKind::not_found;  // "Object with ID … does not exist"
  } else if (r.status == 429 || code == 4 || code == 17 || code == 32 || code == 613) {
    kind = ErrorKind::rate_limited;
  }
  Error error(kind, text, fmt::format("mapillary_http_{}", r.status));
  if (auto after = http::parse_retry_after(r.header("Retry-After").value_or(""))) {
    error.with_retry_after(*after);
  } else if (kind == ErrorKind::rate_limited) {
    error.with_retry_after(std::chrono::seconds(60));
  }
  throw error;
}

std::string trim_slash(std::string url) {
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  return url;
}

std::string origin_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  return std::string(url.substr(0, url.find_first_of("/?#", scheme_end + 3)));
}

bool is_image_id(std::string_view id) {
  return !id.empty() && id.size() <= 24 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

struct MapillarySource::Impl {
  MapillaryOptions options;
  std::string base;
  ApiClient client;

  explicit Impl(MapillaryOptions o)
      : options(std::move(o)),
        base(trim_slash(options.api_url)),
        client(ApiClientOptions{.service = std::string(kService),
                                .contact_url = options.contact_url,
                                .timeout = options.timeout,
                                .retry = options.retry}) {}

  http::Headers headers() const {
    if (options.token.empty()) {
      throw Error(ErrorKind::auth,
                  "no Mapillary access token is configured (CURATOR_MAPILLARY_TOKEN)",
                  "mapillary_no_token");
    }
    return {{"Authorization", "OAuth " + options.token}};
  }

  json::value get(const std::string& url) {
    return client.get_json(url, headers(), read_graph_error);
  }

  std::string image_url(std::string_view id, std::string_view fields) const {
    return http::append_query(base + "/" + std::string(id), {{"fields", std::string(fields)}});
  }

  std::vector<std::string> sequence_ids(const std::string& sequence) {
    std::vector<std::string> ids;
    std::set<std::string> seen;
    std::string url = http::append_query(
        base + "/image_ids",
        {{"sequence_id", sequence}, {"limit", std::to_string(options.ids_page_size)}});
    const auto origin = origin_of(base);
    for (std::size_t page = 0; !url.empty(); ++page) {
      const auto body = get(url);
      auto page_ids = mapillary::ids_from_listing(body);
      for (auto& id : page_ids) {
        if (seen.insert(id).second) ids.push_back(std::move(id));
      }
      if (ids.size() > options.max_images) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format("Mapillary sequence {} has more than {} images", sequence,
                                options.max_images),
                    "collection_too_large");
      }
      url = mapillary::next_page_url(body);
      // The token must never go to another host; an empty page ends a loop.
      if (!url.empty() && (origin_of(url) != origin || page_ids.empty())) {
        throw Error(ErrorKind::permanent,
                    fmt::format("Mapillary paging pointed elsewhere: {}", body_excerpt(url, 200)),
                    "invalid_response");
      }
    }
    return ids;
  }

  // Metadata of `ids` in batches fetched concurrently; images land in `out`
  // at the position of their id, failures in `missing`.
  void fetch_metadata(const std::vector<std::string>& ids, Collection& out,
                      const std::function<void(std::size_t, std::size_t)>& progress) {
    std::vector<std::optional<MediaImage>> slots(ids.size());
    const auto per = options.ids_per_request;
    const auto batches = (ids.size() + per - 1) / per;
    std::mutex mutex;
    std::size_t done = 0;
    run_bounded(batches, options.concurrency, [&](std::size_t b) {
      const auto first = b * per;
      const auto last = std::min(ids.size(), first + per);
      std::string joined;
      for (auto i = first; i < last; ++i) {
        if (i > first) joined += ',';
        joined += ids[i];
      }
      const auto body = get(http::append_query(
          base + "/", {{"ids", joined}, {"fields", std::string(mapillary::kImageFields)}}));
      if (!body.is_object()) {
        throw Error(ErrorKind::permanent, "Mapillary multi-get answer is not an object",
                    "invalid_response");
      }
      std::size_t got = 0;
      std::map<std::string, std::string> failures;
      for (auto i = first; i < last; ++i) {
        const auto* v = body.get_object().if_contains(ids[i]);
        if (v == nullptr) {
          failures[ids[i]] = "not returned by Mapillary (deleted or private)";
          continue;
        }
        try {
          slots[i] = mapillary::image_from_json(*v, ids[i]);
          ++got;
        } catch (const Error& e) {
          failures[ids[i]] = e.what();
        }
      }
      std::lock_guard lock(mutex);
      out.missing.merge(failures);
      done += got;
      if (progress) progress(done, ids.size());
    });
    for (auto& s : slots)
      if (s) out.images.push_back(std::move(*s));
  }

  void check_ids(const std::vector<std::string>& ids) const {
    for (const auto& id : ids) {
      if (!is_image_id(id)) {
        throw Error(ErrorKind::invalid_input,
                    "not a Mapillary image id: '" + body_excerpt(id, 40) + "'", "invalid_id");
      }
    }
  }
};

MapillarySource::MapillarySource(MapillaryOptions options) {
  if (options.api_url.empty() || options.ids_per_request == 0 || options.ids_per_request > 100 ||
      options.ids_page_size == 0) {
    throw Error(ErrorKind::invalid_input,
                "Mapillary needs an API URL, 1 to 100 ids per request and a page size",
                "invalid_option");
  }
  impl_ = std::make_unique<Impl>(std::move(options));
}

MapillarySource::~MapillarySource() = default;

CollectionRef MapillarySource::parse_input(std::string_view input) const {
  return parse_mapillary_input(input);
}

std::string MapillarySource::sequence_of_image(std::string_view image_id) {
  impl_->check_ids({std::string(image_id)});
  const auto seq = mapillary::sequence_of(impl_->get(impl_->image_url(image_id, "sequence")));
  if (seq.empty()) {
    throw Error(ErrorKind::not_found,
                fmt::format("Mapillary image {} belongs to no sequence", image_id),
                "collection_not_found");
  }
  return seq;
}

std::vector<std::string> MapillarySource::list_ids(const CollectionRef& ref) {
  switch (ref.kind) {
    case CollectionKind::images:
      impl_->check_ids(ref.ids);
      return ref.ids;
    case CollectionKind::image:
      return impl_->sequence_ids(sequence_of_image(ref.id));
    case CollectionKind::collection:
      return impl_->sequence_ids(ref.id);
    case CollectionKind::user:
      break;
  }
  throw Error(ErrorKind::invalid_input, "Mapillary lists sequences, not users",
              "invalid_collection_input");
}

Collection MapillarySource::list_collection(const CollectionRef& ref, const ListOptions& options) {
  Collection out;
  std::vector<std::string> ids;
  if (ref.kind == CollectionKind::image) {
    out.id = sequence_of_image(ref.id);
    ids = impl_->sequence_ids(out.id);
  } else {
    out.id = ref.kind == CollectionKind::collection ? ref.id : std::string();
    ids = list_ids(ref);
  }
  if (ids.empty()) {
    throw Error(ErrorKind::not_found, fmt::format("Mapillary sequence {} has no images", out.id),
                "collection_empty");
  }
  impl_->fetch_metadata(ids, out, options.on_progress);
  if (out.images.empty()) {
    throw Error(ErrorKind::not_found,
                fmt::format("Mapillary sequence {}: none of its {} images could be read", out.id,
                            ids.size()),
                "collection_empty");
  }
  // Capture order; equal times keep the listing's order.
  std::stable_sort(out.images.begin(), out.images.end(),
                   [](const MediaImage& a, const MediaImage& b) { return a.taken < b.taken; });
  enrich(out, options, impl_->options.geocoder.get(), impl_->options.existing.get(),
         kMapillaryPhotoId);
  return out;
}

Collection MapillarySource::fetch_batch(const std::vector<std::string>& ids) {
  impl_->check_ids(ids);
  Collection out;
  impl_->fetch_metadata(ids, out, {});
  return out;
}

MediaImage MapillarySource::fetch_image(std::string_view id) {
  impl_->check_ids({std::string(id)});
  return mapillary::image_from_json(impl_->get(impl_->image_url(id, mapillary::kImageFields)), id);
}

std::map<std::string, std::vector<ExistingFile>> MapillarySource::find_existing(
    const std::vector<std::string>& ids) {
  if (!impl_->options.existing) return {};
  return impl_->options.existing->by_source_ids(kMapillaryPhotoId, ids);
}

std::size_t MapillarySource::requests_sent() const {
  return impl_->client.requests();
}

}  // namespace curator::sources
