import Image from "next/image";

/** The QR code and the typed key of a new authenticator. */
export function TotpSetupKey({ qrDataUrl, secret }: { qrDataUrl: string; secret: string }) {
  return (
    <>
      <Image src={qrDataUrl} alt="QR code for your authenticator app" width={220} height={220} unoptimized />
      <p className="text-sm">
        Setup key:{" "}
        <code data-testid="totp-secret" className="rounded bg-slate-100 px-1 font-mono">
          {secret}
        </code>
      </p>
    </>
  );
}

export function RecoveryCodeList({ codes }: { codes: readonly string[] }) {
  return (
    <ul className="grid grid-cols-2 gap-2 font-mono text-sm" data-testid="recovery-codes">
      {codes.map((code) => (
        <li key={code} className="rounded bg-slate-100 px-2 py-1">
          {code}
        </li>
      ))}
    </ul>
  );
}
