import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname, "src"),
      // Server modules import "server-only", which throws outside Next's react-server condition; tests are server code.
      "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    include: ["tests/**/*.test.ts", "inngest/local/**/*.test.ts"],
    globalSetup: ["tests/helpers/global-setup.ts"],
    pool: "forks",
    // Two cores: more workers only fight over the CPU and PGlite's WASM start-up.
    maxWorkers: 2,
    testTimeout: 30_000,
    // Hooks start whole apps (`next start`, the engine, Chromium); with two such files starting at once
    // on two busy cores a start has taken over a minute. A bound on start-up, not on behaviour.
    hookTimeout: 180_000,
  },
});
