-- Hand-written, PostgreSQL only: per initiative, its distinct keys in each
-- statistics dimension but ACTOR_KIND and ROLE (see internal/stats/facets.go):
-- 1 THEME, 2 THEME_ROOT, 3 TERRITORY_REGION, 4 TERRITORY_DEPARTMENT,
-- 5 TERRITORY_EPCI, 6 TERRITORY_COMMUNE, 7 AREA, 8 DENSITY_LEVEL, 9 STATUS,
-- 10 START_YEAR; integer keys in "key", enum values in "word". An initiative
-- with no key in a dimension has one row with null keys there ("none"), so
-- every initiative has at least one row per dimension and the statistics join
-- them without outer joins, by merging index-only scans. Triggers keep it in
-- step with every write (ent mutations, raw bulk INSERTs, cascades), in the
-- writing statement's transaction.
CREATE TABLE "initiative_facets" ("initiative_id" bigint NOT NULL, "dimension" smallint NOT NULL, "key" bigint NULL, "word" character varying NULL, CONSTRAINT "initiative_facets_initiative_id" FOREIGN KEY ("initiative_id") REFERENCES "initiatives" ("id") ON UPDATE NO ACTION ON DELETE CASCADE);
-- Distinct rows by construction; the index is what the statistics read (index-only scans).
CREATE INDEX "initiative_facets_key" ON "initiative_facets" ("dimension", "initiative_id", "key", "word");
-- The refresh and the cascade from initiatives delete by initiative.
CREATE INDEX "initiative_facets_initiative_id" ON "initiative_facets" ("initiative_id");
-- Recomputes every facet of the given initiatives (those still existing).
-- PL/pgSQL, not SQL: it keeps its plans between calls (territory.Derive writes
-- one territory per statement), and returns at once when there is nothing to do.
CREATE FUNCTION essaim_refresh_facets(ids bigint[]) RETURNS void LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  DELETE FROM "initiative_facets" WHERE "initiative_id" = ANY(ids);
  WITH RECURSIVE roots("id", "root") AS (
    SELECT "id", "id" FROM "themes" WHERE "theme_children" IS NULL
    UNION SELECT t."id", r."root" FROM "themes" t JOIN roots r ON t."theme_children" = r."id"),
  keys("initiative_id", "dimension", "key", "word") AS (
    SELECT "initiative_id", 1::smallint, "theme_id", NULL::varchar FROM "initiative_themes" WHERE "initiative_id" = ANY(ids)
    UNION SELECT it."initiative_id", 2::smallint, r."root", NULL FROM "initiative_themes" it JOIN roots r ON r."id" = it."theme_id"
      WHERE it."initiative_id" = ANY(ids)
    UNION SELECT it."initiative_id", CASE ta."ancestor_kind" WHEN 'REGION' THEN 3 WHEN 'DEPARTMENT' THEN 4 WHEN 'EPCI' THEN 5 ELSE 6 END::smallint, ta."ancestor_id", NULL
      FROM "initiative_territories" it JOIN "territory_ancestors" ta ON ta."territory_id" = it."territory_id"
      WHERE it."initiative_id" = ANY(ids) AND ta."ancestor_kind" IN ('REGION', 'DEPARTMENT', 'EPCI', 'COMMUNE')
    UNION SELECT it."initiative_id", 7::smallint, NULL, t."area" FROM "initiative_territories" it JOIN "territories" t ON t."id" = it."territory_id"
      WHERE it."initiative_id" = ANY(ids) AND t."area" IS NOT NULL
    UNION SELECT it."initiative_id", 8::smallint, t."density_level", NULL FROM "initiative_territories" it JOIN "territories" t ON t."id" = it."territory_id"
      WHERE it."initiative_id" = ANY(ids) AND t."density_level" IS NOT NULL
    UNION SELECT "id", 9::smallint, NULL, "status" FROM "initiatives" WHERE "id" = ANY(ids) AND "status" IS NOT NULL
    UNION SELECT "id", 10::smallint, CAST(EXTRACT(YEAR FROM "start_date" AT TIME ZONE 'UTC') AS INTEGER), NULL FROM "initiatives"
      WHERE "id" = ANY(ids) AND "start_date" IS NOT NULL)
  INSERT INTO "initiative_facets" ("initiative_id", "dimension", "key", "word")
  SELECT "initiative_id", "dimension", "key", "word" FROM keys
  UNION ALL SELECT i."id", d::smallint, NULL, NULL FROM "initiatives" i CROSS JOIN generate_series(1, 10) d
    WHERE i."id" = ANY(ids) AND NOT EXISTS (SELECT 1 FROM keys k WHERE k."initiative_id" = i."id" AND k."dimension" = d);
END $$;
-- Statement-level triggers: one refresh per statement for all the initiatives it touched.
CREATE FUNCTION essaim_facets_initiatives() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM essaim_refresh_facets(ARRAY(SELECT "id" FROM new_rows));
  RETURN NULL;
END $$;
CREATE TRIGGER "initiative_facets_initiatives" AFTER INSERT ON "initiatives" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_initiatives();
CREATE FUNCTION essaim_facets_links_new() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM essaim_refresh_facets(ARRAY(SELECT DISTINCT "initiative_id" FROM new_rows));
  RETURN NULL;
