// Run by bun.test.mjs: the package and appgrant/edge, imported by name and required by name, as a
// Bun user with a node_modules folder would load them.
import { createRequire } from 'node:module';
import * as api from 'appgrant';
import * as edge from 'appgrant/edge';
import { probe } from './probe.mjs';

const require = createRequire(import.meta.url);
const at = (specifier) => require.resolve(specifier);
console.log(
  JSON.stringify({
    entry: import.meta.resolve('appgrant'),
    ...probe(api),
    edge: { entry: import.meta.resolve('appgrant/edge'), ...probe(edge) },
    required: { entry: at('appgrant'), ...probe(require('appgrant')) },
    requiredEdge: { entry: at('appgrant/edge'), ...probe(require('appgrant/edge')) },
  }),
);
