-- Hand-written: emails become ciphertext with a blind index. SQL cannot encrypt
-- (the keys never reach the database), and before this migration Haven had no
-- release, so only development demo accounts can exist: remove them (npm run dev
-- seeds them again, encrypted) and refuse to touch any other row.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM "users" WHERE "email" NOT LIKE '%@demo.haven.local') THEN
    RAISE EXCEPTION 'users holds non-demo accounts with plaintext email; encrypt them before applying this migration';
  END IF;
END $$;
DELETE FROM "doctor_profiles";
DELETE FROM "users";

-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('SUCCESS', 'FAILURE', 'DENIED');

-- DropIndex
DROP INDEX "users_email_key";

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "email_index" TEXT;

-- CreateTable
CREATE TABLE "patient_profiles" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "full_name" TEXT NOT NULL,
    "date_of_birth" TEXT,
    "phone" TEXT,
    "phone_index" TEXT,
    "address" TEXT,
    "medical_history" TEXT,
    "allergies" TEXT,
    "current_medications" TEXT,
    "emergency_contact" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "patient_profiles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "sequence" BIGINT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "actor_id" UUID,
    "actor_role" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resource_type" TEXT NOT NULL,
    "resource_id" TEXT,
    "outcome" "AuditOutcome" NOT NULL,
    "request_id" TEXT,
    "ip" TEXT,
    "user_agent" TEXT,
    "details" JSONB,
    "prev_hash" CHAR(64) NOT NULL,
    "hash" CHAR(64) NOT NULL,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("sequence")
);

-- CreateIndex
CREATE UNIQUE INDEX "patient_profiles_user_id_key" ON "patient_profiles"("user_id");

-- CreateIndex
CREATE INDEX "patient_profiles_phone_index_idx" ON "patient_profiles"("phone_index");

-- CreateIndex
CREATE UNIQUE INDEX "audit_log_hash_key" ON "audit_log"("hash");

-- CreateIndex
CREATE INDEX "audit_log_actor_id_occurred_at_idx" ON "audit_log"("actor_id", "occurred_at");

-- CreateIndex
CREATE INDEX "audit_log_resource_type_resource_id_idx" ON "audit_log"("resource_type", "resource_id");

-- CreateIndex
CREATE INDEX "audit_log_occurred_at_idx" ON "audit_log"("occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_index_key" ON "users"("email_index");

-- AddForeignKey
ALTER TABLE "patient_profiles" ADD CONSTRAINT "patient_profiles_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: the data layer writes email_index with every email; Prisma's
-- types leave it optional so callers never have to compute it.
ALTER TABLE "users" ADD CONSTRAINT "users_email_index_present" CHECK ("email_index" IS NOT NULL);

-- Hand-written: the database extends the audit hash chain itself. A BEFORE
-- INSERT trigger takes a transaction-scoped lock (so concurrent writers append
-- in turn and never fork the chain), numbers the row, stamps the time and sets
-- hash = SHA-256(prev_hash || canonical row). Writers cannot choose these values.
-- The canonical row is each field's text, length-prefixed in UTF-8 bytes ("-" for
-- NULL), joined by "|"; lib/audit/chain.ts rebuilds it to verify.
CREATE FUNCTION "audit_log_field"(value text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN value IS NULL THEN '-' ELSE octet_length(value)::text || ':' || value END
$$;

CREATE FUNCTION "audit_log_canonical"(r "audit_log") RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT concat_ws('|',
    audit_log_field(r.sequence::text),
    audit_log_field(to_char(r.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    audit_log_field(r.actor_id::text),
    audit_log_field(r.actor_role),
    audit_log_field(r.action),
    audit_log_field(r.resource_type),
    audit_log_field(r.resource_id),
    audit_log_field(r.outcome::text),
    audit_log_field(r.request_id),
    audit_log_field(r.ip),
    audit_log_field(r.user_agent),
    audit_log_field(r.details::text))
$$;

CREATE FUNCTION "audit_log_chain"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  head RECORD;
BEGIN
  PERFORM pg_advisory_xact_lock(7244913551);
  SELECT "sequence", "hash" INTO head FROM "audit_log" ORDER BY "sequence" DESC LIMIT 1;
  NEW."sequence" := COALESCE(head."sequence", 0) + 1;
  NEW."occurred_at" := date_trunc('milliseconds', clock_timestamp());
  NEW."prev_hash" := COALESCE(head."hash", repeat('0', 64));
  NEW."hash" := encode(sha256(convert_to(NEW."prev_hash" || audit_log_canonical(NEW), 'UTF8')), 'hex');
  RETURN NEW;
END;
$$;

CREATE TRIGGER "audit_log_chain"
  BEFORE INSERT ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_chain"();

-- Hand-written: the audit trail is append-only for every role, the owner included.
CREATE FUNCTION "audit_log_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_log_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_change"();

CREATE TRIGGER "audit_log_no_truncate"
  BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_change"();

REVOKE UPDATE, DELETE, TRUNCATE ON "audit_log" FROM PUBLIC;
