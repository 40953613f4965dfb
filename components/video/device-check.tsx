"use client";
// Before joining: the person sees themselves, picks a camera and microphone, sees the
// microphone react to their voice, and is told in plain words what to do when the
// browser refuses or finds nothing. The stream chosen here is the one the call sends.
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/form";

type MediaProblem = "NotAllowedError" | "NotFoundError" | "NotReadableError" | "insecure" | "other";

const PROBLEMS: Record<MediaProblem, string> = {
  NotAllowedError:
    "Haven is not allowed to use your camera and microphone. Allow both for this site (the camera or padlock icon in the address bar opens the site's permissions), then press Try again.",
  NotFoundError:
    "No camera or microphone was found. Connect one, or check that it is switched on, then press Try again.",
  NotReadableError:
    "Your camera or microphone could not be started: another app or browser tab is probably using it. Close other video call or camera apps, then press Try again.",
  insecure:
    "This browser allows the camera and microphone only on a secure connection. Open Haven through its https:// address.",
  other: "Your camera and microphone could not be started. Press Try again, or restart your browser.",
};

/** The meter is redrawn about ten times a second: smooth enough to see, cheap to render. */
const METER_INTERVAL_MS = 100;
/** The meter's scale in dBFS: -60 (a quiet room) reads 0, full scale reads 100. */
const METER_FLOOR_DB = -60;

/** One kind of device to open: a particular one, the browser's default, or none of that kind. */
export type Device = { id: string } | "default" | "none";
export interface DeviceChoice {
  camera: Device;
  microphone: Device;
}
interface Choice extends DeviceChoice {
  /** Bumped by Try again to open the same choice once more. */
  attempt: number;
}

type Opened = { stream: MediaStream; notice: string | null } | { problem: MediaProblem };

const nameOf = (failure: unknown) =>
  failure instanceof DOMException || failure instanceof Error ? failure.name : "";

const problemOf = (failure: unknown): MediaProblem => {
  const name = nameOf(failure);
  if (name === "NotAllowedError" || name === "SecurityError") return "NotAllowedError";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "NotFoundError";
  if (name === "NotReadableError" || name === "AbortError") return "NotReadableError";
  return "other";
};

const constraintOf = (device: Device): boolean | MediaTrackConstraints =>
  device === "none" ? false : device === "default" ? true : { deviceId: { exact: device.id } };

/** Opens the chosen devices; with neither camera nor microphone found, tries each one alone. */
async function openMedia(choice: DeviceChoice): Promise<Opened> {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) return { problem: "insecure" };
  const get = (camera: Device, microphone: Device) =>
    navigator.mediaDevices.getUserMedia({ video: constraintOf(camera), audio: constraintOf(microphone) });
  try {
    return { stream: await get(choice.camera, choice.microphone), notice: null };
  } catch (failure) {
    // A chosen device that went away (unplugged): the defaults rather than an error.
    if (nameOf(failure) === "OverconstrainedError") {
      const fallback = (device: Device): Device => (device === "none" ? "none" : "default");
      try {
        return { stream: await get(fallback(choice.camera), fallback(choice.microphone)), notice: null };
      } catch (again) {
        return { problem: problemOf(again) };
      }
    }
    const problem = problemOf(failure);
    if (problem !== "NotFoundError" || choice.camera === "none" || choice.microphone === "none") {
      return { problem };
    }
  }
  // Asking for both fails when either is missing: find out which one there is.
  try {
    const stream = await get("none", choice.microphone);
    return {
      stream,
      notice: "No camera was found: you can join with sound only, or connect a camera and press Try again.",
    };
  } catch {
    // No microphone either, or it is refused: try the camera alone.
  }
  try {
    const stream = await get(choice.camera, "none");
    return {
      stream,
      notice:
        "No microphone was found: the other person will see you but not hear you. Connect a microphone and press Try again.",
    };
  } catch (failure) {
    return { problem: problemOf(failure) };
  }
}

export const stopAll = (stream: MediaStream | null) => stream?.getTracks().forEach((track) => track.stop());

const deviceOf = (track: MediaStreamTrack | undefined): Device => {
  if (!track) return "none";
  const id = track.getSettings().deviceId;
  return id ? { id } : "default";
};

/** The devices a stream came from, to open the same ones again (Rejoin). */
export const devicesOf = (stream: MediaStream): DeviceChoice => {
  const [video] = stream.getVideoTracks();
  const [audio] = stream.getAudioTracks();
  return {
    camera: deviceOf(video),
    microphone: deviceOf(audio),
  };
};

