-- CreateEnum
CREATE TYPE "DocumentScanStatus" AS ENUM ('PENDING', 'CLEAN', 'NOT_SCANNED');

-- CreateEnum
CREATE TYPE "DeviceKind" AS ENUM ('SMARTWATCH', 'FITNESS_TRACKER', 'BLOOD_PRESSURE_MONITOR', 'GLUCOSE_METER', 'SCALE', 'OTHER');

-- CreateEnum
CREATE TYPE "ReadingMetric" AS ENUM ('HEART_RATE', 'BLOOD_PRESSURE', 'BLOOD_GLUCOSE', 'WEIGHT', 'STEPS');

-- AlterTable
ALTER TABLE "doctor_profiles" ADD COLUMN     "license_number" TEXT;

-- AlterTable
ALTER TABLE "patient_profiles" DROP COLUMN "current_medications",
ADD COLUMN     "country" TEXT;

-- CreateTable
CREATE TABLE "prescriptions" (
    "id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "doctor_id" UUID NOT NULL,
    "appointment_id" UUID,
    "verification_code" TEXT NOT NULL,
    "signed_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "prescriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prescription_items" (
    "id" UUID NOT NULL,
    "prescription_id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "medicine" TEXT NOT NULL,
    "strength" TEXT NOT NULL,
    "form" TEXT NOT NULL,
    "dose" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "frequency" TEXT NOT NULL,
    "duration" TEXT NOT NULL,
    "quantity" TEXT NOT NULL,
    "refills" INTEGER NOT NULL DEFAULT 0,
    "instructions" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "prescription_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "medications" (
    "id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "dosage" TEXT NOT NULL,
    "started_on" TEXT,
    "stopped_on" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "medications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "documents" (
    "id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "uploaded_by_id" UUID NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "storage_key" TEXT NOT NULL,
    "file_key" TEXT NOT NULL,
    "scan_status" "DocumentScanStatus" NOT NULL,
    "scanned_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "documents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "devices" (
    "id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "kind" "DeviceKind" NOT NULL,
    "vendor" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "devices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "readings" (
    "id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "device_id" UUID NOT NULL,
    "metric" "ReadingMetric" NOT NULL,
    "value" TEXT NOT NULL,
    "measured_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "readings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "emergency_events" (
    "id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "country" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by_id" UUID,

    CONSTRAINT "emergency_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "prescriptions_verification_code_key" ON "prescriptions"("verification_code");

-- CreateIndex
CREATE INDEX "prescriptions_patient_id_signed_at_idx" ON "prescriptions"("patient_id", "signed_at");

-- CreateIndex
CREATE INDEX "prescriptions_doctor_id_idx" ON "prescriptions"("doctor_id");

-- CreateIndex
CREATE UNIQUE INDEX "prescription_items_prescription_id_position_key" ON "prescription_items"("prescription_id", "position");

-- CreateIndex
CREATE INDEX "medications_patient_id_idx" ON "medications"("patient_id");

-- CreateIndex
CREATE UNIQUE INDEX "documents_storage_key_key" ON "documents"("storage_key");

-- CreateIndex
CREATE INDEX "documents_patient_id_created_at_idx" ON "documents"("patient_id", "created_at");

-- CreateIndex
CREATE INDEX "documents_scan_status_idx" ON "documents"("scan_status");

-- CreateIndex
CREATE INDEX "devices_patient_id_idx" ON "devices"("patient_id");

-- CreateIndex
CREATE INDEX "readings_patient_id_metric_measured_at_idx" ON "readings"("patient_id", "metric", "measured_at");

-- CreateIndex
CREATE INDEX "readings_device_id_idx" ON "readings"("device_id");

-- CreateIndex
CREATE INDEX "emergency_events_patient_id_created_at_idx" ON "emergency_events"("patient_id", "created_at");

-- AddForeignKey
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_doctor_id_fkey" FOREIGN KEY ("doctor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_appointment_id_fkey" FOREIGN KEY ("appointment_id") REFERENCES "appointments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prescription_items" ADD CONSTRAINT "prescription_items_prescription_id_fkey" FOREIGN KEY ("prescription_id") REFERENCES "prescriptions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "medications" ADD CONSTRAINT "medications_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "documents" ADD CONSTRAINT "documents_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "documents" ADD CONSTRAINT "documents_uploaded_by_id_fkey" FOREIGN KEY ("uploaded_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "readings" ADD CONSTRAINT "readings_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "readings" ADD CONSTRAINT "readings_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "emergency_events" ADD CONSTRAINT "emergency_events_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written SQL: what Prisma's schema cannot express.

-- A prescription is issued signed and never changes afterwards, nor do its items; this holds
-- for every role, whatever the application does. (Key rotation re-wraps data keys, never values.)
CREATE FUNCTION "refuse_prescription_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% % is signed and cannot be changed or deleted', TG_TABLE_NAME, OLD."id"
    USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER "prescriptions_immutable"
  BEFORE UPDATE OR DELETE ON "prescriptions"
  FOR EACH ROW EXECUTE FUNCTION "refuse_prescription_change"();

CREATE TRIGGER "prescription_items_immutable"
  BEFORE UPDATE OR DELETE ON "prescription_items"
  FOR EACH ROW EXECUTE FUNCTION "refuse_prescription_change"();

ALTER TABLE "prescription_items" ADD CONSTRAINT "prescription_items_refills_range"
  CHECK ("refills" BETWEEN 0 AND 12 AND "position" >= 1);
ALTER TABLE "documents" ADD CONSTRAINT "documents_size_range"
  CHECK ("size_bytes" > 0 AND "size_bytes" <= 10485760);
ALTER TABLE "documents" ADD CONSTRAINT "documents_content_type"
  CHECK ("content_type" IN ('application/pdf', 'image/jpeg', 'image/png'));
