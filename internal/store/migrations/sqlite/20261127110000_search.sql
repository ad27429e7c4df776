-- Hand-written: full-text search (internal/search).
-- One external-content FTS5 table per searchable type: rowid is the row's id,
-- the text stays in the table itself. Words are folded to lower case without
-- diacritics, then stemmed (porter strips plural and common suffixes, which
-- also serves French: "coopératives" and "coopérative" share a stem).
-- Triggers keep every index in step with every write.

CREATE VIRTUAL TABLE `search_initiatives` USING fts5(`title`, `summary`, `description`, content='initiatives', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER `search_initiatives_insert` AFTER INSERT ON `initiatives` BEGIN
  INSERT INTO `search_initiatives` (rowid, `title`, `summary`, `description`) VALUES (new.`id`, new.`title`, new.`summary`, new.`description`);
END;
CREATE TRIGGER `search_initiatives_delete` AFTER DELETE ON `initiatives` BEGIN
  INSERT INTO `search_initiatives` (`search_initiatives`, rowid, `title`, `summary`, `description`) VALUES ('delete', old.`id`, old.`title`, old.`summary`, old.`description`);
END;
CREATE TRIGGER `search_initiatives_update` AFTER UPDATE OF `title`, `summary`, `description` ON `initiatives` BEGIN
  INSERT INTO `search_initiatives` (`search_initiatives`, rowid, `title`, `summary`, `description`) VALUES ('delete', old.`id`, old.`title`, old.`summary`, old.`description`);
  INSERT INTO `search_initiatives` (rowid, `title`, `summary`, `description`) VALUES (new.`id`, new.`title`, new.`summary`, new.`description`);
END;
INSERT INTO `search_initiatives` (`search_initiatives`) VALUES ('rebuild');
CREATE VIRTUAL TABLE `search_actors` USING fts5(`name`, `description`, content='actors', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER `search_actors_insert` AFTER INSERT ON `actors` BEGIN
  INSERT INTO `search_actors` (rowid, `name`, `description`) VALUES (new.`id`, new.`name`, new.`description`);
END;
CREATE TRIGGER `search_actors_delete` AFTER DELETE ON `actors` BEGIN
  INSERT INTO `search_actors` (`search_actors`, rowid, `name`, `description`) VALUES ('delete', old.`id`, old.`name`, old.`description`);
END;
CREATE TRIGGER `search_actors_update` AFTER UPDATE OF `name`, `description` ON `actors` BEGIN
  INSERT INTO `search_actors` (`search_actors`, rowid, `name`, `description`) VALUES ('delete', old.`id`, old.`name`, old.`description`);
  INSERT INTO `search_actors` (rowid, `name`, `description`) VALUES (new.`id`, new.`name`, new.`description`);
END;
INSERT INTO `search_actors` (`search_actors`) VALUES ('rebuild');
CREATE VIRTUAL TABLE `search_themes` USING fts5(`label`, `description`, content='themes', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER `search_themes_insert` AFTER INSERT ON `themes` BEGIN
  INSERT INTO `search_themes` (rowid, `label`, `description`) VALUES (new.`id`, new.`label`, new.`description`);
END;
CREATE TRIGGER `search_themes_delete` AFTER DELETE ON `themes` BEGIN
  INSERT INTO `search_themes` (`search_themes`, rowid, `label`, `description`) VALUES ('delete', old.`id`, old.`label`, old.`description`);
END;
CREATE TRIGGER `search_themes_update` AFTER UPDATE OF `label`, `description` ON `themes` BEGIN
  INSERT INTO `search_themes` (`search_themes`, rowid, `label`, `description`) VALUES ('delete', old.`id`, old.`label`, old.`description`);
  INSERT INTO `search_themes` (rowid, `label`, `description`) VALUES (new.`id`, new.`label`, new.`description`);
END;
INSERT INTO `search_themes` (`search_themes`) VALUES ('rebuild');
CREATE VIRTUAL TABLE `search_territories` USING fts5(`name`, content='territories', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER `search_territories_insert` AFTER INSERT ON `territories` BEGIN
  INSERT INTO `search_territories` (rowid, `name`) VALUES (new.`id`, new.`name`);
END;
CREATE TRIGGER `search_territories_delete` AFTER DELETE ON `territories` BEGIN
  INSERT INTO `search_territories` (`search_territories`, rowid, `name`) VALUES ('delete', old.`id`, old.`name`);
END;
CREATE TRIGGER `search_territories_update` AFTER UPDATE OF `name` ON `territories` BEGIN
  INSERT INTO `search_territories` (`search_territories`, rowid, `name`) VALUES ('delete', old.`id`, old.`name`);
  INSERT INTO `search_territories` (rowid, `name`) VALUES (new.`id`, new.`name`);
END;
INSERT INTO `search_territories` (`search_territories`) VALUES ('rebuild');
