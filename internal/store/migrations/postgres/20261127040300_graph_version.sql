-- Hand-written: a single counter bumped by every write that changes the actor
-- network, so that each server instance knows when its cached graph is stale.
CREATE TABLE "essaim_graph_version" ("id" integer NOT NULL PRIMARY KEY, "version" bigint NOT NULL);
INSERT INTO "essaim_graph_version" ("id", "version") VALUES (1, 0);
ALTER TABLE "actor_relations" ADD CONSTRAINT "actor_relations_kind_check"
  CHECK ("kind" IN ('MEMBER_OF', 'PARTNER_OF', 'FUNDS', 'AGREEMENT_WITH', 'SUBSIDIARY_OF'));
ALTER TABLE "actor_relations" ADD CONSTRAINT "actor_relations_period_check" CHECK ("until" >= "since");
ALTER TABLE "actor_relations" ADD CONSTRAINT "actor_relations_not_self_check" CHECK ("from_id" <> "to_id");
