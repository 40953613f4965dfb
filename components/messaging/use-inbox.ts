"use client";
// The inbox query (the inbox page) and the unread total (the nav's badge, a count
// without names). Realtime events mark them stale and they refetch.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRealtimeEvent } from "@/components/realtime/realtime-provider";
import type { Inbox } from "@/lib/domain/messaging/schemas";
import { fetchInbox, fetchUnreadTotal } from "./api";
import { INBOX_KEY, UNREAD_KEY, threadKey } from "./thread-cache";

export function useInbox(initial?: Inbox) {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: INBOX_KEY, queryFn: fetchInbox, initialData: initial });

  useRealtimeEvent((event) => {
    // Several components listen: a refetch already under way answers them all.
    const refetchInbox = () =>
      void queryClient.invalidateQueries({ queryKey: INBOX_KEY }, { cancelRefetch: false });
    switch (event.name) {
      case "message.created":
      case "message.retracted":
      case "thread.read":
        refetchInbox();
        // A conversation not on screen is refetched when next opened instead of showing its cached copy.
        void queryClient.invalidateQueries({ queryKey: threadKey(event.data.threadId), refetchType: "none" });
        break;
      case "thread.created":
        refetchInbox();
        break;
      case "resync":
        void queryClient.invalidateQueries({ queryKey: ["messages"], refetchType: "none" });
        refetchInbox();
        break;
      default:
        break;
    }
  });

  return query;
}

/** The unread total for the navigation badge, from the server's render, then kept current. */
export function useUnreadTotal(initial: number): number {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: UNREAD_KEY, queryFn: fetchUnreadTotal, initialData: initial });
  // Mounted on every page of the portals: a thread changed while another page was shown is
  // refetched when next opened instead of showing its cached copy.
  useRealtimeEvent((event) => {
    if (event.name === "resync") {
      void queryClient.invalidateQueries({ queryKey: ["messages"], refetchType: "none" });
    } else if (
      event.name === "message.created" ||
      event.name === "message.retracted" ||
      event.name === "thread.read"
    ) {
      void queryClient.invalidateQueries({ queryKey: threadKey(event.data.threadId), refetchType: "none" });
    } else {
      return;
    }
    void queryClient.invalidateQueries({ queryKey: UNREAD_KEY }, { cancelRefetch: false });
  });
  return query.data;
}
