// A video token for one visit: only its doctor and its patient, only while its room is
// open (10 minutes before the start to 30 after the end), only for a visit that is
// confirmed or under way, for the visit's opaque channel, short-lived. Audited.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { canSee } from "@/lib/domain/scheduling/policy";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { buildRtcToken } from "@/lib/integrations/agora/server";
import { videoChannelOf, videoUidOf } from "./channel";
import { tokenTimes, videoWindow, windowState } from "./window";

export interface VideoToken {
  appId: string;
  channel: string;
  uid: number;
  token: string;
  expiresAt: string;
  /** When the page asks for the next one. */
  renewAt: string;
}

const JOINABLE = new Set(["CONFIRMED", "IN_PROGRESS"]);

/** Agora's settings, or a 404 when this server has none (the built-in video is used instead). */
export function agoraSettings(): { appId: string; certificate: string } | null {
  const env = getEnv();
  return env.AGORA_APP_ID && env.AGORA_APP_CERTIFICATE
    ? { appId: env.AGORA_APP_ID, certificate: env.AGORA_APP_CERTIFICATE }
    : null;
}

export async function issueVideoToken(
  actor: AuthenticatedActor,
  visitId: string,
  now = new Date(),
): Promise<VideoToken> {
  const visit = await getDb().appointment.findUnique({
    where: { id: visitId },
    select: { patientId: true, doctorId: true, startsAt: true, endsAt: true, status: true },
  });
  if (!visit || !canSee(actor, visit)) return refuseAsNotFound("Appointment", visitId);
  const agora = agoraSettings();
  if (!agora) throw new AppError("NOT_FOUND", "Video through Agora is not configured on this server.");

  const window = videoWindow(visit);
  const state = windowState(window, now);
  const refusal = !JOINABLE.has(visit.status)
    ? "This visit is not confirmed or under way, so its video room is closed."
    : state === "before"
      ? "The video room opens 10 minutes before the visit starts."
      : state === "after"
        ? "The video room closed 30 minutes after the visit ended."
        : null;
  if (refusal) {
    await recordAuditEvent({
      action: "video.token.refused",
      resourceType: "Appointment",
      resourceId: visitId,
      outcome: "FAILURE",
      details: {
        reason: visit.status !== "CONFIRMED" && visit.status !== "IN_PROGRESS" ? visit.status : state,
      },
    });
    throw new AppError("CONFLICT", refusal);
  }

  const channel = videoChannelOf(visitId);
  const uid = videoUidOf(visitId, actor.userId);
  const { expiresAt, renewAt } = tokenTimes(window, now, getEnv().VIDEO_TOKEN_TTL_SECONDS * 1000);
  const token = buildRtcToken({ ...agora, channel, uid, expiresAt });
  await recordAuditEvent({
    action: "video.token.issued",
    resourceType: "Appointment",
    resourceId: visitId,
    details: { uid, expiresAt: expiresAt.toISOString() },
  });
  return {
    appId: agora.appId,
    channel,
    uid,
    token,
    expiresAt: expiresAt.toISOString(),
    renewAt: renewAt.toISOString(),
  };
}
