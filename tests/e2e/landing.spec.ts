import { expect, test } from "@playwright/test";
import { watchForPageProblems } from "./support";

test("the landing page says what Haven is and for whom, with no blocked script", async ({ page }) => {
  const assertNoProblems = watchForPageProblems(page);
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(
    "Telehealth your clinic can run itself",
  );
  for (const audience of ["For patients", "For doctors", "For clinic admins"]) {
    await expect(page.getByRole("heading", { name: audience })).toBeVisible();
  }
  await page.waitForLoadState("networkidle");
  assertNoProblems();
});

test("every script on the page carries this request's CSP nonce", async ({ request }) => {
  const first = await request.get("/");
  const second = await request.get("/");
  const nonceOf = (csp: string | undefined) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
  const nonce = nonceOf(first.headers()["content-security-policy"]);
  expect(nonce).toBeTruthy();
  expect(nonceOf(second.headers()["content-security-policy"])).not.toBe(nonce);

  const html = await first.text();
  const scriptTags = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scriptTags.length).toBeGreaterThan(0);
  for (const tag of scriptTags) expect(tag).toContain(`nonce="${nonce}"`);
});

test("the health endpoint reports the database as ok", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("no-store");
  expect(await response.json()).toMatchObject({ status: "ok", database: "ok" });
});
