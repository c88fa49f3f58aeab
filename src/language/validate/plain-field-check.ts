// `${{ }}` only means something in the fields that are templates (src/language/sites.ts, the one list). Anywhere
// else (description, summary, prompt.default, an input's default, …) it would be shown or used literally.
import type { RunbookDoc } from '../schema.js';
import { hasTemplate } from '../expression/index.js';
import { runbookSites } from '../sites.js';
import { childPath } from '../source-map.js';
import type { Reporter } from './context.js';

/** Fields with their own, more precise message: SQL text must use params (steps-check). */
const OWN_MESSAGE = /^\/steps\/\d+\/(?:wait\/)?sql\/query(?:\/(?:postgres|mysql))?$/;

export function checkPlainFields(doc: RunbookDoc, report: Reporter): void {
  const sites = new Set(runbookSites(doc).map((s) => s.path));
  walk(doc, '', (path, text, key) => {
    if (key) {
      // No key is a template (an env variable's name, an `on` key): it would be used as written.
      if (hasTemplate(text)) report.error('template-in-key', path, `'${text}' is a key, and keys are never templates: it would be used as written; name it plainly and put the \${{ }} in its value`, 'key');
      return;
    }
    if (sites.has(path) || OWN_MESSAGE.test(path) || !hasTemplate(text)) return;
    const field = path.slice(path.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
    report.error('not-templated', path, `'${field}' is not a template: \${{ }} here would be ${/default|pattern|choices|^\d+$/.test(field) ? 'used' : 'shown'} as written. `
      + 'Templates work in title, confirm, blast_radius, message, manual instructions, prompt.message, shell, sql params, with, for_each.label and connection urls (see reference.md)');
  });
}

/** Every string value (and, with key = true, every key) with its path. */
function walk(value: unknown, path: string, visit: (path: string, text: string, key?: boolean) => void): void {
  if (typeof value === 'string') { visit(path, value); return; }
  if (Array.isArray(value)) { value.forEach((v, i) => walk(v, `${path}/${i}`, visit)); return; }
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (path === '' && /^x-/.test(k)) continue; // anchor holders: checked where they are merged in
    visit(childPath(path, k), k, true);
    walk(v, childPath(path, k), visit);
  }
}
