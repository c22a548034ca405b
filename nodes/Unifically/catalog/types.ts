/**
 * The model catalog is data: the node's form (toProperties.ts) and its validation before a request
 * (validate.ts) are derived from these entries. Adding a model to the node is adding an entry here.
 * Prices are not here: the node never reads them (Estimate Cost asks the API's `dry_run`); the
 * simulator has its own model table with prices (simulator/models/*.cts).
 */

export type Resource = 'video' | 'image' | 'audio';

/**
 * How an input is typed in the API and therefore in the form:
 * - string / integer / number / boolean: scalar values
 * - stringList: an array of strings (image URL lists); the form takes one value per line or comma
 * - json: structured values (Kling `elements`, `multi_shot`), entered as JSON
 */
export type InputType = 'string' | 'integer' | 'number' | 'boolean' | 'stringList' | 'json';

export interface InputSpec {
	/** The API's key, exactly as documented (snake_case). The n8n parameter is its camelCase. */
	key: string;
	type: InputType;
	/** Required on its own. Inputs required only as one of a group are listed in `rules` instead. */
	required?: boolean;
	/** The API doc's description, completed with limits so the user sees them in the form. */
	description: string;
	/** Documented choices: the form shows them as options and validation rejects anything else. */
	options?: Array<string | number>;
	/** Documented default, if any (used only to pre-fill the form; never sent unless set). */
	default?: string | number | boolean;
	/**
	 * The form's starting value where the API doc gives no default: the newest version where the API doc
	 * orders versions, Suno's custom mode. Only pre-fills the form; validation ignores it.
	 */
	formDefault?: string | number | boolean;
	/** Documented numeric range (inclusive). */
	min?: number;
	max?: number;
	/** Documented maximum length of a string (Hailuo's 2000-character prompt). */
	maxLength?: number;
	/** Documented maximum number of entries of a list ("up to 7 image URLs"). */
	maxItems?: number;
	/** The value is a URL (validated as http(s) URL; list entries too). */
	url?: boolean;
	/** Displayed name override; by default derived from the key ("start_image_url" → "Start Image URL"). */
	displayName?: string;
	/** Words for documented choices, e.g. `{ std: 'Standard (720p)' }` (the API value stays the option's value). */
	optionLabels?: Record<string, string>;
	/** An example shown in the empty field. */
	placeholder?: string;
	/**
	 * The input applies only while another input of the model has one of these values (Suno's custom
	 * mode fields): the form hides it otherwise, the node sends it only then, and `required` holds only
	 * then (Suno's Song Description is required in simple mode).
	 */
	shownWhen?: { key: string; in: Array<string | number | boolean> };
	/**
	 * The form's parameter, when it is not the camelCase of `key`: a mode's main text shares one field
	 * with the other mode's (Suno's Song Description and Prompt are both `prompt`), so the text typed
	 * stays when the mode is switched; the mode decides which API key it is sent as.
	 */
	field?: string;
	/**
	 * The value is picked from a list the API serves (n8n's resource locator: From List, searchable,
	 * or By ID). The API still receives the plain ID. The lists are read by `methods/listSearch.ts`.
	 */
	picker?: Picker;
	/**
	 * A list of objects with these inputs each (ElevenLabs' dialogue turns `{text, voice}`): the form
	 * offers them as entries to add (`name`, a list of `entry`), beside the JSON field of the input
	 * itself, which stays for saved workflows and expressions and is used when no entry is added.
	 */
	entries?: { name: string; displayName: string; entry: string; entryDisplayName: string; inputs: InputSpec[] };
	/**
	 * The API key is a guess: no source names it (docs/api-doc-differences.md says what it is guessed
	 * from). The form offers it top-level, never required, with a hint saying it is a guess and that
	 * Extra Input (JSON) takes the right name.
	 */
	guessed?: boolean;
	/** A line under the field (n8n's hint): where a fact comes from when it is not Unifically's own docs. */
	hint?: string;
}

/** The lists the form's pickers read (GET paths in methods/listSearch.ts). */
export type Picker = 'elevenlabsVoice' | 'higgsfieldVoice' | 'higgsfieldMotion';

/** Rules that involve more than one input. Messages name the parameters the user sees. */
export type CrossInputRule =
	/** At least one of these inputs must be given ("prompt or start image"). */
	| { kind: 'atLeastOneOf'; keys: string[] }
	/** When `when.key` equals one of `when.in`, `then.key` may only take `then.in` ("1080p only supports 6 s"). */
	| {
			kind: 'restrictWhen';
			when: { key: string; in: Array<string | number | boolean> };
			then: { key: string; in: Array<string | number | boolean> };
	  };

export interface ModelSpec {
	/** The API's model id exactly as the API doc lists it, e.g. "google/veo-3.1-fast". */
	id: string;
	resource: Resource;
	/** The API doc's display name, e.g. "Google Veo 3.1 Fast (720p, 1080p, 4k)". */
	name: string;
	/** The name the form shows, "Provider: Model" for every model, e.g. "Google: Veo 3.1 Fast" (the form adds the id). */
	label: string;
	/** One sentence for the form (what the model does, notable limits). */
	description: string;
	/** Every documented input. Models the API doc gives no inputs for list just `prompt` (optional). */
	inputs: InputSpec[];
	rules?: CrossInputRule[];
	/** Whether the API doc documents this model's inputs (false → prompt + extraInput only, unless `inputsFrom`). */
	documented: boolean;
	/**
	 * Where the inputs of a model the API doc does not document come from (docs/api-doc-differences.md
	 * lists them, and what is partial, inferred or guessed). Extra Input stays.
	 * - publicPages: Unifically's public model pages;
	 * - clientCode: public programs of Unifically's users (no page of Unifically's);
	 * - guessed: no source names them; the form's main input is a guess (`InputSpec.guessed`).
	 */
	inputsFrom?: 'publicPages' | 'clientCode' | 'guessed';
}
