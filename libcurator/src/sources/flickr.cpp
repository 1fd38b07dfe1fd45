#include "curator/sources/flickr.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <set>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/http/form.hpp"
#include "curator/http/status.hpp"
#include "curator/sources/flickr_license.hpp"
#include "sources/api_client.hpp"
#include "sources/enrichment.hpp"
#include "sources/flickr_json.hpp"
#include "sources/parallel.hpp"

namespace curator::sources {
namespace {

constexpr std::string_view kService = "Flickr";
constexpr std::string_view kVideoRefusal = "a video: only photos can be uploaded";

void read_http_error(const http::Response& r) {
  auto kind = http::error_kind_for_status(r.status).value_or(ErrorKind::permanent);
  if (r.status == 401 || r.status == 403) kind = ErrorKind::auth;
  Error error(kind, fmt::format("Flickr API error (HTTP {}): {}", r.status, body_excerpt(r.body)),
              fmt::format("flickr_http_{}", r.status));
  if (auto after = http::parse_retry_after(r.header("Retry-After").value_or(""))) {
    error.with_retry_after(*after);
  }
  throw error;
}

bool is_photo_id(std::string_view id) {
  return !id.empty() && id.size() <= 24 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_nsid(std::string_view user) {
  return user.find("@N") != std::string_view::npos;
}

const json::object& container(const json::value& body, std::string_view key) {
  if (body.is_object()) {
    if (const auto* c = body.get_object().if_contains(key); c != nullptr && c->is_object()) {
      return c->get_object();
    }
  }
  throw Error(ErrorKind::permanent, fmt::format("Flickr answer has no '{}' object", key),
              "invalid_response");
}

const json::array& photo_list(const json::object& c) {
  static const json::array kEmpty;
  const auto* photos = c.if_contains("photo");
  return photos != nullptr && photos->is_array() ? photos->get_array() : kEmpty;
}

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  return {};
}

// A listing to page through: photosets.getPhotos or people.getPublicPhotos.
struct Listing {
  std::string method;
  std::string container;  // "photoset" or "photos"
  http::Fields params;
};

}  // namespace

struct FlickrSource::Impl {
  FlickrOptions options;
  ApiClient client;
  std::shared_ptr<TokenBucket> budget;

  explicit Impl(FlickrOptions o)
      : options(std::move(o)),
        client(ApiClientOptions{.service = std::string(kService),
                                .contact_url = options.contact_url,
                                .timeout = options.timeout,
                                .retry = options.retry}),
        budget(options.budget ? options.budget : flickr_budget(options.api_key)) {}

  json::value call(std::string_view method, const http::Fields& params) {
    if (options.api_key.empty()) {
      throw Error(ErrorKind::auth, "no Flickr API key is configured (CURATOR_FLICKR_API_KEY)",
                  "flickr_no_key");
    }
    http::Fields fields{{"method", std::string(method)},
                        {"api_key", options.api_key},
                        {"format", "json"},
                        {"nojsoncallback", "1"}};
    fields.insert(fields.end(), params.begin(), params.end());
    const auto url = http::append_query(options.api_url, fields);
    return client.get_json(url, {}, read_http_error, flickr::check_stat,
                           [this] { budget->acquire(options.max_budget_wait); });
  }

  // Pages 1..N of a listing (page 1 first, to learn N; the rest concurrently),
  // capped at max_photos. Returns the page containers in page order.
  std::vector<json::value> pages(const Listing& listing, std::vector<std::string>& warnings) {
    const auto per_page = static_cast<std::size_t>(flickr::kPerPage);
    const auto page_call = [&](int page) {
      auto params = listing.params;
      params.emplace_back("per_page", std::to_string(per_page));
      params.emplace_back("page", std::to_string(page));
      auto body = call(listing.method, params);
      container(body, listing.container);  // throws unless present
      return body;
    };
    std::vector<json::value> out;
    out.push_back(page_call(1));
    const auto first = flickr::page_of(container(out[0], listing.container));
    const int cap = static_cast<int>((options.max_photos + per_page - 1) / per_page);
    const int last = std::min(first.pages, std::max(1, cap));
    if (first.pages > last) {
      warnings.push_back(fmt::format("only the first {} of {} photos were listed",
                                     static_cast<std::size_t>(last) * per_page, first.total));
    }
    out.resize(static_cast<std::size_t>(last));
    run_bounded(static_cast<std::size_t>(last - 1), options.concurrency,
                [&](std::size_t i) { out[i + 1] = page_call(static_cast<int>(i) + 2); });
    return out;
  }

