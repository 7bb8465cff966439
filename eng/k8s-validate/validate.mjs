// Validates every object of a multi-document YAML file (e.g. `kubectl kustomize` output) against the
// schema of its apiVersion and kind: Kubernetes (kubernetes-models), KEDA and prometheus-operator.
// An object whose kind has no schema here is an error: everything published must be checked.
// Usage: node validate.mjs FILE   Prints one line per object; exits 1 when any is invalid.
import { readFile } from "node:fs/promises";
import { parseAllDocuments } from "yaml";

const packages = [
  { prefix: "keda.sh/", module: "@kubernetes-models/keda" },
  { prefix: "monitoring.coreos.com/", module: "@kubernetes-models/prometheus-operator" },
  { prefix: "", module: "kubernetes-models" },
];

async function modelFor(apiVersion, kind) {
  const { module } = packages.find((p) => apiVersion.startsWith(p.prefix));
  try {
    const exports = await import(`${module}/${apiVersion}/${kind}`);
    return exports[kind];
  } catch {
    return undefined;
  }
}

const documents = parseAllDocuments(await readFile(process.argv[2], "utf8"))
  .map((d) => d.toJS())
  .filter((d) => d !== null);

let invalid = 0;
for (const object of documents) {
  const name = `${object.apiVersion}/${object.kind} ${object.metadata?.name}`;
  const Model = await modelFor(object.apiVersion ?? "", object.kind ?? "");
  if (!Model) {
    invalid++;
    console.log(`NO SCHEMA ${name}`);
    continue;
  }

  try {
    new Model(object).validate();
    console.log(`valid ${name}`);
  } catch (error) {
    invalid++;
    console.log(`INVALID ${name}: ${error.message}`);
  }
}

console.log(`${documents.length - invalid} valid, ${invalid} invalid`);
process.exit(invalid === 0 && documents.length > 0 ? 0 : 1);
