// The video room's contract between the server and the browser: request bodies (zod) and
// the DTOs the room receives. No server imports: the browser uses these types and limits.
import { z } from "zod";

/** Where each side is: the patient waits until the doctor admits; the doctor ends the visit. */
export type RoomState = "waiting" | "admitted" | "ended";

/** An Agora RTC token for one visit's channel (POST /api/video/token, and the join with Agora). */
export interface VideoToken {
  appId: string;
  channel: string;
  uid: number;
  token: string;
  expiresAt: string;
  /** When the page asks for the next one. */
  renewAt: string;
}

/** How this room carries audio and video: the built-in WebRTC, or Agora when configured. */
export type RoomTransport =
  | {
      kind: "builtin";
      /** STUN/TURN servers (TURN credentials are time-limited). */
      iceServers: RTCIceServerConfig[];
      /** Perfect negotiation's roles: the patient is polite, the doctor impolite. */
      polite: boolean;
    }
  | ({ kind: "agora" } & VideoToken);

/** The subset of RTCIceServer we send (the DOM type is not available on the server). */
export interface RTCIceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

/** POST /api/video/visits/:visitId/join */
export interface RoomJoin {
  role: "DOCTOR" | "PATIENT";
  state: RoomState;
  /** For the doctor: the patient has joined and is waiting to be admitted. */
  patientWaiting: boolean;
  /** This join's id: every signal this tab sends carries it; a new one means the other side reloaded. */
  session: string;
  transport: RoomTransport;
  /** Fetch signals after this id (signals sent before this join are stale). */
  signalCursor: string;
}

/** GET /api/video/visits/:visitId/state (after a reconnect or resync) */
export interface RoomStatus {
  state: RoomState;
  patientWaiting: boolean;
}

export const SIGNAL_KINDS = ["hello", "description", "candidate", "bye"] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** Bounds for what a browser may relay: an SDP is a few KB; a candidate a few hundred bytes. */
export const MAX_SIGNAL_BYTES = 64 * 1024;

/** POST /api/video/visits/:visitId/signals */
export const sendSignalSchema = z
  .object({
    session: z.uuid({ error: "session must be this room's session id." }),
    kind: z.enum(SIGNAL_KINDS, { error: `kind must be one of ${SIGNAL_KINDS.join(", ")}.` }),
    /** description: RTCSessionDescriptionInit; candidate: RTCIceCandidateInit; hello/bye: null. */
    payload: z.unknown().optional(),
  })
  .refine((signal) => JSON.stringify(signal.payload ?? null).length <= MAX_SIGNAL_BYTES, {
    error: "The signal is too large.",
    path: ["payload"],
  });
export type SendSignal = z.infer<typeof sendSignalSchema>;

/** One signal from the other side, as GET /api/video/visits/:visitId/signals?after=<id> lists them. */
export interface SignalView {
  id: string;
  session: string;
  kind: SignalKind;
  payload: unknown;
}
export interface SignalPage {
  signals: SignalView[];
  /** Pass as ?after= next time. */
  cursor: string;
}

const MAX_SIGNAL_ID = 9_223_372_036_854_775_807n;
export const signalsQuerySchema = z.object({
  after: z
    .string()
    .regex(/^\d{1,19}$/, { error: "after must be a signal id." })
    // zod runs this even after the pattern failed: BigInt() would throw on "1e3".
    .refine((value) => /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_SIGNAL_ID, {
      error: "after must be a signal id.",
    })
    .default("0"),
});

/** The refusal a tab gets when its session was replaced (the person joined again elsewhere) or left. */
export const SESSION_ENDED = "This room session has ended. Join again.";

/** Each portal's visit page; the room is its /room. */
export const VISIT_PATH = {
  PATIENT: (visitId: string) => `/patient/visits/${visitId}`,
  DOCTOR: (visitId: string) => `/doctor/visits/${visitId}`,
} as const;
