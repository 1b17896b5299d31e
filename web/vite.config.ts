import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The local stack serves dist/ at "/" beside the API, so the app calls the API same-origin.
// `npm run dev` proxies the API to a running stack (make run) for hot reloading.
const api = process.env.TRELLIS_API ?? "http://127.0.0.1:3000";
const apiPrefixes = [
  "/local", "/partnerships", "/partner", "/program", "/leads", "/deals", "/accounts", "/notifications",
  "/portal", "/organisation", "/reports", "/openapi.json",
];

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 600 },
  server: {
    proxy: Object.fromEntries(apiPrefixes.map((prefix) => [prefix, { target: api, changeOrigin: false }])),
  },
});
