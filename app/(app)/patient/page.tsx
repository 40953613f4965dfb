import type { Metadata } from "next";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { ownHealthProfile } from "@/lib/domain/health-profile/queries";

export const metadata: Metadata = { title: "My care" };

export default async function PatientHome() {
  const actor = await requireActor("portal:patient");
  const profile = await runAs(actor, () => ownHealthProfile(actor));
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Hello, {profile?.fullName ?? "there"}</h1>
      <Card title="Your health profile">
        <dl className="grid gap-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="font-medium text-slate-600">Date of birth</dt>
            <dd>{profile?.dateOfBirth ?? "Not recorded"}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-600">Allergies</dt>
            <dd>{profile?.allergies ?? "None recorded"}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-600">Current medications</dt>
            <dd>{profile?.currentMedications ?? "None recorded"}</dd>
          </div>
        </dl>
      </Card>
    </>
  );
}
