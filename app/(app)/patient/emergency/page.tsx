import type { Metadata } from "next";
import { EmergencyPanel } from "@/components/emergency/emergency-panel";
import { requireActor, runAs } from "@/lib/auth/current";
import { raiseEmergencyAction } from "@/lib/domain/emergency/actions";
import { defaultEmergencyCountry } from "@/lib/domain/emergency/numbers";
import { emergencySettings } from "@/lib/domain/emergency/queries";

export const metadata: Metadata = { title: "Emergency" };

export default async function PatientEmergencyPage() {
  const actor = await requireActor("emergency:raise");
  const { profileCountry, timeZone } = await runAs(actor, () => emergencySettings(actor));
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Emergency</h1>
      <p className="text-slate-800">
        Haven is not an emergency service. If you need help now, call the emergency number below.
      </p>
      <EmergencyPanel
        action={raiseEmergencyAction}
        initialCountry={defaultEmergencyCountry(profileCountry, timeZone)}
      />
    </>
  );
}
