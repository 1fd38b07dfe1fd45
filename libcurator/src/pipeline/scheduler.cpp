#include "curator/pipeline/scheduler.hpp"

#include "curator/auth/fernet.hpp"
#include "curator/core/error.hpp"
#include "curator/store/uploads.hpp"

namespace curator::pipeline {

UploadScheduler::UploadScheduler(const JobEnvironment& environment,
                                 std::function<void()> on_scheduled)
    : env_(environment), on_scheduled_(std::move(on_scheduled)) {}

queue::Rate UploadScheduler::rate_of(std::string_view userid, const Credentials& credentials) {
  if (!env_.user_rates) return queue::kDefaultRate;
  if (auto hit = env_.user_rates->cached(userid)) return *hit;
  mediawiki::MediaWikiClient client(env_.commons, credentials);
  return env_.user_rates->rate(userid, client);
}

void UploadScheduler::assign_slots(std::string_view userid, queue::Rate rate,
                                   std::vector<store::NewUpload>& items) {
  if (!env_.rates) return;
  const auto now = env_.database->now();
  for (auto& item : items) {
    // Slots are whole seconds in the database; round up so none is early.
    const auto slot = env_.rates->reserve_at(userid, rate, now);
    item.not_before = std::chrono::ceil<std::chrono::seconds>(slot);
  }
}

std::vector<store::Id> UploadScheduler::schedule(store::Id batch_id, std::string_view userid,
                                                 std::string_view handler,
                                                 const Credentials& credentials,
                                                 std::vector<store::NewUpload> items) {
  const auto rate = rate_of(userid, credentials);
  return schedule_at_rate(batch_id, userid, handler, credentials, std::move(items), rate);
}

store::CreatedRows UploadScheduler::schedule_in_new_batch(std::string_view userid,
                                                          std::string_view handler,
                                                          const Credentials& credentials,
                                                          std::vector<store::NewUpload> items) {
  const auto rate = rate_of(userid, credentials);
  const auto token = auth::encrypt_credentials(*env_.fernet, credentials);
  assign_slots(userid, rate, items);
  auto created =
      store::UploadRepository(*env_.database).create_in_new_batch(userid, handler, token, items);
  if (on_scheduled_) on_scheduled_();
  return created;
}

store::CopySchedule UploadScheduler::retry_schedule(std::string_view userid,
                                                    std::optional<queue::Rate> rate) const {
  if (!env_.rates) return {};
  if (!rate && env_.user_rates) rate = env_.user_rates->cached(userid);
  return [rates = env_.rates, database = env_.database, user = std::string(userid),
          r = rate.value_or(queue::kDefaultRate)] {
    // Slots are whole seconds in the database; round up so none is early.
    return std::chrono::ceil<std::chrono::seconds>(rates->reserve_at(user, r, database->now()));
  };
}

std::vector<store::Id> UploadScheduler::schedule_at_rate(
    store::Id batch_id, std::string_view userid, std::string_view handler,
    const Credentials& credentials, std::vector<store::NewUpload> items, queue::Rate rate) {
  if (items.empty()) return {};
  const auto token = auth::encrypt_credentials(*env_.fernet, credentials);
  assign_slots(userid, rate, items);
  auto ids =
      store::UploadRepository(*env_.database).create(batch_id, userid, handler, token, items);
  if (on_scheduled_) on_scheduled_();
  return ids;
}

}  // namespace curator::pipeline
