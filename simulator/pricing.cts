import type { PriceRule, SimModel, SimResource } from './modelTypes.cjs';

/**
 * What a create charges and a dry_run answers: the `price` rules of the simulator's model table
 * (models/*.cts), which the node never reads (its Estimate Cost asks the API's `dry_run`).
 * A model without a rule (a test's own model) is charged the default of its resource. SPEC: "Prices
 * not listed are the simulator's own choice."
 */
export const DEFAULT_PRICES: Record<SimResource, number> = { video: 0.2, image: 0.03, audio: 0.05 };

/** Seconds assumed by a per-second price when neither the input nor the rule gives a duration. */
export const FALLBACK_SECONDS = 5;

export function roundUsd(value: number): number {
	return Math.round(value * 10000) / 10000;
}

function isMissing(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function secondsOf(input: Record<string, unknown>, defaultSeconds: number | undefined): number {
	const raw = input.duration;
	const seconds = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
	if (Number.isFinite(seconds) && seconds > 0) return seconds;
	return defaultSeconds ?? FALLBACK_SECONDS;
}

/** The value a `table` rule looks up for one of its `by` inputs: the input, else the rule's default, else the input's documented default. */
function lookupValue(model: SimModel, rule: Extract<PriceRule, { kind: 'table' }>, key: string, input: Record<string, unknown>) {
	if (!isMissing(input[key])) return input[key];
	if (rule.defaults && rule.defaults[key] !== undefined) return rule.defaults[key];
	return model.inputs[key]?.default;
}

/**
 * Looks a joined key up in a price table: exactly, then ignoring case ("2k" vs "2K").
 * Returns undefined when the table has no such row.
 */
function tableLookup(table: Record<string, number>, joined: string): number | undefined {
	if (Object.prototype.hasOwnProperty.call(table, joined)) return table[joined];
	const lower = joined.toLowerCase();
	const match = Object.keys(table).find((key) => key.toLowerCase() === lower);
	return match === undefined ? undefined : table[match];
}

/**
 * Evaluates a price rule for an input, in USD rounded to 4 decimals.
 * - flat: the price
 * - perSecond: price × `duration` (or the rule's `defaultSeconds`)
 * - table: the row for the `by` inputs' values joined with '|' (missing inputs take the rule's
 *   `defaults`, then the input's documented default); `perSecond` multiplies by the duration.
 *   A combination the table lacks is charged its highest row (the simulator's choice).
 * A model without a rule is charged `DEFAULT_PRICES[resource]`.
 */
export function evaluatePrice(rule: PriceRule | undefined, input: Record<string, unknown>, model?: SimModel): number {
	if (!rule) return roundUsd(model ? DEFAULT_PRICES[model.resource] : DEFAULT_PRICES.video);
	switch (rule.kind) {
		case 'flat':
			return roundUsd(rule.usd);
		case 'perSecond':
			return roundUsd(rule.usd * secondsOf(input, rule.defaultSeconds));
		case 'table': {
			const parts = rule.by.map((key) => {
				const value = model
					? lookupValue(model, rule, key, input)
					: isMissing(input[key])
						? rule.defaults?.[key]
						: input[key];
				return value === undefined || value === null ? '' : String(value);
			});
			let price = tableLookup(rule.table, parts.join('|'));
			if (price === undefined) {
				const rows = Object.values(rule.table);
				price = rows.length ? Math.max(...rows) : model ? DEFAULT_PRICES[model.resource] : 0;
			}
			if (rule.perSecond) price *= secondsOf(input, rule.defaultSeconds);
			return roundUsd(price);
		}
	}
}

/** The cost a `dry_run` of this model and input reports (and a real create charges). */
export function priceOf(model: SimModel, input: Record<string, unknown>): number {
	return evaluatePrice(model.price, input, model);
}
