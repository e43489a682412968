/**
 * Headers on every answer, whatever produced it (a page, a route, the proxy, a 404,
 * Next's own error page), including the paths proxy.ts skips. Each value is
 * explained in docs/PRODUCTION_READINESS.md. Evaluated at build time: `next build`
 * runs with NODE_ENV=production, `next dev` with development.
 */
const everyAnswer = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  {
    key: "Permissions-Policy",
    value:
      "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), " +
      "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), browsing-topics=()",
  },
  ...(process.env.NODE_ENV === "production"
    ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }]
    : []),
];

/**
 * API answers and static files render nothing: they may load nothing and be framed by
 * no one. Pages get their own policy (with a script nonce) from proxy.ts instead.
 */
const nothingToRender = [
  { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Tests build into their own folder (NEXT_DIST_DIR) so they never clobber a developer's .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The test build skips Next's type check: `npm run typecheck` owns it, and it doubles the build time.
  typescript: { ignoreBuildErrors: process.env.NEXT_SKIP_TYPECHECK === "1" },
  // Packages that load native or WASM assets at run time must not be bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "pino", "ws", "jsonata", "libpg-query"],
  poweredByHeader: false,
  typedRoutes: false,
  async headers() {
    return [
      { source: "/:path*", headers: everyAnswer },
      { source: "/api/:path*", headers: nothingToRender },
      { source: "/_next/:path*", headers: nothingToRender },
    ];
  },
};

export default nextConfig;
