import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/**/*.test.{ts,tsx}", "infra/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "**/.sst/**"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    env: { HOTSEAT_LOG_LEVEL: "error" },
  },
});
