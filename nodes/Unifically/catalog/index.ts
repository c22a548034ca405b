import { audioModels } from './audio';
import { imageModels } from './image';
import type { ModelSpec, Resource } from './types';
import { videoModels } from './video';

export * from './types';

/** Every model of the API, in the API doc's order. */
export const MODELS: readonly ModelSpec[] = [...videoModels, ...imageModels, ...audioModels];

const byId = new Map(MODELS.map((model) => [model.id, model]));

export function findModel(id: string): ModelSpec | undefined {
	return byId.get(id);
}

export function modelsOf(resource: Resource): ModelSpec[] {
	return MODELS.filter((model) => model.resource === resource);
}

/** The n8n parameter name of an API input key: `aspect_ratio` → `aspectRatio`. */
export function parameterName(apiKey: string): string {
	return apiKey.replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase());
}

/** The form parameter of an input: its `field`, or the camelCase of its API key. */
export function fieldName(spec: { key: string; field?: string }): string {
	return spec.field ?? parameterName(spec.key);
}

/** Whether an input applies given the values of the model's other inputs (`shownWhen`). */
export function applies(
	spec: { shownWhen?: { key: string; in: Array<string | number | boolean> } },
	valueOf: (key: string) => unknown,
): boolean {
	return !spec.shownWhen || spec.shownWhen.in.includes(valueOf(spec.shownWhen.key) as string | number | boolean);
}

/**
 * A media input: a URL (or list of URLs) of a file the model reads. The form offers each one as
 * binary fields of the item too ("Input Type: Binary File"), uploaded to Unifically's storage first.
 */
export function isMediaInput(spec: { type: string; url?: boolean }): boolean {
	return spec.url === true && (spec.type === 'string' || spec.type === 'stringList');
}

/** The form parameter naming a media input's binary field(s): `start_image_url` → `startImageBinaryField`, `image_urls` → `imageBinaryFields`. */
export function binaryFieldName(spec: { key: string; type: string }): string {
	return parameterName(spec.key.replace(/_urls?$/, '')) + (spec.type === 'stringList' ? 'BinaryFields' : 'BinaryField');
}
