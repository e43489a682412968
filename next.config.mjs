/** @type {import('next').NextConfig} */
const nextConfig = {
  // Packages that load native or WASM assets at run time must not be bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "pino", "ws", "jsonata"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
