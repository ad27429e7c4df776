-- Create "api_keys" table
CREATE TABLE `api_keys` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `key_id` text NOT NULL, `name` text NOT NULL, `role` text NOT NULL, `secret_hash` text NOT NULL, `created_at` datetime NOT NULL, `revoked_at` datetime NULL, `last_used_at` datetime NULL);
-- Set sequence for "api_keys" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("api_keys", 30064771072);
-- Create index "api_keys_key_id_key" to table: "api_keys"
CREATE UNIQUE INDEX `api_keys_key_id_key` ON `api_keys` (`key_id`);
-- Create "audit_entries" table
CREATE TABLE `audit_entries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `key_id` text NOT NULL, `operation` text NOT NULL, `field` text NOT NULL, `object_id` integer NULL, `input_fields` json NULL);
-- Set sequence for "audit_entries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("audit_entries", 34359738368);
-- Create index "auditentry_key_id_id" to table: "audit_entries"
CREATE INDEX `auditentry_key_id_id` ON `audit_entries` (`key_id`, `id`);
