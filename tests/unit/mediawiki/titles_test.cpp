#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "curator/core/error.hpp"
#include "curator/mediawiki/titles.hpp"

using namespace curator;
using namespace curator::mediawiki;

namespace {
bool has(const FileNameCheck& c, FileNameProblem p) {
  return std::find(c.problems.begin(), c.problems.end(), p) != c.problems.end();
}
}  // namespace

TEST_CASE("normalisation: namespace, underscores, spaces, first letter") {
  CHECK(normalize_file_name("File:foo_bar.jpg") == "Foo bar.jpg");
  CHECK(normalize_file_name("file:Foo bar.jpg") == "Foo bar.jpg");
  CHECK(normalize_file_name("Image:Foo_bar.jpg") == "Foo bar.jpg");
  CHECK(normalize_file_name(" :File: __foo   bar__.jpg  ") == "Foo bar .jpg");
  CHECK(normalize_file_name("Sandbox_chunked_upload_12MB.png") ==
        "Sandbox chunked upload 12MB.png");
  CHECK(normalize_file_name("Category:Foo.jpg") == "Category:Foo.jpg");  // not a file prefix
  CHECK(normalize_file_name("éclair.jpg") == "Éclair.jpg");
  CHECK(normalize_file_name("ßtraße.jpg") == "ßtraße.jpg");  // no single-letter upper case
  CHECK(normalize_file_name("ωmega.jpg") == "Ωmega.jpg");
  CHECK(normalize_file_name("жук.jpg") == "Жук.jpg");
  CHECK(normalize_file_name("ąb.jpg") == "Ąb.jpg");
  CHECK(normalize_file_name("ľ.jpg") == "Ľ.jpg");
  CHECK(normalize_file_name("1st.jpg") == "1st.jpg");
  // NBSP and ideographic space become spaces; direction marks vanish.
  CHECK(normalize_file_name("a\xC2\xA0"
                            "b\xE3\x80\x80"
                            "c.jpg") == "A b c.jpg");
  CHECK(normalize_file_name("a\xE2\x80\x8E"
                            "b.jpg") == "Ab.jpg");
  CHECK(normalize_file_name("") == "");
  CHECK(normalize_file_name("File:") == "");
  CHECK(file_title("foo.jpg") == "File:Foo.jpg");
  CHECK(same_file_name("Sandbox_simple_upload.png", "File:Sandbox simple upload.png"));
  CHECK_FALSE(same_file_name("a.png", "b.png"));
}

TEST_CASE("the names recorded in transcript 10 get the problem MediaWiki reported") {
  // badfilename (renamed): < > become '-' in MediaWiki; here they are forbidden.
  CHECK(has(check_file_name("Bad<name>.png"), FileNameProblem::forbidden_character));
  CHECK(has(check_file_name("Bad ~~~ name.png"), FileNameProblem::tildes));  // illegal-filename
  CHECK(
      has(check_file_name("Bad%41name.png"), FileNameProblem::percent_escape));  // illegal-filename
  CHECK(has(check_file_name("../escape.png"), FileNameProblem::relative_path));
  CHECK(has(check_file_name("../escape.png"), FileNameProblem::replaced_character));
  CHECK(has(check_file_name("Bad:name/with\\slashes.png"), FileNameProblem::replaced_character));
  CHECK(has(check_file_name("NoExtension"), FileNameProblem::no_extension));
  CHECK(has(check_file_name(".png"), FileNameProblem::empty));  // filename-tooshort
  CHECK(has(check_file_name(std::string(250, 'A') + ".png"), FileNameProblem::too_long));
  CHECK(has(check_file_name("Trailing dot.png."),
            FileNameProblem::no_extension));  // filetype-missing
  const std::vector<std::string> allowed{"jpg", "jpeg", "png", "gif", "webp", "tiff"};
  CHECK(has(check_file_name("Notes.txt", allowed), FileNameProblem::extension_not_allowed));
  CHECK(has(check_file_name("Drawing.svg", allowed), FileNameProblem::extension_not_allowed));
  CHECK(check_file_name("Photo.JPG", allowed).ok());
  CHECK(check_file_name("Sandbox simple upload.png", allowed).ok());
}

