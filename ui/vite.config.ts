import { defineConfig } from "vite";

// The webview loads the built files from ui/dist through Tauri's asset protocol; no dev server
// is involved in normal builds. Relative asset paths keep the bundle location-independent.
export default defineConfig({
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2021",
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    globals: true,
  },
});
