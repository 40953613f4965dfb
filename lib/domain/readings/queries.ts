// Devices and readings as the actor may see them: the patient's own, or a
// treating doctor's patient's (requireChartAccess, every call). A device or
// reading id the actor may not see is the same audited 404 as one that does
// not exist.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import type { ReadingMetric } from "@/lib/db/generated/enums";
import { getDb } from "@/lib/db/client";
import { requireChartAccess } from "@/lib/domain/clinical/access";
import type { DeviceView, ReadingView } from "./schemas";

const DEVICE_SELECT = { id: true, kind: true, vendor: true, model: true, createdAt: true } as const;
const READING_SELECT = { id: true, deviceId: true, metric: true, value: true, measuredAt: true } as const;

/** The most readings one view decrypts (each is an audited read). */
export const READINGS_SHOWN = 2_000;

export async function devicesOfPatient(actor: AuthenticatedActor, patientId: string): Promise<DeviceView[]> {
  await requireChartAccess(actor, patientId, "read");
  return getDb().device.findMany({
    where: { patientId },
    select: DEVICE_SELECT,
    orderBy: { createdAt: "asc" },
  });
}

/** A patient's readings in time order, optionally of one metric and since a time (the latest ones when many). */
export async function readingsOfPatient(
  actor: AuthenticatedActor,
  patientId: string,
  filter: { metric?: ReadingMetric | undefined; since?: Date | undefined } = {},
): Promise<ReadingView[]> {
  await requireChartAccess(actor, patientId, "read");
  const latest = await getDb().reading.findMany({
    where: {
      patientId,
      ...(filter.metric ? { metric: filter.metric } : {}),
      ...(filter.since ? { measuredAt: { gte: filter.since } } : {}),
    },
    select: READING_SELECT,
    orderBy: { measuredAt: "desc" },
    take: READINGS_SHOWN,
  });
  return latest.reverse();
}

/** Whose device it is (no PHI read), or an audited 404. */
export async function deviceHeader(deviceId: string) {
  const header = await getDb().device.findUnique({
    where: { id: deviceId },
    select: { id: true, patientId: true },
  });
  return header ?? refuseAsNotFound("Device", deviceId);
}

export async function deviceFor(actor: AuthenticatedActor, deviceId: string): Promise<DeviceView> {
  const header = await deviceHeader(deviceId);
  await requireChartAccess(actor, header.patientId, "read", { type: "Device", id: deviceId });
  return getDb().device.findUniqueOrThrow({ where: { id: deviceId }, select: DEVICE_SELECT });
}

export async function readingFor(actor: AuthenticatedActor, readingId: string): Promise<ReadingView> {
  const header = await getDb().reading.findUnique({
    where: { id: readingId },
    select: { id: true, patientId: true },
  });
  if (!header) return refuseAsNotFound("Reading", readingId);
  await requireChartAccess(actor, header.patientId, "read", { type: "Reading", id: readingId });
  return getDb().reading.findUniqueOrThrow({ where: { id: readingId }, select: READING_SELECT });
}
