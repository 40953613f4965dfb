"use client";
// A visit's video room: device check → join → (patient) waiting room → call → ended or
// left. The server decides where each side is (RoomJoin, RoomStatus and the `video.*`
// realtime events); this component follows it and runs the call. The call itself lives
// outside React (builtin-call.ts, agora-call.ts) and is started and stopped from event
// handlers, so re-renders and strict-mode effect replays never make a second connection.
import type { Route } from "next";
import {
  type ComponentProps,
  type ReactNode,
  type RefObject,
  useEffect,
  useEffectEvent,
  useId,
  useRef,
  useState,
} from "react";
import { messageOf } from "@/components/http/api-client";
import { keepSessionAlive } from "@/components/layout/keep-session-alive";
import { useRealtimeEvent, useRealtimeState } from "@/components/realtime/realtime-provider";
import { Button } from "@/components/ui/form";
import type { RoomJoin, RoomStatus } from "@/lib/domain/video/schemas";
import { admitPatient, endVisit, fetchRoomState, joinRoom, leaveRoom, leaveRoomBeacon } from "./api";
import { startAgoraCall } from "./agora-call";
import { startBuiltinCall } from "./builtin-call";
import type { Call, CallCallbacks } from "./call";
import type { CallQuality } from "./call-quality";
import { DeviceCheck, type DeviceChoice, devicesOf, reopenDevices, stopAll } from "./device-check";

export interface VisitRoomProps {
  visitId: string;
  role: "DOCTOR" | "PATIENT";
  /** How this person calls the other: "Dr. Okafor", or the patient's name. Shown only, never sent. */
  counterpartName: string;
  initial: RoomStatus;
  /** The server's transport (Agora's SDK is fetched ahead only when it will be used). */
  transportKind: "builtin" | "agora";
  /** Where "Back to the visit" goes (the visit's page in this portal). */
  backHref: Route;
  /** The doctor's notes, beside the video on wide screens and below it on narrow ones. */
  notesPanel?: ReactNode;
}

type Phase = "check" | "waiting" | "call" | "ended" | "left";
/** Whether the other side is in the call: not yet seen, connected, or gone (they may come back). */
type Peer = "unknown" | "here" | "left";
type Busy = "admit" | "end" | "leave" | "rejoin" | null;

/** How often, at most, a tab in the waiting room or a call extends the session. */
const KEEP_ALIVE_MS = 2 * 60_000;

/** A visit in any of these statuses has no room any more. */
const ENDED_STATUSES: ReadonlySet<string> = new Set(["COMPLETED", "NO_SHOW", "CANCELLED", "EXPIRED"]);

const QUALITY_TEXT: Record<CallQuality, string> = {
  good: "Connection: good",
  fair: "Connection: fair",
  poor: "Connection: poor",
  connecting: "Connection: connecting…",
};
/** Signal strength bars beside the words (decoration: the words carry the meaning). */
const QUALITY_BARS: Record<CallQuality, number> = { good: 3, fair: 2, poor: 1, connecting: 0 };

/** A <video> showing a MediaStream (srcObject cannot be set from JSX). */
function StreamVideo({
  stream,
  onBlocked,
  element: given,
  ...video
}: {
  stream: MediaStream | null;
  onBlocked?: () => void;
  element?: RefObject<HTMLVideoElement | null>;
} & Omit<ComponentProps<"video">, "ref">) {
  const own = useRef<HTMLVideoElement>(null);
  const element = given ?? own;
  const blocked = useEffectEvent(() => onBlocked?.());
  useEffect(() => {
    const node = element.current;
    if (!node) return;
    node.srcObject = stream;
    // autoPlay covers the usual case (the person clicked Join); a refusal is reported so the
    // sound can be started with a click.
    if (stream) {
      node.play().catch((failure: unknown) => {
        if (failure instanceof DOMException && failure.name === "NotAllowedError") blocked();
      });
    }
  }, [stream, element]);
  return <video ref={element} {...video} />;
}

