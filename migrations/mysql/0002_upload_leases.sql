-- What the pipeline needs beyond the Python schema (decisions.md, upstream-pipeline.md
-- §11): a lease (owner + expiry) on in_progress rows so a sweeper can resume uploads
-- whose worker vanished, not_before to schedule retries in the database instead of in
-- long broker countdowns, and one retry counter per reason so budgets do not
-- interfere. Additive only: the Python service ignores these columns.
-- One ALTER TABLE on purpose: MySQL/MariaDB DDL commits implicitly, but a single
-- ALTER TABLE is atomic, so this migration applies completely or not at all.
ALTER TABLE `upload_requests`
  ADD COLUMN `lease_owner` varchar(255) DEFAULT NULL,
  ADD COLUMN `lease_expires_at` datetime DEFAULT NULL,
  ADD COLUMN `not_before` datetime DEFAULT NULL,
  ADD COLUMN `attempts_source` int(11) NOT NULL DEFAULT 0,
  ADD COLUMN `attempts_storage` int(11) NOT NULL DEFAULT 0,
  ADD COLUMN `attempts_hash_lock` int(11) NOT NULL DEFAULT 0,
  ADD COLUMN `attempts_rate_limited` int(11) NOT NULL DEFAULT 0,
  ADD COLUMN `attempts_transient` int(11) NOT NULL DEFAULT 0,
  ADD COLUMN `attempts_lease_expired` int(11) NOT NULL DEFAULT 0,
  ADD KEY `ix_upload_requests_status_not_before` (`status`,`not_before`),
  ADD KEY `ix_upload_requests_status_lease_expires_at` (`status`,`lease_expires_at`);
