import { checkHealth } from "@/lib/domain/health/service";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(
  async () => {
    const report = await checkHealth();
    return Response.json(report, {
      status: report.database === "ok" ? 200 : 503,
      headers: { "cache-control": "no-store" },
    });
  },
  { rateLimited: false },
);
