#include <doctest/doctest.h>

#include "mediawiki/cookie_jar.hpp"

using curator::mediawiki::detail::CookieJar;

TEST_CASE("a MediaWiki login's cookies are kept and sent back; deletions honoured") {
  CookieJar jar;
  CHECK(jar.header().empty());
  jar.store(
      {{"Set-Cookie", "curatorwiki_session=abc123; path=/; HttpOnly"},
       {"Content-Type", "application/json"},
       {"set-cookie",
        "curatorwikiUserID=1; expires=Sat, 26-Dec-2026 13:00:00 GMT; Max-Age=2592000; path=/"},
       {"Set-Cookie", "curatorwikiUserName=Admin; path=/"}});
  CHECK(jar.size() == 3);
  CHECK(jar.header() ==
        "curatorwikiUserID=1; curatorwikiUserName=Admin; curatorwiki_session=abc123");
  jar.store_one("curatorwiki_session=def456; path=/");
  CHECK(jar.header().find("curatorwiki_session=def456") != std::string::npos);
  // MediaWiki's logout: value "deleted", an expiry in 1970.
  jar.store_one("curatorwikiUserID=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0");
  jar.store_one("curatorwikiUserName=x; Max-Age=-1");
  CHECK(jar.header() == "curatorwiki_session=def456");
  jar.clear();
  CHECK(jar.empty());
}

TEST_CASE("malformed or hostile Set-Cookie values are ignored") {
  CookieJar jar;
  for (const char* bad : {"", "novalue", "=value", "bad name=x", "a;b=c", "x=a b",
                          "x=a\r\nInjected: 1", "x=a,b", "na(me=v"}) {
    CAPTURE(bad);
    jar.store_one(bad);
  }
  CHECK(jar.empty());
  jar.store_one("quoted=\"v1\"");
  jar.store_one("empty=");
  CHECK(jar.header() == "empty=; quoted=v1");
}
