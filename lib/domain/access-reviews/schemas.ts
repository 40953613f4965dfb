// Inputs of the access review's forms and routes, and the DTOs its pages receive.
import { z } from "zod";
import type { AccessDecision, Role, UserStatus } from "@/lib/db/generated/enums";

export const reviewIdSchema = z.object({ reviewId: z.uuid() });

export const decisionSchema = z.object({
  reviewId: z.uuid(),
  entryId: z.uuid(),
  decision: z.enum(["KEEP", "REVOKE"], { error: "Choose Keep or Revoke." }),
});

export const exportFormatSchema = z.enum(["csv", "json"], { error: "Choose csv or json." });
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export interface AccessReviewSummary {
  id: string;
  period: string;
  periodStart: Date;
  periodEnd: Date;
  startedAt: Date;
  startedByName: string;
  completedAt: Date | null;
  completedByName: string | null;
  entries: number;
  decided: number;
}

export interface AccessReviewEntryRow {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: Role;
  /** The account's status when the review started. */
  status: UserStatus;
  /** The account's status now (a Revoke deactivates it). */
  currentStatus: UserStatus | null;
  lastActivityAt: Date | null;
  patientsAccessed: number;
  decision: AccessDecision | null;
  decidedById: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
}

export interface AccessReviewDetail extends AccessReviewSummary {
  rows: AccessReviewEntryRow[];
}
