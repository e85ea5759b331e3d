// Build the browser assets into the Python packages' static folders: `npm ci && npm run build`.
// The dashboard is bundled by esbuild; GraphiQL's prebuilt files are copied from npm. A record of
// the inputs' hash (build.json) lets a Python test find a bundle that is stale against its sources.
import { createHash } from "node:crypto";
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));
const here = join(root, "thx_cron/dashboard");
const out = join(here, "static/thx_cron_dashboard");
const graphiql = join(root, "graphql_api/static/thx_cron_graphql/graphiql");

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );

// The same list and digest as tests/dashboard/test_the_committed_bundle_is_built_from_its_sources.py.
const inputs = [
  ...walk(join(here, "src")),
  join(here, "build.mjs"),
  join(root, "package.json"),
  join(root, "package-lock.json"),
]
  .map((file) => relative(root, file).split("\\").join("/"))
  .sort();
const sourcesDigest = sha256(
  inputs.map((name) => `${name}\n${sha256(readFileSync(join(root, name)))}\n`).join(""),
);

await esbuild.build({
  entryPoints: [join(here, "src/main.js")],
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  legalComments: "eof",
  outfile: join(out, "dashboard.js"),
  logLevel: "warning",
});
copyFileSync(join(here, "src/dashboard.css"), join(out, "dashboard.css"));

const vendor = {
  "react.production.min.js": "react/umd/react.production.min.js",
  "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
  "graphiql.min.js": "graphiql/graphiql.min.js",
  "graphiql.min.css": "graphiql/graphiql.min.css",
};
for (const [name, from] of Object.entries(vendor)) {
  copyFileSync(join(root, "node_modules", from), join(graphiql, name));
}

const outputs = [
  join(out, "dashboard.js"),
  join(out, "dashboard.css"),
  ...Object.keys(vendor).map((name) => join(graphiql, name)),
];
const record = {
  sources: sourcesDigest,
  inputs,
  outputs: Object.fromEntries(
    outputs.map((file) => [relative(root, file).split("\\").join("/"), sha256(readFileSync(file))]),
  ),
};
writeFileSync(join(out, "build.json"), JSON.stringify(record, null, 2) + "\n");
console.log(`built ${outputs.length} files, sources ${sourcesDigest.slice(0, 12)}`);
