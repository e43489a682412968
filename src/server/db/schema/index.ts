export * from "./api-keys";
export * from "./approvals";
export * from "./credentials";
export * from "./runs";
export * from "./step-outputs";
export * from "./triggers";
export * from "./workflows";
export * from "./workspaces";
