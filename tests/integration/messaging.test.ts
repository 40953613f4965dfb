// Secure messaging against a real PostgreSQL: threads only between a patient and a
// doctor who share a confirmed visit; text stored encrypted; every read audited;
// retries are idempotent; retraction within 5 minutes; triggers keep messages
// immutable; everyone else gets an audited 404.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/client";
import { markThreadRead } from "@/lib/domain/messaging/mark-read";
import { openThread } from "@/lib/domain/messaging/open-thread";
import { inboxOf, messagingPartnersOf, threadViewOf, unreadTotalOf } from "@/lib/domain/messaging/queries";
import { retractMessage } from "@/lib/domain/messaging/retract-message";
import { MAX_MESSAGE_LENGTH } from "@/lib/domain/messaging/schemas";
import { sendMessage } from "@/lib/domain/messaging/send-message";
import { uploadDocument } from "@/lib/domain/documents/upload-document";
import { resetEnvCache } from "@/lib/env";
import { isZodError } from "@/lib/http/errors";
import { stopQueue } from "@/lib/jobs/queue";
import { findFreePort } from "@/scripts/lib/free-port";
import { demoPdf } from "@/prisma/demo-pdf";
import { appErrorOf, asActor } from "../support/actors";
import { careVisit, denialsOf, person } from "../support/care";
import { runSql } from "../support/database";

const databaseUrl = process.env.DATABASE_URL!;
const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  runSql<T>(databaseUrl, text, params);

afterAll(async () => {
  await stopQueue();
  await disconnectDb();
});

/** A patient and a doctor with a completed visit, and their thread. */
async function pair() {
  const patient = await person("PATIENT", "Ilse Marchetti");
  const doctor = await person("DOCTOR");
  await careVisit(doctor.id, patient.id, "COMPLETED");
  const threadId = await asActor(patient.actor, () => openThread(patient.actor, doctor.id));
  return { patient, doctor, threadId };
}

const send = (who: Awaited<ReturnType<typeof person>>, threadId: string, body: string, id = randomUUID()) =>
  asActor(who.actor, () => sendMessage(who.actor, threadId, { id, body }));

describe("threads", () => {
  it("opens one thread per pair, from either side, only after a confirmed visit", async () => {
    const { patient, doctor, threadId } = await pair();
    expect(await asActor(doctor.actor, () => openThread(doctor.actor, patient.id))).toBe(threadId);
    expect(await asActor(patient.actor, () => openThread(patient.actor, doctor.id))).toBe(threadId);
    const partners = await asActor(patient.actor, () => messagingPartnersOf(patient.actor));
    expect(partners).toHaveLength(1);
    expect(partners[0]).toMatchObject({ counterpart: { id: doctor.id, role: "DOCTOR" }, threadId });
  });

  it("refuses a pair without a confirmed visit (a hold, a never-confirmed cancellation, nothing) with an audited 404", async () => {
    const patient = await person("PATIENT");
    const doctor = await person("DOCTOR");
    await careVisit(doctor.id, patient.id, "HELD", false);
    await careVisit(doctor.id, patient.id, "CANCELLED", false);
    const before = await denialsOf(doctor.id);
    const error = await appErrorOf(asActor(patient.actor, () => openThread(patient.actor, doctor.id)));
    expect(error.code).toBe("NOT_FOUND");
    expect(await denialsOf(doctor.id)).toBe(before + 1);
    const fromDoctor = await appErrorOf(asActor(doctor.actor, () => openThread(doctor.actor, patient.id)));
    expect(fromDoctor.code).toBe("NOT_FOUND");
    const admin = await person("ADMIN");
    expect((await appErrorOf(asActor(admin.actor, () => openThread(admin.actor, doctor.id)))).code).toBe(
      "NOT_FOUND",
    );
    expect(await sql("SELECT 1 FROM message_threads WHERE patient_id = $1", [patient.id])).toHaveLength(0);
  });
});

