/**
 * The simulator's own reading of the API doc (docs/unifically-tasks-api.txt): what a model is, as the
 * simulator validates, prices and answers it. Written from the API doc's tables, independently of the
 * node's catalog (nodes/Unifically/catalog), so that a catalog or node validation bug is not
 * accepted by the simulator too. test/unit/simulatorModels.test.cts compares the two readings on
 * every model.
 */

export type SimResource = 'video' | 'image' | 'audio';

/**
 * An input's type as the API doc's "Type" column writes it: `string[]` is the doc's `string[]` and
 * `array` of URLs; `object[]` its `ElementInput[]`, `multi_shot`, ElevenLabs' `dialogue` (any JSON
 * object or array is accepted: the doc does not describe the items).
 */
export type SimType = 'string' | 'integer' | 'number' | 'boolean' | 'string[]' | 'object[]';

export type SimValue = string | number | boolean;

export interface SimInput {
	type: SimType;
	/** The "Required" column says Yes (without `*`). */
	required?: boolean;
	/** Choices the doc lists for the input; anything else is refused. */
	options?: SimValue[];
	/** Documented default (prices and cross-input rules use it when the input is left out). */
	default?: SimValue;
	/** Inclusive numeric range. */
	min?: number;
	max?: number;
	/** Longest string ("Max 2000 chars"). */
	maxLength?: number;
	/** Most entries of a list ("Up to 7 image URLs"). */
	maxItems?: number;
	/** The doc calls the value a URL: refused unless http(s). */
	url?: boolean;
	/** Values accepted besides the type (ElevenLabs' `duration`: a number of seconds or "auto"). */
	alsoAccepts?: SimValue[];
}

/** Rules over several inputs. */
export type SimRule =
	/** `Yes*` inputs: at least one of them ("Required if no start_image_url"). */
	| { kind: 'oneOf'; keys: string[] }
	/** While `when` has one of its values, `then` may only take its values ("1080p only supports 6"). */
	| { kind: 'onlyWhen'; when: { key: string; in: SimValue[] }; then: { key: string; in: SimValue[] } };

/**
 * A price as the API doc's "Pricing:" line gives it (docs/SPEC.md "Prices" reads its lost `$` signs).
 * - flat: one price per task
 * - perSecond: price × `duration` (or `defaultSeconds`)
 * - table: the row of the `by` inputs' values joined with '|' (missing inputs take `defaults`, then the
 *   input's documented default); `perSecond` multiplies the row by the duration
 */
export type PriceRule =
	| { kind: 'flat'; usd: number }
	| { kind: 'perSecond'; usd: number; defaultSeconds: number }
	| {
			kind: 'table';
			by: string[];
			table: Record<string, number>;
			defaults?: Record<string, SimValue>;
			perSecond?: boolean;
			defaultSeconds?: number;
	  };

/**
 * Where a model's inputs come from:
 * - `apiDoc`: the API doc's parameter table;
 * - `publicPages`: the API doc lists the id only; the inputs are from Unifically's public pages
 *   (docs/api-doc-differences.md), as the node types them;
 * - `clientCode`: no page of Unifically's; the inputs a public program of Unifically's users sends;
 * - `guessed`: no source names the inputs: the guessed key is known (typed, optional), anything else
 *   is accepted;
 * - `none`: nothing documented: any input is accepted (prompt optional).
 */
export type SimSource = 'apiDoc' | 'publicPages' | 'clientCode' | 'guessed' | 'none';

export interface SimModel {
	/** The model id exactly as the API doc lists it. */
	id: string;
	resource: SimResource;
	source: SimSource;
	/** Every input the simulator knows, by API key. Keys not listed are accepted (the API is the judge). */
	inputs: Record<string, SimInput>;
	rules?: SimRule[];
	/** What a create charges and a dry_run answers; `undefined` = the simulator's default for the resource. */
	price?: PriceRule;
	/** Why the price is what it is, when the API doc does not state it. */
	priceNote?: string;
}
