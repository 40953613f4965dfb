// Realtime against a real PostgreSQL: durable events are delivered after commit
// (never for a rollback) with ids in commit order; an event stream replays what a
// reconnecting client missed (Last-Event-ID), delivers live events through
// LISTEN/NOTIFY, enforces the per-user connection limit and announces presence;
// Pusher receives ids only and authorises only one's own channels.
import { createHmac, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createSession, revokeSession } from "@/lib/auth/sessions";
import { disconnectDb, transaction } from "@/lib/db/client";
import { markThreadRead } from "@/lib/domain/messaging/mark-read";
import { openThread } from "@/lib/domain/messaging/open-thread";
import { announceTyping, authorizeChannel, presenceAudienceOf } from "@/lib/domain/messaging/realtime";
import { retractMessage } from "@/lib/domain/messaging/retract-message";
import { sendMessage } from "@/lib/domain/messaging/send-message";
import { resetEnvCache } from "@/lib/env";
import { resetPusherClient, signPusherSubscription } from "@/lib/integrations/pusher/server";
import { closeRealtimeBus } from "@/lib/realtime/bus";
import { openEventStream } from "@/lib/realtime/event-stream";
import { publishDurable } from "@/lib/realtime/publish";
import { appErrorOf, asActor } from "../support/actors";
import { careVisit, person } from "../support/care";
import { runSql } from "../support/database";
import { type FakeHttpServer, lowerCaseHeaders, readBody, serveFake } from "../support/fake-http";

const databaseUrl = process.env.DATABASE_URL!;
// Beats every second here, so that marking streams alive and ending those whose session ended show quickly.
process.env.REALTIME_HEARTBEAT_SECONDS = "1";
resetEnvCache();

/** A person with a real session (a stream re-checks it at every beat). */
async function personWithSession(role: "PATIENT" | "DOCTOR", fullName?: string) {
  const someone = await person(role, fullName);
  const session = await createSession(someone.id, { ip: null, userAgent: "haven-tests" });
  return { ...someone, actor: { ...someone.actor, sessionId: session.id } };
}
type Person = Awaited<ReturnType<typeof personWithSession>>;

afterAll(async () => {
  await closeRealtimeBus();
  await disconnectDb();
});

async function pair() {
  const patient = await personWithSession("PATIENT", "Oskar Lindqvist");
  const doctor = await personWithSession("DOCTOR");
  await careVisit(doctor.id, patient.id, "CONFIRMED");
  const threadId = await asActor(patient.actor, () => openThread(patient.actor, doctor.id));
  return { patient, doctor, threadId };
}

interface ReceivedEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

