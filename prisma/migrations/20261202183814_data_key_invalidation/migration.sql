-- Hand-written SQL: what Prisma's schema cannot express.
-- Every instance caches unwrapped data keys (lib/db/data-keys.ts). When a key is deleted
-- (crypto-shredding: an erasure on any instance, a script, an operator), each instance must
-- forget it at once: the deleted key's id is NOTIFYed, delivered when the deletion commits
-- (never for a rollback), and every instance LISTENs (lib/db/data-key-invalidation.ts).
-- Only ids travel: the key material never leaves the row.
CREATE FUNCTION "notify_data_key_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('haven_data_keys', OLD.id::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "data_keys_deleted"
  AFTER DELETE ON "data_keys"
  FOR EACH ROW EXECUTE FUNCTION "notify_data_key_deleted"();
