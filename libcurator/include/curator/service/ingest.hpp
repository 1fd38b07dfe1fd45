#pragma once
// Planning an ingest: from a listed collection and a file description (a
// preset, flags, or both) to each file's title, wikitext, caption and
// structured data, or the reason it will be skipped (already on Commons,
// already uploaded by Curator, not freely licensed, an invalid, blacklisted
// or repeated title). The same rules the web frontend applies, so a preset
// gives the same files from `curatorctl ingest`. Pure apart from the title
// blacklist callback; knows nothing of terminals, sources' HTTP or the queue.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/core/label.hpp"
#include "curator/core/media_image.hpp"
#include "curator/export.hpp"
#include "curator/service/file_template.hpp"
#include "curator/store/records.hpp"

namespace curator::service {

/// How every file of an ingest is described. Templates use the frontend's
/// `{{path}}` syntax over template_variables().
struct FileSpec {
  std::string title_template;                    // empty: the source's suggested title
  std::optional<std::string> wikitext_template;  // the whole page; unset: default_wikitext
  std::vector<std::string> categories;           // names or [[Category:…]] links (templates)
  std::optional<Label> caption;                  // value is a template; empty: no caption
  std::string license;  // license template override; non-empty drops P6216/P275 from SDC
  bool exclude_date_category = false;
};

/// A preset's fields as a FileSpec: its title template, its label as the
/// caption, its categories one per line, its date-category flag.
CURATOR_API FileSpec file_spec_from_preset(const store::Preset& preset);

/// Non-blank lines of a preset's categories field, trimmed.
CURATOR_API std::vector<std::string> split_categories(std::string_view text);

enum class SkipReason {
  not_uploadable,      // the source refuses it: a license Commons does not accept, a video
  already_uploaded,    // Curator already uploaded (or is uploading) this image
  already_on_commons,  // a Commons file holds this source id (with skip_existing)
  invalid_title,       // MediaWiki would refuse the file name
  duplicate_title,     // an earlier file of this ingest has the same title
  blacklisted_title,   // the wiki's title blacklist refuses it
};
CURATOR_API std::string_view to_string(SkipReason reason) noexcept;

struct PlannedFile {
  std::size_t position = 0;  // 1-based, in listing order (the frontend's numbering)
  MediaImage image;
  std::string title;  // normalised file name, without "File:"
  std::string wikitext;
  std::optional<Label> caption;
  bool copyright_override = false;
  std::optional<json::object> sdc;  // wbeditentity `data` for the new file
  std::optional<SkipReason> skip;
  std::string skip_detail;  // for people: what exactly, with a link or name
};

/// Asked once per plan with every "File:<title>" still to upload; answers
/// title → the blacklist's reason for each refused one (others absent), so
/// an implementation may ask the wiki about many titles at once.
using TitleBlacklist =
    std::function<std::map<std::string, std::string>(const std::vector<std::string>& file_titles)>;

struct PlanInput {
  Handler handler = Handler::mapillary;
  std::string collection;  // the resolved sequence/album id (Collection::id)
  FileSpec spec;
  /// 0-based positions to plan, ascending; unset: every image.
  std::optional<std::vector<std::size_t>> selection;
  bool skip_existing = false;                   // skip images that `existing` names
  std::map<std::string, std::string> refusals;  // image id → why not (Collection::refusals)
  std::map<std::string, std::string> uploaded;  // image id → where Curator has it already
  TitleBlacklist blacklist;                     // empty: not asked
};

/// One PlannedFile per selected image, in listing order. The blacklist is
/// asked only about files that are not skipped for another reason.
CURATOR_API std::vector<PlannedFile> plan_files(const std::vector<MediaImage>& images,
                                                const PlanInput& input);

/// `--select`: comma-separated 1-based positions, ranges `a-b`, open ranges
/// `a-` and `-b`, or image ids, e.g. "1-10,15,1000000000000003". Returns
/// ascending unique 0-based positions. Throws Error(invalid_input) naming the
/// token for an unknown id, a position out of range or a reversed range.
CURATOR_API std::vector<std::size_t> parse_selection(std::string_view text,
                                                     const std::vector<MediaImage>& images);

/// The upload row for a planned file (its key is the image id).
CURATOR_API store::NewUpload to_new_upload(const PlannedFile& file, std::string_view collection);

}  // namespace curator::service
