-- CreateTable
CREATE TABLE "video_joins" (
    "id" UUID NOT NULL,
    "appointment_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "left_at" TIMESTAMPTZ(3),

    CONSTRAINT "video_joins_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "video_signals" (
    "id" BIGSERIAL NOT NULL,
    "appointment_id" UUID NOT NULL,
    "sender_id" UUID NOT NULL,
    "recipient_id" UUID NOT NULL,
    "session" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "video_signals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "video_joins_appointment_id_user_id_joined_at_idx" ON "video_joins"("appointment_id", "user_id", "joined_at");

-- CreateIndex
CREATE INDEX "video_signals_appointment_id_recipient_id_id_idx" ON "video_signals"("appointment_id", "recipient_id", "id");

-- CreateIndex
CREATE INDEX "video_signals_created_at_idx" ON "video_signals"("created_at");

-- AddForeignKey
ALTER TABLE "video_joins" ADD CONSTRAINT "video_joins_appointment_id_fkey" FOREIGN KEY ("appointment_id") REFERENCES "appointments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "video_signals" ADD CONSTRAINT "video_signals_appointment_id_fkey" FOREIGN KEY ("appointment_id") REFERENCES "appointments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: only the four signal kinds the room speaks.
ALTER TABLE "video_signals" ADD CONSTRAINT "video_signals_kind_check"
  CHECK ("kind" IN ('hello', 'description', 'candidate', 'bye'));