  // getInfo (+ getSizes for photos): fresh metadata and the media type.
  std::pair<MediaImage, std::string> photo(std::string_view id) {
    const auto info = call("flickr.photos.getInfo", {{"photo_id", std::string(id)}});
    const auto& p = container(info, "photo");
    auto image = flickr::photo_from_info(p);
    const auto media = flickr::media_of(p);
    if (media == "photo") {
      flickr::apply_sizes(image, call("flickr.photos.getSizes", {{"photo_id", std::string(id)}}));
    }
    return {std::move(image), media};
  }

  Listing listing_for(const CollectionRef& ref, std::string_view extras, std::string& resolved) {
    if (ref.kind == CollectionKind::collection) {
      if (!is_photo_id(ref.id)) {
        throw Error(ErrorKind::invalid_input, "not a Flickr album id", "invalid_id");
      }
      resolved = ref.id;
      Listing l{"flickr.photosets.getPhotos", "photoset", {{"photoset_id", ref.id}}};
      // Flickr wants an NSID here; a path alias is simply left out.
      if (is_nsid(ref.owner)) l.params.emplace_back("user_id", ref.owner);
      if (!extras.empty()) l.params.emplace_back("extras", std::string(extras));
      return l;
    }
    resolved = resolve_user(ref.owner);
    Listing l{"flickr.people.getPublicPhotos", "photos", {{"user_id", resolved}}};
    if (!extras.empty()) l.params.emplace_back("extras", std::string(extras));
    return l;
  }

  std::string resolve_user(std::string_view user) {
    if (user.empty() || user.size() > 64) {
      throw Error(ErrorKind::invalid_input, "no Flickr user given", "invalid_id");
    }
    if (is_nsid(user)) return std::string(user);
    const auto body = call("flickr.urls.lookupUser",
                           {{"url", fmt::format("https://www.flickr.com/photos/{}/", user)}});
    auto nsid = text(container(body, "user"), "id");
    if (nsid.empty()) {
      throw Error(ErrorKind::not_found, fmt::format("Flickr user {} not found", user), "flickr_1");
    }
    return nsid;
  }

  void check_ids(const std::vector<std::string>& ids) const {
    for (const auto& id : ids) {
      if (!is_photo_id(id)) {
        throw Error(ErrorKind::invalid_input,
                    "not a Flickr photo id: '" + body_excerpt(id, 40) + "'", "invalid_id");
      }
    }
  }

  void add_photo(Collection& out, MediaImage image, const std::string& media) {
    if (media == "video") {
      out.refusals[image.id] = std::string(kVideoRefusal);
    } else if (auto why = flickr_license_refusal(image.license.value_or(""))) {
      out.refusals[image.id] = *why;
    }
    out.images.push_back(std::move(image));
  }
};

FlickrSource::FlickrSource(FlickrOptions options) {
  if (options.api_url.empty()) {
    throw Error(ErrorKind::invalid_input, "Flickr needs an API URL", "invalid_option");
  }
  impl_ = std::make_unique<Impl>(std::move(options));
}

FlickrSource::~FlickrSource() = default;

CollectionRef FlickrSource::parse_input(std::string_view input) const {
  return parse_flickr_input(input);
}

std::string FlickrSource::resolve_user(std::string_view user) {
  return impl_->resolve_user(user);
}

std::vector<std::string> FlickrSource::list_ids(const CollectionRef& ref) {
  if (ref.kind == CollectionKind::images) {
    impl_->check_ids(ref.ids);
    return ref.ids;
  }
  if (ref.kind == CollectionKind::image) {
    impl_->check_ids({ref.id});
    return {ref.id};
  }
  std::string resolved;
  std::vector<std::string> warnings;
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const auto& page : impl_->pages(impl_->listing_for(ref, "", resolved), warnings)) {
    const auto& c = container(page, ref.kind == CollectionKind::collection ? "photoset" : "photos");
    for (const auto& p : photo_list(c)) {
      if (!p.is_object()) continue;
      auto id = text(p.get_object(), "id");
      if (is_photo_id(id) && seen.insert(id).second) ids.push_back(std::move(id));
    }
  }
  return ids;
}

