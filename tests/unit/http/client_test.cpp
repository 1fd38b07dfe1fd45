#include "curator/http/client.hpp"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <fstream>

#include "curator/core/error.hpp"
#include "curator/core/json.hpp"
#include "curator/http/download.hpp"
#include "curator/http/status.hpp"
#include "fixture_server.hpp"
#include "test_support.hpp"

using namespace curator;
using namespace curator::http;
using curator::test::fixture_server;
using curator::test::pattern;
using curator::test::sha1_hex;
using curator::test::test_client_options;

namespace {

json::object echo_of(const Response& r) {
  REQUIRE(r.status == 200);
  return json::parse(r.body, "echo").as_object();
}

std::string echoed_header(const json::object& echo, const char* name) {
  const auto& headers = echo.at("headers").as_object();
  const auto* v = headers.if_contains(name);
  return v == nullptr ? std::string("(absent)") : std::string(v->as_string());
}

template <class F>
Error error_from(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no curator::Error thrown");
  return Error(ErrorKind::permanent, "unreachable");
}

// A loopback port with a bound socket that does not listen: connects are refused.
struct RefusingPort {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  RefusingPort() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
  }
  ~RefusingPort() { ::close(fd); }
};

}  // namespace

TEST_CASE("GET: status, headers and body; User-Agent and custom headers reach the server") {
  Client client(test_client_options());
  const auto r = client.get(fixture_server().url("/echo?a=1&b=x%20y"),
                            {{"X-Curator-Test", "yes"}, {"X-Empty", ""}});
  const auto echo = echo_of(r);
  CHECK(echo.at("method") == "GET");
  CHECK(echo.at("query").at("b") == "x y");
  CHECK(echoed_header(echo, "x-curator-test") == "yes");
  CHECK(echoed_header(echo, "x-empty") == "");
  const auto ua = echoed_header(echo, "user-agent");
  CHECK(ua.rfind("curator-test/1.0 (https://example.org/curator-tests) libcurl/", 0) == 0);
  CHECK(echoed_header(echo, "accept-encoding").find("gzip") != std::string::npos);
  CHECK(r.content_type() == "application/json");
  CHECK(r.header("content-length") == std::to_string(r.body.size()));
  CHECK(r.effective_url == fixture_server().url("/echo?a=1&b=x%20y"));
}

TEST_CASE("one client reuses its connection; another client opens its own") {
  Client a(test_client_options());
  const auto p1 = json::parse(a.get(fixture_server().url("/conn")).body).at("port");
  const auto p2 = json::parse(a.get(fixture_server().url("/conn")).body).at("port");
  CHECK(a.get(fixture_server().url("/bytes?n=5000")).body == pattern(5000));
  const auto p3 = json::parse(a.get(fixture_server().url("/conn")).body).at("port");
  CHECK(p1 == p2);
  CHECK(p2 == p3);
  CHECK(a.connections_opened() == 1);
  Client b(test_client_options());
  CHECK(json::parse(b.get(fixture_server().url("/conn")).body).at("port") != p1);
  // A moved client keeps its connection.
  Client moved = std::move(a);
  CHECK(json::parse(moved.get(fixture_server().url("/conn")).body).at("port") == p1);
}

TEST_CASE("gzip bodies are decoded") {
  Client client(test_client_options());
  const auto r = client.get(fixture_server().url("/bytes?n=300000&seed=2&gzip=1"));
  CHECK(r.status == 200);
  CHECK(r.header("Content-Encoding") == "gzip");
  CHECK(r.body.size() == 300000);
  CHECK(r.body == pattern(300000, 2));
  CHECK(r.header("X-Content-SHA1") == sha1_hex(r.body));
}

TEST_CASE("non-2xx statuses are responses; status_error gives their kind") {
  Client client(test_client_options());
  const auto check = [&](int status, ErrorKind kind) {
    const auto r = client.get(fixture_server().url("/status/" + std::to_string(status)));
    CHECK(r.status == status);
    CHECK_FALSE(r.ok());
    const auto e = status_error(r, "test");
    CHECK(e.kind() == kind);
    CHECK(e.code() == "http_" + std::to_string(status));
    CHECK_THROWS_AS(raise_for_status(r, "test"), Error);
  };
  check(404, ErrorKind::not_found);
  check(410, ErrorKind::not_found);
  check(400, ErrorKind::permanent);
  check(403, ErrorKind::permanent);
  check(408, ErrorKind::transient);
  check(500, ErrorKind::transient);
  check(503, ErrorKind::transient);
  check(429, ErrorKind::rate_limited);
  const auto r = client.get(fixture_server().url("/status/429?retry_after=7"));
  CHECK(status_error(r, "test").retry_after() == std::chrono::seconds(7));
  CHECK_NOTHROW(raise_for_status(client.get(fixture_server().url("/status/204")), "test"));
}

