-- Baseline: the Python Curator service's schema at alembic revision 5cc957424c9d
-- (upstream-surface.md §5.1), column for column, index for index. A database that
-- the Python service migrated to that revision is adopted: this migration is then
-- recorded as applied without running (docs/store.md, "Adoption").
-- DATETIME columns hold naive UTC with second precision, stamped by the application.
CREATE TABLE `users` (
  `userid` varchar(255) NOT NULL,
  `username` varchar(255) NOT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`userid`),
  KEY `ix_users_username` (`username`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `batches` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `userid` varchar(255) NOT NULL,
  `edit_group_id` varchar(12) DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`id`),
  KEY `ix_batches_userid` (`userid`),
  KEY `ix_batches_created_at` (`created_at`),
  KEY `ix_batches_updated_at` (`updated_at`),
  CONSTRAINT `batches_ibfk_1` FOREIGN KEY (`userid`) REFERENCES `users` (`userid`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `presets` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `userid` varchar(255) NOT NULL,
  `handler` varchar(50) NOT NULL,
  `title` varchar(255) NOT NULL,
  `title_template` varchar(500) NOT NULL,
  `labels` json DEFAULT NULL,
  `categories` varchar(500) DEFAULT NULL,
  `exclude_from_date_category` tinyint(1) NOT NULL,
  `is_default` tinyint(1) NOT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`id`),
  KEY `ix_presets_handler` (`handler`),
  KEY `ix_presets_is_default` (`is_default`),
  KEY `ix_presets_userid` (`userid`),
  CONSTRAINT `presets_ibfk_1` FOREIGN KEY (`userid`) REFERENCES `users` (`userid`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- `key` is a reserved word: always quote it.
CREATE TABLE `upload_requests` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `batchid` int(11) NOT NULL,
  `userid` varchar(255) NOT NULL,
  `status` varchar(50) NOT NULL,
  `key` varchar(255) NOT NULL,
  `handler` varchar(255) NOT NULL,
  `collection` varchar(255) DEFAULT NULL,
  `access_token` text DEFAULT NULL,
  `filename` varchar(255) NOT NULL,
  `wikitext` text NOT NULL,
  `copyright_override` tinyint(1) NOT NULL DEFAULT 0,
  `labels` json DEFAULT NULL,
  `result` text DEFAULT NULL,
  `error` json DEFAULT NULL,
  `success` text DEFAULT NULL,
  `celery_task_id` varchar(255) DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `updated_at` datetime NOT NULL,
  PRIMARY KEY (`id`),
  KEY `ix_upload_requests_batchid` (`batchid`),
  KEY `ix_upload_requests_batchid_status_updated_at` (`batchid`,`status`,`updated_at`),
  KEY `ix_upload_requests_created_at` (`created_at`),
  KEY `ix_upload_requests_filename` (`filename`),
  KEY `ix_upload_requests_handler` (`handler`),
  KEY `ix_upload_requests_key` (`key`),
  KEY `ix_upload_requests_status` (`status`),
  KEY `ix_upload_requests_updated_at` (`updated_at`),
  KEY `ix_upload_requests_userid` (`userid`),
  CONSTRAINT `upload_requests_ibfk_1` FOREIGN KEY (`batchid`) REFERENCES `batches` (`id`),
  CONSTRAINT `upload_requests_ibfk_2` FOREIGN KEY (`userid`) REFERENCES `users` (`userid`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
