// A diagnosis from the application's place beside the one from here: the localhost trap, another resolver,
// another route show up as two different answers to the same URL.
import { diagnosisRows } from './render.js';
import type { Diagnosis } from './types.js';
import type { Vantage } from './vantage.js';
import { fileNames } from './vantage-trust.js';

/** How a place is named in the text: `pid 4711`, `container app (podman 1a2b…, pid 4711)`, `host app-1 over SSH`,
 *  and what of it the probes used. */
export interface PlaceName { label: string; detail: string }

/** The layers whose answer differs between the two places. */
export function differences(there: Diagnosis, here: Diagnosis): string[] {
  const at = new Map(here.checks.map((c) => [c.layer, c]));
  return there.checks.flatMap((c) => {
    const h = at.get(c.layer);
    return h && (h.status !== c.status || h.classification !== c.classification) ? [`${c.layer}: here ${h.status} (${h.summary}); from the application ${c.status} (${c.summary})`] : [];
  });
}

/** A process's place (--from-pid, --from-container, --from-pod). */
export function processPlace(v: Vantage): PlaceName {
  const place = v.sameNetns ? 'this network namespace' : `its network namespace ${v.netns}`;
  const named = [...v.files, ...fileNames(v.tlsFiles)];
  return {
    label: v.pod ? `pod ${v.pod.namespace}/${v.pod.name} (container ${v.pod.container} ${v.pod.id}, pid ${v.pid})`
      : v.container ? `container ${v.container.name} (${v.container.runtime} ${v.container.id}, pid ${v.pid})` : `pid ${v.pid}`,
    detail: `${place}${named.length ? `, its ${named.join(', ')}` : ''}`,
  };
}

export function renderVantage(place: PlaceName, there: Diagnosis, here: Diagnosis): string[] {
  const diff = differences(there, here);
  const verdict = there.classification === here.classification && diff.length === 0
    ? [`Same answer from here and from ${place.label}: the application's place is not the difference.`]
    : [`The application's view differs: here ${here.scenario} (${here.classification}), from ${place.label} ${there.scenario} (${there.classification}).`,
      ...diff.map((d) => `  ${d}`),
      'Fix it from the application\'s side: the address it is given (a container\'s localhost is its own), its resolver and hosts file, its routes.'];
  // Rows, never joined: a server's message in a finding stays in its row (cli/say.ts sayRows).
  return [`From ${place.label} (${place.detail}):`, ...diagnosisRows(there, false), '',
    `From here, for comparison: ${here.scenario} (${here.classification}) - ${here.finding}`, '', ...verdict];
}
