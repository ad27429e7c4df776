-- Modify "audit_entries" table
ALTER TABLE "audit_entries" ALTER COLUMN "input_fields" TYPE json;
