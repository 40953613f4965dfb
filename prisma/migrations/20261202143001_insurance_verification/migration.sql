-- CreateEnum
CREATE TYPE "InsuranceCoverageStatus" AS ENUM ('ACTIVE', 'INACTIVE', 'NOT_FOUND', 'PAYER_ERROR');

-- CreateTable
CREATE TABLE "insurance_sessions" (
    "id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "public_key" TEXT NOT NULL,
    "private_key" TEXT NOT NULL,
    "client_address" TEXT,
    "client_address_index" TEXT,
    "verification_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "insurance_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "insurance_payloads_seen" (
    "session_id" UUID NOT NULL,
    "digest" TEXT NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "insurance_payloads_seen_pkey" PRIMARY KEY ("session_id","digest")
);

-- CreateTable
CREATE TABLE "insurance_verifications" (
    "id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "session_id" UUID,
    "reference_number" TEXT NOT NULL,
    "status" "InsuranceCoverageStatus" NOT NULL,
    "consent_given" BOOLEAN NOT NULL,
    "request" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "insurance_verifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "insurance_sessions_patient_id_idx" ON "insurance_sessions"("patient_id");

-- CreateIndex
CREATE INDEX "insurance_sessions_client_address_index_expires_at_idx" ON "insurance_sessions"("client_address_index", "expires_at");

-- CreateIndex
CREATE INDEX "insurance_sessions_expires_at_idx" ON "insurance_sessions"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "insurance_verifications_reference_number_key" ON "insurance_verifications"("reference_number");

-- CreateIndex
CREATE INDEX "insurance_verifications_patient_id_created_at_idx" ON "insurance_verifications"("patient_id", "created_at");

-- AddForeignKey
ALTER TABLE "insurance_sessions" ADD CONSTRAINT "insurance_sessions_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "insurance_payloads_seen" ADD CONSTRAINT "insurance_payloads_seen_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "insurance_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "insurance_verifications" ADD CONSTRAINT "insurance_verifications_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "insurance_verifications" ADD CONSTRAINT "insurance_verifications_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "insurance_sessions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-written: a check is stored only with the patient's agreement for it, and a session's
-- key pair never outlives half a day whatever the configuration says.
ALTER TABLE "insurance_verifications" ADD CONSTRAINT "insurance_verifications_consent_given_check" CHECK ("consent_given");
ALTER TABLE "insurance_sessions" ADD CONSTRAINT "insurance_sessions_lifetime_check" CHECK ("expires_at" > "created_at" AND "expires_at" <= "created_at" + interval '12 hours');
