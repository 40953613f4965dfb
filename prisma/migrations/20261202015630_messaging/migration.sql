-- CreateTable
CREATE TABLE "message_threads" (
    "id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "doctor_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_message_at" TIMESTAMPTZ(3),

    CONSTRAINT "message_threads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "messages" (
    "id" UUID NOT NULL,
    "thread_id" UUID NOT NULL,
    "patient_id" UUID NOT NULL,
    "sender_id" UUID NOT NULL,
    "body" TEXT,
    "document_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),
    "retracted_at" TIMESTAMPTZ(3),

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "realtime_events" (
    "id" BIGSERIAL NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "realtime_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "realtime_connections" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "instance_id" TEXT NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "beat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "realtime_connections_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "message_threads_doctor_id_last_message_at_idx" ON "message_threads"("doctor_id", "last_message_at");

-- CreateIndex
CREATE UNIQUE INDEX "message_threads_patient_id_doctor_id_key" ON "message_threads"("patient_id", "doctor_id");

-- CreateIndex
CREATE INDEX "messages_thread_id_created_at_idx" ON "messages"("thread_id", "created_at");

-- CreateIndex
CREATE INDEX "messages_thread_id_sender_id_read_at_idx" ON "messages"("thread_id", "sender_id", "read_at");

-- CreateIndex
CREATE INDEX "realtime_events_user_id_id_idx" ON "realtime_events"("user_id", "id");

-- CreateIndex
CREATE INDEX "realtime_events_created_at_idx" ON "realtime_events"("created_at");

-- CreateIndex
CREATE INDEX "realtime_connections_user_id_beat_at_idx" ON "realtime_connections"("user_id", "beat_at");

-- AddForeignKey
ALTER TABLE "message_threads" ADD CONSTRAINT "message_threads_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message_threads" ADD CONSTRAINT "message_threads_doctor_id_fkey" FOREIGN KEY ("doctor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "messages" ADD CONSTRAINT "messages_thread_id_fkey" FOREIGN KEY ("thread_id") REFERENCES "message_threads"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "messages" ADD CONSTRAINT "messages_sender_id_fkey" FOREIGN KEY ("sender_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "messages" ADD CONSTRAINT "messages_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "documents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written SQL: what Prisma's schema cannot express.

-- A message is part of the clinical record: it is never deleted, its text never
-- changes except that retraction removes it (once), and reading is recorded once.
ALTER TABLE "messages" ADD CONSTRAINT "messages_retracted_has_no_body"
  CHECK ("retracted_at" IS NULL OR "body" IS NULL);

CREATE FUNCTION "guard_message_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
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
     AND NOT (OLD."retracted_at" IS NULL AND NEW."retracted_at" IS NOT NULL AND NEW."body" IS NULL) THEN
    RAISE EXCEPTION 'a message''s text cannot be edited; it can only be retracted' USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "messages_guarded"
  BEFORE UPDATE OR DELETE ON "messages"
  FOR EACH ROW EXECUTE FUNCTION "guard_message_change"();
