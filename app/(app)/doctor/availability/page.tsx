import { formatMajorAmount } from "@/lib/domain/payments/money";
import type { Metadata } from "next";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { canonicalTimeZone, timeZoneChoices } from "@/lib/domain/scheduling/time-zones";
import { requireActor, runAs } from "@/lib/auth/current";
import {
  addExceptionAction,
  removeExceptionAction,
  saveDoctorSettingsAction,
  saveWeeklyHoursAction,
} from "@/lib/domain/scheduling/actions";
import { ownAvailability } from "@/lib/domain/scheduling/availability";
import { describeTimeZone, formatDateTime, groupByDay } from "@/lib/domain/scheduling/format";
import { freeSlotsAhead } from "@/lib/domain/scheduling/queries";
import { WEEKDAYS } from "@/lib/domain/scheduling/schemas";

export const metadata: Metadata = { title: "Availability" };

const minutes = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const KIND_LABEL = { DAY_OFF: "Day off", EXTRA_HOURS: "Extra hours", BLOCKED: "Blocked" } as const;

export default async function AvailabilityPage() {
  const actor = await requireActor("schedule:manage-own");
  const [own, preview] = await runAs(actor, () =>
    Promise.all([ownAvailability(actor), freeSlotsAhead(actor.userId, { days: 7 })]),
  );
  const profile = own.doctorProfile;
  const zone = own.timeZone;
  const dayText = (weekday: number) =>
    own.availabilityRules
      .filter((rule) => rule.weekday === weekday)
      .map((rule) => `${minutes(rule.startMinute)}-${minutes(rule.endMinute)}`)
      .join(", ");
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Availability and settings</h1>
      <Card title="Booking settings">
        <ActionForm
          action={saveDoctorSettingsAction}
          submitLabel="Save settings"
          fields={[
            {
              name: "timeZone",
              label: "Your time zone",
              kind: "select",
              options: timeZoneChoices(),
              defaultValue: canonicalTimeZone(zone) ?? zone,
            },
            {
              name: "visitMinutes",
              label: "Visit length (minutes)",
              type: "number",
              defaultValue: String(profile?.visitMinutes ?? 30),
            },
            {
              name: "languages",
              label: "Languages you consult in",
              hint: "Two-letter codes separated by commas, like en, de.",
              defaultValue: profile?.languages.join(", ") ?? "",
            },
            {
              name: "bio",
              label: "A short introduction for patients",
              kind: "textarea",
              defaultValue: profile?.bio ?? "",
            },
            {
              name: "fee",
              label: "Fee per visit",
              hint: "Like 45 or 45.50.",
              defaultValue: formatMajorAmount(profile?.feeMinor ?? 0, profile?.currency ?? "EUR"),
            },
            {
              name: "currency",
              label: "Currency",
              hint: "EUR, USD, INR…",
              defaultValue: profile?.currency ?? "EUR",
            },
            {
              name: "licenseNumber",
              label: "Licence (registration) number",
              hint: "Printed on your prescriptions and shown when a pharmacy checks one.",
              defaultValue: profile?.licenseNumber ?? "",
            },
            {
              name: "acceptingNewPatients",
              label: "I take new patients",
              kind: "checkbox",
              defaultValue: profile?.acceptingNewPatients ? "on" : "",
            },
          ]}
        />
      </Card>
      <Card title="Weekly hours">
        <p className="mb-4 text-sm text-slate-700">
          Local times in {describeTimeZone(zone)}, like 09:00-12:00, 13:00-17:00. Leave a day empty when you
          do not work. Daylight-saving changes keep these local times.
        </p>
        <ActionForm
          action={saveWeeklyHoursAction}
          submitLabel="Save weekly hours"
          fields={WEEKDAYS.map(({ weekday, name }) => ({
            name: `day${weekday}`,
            label: name,
            defaultValue: dayText(weekday),
          }))}
        />
      </Card>
      <Card title="Exceptions">
        {own.availabilityExceptions.length ? (
          <ul className="mb-6 divide-y divide-slate-100 text-sm">
            {own.availabilityExceptions.map((exception) => (
              <li key={exception.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  <strong>{KIND_LABEL[exception.kind]}</strong>{" "}
                  {exception.date ??
                    `${formatDateTime(exception.startsAt!, zone)} – ${formatDateTime(exception.endsAt!, zone)}`}
                  {exception.note ? ` · ${exception.note}` : ""}
                </span>
                <ActionForm
                  action={removeExceptionAction}
                  hidden={{ exceptionId: exception.id }}
                  fields={[]}
                  submitLabel="Remove"
                  variant="secondary"
                  submitAccessibleName={`Remove the exception of ${exception.date ?? formatDateTime(exception.startsAt!, zone)}`}
                />
              </li>
            ))}
          </ul>
        ) : (
          <p className="mb-6 text-sm text-slate-600">No exceptions.</p>
        )}
        <ActionForm
          action={addExceptionAction}
          submitLabel="Add the exception"
          fields={[
            {
              name: "kind",
              label: "Kind",
              kind: "select",
              options: [
                { value: "DAY_OFF", label: "Day off (no weekly hours that day)" },
                { value: "EXTRA_HOURS", label: "Extra hours (bookable beyond the weekly hours)" },
                { value: "BLOCKED", label: "Blocked (not bookable)" },
              ],
            },
            { name: "date", label: "Day", type: "date" },
            {
              name: "hours",
              label: "Hours (extra or blocked)",
              hint: "Like 14:00-16:00. Not needed for a day off.",
            },
            { name: "note", label: "Note for yourself", hint: "Patients do not see it." },
          ]}
        />
      </Card>
      <Card title="Preview: your free times in the next 7 days">
        {preview.length ? (
          <ul className="space-y-2 text-sm">
            {groupByDay(preview, zone).map((day) => (
              <li key={day.key}>
                <strong>{day.label}:</strong> {day.slots.map((slot) => slot.label).join(", ")}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-600">No free times: add weekly hours above.</p>
        )}
        <p className="mt-3 text-xs text-slate-500">
          Times in {describeTimeZone(zone)}. Patients see the same instants in their own time zone.
        </p>
      </Card>
    </>
  );
}
