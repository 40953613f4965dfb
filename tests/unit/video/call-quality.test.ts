// The call-quality indicator: which getStats() entries it reads (the selected candidate
// pair, received video), and where good turns fair and fair turns poor.
import { describe, expect, it } from "vitest";
import {
  FPS_FAIR_MIN,
  FPS_GOOD_MIN,
  FPS_PAUSED_MAX,
  LOSS_FAIR_MAX,
  LOSS_GOOD_MAX,
  MIN_PACKETS_FOR_LOSS,
  RTT_FAIR_MAX_S,
  RTT_GOOD_MAX_S,
  type StatsSample,
  agoraQuality,
  callQuality,
  lossBetween,
  summarizeStats,
} from "@/components/video/call-quality";

type Entry = Record<string, unknown> & { id: string; type: string };
const report = (...entries: Entry[]) => new Map(entries.map((entry) => [entry.id, entry]));

const sample = (overrides: Partial<StatsSample> = {}): StatsSample => ({
  connected: true,
  roundTripTime: 0.05,
  packetsLost: 0,
  packetsReceived: 1_000,
  framesPerSecond: 30,
  ...overrides,
});
/** The sample two seconds later with `lost` of `total` new packets lost. */
const later = (before: StatsSample, lost: number, total: number, overrides: Partial<StatsSample> = {}) =>
  sample({
    packetsLost: (before.packetsLost ?? 0) + lost,
    packetsReceived: (before.packetsReceived ?? 0) + total - lost,
    ...overrides,
  });

describe("summarizeStats", () => {
  it("reads the round trip of the pair the transport selected, not of another succeeded pair", () => {
    const summary = summarizeStats(
      report(
        { id: "T1", type: "transport", selectedCandidatePairId: "CP2" },
        { id: "CP1", type: "candidate-pair", state: "succeeded", nominated: true, currentRoundTripTime: 0.9 },
        {
          id: "CP2",
          type: "candidate-pair",
          state: "succeeded",
          nominated: true,
          currentRoundTripTime: 0.04,
        },
      ),
    );
    expect(summary.connected).toBe(true);
    expect(summary.roundTripTime).toBe(0.04);
  });

  it("falls back to the pair flagged selected (Firefox), then to a nominated succeeded one", () => {
    expect(
      summarizeStats(
        report(
          { id: "CP1", type: "candidate-pair", state: "succeeded", currentRoundTripTime: 0.5 },
          {
            id: "CP2",
            type: "candidate-pair",
            state: "succeeded",
            selected: true,
            currentRoundTripTime: 0.1,
          },
        ),
      ).roundTripTime,
    ).toBe(0.1);
    expect(
      summarizeStats(
        report(
          { id: "CP1", type: "candidate-pair", state: "in-progress", nominated: true },
          {
            id: "CP2",
            type: "candidate-pair",
            state: "succeeded",
            nominated: true,
            currentRoundTripTime: 0.2,
          },
        ),
      ).roundTripTime,
    ).toBe(0.2);
  });

  it("is not connected while no pair has succeeded", () => {
    const summary = summarizeStats(
      report(
        { id: "T1", type: "transport", selectedCandidatePairId: "CP1" },
        { id: "CP1", type: "candidate-pair", state: "in-progress" },
      ),
    );
    expect(summary).toMatchObject({ connected: false, roundTripTime: null });
    expect(summarizeStats(report()).connected).toBe(false);
  });

  it("sums received video only (not audio, not what is sent) and takes its frame rate", () => {
    const summary = summarizeStats(
      report(
        { id: "CP1", type: "candidate-pair", state: "succeeded", nominated: true, currentRoundTripTime: 0.1 },
        {
          id: "IV",
          type: "inbound-rtp",
          kind: "video",
          packetsLost: 12,
          packetsReceived: 988,
          framesPerSecond: 24,
        },
        { id: "IA", type: "inbound-rtp", kind: "audio", packetsLost: 500, packetsReceived: 500 },
        { id: "OV", type: "outbound-rtp", kind: "video", packetsSent: 5_000, framesPerSecond: 30 },
        { id: "RV", type: "remote-inbound-rtp", kind: "video", packetsLost: 900 },
      ),
    );
    expect(summary).toEqual({
      connected: true,
      roundTripTime: 0.1,
      packetsLost: 12,
      packetsReceived: 988,
      framesPerSecond: 24,
    });
  });

  it("knows older browsers' mediaType and leaves out what is not reported", () => {
    const summary = summarizeStats(
      report(
        { id: "CP1", type: "candidate-pair", state: "succeeded", nominated: true },
        { id: "IV", type: "inbound-rtp", mediaType: "video", packetsLost: 1, packetsReceived: 99 },
      ),
    );
    expect(summary).toEqual({
      connected: true,
      roundTripTime: null,
      packetsLost: 1,
      packetsReceived: 99,
      framesPerSecond: null,
    });
  });
});

