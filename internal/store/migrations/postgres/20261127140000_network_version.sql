-- Hand-written: the network version (row 2), bumped only by the writes that
-- can change the actor network (see internal/store/version.go); it starts
-- equal to the graph version (row 1).
INSERT INTO "essaim_graph_version" ("id", "version") SELECT 2, "version" FROM "essaim_graph_version" WHERE "id" = 1;
