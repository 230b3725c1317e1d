// A Worker that imports appgrant and appgrant/edge the way a wrangler project would: by name,
// resolved to their `workerd` entries. workerd.test.mjs writes the config that wires the modules.
import * as api from 'appgrant';
import * as edge from 'appgrant/edge';
import { probe } from './probe.mjs';

export default {
  fetch() {
    return Response.json({ ...probe(api), edge: probe(edge) });
  },
};
