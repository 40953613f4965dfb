/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Node-only packages the server bundle must load from node_modules as they are.
  // rate-limiter-flexible: one copy for every module graph, as its limiters are shared per process.
  serverExternalPackages: [
    "pg",
    "@prisma/adapter-pg",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "rate-limiter-flexible",
  ],
  typedRoutes: true,
  experimental: {
    // proxy.ts refuses larger form posts with a 413 first (lib/security/form-post-gate.ts).
    serverActions: { bodySizeLimit: "1mb" },
  },
};

export default nextConfig;
