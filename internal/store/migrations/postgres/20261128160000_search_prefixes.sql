-- Hand-written: the last word of a search matches the start of a word as it
-- is written, not only of its stem (internal/search). Stems are shorter than
-- the words they come from ("numérique" is stored as 'numer'), so a word
-- typed past its stem ("numériq", "coopérat", "associati") matched nothing
-- until it was complete, and a last word that is a French stop word ("mon",
-- on the way to "Mont") matched nothing at all. Each part of a document now
-- also holds its words unstemmed (accents removed, lower-cased), at the same
-- weight; whole words still match by their stems.
CREATE TEXT SEARCH CONFIGURATION essaim_simple (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION essaim_simple
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
CREATE OR REPLACE FUNCTION essaim_search_document(a text, b text, c text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
  SELECT setweight(to_tsvector('essaim_fr', coalesce(a, '')) || to_tsvector('essaim_simple', coalesce(a, '')), 'A')
      || setweight(to_tsvector('essaim_fr', coalesce(b, '')) || to_tsvector('essaim_simple', coalesce(b, '')), 'B')
      || setweight(to_tsvector('essaim_fr', coalesce(c, '')) || to_tsvector('essaim_simple', coalesce(c, '')), 'C')
$$;
UPDATE search_documents d SET document = essaim_search_document(r.title, r.summary, r.description)
  FROM initiatives r WHERE d.kind = 'initiatives' AND d.id = r.id;
UPDATE search_documents d SET document = essaim_search_document(r.name, NULL, r.description)
  FROM actors r WHERE d.kind = 'actors' AND d.id = r.id;
UPDATE search_documents d SET document = essaim_search_document(r.label, NULL, r.description)
  FROM themes r WHERE d.kind = 'themes' AND d.id = r.id;
UPDATE search_documents d SET document = essaim_search_document(r.name, NULL, NULL)
  FROM territories r WHERE d.kind = 'territories' AND d.id = r.id;
ANALYZE search_documents;
