// Runs examples/upload_one_file (built against the public API only) against
// the test MediaWiki through tests/fakes/mediawiki_proxy.py, which answers
// the Wikibase calls, then reads back what it wrote: the file and its page
// from the wiki, the caption and the statement from the entity.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "../mediawiki/proxy.hpp"
#include "../mediawiki/wiki.hpp"
#include "curator/http/download.hpp"
#include "curator/mediawiki/titles.hpp"

using namespace curator;

namespace {

struct Run {
  int exit = -1;
  std::vector<std::string> out;  // stdout lines
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The example with exactly `env` as its environment.
Run run_example(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                const test::TempDir& scratch) {
  const auto out_path = (scratch.path() / "stdout").string();
  const auto err_path = (scratch.path() / "stderr").string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<std::string> strings{CURATOR_EXAMPLE_UPLOAD_BINARY};
    strings.insert(strings.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (auto& s : strings)
      argv.push_back(s.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env)
      env_strings.push_back(k + "=" + v);
    for (auto& e : env_strings)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    ::execve(CURATOR_EXAMPLE_UPLOAD_BINARY, argv.data(), envp.data());
    ::_exit(127);
  }
  REQUIRE(pid > 0);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      FAIL("upload_one_file timed out");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Run r;
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::istringstream out(slurp(out_path));
  for (std::string line; std::getline(out, line);)
    r.out.push_back(line);
  r.err = slurp(err_path);
  return r;
}

}  // namespace

TEST_CASE("upload_one_file uploads a file with its page, caption and statement") {
  test::MediaWikiProxy proxy;
  test::TempDir dir;
  const auto file = test::make_png(dir, 20'000);
  const auto name = test::unique_name("example");
  const std::string caption = "A test picture from the upload_one_file example";
  const std::map<std::string, std::string> env{
      {"CURATOR_BOT_USER", test::require_env("CURATOR_TEST_MW_USER_BOT_USER")},
      {"CURATOR_BOT_PASSWORD", test::require_env("CURATOR_TEST_MW_USER_BOT_PASSWORD")},
      {"CURATOR_CONTACT_URL", "https://example.org/curator-tests"}};

  const auto r = run_example({proxy.commons_api(), file.string(), name, caption}, env, dir);
  REQUIRE_MESSAGE(r.exit == 0, r.err);
  REQUIRE(r.out.size() == 2);
  CHECK(r.out[0].find(mediawiki::title_url_path(mediawiki::file_title(name))) != std::string::npos);
  const auto entity_id = r.out[1];
  CHECK(entity_id.rfind('M', 0) == 0);

  // The file and its description page, read from the wiki itself.
  auto wiki = test::uploader_client();
  const auto info = wiki.image_info(name);
  REQUIRE(info.has_value());
  CHECK(info->sha1 == http::sha1_file_hex(file));
  const auto page = wiki.page_text(mediawiki::file_title(name));
  CHECK(page.content.find("|description={{en|1=" + caption + "}}") != std::string::npos);
  CHECK(page.content.find("{{self|cc-by-sa-4.0}}") != std::string::npos);

  // The caption and the statement, read back through the Wikibase API.
  auto options = test::wiki_options();
  options.api_url = proxy.commons_api();
  auto commons = test::uploader_client(options);
  const auto entity = commons.entity(entity_id);
  CHECK(entity.labels.at("en") == caption);
  const auto& license = entity.statements.at("P275").as_array();
  REQUIRE(license.size() == 1);
  CHECK(license[0].at("mainsnak").at("datavalue").at("value").at("numeric-id").as_int64() ==
        18199165);
  const auto history = proxy.entity(entity_id).at("history").as_array();
  REQUIRE(history.size() == 1);  // one edit: caption and statement together

  // The same bytes again: the wiki's duplicate warning, exit 1, nothing published.
  const auto again = run_example(
      {proxy.commons_api(), file.string(), test::unique_name("again"), caption}, env, dir);
  CHECK(again.exit == 1);
  CHECK_MESSAGE(again.err.find("already exists on the wiki as " + mediawiki::file_title(name)) !=
                    std::string::npos,
                again.err);
}

TEST_CASE("upload_one_file: usage and refused credentials") {
  test::MediaWikiProxy proxy;
  test::TempDir dir;
  const auto file = test::make_png(dir, 1000);
  std::map<std::string, std::string> env{{"CURATOR_CONTACT_URL", "https://example.org/t"}};
  CHECK(run_example({proxy.commons_api(), file.string(), "X.png", "c"}, env, dir).exit == 2);
  env["CURATOR_BOT_USER"] = test::require_env("CURATOR_TEST_MW_USER_BOT_USER");
  env["CURATOR_BOT_PASSWORD"] = "wrong-password";
  CHECK(run_example({proxy.commons_api(), file.string()}, env, dir).exit == 2);
  const auto refused = run_example({proxy.commons_api(), file.string(), "X.png", "c"}, env, dir);
  CHECK(refused.exit == 3);
  CHECK(refused.err.find("wrong-password") == std::string::npos);  // never echoed
  CHECK(proxy.requests("upload").empty());
}
