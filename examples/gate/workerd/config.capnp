# workerd config for the gate example, run from the repository after ./dev build:
#
#   APPGRANT_APP_SECRET=... node_modules/.bin/workerd serve examples/gate/workerd/config.capnp
#
# Paths are relative to this file; node_modules/appgrant is the built package. The module named
# "appgrant/edge" is the workerd entry of appgrant/edge (the package's edge/ folder): its relative
# imports resolve against that name, so the files beside it are named "appgrant/<file>". (A
# wrangler project needs none of this: its bundler resolves `appgrant/edge` by the exports map.)
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "gate", worker = .gate)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "gate")],
);

const gate :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "appgrant/edge", esModule = embed "../../../node_modules/appgrant/edge/workerd.mjs"),
    (name = "appgrant/appgrant.js", esModule = embed "../../../node_modules/appgrant/edge/appgrant.js"),
    (name = "appgrant/signer.js", esModule = embed "../../../node_modules/appgrant/edge/signer.js"),
    (name = "appgrant/sign.js", esModule = embed "../../../node_modules/appgrant/edge/sign.js"),
    (name = "appgrant/fast.js", esModule = embed "../../../node_modules/appgrant/edge/fast.js"),
    (name = "appgrant/clients.js", esModule = embed "../../../node_modules/appgrant/edge/clients.js"),
    (name = "appgrant/appgrant_bg.wasm", wasm = embed "../../../node_modules/appgrant/edge/appgrant_bg.wasm"),
    (name = "config.json", json = embed "../config.json"),
    (name = "credentials.json", json = embed "../credentials.json"),
    (name = "directory.json", json = embed "../directory.json"),
  ],
  bindings = [(name = "APPGRANT_APP_SECRET", fromEnvironment = "APPGRANT_APP_SECRET")],
  compatibilityDate = "2025-06-01",
);
