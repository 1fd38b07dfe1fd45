-- Lease, schedule and per-reason retry counters (see migrations/mysql/0002). SQLite
-- adds one column per statement; the migration runs in one transaction.
ALTER TABLE upload_requests ADD COLUMN lease_owner VARCHAR(255);
ALTER TABLE upload_requests ADD COLUMN lease_expires_at TEXT;
ALTER TABLE upload_requests ADD COLUMN not_before TEXT;
ALTER TABLE upload_requests ADD COLUMN attempts_source INTEGER NOT NULL DEFAULT 0;
ALTER TABLE upload_requests ADD COLUMN attempts_storage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE upload_requests ADD COLUMN attempts_hash_lock INTEGER NOT NULL DEFAULT 0;
ALTER TABLE upload_requests ADD COLUMN attempts_rate_limited INTEGER NOT NULL DEFAULT 0;
ALTER TABLE upload_requests ADD COLUMN attempts_transient INTEGER NOT NULL DEFAULT 0;
ALTER TABLE upload_requests ADD COLUMN attempts_lease_expired INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ix_upload_requests_status_not_before ON upload_requests (status, not_before);
CREATE INDEX ix_upload_requests_status_lease_expires_at
  ON upload_requests (status, lease_expires_at);
