// The JSON Schema of one transcript line, as published in docs/transcript.schema.json (kept in step by
// test/transcript/schema.test.ts): the TypeBox definitions, stripped of TypeBox's internal markers.
import { FORMAT_VERSION, TranscriptLine } from '../events/schema.js';

export const TRANSCRIPT_SCHEMA_ID = 'https://runbook.dev/schema/transcript.schema.json';

export function transcriptJsonSchema(): Record<string, unknown> {
  const clean = JSON.parse(JSON.stringify(TranscriptLine)) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: TRANSCRIPT_SCHEMA_ID, $comment: `transcript format ${FORMAT_VERSION}`, ...clean };
}
