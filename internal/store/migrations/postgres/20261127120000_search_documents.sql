-- Hand-written: stored search documents on PostgreSQL (internal/search).
-- The GIN expression indexes of 20261127110000_search could find matches but
-- never return their text: scoring a match, or a sequential scan when a word
-- is in most rows, recomputed essaim_search_document (~60 µs a row), 3 s for
-- a word in every row. The document of every row is now stored once, here,
-- and kept in step by triggers, like the FTS5 tables on SQLite. Its weights
-- (A name or title, B summary, C description) let a weighted query ('w':A)
-- tell where a word matched, so the per-column indexes are no longer needed.
-- kind is the table of the row.
CREATE TABLE "search_documents" ("kind" text NOT NULL, "id" bigint NOT NULL, "document" tsvector NOT NULL, PRIMARY KEY ("kind", "id"));
CREATE FUNCTION essaim_search_initiatives() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM search_documents WHERE kind = 'initiatives' AND id = OLD.id;
  ELSE
    INSERT INTO search_documents (kind, id, document) VALUES ('initiatives', NEW.id, essaim_search_document(NEW.title, NEW.summary, NEW.description))
      ON CONFLICT (kind, id) DO UPDATE SET document = EXCLUDED.document;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "essaim_search_initiatives" AFTER INSERT OR DELETE OR UPDATE OF title, summary, description ON "initiatives" FOR EACH ROW EXECUTE FUNCTION essaim_search_initiatives();
INSERT INTO search_documents (kind, id, document) SELECT 'initiatives', id, essaim_search_document(title, summary, description) FROM "initiatives";
-- One index per kind: a search reads only its type's entries, and a count
-- needs no visit of the table (the kind is the index's own condition).
CREATE INDEX "search_documents_initiatives" ON "search_documents" USING gin ("document") WITH (fastupdate = off) WHERE kind = 'initiatives';
CREATE FUNCTION essaim_search_actors() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM search_documents WHERE kind = 'actors' AND id = OLD.id;
  ELSE
    INSERT INTO search_documents (kind, id, document) VALUES ('actors', NEW.id, essaim_search_document(NEW.name, NULL, NEW.description))
      ON CONFLICT (kind, id) DO UPDATE SET document = EXCLUDED.document;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "essaim_search_actors" AFTER INSERT OR DELETE OR UPDATE OF name, description ON "actors" FOR EACH ROW EXECUTE FUNCTION essaim_search_actors();
INSERT INTO search_documents (kind, id, document) SELECT 'actors', id, essaim_search_document(name, NULL, description) FROM "actors";
-- One index per kind: a search reads only its type's entries, and a count
-- needs no visit of the table (the kind is the index's own condition).
CREATE INDEX "search_documents_actors" ON "search_documents" USING gin ("document") WITH (fastupdate = off) WHERE kind = 'actors';
CREATE FUNCTION essaim_search_themes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM search_documents WHERE kind = 'themes' AND id = OLD.id;
  ELSE
    INSERT INTO search_documents (kind, id, document) VALUES ('themes', NEW.id, essaim_search_document(NEW.label, NULL, NEW.description))
      ON CONFLICT (kind, id) DO UPDATE SET document = EXCLUDED.document;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "essaim_search_themes" AFTER INSERT OR DELETE OR UPDATE OF label, description ON "themes" FOR EACH ROW EXECUTE FUNCTION essaim_search_themes();
INSERT INTO search_documents (kind, id, document) SELECT 'themes', id, essaim_search_document(label, NULL, description) FROM "themes";
-- One index per kind: a search reads only its type's entries, and a count
-- needs no visit of the table (the kind is the index's own condition).
CREATE INDEX "search_documents_themes" ON "search_documents" USING gin ("document") WITH (fastupdate = off) WHERE kind = 'themes';
CREATE FUNCTION essaim_search_territories() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM search_documents WHERE kind = 'territories' AND id = OLD.id;
  ELSE
    INSERT INTO search_documents (kind, id, document) VALUES ('territories', NEW.id, essaim_search_document(NEW.name, NULL, NULL))
      ON CONFLICT (kind, id) DO UPDATE SET document = EXCLUDED.document;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "essaim_search_territories" AFTER INSERT OR DELETE OR UPDATE OF name ON "territories" FOR EACH ROW EXECUTE FUNCTION essaim_search_territories();
INSERT INTO search_documents (kind, id, document) SELECT 'territories', id, essaim_search_document(name, NULL, NULL) FROM "territories";
-- One index per kind: a search reads only its type's entries, and a count
-- needs no visit of the table (the kind is the index's own condition).
CREATE INDEX "search_documents_territories" ON "search_documents" USING gin ("document") WITH (fastupdate = off) WHERE kind = 'territories';
-- Stored documents replace the expression indexes that a first version of
-- the previous migration built (none do now): drop them where they exist.
DROP INDEX IF EXISTS "search_initiatives", "search_actors", "search_themes", "search_territories",
  "search_initiatives_title", "search_initiatives_summary", "search_actors_name", "search_themes_label";
-- Lexeme statistics now, not at the next autovacuum: they tell the planner
-- whether a word is rare (index) or everywhere (scan).
ANALYZE "search_documents";
