// The end-to-end run's own people for the security tests (seeded by scripts/test.ts,
// never by `npm run dev`): a doctor with thirty patients, each with a past visit, so
// reading thirty charts in a minute is a real burst through the real pages.
export const BURST_DOCTOR = {
  email: "rowan.hale@e2e.haven.local",
  displayName: "Dr. Rowan Hale",
} as const;
export const BURST_PATIENTS = 30;
export const burstPatientName = (index: number) => `Burst Patient ${String(index + 1).padStart(2, "0")}`;
