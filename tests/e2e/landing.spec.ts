import { expect, expectAccessiblePage, test, watchForPageProblems } from "./fixtures";

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
  await expectAccessiblePage(page);
  assertNoProblems();
});

// The accessibility check itself: a nameless button and a low-contrast paragraph are serious violations.
test("the page check finds serious accessibility violations", async ({ page }) => {
  await page.goto("/");
  await page.waitForLoadState("networkidle");
  await page.evaluate(() => {
    const main = document.querySelector("main")!;
    const button = main.appendChild(document.createElement("button"));
    button.id = "nameless";
    // Set through the CSSOM: the CSP refuses style attributes in markup.
    const faint = main.appendChild(document.createElement("p"));
    faint.id = "faint";
    faint.textContent = "Faint text";
    Object.assign(faint.style, { color: "#ddd", background: "#fff" });
  });
  await expect(page.locator("#nameless")).toBeAttached();
  const failure = await expectAccessiblePage(page).then(
    () => "",
    (error: unknown) => String(error),
  );
  expect(failure).toContain("button-name: #nameless");
  expect(failure).toContain("color-contrast: #faint");
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

test("security headers are on every response", async ({ request }) => {
  for (const path of ["/", "/sign-in", "/api/health"]) {
    const headers = (await request.get(path)).headers();
    expect(headers["strict-transport-security"], path).toMatch(/max-age=\d+; includeSubDomains/);
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"], path).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"], path).toContain("camera=()");
    expect(headers["cache-control"], path).toBe("no-store");
  }
});

test("the API answers CORS preflights only for configured origins", async ({ request }) => {
  const preflight = await request.fetch("/api/health", {
    method: "OPTIONS",
    headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
  });
  expect(preflight.status()).toBe(403);
  expect(preflight.headers()["access-control-allow-origin"]).toBeUndefined();
});
