"use client";
// Client-side data for the signed-in portals (@tanstack/react-query). One client
// per browser tab, created once: a module-level client would be shared between
// requests during server rendering.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";

export function QueryProvider({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // Realtime events invalidate what changed; the rest may wait half a minute.
          queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: true },
          // A repeated write could act twice (a retry of a send is the person's choice, with the same id).
          mutations: { retry: 0 },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
