-- Sign-in tickets are gone (the sign-in steps now issue the session themselves);
-- any still unused expired within 60 seconds anyway.
DELETE FROM "auth_tokens" WHERE "purpose" = 'SIGN_IN_TICKET';

-- AlterEnum
BEGIN;
CREATE TYPE "AuthTokenPurpose_new" AS ENUM ('EMAIL_VERIFICATION', 'PASSWORD_RESET', 'DOCTOR_INVITATION', 'ACCOUNT_UNLOCK');
ALTER TABLE "auth_tokens" ALTER COLUMN "purpose" TYPE "AuthTokenPurpose_new" USING ("purpose"::text::"AuthTokenPurpose_new");
ALTER TYPE "AuthTokenPurpose" RENAME TO "AuthTokenPurpose_old";
ALTER TYPE "AuthTokenPurpose_new" RENAME TO "AuthTokenPurpose";
DROP TYPE "AuthTokenPurpose_old";
COMMIT;

-- CreateTable
CREATE TABLE "sign_in_lockouts" (
    "key" TEXT NOT NULL,
    "failed_count" INTEGER NOT NULL DEFAULT 0,
    "locked_until" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sign_in_lockouts_pkey" PRIMARY KEY ("key")
);

-- Counts and locks move from users to the per-account key (the email's blind index).
INSERT INTO "sign_in_lockouts" ("key", "failed_count", "locked_until", "updated_at")
SELECT 'account:' || "email_index", "failed_sign_in_count", "locked_until", now()
FROM "users"
WHERE "email_index" IS NOT NULL AND ("failed_sign_in_count" > 0 OR "locked_until" > now());

-- AlterTable
ALTER TABLE "users" DROP COLUMN "failed_sign_in_count",
DROP COLUMN "locked_until";
