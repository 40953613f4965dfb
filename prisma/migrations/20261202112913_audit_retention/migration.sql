-- CreateTable
CREATE TABLE "audit_chain_anchors" (
    "id" BIGSERIAL NOT NULL,
    "pruned_through_seal" BIGINT NOT NULL,
    "anchor_hash" CHAR(64) NOT NULL,
    "rows" INTEGER NOT NULL,
    "pruned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "mac" CHAR(64) NOT NULL,

    CONSTRAINT "audit_chain_anchors_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_chain_anchors_pruned_through_seal_key" ON "audit_chain_anchors"("pruned_through_seal");

-- Hand-written SQL: what Prisma's schema cannot express.

-- Audit-log retention (lib/domain/retention/audit-log.ts). The log and its seals stay append-only
-- for every role, with one exception: inside a transaction that says SET LOCAL haven.lifecycle =
-- 'destroy' and SET LOCAL haven.audit_retention_days = N (N at least 2192 days, six years: HIPAA
-- 164.316(b)(2)), a row (or the seal of a row) that occurred more than N days ago may be deleted.
-- The retention job removes only the start of the seal chain and records an anchor below, so
-- `npm run audit:verify` checks the chain from there; a removal without an anchor is still detected.
CREATE FUNCTION "audit_retention_allows_delete"(occurred timestamptz) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  days integer;
BEGIN
  IF current_setting('haven.lifecycle', true) IS DISTINCT FROM 'destroy' THEN RETURN false; END IF;
  days := NULLIF(current_setting('haven.audit_retention_days', true), '')::integer;
  IF days IS NULL OR days < 2192 THEN
    RAISE EXCEPTION 'audit rows are kept at least 2192 days (six years); haven.audit_retention_days is %',
      coalesce(days::text, 'not set') USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN occurred IS NOT NULL AND occurred < now() - make_interval(days => days);
END $$;

CREATE FUNCTION "audit_log_guard_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND "audit_retention_allows_delete"(OLD."occurred_at") THEN RETURN OLD; END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

-- A seal is as old as the row it seals (seals are removed before their rows: the foreign key).
CREATE FUNCTION "audit_seal_guard_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND "audit_retention_allows_delete"(
       (SELECT a."occurred_at" FROM "audit_log" a WHERE a."sequence" = OLD."audit_sequence")) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

DROP TRIGGER "audit_log_no_update_or_delete" ON "audit_log";
CREATE TRIGGER "audit_log_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_guard_change"();

DROP TRIGGER "audit_seals_no_update_or_delete" ON "audit_seals";
CREATE TRIGGER "audit_seals_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit_seals"
  FOR EACH ROW EXECUTE FUNCTION "audit_seal_guard_change"();

-- The anchors are the chain's history: never changed, never removed (TRUNCATE included).
CREATE TRIGGER "audit_chain_anchors_append_only"
  BEFORE UPDATE OR DELETE ON "audit_chain_anchors"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_change"();
CREATE TRIGGER "audit_chain_anchors_no_truncate"
  BEFORE TRUNCATE ON "audit_chain_anchors"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_change"();
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_chain_anchors" FROM PUBLIC;

ALTER TABLE "audit_chain_anchors" ADD CONSTRAINT "audit_chain_anchors_rows_positive" CHECK ("rows" > 0);
