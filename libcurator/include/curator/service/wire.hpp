#pragma once
// The wire protocol's JSON shapes of store rows (upstream-surface.md §4.3):
// BatchStats, BatchItem, BatchUploadItem, UploadUpdateItem, PresetItem.
// Optional fields are omitted rather than null, timestamps are UTC with a
// "Z", the access token never appears. Used by the server's messages and by
// `curatorctl --json`.

#include "curator/core/json.hpp"
#include "curator/export.hpp"
#include "curator/store/records.hpp"

namespace curator::service {

/// `{"cancelled","completed","duplicate","failed","in_progress","queued","total"}`.
CURATOR_API json::object to_json(const store::BatchStats& stats);
/// BatchItem: id, created_at, updated_at, edit_group_id?, username, userid, stats.
CURATOR_API json::object to_json(const store::BatchSummary& summary);
/// BatchUploadItem: id, status, filename, wikitext, batchid, userid, key,
/// handler, labels?, result?, error?, success?, created_at, updated_at, image_id.
CURATOR_API json::object batch_upload_item(const store::UploadRequest& upload);
/// UploadUpdateItem: id, batchid, status, key, handler ("unknown" when empty),
/// error?, success?.
CURATOR_API json::object upload_update_item(const store::UploadRequest& upload);
/// PresetItem: id, title, title_template, labels?, categories?,
/// exclude_from_date_category, handler, is_default, created_at, updated_at.
CURATOR_API json::object to_json(const store::Preset& preset);

}  // namespace curator::service
