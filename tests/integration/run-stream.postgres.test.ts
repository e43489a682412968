import { describe } from "vitest";
import { postgresAvailability } from "../helpers/test-database";
import { defineRunStreamSuite } from "./run-stream-suite";

describe.runIf(postgresAvailability().available)("on PostgreSQL", () => {
  defineRunStreamSuite({ driver: "postgres" });
});
