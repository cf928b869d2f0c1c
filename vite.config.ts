import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { cloudflare } from "@cloudflare/vite-plugin";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";

const here = import.meta.dirname;

/**
 * Serves the API reference's browser bundle from our own origin (/vendor/scalar.js)
 * instead of a CDN, so /api/docs works offline and under a strict CSP.
 */
function apiReferenceBundle(): Plugin {
  // The package exports no path to its browser bundle, so it is read from its folder.
  const file = resolve(here, "node_modules/@scalar/api-reference/dist/browser/standalone.js");
  return {
    name: "lanes-api-reference-bundle",
    applyToEnvironment: (environment) => environment.name === "client",
    configureServer(server) {
      server.middlewares.use("/vendor/scalar.js", (_req, res) => {
        res.setHeader("content-type", "text/javascript");
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "vendor/scalar.js", source: readFileSync(file) });
    },
  };
}

// One dev server for everything: the Solid app with hot reload, and the Worker,
// its Durable Objects and local D1 in workerd, on one origin.

export default defineConfig({
  root: resolve(here, "client"),
  plugins: [
    solid(),
    apiReferenceBundle(),
    cloudflare({
      configPath: resolve(here, "wrangler.toml"),
      // LANES_STATE lets the browser tests run a server with its own data.
      persistState: { path: resolve(here, process.env.LANES_STATE ?? ".wrangler/state") },
      inspectorPort: false,
    }),
  ],
  server: { port: Number(process.env.PORT ?? 8787), strictPort: true, host: "127.0.0.1" },
  preview: { port: Number(process.env.PORT ?? 8787), strictPort: true },
  // The plugin writes dist/client (the SPA, served as static assets) and dist/lanes (the Worker).
  build: { outDir: resolve(here, "dist"), emptyOutDir: true },
});
