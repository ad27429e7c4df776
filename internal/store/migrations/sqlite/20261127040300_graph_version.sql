-- Hand-written: a single counter bumped by every write that changes the actor
-- network, so that each server instance knows when its cached graph is stale.
CREATE TABLE `essaim_graph_version` (`id` integer NOT NULL PRIMARY KEY, `version` integer NOT NULL);
INSERT INTO `essaim_graph_version` (`id`, `version`) VALUES (1, 0);
