/** Step ids of an agent node (never change them: runs in flight replay by id). */
export const agentStartIdFor = (nodeId: string) => `agent:${nodeId}:start`;
export const agentTurnIdFor = (nodeId: string, turn: number) => `agent:${nodeId}:turn:${turn}`;
export const agentToolIdFor = (nodeId: string, turn: number, callId: string) =>
  `agent:${nodeId}:tool:${turn}:${callId}`;
export const agentApprovalRequestIdFor = (nodeId: string, turn: number, callId: string) =>
  `agent:${nodeId}:approval-request:${turn}:${callId}`;
export const agentApprovalWaitIdFor = (nodeId: string, turn: number, callId: string) =>
  `agent:${nodeId}:approval:${turn}:${callId}`;
export const agentSubrunStartIdFor = (nodeId: string, turn: number, callId: string) =>
  `agent:${nodeId}:subrun-start:${turn}:${callId}`;
export const agentSubrunIdFor = (nodeId: string, turn: number, callId: string) =>
  `agent:${nodeId}:subrun:${turn}:${callId}`;
