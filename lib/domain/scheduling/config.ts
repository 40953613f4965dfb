import "server-only";
import { getEnv } from "@/lib/env";

/** The clinic's booking rules (configurable, see .env.example). */
export function schedulingPolicy() {
  const env = getEnv();
  return {
    minNoticeMs: env.SCHEDULING_MIN_NOTICE_MINUTES * 60_000,
    horizonMs: env.SCHEDULING_HORIZON_DAYS * 86_400_000,
    holdMs: env.APPOINTMENT_HOLD_MINUTES * 60_000,
    patientCutoffMs: env.PATIENT_CANCEL_CUTOFF_HOURS * 3_600_000,
    /** A confirmed visit not started this long after its end is a no-show. */
    noShowGraceMs: 15 * 60_000,
    reminders: [
      { kind: "24h", beforeMs: 24 * 3_600_000 },
      { kind: "1h", beforeMs: 3_600_000 },
    ],
  } as const;
}