TEST_CASE("240 bytes is the limit, counted in UTF-8 bytes") {
  const std::string ok = std::string(236, 'a') + ".jpg";  // 240 bytes
  CHECK(check_file_name(ok).ok());
  CHECK(has(check_file_name(std::string(237, 'a') + ".jpg"), FileNameProblem::too_long));
  // 118 two-byte letters + ".jpg" = 240 bytes; one more is 242.
  std::string two_byte;
  for (int i = 0; i < 118; ++i)
    two_byte += "\xC3\xA9";
  CHECK(check_file_name(two_byte + ".jpg").ok());
  CHECK(has(check_file_name(two_byte + "\xC3\xA9.jpg"), FileNameProblem::too_long));
  try {
    require_valid_file_name(std::string(300, 'b') + ".jpg");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(e.code() == "filename-toolong");
  }
}

TEST_CASE("hostile names: control characters, invalid UTF-8, entities, huge input") {
  CHECK(has(check_file_name("a\x01"
                            "b.jpg"),
            FileNameProblem::forbidden_character));
  CHECK(has(check_file_name("a\x7F"
                            "b.jpg"),
            FileNameProblem::forbidden_character));
  CHECK(has(check_file_name("a\nb.jpg"), FileNameProblem::forbidden_character));
  CHECK(has(check_file_name("a\xFF"
                            "b.jpg"),
            FileNameProblem::invalid_utf8));
  CHECK(has(check_file_name("a\xC3"
                            "b.jpg"),
            FileNameProblem::invalid_utf8));  // truncated
  CHECK(has(check_file_name("a\xC0\xAF"
                            "b.jpg"),
            FileNameProblem::invalid_utf8));  // overlong
  CHECK(has(check_file_name("a\xED\xA0\x80"
                            "b.jpg"),
            FileNameProblem::invalid_utf8));  // surrogate
  CHECK(has(check_file_name("Tom &amp; Jerry.jpg"), FileNameProblem::html_entity));
  CHECK(has(check_file_name("A&#65;.jpg"), FileNameProblem::html_entity));
  CHECK(has(check_file_name("A&#x41;.jpg"), FileNameProblem::html_entity));
  CHECK(check_file_name("Tom & Jerry.jpg").ok());
  CHECK(check_file_name("100% pure.jpg").ok());
  CHECK(has(check_file_name("a#b.jpg"), FileNameProblem::forbidden_character));
  CHECK(has(check_file_name("a[b].jpg"), FileNameProblem::forbidden_character));
  CHECK(has(check_file_name("a{b}|c.jpg"), FileNameProblem::forbidden_character));
  CHECK(has(check_file_name(""), FileNameProblem::empty));
  const auto huge = check_file_name(std::string(1 << 20, 'x') + ".jpg");
  CHECK(has(huge, FileNameProblem::too_long));
  try {
    require_valid_file_name("a<b>.jpg");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(e.code() == "bad-filename");
    CHECK(std::string(e.what()).find("forbidden_character") != std::string::npos);
  }
  CHECK(require_valid_file_name("File:My_photo.jpg") == "My photo.jpg");
}

TEST_CASE("description page URLs are encoded like MediaWiki's wfUrlencode") {
  CHECK(description_page_url("https://commons.wikimedia.org/wiki/", "A b.jpg") ==
        "https://commons.wikimedia.org/wiki/File:A_b.jpg");
  CHECK(description_page_url("https://commons.wikimedia.org/wiki/$1", "File:A_b.jpg") ==
        "https://commons.wikimedia.org/wiki/File:A_b.jpg");
  CHECK(description_page_url("http://127.0.0.1:8391/index.php?title=$1&x=1", "a.png") ==
        "http://127.0.0.1:8391/index.php?title=File:A.png&x=1");
  CHECK(title_url_path("File:Tom & Jerry?.jpg") == "File:Tom_%26_Jerry%3F.jpg");
  CHECK(title_url_path("File:(1),!~$*;@.jpg") == "File:(1),!~$*;@.jpg");
  CHECK(title_url_path("File:100%\"'.jpg") == "File:100%25%22%27.jpg");
  CHECK(title_url_path("File:Éclair+.jpg") == "File:%C3%89clair%2B.jpg");
  CHECK(to_string(FileNameProblem::tildes) == "tildes");
}