/** An open event stream as a browser would hold it: parsed events as they arrive. */
async function connect(who: Person, lastEventId?: string) {
  const controller = new AbortController();
  const headers = new Headers({ accept: "text/event-stream" });
  if (lastEventId) headers.set("last-event-id", lastEventId);
  const request = new Request("http://localhost/api/realtime/events", { headers, signal: controller.signal });
  const response = await asActor(who.actor, () =>
    openEventStream(request, who.actor, { presenceAudience: presenceAudienceOf }),
  );
  const events: ReceivedEvent[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          block
            .split("\n")
            .filter((line) => !line.startsWith(":") && line.includes(":"))
            .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]),
        );
        if (fields.event)
          events.push({
            id: fields.id ?? "",
            event: fields.event,
            data: JSON.parse(fields.data ?? "{}") as Record<string, unknown>,
          });
      }
    }
  })();
  const waitFor = async (predicate: (event: ReceivedEvent) => boolean, timeoutMs = 3_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = events.find(predicate);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no matching event; got ${JSON.stringify(events)}`);
  };
  return { events, waitFor, close: () => controller.abort(), status: response.status };
}

const open: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const stream of open.splice(0)) stream.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
});
const tracked = async (who: Person, lastEventId?: string) => {
  const stream = await connect(who, lastEventId);
  open.push(stream);
  return stream;
};

describe("durable events", () => {
  it("are notified at commit, never for a rollback, with ids in commit order", async () => {
    const userId = (await personWithSession("PATIENT")).id;
    const listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    const heard: string[] = [];
    listener.on("notification", (message) => heard.push(message.payload ?? ""));
    await listener.query("LISTEN haven_realtime");
    try {
      const threadId = randomUUID();
      await transaction(async () => {
        await publishDurable([userId], "thread.created", { threadId });
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(heard.filter((payload) => payload.includes(threadId))).toHaveLength(0);
      });
      await expect.poll(() => heard.filter((payload) => payload.includes(threadId)).length).toBe(1);

      const rolledBack = randomUUID();
      await transaction(async () => {
        await publishDurable([userId], "thread.created", { threadId: rolledBack });
        throw new Error("roll back");
      }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard.join("")).not.toContain(rolledBack);
      expect(
        await runSql(databaseUrl, "SELECT 1 FROM realtime_events WHERE data->>'threadId' = $1", [rolledBack]),
      ).toHaveLength(0);

      // A takes an id first but commits late; B, started meanwhile, waits and gets a larger id.
      const order: string[] = [];
      const first = transaction(async () => {
        await publishDurable([userId], "thread.created", { threadId: randomUUID() });
        await new Promise((resolve) => setTimeout(resolve, 300));
        order.push("A committed");
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = transaction(async () => {
        await publishDurable([userId], "thread.created", { threadId: randomUUID() });
        order.push("B committed");
      });
      await Promise.all([first, second]);
      expect(order).toEqual(["A committed", "B committed"]);
      const ids = await runSql<{ id: string }>(
        databaseUrl,
        "SELECT id FROM realtime_events WHERE user_id = $1 ORDER BY id",
        [userId],
      );
      expect(ids).toHaveLength(3);
    } finally {
      await listener.end();
    }
  });
});

describe("the event stream", () => {
  it("delivers a message event (ids only) to the recipient and replays what a reconnecting client missed", async () => {
    const { patient, doctor, threadId } = await pair();
    const doctorStream = await tracked(doctor);
    const sent = await asActor(patient.actor, () =>
      sendMessage(patient.actor, threadId, { id: randomUUID(), body: "Secret symptoms text" }),
    );
    const live = await doctorStream.waitFor((event) => event.event === "message.created");
    expect(live.data).toEqual({ threadId, messageId: sent.message.id });
    expect(JSON.stringify(doctorStream.events)).not.toContain("Secret");
    doctorStream.close();

    // While the doctor is away: two more events.
    const second = await asActor(patient.actor, () =>
      sendMessage(patient.actor, threadId, { id: randomUUID(), body: "More" }),
    );
    await asActor(patient.actor, () => retractMessage(patient.actor, second.message.id));
    const back = await tracked(doctor, live.id);
    await back.waitFor((event) => event.event === "message.retracted");
    const replayed = back.events.filter((event) => event.event.startsWith("message."));
    expect(replayed.map((event) => [event.event, event.data.messageId])).toEqual([
      ["message.created", second.message.id],
      ["message.retracted", second.message.id],
    ]);
    expect(Number(replayed[0]!.id)).toBeGreaterThan(Number(live.id));
    expect(Number(replayed[1]!.id)).toBeGreaterThan(Number(replayed[0]!.id));
  });

  it("tells a client whose events were pruned to refetch everything", async () => {
    const { doctor } = await pair();
    const [seen] = await runSql<{ id: string }>(
      databaseUrl,
      "SELECT id FROM realtime_events WHERE user_id = $1",
      [doctor.id],
    );
    // As the retention would: the event the client saw last is gone.
    await runSql(databaseUrl, "DELETE FROM realtime_events WHERE user_id = $1", [doctor.id]);
    const stream = await tracked(doctor, seen!.id);
    const resync = await stream.waitFor((event) => event.event === "resync");
    expect(resync.data).toEqual({});
  });

  it("replays, for a page's first stream (?since=), what happened just before the page's newest event", async () => {
    const { patient, doctor, threadId } = await pair();
    const first = await asActor(patient.actor, () =>
      sendMessage(patient.actor, threadId, { id: randomUUID(), body: "a" }),
    );
    const second = await asActor(patient.actor, () =>
      sendMessage(patient.actor, threadId, { id: randomUUID(), body: "b" }),
    );
    const [newest] = await runSql<{ id: string }>(
      databaseUrl,
      "SELECT max(id)::text AS id FROM realtime_events WHERE user_id = $1",
      [doctor.id],
    );
    const controller = new AbortController();
    const request = new Request(`http://localhost/api/realtime/events?since=${newest!.id}`, {
      headers: { accept: "text/event-stream" },
      signal: controller.signal,
    });
    open.push({ close: () => controller.abort() });
    const response = await asActor(doctor.actor, () =>
      openEventStream(request, doctor.actor, { presenceAudience: presenceAudienceOf }),
    );
    const text = await new Promise<string>((resolve) => {
      const reader = response.body!.getReader();
      let seen = "";
      const pump = (): void =>
        void reader.read().then(({ done, value }) => {
          seen += new TextDecoder().decode(value ?? new Uint8Array());
          if (done || (seen.includes(first.message.id) && seen.includes(second.message.id))) resolve(seen);
          else pump();
        });
      pump();
      setTimeout(() => resolve(seen), 3_000);
    });
    expect(text).toContain(first.message.id);
    expect(text).toContain(second.message.id);
  });

  it("sends typing and presence to the other party only", async () => {
    const { patient, doctor, threadId } = await pair();
    const patientStream = await tracked(patient);
    const doctorStream = await tracked(doctor);
    const online = await patientStream.waitFor(
      (event) => event.event === "presence" && event.data.online === true,
    );
    expect(online.data).toEqual({ userId: doctor.id, online: true });
    await asActor(doctor.actor, () => announceTyping(doctor.actor, threadId));
    expect((await patientStream.waitFor((event) => event.event === "typing")).data).toEqual({
      threadId,
      userId: doctor.id,
    });
    expect(doctorStream.events.some((event) => event.event === "typing")).toBe(false);
    doctorStream.close();
    const offline = await patientStream.waitFor(
      (event) => event.event === "presence" && event.data.online === false,
    );
    expect(offline.data).toEqual({ userId: doctor.id, online: false });
    const stranger = await person("PATIENT");
    expect(
      (await appErrorOf(asActor(stranger.actor, () => announceTyping(stranger.actor, threadId)))).code,
    ).toBe("NOT_FOUND");
  });

  it("marks live streams alive at every beat, and ends a stream within a beat of its session's end", async () => {
    const { patient } = await pair();
    const stream = await tracked(patient);
    await stream.waitFor(() => true, 100).catch(() => undefined);
    const beatOf = async () =>
      (
        await runSql<{ opened_at: Date; beat_at: Date }>(
          databaseUrl,
          "SELECT opened_at, beat_at FROM realtime_connections WHERE user_id = $1",
          [patient.id],
        )
      )[0];
    await expect
      .poll(
        async () => {
          const row = await beatOf();
          return row ? row.beat_at.getTime() - row.opened_at.getTime() : 0;
        },
        { timeout: 5_000 },
      )
      .toBeGreaterThan(500);
    await revokeSession(patient.actor.sessionId, "signed-out");
    await expect.poll(async () => (await beatOf()) === undefined, { timeout: 5_000 }).toBe(true);
  });

  it("forgets a client that left while its stream was being set up", async () => {
    const { patient } = await pair();
    const controller = new AbortController();
    const request = new Request("http://localhost/api/realtime/events", {
      headers: { accept: "text/event-stream" },
      signal: controller.signal,
    });
    controller.abort();
    const response = await asActor(patient.actor, () =>
      openEventStream(request, patient.actor, { presenceAudience: presenceAudienceOf }),
    );
    expect(response.status).toBe(204);
    expect(
      await runSql(databaseUrl, "SELECT 1 FROM realtime_connections WHERE user_id = $1", [patient.id]),
    ).toHaveLength(0);
  });

  it("limits open streams per user and frees a slot when one closes", async () => {
    const { patient } = await pair();
    const streams = [];
    for (let index = 0; index < 5; index += 1) streams.push(await tracked(patient));
    const refused = await appErrorOf(connect(patient));
    expect(refused.code).toBe("RATE_LIMITED");
    expect(refused.message).toContain("5 tabs or devices");
    streams[0]!.close();
    await expect
      .poll(
        async () =>
          (await runSql(databaseUrl, "SELECT 1 FROM realtime_connections WHERE user_id = $1", [patient.id]))
            .length,
      )
      .toBe(4);
    await tracked(patient);
  });
});

