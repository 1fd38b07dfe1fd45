// The shared queue suites (tests/unit/queue/suites) against a real Redis.

#include "../../unit/queue/suites/coordination_suite.hpp"
#include "../../unit/queue/suites/task_queue_suite.hpp"
#include "redis_backend.hpp"

using curator::queue::test_redis::RedisBackend;

TYPE_TO_STRING(RedisBackend);
CURATOR_TASK_QUEUE_SUITE(RedisBackend);
CURATOR_COORDINATION_SUITE(RedisBackend);
