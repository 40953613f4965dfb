// The built-in call: one RTCPeerConnection between the two browsers, negotiated with
// MDN's "perfect negotiation" pattern over Haven's signal relay (POST …/signals, and a
// `video.signal` realtime event telling the other side to fetch). Either side may make
// an offer at any time (joining, an ICE restart); when both do at once, the polite side
// (the patient) gives way and the impolite one (the doctor) ignores the other's offer.
//
// Sessions: every join has its own session id. A "hello" or a description from a session
// this tab has not talked to means the other person (re)joined, e.g. reloaded the page:
// the old connection is closed and a new one made. Sessions replaced that way never
// come back, so their late signals are ignored rather than tearing the new call down.
import { ApiError } from "@/components/http/api-client";
import {
  type RoomTransport,
  SESSION_ENDED,
  type SignalKind,
  type SignalView,
} from "@/lib/domain/video/schemas";
import { type OutgoingSignal, fetchSignals, sendSignal, sendSignalBeacon } from "./api";
import type { Call, CallCallbacks } from "./call";
import { type StatsSample, callQuality, summarizeStats } from "./call-quality";

/** How often the quality indicator is refreshed from getStats(). */
const STATS_INTERVAL_MS = 2_000;
/** "disconnected" often heals by itself (a Wi-Fi hiccup); after this long, restart ICE. */
const DISCONNECTED_GRACE_MS = 5_000;
/** Waits before resending a signal the relay did not take (a dropped request, a busy server). */
const SEND_RETRY_DELAYS_MS = [1_000, 3_000] as const;
/** Waits before fetching signals again after a fetch failed (until an event or `online` asks sooner). */
const PULL_RETRY_MS = 3_000;

export interface BuiltinCallOptions {
  visitId: string;
  /** This tab's RoomJoin.session. */
  session: string;
  /** RoomJoin.signalCursor: signals from before this join are stale. */
  signalCursor: string;
  transport: Extract<RoomTransport, { kind: "builtin" }>;
  /** The device check's stream; its tracks are sent as they are (muting is track.enabled). */
  stream: MediaStream;
  callbacks: CallCallbacks;
}

