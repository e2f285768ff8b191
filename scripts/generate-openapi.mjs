#!/usr/bin/env node
// Generates the TypeScript each IBIAS HTTP API is typed and validated with, from its one
// source, plugins/ibias-<x>-backend/src/schema/openapi.yaml:
//
// - plugins/ibias-<x>-common/src/generated/openapi.ts: the request and response
//   types (openapi-typescript), shared by the backend router and the frontend client;
// - plugins/ibias-<x>-backend/src/schema/openapi.generated.ts: the document as a
//   typed constant (request validation at run time, the service's input schemas) and the
//   endpoint map that types the router's handlers.
//
// `node scripts/generate-openapi.mjs` writes them; `--check` regenerates in memory and
// fails, naming the file, when a committed one is stale. (Backstage's `repo-tools
// package schema openapi generate` needs a jar from Maven these machines cannot fetch.)
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import prettier from 'prettier';
import { parse as parseYaml } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const COMMAND = 'node scripts/generate-openapi.mjs';
/** The APIs: plugin id and the words the generated files' headers use. */
const APIS = [
  ['ibias-deployments', 'IBIAS deployments'],
  ['ibias-metrics', 'IBIAS metrics'],
  ['ibias-ai-costs', 'IBIAS AI costs'],
];

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

async function format(file, source) {
  const options = await prettier.resolveConfig(path.join(root, file));
  return prettier.format(source, { ...options, filepath: file });
}

async function generate([plugin, title]) {
  const SOURCE = `plugins/${plugin}-backend/src/schema/openapi.yaml`;
  const TYPES = `plugins/${plugin}-common/src/generated/openapi.ts`;
  const SPEC = `plugins/${plugin}-backend/src/schema/openapi.generated.ts`;
  const header = (what, disable = '') =>
    `// ${what}, generated from ${SOURCE} — do not edit; run \`${COMMAND}\`.\n${disable}`;
  const document = parseYaml(
    await fs.readFile(path.join(root, SOURCE), 'utf8'),
  );

  const ast = await openapiTS(document, { alphabetize: false });
  const types = header(`Types of the ${title} HTTP API`) + astToString(ast);

  const endpoints = [];
  for (const [route, operations] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = operations[method];
      if (!operation) continue;
      if (!operation.operationId) {
        throw new Error(`${SOURCE}: ${method} ${route} has no operationId`);
      }
      const key = `#${method === 'delete' ? '_delete' : method}|${route}`;
      endpoints.push(
        `  '${key}': Endpoint<operations['${operation.operationId}']>;`,
      );
    }
  }
  const spec = `${header(`The ${title} OpenAPI document as a constant`)}
import type { operations } from '@internal/plugin-${plugin}-common';

export const spec = ${JSON.stringify(document, null, 2)} as const;

type JsonContent<T> = T extends { content: { 'application/json': infer B } }
  ? B
  : never;
/** A success answer's body: its JSON, or a text document (CSV) as a string. */
type Answer<T> = T extends { content: { 'text/csv': infer B } }
  ? B
  : JsonContent<T>;
type Success<R> = Answer<R[Extract<keyof R, 200 | 201 | 202 | 204>]>;

/** One operation as the typed router sees it: path, query, body and success answer. */
type Endpoint<Op> = Op extends {
  parameters: infer Params;
  responses: infer Responses;
}
  ? {
      path: Params extends { path: infer P } ? NonNullable<P> : never;
      query: Params extends { query?: infer Q } ? NonNullable<Q> : never;
      body: Op extends { requestBody?: infer B } ? JsonContent<NonNullable<B>> : never;
      response: Success<Responses>;
    }
  : never;

/** Every operation, keyed the way createValidatedOpenApiRouterFromGeneratedEndpointMap expects. */
export type EndpointMap = {
${endpoints.join('\n')}
};
`;
  return [
    [TYPES, await format(TYPES, types)],
    [SPEC, await format(SPEC, spec)],
  ];
}

const check = process.argv.includes('--check');
let stale = 0;
const files = [];
for (const api of APIS) files.push(...(await generate(api)));
for (const [file, content] of files) {
  const target = path.join(root, file);
  const current = await fs.readFile(target, 'utf8').catch(() => undefined);
  if (current === content) continue;
  if (check) {
    stale++;
    console.error(
      `${file} is stale: it differs from what its openapi.yaml generates. Run \`${COMMAND}\` and commit the result.`,
    );
    continue;
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, content);
  console.log(`wrote ${file}`);
}
if (stale) process.exit(1);
if (check) console.log(`${files.map(f => f[0]).join(', ')} are up to date`);
