/** The Resource dropdown. The media resources have models; `task` works on existing tasks by id; `file` on the item's files; `account` is the key's account. */
const RESOURCE_LIST = [
	{ value: 'video', name: 'Video', media: true },
	{ value: 'image', name: 'Image', media: true },
	{ value: 'audio', name: 'Audio', media: true },
	{ value: 'task', name: 'Task', media: false },
	{ value: 'file', name: 'File', media: false },
	{ value: 'account', name: 'Account', media: false },
];

export const MEDIA_RESOURCES = RESOURCE_LIST.filter((resource) => resource.media).map((resource) => resource.value);

/** Every value of the Resource dropdown (a model's fields hide for the others). */
export const RESOURCES = RESOURCE_LIST.map((resource) => resource.value);

/** The dropdown's entries, in n8n's alphabetical order. */
export const RESOURCE_OPTIONS = RESOURCE_LIST.map(({ name, value }) => ({ name, value })).sort((a, b) => a.name.localeCompare(b.name));
