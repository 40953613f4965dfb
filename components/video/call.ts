// What the room needs from a call, whichever transport carries it (the built-in WebRTC or
// Agora): it hands over the local stream and hears back the other side's stream, whether
// they are there and how the connection is. The room owns the local tracks.
import type { CallQuality } from "./call-quality";

export interface CallCallbacks {
  /** The other side's audio and video in one stream (null: nothing is arriving). */
  onRemoteStream: (stream: MediaStream | null) => void;
  /** The other side connected (true) or said goodbye (false). */
  onPeer: (present: boolean) => void;
  onQuality: (quality: CallQuality) => void;
  /** The call could not start or broke for good; a readable sentence. */
  onError: (message: string) => void;
  /** The server no longer knows this tab's session: the person joined again elsewhere. */
  onSessionEnded: () => void;
}

export interface Call {
  /** Fetch the other side's new signals (a `video.signal` event, a resync). `upTo`: the id announced. */
  pullSignals: (upTo?: string) => void;
  /** Tracks are muted by the room (track.enabled); a transport that must also know is told here. */
  setMicrophone: (on: boolean) => void;
  setCamera: (on: boolean) => void;
  /** The server says the other side left (`video.left`): drop their connection, they rejoin anew. */
  remoteLeft: () => void;
  /** Leaving on purpose: tell the other side (at most `waitMs`), then close. */
  hangUp: (waitMs?: number) => Promise<void>;
  /** The page is going away: say goodbye without waiting (a beacon), then close. */
  hangUpNow: () => void;
  /** Stop everything (the visit ended, or the room is unmounting). Does not stop the local tracks. */
  close: () => void;
}
