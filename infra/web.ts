import { api } from "./api";

export const web = new sst.aws.StaticSite("Web", {
  build: {
    command: "pnpm --filter @hotseat/web build",
    output: "packages/web/dist",
  },
  environment: { VITE_API_URL: api.url },
  dev: { command: "pnpm --filter @hotseat/web dev", url: "http://localhost:5173" },
});
