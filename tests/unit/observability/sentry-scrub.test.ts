// What beforeSend lets through: the error's kind and place, ids; never a request's
// contents, a user's details, PHI fields, console output or local variables.
import type { Event } from "@sentry/nextjs";
import { describe, expect, it } from "vitest";
import { maskText, scrubEvent } from "@/lib/integrations/sentry/scrub";

describe("scrubEvent", () => {
  it("keeps method and path of the request, the user's id and ids in extra; drops everything else", () => {
    const event: Event = {
      message: "failed for maya@example.test, call +1 (212) 555-0100",
      request: {
        url: "https://haven.example/api/me/health-profile?name=Maya#top",
        method: "POST",
        headers: { cookie: "haven.session=abc", authorization: "Bearer x" },
        cookies: { "haven.session": "abc" },
        data: { fullName: "Maya Patel" },
        query_string: "name=Maya",
      },
      user: { id: "u-1", email: "maya@example.test", ip_address: "10.0.0.1", username: "maya" },
      extra: { visitId: "v-1", nested: { medicalHistory: "asthma", allergies: "penicillin", count: 2 } },
      tags: { requestId: "r-1" },
      breadcrumbs: [
        { category: "console", message: "Maya Patel's profile" },
        { category: "ui.click", message: "button Save Maya" },
        { category: "http", data: { url: "/api/messages/threads/t-1?after=5", method: "GET", body: "x" } },
      ],
      exception: {
        values: [
          {
            type: "Error",
            value: "no row for jonas@example.test",
            stacktrace: {
              frames: [{ filename: "a.js", vars: { body: "secret" }, context_line: "const name = 'Maya'" }],
            },
          },
        ],
      },
    };
    const scrubbed = scrubEvent(event);
    expect(scrubbed.request).toEqual({ url: "https://haven.example/api/me/health-profile", method: "POST" });
    expect(scrubbed.user).toEqual({ id: "u-1" });
    expect(scrubbed.message).toBe("failed for [email], call [number]");
    expect(scrubbed.extra).toEqual({ visitId: "v-1", nested: { count: 2 } });
    expect(scrubbed.tags).toEqual({ requestId: "r-1" });
    expect(scrubbed.breadcrumbs).toEqual([
      { category: "http", data: { url: "/api/messages/threads/t-1", method: "GET" } },
    ]);
    expect(scrubbed.exception?.values?.[0]?.value).toBe("no row for [email]");
    expect(scrubbed.exception?.values?.[0]?.stacktrace?.frames).toEqual([{ filename: "a.js" }]);
    expect(JSON.stringify(scrubbed)).not.toMatch(/Maya|asthma|penicillin|abc|10\.0\.0\.1/);
  });

  it("masks addresses and phone numbers in free text, and leaves ids alone", () => {
    expect(maskText("visit 3f2a9c1e-0000-4000-8000-000000000001 of a@b.co")).toBe(
      "visit 3f2a9c1e-0000-4000-8000-000000000001 of [email]",
    );
    expect(maskText("+49 30 1234567")).toBe("[number]");
  });
});
