// A video token for one visit: only its doctor and its patient, only while its room is
// open (10 minutes before the start to 30 after the end), only for a visit that is
// confirmed or under way, for the visit's opaque channel, short-lived. Audited.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { requireConsent } from "@/lib/domain/consent/require-consent";
import { canSee } from "@/lib/domain/scheduling/policy";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { buildRtcToken } from "@/lib/integrations/agora/server";
import { videoChannelOf, videoUidOf } from "./channel";
import type { VideoToken } from "./schemas";
import { ROOM_REFUSAL_MESSAGE, roomRefusal, tokenTimes, videoWindow } from "./window";

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
  if (actor.userId === visit.patientId) await requireConsent(visit.patientId, "TELEHEALTH", "PRIVACY");
  const agora = agoraSettings();
  if (!agora) throw new AppError("NOT_FOUND", "Video through Agora is not configured on this server.");

  const refusal = roomRefusal(visit, now);
  if (refusal) {
    await recordAuditEvent({
      action: "video.token.refused",
      resourceType: "Appointment",
      resourceId: visitId,
      outcome: "FAILURE",
      details: { reason: refusal },
    });
    throw new AppError("CONFLICT", ROOM_REFUSAL_MESSAGE[refusal]);
  }

  const channel = videoChannelOf(visitId);
  const uid = videoUidOf(visitId, actor.userId);
  const { expiresAt, renewAt } = tokenTimes(videoWindow(visit), now, getEnv().VIDEO_TOKEN_TTL_SECONDS * 1000);
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
