-- Hand-edited: a nullable column is added in place rather than by copying the
-- table, which would drop the hand-written (field, id) indexes.
ALTER TABLE `initiatives` ADD COLUMN `source_key` text NULL;
-- Create index "initiatives_source_key_key" to table: "initiatives"
CREATE UNIQUE INDEX `initiatives_source_key_key` ON `initiatives` (`source_key`);
-- Hand-written: every initiative gets a key, so that exports import back
-- without duplicates.
UPDATE `initiatives` SET `source_key` = 'essaim-' || `id` WHERE `source_key` IS NULL;
