-- Modify "initiatives" table
ALTER TABLE "initiatives" ADD COLUMN "source_key" character varying NULL;
-- Create index "initiatives_source_key_key" to table: "initiatives"
CREATE UNIQUE INDEX "initiatives_source_key_key" ON "initiatives" ("source_key");
-- Hand-written: every initiative gets a key, so that exports import back
-- without duplicates.
UPDATE "initiatives" SET "source_key" = 'essaim-' || "id" WHERE "source_key" IS NULL;
