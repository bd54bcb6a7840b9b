// Bundles amplify_redirect_app.mjs for the browser with esbuild.
//   node bundle_amplify_redirect.mjs <outfile>
// Prints {"outfile": …, "bytes": N}.
import * as esbuild from "esbuild";
import { statSync } from "node:fs";

const [outfile] = process.argv.slice(2);
await esbuild.build({
  entryPoints: ["amplify_redirect_app.mjs"],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  outfile,
  logLevel: "silent",
});
console.log(JSON.stringify({ outfile, bytes: statSync(outfile).size }));
