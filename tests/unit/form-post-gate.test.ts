import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  FORM_POST_LIMIT_BYTES,
  isPossibleServerAction,
  refuseBadFormPost,
} from "@/lib/security/form-post-gate";

const page = "http://haven.example/forgot-password";

function formPost(init: { headers?: Record<string, string>; body?: BodyInit; duplex?: "half" } = {}) {
  const form = new FormData();
  form.set("email", "a@example.test");
  return new Request(page, {
    method: "POST",
    headers: { host: "haven.example", origin: "http://haven.example", ...init.headers },
    body: init.body ?? form,
    ...(init.duplex ? { duplex: init.duplex } : {}),
  });
}

const refused = (request: Request) => refuseBadFormPost(request, { trustForwardedHost: false });

describe("the form-post gate in front of server actions", () => {
  it("agrees with Next's own body limit for server actions", () => {
    const config = readFileSync(path.resolve(import.meta.dirname, "../../next.config.mjs"), "utf8");
    expect(/bodySizeLimit: "(\w+)"/.exec(config)?.[1]).toBe("1mb");
    expect(FORM_POST_LIMIT_BYTES).toBe(1024 * 1024);
  });

  it("lets a same-site form through, and one without Origin as Next does", async () => {
    expect(isPossibleServerAction(formPost())).toBe(true);
    expect(await refused(formPost())).toBeNull();
    const withoutOrigin = formPost();
    withoutOrigin.headers.delete("origin");
    expect(await refused(withoutOrigin)).toBeNull();
  });

  it("answers 403 with a readable page for a form sent from another site or an opaque origin", async () => {
    for (const origin of ["https://evil.example", "null", "not a url"]) {
      const response = await refused(formPost({ headers: { origin } }));
      expect(response?.status, origin).toBe(403);
      expect(response?.headers.get("content-type")).toMatch(/text\/html/);
      expect(await response?.text()).toContain("sent from another site");
    }
  });

  it("believes X-Forwarded-Host only behind a trusted proxy", async () => {
    const request = () =>
      formPost({ headers: { origin: "https://haven.clinic.org", "x-forwarded-host": "haven.clinic.org" } });
    expect((await refused(request()))?.status).toBe(403);
    expect(await refuseBadFormPost(request(), { trustForwardedHost: true })).toBeNull();
  });

  it("answers 413 for a body over the limit, declared or streamed", async () => {
    const big = "a".repeat(FORM_POST_LIMIT_BYTES + 10);
    const declared = await refused(formPost({ body: big, headers: { "content-type": "text/plain" } }));
    expect(declared?.status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 3; i += 1) controller.enqueue(new Uint8Array(FORM_POST_LIMIT_BYTES / 2));
        controller.close();
      },
    });
    const streamed = await refused(
      formPost({
        body: stream,
        duplex: "half",
        headers: { "content-type": "multipart/form-data; boundary=x" },
      }),
    );
    expect(streamed?.status).toBe(413);
  });

  it("answers 400 for a malformed multipart body; plain text when a script sent it", async () => {
    const malformed = () =>
      formPost({
        body: '--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\nhalf a form',
        headers: { "content-type": "multipart/form-data; boundary=xyz" },
      });
    expect((await refused(malformed()))?.status).toBe(400);
    const scripted = malformed();
    scripted.headers.set("next-action", "0123abcd");
    const response = await refused(scripted);
    expect(response?.status).toBe(400);
    expect(response?.headers.get("content-type")).toMatch(/text\/plain/);
  });
});
