-- Baseline: the Python Curator service's tables (upstream-surface.md §5.1) in SQLite.
-- Same tables, columns, nullability and index names as migrations/mysql/0001.
-- Differences forced by SQLite: INTEGER PRIMARY KEY AUTOINCREMENT for ids (never
-- reused, like AUTO_INCREMENT), DATETIME and JSON held as TEXT ('YYYY-MM-DD HH:MM:SS'
-- naive UTC sorts chronologically; JSON checked with json_valid), lengths enforced by
-- the repositories rather than by the column types.
CREATE TABLE users (
  userid VARCHAR(255) NOT NULL PRIMARY KEY,
  username VARCHAR(255) NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ix_users_username ON users (username);

CREATE TABLE batches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  userid VARCHAR(255) NOT NULL REFERENCES users (userid),
  edit_group_id VARCHAR(12),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ix_batches_userid ON batches (userid);
CREATE INDEX ix_batches_created_at ON batches (created_at);
CREATE INDEX ix_batches_updated_at ON batches (updated_at);

CREATE TABLE presets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  userid VARCHAR(255) NOT NULL REFERENCES users (userid),
  handler VARCHAR(50) NOT NULL,
  title VARCHAR(255) NOT NULL,
  title_template VARCHAR(500) NOT NULL,
  labels TEXT CHECK (labels IS NULL OR json_valid(labels)),
  categories VARCHAR(500),
  exclude_from_date_category INTEGER NOT NULL,
  is_default INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ix_presets_handler ON presets (handler);
CREATE INDEX ix_presets_is_default ON presets (is_default);
CREATE INDEX ix_presets_userid ON presets (userid);

CREATE TABLE upload_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  batchid INTEGER NOT NULL REFERENCES batches (id),
  userid VARCHAR(255) NOT NULL REFERENCES users (userid),
  status VARCHAR(50) NOT NULL,
  `key` VARCHAR(255) NOT NULL,
  handler VARCHAR(255) NOT NULL,
  collection VARCHAR(255),
  access_token TEXT,
  filename VARCHAR(255) NOT NULL,
  wikitext TEXT NOT NULL,
  copyright_override INTEGER NOT NULL DEFAULT 0,
  labels TEXT CHECK (labels IS NULL OR json_valid(labels)),
  result TEXT,
  error TEXT CHECK (error IS NULL OR json_valid(error)),
  success TEXT,
  celery_task_id VARCHAR(255),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ix_upload_requests_batchid ON upload_requests (batchid);
CREATE INDEX ix_upload_requests_batchid_status_updated_at
  ON upload_requests (batchid, status, updated_at);
CREATE INDEX ix_upload_requests_created_at ON upload_requests (created_at);
CREATE INDEX ix_upload_requests_filename ON upload_requests (filename);
CREATE INDEX ix_upload_requests_handler ON upload_requests (handler);
CREATE INDEX ix_upload_requests_key ON upload_requests (`key`);
CREATE INDEX ix_upload_requests_status ON upload_requests (status);
CREATE INDEX ix_upload_requests_updated_at ON upload_requests (updated_at);
CREATE INDEX ix_upload_requests_userid ON upload_requests (userid);
