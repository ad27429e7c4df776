-- Hand-written: ent cannot declare indexes on many-to-many join tables. The
-- reverse direction serves "actors/initiatives of a territory or theme" and the
-- upward walk of the territory hierarchy.
CREATE INDEX `actor_territories_territory_id` ON `actor_territories` (`territory_id`);
CREATE INDEX `actor_themes_theme_id` ON `actor_themes` (`theme_id`);
CREATE INDEX `initiative_territories_territory_id` ON `initiative_territories` (`territory_id`);
CREATE INDEX `initiative_themes_theme_id` ON `initiative_themes` (`theme_id`);
CREATE INDEX `territory_contains_contained_in_id` ON `territory_contains` (`contained_in_id`);
CREATE INDEX `actors_home_territory` ON `actors` (`actor_home_territory`);
CREATE INDEX `territories_area` ON `territories` (`area`);
