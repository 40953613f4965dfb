// What the emergency forms accept.
import { z } from "zod";
import { isListedCountry } from "./numbers";

export const raiseSchema = z.object({
  country: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isListedCountry, "Choose a country from the list.")
    .optional(),
});

export const acknowledgeSchema = z.object({ eventId: z.uuid() });

export interface DoctorAlert {
  id: string;
  patientId: string;
  patientName: string;
  createdAt: Date;
}
