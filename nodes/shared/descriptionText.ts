/**
 * What the node does, in the nodes panel. n8n's editor shows a node and its trigger as ONE entry
 * ("Unifically") and gives that entry the *trigger's* description (editor-ui
 * `useActionsGeneration.generateMergedNodesAndActions`: `app.description = trigger.description`), in
 * the list and in the header of the entry's actions. So the trigger's description starts with what the
 * action node does, and then says what the trigger adds.
 */
export const ACTION_DESCRIPTION =
	'Generate video, images and audio with 50 AI models (Veo, Sora, Kling, Flux, Suno, ElevenLabs …) through Unifically';

export const TRIGGER_DESCRIPTION = `${ACTION_DESCRIPTION}, and start a workflow when a task finishes`;
