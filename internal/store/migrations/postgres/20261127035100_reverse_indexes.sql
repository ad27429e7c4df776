-- Hand-written: ent cannot declare indexes on many-to-many join tables. The
-- reverse direction serves "actors/initiatives of a territory or theme" and the
-- upward walk of the territory hierarchy.
CREATE INDEX "actor_territories_territory_id" ON "actor_territories" ("territory_id");
CREATE INDEX "actor_themes_theme_id" ON "actor_themes" ("theme_id");
CREATE INDEX "initiative_territories_territory_id" ON "initiative_territories" ("territory_id");
CREATE INDEX "initiative_themes_theme_id" ON "initiative_themes" ("theme_id");
CREATE INDEX "territory_contains_contained_in_id" ON "territory_contains" ("contained_in_id");
CREATE INDEX "actors_home_territory" ON "actors" ("actor_home_territory");
CREATE INDEX "territories_area" ON "territories" ("area");
-- ent maps enums to varchar without CHECK constraints: the database itself
-- refuses values outside the schema, whatever client writes to it.
ALTER TABLE "territories" ADD CONSTRAINT "territories_kind_check"
  CHECK ("kind" IN ('COUNTRY', 'REGION', 'DEPARTMENT', 'EPCI', 'COMMUNE'));
ALTER TABLE "territories" ADD CONSTRAINT "territories_area_check" CHECK ("area" IN ('URBAN', 'RURAL'));
ALTER TABLE "territories" ADD CONSTRAINT "territories_density_level_check" CHECK ("density_level" BETWEEN 1 AND 7);
ALTER TABLE "territories" ADD CONSTRAINT "territories_population_check" CHECK ("population" >= 0);
ALTER TABLE "actors" ADD CONSTRAINT "actors_kind_check" CHECK ("kind" IN ('ASSOCIATION', 'COOPERATIVE', 'MUTUAL',
  'FOUNDATION', 'ESUS_COMPANY', 'COMPANY', 'PUBLIC_BODY', 'NETWORK', 'OTHER'));
ALTER TABLE "actors" ADD CONSTRAINT "actors_siren_check" CHECK ("siren" ~ '^[0-9]{9}$');
ALTER TABLE "initiatives" ADD CONSTRAINT "initiatives_status_check"
  CHECK ("status" IN ('IDEA', 'PLANNED', 'ACTIVE', 'COMPLETED', 'ABANDONED'));
ALTER TABLE "initiatives" ADD CONSTRAINT "initiatives_dates_check" CHECK ("end_date" >= "start_date");
ALTER TABLE "participations" ADD CONSTRAINT "participations_role_check"
  CHECK ("role" IN ('LEAD', 'PARTNER', 'FUNDER', 'BENEFICIARY'));
