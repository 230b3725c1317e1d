// Run by deno.test.mjs with no permissions at all: the package and appgrant/edge must load by
// name, as a Deno user with a node_modules folder would import them, without reading files or
// fetching.
import * as api from 'appgrant';
import * as edge from 'appgrant/edge';
import { probe } from './probe.mjs';

console.log(
  JSON.stringify({
    entry: import.meta.resolve('appgrant'),
    ...probe(api),
    edge: { entry: import.meta.resolve('appgrant/edge'), ...probe(edge) },
  }),
);