/** One RTCPeerConnection with the other side's session, and perfect negotiation's state for it. */
interface Peer {
  session: string;
  pc: RTCPeerConnection;
  makingOffer: boolean;
  ignoreOffer: boolean;
  isSettingRemoteAnswerPending: boolean;
  /** "Joined" is announced once per connection, not again after an ICE restart. */
  announced: boolean;
  disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** Only what a relayed description may be: an offer or an answer with its SDP. */
function descriptionFrom(payload: unknown): RTCSessionDescriptionInit | null {
  if (!isRecord(payload) || typeof payload.sdp !== "string") return null;
  return payload.type === "offer" || payload.type === "answer"
    ? { type: payload.type, sdp: payload.sdp }
    : null;
}

function candidateFrom(payload: unknown): RTCIceCandidateInit | null {
  if (!isRecord(payload) || typeof payload.candidate !== "string") return null;
  return {
    candidate: payload.candidate,
    sdpMid: typeof payload.sdpMid === "string" ? payload.sdpMid : null,
    sdpMLineIndex: typeof payload.sdpMLineIndex === "number" ? payload.sdpMLineIndex : null,
    ...(typeof payload.usernameFragment === "string" ? { usernameFragment: payload.usernameFragment } : {}),
  };
}

const signalId = (id: string): bigint | null => (/^\d{1,19}$/.test(id) ? BigInt(id) : null);

/** Worth trying again: the request did not arrive, or the server was momentarily unable to answer. */
const retryable = (failure: unknown) =>
  failure instanceof ApiError && (failure.status === 0 || failure.status === 429 || failure.status >= 500);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function startBuiltinCall({
  visitId,
  session,
  signalCursor,
  transport,
  stream,
  callbacks,
}: BuiltinCallOptions): Call {
  const { polite } = transport;
  const iceServers: RTCIceServer[] = transport.iceServers;

  let closed = false;
  let current: Peer | null = null;
  const retired = new Set<string>();
  /** The last getStats() sample of the current connection (loss is a difference of two). */
  let previousSample: StatsSample | null = null;

  // ---- Sending: one at a time, in order (a candidate must not overtake its description). ----
  let outbox: Promise<void> = Promise.resolve();

  function send(kind: SignalKind, payload: OutgoingSignal["payload"]): Promise<void> {
    outbox = outbox.then(async () => {
      for (let attempt = 0; ; attempt += 1) {
        // Whatever was still queued is pointless once the call is over; only the goodbye matters.
        if (closed && kind !== "bye") return;
        try {
          await sendSignal(visitId, { session, kind, payload });
          return;
        } catch (failure) {
          if (failure instanceof ApiError && failure.status === 409 && failure.message === SESSION_ENDED) {
            if (!closed) callbacks.onSessionEnded();
            return;
          }
          const delay = SEND_RETRY_DELAYS_MS[attempt];
          if (delay === undefined || !retryable(failure)) {
            console.warn(`Video: a ${kind} signal could not be delivered.`);
            return;
          }
          await sleep(delay);
        }
      }
    });
    return outbox;
  }

  const sendDescription = (peer: Peer) => {
    const description = peer.pc.localDescription;
    if (current === peer && description) {
      void send("description", { type: description.type, sdp: description.sdp });
    }
  };

  // ---- The connection with one session of the other side. ----
  function disconnect() {
    const peer = current;
    if (!peer) return;
    current = null;
    clearTimeout(peer.disconnectedTimer);
    peer.pc.close();
    previousSample = null;
    callbacks.onRemoteStream(null);
  }

  function connectTo(peerSession: string): Peer {
    if (current) retired.add(current.session);
    disconnect();
    const pc = new RTCPeerConnection({ iceServers });
    const peer: Peer = {
      session: peerSession,
      pc,
      makingOffer: false,
      ignoreOffer: false,
      isSettingRemoteAnswerPending: false,
      announced: false,
      disconnectedTimer: undefined,
    };
    current = peer;

    pc.onnegotiationneeded = async () => {
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        sendDescription(peer);
      } catch {
        console.warn("Video: an offer could not be made.");
      } finally {
        peer.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      // The end-of-candidates marker (null) is optional: trickle ICE works without it.
      if (candidate && current === peer) void send("candidate", candidate.toJSON());
    };
    pc.ontrack = ({ track, streams }) => {
      if (current !== peer) return;
      // Both sides add their tracks with their stream, so the stream arrives with them.
      callbacks.onRemoteStream(streams[0] ?? new MediaStream([track]));
    };
    pc.onconnectionstatechange = () => {
      if (current !== peer || pc.connectionState !== "connected" || peer.announced) return;
      peer.announced = true;
      callbacks.onPeer(true);
    };
    pc.oniceconnectionstatechange = () => {
      clearTimeout(peer.disconnectedTimer);
      if (current !== peer) return;
      if (pc.iceConnectionState === "failed") pc.restartIce();
      else if (pc.iceConnectionState === "disconnected") {
        peer.disconnectedTimer = setTimeout(() => {
          if (current === peer && pc.iceConnectionState === "disconnected") pc.restartIce();
        }, DISCONNECTED_GRACE_MS);
      }
    };
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    return peer;
  }

  async function onDescription(peer: Peer, description: RTCSessionDescriptionInit) {
    const { pc } = peer;
    const readyForOffer =
      !peer.makingOffer && (pc.signalingState === "stable" || peer.isSettingRemoteAnswerPending);
    const offerCollision = description.type === "offer" && !readyForOffer;
    peer.ignoreOffer = !polite && offerCollision;
    if (peer.ignoreOffer) return;
    peer.isSettingRemoteAnswerPending = description.type === "answer";
    try {
      // The polite side's pending offer is rolled back by the browser here.
      await pc.setRemoteDescription(description);
    } finally {
      peer.isSettingRemoteAnswerPending = false;
    }
    if (description.type === "offer") {
      await pc.setLocalDescription();
      sendDescription(peer);
    }
  }

  async function onCandidate(peer: Peer, candidate: RTCIceCandidateInit) {
    try {
      await peer.pc.addIceCandidate(candidate);
    } catch (failure) {
      // Candidates of an offer this side ignored are expected to fail.
      if (!peer.ignoreOffer) throw failure;
    }
  }

  async function handle(signal: SignalView) {
    if (signal.session === session || retired.has(signal.session)) return;
    const isCurrent = current?.session === signal.session;
    try {
      switch (signal.kind) {
        case "hello":
          // The new connection's negotiationneeded makes the offer.
          if (!isCurrent) connectTo(signal.session);
          return;
        case "description": {
          const description = descriptionFrom(signal.payload);
          if (!description) return;
          const peer = isCurrent && current ? current : connectTo(signal.session);
          await onDescription(peer, description);
          return;
        }
        case "candidate": {
          const candidate = candidateFrom(signal.payload);
          if (isCurrent && current && candidate) await onCandidate(current, candidate);
          return;
        }
        case "bye":
          if (!isCurrent) return;
          retired.add(signal.session);
          disconnect();
          callbacks.onPeer(false);
          return;
      }
    } catch {
      // One bad signal must not stop the ones after it; an ICE restart recovers a stuck negotiation.
      console.warn(`Video: a ${signal.kind} signal could not be applied.`);
    }
  }

  // ---- Receiving: one fetch at a time, each signal applied once and in order. ----
  let cursor = signalCursor;
  /** The newest signal id an event announced: a capped page may not have reached it yet. */
  let announced = 0n;
  let pulling = false;
  let pullAgain = false;
  let pullRetry: ReturnType<typeof setTimeout> | undefined;

  function pullSignals(upTo?: string) {
    if (closed) return;
    const id = upTo === undefined ? null : signalId(upTo);
    if (id !== null && id > announced) announced = id;
    if (pulling) {
      pullAgain = true;
      return;
    }
    pulling = true;
    clearTimeout(pullRetry);
    void (async () => {
      try {
        do {
          pullAgain = false;
          const page = await fetchSignals(visitId, cursor);
          for (const signal of page.signals) {
            if (closed) return;
            await handle(signal);
            cursor = signal.id;
          }
          cursor = page.cursor;
          const reached = signalId(cursor);
          if (page.signals.length && reached !== null && reached < announced) pullAgain = true;
        } while (pullAgain && !closed);
      } catch (failure) {
        if (!closed && retryable(failure)) pullRetry = setTimeout(() => pullSignals(), PULL_RETRY_MS);
      } finally {
        pulling = false;
      }
    })();
  }

  // ---- Quality: sampled from getStats(). ----
  async function sampleQuality() {
    const peer = current;
    const ice = peer?.pc.iceConnectionState;
    if (!peer || (ice !== "connected" && ice !== "completed")) {
      previousSample = null;
      callbacks.onQuality("connecting");
      return;
    }
    try {
      const sample = summarizeStats(await peer.pc.getStats());
      if (closed || current !== peer) return;
      callbacks.onQuality(callQuality(sample, previousSample));
      previousSample = sample;
    } catch {
      // The connection closed while sampling: the next tick sees it.
    }
  }
  const statsTimer = setInterval(() => void sampleQuality(), STATS_INTERVAL_MS);

  // A new network (Wi-Fi to mobile, back online) needs new candidates; signals may have been missed.
  const onOnline = () => {
    current?.pc.restartIce();
    pullSignals();
  };
  window.addEventListener("online", onOnline);

  function close() {
    if (closed) return;
    closed = true;
    clearInterval(statsTimer);
    clearTimeout(pullRetry);
    window.removeEventListener("online", onOnline);
    disconnect();
  }

  callbacks.onQuality("connecting");
  void send("hello", null);
  pullSignals();

  return {
    pullSignals,
    // The senders carry the room's own tracks, so track.enabled is all it takes.
    setMicrophone: () => undefined,
    setCamera: () => undefined,
    // Not retired: should the event come late, after their next session's hello, that
    // session's next offer (an ICE restart when its connection fails) connects again.
    remoteLeft: disconnect,
    async hangUp(waitMs = 1_500) {
      if (closed) return;
      const bye = send("bye", null);
      close();
      await Promise.race([bye, sleep(waitMs)]);
    },
    hangUpNow() {
      if (closed) return;
      sendSignalBeacon(visitId, { session, kind: "bye", payload: null });
      close();
    },
    close,
  };
}