describe("Pusher", () => {
  let recorder: FakeHttpServer;
  const calls: Array<{
    path: string;
    query: URLSearchParams;
    body: string;
    headers: Record<string, string>;
  }> = [];
  const secret = "pusher-test-secret-0123456789";

  function usePusher(on: boolean) {
    if (on) {
      const url = new URL(recorder.url);
      Object.assign(process.env, {
        REALTIME_TRANSPORT: "pusher",
        PUSHER_APP_ID: "4242",
        PUSHER_KEY: "havenkey1234",
        PUSHER_SECRET: secret,
        PUSHER_CLUSTER: "eu",
        PUSHER_HOST: url.hostname,
        PUSHER_PORT: url.port,
        PUSHER_USE_TLS: "false",
      });
    } else {
      for (const name of [
        "REALTIME_TRANSPORT",
        "PUSHER_APP_ID",
        "PUSHER_KEY",
        "PUSHER_SECRET",
        "PUSHER_CLUSTER",
        "PUSHER_HOST",
        "PUSHER_PORT",
        "PUSHER_USE_TLS",
      ]) {
        delete process.env[name];
      }
    }
    resetEnvCache();
    resetPusherClient();
  }

  afterEach(() => usePusher(false));

  it("receives event names and ids only, in signed REST calls, for every messaging event", async () => {
    recorder = await serveFake(
      async (request, response) => {
        const url = new URL(request.url ?? "/", "http://localhost");
        calls.push({
          path: url.pathname,
          query: url.searchParams,
          body: await readBody(request),
          headers: lowerCaseHeaders(request),
        });
        response.writeHead(200, { "content-type": "application/json" });
        response.end("{}");
      },
      { status: 500, body: {} },
    );
    try {
      usePusher(true);
      const { patient, doctor, threadId } = await pair();
      const texts = ["Chest pain when climbing stairs", "Take 20 mg atorvastatin nightly"];
      const first = await asActor(patient.actor, () =>
        sendMessage(patient.actor, threadId, { id: randomUUID(), body: texts[0] }),
      );
      await asActor(doctor.actor, () =>
        sendMessage(doctor.actor, threadId, { id: randomUUID(), body: texts[1] }),
      );
      await asActor(doctor.actor, () => markThreadRead(doctor.actor, threadId, first.message.id));
      await asActor(patient.actor, () => retractMessage(patient.actor, first.message.id));
      await asActor(doctor.actor, () => announceTyping(doctor.actor, threadId));
      await expect.poll(() => calls.length).toBeGreaterThanOrEqual(5);

      const names = new Set<string>();
      for (const call of calls) {
        expect(call.path).toBe("/apps/4242/events");
        const event = JSON.parse(call.body) as { name: string; channels: string[]; data: string };
        names.add(event.name);
        for (const text of [...texts, "Oskar", "Lindqvist", "Chest", "atorvastatin"])
          expect(call.body).not.toContain(text);
        const data = JSON.parse(event.data) as Record<string, unknown>;
        for (const value of Object.values(data)) expect(String(value)).toMatch(/^[0-9a-f-]{36}$/);
        expect(event.channels.every((channel) => /^private-user-[0-9a-f-]{36}$/.test(channel))).toBe(true);
        // Signed as Pusher's REST API requires (HMAC-SHA256 over method, path and sorted query).
        const params = [...call.query.entries()]
          .filter(([name]) => name !== "auth_signature")
          .sort(([a], [b]) => a.localeCompare(b));
        const toSign = ["POST", call.path, params.map(([name, value]) => `${name}=${value}`).join("&")].join(
          "\n",
        );
        expect(call.query.get("auth_signature")).toBe(
          createHmac("sha256", secret).update(toSign).digest("hex"),
        );
      }
      expect([...names].sort()).toEqual([
        "message.created",
        "message.retracted",
        "thread.created",
        "thread.read",
        "typing",
      ]);
    } finally {
      await recorder.close();
    }
  });

  it("authorises one's own private channel and the presence channel of one's threads, nothing else", async () => {
    const { patient, doctor, threadId } = await pair();
    const other = await pair();
    expect(
      await asActor(patient.actor, () => authorizeChannel(patient.actor, `private-user-${patient.id}`)),
    ).toEqual({ presence: null });
    expect(
      await asActor(doctor.actor, () => authorizeChannel(doctor.actor, `presence-thread-${threadId}`)),
    ).toEqual({
      presence: { userId: doctor.id },
    });
    const refusals = [
      [patient, `private-user-${doctor.id}`],
      [patient, `presence-thread-${other.threadId}`],
      [other.doctor, `presence-thread-${threadId}`],
      [patient, `private-user-${patient.id}-x`],
      [patient, "presence-thread-not-a-uuid"],
      [patient, `private-encrypted-user-${patient.id}`],
    ] as const;
    for (const [who, channel] of refusals) {
      expect(
        (await appErrorOf(asActor(who.actor, () => authorizeChannel(who.actor, channel)))).code,
        channel,
      ).toBe("NOT_FOUND");
    }
    // The signature is Pusher's: HMAC-SHA256 of "socket_id:channel[:channel_data]" with the secret.
    process.env.PUSHER_APP_ID = "4242";
    process.env.PUSHER_KEY = "havenkey1234";
    process.env.PUSHER_SECRET = "pusher-test-secret-0123456789";
    process.env.PUSHER_CLUSTER = "eu";
    resetEnvCache();
    resetPusherClient();
    const signed = signPusherSubscription("123.456", `presence-thread-${threadId}`, { userId: doctor.id });
    const expected = createHmac("sha256", "pusher-test-secret-0123456789")
      .update(`123.456:presence-thread-${threadId}:${signed.channel_data}`)
      .digest("hex");
    expect(signed.auth).toBe(`havenkey1234:${expected}`);
    expect(JSON.parse(signed.channel_data!)).toEqual({ user_id: doctor.id, user_info: {} });
  });
});
