import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/**
 * One operation of the node, in its own `*.operation.ts` file: its entry in the Operation dropdown of
 * each of its resources, its form fields, what the AI Agent reads about it as a tool, and the code
 * that runs it. The router, the dropdowns, the form and the tool variant are derived from the list in
 * `operations.ts`.
 */
export interface Operation {
	/** The dropdown's value, saved in workflows. */
	value: string;
	name: string;
	description: string;
	/** The nodes panel's action for a resource, e.g. "Generate a video". */
	action: (resource: string) => string;
	/** The resources whose Operation dropdown offers it. */
	resources: readonly string[];
	/** The operation a resource starts with. */
	isDefault?: boolean;
	/** The form is the Model picker and the model's fields (from the catalog), then `properties`. */
	usesModel?: boolean;
	/** Its own fields, shown for its resources and value. */
	properties: INodeProperties[];
	/** As an AI Agent's tool: what the agent reads (per resource), and fields shown instead of `properties`. */
	tool?: {
		description: (resource: string) => string;
		/** Replace `properties` in the tool variant; without them the tool shows `properties` too. */
		properties?: INodeProperties[];
	};
	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;
}

/** A resource's name in action labels and tool texts: "a video", "an image task". */
export const NOUNS: Record<string, { one: string; task: string }> = {
	video: { one: 'a video', task: 'a video task' },
	image: { one: 'an image', task: 'an image task' },
	audio: { one: 'audio', task: 'an audio task' },
};
