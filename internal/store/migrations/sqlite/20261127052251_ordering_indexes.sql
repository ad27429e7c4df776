-- Create index "actor_created_at" to table: "actors"
CREATE INDEX `actor_created_at` ON `actors` (`created_at`);
-- Create index "actor_updated_at" to table: "actors"
CREATE INDEX `actor_updated_at` ON `actors` (`updated_at`);
-- Create index "actor_name" to table: "actors"
CREATE INDEX `actor_name` ON `actors` (`name`);
-- Create index "initiative_created_at" to table: "initiatives"
CREATE INDEX `initiative_created_at` ON `initiatives` (`created_at`);
-- Create index "initiative_updated_at" to table: "initiatives"
CREATE INDEX `initiative_updated_at` ON `initiatives` (`updated_at`);
-- Create index "initiative_title" to table: "initiatives"
CREATE INDEX `initiative_title` ON `initiatives` (`title`);
-- Create index "participation_created_at" to table: "participations"
CREATE INDEX `participation_created_at` ON `participations` (`created_at`);
-- Create index "participation_updated_at" to table: "participations"
CREATE INDEX `participation_updated_at` ON `participations` (`updated_at`);
-- Create index "territory_created_at" to table: "territories"
CREATE INDEX `territory_created_at` ON `territories` (`created_at`);
-- Create index "territory_updated_at" to table: "territories"
CREATE INDEX `territory_updated_at` ON `territories` (`updated_at`);
-- Create index "theme_created_at" to table: "themes"
CREATE INDEX `theme_created_at` ON `themes` (`created_at`);
-- Create index "theme_updated_at" to table: "themes"
CREATE INDEX `theme_updated_at` ON `themes` (`updated_at`);
-- Create index "actorrelation_created_at" to table: "actor_relations"
CREATE INDEX `actorrelation_created_at` ON `actor_relations` (`created_at`);
-- Create index "actorrelation_updated_at" to table: "actor_relations"
CREATE INDEX `actorrelation_updated_at` ON `actor_relations` (`updated_at`);
