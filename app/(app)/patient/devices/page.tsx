import type { Metadata } from "next";
import { ChartReadings } from "@/components/readings/chart-readings";
import { ImportReadingsForm } from "@/components/readings/import-readings-form";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { importReadingsAction, registerDeviceAction } from "@/lib/domain/readings/actions";
import { devicesOfPatient } from "@/lib/domain/readings/queries";
import { DEVICE_KINDS, deviceKindLabel } from "@/lib/domain/readings/schemas";

export const metadata: Metadata = { title: "Devices and readings" };

export default async function PatientDevicesPage() {
  const actor = await requireActor("health:manage-own");
  const devices = await runAs(actor, () => devicesOfPatient(actor, actor.userId));
  const deviceOptions = devices.map((device) => ({
    value: device.id,
    label: `${device.vendor} ${device.model} (${deviceKindLabel(device.kind).toLowerCase()})`,
  }));
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Devices and readings</h1>
      <p className="text-sm text-slate-700">
        Import what your watch, blood pressure monitor, glucose meter or scale recorded. Your doctors see
        these readings in your chart.
      </p>
      <Card title="Your devices">
        {devices.length ? (
          <ul className="mb-6 divide-y divide-slate-100 text-sm">
            {devices.map((device) => (
              <li key={device.id} className="py-2">
                <span className="font-medium">
                  {device.vendor} {device.model}
                </span>{" "}
                · {deviceKindLabel(device.kind)}
              </li>
            ))}
          </ul>
        ) : (
          <p className="mb-6 text-sm text-slate-700">No device yet. Add the one your readings come from.</p>
        )}
        <h3 className="mb-3 text-base font-semibold text-brand-900">Add a device</h3>
        <ActionForm
          action={registerDeviceAction}
          submitLabel="Add the device"
          fields={[
            {
              name: "kind",
              label: "Kind of device",
              kind: "select",
              options: [{ value: "", label: "Choose…" }, ...DEVICE_KINDS],
            },
            { name: "vendor", label: "Maker", hint: "For example Withings, Omron, Garmin." },
            { name: "model", label: "Model", hint: "As printed on the device or its box." },
          ]}
        />
      </Card>
      <Card title="Import readings">
        {devices.length ? (
          <>
            <p className="mb-4 text-sm text-slate-700">
              Export your readings as CSV or JSON from the device&apos;s app. If any line has a problem,
              nothing is imported and every problem is listed by line, so you can correct the file and import
              it again. Readings already imported are skipped.{" "}
              <a href="/examples/readings-example.csv" download className="text-brand-700 underline">
                Download an example CSV file
              </a>
              .
            </p>
            <ImportReadingsForm action={importReadingsAction} devices={deviceOptions} />
          </>
        ) : (
          <p className="text-sm text-slate-700">Add a device first; then you can import its readings here.</p>
        )}
      </Card>
      <ChartReadings actor={actor} patientId={actor.userId} />
    </>
  );
}
