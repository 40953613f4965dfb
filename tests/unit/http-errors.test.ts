import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseJson } from "@/lib/http/body";
import { AppError, toErrorBody } from "@/lib/http/errors";
import { FORM_DATABASE_UNAVAILABLE_MESSAGE, failure } from "@/lib/http/form-state";

const schema = z.object({ email: z.email({ error: "Enter a valid email address." }) });
const request = (body: string, contentType = "application/json") =>
  new Request("http://localhost/x", { method: "POST", headers: { "content-type": contentType }, body });

describe("request bodies and error mapping", () => {
  it("refuses bodies that are not declared JSON (no cross-site simple requests)", async () => {
    await expect(parseJson(request('{"email":"a@b.co"}', "text/plain"), schema)).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("names each invalid field with a readable message", async () => {
    const error = (await parseJson(request('{"email":"nope"}'), schema).catch((e: unknown) => e)) as AppError;
    const { status, body } = toErrorBody(error, "req-1");
    expect(status).toBe(422);
    expect(body.error.fields).toEqual([{ field: "email", message: "Enter a valid email address." }]);
  });

  it("answers malformed JSON with 400 and unexpected errors with a generic 500 that names the request", async () => {
    const malformed = await parseJson(request("{"), schema).catch((e: unknown) => e);
    expect(toErrorBody(malformed, "r").status).toBe(400);
    const unexpected = toErrorBody(new Error("relation users does not exist at row 7"), "req-9");
    expect(unexpected.status).toBe(500);
    expect(unexpected.body.error.message).not.toMatch(/users|row/);
    expect(unexpected.body.error.requestId).toBe("req-9");
  });

  it("maps lockout to 423 and throttling to 429", () => {
    expect(new AppError("LOCKED", "x").status).toBe(423);
    expect(new AppError("RATE_LIMITED", "x").status).toBe(429);
  });

  it("tells a form that nothing was saved while the database is unavailable, and keeps what was entered", () => {
    const values = { title: "Follow-up" };
    const stopped = Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
    });
    const refused = new Error("connect failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
    });
    for (const error of [stopped, refused]) {
      expect(failure(error, values)).toEqual({
        ok: false,
        message: FORM_DATABASE_UNAVAILABLE_MESSAGE,
        values,
      });
    }
    // Anything else is still our bug: a generic message, never the error's text.
    const bug = failure(new Error("relation users does not exist"), values);
    expect(bug.message).toBe("Something went wrong on our side. Please try again.");
    expect(bug.values).toEqual(values);
  });
});
