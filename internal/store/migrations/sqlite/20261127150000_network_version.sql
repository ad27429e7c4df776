-- Hand-written: the network version, bumped only by the writes that can
-- change the actor network (see internal/store/version.go). A column of the
-- one counter row, not a second row: a write bumping both then locks one row,
-- as before, and two writers cannot deadlock over two rows.
ALTER TABLE `essaim_graph_version` ADD COLUMN `network_version` integer NOT NULL DEFAULT 0;
UPDATE `essaim_graph_version` SET `network_version` = `version`;
