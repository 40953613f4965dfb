import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { type ExportFormat, exportAuditEvents } from "@/lib/domain/audit-viewer/export";
import { parseAuditQuery } from "@/lib/domain/audit-viewer/schemas";
import { attachmentResponse } from "@/lib/http/attachment";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const FORMATS = new Map<string, ExportFormat>([
  ["csv", "csv"],
  ["json", "json"],
]);

/**
 * The audit log of a filter (the list's query string: ids, codes, local times) as
 * ?format=csv or json, at most 100 000 rows, newest first. Admins only: anyone
 * else gets the same 404 as a missing page. The export is audited with its read.
 */
export const GET = route(async (request) => {
  const actor = await requireApiActorForResource("audit:review", { type: "AuditLog", id: null });
  const query = new URL(request.url).searchParams;
  const format = FORMATS.get(query.get("format") ?? "");
  if (!format) throw new AppError("BAD_REQUEST", "Choose the format: csv or json.");
  const file = await runAs(actor, async () => {
    const parsed = parseAuditQuery(
      Object.fromEntries([...query.entries()].filter(([key]) => key !== "before" && key !== "after")),
      await accountTimeZone(actor),
    );
    if (!parsed.ok) throw new AppError("BAD_REQUEST", Object.values(parsed.errors).join(" "));
    return exportAuditEvents(actor, parsed.filter, format);
  });
  const response = attachmentResponse(new TextEncoder().encode(file.body), file.contentType, file.fileName);
  response.headers.set("x-haven-export-rows", String(file.rows));
  if (file.capped) response.headers.set("x-haven-export-capped", "1");
  return response;
});