TEST_CASE("POST form: fields arrive decoded, in order, without Expect") {
  Client client(test_client_options());
  const Fields fields{{"action", "upload"},
                      {"text", "== {{int:filedesc}} ==\n[[Category:A & B]] 100% + more"},
                      {"empty", ""},
                      {"unicode", "Zo\xC3\xAB \xE2\x9C\x93"},
                      {"action", "repeat=ok"}};
  const auto echo = echo_of(client.post_form(fixture_server().url("/echo"), fields));
  CHECK(echo.at("method") == "POST");
  CHECK(echoed_header(echo, "content-type") == "application/x-www-form-urlencoded");
  CHECK(echoed_header(echo, "expect") == "(absent)");
  const auto& form = echo.at("form").as_array();
  REQUIRE(form.size() == fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    CHECK(form[i].as_array()[0] == fields[i].first.c_str());
    CHECK(form[i].as_array()[1] == fields[i].second.c_str());
  }
}

TEST_CASE("multipart: text fields and a file range arrive intact, without Expect") {
  curator::test::TempDir dir;
  const auto path = dir.path() / "source.bin";
  const auto content = pattern(3u << 20, 9);
  std::ofstream(path, std::ios::binary)
      .write(content.data(), static_cast<std::streamsize>(content.size()));
  const std::uint64_t offset = (1u << 20) + 123;
  const std::uint64_t length = (3u << 19) + 7;  // > 1 MiB: curl would send Expect by default

  Client client(test_client_options());
  FilePart part{.field_name = "chunk",
                .filename = "1.jpg",
                .content_type = "application/octet-stream",
                .path = path,
                .offset = offset,
                .length = length};
  const auto echo = echo_of(client.post_multipart(
      fixture_server().url("/echo?action=upload&format=json"),
      {{"filename", "Photo.jpg"}, {"offset", std::to_string(offset)}, {"stash", "1"}}, part));
  CHECK(echoed_header(echo, "expect") == "(absent)");
  CHECK(echoed_header(echo, "content-type").rfind("multipart/form-data; boundary=", 0) == 0);
  const auto& parts = echo.at("parts").as_array();
  REQUIRE(parts.size() == 4);
  CHECK(parts[0].at("name") == "filename");
  CHECK(parts[0].at("value") == "Photo.jpg");
  CHECK(parts[1].at("value") == std::to_string(offset).c_str());
  CHECK(parts[2].at("value") == "1");
  CHECK(parts[3].at("name") == "chunk");
  CHECK(parts[3].at("filename") == "1.jpg");
  CHECK(parts[3].at("content_type") == "application/octet-stream");
  CHECK(parts[3].at("size") == static_cast<std::int64_t>(length));
  const auto expected = sha1_hex(std::string_view(content).substr(offset, length));
  CHECK(parts[3].at("sha1") == expected.c_str());
  CHECK(sha1_file_hex(path, offset, length) == expected);

  // The last bytes of the file, and an empty range.
  part.offset = content.size() - 10;
  part.length = 10;
  auto tail = echo_of(client.post_multipart(fixture_server().url("/echo"), {}, part));
  CHECK(tail.at("parts").as_array()[0].at("sha1") ==
        sha1_hex(std::string_view(content).substr(content.size() - 10)).c_str());
  part.length = 0;
  tail = echo_of(client.post_multipart(fixture_server().url("/echo"), {}, part));
  CHECK(tail.at("parts").as_array()[0].at("size") == 0);
  // Fields only.
  tail = echo_of(client.post_multipart(fixture_server().url("/echo"), {{"a", "b"}}, std::nullopt));
  CHECK(tail.at("parts").as_array().size() == 1);
}

