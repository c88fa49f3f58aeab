// A diagnosis from the application's place beside the one from here: the localhost trap, another resolver,
// another route show up as two different answers to the same URL.
import { renderDiagnosis } from './render.js';
import type { Diagnosis } from './types.js';
import type { Vantage } from './vantage.js';

/** The layers whose answer differs between the two places. */
export function differences(there: Diagnosis, here: Diagnosis): string[] {
  const at = new Map(here.checks.map((c) => [c.layer, c]));
  return there.checks.flatMap((c) => {
    const h = at.get(c.layer);
    return h && (h.status !== c.status || h.classification !== c.classification) ? [`${c.layer}: here ${h.status} (${h.summary}); from the application ${c.status} (${c.summary})`] : [];
  });
}

/** How the place is named: the container the operator named, else the process. */
export const placeOf = (v: Vantage): string => (v.container ? `container ${v.container.name} (${v.container.runtime} ${v.container.id}, pid ${v.pid})` : `pid ${v.pid}`);

export function renderVantage(v: Vantage, there: Diagnosis, here: Diagnosis): string {
  const place = v.sameNetns ? 'this network namespace' : `its network namespace ${v.netns}`;
  const from = placeOf(v);
  const named = [...v.files, ...v.tlsFiles.map((f) => `${f.path} (${f.from ?? f.param})`)];
  const files = named.length ? `, its ${named.join(', ')}` : '';
  const diff = differences(there, here);
  const verdict = there.classification === here.classification && diff.length === 0
    ? `Same answer from here and from ${from}: the application's place is not the difference.`
    : [`The application's view differs: here ${here.scenario} (${here.classification}), from ${from} ${there.scenario} (${there.classification}).`,
      ...diff.map((d) => `  ${d}`),
      'Fix it from the application\'s side: the address it is given (a container\'s localhost is its own), its resolver and hosts file, its routes.'].join('\n');
  return [`From ${from} (${place}${files}):`, renderDiagnosis(there, false).trimEnd(), '',
    `From here, for comparison: ${here.scenario} (${here.classification}) - ${here.finding}`, '', verdict, ''].join('\n');
}
