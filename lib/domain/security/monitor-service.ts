// The security monitor of this server process, started once by
// instrumentation.ts (and by `npm run worker`). Every instance runs one; the
// advisory lock lets one of them evaluate at a time.
import "server-only";
import { getEnv } from "@/lib/env";
import { describeError, logger } from "@/lib/logger";
import { runSecurityMonitor } from "./monitor";

const globalForMonitor = globalThis as unknown as { havenSecurityMonitor?: { stop(): void } };

export function startSecurityMonitorService(): void {
  if (globalForMonitor.havenSecurityMonitor) return;
  const intervalMs = getEnv().SECURITY_MONITOR_INTERVAL_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      void runSecurityMonitor()
        .then((report) => {
          if (report.raised > 0) logger.warn("security alerts raised", { raised: report.raised });
        })
        .catch((error: unknown) => logger.error("security monitor failed", describeError(error)))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, intervalMs);
    timer.unref();
  };
  schedule();
  globalForMonitor.havenSecurityMonitor = {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
