-- Hand-written SQL: what Prisma's schema cannot express.

-- current_setting('haven.lifecycle', true) is NULL on a connection that never set it, and
-- NOT (NULL AND …) is NULL, so the previous version let a message's text be edited outside any
-- lifecycle transaction. Every lifecycle test now compares a non-null value.
CREATE OR REPLACE FUNCTION "guard_message_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  lifecycle text := coalesce(current_setting('haven.lifecycle', true), '');
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF lifecycle = 'destroy' THEN RETURN OLD; END IF;
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
     AND NOT (lifecycle = 'reencrypt' AND NEW."body" IS NOT NULL) THEN
    RAISE EXCEPTION 'a message''s text cannot be edited; it can only be retracted' USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END;
$$;
