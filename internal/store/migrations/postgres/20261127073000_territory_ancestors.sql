-- Hand-written: the closure of the territory containment (see
-- internal/territory/ancestors.go), read by the filters and statistics instead
-- of a recursive walk per statement, and kept by territory.Derive. Each
-- territory is its own ancestor at depth 0; walks never pass through an EPCI.
CREATE TABLE "territory_ancestors" ("territory_id" bigint NOT NULL, "ancestor_id" bigint NOT NULL, "ancestor_kind" character varying NOT NULL, "depth" bigint NOT NULL, PRIMARY KEY ("territory_id", "ancestor_id"), CONSTRAINT "territory_ancestors_territory_id" FOREIGN KEY ("territory_id") REFERENCES "territories" ("id") ON UPDATE NO ACTION ON DELETE CASCADE, CONSTRAINT "territory_ancestors_ancestor_id" FOREIGN KEY ("ancestor_id") REFERENCES "territories" ("id") ON UPDATE NO ACTION ON DELETE CASCADE);
-- "Everything inside A" (withinTerritory, coverage gaps).
CREATE INDEX "territory_ancestors_ancestor_id" ON "territory_ancestors" ("ancestor_id", "territory_id");
-- "The département (or other level) of T", read whole by the statistics (index-only
-- scan of one level instead of the whole table). PostgreSQL only: without statistics
-- SQLite took it for a selective index and joined the statistics' derived tables by
-- scanning them (a time-out on 50,000 initiatives).
CREATE INDEX "territory_ancestors_kind" ON "territory_ancestors" ("ancestor_kind", "territory_id", "ancestor_id");
-- Fill it for stores migrated from an earlier version: the same walk as Derive.
WITH RECURSIVE up("start", "id", "kind", "depth") AS (
  SELECT t."id", t."id", t."kind", 0 FROM "territories" t
  UNION SELECT up."start", t."id", t."kind", up."depth" + 1 FROM up
    JOIN "territory_contains" tc ON tc."contained_in_id" = up."id"
    JOIN "territories" t ON t."id" = tc."territory_id"
  WHERE up."kind" <> 'EPCI' OR up."id" = up."start")
INSERT INTO "territory_ancestors" ("territory_id", "ancestor_id", "ancestor_kind", "depth")
SELECT "start", "id", "kind", MIN("depth") FROM up GROUP BY "start", "id", "kind";
-- Statistics now, not at autovacuum's next pass: the statistics queries read the table whole.
ANALYZE "territory_ancestors";