export function VisitRoom({
  visitId,
  role,
  counterpartName,
  initial,
  transportKind,
  backHref,
  notesPanel,
}: VisitRoomProps) {
  const id = useId();
  const [phase, setPhase] = useState<Phase>(initial.state === "ended" ? "ended" : "check");
  const [patientWaiting, setPatientWaiting] = useState(initial.patientWaiting);
  const [localStream, setLocalStream] = useState<MediaStream | null>(null);
  const [remoteStream, setRemoteStream] = useState<MediaStream | null>(null);
  const [peer, setPeer] = useState<Peer>("unknown");
  const [quality, setQuality] = useState<CallQuality>("connecting");
  const [microphoneOn, setMicrophoneOn] = useState(true);
  const [cameraOn, setCameraOn] = useState(true);
  const [soundBlocked, setSoundBlocked] = useState(false);
  const [confirmingEnd, setConfirmingEnd] = useState(false);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");

  // What event handlers and async continuations must read as it is now, not as it was rendered.
  const phaseRef = useRef(phase);
  const joined = useRef<RoomJoin | null>(null);
  const local = useRef<MediaStream | null>(null);
  const call = useRef<Call | null>(null);
  const peerRef = useRef<Peer>("unknown");
  const devices = useRef<DeviceChoice>({ camera: "default", microphone: "default" });
  const heading = useRef<HTMLHeadingElement>(null);
  const remoteVideo = useRef<HTMLVideoElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);

  const go = (next: Phase) => {
    phaseRef.current = next;
    setPhase(next);
  };

  /** Said by screen readers; the same sentence twice in a row must still be heard. */
  const announce = (text: string) => setAnnouncement((last) => (last === text ? `${text}\u00a0` : text));

  const markPeer = (next: Peer) => {
    if (peerRef.current === next) return;
    const before = peerRef.current;
    peerRef.current = next;
    setPeer(next);
    if (next === "here") announce(`${counterpartName} joined`);
    else if (next === "left" && before === "here") announce(`${counterpartName} left`);
  };

  /** Everything this tab holds for the call goes: connection, camera and microphone, session. */
  function teardown() {
    call.current?.close();
    call.current = null;
    stopAll(local.current);
    local.current = null;
    joined.current = null;
    peerRef.current = "unknown";
    setLocalStream(null);
    setRemoteStream(null);
    setPeer("unknown");
    setQuality("connecting");
    setConfirmingEnd(false);
    setSoundBlocked(false);
  }

  function showEnded() {
    if (phaseRef.current === "ended") return;
    teardown();
    go("ended");
    announce("The visit has ended");
  }

  function enterCall() {
    const join = joined.current;
    const stream = local.current;
    if (!join || !stream || call.current) return;
    go("call");
    const callbacks: CallCallbacks = {
      onRemoteStream: setRemoteStream,
      onPeer: (present) => markPeer(present ? "here" : "left"),
      onQuality: setQuality,
      onError: setError,
      onSessionEnded: () => {
        // This person joined again from another tab or window: that one has the room now.
        joined.current = null;
        teardown();
        go("left");
        setError("You joined this visit from another window or tab, so this one left the room.");
      },
    };
    if (join.transport.kind === "agora") {
      // agora-call.ts imports the SDK itself, on demand: the built-in room never downloads it.
      call.current = startAgoraCall({ visitId, token: join.transport, stream, callbacks });
    } else {
      call.current = startBuiltinCall({
        visitId,
        session: join.session,
        signalCursor: join.signalCursor,
        transport: join.transport,
        stream,
        callbacks,
      });
    }
  }

  /** Follows the server's word on where the room is. */
  function apply(status: RoomStatus) {
    setPatientWaiting(status.patientWaiting);
    if (status.state === "ended") return showEnded();
    if (status.state === "admitted" && phaseRef.current === "waiting") enterCall();
  }

  async function join(stream: MediaStream): Promise<{ joined: true } | { joined: false; error: string }> {
    const from = phaseRef.current;
    setError(null);
    let join: RoomJoin;
    try {
      join = await joinRoom(visitId);
    } catch (failure) {
      return { joined: false, error: messageOf(failure) };
    }
    if (phaseRef.current !== from) {
      // The visit ended while joining: the session just made is let go at once.
      leaveRoomBeacon(visitId, join.session);
      return { joined: false, error: "The visit has ended." };
    }
    joined.current = join;
    local.current = stream;
    devices.current = devicesOf(stream);
    setLocalStream(stream);
    setMicrophoneOn(true);
    setCameraOn(true);
    setPatientWaiting(join.patientWaiting);
    if (join.state === "ended") showEnded();
    else if (join.state === "admitted") enterCall();
    else {
      go("waiting");
      if (role === "PATIENT") announce("You are in the waiting room");
      // An admission (or end) while the join was on its way was announced before this page listened.
      void refresh();
    }
    return { joined: true };
  }

  async function admit() {
    setBusy("admit");
    setError(null);
    try {
      apply(await admitPatient(visitId));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(null);
    }
  }

  async function end() {
    setBusy("end");
    setError(null);
    try {
      apply(await endVisit(visitId));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(null);
    }
  }

  async function leave() {
    const join = joined.current;
    if (!join) return;
    setBusy("leave");
    // Out of the room from here on: an admission arriving meanwhile must not start a call.
    joined.current = null;
    const leaving = call.current;
    call.current = null;
    // Goodbye first: the server refuses signals from a session that has left.
    await leaving?.hangUp();
    try {
      await leaveRoom(visitId, join.session);
    } catch {
      leaveRoomBeacon(visitId, join.session);
    }
    setBusy(null);
    if (phaseRef.current === "ended") return;
    teardown();
    go("left");
  }

  async function rejoin() {
    setBusy("rejoin");
    setError(null);
    const stream = await reopenDevices(devices.current);
    if (!stream) {
      // The check says what is wrong with the camera or microphone.
      setBusy(null);
      go("check");
      return;
    }
    const result = await join(stream);
    setBusy(null);
    if (!result.joined) {
      stopAll(stream);
      setError(result.error);
    }
  }

  async function refresh() {
    try {
      apply(await fetchRoomState(visitId));
    } catch {
      // The next event or reconnection tries again.
    }
    call.current?.pullSignals();
  }

  function toggleMicrophone() {
    const on = !microphoneOn;
    setMicrophoneOn(on);
    for (const track of local.current?.getAudioTracks() ?? []) track.enabled = on;
    call.current?.setMicrophone(on);
  }

  function toggleCamera() {
    const on = !cameraOn;
    setCameraOn(on);
    for (const track of local.current?.getVideoTracks() ?? []) track.enabled = on;
    call.current?.setCamera(on);
  }

  useRealtimeEvent((event) => {
    if (event.name === "resync") {
      void refresh();
      return;
    }
    if (!("visitId" in event.data) || event.data.visitId !== visitId) return;
    switch (event.name) {
      case "video.waiting":
        if (role !== "DOCTOR") return;
        setPatientWaiting(true);
        if (phaseRef.current === "waiting" || phaseRef.current === "check")
          announce(`${counterpartName} joined`);
        return;
      case "visit.status":
        // However the status changed (this room, the visit page's Start or Complete, a no-show).
        if (event.data.status === "IN_PROGRESS") {
          if (phaseRef.current === "waiting") enterCall();
        } else if (ENDED_STATUSES.has(event.data.status)) showEnded();
        return;
      case "video.left":
        if (role === "DOCTOR") setPatientWaiting(false);
        if (phaseRef.current === "waiting" && role === "DOCTOR") announce(`${counterpartName} left`);
        // Their session is gone; a new one says hello when they come back.
        if (call.current) {
          call.current.remoteLeft();
          markPeer("left");
        }
        return;
      case "video.signal":
        call.current?.pullSignals(event.data.signalId);
        return;
      default:
        return;
    }
  });

  // Waiting for the doctor and talking on video are activity, though nothing is clicked: the
  // session must not end mid-visit at the idle timeout. Extended on entering, then again before
  // half of what is left has passed.
  const inRoom = phase === "waiting" || phase === "call";
  useEffect(() => {
    if (!inRoom) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const extend = async () => {
      const secondsLeft = await keepSessionAlive();
      if (stopped) return;
      // Well inside whatever idle timeout the clinic set: at most half of what is left.
      const next = secondsLeft === null ? KEEP_ALIVE_MS : Math.min(KEEP_ALIVE_MS, (secondsLeft * 1000) / 2);
      timer = setTimeout(() => void extend(), Math.max(next, 5_000));
    };
    void extend();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [inRoom]);

  // After the realtime connection drops and comes back, events may have been missed.
  const connection = useRealtimeState();
  const lastConnection = useRef({ state: connection, wasOpen: connection === "open" });
  const onReconnected = useEffectEvent(() => void refresh());
  useEffect(() => {
    const last = lastConnection.current;
    if (connection === last.state) return;
    if (connection === "open" && last.wasOpen) onReconnected();
    lastConnection.current = { state: connection, wasOpen: last.wasOpen || connection === "open" };
  }, [connection]);

  // Closing or leaving the page leaves the room: the other side is told at once.
  const abandon = useEffectEvent(() => {
    const join = joined.current;
    if (!join) return;
    call.current?.hangUpNow();
    call.current = null;
    leaveRoomBeacon(visitId, join.session);
    joined.current = null;
    stopAll(local.current);
    local.current = null;
  });
  // A page restored from the back-forward cache is no longer in the room.
  const onPageHide = useEffectEvent(() => {
    if (!joined.current) return;
    abandon();
    teardown();
    go("left");
  });
  useEffect(() => {
    const listener = () => onPageHide();
    window.addEventListener("pagehide", listener);
    return () => {
      window.removeEventListener("pagehide", listener);
      abandon();
    };
  }, []);

  // Agora's SDK is large: start fetching it while the person checks their devices.
  useEffect(() => {
    if (transportKind === "agora") void import("agora-rtc-sdk-ng").catch(() => undefined);
  }, [transportKind]);

  // A phase change replaces what had focus (Join, Leave…): focus goes to the new heading.
  const focusedPhase = useRef(phase);
  useEffect(() => {
    if (focusedPhase.current === phase) return;
    focusedPhase.current = phase;
    heading.current?.focus();
  }, [phase]);

  useEffect(() => {
    if (confirmingEnd) confirmButton.current?.focus();
  }, [confirmingEnd]);

  const headingProps = {
    ref: heading,
    tabIndex: -1,
    id: `${id}-heading`,
    className: "text-lg font-semibold text-brand-900 focus:outline-none",
  } as const;

  const errorLine = error ? (
    <p role="alert" className="text-sm text-red-700">
      {error}
    </p>
  ) : null;

  const selfView = (
    <StreamVideo
      stream={localStream}
      data-testid="local-video"
      muted
      playsInline
      autoPlay
      className={`h-full w-full -scale-x-100 object-cover ${cameraOn ? "" : "invisible"}`}
    />
  );

  const mediaToggles = (
    <>
      <Button type="button" variant="secondary" aria-pressed={!microphoneOn} onClick={toggleMicrophone}>
        {microphoneOn ? "Mute microphone" : "Unmute microphone"}
      </Button>
      <Button type="button" variant="secondary" aria-pressed={!cameraOn} onClick={toggleCamera}>
        {cameraOn ? "Turn camera off" : "Turn camera on"}
      </Button>
    </>
  );

  const leaveButton = (
    <Button type="button" variant="secondary" disabled={busy !== null} onClick={() => void leave()}>
      {busy === "leave" ? "Leaving…" : "Leave the room"}
    </Button>
  );

  let content: ReactNode;
  switch (phase) {
    case "check":
      content = (
        <DeviceCheck onJoin={join}>
          <p className="text-sm text-slate-700">
            {role === "PATIENT"
              ? `After you join, you wait in the waiting room until ${counterpartName} lets you in.`
              : patientWaiting
                ? `${counterpartName} is in the waiting room.`
                : "The patient has not joined yet. You can join now and admit them when they arrive."}
          </p>
          {errorLine}
        </DeviceCheck>
      );
      break;

    case "waiting":
      content = (
        <section
          aria-labelledby={`${id}-heading`}
          className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
        >
          <h2 {...headingProps}>Waiting room</h2>
          {role === "PATIENT" ? (
            <div className="space-y-1">
              <p className="text-slate-800">Waiting for {counterpartName} to let you in…</p>
              <p className="text-sm text-slate-700">Keep this page open. The call starts by itself.</p>
            </div>
          ) : patientWaiting ? (
            <div className="flex flex-wrap items-center gap-3">
              <p className="text-slate-800">{counterpartName} is waiting.</p>
              <Button type="button" disabled={busy !== null} onClick={() => void admit()}>
                {busy === "admit" ? "Admitting…" : `Admit ${counterpartName}`}
              </Button>
            </div>
          ) : (
            <p className="text-slate-800">The patient has not joined yet.</p>
          )}
          {errorLine}
          <div className="aspect-video w-full max-w-sm overflow-hidden rounded-md bg-slate-900">
            {selfView}
          </div>
          <div className="flex flex-wrap gap-2">
            {mediaToggles}
            {leaveButton}
          </div>
        </section>
      );
      break;

    case "call":
      content = (
        <section aria-labelledby={`${id}-heading`} className="space-y-3">
          <h2 {...headingProps} className="sr-only">
            Video call with {counterpartName}
          </h2>
          <div className="relative aspect-video w-full overflow-hidden rounded-lg bg-slate-900">
            {/* The other side's sound plays from this element too: it must not be muted. */}
            <StreamVideo
              stream={remoteStream}
              element={remoteVideo}
              data-testid="remote-video"
              autoPlay
              playsInline
              onBlocked={() => setSoundBlocked(true)}
              className="h-full w-full object-contain"
            />
            {peer === "left" || !remoteStream ? (
              <p className="absolute inset-0 flex items-center justify-center p-6 text-center text-white">
                {peer === "left"
                  ? `${counterpartName} left; waiting for them to come back`
                  : `Waiting for ${counterpartName} to connect…`}
              </p>
            ) : null}
            <div className="absolute right-3 bottom-3 aspect-video w-1/4 max-w-56 min-w-24 overflow-hidden rounded-md border-2 border-white bg-slate-800 shadow-lg">
              {selfView}
            </div>
          </div>
          {soundBlocked ? (
            <div className="flex flex-wrap items-center gap-3 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
              <p>Your browser paused the sound of the call.</p>
              <Button
                type="button"
                variant="secondary"
                onClick={() => {
                  remoteVideo.current?.play().then(
                    () => setSoundBlocked(false),
                    () => undefined,
                  );
                }}
              >
                Play sound
              </Button>
            </div>
          ) : null}
          {errorLine}
          <div className="flex flex-wrap items-center gap-2">
            {mediaToggles}
            {leaveButton}
            {role === "DOCTOR" ? (
              confirmingEnd ? (
                <div
                  role="group"
                  aria-labelledby={`${id}-end-question`}
                  className="flex flex-wrap items-center gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2"
                >
                  <p id={`${id}-end-question`} className="text-sm text-red-800">
                    Finish the visit for both of you?
                  </p>
                  <Button
                    ref={confirmButton}
                    type="button"
                    variant="danger"
                    disabled={busy !== null}
                    onClick={() => void end()}
                  >
                    {busy === "end" ? "Ending…" : "Yes, end the visit"}
                  </Button>
                  <Button type="button" variant="secondary" onClick={() => setConfirmingEnd(false)}>
                    Keep talking
                  </Button>
                </div>
              ) : (
                <Button
                  type="button"
                  variant="danger"
                  disabled={busy !== null}
                  onClick={() => setConfirmingEnd(true)}
                >
                  End the visit
                </Button>
              )
            ) : null}
            <p role="status" className="ml-auto flex items-center gap-2 text-sm text-slate-700">
              <span aria-hidden="true" className="flex items-end gap-0.5">
                {/* Classes, not style attributes: the CSP refuses inline styles in server-rendered HTML. */}
                {(["h-1.5", "h-2.5", "h-3.5"] as const).map((height, index) => (
                  <span
                    key={height}
                    className={`inline-block w-1 rounded-sm ${height} ${index < QUALITY_BARS[quality] ? "bg-slate-700" : "bg-slate-300"}`}
                  />
                ))}
              </span>
              {QUALITY_TEXT[quality]}
            </p>
          </div>
        </section>
      );
      break;

    case "ended":
      content = (
        <section
          aria-labelledby={`${id}-heading`}
          className="space-y-3 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
        >
          <h2 {...headingProps}>Visit over</h2>
          <p className="text-slate-800">The visit has ended.</p>
          <p>
            <a href={backHref} className="font-medium text-brand-700 underline">
              Back to the visit
            </a>
          </p>
        </section>
      );
      break;

    case "left":
      content = (
        <section
          aria-labelledby={`${id}-heading`}
          className="space-y-3 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
        >
          <h2 {...headingProps}>Out of the room</h2>
          <p className="text-slate-800">You left the room.</p>
          {errorLine}
          <div className="flex flex-wrap items-center gap-4">
            <Button type="button" disabled={busy !== null} onClick={() => void rejoin()}>
              {busy === "rejoin" ? "Rejoining…" : "Rejoin"}
            </Button>
            <a href={backHref} className="font-medium text-brand-700 underline">
              Back to the visit
            </a>
          </div>
        </section>
      );
      break;
  }

  const withNotes = role === "DOCTOR" && notesPanel;
  return (
    <>
      {withNotes ? (
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <div className="min-w-0">{content}</div>
          <div className="min-w-0">{notesPanel}</div>
        </div>
      ) : (
        content
      )}
      <p role="status" aria-live="polite" className="sr-only">
        {announcement}
      </p>
    </>
  );
}
