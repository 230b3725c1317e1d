# workerd config for the gate example, run from the repository after ./dev build:
#
#   APPGRANT_APP_SECRET=... node_modules/.bin/workerd serve examples/gate/workerd/config.capnp
#
# Paths are relative to this file; node_modules/appgrant is the built package. The module named
# "appgrant" is the package's workerd entry, whose relative imports are the files beside it.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "gate", worker = .gate)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "gate")],
);

const gate :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "appgrant", esModule = embed "../../../node_modules/appgrant/workerd.mjs"),
    (name = "appgrant.js", esModule = embed "../../../node_modules/appgrant/appgrant.js"),
    (name = "signer.js", esModule = embed "../../../node_modules/appgrant/signer.js"),
    (name = "sign.js", esModule = embed "../../../node_modules/appgrant/sign.js"),
    (name = "fast.js", esModule = embed "../../../node_modules/appgrant/fast.js"),
    (name = "clients.js", esModule = embed "../../../node_modules/appgrant/clients.js"),
    (name = "appgrant_bg.wasm", wasm = embed "../../../node_modules/appgrant/appgrant_bg.wasm"),
    (name = "config.json", json = embed "../config.json"),
    (name = "credentials.json", json = embed "../credentials.json"),
    (name = "directory.json", json = embed "../directory.json"),
  ],
  bindings = [(name = "APPGRANT_APP_SECRET", fromEnvironment = "APPGRANT_APP_SECRET")],
  compatibilityDate = "2025-06-01",
);
