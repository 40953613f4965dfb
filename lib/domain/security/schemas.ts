// The security area's inputs (zod) and the shapes its pages receive.
import { z } from "zod";

export const BREAK_GLASS_HOURS = 1;
const id = z.uuid({ error: "That link is not valid." });

export const breakGlassSchema = z.object({
  patientEmail: z.email({ error: "Enter the patient's email address exactly as on their account." }),
  reason: z
    .string()
    .trim()
    .min(20, { error: "State why you need this chart now, in at least 20 characters." })
    .max(1_000, { error: "Keep the reason under 1,000 characters." }),
});

export const reviewGrantSchema = z.object({
  grantId: id,
  review: z.enum(["APPROPRIATE", "INAPPROPRIATE"], { error: "Choose whether the access was appropriate." }),
  reviewNote: z
    .string()
    .trim()
    .min(10, { error: "Record what you checked, in at least 10 characters." })
    .max(2_000, { error: "Keep the note under 2,000 characters." }),
});

export const alertIdSchema = z.object({ alertId: id });

const incidentTitle = z
  .string()
  .trim()
  .min(5, { error: "Give the incident a title of at least 5 characters." })
  .max(200, { error: "Keep the title under 200 characters." });

export const openIncidentSchema = z.object({
  alertId: id.optional(),
  title: incidentTitle,
});

export const incidentEntrySchema = z.object({
  incidentId: id,
  kind: z.enum(["ASSESSMENT", "ACTION"], { error: "Choose assessment or action." }),
  text: z
    .string()
    .trim()
    .min(5, { error: "Write at least 5 characters." })
    .max(5_000, { error: "Keep an entry under 5,000 characters." }),
});

export const incidentStatusSchema = z.object({
  incidentId: id,
  status: z.enum(["OPEN", "CONTAINED", "CLOSED"], { error: "Choose a status." }),
});

export const linkAlertSchema = z.object({ incidentId: id, alertId: id });
