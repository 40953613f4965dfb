-- Hand-written: writers no longer chain rows under a global lock. The trigger
-- that numbered, stamped and hashed each row inside every writer's transaction
-- goes; rows are chained after commit by the sealer (lib/audit/sealer.ts).
DROP TRIGGER "audit_log_chain" ON "audit_log";
DROP FUNCTION "audit_log_chain"();
DROP FUNCTION "audit_log_canonical"("audit_log");
DROP FUNCTION "audit_log_field"(text);

-- AlterTable
CREATE SEQUENCE audit_log_sequence_seq;
ALTER TABLE "audit_log" ADD COLUMN     "event_id" UUID NOT NULL DEFAULT gen_random_uuid(),
ADD COLUMN     "row_mac" TEXT,
ADD COLUMN     "txid" BIGINT NOT NULL DEFAULT (pg_current_xact_id())::text::bigint,
ALTER COLUMN "sequence" SET DEFAULT nextval('audit_log_sequence_seq'),
ALTER COLUMN "occurred_at" SET DEFAULT CURRENT_TIMESTAMP,
ALTER COLUMN "prev_hash" DROP NOT NULL,
ALTER COLUMN "hash" DROP NOT NULL;
ALTER SEQUENCE audit_log_sequence_seq OWNED BY "audit_log"."sequence";

-- CreateTable
CREATE TABLE "audit_seals" (
    "seal_sequence" BIGINT NOT NULL,
    "audit_sequence" BIGINT NOT NULL,
    "sealed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "verdict" TEXT NOT NULL,
    "prev_hash" CHAR(64) NOT NULL,
    "hash" CHAR(64) NOT NULL,

    CONSTRAINT "audit_seals_pkey" PRIMARY KEY ("seal_sequence")
);

-- CreateTable
CREATE TABLE "audit_sealer_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "watermark" BIGINT NOT NULL DEFAULT 0,
    "legacy_cutoff" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "audit_sealer_state_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_seals_audit_sequence_key" ON "audit_seals"("audit_sequence");

-- CreateIndex
CREATE UNIQUE INDEX "audit_log_event_id_key" ON "audit_log"("event_id");

-- CreateIndex
CREATE INDEX "audit_log_txid_idx" ON "audit_log"("txid");

-- AddForeignKey
ALTER TABLE "audit_seals" ADD CONSTRAINT "audit_seals_audit_sequence_fkey" FOREIGN KEY ("audit_sequence") REFERENCES "audit_log"("sequence") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written: numbering continues after the rows the old trigger numbered;
-- those are sealed as "legacy" (their old SHA-256 chain is verified instead of a row MAC).
SELECT setval('audit_log_sequence_seq', COALESCE((SELECT max("sequence") FROM "audit_log"), 0) + 1, false);
INSERT INTO "audit_sealer_state" ("id", "watermark", "legacy_cutoff")
VALUES (1, 0, COALESCE((SELECT max("sequence") FROM "audit_log"), 0));

-- Hand-written: the seals are append-only for every role, like the log itself.
CREATE OR REPLACE FUNCTION "audit_log_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_seals_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit_seals"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_change"();

CREATE TRIGGER "audit_seals_no_truncate"
  BEFORE TRUNCATE ON "audit_seals"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_change"();

REVOKE UPDATE, DELETE, TRUNCATE ON "audit_seals" FROM PUBLIC;
