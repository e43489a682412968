import { defineRunStreamSuite } from "./run-stream-suite";

defineRunStreamSuite({ driver: "pglite" });