END $$;
-- Links deleted by the cascade from a deleted initiative (one statement per
-- initiative) have nothing to refresh: return at once.
CREATE FUNCTION essaim_facets_links_old() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN "initiatives" i ON i."id" = o."initiative_id") THEN
    RETURN NULL;
  END IF;
  PERFORM essaim_refresh_facets(ARRAY(SELECT DISTINCT "initiative_id" FROM old_rows));
  RETURN NULL;
END $$;
CREATE FUNCTION essaim_facets_links_both() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM essaim_refresh_facets(ARRAY(SELECT "initiative_id" FROM new_rows UNION SELECT "initiative_id" FROM old_rows));
  RETURN NULL;
END $$;
CREATE TRIGGER "initiative_facets_themes_ins" AFTER INSERT ON "initiative_themes" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_links_new();
CREATE TRIGGER "initiative_facets_themes_del" AFTER DELETE ON "initiative_themes" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_links_old();
CREATE TRIGGER "initiative_facets_themes_upd" AFTER UPDATE ON "initiative_themes" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_links_both();
CREATE TRIGGER "initiative_facets_territories_ins" AFTER INSERT ON "initiative_territories" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_links_new();
CREATE TRIGGER "initiative_facets_territories_del" AFTER DELETE ON "initiative_territories" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_links_old();
CREATE TRIGGER "initiative_facets_territories_upd" AFTER UPDATE ON "initiative_territories" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_links_both();
-- Status or start date changed (column lists and transition tables do not mix).
-- Changed rows by EXCEPT, not by joining the transition tables: they have no
-- index nor statistics, and a join of two 35,000-row ones (the communes' areas
-- derived in one statement) became a nested loop of minutes.
CREATE FUNCTION essaim_facets_initiatives_upd() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM essaim_refresh_facets(ARRAY(SELECT "id" FROM (SELECT "id", "status", "start_date" FROM new_rows
    EXCEPT SELECT "id", "status", "start_date" FROM old_rows) changed));
  RETURN NULL;
END $$;
CREATE TRIGGER "initiative_facets_initiatives_upd" AFTER UPDATE ON "initiatives" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_initiatives_upd();
-- A territory's area or density level changed.
CREATE FUNCTION essaim_facets_territories() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM essaim_refresh_facets(ARRAY(SELECT DISTINCT it."initiative_id" FROM "initiative_territories" it
    WHERE it."territory_id" IN (SELECT "id" FROM (SELECT "id", "area", "density_level" FROM new_rows
      EXCEPT SELECT "id", "area", "density_level" FROM old_rows) changed)));
  RETURN NULL;
END $$;
CREATE TRIGGER "initiative_facets_territories" AFTER UPDATE ON "territories" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_territories();
-- A theme moved: the roots of the initiatives on it or below it may change.
CREATE FUNCTION essaim_facets_themes() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM essaim_refresh_facets(ARRAY(
    WITH RECURSIVE moved("id") AS (
      SELECT "id" FROM (SELECT "id", "theme_children" FROM new_rows EXCEPT SELECT "id", "theme_children" FROM old_rows) changed
      UNION SELECT t."id" FROM "themes" t JOIN moved m ON t."theme_children" = m."id")
    SELECT DISTINCT it."initiative_id" FROM "initiative_themes" it JOIN moved m ON m."id" = it."theme_id"));
  RETURN NULL;
END $$;
CREATE TRIGGER "initiative_facets_themes" AFTER UPDATE ON "themes" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_themes();
-- The containment changed (territory.Derive rewrites the closure): the levels of
-- the initiatives on those territories may change.
CREATE FUNCTION essaim_facets_ancestors_new() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM essaim_refresh_facets(ARRAY(SELECT DISTINCT it."initiative_id" FROM "initiative_territories" it
    WHERE it."territory_id" IN (SELECT "territory_id" FROM new_rows)));
  RETURN NULL;
END $$;
CREATE FUNCTION essaim_facets_ancestors_old() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN "initiative_territories" it ON it."territory_id" = o."territory_id") THEN
    RETURN NULL;
  END IF;
  PERFORM essaim_refresh_facets(ARRAY(SELECT DISTINCT it."initiative_id" FROM "initiative_territories" it
    WHERE it."territory_id" IN (SELECT "territory_id" FROM old_rows)));
  RETURN NULL;
END $$;
CREATE FUNCTION essaim_facets_ancestors_both() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM essaim_refresh_facets(ARRAY(SELECT DISTINCT it."initiative_id" FROM "initiative_territories" it
    WHERE it."territory_id" IN (SELECT "territory_id" FROM new_rows UNION SELECT "territory_id" FROM old_rows)));
  RETURN NULL;
END $$;
CREATE TRIGGER "initiative_facets_ancestors_ins" AFTER INSERT ON "territory_ancestors" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_ancestors_new();
CREATE TRIGGER "initiative_facets_ancestors_del" AFTER DELETE ON "territory_ancestors" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_ancestors_old();
CREATE TRIGGER "initiative_facets_ancestors_upd" AFTER UPDATE ON "territory_ancestors" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION essaim_facets_ancestors_both();
-- Fill it for existing stores.
SELECT essaim_refresh_facets(ARRAY(SELECT "id" FROM "initiatives"));
ANALYZE "initiative_facets";
