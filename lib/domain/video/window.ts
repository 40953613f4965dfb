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
