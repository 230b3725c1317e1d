// A Worker that imports appgrant the way a wrangler project would: by name, resolved to the
// package's `workerd` entry. workerd.test.mjs writes the config that wires the modules.
import * as api from 'appgrant';
import { probe } from './probe.mjs';

export default {
  fetch() {
    return Response.json(probe(api));
  },
};
