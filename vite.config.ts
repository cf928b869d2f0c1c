import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { cloudflare } from "@cloudflare/vite-plugin";
import { defineConfig, type Plugin, transformWithOxc } from "vite";
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

/**
 * Writes client/src/bootScript.ts into the head of index.html, so the page's first
 * requests leave before the app's bundle has arrived, and writes the response
 * headers (client/_headers) beside the built page with that script's hash added to
 * the CSP's script-src: the policy allows no other inline script. The hash is taken
 * from the page as written, so it is the hash of exactly what the browser runs.
 */
function bootScript(): Plugin {
  const source = resolve(here, "client/src/bootScript.ts");
  return {
    name: "lanes-boot-script",
    applyToEnvironment: (environment) => environment.name === "client",
    async transformIndexHtml() {
      const { code } = await transformWithOxc(readFileSync(source, "utf8"), source, { lang: "ts" });
      // Its comments stay in the source. First in the head: a script after a stylesheet would wait for it.
      const children = code.replace(/^\s*\/\/.*\n/gm, "").trim();
      return [{ tag: "script", children, injectTo: "head-prepend" }];
    },
    writeBundle(options) {
      const dir = options.dir ?? resolve(here, "dist/client");
      const page = readFileSync(join(dir, "index.html"), "utf8");
      const inline = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? "");
      if (inline.length !== 1)
        this.error(`index.html should have one inline script (the boot script), not ${inline.length}`);
      const hash = createHash("sha256")
        .update(inline[0] ?? "")
        .digest("base64");
      const headers = readFileSync(resolve(here, "client/_headers"), "utf8");
      if (!headers.includes("script-src 'self';"))
        this.error("client/_headers has no script-src 'self'; to add the hash to");
      writeFileSync(
        join(dir, "_headers"),
        headers.replace("script-src 'self';", `script-src 'self' 'sha256-${hash}';`),
      );
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
    bootScript(),
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
