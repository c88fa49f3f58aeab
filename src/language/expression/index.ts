export { ExpressionError, type Node } from './ast.js';
export { parseExpression } from './parse.js';
export { evaluate, evaluateFlow, truthy, TAINT, ENGINES, type EngineLookup, type Scope, type Taint } from './evaluate.js';
export { parseTemplate, hasTemplate, templateString, type TemplatePart } from './template.js';
export { references, type Reference } from './references.js';
export { FUNCTIONS } from './functions.js';
