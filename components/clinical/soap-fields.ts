import type { SoapField } from "@/lib/domain/clinical/notes";

/** The four parts of a consultation note, as every note editor labels and explains them. */
export const SOAP_FIELD_LABELS: readonly { name: SoapField; label: string; hint: string }[] = [
  {
    name: "subjective",
    label: "Subjective",
    hint: "What the patient reports: complaint, history, symptoms.",
  },
  { name: "objective", label: "Objective", hint: "Findings: vital signs, examination, results." },
  { name: "assessment", label: "Assessment", hint: "Diagnoses or differential." },
  { name: "plan", label: "Plan", hint: "Treatment, tests, follow-up, advice." },
];
