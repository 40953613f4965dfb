// A patient registers one of their own devices (readings are imported into it).
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { type DeviceInput, deviceSchema } from "./schemas";

export async function registerDevice(actor: AuthenticatedActor, input: DeviceInput): Promise<string> {
  // Doctors read devices in the chart; only the patient adds them, for themself.
  if (actor.role !== "PATIENT") throw new AppError("FORBIDDEN", "Only patients register their devices.");
  const device = deviceSchema.parse(input);
  return transaction(async () => {
    const { id } = await getDb().device.create({
      data: { patientId: actor.userId, kind: device.kind, vendor: device.vendor, model: device.model },
      select: { id: true },
    });
    await recordAuditEvent({
      action: "device.registered",
      resourceType: "Device",
      resourceId: id,
      details: { kind: device.kind },
    });
    return id;
  });
}
