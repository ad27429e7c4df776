-- Hand-written: ent orders pages by (field, id) so that cursors are exact,
-- and cannot declare an index that includes the id. Without the id, rows that
-- share a timestamp (bulk imports) make the planner sort the whole table.
CREATE INDEX `initiatives_created_at_id` ON `initiatives` (`created_at`, `id`);
CREATE INDEX `initiatives_title_id` ON `initiatives` (`title`, `id`);
CREATE INDEX `actors_created_at_id` ON `actors` (`created_at`, `id`);
CREATE INDEX `actors_name_id` ON `actors` (`name`, `id`);
