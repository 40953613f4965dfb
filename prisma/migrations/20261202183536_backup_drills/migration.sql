-- CreateEnum
CREATE TYPE "BackupDrillOutcome" AS ENUM ('RUNNING', 'PASSED', 'FAILED');

-- CreateTable
CREATE TABLE "backup_drills" (
    "id" UUID NOT NULL,
    "backup_id" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "outcome" "BackupDrillOutcome" NOT NULL DEFAULT 'RUNNING',
    "tables_checked" INTEGER NOT NULL DEFAULT 0,
    "rows_checked" BIGINT NOT NULL DEFAULT 0,
    "audit_seals" INTEGER NOT NULL DEFAULT 0,
    "phi_fields_read" INTEGER NOT NULL DEFAULT 0,
    "failure_reason" TEXT,
    "duration_ms" INTEGER,

    CONSTRAINT "backup_drills_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "backup_drills_started_at_idx" ON "backup_drills"("started_at");
