-- AlterTable
ALTER TABLE "prescriptions" ADD COLUMN     "submission_id" UUID;

-- CreateIndex
CREATE UNIQUE INDEX "prescriptions_submission_id_key" ON "prescriptions"("submission_id");
