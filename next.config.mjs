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
  // pdfkit (and fontkit, which it loads): read their data files from node_modules at run time.
  serverExternalPackages: [
    "pg",
    "@prisma/adapter-pg",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "rate-limiter-flexible",
    "pdfkit",
    "fontkit",
    // The payment providers' clients: loaded as published (razorpay is CommonJS with axios).
    "stripe",
    "razorpay",
  ],
  typedRoutes: true,
  experimental: {
    // proxy.ts refuses larger form posts with a 413 first (lib/security/form-post-gate.ts).
    serverActions: { bodySizeLimit: "1mb" },
    // What the proxy may buffer of a request: a document upload, 10 MB plus 64 KB of form
    // (MAX_UPLOAD_BODY_BYTES); lib/security/upload-gate.ts refuses anything declaring more.
    proxyClientMaxBodySize: 10 * 1024 * 1024 + 64 * 1024,
  },
};

export default nextConfig;
