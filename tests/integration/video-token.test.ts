// Video tokens against a real PostgreSQL: only the visit's doctor and patient, only in the
// visit's window and state, for that visit's opaque channel only (checked by verifying the
// token's signature over the channel), short-lived; everyone else an audited 404.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { videoChannelOf, videoUidOf } from "@/lib/domain/video/channel";
import { issueVideoToken } from "@/lib/domain/video/issue-token";
import { resetEnvCache } from "@/lib/env";
import { rtcTokenExpiry, rtcTokenGrants } from "@/lib/integrations/agora/server";
import { runAsSystem } from "@/lib/request-context";
import { appErrorOf, asActor } from "../support/actors";
import { careVisit, denialsOf, person } from "../support/care";
import { runSql } from "../support/database";

const appId = "0123456789abcdef0123456789abcdef";
const certificate = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

beforeEach(() => {
  process.env.AGORA_APP_ID = appId;
  process.env.AGORA_APP_CERTIFICATE = certificate;
  resetEnvCache();
});
afterEach(() => {
  delete process.env.AGORA_APP_ID;
  delete process.env.AGORA_APP_CERTIFICATE;
  resetEnvCache();
});
afterAll(async () => {
  await disconnectDb();
});

async function visitPair(status: "CONFIRMED" | "IN_PROGRESS" | "CANCELLED" = "CONFIRMED") {
  const patient = await person("PATIENT");
  const doctor = await person("DOCTOR");
  const { id } = await careVisit(doctor.id, patient.id, status);
  const { startsAt } = await runAsSystem("test", () =>
    getDb().appointment.findUniqueOrThrow({ where: { id }, select: { startsAt: true } }),
  );
  return { patient, doctor, visitId: id, startsAt };
}
const minutes = (date: Date, n: number) => new Date(date.getTime() + n * 60_000);

describe("video tokens", () => {
  it("are issued to the visit's patient and doctor in the window, for this visit's channel only", async () => {
    const { patient, doctor, visitId, startsAt } = await visitPair();
    const other = await visitPair();
    const now = minutes(startsAt, -5);
    const forPatient = await asActor(patient.actor, () => issueVideoToken(patient.actor, visitId, now));
    const forDoctor = await asActor(doctor.actor, () => issueVideoToken(doctor.actor, visitId, now));

    expect(forPatient.channel).toBe(videoChannelOf(visitId));
    expect(forDoctor.channel).toBe(forPatient.channel);
    expect(forPatient.channel).toMatch(/^hv-[A-Za-z0-9_-]{32}$/);
    expect(forPatient.channel).not.toContain(visitId.slice(0, 8));
    expect(forPatient.uid).toBe(videoUidOf(visitId, patient.id));
    expect(forPatient.uid).not.toBe(forDoctor.uid);
    // A person's uid differs from one visit to the next.
    expect(videoUidOf(other.visitId, patient.id)).not.toBe(forPatient.uid);

    const grants = (channel: string, uid = forPatient.uid) =>
      rtcTokenGrants(forPatient.token, { appId, certificate, channel, uid });
    expect(grants(forPatient.channel)).toBe(true);
    expect(grants(videoChannelOf(other.visitId))).toBe(false);
    expect(grants(forPatient.channel, forDoctor.uid)).toBe(false);
    expect(
      rtcTokenGrants(forPatient.token, {
        appId,
        certificate: "0".repeat(32),
        channel: forPatient.channel,
        uid: forPatient.uid,
      }),
    ).toBe(false);

    // Short-lived (10 minutes by default), renewed a minute before.
    const expiry = rtcTokenExpiry(forPatient.token, appId)!;
    expect(Math.abs(expiry.getTime() - minutes(now, 10).getTime())).toBeLessThan(1_000);
    expect(new Date(forPatient.renewAt)).toEqual(minutes(now, 9));
    const issued = await runSql(
      process.env.DATABASE_URL!,
      "SELECT 1 FROM audit_log WHERE action = 'video.token.issued' AND resource_id = $1",
      [visitId],
    );
    expect(issued).toHaveLength(2);
  });

  it("refuses other patients, doctors without the visit and admins with an audited 404", async () => {
    const { visitId, startsAt } = await visitPair();
    const now = minutes(startsAt, 1);
    for (const stranger of [await person("PATIENT"), await person("DOCTOR"), await person("ADMIN")]) {
      const before = await denialsOf(visitId);
      const error = await appErrorOf(
        asActor(stranger.actor, () => issueVideoToken(stranger.actor, visitId, now)),
      );
      expect(error.code).toBe("NOT_FOUND");
      expect(await denialsOf(visitId)).toBe(before + 1);
    }
    const { patient } = await visitPair();
    expect(
      (await appErrorOf(asActor(patient.actor, () => issueVideoToken(patient.actor, randomUUID(), now))))
        .code,
    ).toBe("NOT_FOUND");
  });

  it("refuses outside the window and for a visit that is not confirmed or under way", async () => {
    const { patient, doctor, visitId, startsAt } = await visitPair();
    const tooEarly = await appErrorOf(
      asActor(patient.actor, () => issueVideoToken(patient.actor, visitId, minutes(startsAt, -11))),
    );
    expect(tooEarly).toMatchObject({
      code: "CONFLICT",
      message: "The video room opens 10 minutes before the visit starts.",
    });
    // The visit lasts 30 minutes: the room closes 30 minutes after its end.
    expect(
      (await asActor(doctor.actor, () => issueVideoToken(doctor.actor, visitId, minutes(startsAt, 59))))
        .channel,
    ).toBe(videoChannelOf(visitId));
    const tooLate = await appErrorOf(
      asActor(doctor.actor, () => issueVideoToken(doctor.actor, visitId, minutes(startsAt, 60))),
    );
    expect(tooLate.code).toBe("CONFLICT");
    const cancelled = await visitPair("CANCELLED");
    const refused = await appErrorOf(
      asActor(cancelled.patient.actor, () =>
        issueVideoToken(cancelled.patient.actor, cancelled.visitId, cancelled.startsAt),
      ),
    );
    expect(refused.code).toBe("CONFLICT");
    const inProgress = await visitPair("IN_PROGRESS");
    await expect(
      asActor(inProgress.doctor.actor, () =>
        issueVideoToken(inProgress.doctor.actor, inProgress.visitId, inProgress.startsAt),
      ),
    ).resolves.toMatchObject({ channel: videoChannelOf(inProgress.visitId) });
  });

  it("says so when Agora is not configured", async () => {
    const { patient, visitId, startsAt } = await visitPair();
    delete process.env.AGORA_APP_ID;
    delete process.env.AGORA_APP_CERTIFICATE;
    resetEnvCache();
    const error = await appErrorOf(
      asActor(patient.actor, () => issueVideoToken(patient.actor, visitId, startsAt)),
    );
    expect(error).toMatchObject({
      code: "NOT_FOUND",
      message: "Video through Agora is not configured on this server.",
    });
  });
});
