// GET /api/health – liveness: the process answers. No dependency is checked (see /api/health/ready).
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return Response.json(
    { status: "ok", timestamp: new Date().toISOString() },
    { headers: { "cache-control": "no-store" } },
  );
}
