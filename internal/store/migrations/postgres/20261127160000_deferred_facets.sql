-- Hand-written, PostgreSQL only: a bulk writer may defer the facet refresh of
-- the initiatives it inserts to one call of essaim_refresh_facets once its
-- rows are in (internal/store.DeferFacets; RefreshFacets makes the call and
-- clears the setting in one statement). Inserting a batch of initiatives,
-- then their territories, then their themes refreshed the same initiatives
-- three times, writing and deleting every facet row twice for
-- nothing: half the synthetic load's time. Only these insert triggers honour
-- the setting, which is local to the transaction.
CREATE OR REPLACE FUNCTION essaim_facets_initiatives() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF current_setting('essaim.facets', true) = 'deferred' THEN
    RETURN NULL;
  END IF;
  PERFORM essaim_refresh_facets(ARRAY(SELECT "id" FROM new_rows));
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION essaim_facets_links_new() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF current_setting('essaim.facets', true) = 'deferred' THEN
    RETURN NULL;
  END IF;
  PERFORM essaim_refresh_facets(ARRAY(SELECT DISTINCT "initiative_id" FROM new_rows));
  RETURN NULL;
END $$;