describe("messages", () => {
  it("stores the text encrypted, audits the write and each read, and shows it to both parties", async () => {
    const { patient, doctor, threadId } = await pair();
    const text = "Rash spreading on my left forearm since Tuesday";
    const { message, created } = await send(patient, threadId, text);
    expect(created).toBe(true);
    expect(message).toMatchObject({ body: text, mine: true, readAt: null, retractedAt: null });

    const [raw] = await sql<{ body: string }>("SELECT body FROM messages WHERE id = $1", [message.id]);
    expect(raw!.body.startsWith("v2:")).toBe(true);
    expect(raw!.body).not.toContain("forearm");
    const dump = await sql<{ row: string }>(
      "SELECT row_to_json(m)::text AS row FROM messages m WHERE thread_id = $1",
      [threadId],
    );
    expect(dump.map((row) => row.row).join("")).not.toContain("Rash");

    const view = await asActor(doctor.actor, () => threadViewOf(doctor.actor, threadId));
    expect(view.messages.map((m) => [m.body, m.mine])).toEqual([[text, false]]);
    expect(view.counterpart).toMatchObject({ id: patient.id, name: "Ilse Marchetti", role: "PATIENT" });
    const audit = await sql<{ action: string; actor_id: string }>(
      "SELECT action, actor_id FROM audit_log WHERE resource_id = $1 ORDER BY occurred_at",
      [message.id],
    );
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining(["phi.create", "message.sent", "phi.read"]),
    );
    const viewed = await sql(
      "SELECT 1 FROM audit_log WHERE action = 'messages.thread.viewed' AND resource_id = $1 AND actor_id = $2",
      [threadId, doctor.id],
    );
    expect(viewed).toHaveLength(1);
    // The events stored for replay name ids only.
    const events = await sql<{ user_id: string; name: string; data: unknown }>(
      "SELECT user_id, name, data FROM realtime_events WHERE data->>'messageId' = $1 ORDER BY id",
      [message.id],
    );
    expect(events.map((event) => event.user_id).sort()).toEqual([doctor.id, patient.id].sort());
    expect(JSON.stringify(events)).not.toContain("forearm");
  });

  it("treats a repeated id as the same message, and refuses an id used elsewhere", async () => {
    const { patient, doctor, threadId } = await pair();
    const id = randomUUID();
    await send(patient, threadId, "First try", id);
    const again = await send(patient, threadId, "First try", id);
    expect(again.created).toBe(false);
    expect(await sql("SELECT 1 FROM messages WHERE thread_id = $1", [threadId])).toHaveLength(1);
    expect((await appErrorOf(send(doctor, threadId, "mine now", id))).code).toBe("CONFLICT");
  });

  it("refuses empty and over-long messages with a specific error, storing nothing", async () => {
    const { patient, threadId } = await pair();
    const tooLong = "x".repeat(MAX_MESSAGE_LENGTH + 1);
    const error = await send(patient, threadId, tooLong).catch((e: unknown) => e);
    expect(isZodError(error)).toBe(true);
    expect(JSON.stringify((error as { issues: unknown }).issues)).toContain(
      "at most 4,000 characters; this one is 4,001",
    );
    expect(isZodError(await send(patient, threadId, "   \n ").catch((e: unknown) => e))).toBe(true);
    expect(await sql("SELECT 1 FROM messages WHERE thread_id = $1", [threadId])).toHaveLength(0);
  });

  it("gives another patient, a doctor without a visit and an admin the same audited 404", async () => {
    const { patient, threadId } = await pair();
    const { message } = await send(patient, threadId, "private");
    const strangers = [await person("PATIENT"), await person("DOCTOR"), await person("ADMIN")];
    for (const stranger of strangers) {
      const before = await denialsOf(threadId);
      expect(
        (await appErrorOf(asActor(stranger.actor, () => threadViewOf(stranger.actor, threadId)))).code,
      ).toBe("NOT_FOUND");
      expect((await appErrorOf(send(stranger, threadId, "hi"))).code).toBe("NOT_FOUND");
      expect(
        (
          await appErrorOf(
            asActor(stranger.actor, () => markThreadRead(stranger.actor, threadId, message.id)),
          )
        ).code,
      ).toBe("NOT_FOUND");
      expect(await denialsOf(threadId)).toBe(before + 3);
      expect(
        (await appErrorOf(asActor(stranger.actor, () => retractMessage(stranger.actor, message.id)))).code,
      ).toBe("NOT_FOUND");
    }
    const missing = randomUUID();
    expect((await appErrorOf(asActor(patient.actor, () => threadViewOf(patient.actor, missing)))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("counts unread messages per thread and marks them read up to a message", async () => {
    const { patient, doctor, threadId } = await pair();
    const first = await send(doctor, threadId, "Results are in");
    await send(doctor, threadId, "Please book a follow-up");
    await send(patient, threadId, "Thanks");
    const inbox = await asActor(patient.actor, () => inboxOf(patient.actor));
    expect(inbox.threads.find((thread) => thread.id === threadId)?.unread).toBe(2);
    expect(await asActor(patient.actor, () => unreadTotalOf(patient.actor))).toBe(2);
    expect((await asActor(doctor.actor, () => inboxOf(doctor.actor))).unreadTotal).toBe(1);

    const { marked } = await asActor(patient.actor, () =>
      markThreadRead(patient.actor, threadId, first.message.id),
    );
    expect(marked).toBe(1);
    expect(await asActor(patient.actor, () => unreadTotalOf(patient.actor))).toBe(1);
    const view = await asActor(doctor.actor, () => threadViewOf(doctor.actor, threadId));
    expect(view.messages.map((m) => m.readAt !== null)).toEqual([true, false, false]);
  });

  it("pages backwards and forwards by message", async () => {
    const { patient, doctor, threadId } = await pair();
    const ids: string[] = [];
    // Both write (each sender's limit is 30 messages in 5 minutes).
    for (let index = 0; index < 53; index += 1) {
      ids.push((await send(index % 2 ? doctor : patient, threadId, `note ${index}`)).message.id);
    }
    const latest = await asActor(doctor.actor, () => threadViewOf(doctor.actor, threadId));
    expect(latest.messages).toHaveLength(50);
    expect(latest.hasEarlier).toBe(true);
    expect(latest.messages.at(-1)!.id).toBe(ids[52]);
    const earlier = await asActor(doctor.actor, () =>
      threadViewOf(doctor.actor, threadId, { before: latest.messages[0]!.id }),
    );
    expect(earlier.messages.map((m) => m.id)).toEqual(ids.slice(0, 3));
    expect(earlier.hasEarlier).toBe(false);
    const after = await asActor(doctor.actor, () =>
      threadViewOf(doctor.actor, threadId, { after: ids[50]! }),
    );
    expect(after.messages.map((m) => m.id)).toEqual(ids.slice(51));
  });

  it("attaches only a document the sender put in this patient's record", async () => {
    const { patient, doctor, threadId } = await pair();
    const document = await asActor(patient.actor, () =>
      uploadDocument(patient.actor, {
        patientId: patient.id,
        fileName: "lab-results.pdf",
        bytes: demoPdf(["lab"]),
      }),
    );
    const sent = await asActor(patient.actor, () =>
      sendMessage(patient.actor, threadId, { id: randomUUID(), body: "", documentId: document.id }),
    );
    expect(sent.message.attachment).toMatchObject({ id: document.id, fileName: "lab-results.pdf" });
    const seen = await asActor(doctor.actor, () => threadViewOf(doctor.actor, threadId));
    expect(seen.messages[0]!.attachment?.id).toBe(document.id);
    // The doctor cannot pass the patient's file off as their own; nobody can attach a file of another record.
    const refused = await appErrorOf(
      asActor(doctor.actor, () =>
        sendMessage(doctor.actor, threadId, { id: randomUUID(), body: "see", documentId: document.id }),
      ),
    );
    expect(refused.code).toBe("VALIDATION_FAILED");
  });

  it("does not send a file still waiting for its malware scan", async () => {
    const { patient, threadId } = await pair();
    const scanner = { host: process.env.CLAMAV_HOST, port: process.env.CLAMAV_PORT };
    // A configured scanner that does not answer: the upload is kept, pending.
    process.env.CLAMAV_HOST = "127.0.0.1";
    process.env.CLAMAV_PORT = String(await findFreePort());
    resetEnvCache();
    try {
      const pending = await asActor(patient.actor, () =>
        uploadDocument(patient.actor, { patientId: patient.id, fileName: "scan.pdf", bytes: demoPdf(["x"]) }),
      );
      expect(pending.scanStatus).toBe("PENDING");
      const error = await appErrorOf(
        asActor(patient.actor, () =>
          sendMessage(patient.actor, threadId, {
            id: randomUUID(),
            body: "see file",
            documentId: pending.id,
          }),
        ),
      );
      expect(error.code).toBe("CONFLICT");
      expect(error.message).toContain("waiting for the malware scan");
    } finally {
      Object.assign(process.env, scanner);
      if (!scanner.host) delete process.env.CLAMAV_HOST;
      if (!scanner.port) delete process.env.CLAMAV_PORT;
      resetEnvCache();
    }
  });
});

describe("retraction and immutability", () => {
  it("lets the sender retract within 5 minutes, leaving a marker and no text", async () => {
    const { patient, doctor, threadId } = await pair();
    const { message } = await send(patient, threadId, "Wrong dosage written here");
    expect(
      (await appErrorOf(asActor(doctor.actor, () => retractMessage(doctor.actor, message.id)))).code,
    ).toBe("FORBIDDEN");
    const retracted = await asActor(patient.actor, () => retractMessage(patient.actor, message.id));
    expect(retracted).toMatchObject({ body: null, retractableUntil: null });
    expect(retracted.retractedAt).not.toBeNull();
    const [raw] = await sql<{ body: string | null; retracted_at: Date | null }>(
      "SELECT body, retracted_at FROM messages WHERE id = $1",
      [message.id],
    );
    expect(raw).toMatchObject({ body: null });
    expect(raw!.retracted_at).not.toBeNull();
    const view = await asActor(doctor.actor, () => threadViewOf(doctor.actor, threadId));
    expect(view.messages[0]).toMatchObject({ id: message.id, body: null });
    expect(
      await sql("SELECT 1 FROM audit_log WHERE action = 'message.retracted' AND resource_id = $1", [
        message.id,
      ]),
    ).toHaveLength(1);
    expect(
      (await appErrorOf(asActor(patient.actor, () => retractMessage(patient.actor, message.id)))).code,
    ).toBe("CONFLICT");
  });

  it("refuses a retraction after 5 minutes", async () => {
    const { patient, threadId } = await pair();
    const { message } = await send(patient, threadId, "Too late to take back");
    const later = new Date(Date.now() + 5 * 60_000 + 1_000);
    const error = await appErrorOf(
      asActor(patient.actor, () => retractMessage(patient.actor, message.id, later)),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("first 5 minutes");
  });

  it("refuses, in the database itself, editing text, re-reading, moving or deleting a message", async () => {
    const { patient, doctor, threadId } = await pair();
    const { message } = await send(patient, threadId, "Immutable");
    await asActor(doctor.actor, () => markThreadRead(doctor.actor, threadId, message.id));
    const attempts = [
      "UPDATE messages SET body = 'v2:forged' WHERE id = $1",
      "UPDATE messages SET read_at = now() + interval '1 day' WHERE id = $1",
      "UPDATE messages SET sender_id = (SELECT doctor_id FROM message_threads t WHERE t.id = thread_id) WHERE id = $1",
      "UPDATE messages SET created_at = created_at - interval '1 day' WHERE id = $1",
      "DELETE FROM messages WHERE id = $1",
    ];
    for (const statement of attempts) {
      await expect(sql(statement, [message.id]), statement).rejects.toThrow(/cannot|once|clinical record/);
    }
  });
});
