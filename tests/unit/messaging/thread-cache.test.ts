// The cached thread's updates: order kept, nothing shown twice, earlier pages kept
// when the latest page is refetched, read marks and retraction applied locally.
import { describe, expect, it } from "vitest";
import type { MessageView, ThreadView } from "@/lib/domain/messaging/schemas";
import {
  appendMessages,
  markOwnReadUpTo,
  markRetracted,
  mergeLatest,
  newestUnreadFromThem,
  prependPage,
} from "@/components/messaging/thread-cache";

const at = (second: number) => new Date(Date.UTC(2026, 11, 2, 9, 0, second)).toISOString();
const message = (id: string, second: number, mine: boolean, readAt: string | null = null): MessageView => ({
  id,
  threadId: "t",
  senderId: mine ? "me" : "them",
  mine,
  body: `text ${id}`,
  attachment: null,
  createdAt: at(second),
  readAt,
  retractedAt: null,
  retractableUntil: mine ? at(second + 300) : null,
});
const view = (messages: MessageView[], hasEarlier = false): ThreadView => ({
  id: "t",
  meId: "me",
  counterpart: { id: "them", name: "Dr. Test", role: "DOCTOR", online: false },
  messages,
  hasEarlier,
});
const ids = (thread: ThreadView | null) => thread?.messages.map((m) => m.id);

describe("thread cache", () => {
  it("appends in time order, replacing a message it already has instead of showing it twice", () => {
    const start = view([message("a", 1, true), message("c", 5, true)]);
    const next = appendMessages(start, [message("b", 3, false), { ...message("c", 5, true), readAt: at(9) }]);
    expect(ids(next)).toEqual(["a", "b", "c"]);
    expect(next.messages[2]!.readAt).toBe(at(9));
  });

  it("puts an earlier page in front without duplicates, and keeps loaded pages across a refetch of the latest", () => {
    const latest = view([message("c", 5, false), message("d", 7, true)], true);
    const withEarlier = prependPage(
      latest,
      view([message("a", 1, true), message("b", 3, false), message("c", 5, false)]),
    );
    expect(ids(withEarlier)).toEqual(["a", "b", "c", "d"]);
    expect(withEarlier.hasEarlier).toBe(false);
    const refetched = mergeLatest(
      withEarlier,
      view([message("c", 5, false), message("d", 7, true), message("e", 9, false)], true),
    );
    expect(ids(refetched)).toEqual(["a", "b", "c", "d", "e"]);
    expect(refetched.hasEarlier).toBe(false);
    // No overlap: too much happened in between, the fresh page starts over.
    expect(ids(mergeLatest(withEarlier, view([message("x", 20, false)], true)))).toEqual(["x"]);
  });

  it("marks own messages read up to the other party's mark, hides a retracted one, finds the newest unread", () => {
    const thread = view([
      message("a", 1, true),
      message("b", 2, false),
      message("c", 3, true),
      message("d", 4, false),
    ]);
    expect(markOwnReadUpTo(thread, "zz", at(10))).toBeNull();
    const read = markOwnReadUpTo(thread, "b", at(10))!;
    expect(read.messages.map((m) => m.readAt)).toEqual([at(10), null, null, null]);
    const retracted = markRetracted(thread, "c", at(11));
    expect(retracted.messages[2]).toMatchObject({
      body: null,
      attachment: null,
      retractedAt: at(11),
      retractableUntil: null,
    });
    expect(newestUnreadFromThem(thread)).toBe("d");
    expect(newestUnreadFromThem(view([message("a", 1, true), message("b", 2, false, at(3))]))).toBeNull();
  });
});
