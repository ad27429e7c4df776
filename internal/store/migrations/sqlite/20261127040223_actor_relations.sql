-- Create "actor_relations" table
CREATE TABLE `actor_relations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL, `since` datetime NULL, `until` datetime NULL, `source` text NULL, `note` text NULL, `from_id` integer NOT NULL, `to_id` integer NOT NULL, CONSTRAINT `actor_relations_actors_from` FOREIGN KEY (`from_id`) REFERENCES `actors` (`id`) ON DELETE CASCADE, CONSTRAINT `actor_relations_actors_to` FOREIGN KEY (`to_id`) REFERENCES `actors` (`id`) ON DELETE CASCADE);
-- Set sequence for "actor_relations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("actor_relations", 21474836480);
-- Create index "actorrelation_from_id_kind" to table: "actor_relations"
CREATE INDEX `actorrelation_from_id_kind` ON `actor_relations` (`from_id`, `kind`);
-- Create index "actorrelation_to_id_kind" to table: "actor_relations"
CREATE INDEX `actorrelation_to_id_kind` ON `actor_relations` (`to_id`, `kind`);