TEST_CASE("multipart: missing files and ranges beyond the file are invalid_input") {
  curator::test::TempDir dir;
  const auto path = dir.path() / "small.bin";
  std::ofstream(path, std::ios::binary) << "0123456789";
  Client client(test_client_options());
  const auto attempt = [&](std::filesystem::path p, std::uint64_t offset, std::uint64_t length) {
    FilePart part{
        .field_name = "chunk", .filename = "x", .path = p, .offset = offset, .length = length};
    const auto e =
        error_from([&] { client.post_multipart(fixture_server().url("/echo"), {}, part); });
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(e.code() == "invalid_file_part");
  };
  attempt(path, 0, 11);
  attempt(path, 11, 0);
  attempt(path, 5, 6);
  attempt(path, UINT64_MAX, 2);
  attempt(path, 2, UINT64_MAX);
  attempt(dir.path() / "missing.bin", 0, 1);
  attempt(dir.path(), 0, 0);
  // The client still works afterwards.
  CHECK(client.get(fixture_server().url("/bytes?n=3")).body == pattern(3));
}

TEST_CASE("response size limit, with Content-Length and with chunked encoding") {
  auto options = test_client_options();
  options.max_response_bytes = 100000;
  Client client(options);
  CHECK(client.get(fixture_server().url("/bytes?n=100000")).body.size() == 100000);
  CHECK(client.get(fixture_server().url("/bytes?n=100000&chunked=1")).body.size() == 100000);
  for (const char* q :
       {"/bytes?n=100001", "/bytes?n=5000000&chunked=1", "/bytes?n=400000&gzip=1"}) {
    CAPTURE(q);
    const auto e = error_from([&] { client.get(fixture_server().url(q)); });
    CHECK(e.kind() == ErrorKind::permanent);
    CHECK(e.code() == "response_too_large");
  }
  // Streaming has its own limit.
  std::uint64_t seen = 0;
  const auto e = error_from([&] {
    client.get_streaming(
        fixture_server().url("/bytes?n=70000&chunked=1"),
        [&](const ResponseHead&, std::string_view d) { seen += d.size(); }, 65536);
  });
  CHECK(e.code() == "response_too_large");
  CHECK(seen <= 65536);
}

TEST_CASE("timeouts: total and low-speed limits are transient errors") {
  auto options = test_client_options();
  options.total_timeout = std::chrono::milliseconds(300);
  Client slow(options);
  auto e = error_from([&] { slow.get(fixture_server().url("/slow?first_byte_ms=5000&n=10")); });
  CHECK(e.kind() == ErrorKind::transient);
  CHECK(e.code() == "timeout");

  options = test_client_options();
  options.low_speed_bytes = 1000;
  options.low_speed_window = std::chrono::seconds(1);
  Client dripping(options);
  const auto start = std::chrono::steady_clock::now();
  e = error_from([&] { dripping.get(fixture_server().url("/drip?n=100&interval_ms=200")); });
  CHECK(e.kind() == ErrorKind::transient);
  CHECK(e.code() == "timeout");
  // 100 bytes at 5 B/s would take 20 s; the low-speed limit stops it long before.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(15));
}

TEST_CASE("a connection reset mid-body and a refused connection are transient") {
  Client client(test_client_options());
  auto e = error_from([&] { client.get(fixture_server().url("/reset?n=100000&after=1000")); });
  CHECK(e.kind() == ErrorKind::transient);
  CHECK(e.code() == "network_error");
  RefusingPort refusing;
  e = error_from([&] { client.get("http://127.0.0.1:" + std::to_string(refusing.port) + "/x"); });
  CHECK(e.kind() == ErrorKind::transient);
  CHECK(e.code() == "connect_failed");
  // Credentials in the URL never reach the message.
  e = error_from([&] {
    client.get("http://user:hunter2@127.0.0.1:" + std::to_string(refusing.port) +
               "/x?token=abc123&lgpassword=pw");
  });
  const std::string msg = e.what();
  CHECK(msg.find("hunter2") == std::string::npos);
  CHECK(msg.find("abc123") == std::string::npos);
  CHECK(msg.find("token=***") != std::string::npos);
  // The client recovers after failures.
  CHECK(client.get(fixture_server().url("/bytes?n=10")).body == pattern(10));
}

