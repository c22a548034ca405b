import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { findModel } from '../catalog';
import { matching, readList, toSearchItems } from '../../shared/transport/lists';

/*
 * The lists behind the form's pickers (n8n's resource locator, "From List"). Where a list cannot be
 * read the error says so and "By ID" still takes the ID. Paths: docs/api-doc-differences.md.
 */

export const ELEVENLABS_VOICES_PATH = '/v1/resources/elevenlabs/voices';
/** Legacy paths (not under /v1): the only lists of Higgsfield's motions and voices known. */
export const HIGGSFIELD_VOICES_PATH = '/higgsfield/voices';
export const HIGGSFIELD_MOTIONS_PATH = '/higgsfield/motions';
export const MODELS_PATH = '/v1/models';

async function search(context: ILoadOptionsFunctions, path: string, what: string, filter?: string): Promise<INodeListSearchResult> {
	const { entries } = await readList(context, path, what);
	return { results: toSearchItems(matching(entries, filter)) };
}

export async function searchElevenlabsVoices(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await search(this, ELEVENLABS_VOICES_PATH, 'ElevenLabs voices', filter);
}

export async function searchHiggsfieldVoices(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await search(this, HIGGSFIELD_VOICES_PATH, 'Higgsfield voices', filter);
}

/** Motions come in pages of 30 (`cursor`, as Unifically's clients read them); the next page when the answer names one. */
export async function searchHiggsfieldMotions(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const cursor = paginationToken ? `&cursor=${encodeURIComponent(paginationToken)}` : '';
	const page = await readList(this, `${HIGGSFIELD_MOTIONS_PATH}?size=30&preset_family=higgsfield${cursor}`, 'Higgsfield motions');
	return { results: toSearchItems(matching(page.entries, filter)), ...(page.next ? { paginationToken: page.next } : {}) };
}

/**
 * The models of the node's resource that GET /v1/models lists and the catalog does not have (those
 * have their own form). An entry whose `category` names another resource is left out, in case the
 * API ignores `?category`.
 */
export async function searchApiModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const resource = String(this.getCurrentNodeParameter('resource') ?? 'video');
	const { entries } = await readList(this, `${MODELS_PATH}?category=${encodeURIComponent(resource)}`, `${resource} models`);
	const others = entries.filter((entry) => !findModel(entry.id) && (!entry.category || entry.category.toLowerCase() === resource));
	return { results: toSearchItems(matching(others, filter)) };
}
