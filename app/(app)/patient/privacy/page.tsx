import type { Metadata } from "next";
import { ConsentSection } from "@/components/consent/consent-section";
import { ExportCard } from "@/components/patient-rights/export-card";
import { RightsCard } from "@/components/patient-rights/rights-card";
import { requireActor } from "@/lib/auth/current";

export const metadata: Metadata = { title: "Privacy and your data" };

// The patient's consents and data rights: each section is its area's component (consent,
// export, requests), so each area keeps its own rules.
export default async function PrivacyPage() {
  const actor = await requireActor("rights:own");
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Privacy and your data</h1>
      <ConsentSection actor={actor} />
      <ExportCard actor={actor} />
      <RightsCard actor={actor} />
    </>
  );
}
