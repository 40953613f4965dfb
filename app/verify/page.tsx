import type { Metadata } from "next";
import { Button, Field } from "@/components/ui/form";

export const metadata: Metadata = { title: "Check a prescription" };

/** Type the code printed on a prescription; works without JavaScript (a form post that redirects). */
export default function VerifyFormPage() {
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Check a prescription</h1>
      <p className="text-sm text-slate-700">
        Every prescription issued through Haven carries a verification code. Type it to see who signed the
        prescription and when. The check shows nothing about the patient or the medicines.
      </p>
      <form method="post" action="/api/verify" className="space-y-4">
        <Field
          label="Verification code"
          name="code"
          hint="12 letters and digits, like 7K3M-Q9PX-2H4D."
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          required
        />
        <Button type="submit">Check</Button>
      </form>
    </>
  );
}
