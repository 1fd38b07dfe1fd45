// The binary-safe form tasks take inside Redis: round trips, and refusal of
// anything the encoder would not have written.

#include "queue/task_codec.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace curator::queue;
using curator::queue::detail::decode_task;
using curator::queue::detail::encode_task;

TEST_CASE("tasks round-trip, whatever bytes the ids hold") {
  for (const auto& t :
       {Task{1, "u", "", 0}, Task{9223372036854775807LL, std::string("\0:;1:", 5), "0aF9", 7},
        Task{5, std::string(kMaxUserIdBytes, '\xff'), std::string(kMaxEditGroupIdBytes, ':'),
             2147483647}}) {
    const auto text = encode_task(t);
    CAPTURE(text.substr(0, 40));
    const auto back = decode_task(text);
    REQUIRE(back);
    CHECK(*back == t);
  }
  CHECK(encode_task(Task{42, "ab", "eg", 3}) == "1;2:422:ab2:eg1:3");
}

TEST_CASE("anything else decodes to nothing") {
  for (const auto& bad : std::vector<std::string>{
           "", "1;", "2;2:422:ab2:eg1:3", "1;2:422:ab2:eg1:3x", "1;2:422:ab2:eg1:", "1;2:42",
           "1;02:422:ab2:eg1:3", "1;2:-12:ab2:eg1:3", "1;2:422:ab2:eg2:-1", "1;1:02:ab2:eg1:3",
           "1;1:00:2:eg1:3", "1;2:+12:ab2:eg1:3",
           "1;20:99999999999999999999"
           "2:ab2:eg1:3",
           "1;99999999999:4", "1;2:42" + std::string("0:") + "2:eg1:3",
           "1;2:42" + std::to_string(kMaxUserIdBytes + 1) + ":" +
               std::string(kMaxUserIdBytes + 1, 'u') + "2:eg1:3",
           std::string("1;2:42\0", 7)}) {
    CAPTURE(bad);
    CHECK_FALSE(decode_task(bad));
  }
}

TEST_CASE("task validation names the field and the limit") {
  CHECK_NOTHROW(detail::validate_task(Task{1, "u", "", 0}));
  CHECK_THROWS_WITH(detail::validate_task(Task{1, std::string(257, 'u'), "", 0}),
                    "task user_id is 257 bytes; at most 256 are allowed");
  CHECK_THROWS_WITH(detail::validate_task(Task{0, "u", "", 0}),
                    "task upload_id must be positive, not 0");
  TaskQueueOptions options;
  options.max_deliveries = 0;
  CHECK_THROWS_WITH(make_in_process_task_queue(options), "max_deliveries must be at least 1");
  options.max_deliveries = 1;
  options.visibility_timeout = std::chrono::milliseconds(0);
  CHECK_THROWS_WITH(make_in_process_task_queue(options), "the visibility timeout must be positive");
}