/** Opens the same devices again without the check (Rejoin); null when that fails (the check then shows why). */
export async function reopenDevices(choice: DeviceChoice): Promise<MediaStream | null> {
  const opened = await openMedia(choice);
  return "stream" in opened ? opened.stream : null;
}

function useMicrophoneLevel(track: MediaStreamTrack | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track || typeof AudioContext !== "function") return;
    const context = new AudioContext();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    let drawnAt = 0;
    const draw = (now: number) => {
      frame = requestAnimationFrame(draw);
      if (now - drawnAt < METER_INTERVAL_MS) return;
      drawnAt = now;
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const rms = Math.sqrt(sum / samples.length);
      const db = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
      setLevel(Math.round(Math.min(100, Math.max(0, ((db - METER_FLOOR_DB) / -METER_FLOOR_DB) * 100))));
    };
    frame = requestAnimationFrame(draw);
    // Created without a click, the context may start suspended; capture permission usually lets it run.
    void context.resume().catch(() => undefined);
    return () => {
      cancelAnimationFrame(frame);
      source.disconnect();
      void context.close().catch(() => undefined);
      setLevel(0);
    };
  }, [track]);
  return level;
}

export function DeviceCheck({
  onJoin,
  children,
}: {
  /**
   * The person pressed "Join the visit" with this stream. `joined`: the room took the stream
   * (it now stops the tracks); else the reason is shown here and the preview stays.
   */
  onJoin: (stream: MediaStream) => Promise<{ joined: true } | { joined: false; error: string }>;
  /** Shown above the Join button (what the person will join into). */
  children?: ReactNode;
}) {
  const id = useId();
  const [choice, setChoice] = useState<Choice>({ camera: "default", microphone: "default", attempt: 0 });
  const [opened, setOpened] = useState<Opened | null>(null);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [joining, setJoining] = useState(false);
  const [joinError, setJoinError] = useState<string | null>(null);
  const preview = useRef<HTMLVideoElement>(null);
  const levelBar = useRef<HTMLDivElement>(null);
  /** The stream this component owns (to stop it), until it is handed to the room. */
  const owned = useRef<MediaStream | null>(null);

  const stream = opened && "stream" in opened ? opened.stream : null;
  const audioTrack = stream?.getAudioTracks()[0] ?? null;
  const videoTrack = stream?.getVideoTracks()[0] ?? null;
  const level = useMicrophoneLevel(audioTrack);
  useEffect(() => {
    if (levelBar.current) levelBar.current.style.width = `${level}%`;
  }, [level]);

  const listDevices = useCallback(async () => {
    try {
      setDevices(await navigator.mediaDevices.enumerateDevices());
    } catch {
      // The selects keep what they listed.
    }
  }, []);

  /** Opens other devices; the current ones are stopped first (some phones cannot open two cameras). */
  const reopen = (update: (current: Choice) => Omit<Choice, "attempt">) => {
    stopAll(owned.current);
    owned.current = null;
    setOpened(null);
    setChoice((current) => ({ ...update(current), attempt: current.attempt + 1 }));
  };

  useEffect(() => {
    let cancelled = false;
    void openMedia(choice).then((result) => {
      if (cancelled) {
        if ("stream" in result) stopAll(result.stream);
        return;
      }
      if ("stream" in result) {
        owned.current = result.stream;
        // An unplugged device ends its track: open the default one of that kind instead.
        for (const track of result.stream.getTracks()) {
          track.addEventListener("ended", () => {
            if (owned.current !== result.stream) return;
            stopAll(result.stream);
            owned.current = null;
            setOpened(null);
            const kind = track.kind === "video" ? "camera" : "microphone";
            setChoice((current) => ({ ...current, [kind]: "default", attempt: current.attempt + 1 }));
          });
        }
      }
      setOpened(result);
      // Labels are empty until the person has allowed access: list them now.
      void listDevices();
    });
    return () => {
      cancelled = true;
    };
  }, [choice, listDevices]);

  useEffect(() => {
    const mediaDevices = navigator.mediaDevices;
    if (!mediaDevices) return;
    const onChange = () => void listDevices();
    mediaDevices.addEventListener("devicechange", onChange);
    return () => mediaDevices.removeEventListener("devicechange", onChange);
  }, [listDevices]);

  // Whatever was not handed to the room is stopped when the check goes away.
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      stopAll(owned.current);
      owned.current = null;
    };
  }, []);

  useEffect(() => {
    if (preview.current) preview.current.srcObject = stream;
  }, [stream]);

  async function join() {
    const chosen = stream;
    if (!chosen) return;
    setJoining(true);
    setJoinError(null);
    // The room may take the stream while this awaits (and unmount this): it is not ours to stop meanwhile.
    owned.current = null;
    const result = await onJoin(chosen);
    if (result.joined) return;
    if (!mounted.current) {
      stopAll(chosen);
      return;
    }
    owned.current = chosen;
    setJoining(false);
    setJoinError(result.error);
  }

  const cameras = devices.filter((device) => device.kind === "videoinput" && device.deviceId);
  const microphones = devices.filter((device) => device.kind === "audioinput" && device.deviceId);
  const cameraId = videoTrack?.getSettings().deviceId ?? "";
  const microphoneId = audioTrack?.getSettings().deviceId ?? "";
  const problem = opened && "problem" in opened ? opened.problem : null;
  const notice = opened && "notice" in opened ? opened.notice : null;

  const select = (
    kind: "camera" | "microphone",
    label: string,
    list: MediaDeviceInfo[],
    value: string,
    fallback: string,
  ) => (
    <div className="space-y-1">
      <label htmlFor={`${id}-${kind}`} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <select
        id={`${id}-${kind}`}
        value={list.some((device) => device.deviceId === value) ? value : ""}
        disabled={joining || list.length === 0}
        onChange={(event) =>
          reopen((current) => ({
            ...current,
            [kind]: event.target.value ? { id: event.target.value } : "default",
          }))
        }
        className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm focus:border-brand-600 focus:ring-2 focus:ring-brand-100 focus:outline-none"
      >
        {list.length === 0 ? <option value="">{fallback}</option> : null}
        {list.length > 0 && !list.some((device) => device.deviceId === value) ? (
          <option value="">Default</option>
        ) : null}
        {list.map((device, index) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || `${label} ${index + 1}`}
          </option>
        ))}
      </select>
    </div>
  );

  // The same way out of a refusal (an error) and a partial success (a notice): the defaults again.
  const tryAgain = (
    <Button
      type="button"
      variant="secondary"
      disabled={joining}
      onClick={() => reopen(() => ({ camera: "default", microphone: "default" }))}
    >
      Try again
    </Button>
  );
  return (
    <section
      aria-labelledby={`${id}-heading`}
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      <h2 id={`${id}-heading`} className="text-lg font-semibold text-brand-900">
        Check your camera and microphone
      </h2>
      <div className="grid gap-6 md:grid-cols-2">
        <div className="relative aspect-video overflow-hidden rounded-md bg-slate-900">
          <video
            ref={preview}
            muted
            playsInline
            autoPlay
            className={`h-full w-full -scale-x-100 object-cover ${videoTrack ? "" : "invisible"}`}
          />
          {!videoTrack ? (
            <p className="absolute inset-0 flex items-center justify-center p-4 text-center text-sm text-white">
              {opened ? "No camera picture" : "Starting your camera…"}
            </p>
          ) : null}
        </div>
        <div className="space-y-4">
          {select("camera", "Camera", cameras, cameraId, "No camera available")}
          {select("microphone", "Microphone", microphones, microphoneId, "No microphone available")}
          <div className="space-y-1">
            <p id={`${id}-meter-label`} className="text-sm font-medium text-slate-800">
              Microphone level
            </p>
            <div
              role="meter"
              aria-labelledby={`${id}-meter-label`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={level}
              aria-describedby={`${id}-meter-hint`}
              className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
            >
              {/* Sized through the DOM (levelBar), not a style attribute: the CSP refuses inline styles in HTML. */}
              <div
                ref={levelBar}
                className="h-full w-0 rounded-full bg-brand-600 transition-[width] duration-100"
              />
            </div>
            <p id={`${id}-meter-hint`} className="text-xs text-slate-600">
              {audioTrack ? "Say something: the bar should move." : "No microphone is on."}
            </p>
          </div>
        </div>
      </div>

      {problem ? (
        <div
          role="alert"
          className="space-y-3 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800"
        >
          <p>{PROBLEMS[problem]}</p>
          {problem !== "insecure" ? tryAgain : null}
        </div>
      ) : null}
      {notice ? (
        <div
          role="status"
          className="space-y-3 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
        >
          <p>{notice}</p>
          {tryAgain}
        </div>
      ) : null}

      {children}
      {joinError ? (
        <p role="alert" className="text-sm text-red-700">
          {joinError}
        </p>
      ) : null}
      <Button type="button" disabled={!stream || joining} onClick={() => void join()}>
        {joining ? "Joining…" : "Join the visit"}
      </Button>
    </section>
  );
}
