// What an account's status and role are called on every page (server or client: no server code).
import type { Role, UserStatus } from "@/lib/db/generated/enums";

export const STATUS_LABEL: Record<UserStatus, string> = {
  INVITED: "Invited",
  ACTIVE: "Active",
  DEACTIVATED: "Deactivated",
  ERASED: "Erased",
};

export const ROLE_LABEL: Record<Role, string> = { PATIENT: "Patient", DOCTOR: "Doctor", ADMIN: "Admin" };
