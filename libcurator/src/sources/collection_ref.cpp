#include "curator/sources/collection_ref.hpp"

#include <fmt/format.h>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <set>

#include "curator/core/error.hpp"

namespace curator::sources {
namespace {

constexpr std::string_view kMapillaryForms =
    "Mapillary input not recognised. Accepted: a sequence id; a sequence URL "
    "(https://www.mapillary.com/app/sequence/<id>, https://www.mapillary.com/map/s/<id> or a "
    "mapillary.com URL with sKey=<id>); an image URL with pKey "
    "(https://www.mapillary.com/app/?pKey=<image id>); or image ids separated by commas";

constexpr std::string_view kFlickrForms =
    "Flickr input not recognised. Accepted: an album URL "
    "(https://www.flickr.com/photos/<user>/albums/<id> or /sets/<id>); a photo URL "
    "(https://www.flickr.com/photos/<user>/<photo id>); a photostream URL "
    "(https://www.flickr.com/photos/<user>); a flic.kr/p/ short link; an album id; a user NSID "
    "(12345678@N00); or photo ids separated by commas";

[[noreturn]] void reject(std::string_view forms, std::string_view detail = {}) {
  std::string message(forms);
  if (!detail.empty()) message += " (" + std::string(detail) + ")";
  throw Error(ErrorKind::invalid_input, message, "invalid_collection_input");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool is_digits(std::string_view s) {
  return !s.empty() && s.size() <= 24 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Sequence keys and path aliases: letters, digits, '_' and '-'.
bool is_key(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// Flickr NSIDs look like 12345678@N00.
bool is_nsid(std::string_view s) {
  const auto at = s.find("@N");
  return at != std::string_view::npos && at > 0 && s.size() <= 32 && is_digits(s.substr(0, at)) &&
         is_digits(s.substr(at + 2));
}

bool is_flickr_user(std::string_view s) {
  return is_key(s) || is_nsid(s);
}

std::vector<std::string_view> split_tokens(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ',' || std::isspace(static_cast<unsigned char>(s[i]))))
      ++i;
    const auto start = i;
    while (i < s.size() && s[i] != ',' && !std::isspace(static_cast<unsigned char>(s[i])))
      ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

bool host_is(std::string_view host, std::string_view domain) {
  return host == domain || (host.size() > domain.size() && host.ends_with(domain) &&
                            host[host.size() - domain.size() - 1] == '.');
}

bool starts_with_host(std::string_view input, std::initializer_list<std::string_view> hosts) {
  for (auto h : hosts) {
    if (input.size() > h.size() && input.starts_with(h) &&
        (input[h.size()] == '/' || input[h.size()] == '?')) {
      return true;
    }
  }
  return false;
}

struct ParsedUrl {
  std::string host;
  std::vector<std::string> segments;  // decoded, empty ones dropped
  std::vector<std::pair<std::string, std::string>> params;

  std::optional<std::string> param(std::string_view key) const {
    for (const auto& [k, v] : params)
      if (k == key) return v;
    return std::nullopt;
  }
};

std::optional<ParsedUrl> parse_url(std::string_view input, std::string_view forms,
                                   std::initializer_list<std::string_view> bare_hosts) {
  std::string text(input);
  if (starts_with_host(input, bare_hosts)) text = "https://" + text;
  if (text.find("://") == std::string::npos) return std::nullopt;
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) reject(forms, "not a valid URL");
  const auto& u = *parsed;
  if (u.scheme() != "https" && u.scheme() != "http") reject(forms, "not an http(s) URL");
  ParsedUrl out;
  out.host = u.host();
  std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (auto seg : u.segments()) {
    if (!seg.empty()) out.segments.push_back(seg);
  }
  for (auto p : u.params()) {
    out.params.emplace_back(p.key, p.has_value ? p.value : std::string());
  }
  return out;
}

// flic.kr short codes are base 58 over this alphabet.
std::optional<std::string> flickr_base58(std::string_view code) {
  constexpr std::string_view kAlphabet =
      "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
  if (code.empty() || code.size() > 11) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : code) {
    const auto digit = kAlphabet.find(c);
    if (digit == std::string_view::npos) return std::nullopt;
    if (n > (UINT64_MAX - digit) / 58) return std::nullopt;
    n = n * 58 + digit;
  }
  return std::to_string(n);
}

CollectionRef make(std::string handler, CollectionKind kind, std::string id,
                   std::string owner = {}) {
  CollectionRef r;
  r.handler = std::move(handler);
  r.kind = kind;
  r.id = std::move(id);
  r.owner = std::move(owner);
  return r;
}

CollectionRef id_list(std::string handler, const std::vector<std::string_view>& tokens,
                      std::string_view forms) {
  if (tokens.size() > kMaxListedIds) {
    reject(forms, fmt::format("more than {} ids", kMaxListedIds));
  }
  CollectionRef r = make(std::move(handler), CollectionKind::images, {});
  std::set<std::string_view> seen;
  for (auto t : tokens) {
    if (!is_digits(t)) reject(forms, fmt::format("'{}' is not an image id", t.substr(0, 64)));
    if (seen.insert(t).second) r.ids.emplace_back(t);
  }
  return r;
}

std::string_view checked_input(std::string_view input, std::string_view forms) {
  if (input.size() > kMaxInputBytes) reject(forms, "input too long");
  input = trim(input);
  if (input.empty()) reject(forms, "input is empty");
  return input;
}

}  // namespace

std::string_view to_string(CollectionKind kind) noexcept {
  switch (kind) {
    case CollectionKind::collection:
      return "collection";
    case CollectionKind::image:
      return "image";
    case CollectionKind::user:
      return "user";
    case CollectionKind::images:
      return "images";
  }
  return "collection";
}

CollectionRef parse_mapillary_input(std::string_view input) {
  input = checked_input(input, kMapillaryForms);
  if (auto url = parse_url(input, kMapillaryForms, {"www.mapillary.com", "mapillary.com"})) {
    if (!host_is(url->host, "mapillary.com")) reject(kMapillaryForms, "not a mapillary.com URL");
    if (auto s = url->param("sKey")) {
      if (!is_key(*s)) reject(kMapillaryForms, "sKey is not a sequence id");
      return make("mapillary", CollectionKind::collection, *s);
    }
    if (auto p = url->param("pKey")) {
      if (!is_digits(*p)) reject(kMapillaryForms, "pKey is not an image id");
      return make("mapillary", CollectionKind::image, *p);
    }
    const auto& seg = url->segments;
    if (seg.size() == 3 &&
        ((seg[0] == "app" && seg[1] == "sequence") || (seg[0] == "map" && seg[1] == "s"))) {
      if (!is_key(seg[2])) reject(kMapillaryForms, "not a sequence id");
      return make("mapillary", CollectionKind::collection, seg[2]);
    }
    if (seg.size() == 3 && seg[0] == "map" && seg[1] == "im") {
      if (!is_key(seg[2])) reject(kMapillaryForms, "not an image id");
      return make("mapillary", CollectionKind::image, seg[2]);
    }
    reject(kMapillaryForms, "the URL names no sequence or image");
  }
  const auto tokens = split_tokens(input);
  if (tokens.size() == 1) {
    if (!is_key(tokens[0])) reject(kMapillaryForms, "not a sequence id");
    return make("mapillary", CollectionKind::collection, std::string(tokens[0]));
  }
  return id_list("mapillary", tokens, kMapillaryForms);
}

CollectionRef parse_flickr_input(std::string_view input) {
  input = checked_input(input, kFlickrForms);
  if (auto url = parse_url(
          input, kFlickrForms,
          {"www.flickr.com", "flickr.com", "m.flickr.com", "secure.flickr.com", "flic.kr"})) {
    const auto& seg = url->segments;
    if (url->host == "flic.kr") {
      if (seg.size() == 2 && (seg[0] == "p" || seg[0] == "s")) {
        if (auto id = flickr_base58(seg[1])) {
          return make("flickr", seg[0] == "p" ? CollectionKind::image : CollectionKind::collection,
                      *id);
        }
      }
      reject(kFlickrForms, "not a flic.kr/p/ or flic.kr/s/ link");
    }
    if (!host_is(url->host, "flickr.com")) reject(kFlickrForms, "not a flickr.com URL");
    if (seg.size() >= 2 && seg[0] == "people" && is_flickr_user(seg[1])) {
      return make("flickr", CollectionKind::user, {}, seg[1]);
    }
    if (seg.size() < 2 || seg[0] != "photos" || !is_flickr_user(seg[1])) {
      reject(kFlickrForms, "the URL names no album, photo or user");
    }
    const std::string& user = seg[1];
    if (seg.size() == 2) return make("flickr", CollectionKind::user, {}, user);
    if (seg[2] == "albums" || seg[2] == "sets") {
      if (seg.size() >= 4 && is_digits(seg[3])) {
        return make("flickr", CollectionKind::collection, seg[3], user);
      }
      reject(kFlickrForms, "the album URL has no album id");
    }
    if (is_digits(seg[2])) return make("flickr", CollectionKind::image, seg[2], user);
    // /photos/<user>/page3 and /photos/<user>/with/<id> are views of the photostream.
    if (seg[2].starts_with("page") || seg[2] == "with") {
      return make("flickr", CollectionKind::user, {}, user);
    }
    reject(kFlickrForms, "the URL names no album, photo or user");
  }
  const auto tokens = split_tokens(input);
  if (tokens.size() == 1) {
    if (is_digits(tokens[0])) {
      return make("flickr", CollectionKind::collection, std::string(tokens[0]));
    }
    if (is_nsid(tokens[0])) return make("flickr", CollectionKind::user, {}, std::string(tokens[0]));
    reject(kFlickrForms, "not an album id or user NSID");
  }
  return id_list("flickr", tokens, kFlickrForms);
}

}  // namespace curator::sources
