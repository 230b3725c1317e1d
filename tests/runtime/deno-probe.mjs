// Run by deno.test.mjs with no permissions at all: the package must load by name, as a Deno user
// with a node_modules folder would import it, without reading files or fetching.
import * as api from 'appgrant';
import { probe } from './probe.mjs';

console.log(JSON.stringify({ entry: import.meta.resolve('appgrant'), ...probe(api) }));