describe("callQuality", () => {
  it("is connecting until a path works, whatever else is known", () => {
    expect(callQuality(sample({ connected: false }), sample())).toBe("connecting");
  });

  it("rates the round trip at its two thresholds", () => {
    expect(callQuality(sample({ roundTripTime: RTT_GOOD_MAX_S }), null)).toBe("good");
    expect(callQuality(sample({ roundTripTime: RTT_GOOD_MAX_S + 0.001 }), null)).toBe("fair");
    expect(callQuality(sample({ roundTripTime: RTT_FAIR_MAX_S }), null)).toBe("fair");
    expect(callQuality(sample({ roundTripTime: RTT_FAIR_MAX_S + 0.001 }), null)).toBe("poor");
    expect([RTT_GOOD_MAX_S, RTT_FAIR_MAX_S]).toEqual([0.3, 0.8]);
  });

  it("rates the loss between two samples, not the loss since the call started", () => {
    // Lost a lot early on, nothing in the last interval: good now.
    const before = sample({ packetsLost: 400, packetsReceived: 600 });
    expect(callQuality(later(before, 0, 500), before)).toBe("good");
    expect(callQuality(later(before, 10, 500), before)).toBe("good"); // 2 %
    expect(callQuality(later(before, 11, 500), before)).toBe("fair");
    expect(callQuality(later(before, 40, 500), before)).toBe("fair"); // 8 %
    expect(callQuality(later(before, 41, 500), before)).toBe("poor");
    expect([LOSS_GOOD_MAX, LOSS_FAIR_MAX]).toEqual([0.02, 0.08]);
  });

  it("says nothing about loss from too few packets, a first sample or counters that restarted", () => {
    const before = sample();
    expect(lossBetween(before, later(before, 5, MIN_PACKETS_FOR_LOSS - 1))).toBeNull();
    expect(lossBetween(before, later(before, 5, MIN_PACKETS_FOR_LOSS))).toBeCloseTo(5 / MIN_PACKETS_FOR_LOSS);
    expect(lossBetween(null, before)).toBeNull();
    // A new connection: its counters start again below the previous ones.
    expect(lossBetween(before, sample({ packetsLost: 0, packetsReceived: 10 }))).toBeNull();
    expect(lossBetween(before, sample({ packetsLost: null, packetsReceived: null }))).toBeNull();
    expect(callQuality(later(before, 30, 40), before)).toBe("good");
  });

  it("rates the frame rate, but not a paused camera's trickle of frames", () => {
    expect(callQuality(sample({ framesPerSecond: FPS_GOOD_MIN }), null)).toBe("good");
    expect(callQuality(sample({ framesPerSecond: FPS_GOOD_MIN - 1 }), null)).toBe("fair");
    expect(callQuality(sample({ framesPerSecond: FPS_FAIR_MIN }), null)).toBe("fair");
    expect(callQuality(sample({ framesPerSecond: FPS_FAIR_MIN - 1 }), null)).toBe("poor");
    expect(callQuality(sample({ framesPerSecond: FPS_PAUSED_MAX }), null)).toBe("good");
    expect(callQuality(sample({ framesPerSecond: 0 }), null)).toBe("good");
    expect([FPS_GOOD_MIN, FPS_FAIR_MIN, FPS_PAUSED_MAX]).toEqual([15, 8, 2]);
  });

  it("takes the worst of what is known, and is good when connected with nothing measured yet", () => {
    const before = sample();
    expect(callQuality(later(before, 60, 500, { roundTripTime: 0.05, framesPerSecond: 30 }), before)).toBe(
      "poor",
    );
    expect(callQuality(sample({ roundTripTime: 0.5, framesPerSecond: 30 }), null)).toBe("fair");
    expect(
      callQuality(
        sample({ roundTripTime: null, packetsLost: null, packetsReceived: null, framesPerSecond: null }),
        null,
      ),
    ).toBe("good");
  });

  it("follows a real report end to end", () => {
    const at = (lost: number, received: number, rtt: number) =>
      summarizeStats(
        report(
          { id: "T", type: "transport", selectedCandidatePairId: "CP" },
          { id: "CP", type: "candidate-pair", state: "succeeded", currentRoundTripTime: rtt },
          {
            id: "IV",
            type: "inbound-rtp",
            kind: "video",
            packetsLost: lost,
            packetsReceived: received,
            framesPerSecond: 30,
          },
        ),
      );
    const first = at(0, 1_000, 0.08);
    expect(callQuality(first, null)).toBe("good");
    expect(callQuality(at(30, 1_470, 0.08), first)).toBe("fair"); // 30 of 500: 6 %
    expect(callQuality(at(0, 1_500, 1.2), first)).toBe("poor");
  });
});

describe("agoraQuality", () => {
  it("maps Agora's levels onto the same words, the worst known level deciding", () => {
    expect(agoraQuality([0, 0, 0])).toBe("connecting");
    expect(agoraQuality([1, 2, 0])).toBe("good");
    expect(agoraQuality([1, 3, 1])).toBe("fair");
    expect(agoraQuality([4, 1, 1])).toBe("fair");
    expect(agoraQuality([1, 1, 5])).toBe("poor");
    expect(agoraQuality([6, 0, 0])).toBe("poor");
  });
});
