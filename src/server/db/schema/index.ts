export * from "./api-keys";
export * from "./runs";
export * from "./workflows";
export * from "./workspaces";
