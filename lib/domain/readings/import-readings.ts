// A patient imports a device export into one of their devices: every row is
// validated first and a file with any bad row imports nothing (the errors name
// their lines); readings already stored for that device, metric and time are
// skipped and counted. One transaction; values are encrypted row by row by the
// data layer; the import is audited with counts only.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { currentTransaction, getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { chartAccessOf } from "@/lib/domain/clinical/access";
import { requireConsent } from "@/lib/domain/consent/require-consent";
import { listedErrors, parseReadings } from "./parse-readings";
import { deviceHeader } from "./queries";
import { IMPORT_LIMITS } from "./schemas";

export type ImportResult =
  { ok: true; imported: number; duplicates: number } | { ok: false; summary: string; errors: string[] };

const key = (metric: string, at: Date) => `${metric}@${at.getTime()}`;

export async function importReadings(
  actor: AuthenticatedActor,
  deviceId: string,
  file: { bytes: Uint8Array },
  now: Date = new Date(),
): Promise<ImportResult> {
  const device = await deviceHeader(deviceId);
  // Only the patient imports into their own device; everyone else gets the device's 404.
  if ((await chartAccessOf(actor, device.patientId)) !== "own") return refuseAsNotFound("Device", deviceId);
  await requireConsent(device.patientId, "PRIVACY");

  if (file.bytes.byteLength === 0) return rejected(["Choose a CSV or JSON file to import."]);
  if (file.bytes.byteLength > IMPORT_LIMITS.bytes) {
    return rejected(["The file is larger than 1 MB; split it into smaller files and import each."]);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(file.bytes);
  } catch {
    return rejected(["The file is not text (UTF-8): export it as CSV or JSON and try again."]);
  }
  const parsed = parseReadings(text, now);
  if (!parsed.ok) return rejected(parsed.errors);

  return transaction(async () => {
    // Two imports into one device at once wait for each other, so neither misses the other's duplicates.
    await currentTransaction()!.$queryRaw`SELECT 1 FROM devices WHERE id = ${deviceId}::uuid FOR UPDATE`;
    const times = parsed.readings.map((reading) => reading.measuredAt.getTime());
    const stored = await getDb().reading.findMany({
      where: {
        deviceId,
        measuredAt: { gte: new Date(Math.min(...times)), lte: new Date(Math.max(...times)) },
      },
      select: { metric: true, measuredAt: true },
    });
    const seen = new Set(stored.map((reading) => key(reading.metric, reading.measuredAt)));
    const fresh = parsed.readings.filter((reading) => {
      const id = key(reading.metric, reading.measuredAt);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    if (fresh.length) {
      await getDb().reading.createMany({
        data: fresh.map((reading) => ({
          patientId: device.patientId,
          deviceId,
          metric: reading.metric,
          value: reading.value,
          measuredAt: reading.measuredAt,
        })),
      });
    }
    const duplicates = parsed.readings.length - fresh.length;
    await recordAuditEvent({
      action: "readings.imported",
      resourceType: "Device",
      resourceId: deviceId,
      details: {
        imported: fresh.length,
        duplicates,
        metrics: [...new Set(fresh.map((reading) => reading.metric))].sort(),
      },
    });
    return { ok: true as const, imported: fresh.length, duplicates };
  });
}

function rejected(errors: string[]): ImportResult {
  const problems = errors.length === 1 ? "a problem" : `${errors.length} problems`;
  return {
    ok: false,
    summary: `Nothing was imported: the file has ${problems}. Correct the file and import it again.`,
    errors: listedErrors(errors),
  };
}
