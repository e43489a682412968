import { defineApprovalSuite } from "./approval-suite";

defineApprovalSuite({ driver: "pglite", mode: "checkpoint" });