Collection FlickrSource::list_collection(const CollectionRef& ref, const ListOptions& options) {
  Collection out;
  if (ref.kind == CollectionKind::images || ref.kind == CollectionKind::image) {
    out = fetch_batch(ref.kind == CollectionKind::images ? ref.ids
                                                         : std::vector<std::string>{ref.id});
    if (ref.kind == CollectionKind::image) out.id = ref.id;
    if (out.images.empty()) {
      throw Error(ErrorKind::not_found, "none of the Flickr photos could be read",
                  "collection_empty");
    }
  } else {
    const auto listing = impl_->listing_for(ref, flickr::kListingExtras, out.id);
    std::set<std::string> seen;
    const auto pages = impl_->pages(listing, out.warnings);
    const auto total = static_cast<std::size_t>(
        flickr::page_of(container(pages.front(), listing.container)).total);
    for (const auto& page : pages) {
      const auto& c = container(page, listing.container);
      flickr::Owner owner{text(c, "owner"), text(c, "ownername"), {}};
      for (const auto& p : photo_list(c)) {
        try {
          auto image = flickr::photo_from_listing(p, owner);
          if (!seen.insert(image.id).second) continue;  // pages shifted under us
          impl_->add_photo(out, std::move(image), flickr::media_of(p));
        } catch (const Error& e) {
          const auto id = p.is_object() ? text(p.get_object(), "id") : std::string();
          out.missing[id.empty() ? "?" : id] = e.what();
        }
      }
      if (options.on_progress) options.on_progress(out.images.size(), total);
    }
    if (out.images.empty()) {
      throw Error(ErrorKind::not_found, fmt::format("Flickr collection {} has no photos", out.id),
                  "collection_empty");
    }
  }
  std::stable_sort(out.images.begin(), out.images.end(),
                   [](const MediaImage& a, const MediaImage& b) { return a.taken < b.taken; });
  enrich(out, options, impl_->options.geocoder.get(), impl_->options.existing.get(),
         kFlickrPhotoId);
  return out;
}

Collection FlickrSource::fetch_batch(const std::vector<std::string>& ids) {
  impl_->check_ids(ids);
  std::vector<std::optional<std::pair<MediaImage, std::string>>> slots(ids.size());
  std::map<std::string, std::string> missing;
  std::mutex mutex;
  run_bounded(ids.size(), impl_->options.concurrency, [&](std::size_t i) {
    try {
      slots[i] = impl_->photo(ids[i]);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::not_found && e.kind() != ErrorKind::permanent) throw;
      std::lock_guard lock(mutex);
      missing[ids[i]] = e.what();
    }
  });
  Collection out;
  out.missing = std::move(missing);
  for (auto& s : slots) {
    if (s) impl_->add_photo(out, std::move(s->first), s->second);
  }
  return out;
}

MediaImage FlickrSource::fetch_image(std::string_view id) {
  impl_->check_ids({std::string(id)});
  auto [image, media] = impl_->photo(id);
  if (media == "video") {
    throw Error(ErrorKind::invalid_input, fmt::format("Flickr photo {} is {}", id, kVideoRefusal),
                "not_uploadable");
  }
  return image;
}

std::map<std::string, std::vector<ExistingFile>> FlickrSource::find_existing(
    const std::vector<std::string>& ids) {
  if (!impl_->options.existing) return {};
  return impl_->options.existing->by_source_ids(kFlickrPhotoId, ids);
}

std::optional<std::string> FlickrSource::refusal(const MediaImage& image) const {
  return flickr_license_refusal(image.license.value_or(""));
}

std::size_t FlickrSource::requests_sent() const {
  return impl_->client.requests();
}

}  // namespace curator::sources
