-- Create "actors" table
CREATE TABLE `actors` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `siren` text NULL, `description` text NULL, `website` text NULL, `source` text NULL, `actor_home_territory` integer NULL, CONSTRAINT `actors_territories_home_territory` FOREIGN KEY (`actor_home_territory`) REFERENCES `territories` (`id`) ON DELETE SET NULL);
-- Create index "actors_siren_key" to table: "actors"
CREATE UNIQUE INDEX `actors_siren_key` ON `actors` (`siren`);
-- Create "initiatives" table
CREATE TABLE `initiatives` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` text NOT NULL, `summary` text NULL, `description` text NULL, `status` text NULL, `start_date` datetime NULL, `end_date` datetime NULL, `source` text NULL);
-- Set sequence for "initiatives" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("initiatives", 4294967296);
-- Create "participations" table
CREATE TABLE `participations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `role` text NOT NULL, `actor_id` integer NOT NULL, `initiative_id` integer NOT NULL, CONSTRAINT `participations_actors_actor` FOREIGN KEY (`actor_id`) REFERENCES `actors` (`id`) ON DELETE CASCADE, CONSTRAINT `participations_initiatives_initiative` FOREIGN KEY (`initiative_id`) REFERENCES `initiatives` (`id`) ON DELETE CASCADE);
-- Set sequence for "participations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("participations", 8589934592);
-- Create index "participation_initiative_id" to table: "participations"
CREATE INDEX `participation_initiative_id` ON `participations` (`initiative_id`);
-- Create index "participation_actor_id_initiative_id" to table: "participations"
CREATE UNIQUE INDEX `participation_actor_id_initiative_id` ON `participations` (`actor_id`, `initiative_id`);
-- Create "territories" table
CREATE TABLE `territories` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL, `code` text NOT NULL, `name` text NOT NULL, `population` integer NOT NULL DEFAULT (0), `density_level` integer NULL, `area` text NULL, `rural_population_share` real NULL);
-- Set sequence for "territories" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("territories", 12884901888);
-- Create index "territory_kind_code" to table: "territories"
CREATE UNIQUE INDEX `territory_kind_code` ON `territories` (`kind`, `code`);
-- Create index "territory_name" to table: "territories"
CREATE INDEX `territory_name` ON `territories` (`name`);
-- Create "themes" table
CREATE TABLE `themes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `slug` text NOT NULL, `label` text NOT NULL, `description` text NULL, `theme_children` integer NULL, CONSTRAINT `themes_themes_children` FOREIGN KEY (`theme_children`) REFERENCES `themes` (`id`) ON DELETE SET NULL);
-- Set sequence for "themes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("themes", 17179869184);
-- Create index "themes_slug_key" to table: "themes"
CREATE UNIQUE INDEX `themes_slug_key` ON `themes` (`slug`);
-- Create "actor_territories" table
CREATE TABLE `actor_territories` (`actor_id` integer NOT NULL, `territory_id` integer NOT NULL, PRIMARY KEY (`actor_id`, `territory_id`), CONSTRAINT `actor_territories_actor_id` FOREIGN KEY (`actor_id`) REFERENCES `actors` (`id`) ON DELETE CASCADE, CONSTRAINT `actor_territories_territory_id` FOREIGN KEY (`territory_id`) REFERENCES `territories` (`id`) ON DELETE CASCADE);
-- Create "actor_themes" table
CREATE TABLE `actor_themes` (`actor_id` integer NOT NULL, `theme_id` integer NOT NULL, PRIMARY KEY (`actor_id`, `theme_id`), CONSTRAINT `actor_themes_actor_id` FOREIGN KEY (`actor_id`) REFERENCES `actors` (`id`) ON DELETE CASCADE, CONSTRAINT `actor_themes_theme_id` FOREIGN KEY (`theme_id`) REFERENCES `themes` (`id`) ON DELETE CASCADE);
-- Create "initiative_territories" table
CREATE TABLE `initiative_territories` (`initiative_id` integer NOT NULL, `territory_id` integer NOT NULL, PRIMARY KEY (`initiative_id`, `territory_id`), CONSTRAINT `initiative_territories_initiative_id` FOREIGN KEY (`initiative_id`) REFERENCES `initiatives` (`id`) ON DELETE CASCADE, CONSTRAINT `initiative_territories_territory_id` FOREIGN KEY (`territory_id`) REFERENCES `territories` (`id`) ON DELETE CASCADE);
-- Create "initiative_themes" table
CREATE TABLE `initiative_themes` (`initiative_id` integer NOT NULL, `theme_id` integer NOT NULL, PRIMARY KEY (`initiative_id`, `theme_id`), CONSTRAINT `initiative_themes_initiative_id` FOREIGN KEY (`initiative_id`) REFERENCES `initiatives` (`id`) ON DELETE CASCADE, CONSTRAINT `initiative_themes_theme_id` FOREIGN KEY (`theme_id`) REFERENCES `themes` (`id`) ON DELETE CASCADE);
-- Create "territory_contains" table
CREATE TABLE `territory_contains` (`territory_id` integer NOT NULL, `contained_in_id` integer NOT NULL, PRIMARY KEY (`territory_id`, `contained_in_id`), CONSTRAINT `territory_contains_territory_id` FOREIGN KEY (`territory_id`) REFERENCES `territories` (`id`) ON DELETE CASCADE, CONSTRAINT `territory_contains_contained_in_id` FOREIGN KEY (`contained_in_id`) REFERENCES `territories` (`id`) ON DELETE CASCADE);
