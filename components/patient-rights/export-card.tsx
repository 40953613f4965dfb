// "Download all my data": what the export holds and the link that makes it. A plain link (not
// next/link): the answer is a file to save, streamed as it is made.
import { Card } from "@/components/ui/form";
import type { AuthenticatedActor } from "@/lib/auth/current";

export const EXPORT_HREF = "/api/me/export";

const CONTENTS = [
  "Your account, profile and health profile (history, allergies, emergency contact)",
  "Medications, devices and their readings",
  "Every visit, with its reason and any cancellation",
  "Your doctors' signed consultation notes, with their amendments",
  "Prescriptions, each with its PDF",
  "Your messages with your doctors",
  "Your documents, exactly as uploaded",
  "Payments, consents and your data requests",
  "Who has read your record, and when",
];

export function ExportCard({ actor }: { actor: AuthenticatedActor }) {
  void actor; // The link's route finds the patient from the session.
  return (
    <Card title="Download all my data">
      <div className="space-y-4 text-sm text-slate-700">
        <p>
          A zip file with everything we keep about you, decrypted and readable: JSON files you can open in any
          text editor or import elsewhere, with a README that explains each one.
        </p>
        <ul className="list-disc space-y-1 pl-5">
          {CONTENTS.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
        <p>
          It holds your health information: keep it somewhere safe. Passwords, sign-in secrets and other
          people&apos;s personal data are not included. Each download is recorded among your data requests.
        </p>
        <p>
          <a
            href={EXPORT_HREF}
            download
            className="inline-flex rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
          >
            Download my data (.zip)
          </a>
        </p>
      </div>
    </Card>
  );
}
