#include "mediawiki/retry_rules.hpp"

#include <algorithm>

namespace curator::mediawiki::detail {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

milliseconds doubled(milliseconds base, int failures_before, milliseconds cap) {
  milliseconds delay = base;
  for (int i = 0; i < failures_before && delay < cap; ++i)
    delay *= 2;
  return std::min(delay, cap);
}

seconds ceil_seconds(milliseconds d) {
  return std::chrono::duration_cast<seconds>(d + milliseconds(999));
}

Decision transient(const ApiRetryPolicy& policy, const Failure& failure, Spent& spent,
                   std::optional<seconds> floor = std::nullopt) {
  Decision d;
  auto delay = doubled(policy.base_delay, spent.transient, policy.max_delay);
  auto asked = failure.retry_after ? failure.retry_after : floor;
  if (asked) delay = std::min(std::max(delay, milliseconds(*asked)), policy.max_delay);
  if (spent.transient + 1 >= policy.max_attempts) {
    d.suggested_wait = ceil_seconds(delay);
    return d;
  }
  ++spent.transient;
  d.retry = true;
  d.delay = delay;
  return d;
}

Decision throttled(const ApiRetryPolicy& policy, const Failure& failure, Spent& spent) {
  Decision d;
  auto delay =
      doubled(policy.rate_limited_delay, spent.rate_limited, policy.max_rate_limited_delay);
  if (failure.retry_after) {
    delay = std::min(std::max(delay, milliseconds(*failure.retry_after)),
                     policy.max_rate_limited_delay);
  }
  if (spent.rate_limited >= policy.rate_limited_retries) {
    d.suggested_wait = ceil_seconds(delay);
    return d;
  }
  ++spent.rate_limited;
  d.retry = true;
  d.delay = delay;
  return d;
}

Decision session(const ApiRetryPolicy& policy, Remedy remedy, Spent& spent) {
  Decision d;
  if (spent.session >= policy.session_retries) return d;
  ++spent.session;
  d.retry = true;
  d.remedy = remedy;
  return d;
}

}  // namespace

Decision decide(const ApiRetryPolicy& policy, const Failure& failure, const CallTraits& call,
                Spent& spent) {
  switch (failure.cls) {
    case FailureClass::connect:
      return transient(policy, failure, spent);
    case FailureClass::lost:
    case FailureClass::server_status:
    case FailureClass::bad_answer:
      // A gateway's 5xx or a garbled answer may hide a request that ran.
      if (!call.idempotent) return Decision{};
      return transient(policy, failure, spent);
    case FailureClass::throttled:
      return throttled(policy, failure, spent);
    case FailureClass::api:
      break;
  }
  if (!failure.api_type) return Decision{};
  switch (*failure.api_type) {
    case ApiErrorType::bad_token:
      if (!call.with_token) return Decision{};
      return session(policy, Remedy::refresh_token, spent);
    case ApiErrorType::oauth_nonce_reused: {
      // Every attempt is signed anew, so a second refusal is no collision:
      // a clock or replay problem that more attempts would not fix.
      if (spent.nonce >= 1) return Decision{};
      ++spent.nonce;
      Decision d;
      d.retry = true;
      return d;
    }
    case ApiErrorType::not_logged_in:
      if (!call.can_relogin) return Decision{};
      return session(policy, Remedy::relogin, spent);
    case ApiErrorType::rate_limited:
      return throttled(policy, failure, spent);
    case ApiErrorType::maxlag:
      // MediaWiki sends Retry-After with maxlag; 5 s is its own minimum.
      return transient(policy, failure, spent, seconds(5));
    case ApiErrorType::read_only:
    case ApiErrorType::server_error:
    case ApiErrorType::stash_backend:
      return transient(policy, failure, spent);
    default:
      return Decision{};
  }
}

}  // namespace curator::mediawiki::detail
