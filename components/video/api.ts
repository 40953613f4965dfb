// The browser's calls to the video room's API. The person's own clicks (join, admit,
// end, leave) are ordinary requests; what the page does by itself (signals, state
// refreshes, token renewal) is marked as background so an open call does not count as
// activity for the idle timeout on its own.
import { request } from "@/components/http/api-client";
import type { RoomJoin, RoomStatus, SignalKind, SignalPage, VideoToken } from "@/lib/domain/video/schemas";

const roomUrl = (visitId: string) => `/api/video/visits/${encodeURIComponent(visitId)}`;

export const joinRoom = (visitId: string) =>
  request<RoomJoin>(`${roomUrl(visitId)}/join`, { method: "POST", json: {} });

export const fetchRoomState = (visitId: string) =>
  request<RoomStatus>(`${roomUrl(visitId)}/state`, { background: true });

export const admitPatient = (visitId: string) =>
  request<RoomStatus>(`${roomUrl(visitId)}/admit`, { method: "POST", json: {} });

export const endVisit = (visitId: string) =>
  request<RoomStatus>(`${roomUrl(visitId)}/end`, { method: "POST", json: {} });

export const leaveRoom = (visitId: string, session: string) =>
  request<Record<string, never>>(`${roomUrl(visitId)}/leave`, { method: "POST", json: { session } });

/**
 * The same as leaveRoom, for a page that is going away: the browser delivers a beacon after
 * the page is gone, where a fetch would be cancelled. False when the browser refused to queue it.
 */
export function leaveRoomBeacon(visitId: string, session: string): boolean {
  return beacon(`${roomUrl(visitId)}/leave`, { session });
}

/** A signal the page is sending as it goes away ("bye"): see leaveRoomBeacon. */
export function sendSignalBeacon(visitId: string, signal: OutgoingSignal): boolean {
  return beacon(`${roomUrl(visitId)}/signals`, { ...signal, payload: signal.payload ?? null });
}

function beacon(url: string, body: unknown): boolean {
  if (typeof navigator.sendBeacon !== "function") return false;
  try {
    return navigator.sendBeacon(url, new Blob([JSON.stringify(body)], { type: "application/json" }));
  } catch {
    return false;
  }
}

export interface OutgoingSignal {
  session: string;
  kind: SignalKind;
  /** description: RTCSessionDescriptionInit; candidate: RTCIceCandidateInit; hello and bye: null. */
  payload: RTCSessionDescriptionInit | RTCIceCandidateInit | null;
}

export const sendSignal = (visitId: string, signal: OutgoingSignal) =>
  request<{ id: string }>(`${roomUrl(visitId)}/signals`, {
    method: "POST",
    json: signal,
    background: true,
  });

export const fetchSignals = (visitId: string, after: string) =>
  request<SignalPage>(`${roomUrl(visitId)}/signals?after=${encodeURIComponent(after)}`, {
    background: true,
  });

export const renewVideoToken = (visitId: string) =>
  request<VideoToken>("/api/video/token", { method: "POST", json: { visitId }, background: true });
