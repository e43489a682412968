export * from "./runs";
export * from "./workflows";
export * from "./workspaces";
