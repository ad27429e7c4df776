-- Create "indicators" table
CREATE TABLE `indicators` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `value` real NOT NULL, `unit` text NOT NULL, `year` integer NULL, `source` text NULL, `territory_id` integer NOT NULL, CONSTRAINT `indicators_territories_indicators` FOREIGN KEY (`territory_id`) REFERENCES `territories` (`id`) ON DELETE NO ACTION);
-- Set sequence for "indicators" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("indicators", 25769803776);
-- Create index "indicator_created_at" to table: "indicators"
CREATE INDEX `indicator_created_at` ON `indicators` (`created_at`);
-- Create index "indicator_updated_at" to table: "indicators"
CREATE INDEX `indicator_updated_at` ON `indicators` (`updated_at`);
-- Create index "indicator_territory_id_name" to table: "indicators"
CREATE INDEX `indicator_territory_id_name` ON `indicators` (`territory_id`, `name`);
-- Create index "indicator_name" to table: "indicators"
CREATE INDEX `indicator_name` ON `indicators` (`name`);
