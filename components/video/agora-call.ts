// The call through Agora, when the server is configured for it: the same surface as the
// built-in call. The SDK (large) is loaded only here, on demand. The local tracks are the
// device check's own tracks wrapped as custom tracks, so the camera is opened once and the
// self-view, the mute buttons and what is sent are the same tracks. The other side's tracks
// are handed to the room as one MediaStream, shown in the room's own <video> element.
import type { IAgoraRTCClient, IAgoraRTCRemoteUser, ILocalTrack, NetworkQuality } from "agora-rtc-sdk-ng";
import type { VideoToken } from "@/lib/domain/video/schemas";
import { renewVideoToken } from "./api";
import type { Call, CallCallbacks } from "./call";
import { agoraQuality } from "./call-quality";

/** How often the indicator combines our own and the other side's network quality. */
const QUALITY_INTERVAL_MS = 2_000;
/** Agora's log levels: 3 is errors only (its info logs are noise in the console). */
const AGORA_LOG_ERRORS_ONLY = 3;
const COULD_NOT_CONNECT =
  "The video service could not be reached. Check your connection, then leave and rejoin the room.";

export interface AgoraCallOptions {
  visitId: string;
  /** The transport RoomJoin returned (renewed first when its renewal time has passed). */
  token: VideoToken;
  stream: MediaStream;
  callbacks: CallCallbacks;
}

export function startAgoraCall({ visitId, token, stream, callbacks }: AgoraCallOptions): Call {
  let closed = false;
  let client: IAgoraRTCClient | null = null;
  let localTracks: ILocalTrack[] = [];
  let remote: IAgoraRTCRemoteUser | null = null;
  let ownQuality: NetworkQuality | null = null;
  let qualityTimer: ReturnType<typeof setInterval> | undefined;

  /** The other side's subscribed tracks as one stream (a new object, so the room's <video> reloads). */
  function showRemote() {
    const tracks = [remote?.audioTrack, remote?.videoTrack].flatMap((track) =>
      track ? [track.getMediaStreamTrack()] : [],
    );
    callbacks.onRemoteStream(tracks.length ? new MediaStream(tracks) : null);
  }

  function reportQuality() {
    if (!client || client.connectionState !== "CONNECTED") {
      callbacks.onQuality("connecting");
      return;
    }
    // What we receive depends on their uplink and our downlink; what they receive on the reverse.
    const theirs = remote ? client.getRemoteNetworkQuality()[String(remote.uid)] : undefined;
    callbacks.onQuality(
      agoraQuality([
        ownQuality?.uplinkNetworkQuality ?? 0,
        ownQuality?.downlinkNetworkQuality ?? 0,
        theirs?.uplinkNetworkQuality ?? 0,
      ]),
    );
  }

  async function renewToken() {
    try {
      const next = await renewVideoToken(visitId);
      if (!closed) await client?.renewToken(next.token);
    } catch {
      // Agora disconnects when the token runs out; the room's state refresh shows why.
      console.warn("Video: the Agora token could not be renewed.");
    }
  }

  const isRemote = (user: IAgoraRTCRemoteUser) => remote === null || remote.uid === user.uid;

  async function start() {
    const { default: AgoraRTC } = await import("agora-rtc-sdk-ng");
    if (closed) return;
    AgoraRTC.setLogLevel(AGORA_LOG_ERRORS_ONLY);
    // A patient may wait longer in the waiting room than the token lives.
    const current = Date.now() >= Date.parse(token.renewAt) ? await renewVideoToken(visitId) : token;
    if (closed) return;

    const joined = AgoraRTC.createClient({ mode: "rtc", codec: "vp8" });
    client = joined;
    joined.on("user-joined", (user: IAgoraRTCRemoteUser) => {
      if (isRemote(user)) remote = user;
    });
    const subscribe = async (user: IAgoraRTCRemoteUser, mediaType: "audio" | "video") => {
      try {
        await joined.subscribe(user, mediaType);
        if (closed) return;
        showRemote();
        callbacks.onPeer(true);
      } catch {
        console.warn(`Video: the other side's ${mediaType} could not be received.`);
      }
    };
    joined.on("user-published", (user: IAgoraRTCRemoteUser, mediaType: string) => {
      if (!isRemote(user) || (mediaType !== "audio" && mediaType !== "video")) return;
      remote = user;
      void subscribe(user, mediaType);
    });
    joined.on("user-unpublished", (user: IAgoraRTCRemoteUser) => {
      if (remote?.uid === user.uid) showRemote();
    });
    joined.on("user-left", (user: IAgoraRTCRemoteUser) => {
      if (remote?.uid !== user.uid) return;
      remote = null;
      callbacks.onRemoteStream(null);
      callbacks.onPeer(false);
    });
    joined.on("token-privilege-will-expire", () => void renewToken());
    joined.on("token-privilege-did-expire", () => void renewToken());
    joined.on("network-quality", (quality: NetworkQuality) => {
      ownQuality = quality;
    });
    joined.on("connection-state-change", () => reportQuality());

    await joined.join(current.appId, current.channel, current.token, current.uid);
    if (closed) {
      await joined.leave();
      return;
    }
    const audio = stream.getAudioTracks()[0];
    const video = stream.getVideoTracks()[0];
    localTracks = [
      ...(audio ? [AgoraRTC.createCustomAudioTrack({ mediaStreamTrack: audio })] : []),
      ...(video ? [AgoraRTC.createCustomVideoTrack({ mediaStreamTrack: video })] : []),
    ];
    // The room may have muted before the call started: the wrapped tracks follow track.enabled.
    if (localTracks.length) await joined.publish(localTracks);
    qualityTimer = setInterval(reportQuality, QUALITY_INTERVAL_MS);
  }

  function close() {
    if (closed) return;
    closed = true;
    clearInterval(qualityTimer);
    // Closing a wrapper stops the room's track inside it: the room stops them now anyway.
    for (const track of localTracks) track.close();
    localTracks = [];
    const leaving = client;
    client = null;
    remote = null;
    leaving?.removeAllListeners();
    void leaving?.leave().catch(() => undefined);
    callbacks.onRemoteStream(null);
  }

  callbacks.onQuality("connecting");
  start().catch(() => {
    if (closed) return;
    callbacks.onError(COULD_NOT_CONNECT);
  });

  const enable = (kind: "audio" | "video", on: boolean) => {
    for (const track of localTracks) {
      if (track.trackMediaType === kind) void track.setEnabled(on).catch(() => undefined);
    }
  };

  return {
    // Agora carries its own signalling.
    pullSignals: () => undefined,
    setMicrophone: (on) => enable("audio", on),
    setCamera: (on) => enable("video", on),
    // Agora tells us itself ("user-left").
    remoteLeft: () => undefined,
    hangUp: () => {
      close();
      return Promise.resolve();
    },
    hangUpNow: close,
    close,
  };
}
