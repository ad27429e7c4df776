-- Hand-written: full-text search (internal/search).
-- unaccent ships with PostgreSQL's contrib modules (Debian: in the
-- postgresql-NN package; elsewhere postgresql-contrib) and is a trusted
-- extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;
-- French stemming after removing diacritics: "numerique" matches "numérique".
CREATE TEXT SEARCH CONFIGURATION essaim_fr (COPY = french);
ALTER TEXT SEARCH CONFIGURATION essaim_fr
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
-- The searchable text of a row, weighted: A for the name or title, B for the
-- summary, C for the description. Immutable so that expression indexes can use
-- it: the indexes below add no column that ent does not know about.
-- SET search_path pins the schema of essaim_fr and unaccent, and keeps the
-- function from being inlined: queries then match the indexes by a plain call,
-- which plans in a tenth of the time of the inlined expression.
CREATE FUNCTION essaim_search_document(a text, b text, c text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
  SELECT setweight(to_tsvector('essaim_fr', coalesce(a, '')), 'A')
      || setweight(to_tsvector('essaim_fr', coalesce(b, '')), 'B')
      || setweight(to_tsvector('essaim_fr', coalesce(c, '')), 'C')
$$;
-- The whole text of each row: what matches. fastupdate is off so that every
-- write goes straight into the index: with the pending list, a search after a
-- bulk load scans every pending row until the next vacuum (10x slower).
CREATE INDEX "search_initiatives" ON "initiatives" USING gin (essaim_search_document(title, summary, description)) WITH (fastupdate = off);
CREATE INDEX "search_actors" ON "actors" USING gin (essaim_search_document(name, NULL, description)) WITH (fastupdate = off);
CREATE INDEX "search_themes" ON "themes" USING gin (essaim_search_document(label, NULL, description)) WITH (fastupdate = off);
CREATE INDEX "search_territories" ON "territories" USING gin (essaim_search_document(name, NULL, NULL)) WITH (fastupdate = off);
-- The name or title (and the summary) alone: what ranks a match first, by
-- index lookups rather than by computing the text of every match.
CREATE INDEX "search_initiatives_title" ON "initiatives" USING gin (essaim_search_document(title, NULL, NULL)) WITH (fastupdate = off);
CREATE INDEX "search_initiatives_summary" ON "initiatives" USING gin (essaim_search_document(NULL, summary, NULL)) WITH (fastupdate = off);
CREATE INDEX "search_actors_name" ON "actors" USING gin (essaim_search_document(name, NULL, NULL)) WITH (fastupdate = off);
CREATE INDEX "search_themes_label" ON "themes" USING gin (essaim_search_document(label, NULL, NULL)) WITH (fastupdate = off);
