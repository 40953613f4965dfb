-- CreateEnum
CREATE TYPE "DataRequestKind" AS ENUM ('EXPORT', 'CORRECTION', 'ERASURE');

-- CreateEnum
CREATE TYPE "DataRequestStatus" AS ENUM ('RECEIVED', 'IN_PROGRESS', 'ON_HOLD', 'COMPLETED', 'REJECTED');

-- AlterEnum
ALTER TYPE "UserStatus" ADD VALUE 'ERASED';

-- AlterEnum
ALTER TYPE "ConsentKind" ADD VALUE 'MESSAGING';

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "erased_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "consents" ADD COLUMN     "document_hash" TEXT;

-- CreateTable
CREATE TABLE "data_requests" (
    "id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "kind" "DataRequestKind" NOT NULL,
    "status" "DataRequestStatus" NOT NULL DEFAULT 'RECEIVED',
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),
    "assignee_id" UUID,
    "target_type" TEXT,
    "target_id" UUID,
    "details" TEXT,
    "resolution" TEXT,
    "outcome" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "data_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "data_request_events" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "step" TEXT NOT NULL,
    "to_status" "DataRequestStatus" NOT NULL,

    CONSTRAINT "data_request_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "legal_holds" (
    "id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "placed_by_id" UUID NOT NULL,
    "placed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_by_id" UUID,
    "released_at" TIMESTAMPTZ(3),
    "release_note" TEXT,

    CONSTRAINT "legal_holds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "retention_runs" (
    "id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "as_of" TIMESTAMPTZ(3) NOT NULL,
    "destroyed" JSONB NOT NULL DEFAULT '{}',
    "held_back" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "retention_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "data_requests_status_due_at_idx" ON "data_requests"("status", "due_at");

-- CreateIndex
CREATE INDEX "data_requests_patient_id_received_at_idx" ON "data_requests"("patient_id", "received_at");

-- CreateIndex
CREATE INDEX "data_requests_assignee_id_status_idx" ON "data_requests"("assignee_id", "status");

-- CreateIndex
CREATE INDEX "data_request_events_request_id_at_idx" ON "data_request_events"("request_id", "at");

-- CreateIndex
CREATE INDEX "legal_holds_patient_id_placed_at_idx" ON "legal_holds"("patient_id", "placed_at");

-- CreateIndex
CREATE INDEX "retention_runs_started_at_idx" ON "retention_runs"("started_at");

-- AddForeignKey
ALTER TABLE "data_requests" ADD CONSTRAINT "data_requests_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "data_requests" ADD CONSTRAINT "data_requests_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "data_request_events" ADD CONSTRAINT "data_request_events_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "data_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_placed_by_id_fkey" FOREIGN KEY ("placed_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_released_by_id_fkey" FOREIGN KEY ("released_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written SQL: what Prisma's schema cannot express.

ALTER TABLE "users" ADD CONSTRAINT "users_erased_has_time"
  CHECK (("status"::text = 'ERASED') = ("erased_at" IS NOT NULL));

-- At most one active legal hold per patient.
CREATE UNIQUE INDEX "legal_holds_one_active" ON "legal_holds" ("patient_id") WHERE "released_at" IS NULL;

ALTER TABLE "data_requests" ADD CONSTRAINT "data_requests_due_after_received" CHECK ("due_at" > "received_at");
ALTER TABLE "data_requests" ADD CONSTRAINT "data_requests_completed_has_time"
  CHECK (("status" IN ('COMPLETED', 'REJECTED')) = ("completed_at" IS NOT NULL));
ALTER TABLE "data_requests" ADD CONSTRAINT "data_requests_target_type"
  CHECK ("target_type" IS NULL OR "target_type" IN ('profile', 'note', 'prescription', 'other'));

-- The steps of a request are its history: never changed, never removed.
CREATE FUNCTION "refuse_data_request_event_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'data_request_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER "data_request_events_append_only"
  BEFORE UPDATE OR DELETE ON "data_request_events"
  FOR EACH ROW EXECUTE FUNCTION "refuse_data_request_event_change"();

-- The data lifecycle may do two things the record's guards otherwise refuse, each only inside a
-- transaction that says so with SET LOCAL haven.lifecycle (lib/domain/patient-rights, retention):
--   'reencrypt': an erasure re-encrypts a patient's retained clinical record under a new data key
--                (the same text, new ciphertext), so the old key can be destroyed;
--   'destroy':   the retention job deletes records past their retention period.
-- Both write audit rows in the same transaction.
CREATE OR REPLACE FUNCTION "refuse_signed_note_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status" = 'SIGNED' THEN
    IF TG_OP = 'UPDATE' AND current_setting('haven.lifecycle', true) = 'reencrypt' THEN RETURN NEW; END IF;
    IF TG_OP = 'DELETE' AND current_setting('haven.lifecycle', true) = 'destroy' THEN RETURN OLD; END IF;
    RAISE EXCEPTION 'clinical note % is signed and cannot be changed; append an amendment', OLD."id"
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION "refuse_amendment_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('haven.lifecycle', true) = 'reencrypt' THEN RETURN NEW; END IF;
  IF TG_OP = 'DELETE' AND current_setting('haven.lifecycle', true) = 'destroy' THEN RETURN OLD; END IF;
  RAISE EXCEPTION 'note amendment % cannot be changed or deleted', OLD."id"
    USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE OR REPLACE FUNCTION "refuse_prescription_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('haven.lifecycle', true) = 'reencrypt' THEN RETURN NEW; END IF;
  IF TG_OP = 'DELETE' AND current_setting('haven.lifecycle', true) = 'destroy' THEN RETURN OLD; END IF;
  RAISE EXCEPTION '% % is signed and cannot be changed or deleted', TG_TABLE_NAME, OLD."id"
    USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE OR REPLACE FUNCTION "guard_message_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF current_setting('haven.lifecycle', true) = 'destroy' THEN RETURN OLD; END IF;
    RAISE EXCEPTION 'messages are part of the clinical record and cannot be deleted' USING ERRCODE = 'P0001';
  END IF;
  IF NEW."id" <> OLD."id" OR NEW."thread_id" <> OLD."thread_id" OR NEW."patient_id" <> OLD."patient_id"
     OR NEW."sender_id" <> OLD."sender_id" OR NEW."document_id" IS DISTINCT FROM OLD."document_id"
     OR NEW."created_at" <> OLD."created_at" THEN
    RAISE EXCEPTION 'a message cannot be changed' USING ERRCODE = 'P0001';
  END IF;
  IF OLD."read_at" IS NOT NULL AND NEW."read_at" IS DISTINCT FROM OLD."read_at" THEN
    RAISE EXCEPTION 'a message is read once' USING ERRCODE = 'P0001';
  END IF;
  IF OLD."retracted_at" IS NOT NULL AND NEW."retracted_at" IS DISTINCT FROM OLD."retracted_at" THEN
    RAISE EXCEPTION 'a message is retracted once' USING ERRCODE = 'P0001';
  END IF;
  IF NEW."body" IS DISTINCT FROM OLD."body"
     AND NOT (OLD."retracted_at" IS NULL AND NEW."retracted_at" IS NOT NULL AND NEW."body" IS NULL)
     AND NOT (current_setting('haven.lifecycle', true) = 'reencrypt' AND NEW."body" IS NOT NULL) THEN
    RAISE EXCEPTION 'a message''s text cannot be edited; it can only be retracted' USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END;
$$;
