/** The media resources share their operations; `task` works on existing tasks by id; `file` on the item's files; `account` is the key's account. */
export const MEDIA_RESOURCES = ['video', 'image', 'audio'];

/** Every value of the Resource dropdown (a model's fields hide for the others). */
export const RESOURCES = [...MEDIA_RESOURCES, 'task', 'file', 'account'];
