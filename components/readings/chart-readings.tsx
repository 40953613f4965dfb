// The readings section of a chart: the patient's device readings of the last
// 90 days as charts with tables, read-only. The patient's own devices page
// shows the same section.
import { ReadingCharts } from "@/components/readings/reading-charts";
import { type AuthenticatedActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { devicesOfPatient, readingsOfPatient } from "@/lib/domain/readings/queries";
import { deviceKindLabel } from "@/lib/domain/readings/schemas";
import { chartSeries } from "@/lib/domain/readings/series";
import { formatDateTime } from "@/lib/domain/scheduling/format";

const SHOWN_DAYS = 90;

export async function ChartReadings({ actor, patientId }: { actor: AuthenticatedActor; patientId: string }) {
  // eslint-disable-next-line react-hooks/purity -- a server component renders once per request: "now" is that request's time.
  const since = new Date(Date.now() - SHOWN_DAYS * 86_400_000);
  const [devices, readings, timeZone] = await runAs(actor, () =>
    Promise.all([
      devicesOfPatient(actor, patientId),
      readingsOfPatient(actor, patientId, { since }),
      accountTimeZone(actor),
    ]),
  );
  const series = chartSeries(readings, (at) => formatDateTime(at, timeZone));
  const own = actor.userId === patientId;
  return (
    <section
      aria-labelledby="readings-heading"
      className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      <h2 id="readings-heading" className="mb-1 text-lg font-semibold text-brand-900">
        Device readings
      </h2>
      <p className="mb-4 text-sm text-slate-600">
        The last {SHOWN_DAYS} days, times in {timeZone.replaceAll("_", " ")}.
        {devices.length
          ? ` From: ${devices.map((device) => `${device.vendor} ${device.model} (${deviceKindLabel(device.kind).toLowerCase()})`).join(", ")}.`
          : ""}
      </p>
      {series.length ? (
        <ReadingCharts
          series={series}
          timeZone={timeZone}
          idPrefix={own ? "own-readings" : "chart-readings"}
        />
      ) : (
        <p className="text-sm text-slate-700">
          {own
            ? "No readings yet: import a file from one of your devices above."
            : "No readings from devices."}
        </p>
      )}
    </section>
  );
}
