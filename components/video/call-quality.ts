// How the call is going, in one word the person can act on ("poor": move closer to the
// router, turn the camera off). Pure: the room samples getStats() every two seconds,
// summarises each report here and compares it with the previous sample.

export type CallQuality = "good" | "fair" | "poor" | "connecting";

/**
 * Round trip of the selected candidate pair, in seconds. ITU-T G.114 puts natural
 * conversation at up to 150 ms one way (300 ms there and back)…
 */
export const RTT_GOOD_MAX_S = 0.3;
/** …and 400 ms one way (800 ms round) as the limit before people start talking over each other. */
export const RTT_FAIR_MAX_S = 0.8;

/** Share of video packets lost in an interval that retransmission still hides without visible artefacts. */
export const LOSS_GOOD_MAX = 0.02;
/** Beyond this share the picture freezes and smears: the person should hear about it. */
export const LOSS_FAIR_MAX = 0.08;
/**
 * Fewer packets than this in an interval (a paused camera, the first moments) say nothing
 * about loss: one lost packet out of ten is not a 10 % loss rate.
 */
export const MIN_PACKETS_FOR_LOSS = 50;

/**
 * Frames per second of the received video. Cameras send 24–30, and many laptop cameras
 * 15 in dim light: that is still a good call. Below it, WebRTC is usually cutting the
 * frame rate to fit a tight link (or a busy CPU).
 */
export const FPS_GOOD_MIN = 15;
/** Below this motion turns into a slide show. */
export const FPS_FAIR_MIN = 8;
/**
 * At or below this the other side has turned their camera off (a disabled track still sends
 * an occasional black frame) or the picture is not moving at all: that is not a bad link,
 * so the frame rate is left out.
 */
export const FPS_PAUSED_MAX = 2;

/** What one getStats() report says, as cumulative counters (deltas come from two samples). */
export interface StatsSample {
  /** A candidate pair has succeeded: there is a working path between the two browsers. */
  connected: boolean;
  /** Seconds; null until measured. */
  roundTripTime: number | null;
  /** Received video, summed over its inbound-rtp entries; null when no video arrives. */
  packetsLost: number | null;
  packetsReceived: number | null;
  framesPerSecond: number | null;
}

type Stat = Record<string, unknown> & { type?: unknown };

const numberOf = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

const isStat = (value: unknown): value is Stat => typeof value === "object" && value !== null;

/** The candidate pair the connection uses: the transport names it (Chromium, Safari); Firefox flags it. */
function selectedPair(report: ReadonlyMap<string, unknown>): Stat | null {
  const stats = [...report.values()].filter(isStat);
  for (const stat of stats) {
    if (stat.type !== "transport" || typeof stat.selectedCandidatePairId !== "string") continue;
    const pair = report.get(stat.selectedCandidatePairId);
    if (isStat(pair)) return pair;
  }
  const pairs = stats.filter((stat) => stat.type === "candidate-pair");
  return (
    pairs.find((pair) => pair.selected === true) ??
    pairs.find((pair) => pair.nominated === true && pair.state === "succeeded") ??
    pairs.find((pair) => pair.state === "succeeded") ??
    null
  );
}

/** Reads an RTCStatsReport (or any Map of the same entries) into a sample. */
export function summarizeStats(report: ReadonlyMap<string, unknown>): StatsSample {
  const pair = selectedPair(report);
  let packetsLost: number | null = null;
  let packetsReceived: number | null = null;
  let framesPerSecond: number | null = null;
  for (const stat of report.values()) {
    if (!isStat(stat) || stat.type !== "inbound-rtp") continue;
    // `mediaType` is the name older browsers used for `kind`.
    if ((stat.kind ?? stat.mediaType) !== "video") continue;
    const lost = numberOf(stat.packetsLost);
    const received = numberOf(stat.packetsReceived);
    const fps = numberOf(stat.framesPerSecond);
    if (lost !== null) packetsLost = (packetsLost ?? 0) + lost;
    if (received !== null) packetsReceived = (packetsReceived ?? 0) + received;
    if (fps !== null) framesPerSecond = Math.max(framesPerSecond ?? 0, fps);
  }
  return {
    connected: pair?.state === "succeeded",
    roundTripTime: pair ? numberOf(pair.currentRoundTripTime) : null,
    packetsLost,
    packetsReceived,
    framesPerSecond,
  };
}

const RANK = { good: 0, fair: 1, poor: 2 } as const;
type Rating = keyof typeof RANK;
const worst = (ratings: Rating[]): Rating =>
  ratings.reduce<Rating>((worse, rating) => (RANK[rating] > RANK[worse] ? rating : worse), "good");

/** The share of video packets lost between two samples; null when too few arrived to say. */
export function lossBetween(previous: StatsSample | null, current: StatsSample): number | null {
  if (!previous) return null;
  const { packetsLost: lostBefore, packetsReceived: receivedBefore } = previous;
  const { packetsLost: lostNow, packetsReceived: receivedNow } = current;
  if (lostBefore === null || receivedBefore === null || lostNow === null || receivedNow === null) return null;
  // A new connection starts its counters again, and packetsLost may go down when late
  // packets turn up after all: neither is a negative loss.
  const lost = Math.max(0, lostNow - lostBefore);
  const received = Math.max(0, receivedNow - receivedBefore);
  const total = lost + received;
  return total >= MIN_PACKETS_FOR_LOSS ? lost / total : null;
}

/** The quality over the interval ending at `current`: the worst of what is known. */
export function callQuality(current: StatsSample, previous: StatsSample | null): CallQuality {
  if (!current.connected) return "connecting";
  const ratings: Rating[] = [];
  const rtt = current.roundTripTime;
  if (rtt !== null) ratings.push(rtt <= RTT_GOOD_MAX_S ? "good" : rtt <= RTT_FAIR_MAX_S ? "fair" : "poor");
  const loss = lossBetween(previous, current);
  if (loss !== null) ratings.push(loss <= LOSS_GOOD_MAX ? "good" : loss <= LOSS_FAIR_MAX ? "fair" : "poor");
  const fps = current.framesPerSecond;
  if (fps !== null && fps > FPS_PAUSED_MAX) {
    ratings.push(fps >= FPS_GOOD_MIN ? "good" : fps >= FPS_FAIR_MIN ? "fair" : "poor");
  }
  return worst(ratings);
}

/**
 * Agora's network quality levels (0 unknown, 1 excellent, 2 good, 3 slightly impaired,
 * 4 not very smooth, 5 barely usable, 6 down) on the same scale: the worst known level
 * decides; only unknowns is still connecting.
 */
export function agoraQuality(levels: readonly number[]): CallQuality {
  const known = levels.filter((level) => level >= 1 && level <= 6);
  if (!known.length) return "connecting";
  const level = Math.max(...known);
  return level <= 2 ? "good" : level <= 4 ? "fair" : "poor";
}
