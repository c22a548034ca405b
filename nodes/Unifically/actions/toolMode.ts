import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Attached to an AI Agent, n8n runs this node as its generated tool variant
 * (`n8n-nodes-unifically.unificallyTool`, made from `usableAsTool`).
 */
export function isToolRun(context: Pick<IExecuteFunctions, 'getNode'>): boolean {
	return context.getNode().type.endsWith('Tool');
}

/** How long a tool call waits for a task by default: an agent (and its user) cannot wait 15 minutes. */
export const TOOL_TIMEOUT_SECONDS = 60;
