import { defineConfig } from "vitest/config";

// Two projects, so the fast tests run alone in seconds (`pnpm test:unit`) and `pnpm test` runs both:
// - unit: the tests beside the code (`packages/*/src/**`), which start no service: no Redis, no emulator, no port.
// - integration: everything that needs real services or a running server: the local stack's API and fault tests
//   (packages/*/test), the storefront in Chromium (packages/web/e2e), infra under Pulumi's mocks and the Lambda
//   bundles (infra/test), and any test beside the code named `*.int.test.ts` (a contract test run on a real adapter).
// Browser-side unit tests pick jsdom themselves (`// @vitest-environment jsdom` at the top of the file).
const integrationOnly = "**/*.int.test.{ts,tsx}";

export default defineConfig({
  test: {
    exclude: ["**/node_modules/**", "**/dist/**", "**/.sst/**"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    env: { HOTSEAT_LOG_LEVEL: "error" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.{ts,tsx}"],
          exclude: ["**/node_modules/**", integrationOnly],
          testTimeout: 10_000,
          hookTimeout: 10_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: [
            "packages/*/test/**/*.test.{ts,tsx}",
            "packages/*/e2e/**/*.test.ts",
            `packages/*/src/${integrationOnly}`,
            "infra/test/**/*.test.ts",
          ],
        },
      },
    ],
  },
});
