-- CreateEnum
CREATE TYPE "NoteStatus" AS ENUM ('DRAFT', 'SIGNED');

-- AlterTable
ALTER TABLE "appointments" ADD COLUMN     "confirmed_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "clinical_notes" (
    "id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "author_id" UUID NOT NULL,
    "appointment_id" UUID,
    "status" "NoteStatus" NOT NULL DEFAULT 'DRAFT',
    "subjective" TEXT NOT NULL DEFAULT '',
    "objective" TEXT NOT NULL DEFAULT '',
    "assessment" TEXT NOT NULL DEFAULT '',
    "plan" TEXT NOT NULL DEFAULT '',
    "signed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "clinical_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "note_amendments" (
    "id" UUID NOT NULL,
    "note_id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "author_id" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "note_amendments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "clinical_notes_patient_id_created_at_idx" ON "clinical_notes"("patient_id", "created_at");

-- CreateIndex
CREATE INDEX "clinical_notes_author_id_idx" ON "clinical_notes"("author_id");

-- CreateIndex
CREATE INDEX "note_amendments_note_id_created_at_idx" ON "note_amendments"("note_id", "created_at");

-- AddForeignKey
ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_appointment_id_fkey" FOREIGN KEY ("appointment_id") REFERENCES "appointments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "note_amendments" ADD CONSTRAINT "note_amendments_note_id_fkey" FOREIGN KEY ("note_id") REFERENCES "clinical_notes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "note_amendments" ADD CONSTRAINT "note_amendments_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written SQL: what Prisma's schema cannot express.

-- When each existing visit was confirmed: from its audit row, else (for statuses that
-- can only follow a confirmation) its creation. A visit cancelled with no record of a
-- confirmation stays NULL: it never made its doctor a treating doctor.
UPDATE "appointments" a
   SET "confirmed_at" = COALESCE(
         (SELECT min(l."occurred_at") FROM "audit_log" l
           WHERE l."resource_type" = 'Appointment' AND l."resource_id" = a."id"::text
             AND l."action" = 'appointment.confirmed'),
         CASE WHEN a."status" IN ('CONFIRMED', 'IN_PROGRESS', 'COMPLETED', 'NO_SHOW') THEN a."created_at" END);

ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_signed_has_time"
  CHECK (("status" = 'SIGNED') = ("signed_at" IS NOT NULL));

-- A signed note never changes and is never deleted; amendments neither. This holds for
-- every role, whatever the application does.
CREATE FUNCTION "refuse_signed_note_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status" = 'SIGNED' THEN
    RAISE EXCEPTION 'clinical note % is signed and cannot be changed; append an amendment', OLD."id"
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "clinical_notes_signed_immutable"
  BEFORE UPDATE OR DELETE ON "clinical_notes"
  FOR EACH ROW EXECUTE FUNCTION "refuse_signed_note_change"();

CREATE FUNCTION "refuse_amendment_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'note amendment % cannot be changed or deleted', OLD."id"
    USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER "note_amendments_append_only"
  BEFORE UPDATE OR DELETE ON "note_amendments"
  FOR EACH ROW EXECUTE FUNCTION "refuse_amendment_change"();
