/** @type {import('next').NextConfig} */
const nextConfig = {
  // `npm run bench` builds into its own directory, so it never replaces the app's build.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // Inlined at build time: only a build made by `npm run bench` can switch the
  // encryption and audit layer off for its comparison; no setting at run time can.
  env: { HAVEN_BENCH_BUILD: process.env.HAVEN_BENCH_BUILD === "1" ? "1" : "" },
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
