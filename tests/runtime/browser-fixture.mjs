// Imports the browser entries of appgrant and appgrant/edge by URL, as a page without a bundler
// or import map would.
import * as api from '/pkg/browser.mjs';
import * as edge from '/pkg/edge/browser.mjs';
import { probe } from './probe.mjs';

window.probeResult = { ...probe(api), edge: probe(edge) };
