import { defineRunFlowSuite } from "./run-flow-suite";

defineRunFlowSuite({ driver: "pglite", mode: "checkpoint" });
