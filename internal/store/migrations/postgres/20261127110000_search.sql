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
