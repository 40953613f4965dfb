import Link from "next/link";

const PORTALS = [
  {
    title: "For patients",
    points: [
      "Book a video visit with a clinician in a free slot",
      "Keep your history, allergies and medications in one place",
      "Message your care team and download prescriptions",
    ],
  },
  {
    title: "For doctors",
    points: [
      "Set weekly availability and see your schedule",
      "Write consultation notes and prescriptions",
      "Open records only for patients you care for",
    ],
  },
  {
    title: "For clinic admins",
    points: [
      "Invite and manage doctors",
      "Review a tamper-evident audit trail",
      "Answer for compliance with exports and retention rules",
    ],
  },
];

const SAFEGUARDS = [
  [
    "Encrypted field by field",
    "Health data is stored as AES-256-GCM ciphertext; the database alone reveals nothing.",
  ],
  [
    "Every access on record",
    "Reads and writes of patient data are logged in a hash-chained, append-only audit trail.",
  ],
  ["Runs where you choose", "Open source and self-hosted: your clinic keeps its data on its own servers."],
];

export default function LandingPage() {
  return (
    <main>
      <section className="bg-brand-50">
        <div className="mx-auto max-w-5xl px-6 py-20">
          <p className="text-sm font-semibold tracking-wide text-brand-700 uppercase">Haven</p>
          <h1 className="mt-3 max-w-3xl text-4xl font-bold tracking-tight text-brand-900 sm:text-5xl">
            Telehealth your clinic can run itself and trust with patient data.
          </h1>
          <p className="mt-6 max-w-2xl text-lg text-slate-700">
            Haven is an open-source telehealth application for clinics: patients book and attend video visits,
            doctors keep notes and write prescriptions, and administrators can prove who saw what and when.
          </p>
          <div className="mt-8 flex gap-4">
            <Link
              href="/sign-in"
              className="rounded-md bg-brand-600 px-5 py-2.5 font-semibold text-white hover:bg-brand-700"
            >
              Sign in
            </Link>
            <Link
              href="/sign-up"
              className="rounded-md border border-brand-600 px-5 py-2.5 font-semibold text-brand-700 hover:bg-brand-100"
            >
              Create a patient account
            </Link>
          </div>
        </div>
      </section>

      <section aria-labelledby="who" className="mx-auto max-w-5xl px-6 py-16">
        <h2 id="who" className="text-2xl font-semibold text-brand-900">
          Who it is for
        </h2>
        <div className="mt-8 grid gap-6 sm:grid-cols-3">
          {PORTALS.map((portal) => (
            <article key={portal.title} className="rounded-lg border border-slate-200 p-6">
              <h3 className="font-semibold text-brand-700">{portal.title}</h3>
              <ul className="mt-3 space-y-2 text-sm text-slate-700">
                {portal.points.map((point) => (
                  <li key={point}>{point}</li>
                ))}
              </ul>
            </article>
          ))}
        </div>
      </section>

      <section aria-labelledby="safeguards" className="border-t border-slate-200 bg-slate-50">
        <div className="mx-auto max-w-5xl px-6 py-16">
          <h2 id="safeguards" className="text-2xl font-semibold text-brand-900">
            Built around patient privacy
          </h2>
          <dl className="mt-8 grid gap-6 sm:grid-cols-3">
            {SAFEGUARDS.map(([title, text]) => (
              <div key={title}>
                <dt className="font-semibold">{title}</dt>
                <dd className="mt-2 text-sm text-slate-700">{text}</dd>
              </div>
            ))}
          </dl>
        </div>
      </section>

      <footer className="mx-auto max-w-5xl px-6 py-8 text-sm text-slate-500">
        Haven is open source. System status:{" "}
        <a className="underline" href="/api/health">
          /api/health
        </a>
      </footer>
    </main>
  );
}
