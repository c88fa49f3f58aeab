// Masking a run's events and transcript lines: data fields only. Which fields those are is read once from the
// transcript schema (events/schema.ts), the one definition of every line: enumerated fields (a status, an
// outcome, a line's type), numbers, and strings marked STRUCTURAL there (step ids, times, hashes, column names)
// are never masked; every other string, and every value of unknown shape, is. A secret that is a short word
// ("app", "step") then masks it in a step's output, never in `"type":"step-finished"` or a step id `app-url`.
import { Kind, type TSchema } from '@sinclair/typebox';
import { STRUCTURAL, StepResultSchema, TranscriptLine } from './schema.js';
import type { StepResult } from '../executors/types.js';
import type { Redactor } from '../secrets/redactor.js';

/** keep: never masked; data: masked whole (maskDeep); an object or array: masked field by field. */
type Plan = 'keep' | 'data' | { fields: Map<string, Plan> } | { items: Plan };

const KEPT_KINDS = new Set(['Literal', 'Integer', 'Number', 'Boolean', 'Null']);

function planOf(schema: TSchema): Plan {
  const s = schema as TSchema & { [STRUCTURAL]?: boolean; anyOf?: TSchema[]; items?: TSchema; properties?: Record<string, TSchema> };
  if (s[STRUCTURAL] === true) return 'keep';
  const kind = s[Kind] as string;
  if (KEPT_KINDS.has(kind)) return 'keep';
  if (kind === 'Union') return s.anyOf!.map(planOf).reduce(merge);
  if (kind === 'Array') return { items: planOf(s.items!) };
  if (kind === 'Object') return { fields: new Map(Object.entries(s.properties!).map(([k, v]) => [k, planOf(v)])) };
  return 'data'; // String, Unknown, Record, anything new: masked
}

/** The plan of a union: a field is kept only when every alternative that has it keeps it. */
function merge(a: Plan, b: Plan): Plan {
  if (a === 'keep' && b === 'keep') return 'keep';
  if (typeof a === 'object' && typeof b === 'object' && 'fields' in a && 'fields' in b) {
    const fields = new Map(a.fields);
    for (const [k, p] of b.fields) fields.set(k, fields.has(k) ? merge(fields.get(k)!, p) : p);
    return { fields };
  }
  if (typeof a === 'object' && typeof b === 'object' && 'items' in a && 'items' in b) return { items: merge(a.items, b.items) };
  return 'data';
}

function apply(plan: Plan, value: unknown, redactor: Redactor): unknown {
  if (plan === 'keep' || value === null || value === undefined) return value;
  if (plan === 'data') return redactor.maskDeep(value);
  if ('items' in plan) return Array.isArray(value) ? value.map((v) => apply(plan.items, v, redactor)) : redactor.maskDeep(value);
  if (typeof value !== 'object' || Array.isArray(value)) return redactor.maskDeep(value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, apply(plan.fields.get(k) ?? 'data', v, redactor)]));
}

let byType: Map<string, Plan> | undefined;
let resultPlan: Plan | undefined;

function linePlans(): Map<string, Plan> {
  if (byType) return byType;
  byType = new Map();
  for (const line of TranscriptLine.anyOf as TSchema[]) {
    const type = (line.properties as Record<string, { const?: string }>).type?.const;
    if (type !== undefined) byType.set(type, planOf(line));
  }
  return byType;
}

/** An event or transcript line with its data masked. A line of a type the schema does not know keeps only its
 *  `type`: everything else in it is masked. */
export function maskLine<T extends { type: string }>(redactor: Redactor, line: T): T {
  if (redactor.size === 0) return line;
  const plan = linePlans().get(line.type) ?? { fields: new Map([['type', 'keep' as Plan]]) };
  return apply(plan, line, redactor) as T;
}

/** A step result with its data masked (what `runbook diagnose` and others show outside an event). */
export function maskResult(redactor: Redactor, result: StepResult): StepResult {
  if (redactor.size === 0) return result;
  resultPlan ??= planOf(StepResultSchema);
  return apply(resultPlan, result, redactor) as StepResult;
}

/** For tests: whether a field (a path of keys; `[]` for array items) of a line type is kept unmasked. */
export function isKept(type: string, path: string[]): boolean {
  let plan: Plan | undefined = linePlans().get(type);
  for (const key of path) {
    if (plan === undefined || plan === 'keep' || plan === 'data') break;
    plan = key === '[]' ? ('items' in plan ? plan.items : undefined) : ('fields' in plan ? plan.fields.get(key) : undefined);
  }
  return plan === 'keep';
}
