// How a field of the language schema carries its words: the description (and examples) that the published JSON
// Schema shows in editors and the reference docs print. Shared by schema.ts and the schema files it is built from.
import { Type } from '@sinclair/typebox';

export const doc = (description: string, examples?: unknown[]) => (examples ? { description, examples } : { description });

/** A text field in which `${{ }}` templates are allowed. */
export const Template = (description: string, examples?: unknown[]) => Type.String(doc(description, examples));
