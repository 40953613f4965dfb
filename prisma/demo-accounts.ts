// The demo accounts' public facts, shared by the seed and the end-to-end tests.
export const DEMO_PASSWORD = "haven-demo-visit-2026";
export const DEMO_EMAILS = {
  admin: "admin@demo.haven.local",
  doctors: ["dr.okafor@demo.haven.local", "dr.lindqvist@demo.haven.local"],
  patients: ["maya.patel@demo.haven.local", "jonas.weber@demo.haven.local", "lucia.romero@demo.haven.local"],
} as const;
