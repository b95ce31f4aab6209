import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const port = Number(process.env.WEB_PORT ?? 5173);

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  server: { port, strictPort: true },
  preview: { port, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});
