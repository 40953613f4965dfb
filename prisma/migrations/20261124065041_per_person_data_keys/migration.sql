-- CreateTable
CREATE TABLE "data_keys" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "wrapped_key" TEXT NOT NULL,
    "ring_key_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "data_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "data_keys_owner_id_key" ON "data_keys"("owner_id");

-- CreateIndex
CREATE INDEX "data_keys_ring_key_id_idx" ON "data_keys"("ring_key_id");

-- AddForeignKey
ALTER TABLE "data_keys" ADD CONSTRAINT "data_keys_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: a new person's data key is created while their first PHI is
-- encrypted, before the user row exists in the same transaction; the reference
-- is checked at commit.
ALTER TABLE "data_keys" ALTER CONSTRAINT "data_keys_owner_id_fkey" DEFERRABLE INITIALLY DEFERRED;
