// Security headers for every response, built in one place and applied by proxy.ts.
// Kept free of Node-only imports: the proxy may run before anything else loads.

export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** Outside sources one page adds to the policy (a provider's widget), by directive. */
export type CspAdditions = Partial<
  Record<"script-src" | "frame-src" | "connect-src" | "worker-src", readonly string[]>
>;

/** Razorpay Checkout: its script, the frames it opens, and the calls it makes. */
export const RAZORPAY_CHECKOUT_SOURCES: CspAdditions = {
  "script-src": ["https://checkout.razorpay.com"],
  "frame-src": ["https://api.razorpay.com", "https://checkout.razorpay.com"],
  "connect-src": ["https://api.razorpay.com", "https://lumberjack.razorpay.com"],
};

/**
 * Agora's Web SDK: the domains Agora's firewall guide lists for it (gateways, edges, media,
 * statistics, cloud proxy: all under agora.io and sd-rtn.com), over HTTPS and WebSocket, and
 * the blob: worker the SDK starts. Its code itself is bundled (same origin).
 */
export const AGORA_WEB_SDK_SOURCES: CspAdditions = {
  "connect-src": ["https://*.agora.io", "wss://*.agora.io", "https://*.sd-rtn.com", "wss://*.sd-rtn.com"],
  "worker-src": ["blob:"],
};

/** A visit's video room, in either portal: the only pages that may use the camera and microphone. */
export const isVideoRoomPath = (pathname: string): boolean =>
  /^\/(patient|doctor)\/visits\/[^/]+\/room\/?$/.test(pathname);

/**
 * The sources a path adds, or null: only the page that opens Razorpay Checkout, and the
 * video room when Agora carries the video, widen the policy.
 */
export function pageCspAdditions(pathname: string, options: { agora?: boolean } = {}): CspAdditions | null {
  if (/^\/patient\/pay\/[^/]+\/?$/.test(pathname)) return RAZORPAY_CHECKOUT_SOURCES;
  if (options.agora && isVideoRoomPath(pathname)) return AGORA_WEB_SDK_SOURCES;
  return null;
}

/** Camera and microphone for this origin on the video room; nothing of the kind anywhere else. */
export function permissionsPolicy(pathname: string): string {
  const media = isVideoRoomPath(pathname) ? "camera=(self), microphone=(self)" : "camera=(), microphone=()";
  return `${media}, geolocation=(), payment=(), usb=(), interest-cohort=()`;
}

/**
 * With Pusher as the realtime transport, the portals' pages open its WebSocket (pusher-js is
 * limited to WebSockets, so that is the one origin): Pusher's cluster host, or a
 * Pusher-compatible server's own. Null with the built-in transport (same origin).
 */
export function realtimeCspAdditions(env: Record<string, string | undefined>): CspAdditions | null {
  const configured = env.PUSHER_APP_ID && env.PUSHER_KEY && env.PUSHER_SECRET && env.PUSHER_CLUSTER;
  if (env.REALTIME_TRANSPORT === "builtin" || !configured) return null;
  const scheme = env.PUSHER_USE_TLS === "false" ? "ws" : "wss";
  const host = env.PUSHER_HOST
    ? `${env.PUSHER_HOST}${env.PUSHER_PORT ? `:${env.PUSHER_PORT}` : ""}`
    : `ws-${env.PUSHER_CLUSTER}.pusher.com`;
  return { "connect-src": [`${scheme}://${host}`] };
}

/** Both sets of sources, or null when neither adds any. */
export function mergeCspAdditions(...sets: Array<CspAdditions | null>): CspAdditions | null {
  const merged: Record<string, string[]> = {};
  for (const set of sets) {
    for (const [directive, sources] of Object.entries(set ?? {})) {
      merged[directive] = [...(merged[directive] ?? []), ...sources];
    }
  }
  return Object.keys(merged).length > 0 ? merged : null;
}

export function buildContentSecurityPolicy(
  nonce: string,
  isDevelopment: boolean,
  servedOverHttps: boolean,
  additions: CspAdditions | null = null,
): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    // 'strict-dynamic' lets Next's nonce-bearing bootstrap load its chunks; React's
    // development tooling evaluates strings, so 'unsafe-eval' exists in development only.
    "script-src": [
      "'self'",
      `'nonce-${nonce}'`,
      "'strict-dynamic'",
      ...(isDevelopment ? ["'unsafe-eval'"] : []),
    ],
    // Development injects styles at run time for hot reload.
    "style-src": ["'self'", ...(isDevelopment ? ["'unsafe-inline'"] : [`'nonce-${nonce}'`])],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", ...(isDevelopment ? ["ws:"] : [])],
    "media-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  for (const [name, sources] of Object.entries(additions ?? {})) {
    // A directive not set yet falls back to default-src ('self'), which it keeps.
    directives[name] = [...(directives[name] ?? ["'self'"]), ...sources];
  }
  const policy = Object.entries(directives).map(([name, values]) => `${name} ${values.join(" ")}`);
  // Only where the app itself is served over HTTPS: on plain http it would break every request.
  if (servedOverHttps) policy.push("upgrade-insecure-requests");
  return policy.join("; ");
}

export function securityHeaders(options: {
  nonce: string;
  isDevelopment: boolean;
  isProduction: boolean;
  servedOverHttps: boolean;
  /** The path's widened sources (pageCspAdditions). */
  additions?: CspAdditions | null;
  /** The path (the video room alone may use camera and microphone). */
  pathname?: string;
}) {
  const headers: Record<string, string> = {
    "Content-Security-Policy": buildContentSecurityPolicy(
      options.nonce,
      options.isDevelopment,
      options.servedOverHttps,
      options.additions ?? null,
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": permissionsPolicy(options.pathname ?? "/"),
    "Cross-Origin-Opener-Policy": "same-origin",
    // Pages and API responses may carry PHI: nothing dynamic is stored by browsers or proxies.
    "Cache-Control": "no-store",
  };
  if (options.isProduction) {
    headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains; preload";
  }
  return headers;
}
