import { describe } from "vitest";
import { postgresAvailability } from "../helpers/test-database";
import { defineRunFlowSuite } from "./run-flow-suite";

describe.runIf(postgresAvailability().available)("on PostgreSQL", () => {
  defineRunFlowSuite({ driver: "postgres", mode: "classic" });
});
