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
};

export default nextConfig;
