import { defineAgentSuite } from "./agent-suite";

defineAgentSuite({ driver: "pglite", mode: "classic" });