TEST_CASE("bad URLs and header injection are invalid_input") {
  Client client(test_client_options());
  for (const char* url : {"ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://x/", "not a url", "",
                          "http://127.0.0.1:99999/"}) {
    CAPTURE(url);
    const auto e = error_from([&] { client.get(url); });
    CHECK(e.kind() == ErrorKind::invalid_input);
  }
  for (const Header& h : std::vector<Header>{{"X-Bad", "a\r\nInjected: yes"},
                                             {"X-Bad", std::string("a\0b", 3)},
                                             {"Bad Name", "v"},
                                             {"", "v"},
                                             {"X:Colon", "v"}}) {
    const auto e = error_from([&] { client.get(fixture_server().url("/echo"), {h}); });
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(e.code() == "invalid_header");
  }
}

TEST_CASE("redirects are followed up to the limit, or returned when disabled") {
  Client client(test_client_options());
  auto r = client.get(fixture_server().url("/redirect?to=/bytes%3Fn%3D10"));
  CHECK(r.status == 200);
  CHECK(r.body == pattern(10));
  CHECK(r.effective_url == fixture_server().url("/bytes?n=10"));
  auto options = test_client_options();
  options.max_redirects = 0;
  Client no_follow(options);
  r = no_follow.get(fixture_server().url("/redirect?to=/bytes%3Fn%3D10"));
  CHECK(r.status == 302);
  CHECK(r.header("Location") == "/bytes?n=10");
  options.max_redirects = 1;
  Client one(options);
  const auto e = error_from([&] {
    one.get(fixture_server().url("/redirect?to=/redirect%3Fto%3D/bytes"));  // two hops
  });
  CHECK(e.code() == "too_many_redirects");
}

TEST_CASE("streaming GET hands every byte to the sink; a throwing sink aborts") {
  Client client(test_client_options());
  std::string received;
  long status_seen = 0;
  const auto head = client.get_streaming(
      fixture_server().url("/bytes?n=1000000&seed=4"),
      [&](const ResponseHead& h, std::string_view d) {
        status_seen = h.status;
        received.append(d);
      },
      2000000);
  CHECK(head.status == 200);
  CHECK(status_seen == 200);
  CHECK(received == pattern(1000000, 4));
  CHECK(head.header("X-Content-SHA1") == sha1_hex(received));

  struct Stop {};
  CHECK_THROWS_AS(client.get_streaming(
                      fixture_server().url("/bytes?n=1000000"),
                      [](const ResponseHead&, std::string_view) { throw Stop{}; }, 2000000),
                  Stop);
  CHECK_THROWS_AS(client.get_streaming(fixture_server().url("/bytes?n=1"), BodySink{}, 10), Error);
  CHECK(client.get(fixture_server().url("/bytes?n=10")).body == pattern(10));
}

TEST_CASE("proxies come from the environment unless no_proxy says otherwise") {
  const std::string proxy = fixture_server().url("");
  ::setenv("http_proxy", proxy.c_str(), 1);
  struct Unset {
    ~Unset() { ::unsetenv("http_proxy"); }
  } unset;
  auto options = test_client_options();
  options.no_proxy.reset();
  Client via_env(options);
  // Sent to the proxy (our server) as an absolute-form request for this host.
  const auto r = via_env.get("http://curator-proxy-test.invalid/echo");
  const auto echo = echo_of(r);
  CHECK(echoed_header(echo, "host") == "curator-proxy-test.invalid");
}

TEST_CASE("User-Agent per the Wikimedia policy; bad parts are refused") {
  const auto ua = format_user_agent({"Curator", "2.3.4", "https://curator.toolforge.org/"});
  CHECK(ua.rfind("Curator/2.3.4 (https://curator.toolforge.org/) libcurl/", 0) == 0);
  CHECK(format_user_agent({"curator", "", "ops@example.org"}).find("curator/0.") == 0);
  for (const UserAgent& bad : std::vector<UserAgent>{{"curator", "1", ""},
                                                     {"curator", "1", "  "},
                                                     {"", "1", "https://x"},
                                                     {"cu rator", "1", "https://x"},
                                                     {"curator", "1 2", "https://x"},
                                                     {"curator", "1", "https://x\r\nX: y"},
                                                     {"curator", "1", "a (b)"}}) {
    CHECK_THROWS_AS(format_user_agent(bad), Error);
    CHECK_THROWS_AS(Client(ClientOptions{.user_agent = bad}), Error);
  }
  auto options = test_client_options();
  options.total_timeout = std::chrono::milliseconds(0);
  CHECK_THROWS_AS(Client{options}, Error);
}
