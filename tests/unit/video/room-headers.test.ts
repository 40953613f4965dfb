// The video room alone may use the camera and microphone, and only there, with Agora
// configured, may the page reach Agora and start the SDK's blob: worker. Checked through
// proxy.ts itself, with and without Agora, so a page outside the room keeps today's policy.
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";

const ROOMS = [
  "/patient/visits/0b5e4c1e-8f7e-4d8a-9c39-5d4bb1f0a1aa/room",
  "/doctor/visits/0b5e4c1e-8f7e-4d8a-9c39-5d4bb1f0a1aa/room",
];
const ELSEWHERE = [
  "/patient/visits/0b5e4c1e-8f7e-4d8a-9c39-5d4bb1f0a1aa",
  "/patient/messages",
  "/doctor",
  "/patient/visits/0b5e4c1e-8f7e-4d8a-9c39-5d4bb1f0a1aa/room/extra",
  "/admin/visits/0b5e4c1e-8f7e-4d8a-9c39-5d4bb1f0a1aa/room",
];

async function headersOf(pathname: string, agora: boolean) {
  vi.resetModules();
  vi.unstubAllEnvs();
  if (agora) {
    vi.stubEnv("AGORA_APP_ID", "0123456789abcdef0123456789abcdef");
    vi.stubEnv("AGORA_APP_CERTIFICATE", "a1b2c3d4e5f60718293a4b5c6d7e8f90");
  }
  const { proxy } = await import("@/proxy");
  const response = await proxy(new NextRequest(`http://haven.example${pathname}`));
  const csp = response.headers.get("content-security-policy") ?? "";
  const directive = (name: string) => csp.split("; ").find((part) => part.startsWith(`${name} `)) ?? null;
  return { permissions: response.headers.get("permissions-policy") ?? "", directive };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("the video room's headers", () => {
  it("allow camera and microphone for this origin on the room pages only", async () => {
    for (const path of ROOMS) {
      const { permissions } = await headersOf(path, false);
      expect(permissions, path).toContain("camera=(self)");
      expect(permissions, path).toContain("microphone=(self)");
      expect(permissions, path).toContain("geolocation=()");
    }
    for (const path of ELSEWHERE) {
      const { permissions } = await headersOf(path, true);
      expect(permissions, path).toContain("camera=()");
      expect(permissions, path).toContain("microphone=()");
    }
  });

  it("widen connect-src to Agora and worker-src to blob: on the room only, and only with Agora configured", async () => {
    for (const path of ROOMS) {
      const withAgora = await headersOf(path, true);
      expect(withAgora.directive("connect-src"), path).toContain("https://*.agora.io");
      expect(withAgora.directive("connect-src"), path).toContain("wss://*.sd-rtn.com");
      expect(withAgora.directive("worker-src"), path).toBe("worker-src 'self' blob:");
      // Scripts stay nonce-bound: the SDK is bundled, never loaded from Agora.
      expect(withAgora.directive("script-src"), path).not.toContain("agora");

      const builtin = await headersOf(path, false);
      expect(builtin.directive("connect-src"), path).not.toContain("agora");
      expect(builtin.directive("worker-src"), path).toBeNull();
    }
    for (const path of ELSEWHERE) {
      const other = await headersOf(path, true);
      expect(other.directive("connect-src"), path).not.toContain("agora");
      expect(other.directive("worker-src"), path).toBeNull();
    }
  });
});
