// Imports the browser entry by URL, as a page without a bundler or import map would.
import * as api from '/pkg/browser.mjs';
import { probe } from './probe.mjs';

window.probeResult = probe(api);
