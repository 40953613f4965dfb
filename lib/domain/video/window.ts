// When a visit's video room is open, and how long a token for it lasts: pure, unit-tested.
export const VIDEO_OPENS_BEFORE_MS = 10 * 60_000;
export const VIDEO_CLOSES_AFTER_MS = 30 * 60_000;
/** The page renews its token this long before it runs out. */
export const TOKEN_RENEW_BEFORE_MS = 60_000;

export interface VideoWindow {
  opensAt: Date;
  closesAt: Date;
}

/** From 10 minutes before the start to 30 minutes after the end. */
export function videoWindow(visit: { startsAt: Date; endsAt: Date }): VideoWindow {
  return {
    opensAt: new Date(visit.startsAt.getTime() - VIDEO_OPENS_BEFORE_MS),
    closesAt: new Date(visit.endsAt.getTime() + VIDEO_CLOSES_AFTER_MS),
  };
}

export type WindowState = "before" | "open" | "after";

export function windowState(window: VideoWindow, now: Date): WindowState {
  if (now < window.opensAt) return "before";
  if (now >= window.closesAt) return "after";
  return "open";
}

/** A short-lived token, never valid past the window's end; renewed a minute before it runs out. */
export function tokenTimes(
  window: VideoWindow,
  now: Date,
  ttlMs: number,
): { expiresAt: Date; renewAt: Date } {
  const expiresAt = new Date(Math.min(now.getTime() + ttlMs, window.closesAt.getTime()));
  const renewAt = new Date(Math.max(now.getTime(), expiresAt.getTime() - TOKEN_RENEW_BEFORE_MS));
  return { expiresAt, renewAt };
}

/** Why a visit's room is closed to a party of the visit, or null when it is open. */
export type RoomRefusal = "ended" | "not-confirmed" | "before" | "after";

export const ROOM_REFUSAL_MESSAGE: Record<RoomRefusal, string> = {
  ended: "This visit has ended.",
  "not-confirmed": "This visit is not confirmed or under way, so its video room is closed.",
  before: "The video room opens 10 minutes before the visit starts.",
  after: "The video room closed 30 minutes after the visit ended.",
};

/** Open for a confirmed or in-progress visit, inside its window. */
export function roomRefusal(
  visit: { status: string; startsAt: Date; endsAt: Date },
  now: Date,
): RoomRefusal | null {
  if (visit.status === "COMPLETED") return "ended";
  if (visit.status !== "CONFIRMED" && visit.status !== "IN_PROGRESS") return "not-confirmed";
  const state = windowState(videoWindow(visit), now);
  return state === "open" ? null : state;
}
