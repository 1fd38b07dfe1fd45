// Uploads one local file to a MediaWiki with a description page and
// structured data (a caption and a copyright-license statement), using only
// libcurator's public API: the steps curatorctl's pipeline takes for every
// photo, without the source, the queue or the database.
//
//   export CURATOR_BOT_USER='Alice@example' CURATOR_BOT_PASSWORD=...
//   export CURATOR_CONTACT_URL=https://example.org/alice
//   upload_one_file https://commons.wikimedia.org/w/api.php photo.jpg
//       'Example photo.jpg' 'A caption in English'      (on one line)
//
// Exit status: 0 published, 1 the wiki refused the file (a duplicate, an
// existing name, ...), 2 usage, 3 any other error.
#include <curator/core/error.hpp>
#include <curator/core/time.hpp>
#include <curator/mediawiki/chunked_upload.hpp>
#include <curator/mediawiki/client.hpp>
#include <curator/mediawiki/titles.hpp>
#include <curator/sdc/codec.hpp>
#include <curator/sdc/statement.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// The page text: {{Information}} and the license the statement repeats.
std::string wikitext(const std::string& caption, const std::string& user) {
  return "== {{int:filedesc}} ==\n{{Information\n|description={{en|1=" + caption +
         "}}\n|date=" + curator::format_date(curator::now_utc()) +
         "\n|source={{own}}\n|author=[[User:" + user.substr(0, user.find('@')) +
         "]]\n}}\n\n== {{int:license-header}} ==\n{{self|cc-by-sa-4.0}}\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5 || env("CURATOR_BOT_USER").empty() || env("CURATOR_BOT_PASSWORD").empty() ||
      env("CURATOR_CONTACT_URL").empty()) {
    std::cerr << "usage: upload_one_file API_URL FILE TITLE CAPTION\n"
                 "with CURATOR_BOT_USER, CURATOR_BOT_PASSWORD (a bot password) and\n"
                 "CURATOR_CONTACT_URL (for the User-Agent) in the environment\n";
    return 2;
  }
  const std::string api_url = argv[1], path = argv[2], name = argv[3], caption = argv[4];
  try {
    curator::mediawiki::ClientOptions options;
    options.api_url = api_url;
    options.http.user_agent = {"upload_one_file", "1.0", env("CURATOR_CONTACT_URL")};
    const curator::BotPassword login{env("CURATOR_BOT_USER"), env("CURATOR_BOT_PASSWORD")};
    curator::mediawiki::MediaWikiClient wiki(options, login);
    wiki.login();  // refused credentials fail here, before any byte is sent

    // 1. The file, in chunks, with its description page.
    curator::mediawiki::ChunkedUploadOptions upload;
    upload.comment = "Uploaded with libcurator's upload_one_file example";
    upload.text = wikitext(caption, login.username);
    const auto outcome = curator::mediawiki::ChunkedUpload(wiki, path, name, upload).run();
    if (!outcome.published()) {
      std::cerr << "not uploaded: " << outcome.describe() << '\n';
      return 1;
    }

    // 2. Structured data: the caption and "copyright license: CC BY-SA 4.0".
    curator::mediawiki::EntityEdit sdc;
    sdc.site = "commonswiki";
    sdc.title = curator::mediawiki::file_title(outcome.file_name);
    sdc.summary = "Structured data for a new upload";
    sdc.labels["en"] = caption;
    const auto license = curator::sdc::Statement::of(
        curator::sdc::Snak::item("P275", 18199165));  // Q18199165: CC BY-SA 4.0
    sdc.claims.push_back(curator::sdc::to_json(license));
    const auto entity = wiki.edit_entity(sdc);

    // 3. A null edit, so templates that read structured data render it.
    wiki.null_edit(sdc.title);
    std::cout << outcome.description_url << '\n' << entity.id << '\n';
    return 0;
  } catch (const curator::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 3;
  }
}
