-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('OPEN', 'ACKNOWLEDGED', 'CLOSED');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('LOW', 'MEDIUM', 'HIGH');

-- CreateEnum
CREATE TYPE "IncidentStatus" AS ENUM ('OPEN', 'CONTAINED', 'CLOSED');

-- CreateEnum
CREATE TYPE "BreakGlassReview" AS ENUM ('APPROPRIATE', 'INAPPROPRIATE');

-- CreateEnum
CREATE TYPE "AccessDecision" AS ENUM ('KEEP', 'REVOKE');

-- AlterTable
ALTER TABLE "audit_log" ADD COLUMN     "subject_id" UUID;

-- CreateTable
CREATE TABLE "security_alerts" (
    "id" UUID NOT NULL,
    "rule" TEXT NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "status" "AlertStatus" NOT NULL DEFAULT 'OPEN',
    "dedupe_key" TEXT NOT NULL,
    "actor_id" UUID,
    "details" JSONB NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "match_count" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_by_id" UUID,
    "acknowledged_at" TIMESTAMPTZ(3),
    "incident_id" UUID,

    CONSTRAINT "security_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "security_monitor_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "last_seal_sequence" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "security_monitor_state_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incidents" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "status" "IncidentStatus" NOT NULL DEFAULT 'OPEN',
    "discovered_at" TIMESTAMPTZ(3) NOT NULL,
    "opened_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incident_entries" (
    "id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "author_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "incident_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "break_glass_grants" (
    "id" UUID NOT NULL,
    "doctor_id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "granted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "reviewed_by_id" UUID,
    "reviewed_at" TIMESTAMPTZ(3),
    "review" "BreakGlassReview",
    "review_note" TEXT,

    CONSTRAINT "break_glass_grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mfa_resets" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "reset_by_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mfa_resets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_reviews" (
    "id" UUID NOT NULL,
    "period" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "started_by_id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_by_id" UUID,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "access_reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_review_entries" (
    "id" UUID NOT NULL,
    "review_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "status" "UserStatus" NOT NULL,
    "last_activity_at" TIMESTAMPTZ(3),
    "patients_accessed" INTEGER NOT NULL,
    "decision" "AccessDecision",
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "access_review_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "security_alerts_dedupe_key_key" ON "security_alerts"("dedupe_key");

-- CreateIndex
CREATE INDEX "security_alerts_status_created_at_idx" ON "security_alerts"("status", "created_at");

-- CreateIndex
CREATE INDEX "incidents_status_discovered_at_idx" ON "incidents"("status", "discovered_at");

-- CreateIndex
CREATE INDEX "incident_entries_incident_id_created_at_idx" ON "incident_entries"("incident_id", "created_at");

-- CreateIndex
CREATE INDEX "break_glass_grants_doctor_id_patient_id_expires_at_idx" ON "break_glass_grants"("doctor_id", "patient_id", "expires_at");

-- CreateIndex
CREATE INDEX "break_glass_grants_reviewed_at_granted_at_idx" ON "break_glass_grants"("reviewed_at", "granted_at");

-- CreateIndex
CREATE INDEX "mfa_resets_user_id_created_at_idx" ON "mfa_resets"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "access_reviews_period_key" ON "access_reviews"("period");

-- CreateIndex
CREATE UNIQUE INDEX "access_review_entries_review_id_user_id_key" ON "access_review_entries"("review_id", "user_id");

-- CreateIndex
CREATE INDEX "audit_log_subject_id_sequence_idx" ON "audit_log"("subject_id", "sequence");

-- CreateIndex
CREATE INDEX "audit_log_actor_id_sequence_idx" ON "audit_log"("actor_id", "sequence");

-- CreateIndex
CREATE INDEX "audit_log_action_sequence_idx" ON "audit_log"("action", "sequence");

-- CreateIndex
CREATE INDEX "audit_log_outcome_sequence_idx" ON "audit_log"("outcome", "sequence");

-- AddForeignKey
ALTER TABLE "security_alerts" ADD CONSTRAINT "security_alerts_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_entries" ADD CONSTRAINT "incident_entries_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_review_entries" ADD CONSTRAINT "access_review_entries_review_id_fkey" FOREIGN KEY ("review_id") REFERENCES "access_reviews"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (Prisma does not model these).

-- An incident's record is appended, never edited or removed (the generic refusal from the audit sealer migration).
CREATE TRIGGER "incident_entries_append_only"
  BEFORE UPDATE OR DELETE ON "incident_entries"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_change"();

ALTER TABLE "security_alerts" ADD CONSTRAINT "security_alerts_rule_check"
  CHECK ("rule" IN ('failed-sign-ins', 'chart-read-burst', 'after-hours-access', 'bulk-export', 'break-glass'));
ALTER TABLE "incident_entries" ADD CONSTRAINT "incident_entries_kind_check"
  CHECK ("kind" IN ('ASSESSMENT', 'ACTION', 'STATUS'));
ALTER TABLE "break_glass_grants" ADD CONSTRAINT "break_glass_grants_window_check"
  CHECK ("expires_at" > "granted_at" AND "expires_at" <= "granted_at" + interval '1 hour');
ALTER TABLE "break_glass_grants" ADD CONSTRAINT "break_glass_grants_review_check"
  CHECK (("reviewed_at" IS NULL) = ("review" IS NULL) AND ("reviewed_at" IS NULL) = ("reviewed_by_id" IS NULL));

-- The monitor starts at the chain's head: history before this release raises no alerts.
INSERT INTO "security_monitor_state" ("id", "last_seal_sequence")
  SELECT 1, COALESCE(max("seal_sequence"), 0) FROM "audit_seals";
